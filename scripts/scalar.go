//go:build ignore

// Deep scalar factorization: the end-to-end map is a number, M = [[m]]
// (d_0 = d_L = 1), and at a minimizer the sharpness has the closed form
// sum_i ||A_i||^2 ||B_i||^2 (times 2s), A_i a row and B_i a column. For
// the chain of scalars w_1 ... w_L = m that is sum_i m^2 / w_i^2, smallest
// at the balanced chain w_i = m^(1/L): L m^(2(L-1)/L). The script checks
// the closed form against the exact value (sharpness.AtMinimizer) and the
// dense Hessian on chains of widths 1-1-...-1 and 1-k-...-k-1, then runs
// gradient descent from random starts of growing scale: the larger the
// start, the sharper the minimizer it reaches, but never sharper than
// 2/eta, above which GD cannot settle.
//
//	go run scripts/scalar.go
//	basin run scripts/scalar.go
//
// The tables and the checks go to stdout, the timing to stderr. A failed
// check exits with status 1.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/mat"
)

const (
	target = 2.0
	seed   = 11
	// checkTol is the relative agreement asked of values equal in exact
	// arithmetic, each from a dense eigenvalue solve of at most a few
	// dozen dimensions, accurate to about 1e-14.
	checkTol = 1e-10
	// The GD experiment: widths 1-width-width-1, 2/eta at thresholdFrac
	// times the flattest sharpness, runs of at most maxSteps that end at
	// loss lossTol or diverge past maxLoss.
	width         = 4
	thresholdFrac = 1.5
	maxSteps      = 50000
	lossTol       = 1e-26
	maxLoss       = 1e6
)

func main() {
	fs := flag.NewFlagSet("scalar", flag.ExitOnError)
	fs.Parse(os.Args[1:])
	t0 := time.Now()
	fails, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "scalar:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "scalar: done in %v\n", time.Since(t0).Round(time.Millisecond))
	if fails > 0 {
		os.Exit(1)
	}
}

// checker prints OK and FAIL lines and counts the failures.
type checker struct{ fails int }

func (c *checker) check(ok bool, what string) {
	if ok {
		fmt.Println("OK   " + what)
		return
	}
	fmt.Println("FAIL " + what)
	c.fails++
}

func near(x, y float64) bool { return math.Abs(x-y) <= checkTol*math.Abs(y) }

func run() (int, error) {
	m := mat.NewDense(1, 1, []float64{target})
	c := &checker{}
	fmt.Printf("target M = [[%g]]; loss scale %g\n\n", target, dmf.DefaultScale)

	if err := chains(m, c); err != nil {
		return 0, err
	}
	if err := wide(m, c); err != nil {
		return 0, err
	}
	if err := descent(m, c); err != nil {
		return 0, err
	}
	return c.fails, nil
}

