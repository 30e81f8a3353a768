package main

import (
	"github.com/basinlab/basin/stdlib/dmf"
	"gonum.org/v1/gonum/mat"
)

func main() {
	m := mat.NewDense(2, 2, nil)
	n := dmf.Zeros([]int{2, 2, 2}, m)
	n.SetParams(make([]float64, 3))
}

// Error:
// panic_core.go:9:2: panic in main.main: dmf: SetParams with 3 values, need 8
