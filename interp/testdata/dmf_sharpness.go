package main

import (
	"fmt"
	"math"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/mat"
)

// A balanced depth-3 minimizer of diag(4, 1): its sharpness must equal the
// flattest value L sigma_1^{2(L-1)/L} = 3 * 4^{4/3}.
func main() {
	m := mat.NewDense(2, 2, []float64{4, 0, 0, 1})
	n, err := dmf.Balanced(m, []int{2, 2, 2, 2}, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("depth %d, %d params, loss below 1e-20: %v\n", n.Depth(), n.NumParams(), n.Loss() < 1e-20)
	ex, err := sharpness.AtMinimizer(session.Context(), n, sharpness.DefaultMinimizerTol)
	if err != nil {
		panic(err)
	}
	want := 3 * math.Pow(4, 4.0/3)
	fmt.Printf("exact %.6f, flattest %.6f, match %v\n", ex.Value, sharpness.Flattest(n), math.Abs(ex.Value-want) < 1e-8*want)
}

// Output:
// depth 3, 12 params, loss below 1e-20: true
// exact 19.048813, flattest 19.048813, match true