// values returns the exact, closed-form and dense-Hessian sharpness of
// the minimizer n.
func values(n *dmf.Net) (exact, closed, dense float64, err error) {
	ex, err := sharpness.AtMinimizer(session.Context(), n, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	vals, err := sharpness.DenseValues(n.At())
	if err != nil {
		return 0, 0, 0, err
	}
	return ex.Value, sharpness.Scalar(n), vals[len(vals)-1], nil
}

// chains compares the closed forms on scalar chains: the balanced one
// and one with w_1 doubled and w_L halved.
func chains(m *mat.Dense, c *checker) error {
	fmt.Println("scalar chains 1-1-...-1: balanced w_i = m^(1/L), and w_1 x 2, w_L / 2")
	fmt.Printf("%2s  %10s  %10s  %10s  %10s  %12s  %10s  %10s\n",
		"L", "exact", "closed", "dense", "L m^..", "skew exact", "sum m2/w2", "dense")
	okBal, okSkew := true, true
	for L := 2; L <= 5; L++ {
		w := math.Pow(target, 1/float64(L))
		bal, err := chain(m, L, w, 1)
		if err != nil {
			return err
		}
		be, bc, bd, err := values(bal)
		if err != nil {
			return err
		}
		formula := float64(L) * math.Pow(target, 2*float64(L-1)/float64(L))
		skew, err := chain(m, L, w, 2)
		if err != nil {
			return err
		}
		se, _, sd, err := values(skew)
		if err != nil {
			return err
		}
		var sum float64
		for _, x := range skew.Params() {
			sum += target * target / (x * x)
		}
		fmt.Printf("%2d  %10.6f  %10.6f  %10.6f  %10.6f  %12.6f  %10.6f  %10.6f\n", L, be, bc, bd, formula, se, sum, sd)
		okBal = okBal && near(be, bc) && near(bd, be) && near(be, formula) && near(be, sharpness.Flattest(bal))
		okSkew = okSkew && near(se, sum) && near(sd, se) && se > be
	}
	c.check(okBal, "balanced chain: exact = closed form = dense = L m^(2(L-1)/L) = flattest")
	c.check(okSkew, "skewed chain: exact = sum_i m^2/w_i^2 = dense, above the balanced value")
	fmt.Println()
	return nil
}

// chain returns the scalar chain with every w_i = w except w_1 = f w and
// w_L = w / f.
func chain(m *mat.Dense, L int, w, f float64) (*dmf.Net, error) {
	ws := make([]*mat.Dense, L)
	for i := 0; i < L; i++ {
		x := w
		if i == 0 {
			x *= f
		}
		if i == L-1 {
			x /= f
		}
		ws[i] = mat.NewDense(1, 1, []float64{x})
	}
	return dmf.New(m, ws...)
}

// wide compares the closed form on minimizers of widths 1-k-k-k-1,
// balanced and moved along the orbit.
func wide(m *mat.Dense, c *checker) error {
	widths := []int{1, 3, 3, 3, 1}
	fmt.Println("widths 1-3-3-3-1: balanced and unbalanced minimizers")
	fmt.Printf("%9s  %10s  %10s  %10s  %10s  %11s\n", "imbalance", "exact", "closed", "dense", "flattest", "upper bound")
	ok := true
	prev := 0.0
	for _, im := range []float64{0, 0.25, 0.5, 1} {
		n, err := dmf.Unbalanced(m, widths, im, seed)
		if err != nil {
			return err
		}
		e, cl, d, err := values(n)
		if err != nil {
			return err
		}
		ub := sharpness.UpperBound(n)
		fmt.Printf("%9.2f  %10.6f  %10.6f  %10.6f  %10.6f  %11.6f\n", im, e, cl, d, sharpness.Flattest(n), ub)
		// With d_0 = d_L = 1, K is 1x1, and the upper bound is the
		// closed form too.
		ok = ok && near(e, cl) && near(d, e) && near(ub, e) && e >= prev
		prev = e
	}
	c.check(ok, "1-3-3-3-1: exact = sum_i ||A_i||^2 ||B_i||^2 = upper bound = dense, rising with the imbalance")
	fmt.Println()
	return nil
}

// descent runs GD from random starts of growing scale and reports the
// minimizer each reaches.
func descent(m *mat.Dense, c *checker) error {
	ctx := session.Context()
	widths := []int{1, width, width, 1}
	flat := sharpness.Flattest(dmf.Zeros(widths, m))
	eta := 2 / (thresholdFrac * flat)
	gd := &optim.GD{Eta: eta}
	fmt.Printf("gradient descent, widths 1-%d-%d-1 from N(0, std^2) entries: flattest %.6f, eta = %.6f, 2/eta = %.6f\n",
		width, width, flat, eta, gd.Threshold())
	fmt.Printf("%5s  %10s  %7s  %10s  %10s  %10s\n", "std", "status", "steps", "final loss", "sharpness", "/ (2/eta)")
	ok := true
	converged := 0
	for _, std := range []float64{0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1} {
		n := dmf.Random(widths, m, std, seed)
		res, err := optim.Run(ctx, n, gd, &optim.Settings{Steps: maxSteps, LossTol: lossTol, MaxLoss: maxLoss})
		if err != nil {
			return err
		}
		s := math.NaN()
		if res.Status == optim.Converged {
			x, err := sharpness.AtMinimizer(ctx, n, 0)
			if err != nil {
				return err
			}
			s = x.Value
			converged++
			ok = ok && s <= gd.Threshold() && s >= flat*(1-checkTol)
		}
		fmt.Printf("%5.2f  %10v  %7d  %10.1e  %10.6f  %10.4f\n", std, res.Status, res.Steps, res.Loss, s, s/gd.Threshold())
	}
	c.check(converged > 0 && ok, "every converged run ends at a minimizer with flattest <= sharpness <= 2/eta")
	return nil
}
