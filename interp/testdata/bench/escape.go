// Escape is a benchmark for the interpreter's overhead: an escape
// experiment shaped like the real one. With -hook the per-step escape test
// is interpreted code called from the compiled run loop; by default it is
// record.EscapeWatch, compiled. Compare
//
//	go build -o /tmp/escape ./interp/testdata/bench && time /tmp/escape
//	time basin run interp/testdata/bench/escape.go
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/sharpness"
)

func main() {
	interpreted := flag.Bool("hook", false, "test for escape in an interpreted hook")
	flag.Parse()
	start := time.Now()
	ctx := session.Context()
	m := dmf.TargetWithSingularValues(16, 16, []float64{3, 2, 1, 0.5}, 1)
	widths := []int{16, 32, 32, 16}
	const delta = 0.1
	for seed := uint64(1); seed <= 3; seed++ {
		center, err := dmf.Balanced(m, widths, seed)
		if err != nil {
			panic(err)
		}
		ex, err := sharpness.AtMinimizer(ctx, center, sharpness.DefaultMinimizerTol)
		if err != nil {
			panic(err)
		}
		eta := 2.5 / ex.Value
		dir := center.RandomDirection(seed + 100)
		for k := 3; k <= 8; k++ {
			eps := math.Pow(10, -float64(k))
			n := center.Perturb(eps, dir)
			gd, err := optim.NewGD(eta)
			if err != nil {
				panic(err)
			}
			escaped := -1
			hook := func(step int, loss float64, grad []float64) error {
				if escaped < 0 && n.Distance(center) > delta {
					escaped = step
				}
				return nil
			}
			// Run on after the escape, to where gradient descent settles.
			watch := record.NewEscapeWatch(n, center.Params(), delta, false)
			if !*interpreted {
				hook = watch.Hook
			}
			_, err = optim.Run(ctx, n, gd, &optim.Settings{Steps: 5000, Hook: hook})
			if err != nil && !errors.Is(err, optim.ErrStop) {
				panic(err)
			}
			if !*interpreted && watch.Escaped() {
				escaped = watch.Step()
			}
			after, err := sharpness.AtMinimizer(ctx, n, 1e-3)
			var nm *sharpness.NotMinimizerError
			if errors.As(err, &nm) {
				fmt.Printf("seed %d eps %.0e escaped at %d, not settled\n", seed, eps, escaped)
				continue
			}
			if err != nil {
				panic(err)
			}
			fmt.Printf("seed %d eps %.0e escaped at %d, sharpness %.4f -> %.4f (2/eta %.4f)\n",
				seed, eps, escaped, ex.Value, after.Value, 2/eta)
		}
	}
	fmt.Fprintln(os.Stderr, "elapsed", time.Since(start))
}
