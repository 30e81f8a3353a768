package main

import (
	"fmt"
	"math"
	"os"

	"github.com/basinlab/basin/stdlib/record"
)

// Escape steps that follow the linear theory exactly give back its slope,
// 1/ln(eta lambda - 1).
func main() {
	const eta, lambda, delta = 0.1, 25.0, 0.1
	var runs []record.Escape
	for k := 2; k <= 6; k++ {
		eps := math.Pow(10, -float64(k))
		p := record.PredictedEscape(eps, delta, eta, lambda)
		runs = append(runs, record.Escape{Eps: eps, Step: int(math.Round(p * 1000)), Predicted: p})
	}
	slope, _, err := record.EscapeSlope(runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("predicted at 1e-4: %.4f\n", runs[2].Predicted)
	fmt.Printf("slope/1000 %.3f, theory %.3f\n", slope/1000, 1/math.Log(eta*lambda-1))
}

// Output:
// predicted at 1e-4: 17.0366
// slope/1000 2.466, theory 2.466
