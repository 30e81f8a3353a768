package main

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

func main() {
	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	var b mat.Dense
	b.Mul(a, a.T())
	fmt.Println(mat.Formatted(&b))
	fmt.Println(mat.Trace(&b))
}

// Output:
// ⎡14  32⎤
// ⎣32  77⎦
// 91
