//go:build ignore

// Depth 2: the sharpness at a minimizer W_2 W_1 = M is exactly
// ||W_1||_2^2 + ||W_2||_2^2 (times 2s for loss scale s), and since
// ||W_1||_2 ||W_2||_2 >= ||M||_2 it is smallest, 2 ||M||_2, exactly when
// ||W_1||_2^2 = ||W_2||_2^2 = ||M||_2. Only the spectral norms matter.
//
// The first family moves a balanced minimizer along the orbit
// W_1 -> G W_1, W_2 -> W_2 G^{-1} with G = Q diag(1, a, b) Q^T, where Q
// holds the left singular vectors of W_1: G leaves the top singular
// pair alone and rescales the others within limits that keep both
// spectral norms at sqrt(||M||_2). Every member is flattest, yet the
// Frobenius norms differ and the balancedness gap W_2^T W_2 - W_1 W_1^T
// does not vanish. The second family rescales, G = c I, which moves the
// spectral norms apart, and the sharpness rises as the closed form says.
//
//	go run scripts/depth2.go
//	basin run scripts/depth2.go
//
// The tables and the checks go to stdout, the timing to stderr; gap is
// ||W_2^T W_2 - W_1 W_1^T||_F, exact is sharpness.AtMinimizer, closed
// sharpness.Depth2 and flattest sharpness.Flattest. A failed check
// exits with status 1.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/mat"
)

// The target is 3x3 with singular values 2, 1 and 0.5; the inner width
// is 4, above the rank, so G also has a direction outside the range of
// W_1, which it leaves alone.
const (
	rows  = 3
	inner = 4
	seed  = 5
	// checkTol is the relative agreement asked of values that are equal
	// in exact arithmetic: each comes from a few SVDs or eigenvalue
	// solves of 3x3 to 18x18 matrices, accurate to about 1e-14.
	checkTol = 1e-10
)

var sigmas = []float64{2, 1, 0.5}

func main() {
	fs := flag.NewFlagSet("depth2", flag.ExitOnError)
	fs.Parse(os.Args[1:])
	t0 := time.Now()
	fails, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "depth2:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "depth2: done in %v\n", time.Since(t0).Round(time.Millisecond))
	if fails > 0 {
		os.Exit(1)
	}
}

// row is one minimizer of a family.
type row struct {
	param                                    float64
	spec1, spec2, frob1, frob2, gap          float64
	exact, closed, flattest, dense, residual float64
}

func run() (int, error) {
	m := dmf.TargetWithSingularValues(rows, rows, sigmas, seed)
	bal, err := dmf.Balanced(m, []int{rows, inner, rows}, seed)
	if err != nil {
		return 0, err
	}
	sigma1 := dmf.SpectralNorm(m)
	fmt.Printf("target %dx%d, singular values %g %g %g, ||M||_2 = %.6f; widths %d-%d-%d; loss scale %g\n",
		rows, rows, sigmas[0], sigmas[1], sigmas[2], sigma1, rows, inner, rows, bal.Scale())
	fmt.Printf("flattest sharpness 2s * 2 ||M||_2 = %.6f\n\n", sharpness.Flattest(bal))

	// Q: the left singular vectors of the balanced W_1, top first.
	var svd mat.SVD
	if !svd.Factorize(bal.Layer(1), mat.SVDThin) {
		return 0, fmt.Errorf("SVD of W_1 failed")
	}
	var q mat.Dense
	svd.UTo(&q)

	// Flat family: G = I + Q (diag(1, a, b) - I) Q^T with
	// a = (s_1/s_2)^(t/2) and b = (s_3/s_1)^(t/2). The singular values of
	// W_1 become sqrt(s_1), a sqrt(s_2), b sqrt(s_3) and those of W_2
	// sqrt(s_1), sqrt(s_2)/a, sqrt(s_3)/b, all at most sqrt(s_1) for t in
	// [0, 1]: at t = 1 the second of W_1 and the third of W_2 reach it.
	fmt.Println("flat family: G = Q diag(1, a, b) Q^T, a = (s1/s2)^(t/2), b = (s3/s1)^(t/2)")
	var flat []row
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		g := []float64{1, math.Pow(sigmas[0]/sigmas[1], t/2), math.Pow(sigmas[2]/sigmas[0], t/2)}
		n, err := bal.Orbit([]*mat.Dense{onSingular(&q, g)})
		if err != nil {
			return 0, err
		}
		r, err := measure(n, t)
		if err != nil {
			return 0, err
		}
		flat = append(flat, r)
	}
	table("t", flat)

	// Rescaled family: G = c I.
	fmt.Println("\nrescaled family: G = c I, so W_1 -> c W_1, W_2 -> W_2 / c")
	var scaled []row
	for _, c := range []float64{1, 1.1, 1.25, 1.5, 2} {
		n, err := bal.Rescale([]float64{c, 1 / c})
		if err != nil {
			return 0, err
		}
		r, err := measure(n, c)
		if err != nil {
			return 0, err
		}
		scaled = append(scaled, r)
	}
	table("c", scaled)

	fmt.Println("\nchecks")
	return checks(sigma1, flat, scaled), nil
}

