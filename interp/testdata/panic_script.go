package main

import "fmt"

func main() {
	fmt.Println("before")
	step([]float64{1, 2})
}

func step(xs []float64) {
	fmt.Println("in step")
	i := 5
	fmt.Println(xs[i])
}

// Error:
// panic_script.go:11:2: panic in main.step: reflect: slice index out of range
// Output:
// before
// in step
