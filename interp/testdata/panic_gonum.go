package main

import "gonum.org/v1/gonum/mat"

func main() {
	a := mat.NewDense(2, 3, nil)
	b := mat.NewDense(2, 3, nil)
	var c mat.Dense
	c.Mul(a, b)
}

// Error:
// panic_gonum.go:6:2: panic in main.main: mat: dimension mismatch
