package main

import (
	"github.com/basinlab/basin/stdlib/dmf"
	"gonum.org/v1/gonum/mat"
)

func main() {
	m := mat.NewDense(1, 1, []float64{1})
	_ = dmf.Ballanced(m, []int{1, 1, 1}, 1)
}

// Error:
// undefined_member.go:10:6: undefined: dmf.Ballanced (did you mean dmf.Balanced?)
