package main

import (
	"fmt"

	"github.com/basinlab/basin/stdlib/dmf"
	"gonum.org/v1/gonum/mat"
)

// The range expression's type comes from a compiled package, which the
// pre-check cannot see; yaegi crashes and the crash is reported.
func main() {
	n := dmf.Zeros([]int{2, 2, 2}, mat.NewDense(2, 2, nil))
	for i := range n.Depth() {
		fmt.Println(i)
	}
}

// Error:
// crash_range.go:14:17: the interpreter crashed (nil type); yaegi v0.16.1 lacks some Go 1.21+ features, such as range over an integer or a function, and some generic code; the range statement here is the likely cause if it ranges over an integer or a function