// onSingular returns I + Q (diag(g) - I) Q^T, which scales the column
// Q_k by g_k and leaves the complement of Q's range alone.
func onSingular(q *mat.Dense, g []float64) *mat.Dense {
	d, k := q.Dims()
	s := make([]float64, k)
	for i := 0; i < k; i++ {
		s[i] = g[i] - 1
	}
	var qs, out mat.Dense
	qs.Mul(q, mat.NewDiagDense(k, s))
	out.Mul(&qs, q.T())
	for i := 0; i < d; i++ {
		out.Set(i, i, out.At(i, i)+1)
	}
	return &out
}

// measure returns the norms and the sharpness of the minimizer n,
// labelled param.
func measure(n *dmf.Net, param float64) (row, error) {
	ctx := session.Context()
	b := n.Balance()
	ex, err := sharpness.AtMinimizer(ctx, n, 0)
	if err != nil {
		return row{}, err
	}
	vals, err := sharpness.DenseValues(n.At())
	if err != nil {
		return row{}, err
	}
	return row{
		param: param,
		spec1: b.Spectral[0] * b.Spectral[0], spec2: b.Spectral[1] * b.Spectral[1],
		frob1: b.Frobenius[0] * b.Frobenius[0], frob2: b.Frobenius[1] * b.Frobenius[1],
		gap:   b.Gaps[0],
		exact: ex.Value, closed: sharpness.Depth2(n), flattest: sharpness.Flattest(n),
		dense:    vals[len(vals)-1],
		residual: n.RelativeResidual(),
	}, nil
}

func table(name string, rs []row) {
	fmt.Printf("%5s  %11s  %11s  %11s  %11s  %8s  %9s  %9s  %9s\n",
		name, "||W1||_2^2", "||W2||_2^2", "||W1||_F^2", "||W2||_F^2", "gap", "exact", "closed", "flattest")
	for _, r := range rs {
		fmt.Printf("%5.2f  %11.6f  %11.6f  %11.6f  %11.6f  %8.4f  %9.6f  %9.6f  %9.6f\n",
			r.param, r.spec1, r.spec2, r.frob1, r.frob2, r.gap, r.exact, r.closed, r.flattest)
	}
}

// checks prints one OK or FAIL line per property and returns the number
// of failures.
func checks(sigma1 float64, flat, scaled []row) int {
	fails := 0
	check := func(ok bool, what string) {
		if ok {
			fmt.Println("OK   " + what)
		} else {
			fmt.Println("FAIL " + what)
			fails++
		}
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= checkTol*math.Abs(y) }
	all := append(append([]row(nil), flat...), scaled...)

	ok := true
	for _, r := range all {
		ok = ok && r.residual <= sharpness.DefaultMinimizerTol
	}
	check(ok, "every network is a minimizer (relative residual below 1e-8)")
	ok = true
	for _, r := range all {
		ok = ok && near(r.exact, r.closed) && near(r.dense, r.exact)
	}
	check(ok, "exact sharpness = ||W1||_2^2 + ||W2||_2^2 = top eigenvalue of the dense Hessian")
	ok = true
	for _, r := range flat {
		ok = ok && near(r.spec1, sigma1) && near(r.spec2, sigma1) && near(r.exact, r.flattest)
	}
	check(ok, "flat family: ||W1||_2^2 = ||W2||_2^2 = ||M||_2 and sharpness = flattest")
	ok = true
	for _, r := range flat[1:] {
		ok = ok && !near(r.frob1, r.frob2) && r.gap > 1e-3
	}
	check(ok, "flat family: Frobenius norms differ and the gap is nonzero for t > 0")
	ok = true
	for i, r := range scaled[1:] {
		ok = ok && r.exact > scaled[i].exact && !near(r.spec1, r.spec2) && r.exact > r.flattest*(1+checkTol)
	}
	check(ok, "rescaled family: spectral norms apart, sharpness above flattest and rising with c")
	ok = true
	for _, r := range all {
		balanced := near(r.spec1, sigma1) && near(r.spec2, sigma1)
		ok = ok && balanced == near(r.exact, r.flattest)
	}
	check(ok, "flattest exactly when ||W1||_2^2 = ||W2||_2^2 = ||M||_2, over both families")
	return fails
}
