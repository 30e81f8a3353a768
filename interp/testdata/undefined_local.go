package main

import "fmt"

func main() {
	learningRate := 0.1
	fmt.Println(learningRat * 2)
}

// Error:
// undefined_local.go:7:14: undefined: learningRat (did you mean learningRate?)
