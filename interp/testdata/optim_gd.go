package main

import (
	"fmt"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/session"
)

// Gradient descent from a small random start reduces the loss of a rank-2
// target.
func main() {
	m := dmf.TargetWithSingularValues(3, 3, []float64{2, 1, 0}, 7)
	n := dmf.Random([]int{3, 4, 3}, m, 0.1, 3)
	gd, err := optim.NewGD(0.05)
	if err != nil {
		panic(err)
	}
	res, err := optim.Run(session.Context(), n, gd, &optim.Settings{Steps: 2000})
	if err != nil {
		panic(err)
	}
	fmt.Println("steps:", res.Steps)
	fmt.Println("loss decreased:", res.Loss < res.InitialLoss/100)
}

// Output:
// steps: 2000
// loss decreased: true
