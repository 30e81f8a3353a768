package sharpness

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// hutchinsonSigma returns the standard deviation of one Rademacher probe
// z^T A z, sqrt(2 (||A||_F^2 - sum_i a_ii^2)).
func hutchinsonSigma(a *mat.SymDense) float64 {
	n := a.SymmetricDim()
	var off float64
	for i := range n {
		for j := range n {
			if i != j {
				off += a.At(i, j) * a.At(i, j)
			}
		}
	}
	return math.Sqrt(2 * off)
}

// lowRankPlusSmall returns U diag(top) U^T + eps G for random orthonormal
// U and a seeded symmetric Gaussian G scaled by eps/sqrt(n): a few large
// eigenvalues over a small bulk, the case Hutch++ is built for.
func lowRankPlusSmall(n int, top []float64, eps float64, seed uint64) *denseOp {
	vals := make([]float64, n)
	copy(vals[n-len(top):], top)
	op := withSpectrum(vals, seed)
	noise := wigner(n, seed+1)
	op.a.AddSym(op.a, scaledSym(noise.a, eps/math.Sqrt(float64(n))))
	return op
}

func scaledSym(a *mat.SymDense, c float64) *mat.SymDense {
	var s mat.SymDense
	s.ScaleSym(c, a)
	return &s
}

func trace(a *mat.SymDense) float64 {
	var t float64
	for i := range a.SymmetricDim() {
		t += a.At(i, i)
	}
	return t
}

func TestHutchinsonKnownTrace(t *testing.T) {
	// Eigenvalues 1..200, so tr = 20100 exactly.
	vals := linspace(1, 200, 200)
	op := withSpectrum(vals, 40)
	const samples = 2000
	est, err := Hutchinson(context.Background(), op, samples, 7)
	if err != nil {
		t.Fatal(err)
	}
	// The mean of 2000 probes is normal to a good approximation with
	// standard deviation sigma/sqrt(samples); four of those bound the
	// error for all but 6 seeds in 100000.
	se := hutchinsonSigma(op.a) / math.Sqrt(samples)
	if d := math.Abs(est.Value - 20100); d > 4*se {
		t.Errorf("estimate %.6g, want 20100 within 4 x %.3g", est.Value, se)
	}
	// The sample standard deviation of 2000 probes is within a few
	// percent of sigma; 20% leaves room for heavy tails.
	if r := est.StdErr / se; r < 0.8 || r > 1.2 {
		t.Errorf("StdErr %.3g, want near %.3g", est.StdErr, se)
	}
	if est.MatVecs != samples || op.calls != samples {
		t.Errorf("MatVecs %d, operator saw %d; want %d", est.MatVecs, op.calls, samples)
	}
}

func TestHutchPlusPlusKnownTrace(t *testing.T) {
	cases := []struct {
		name, reason string
		op           *denseOp
		matvecs      int
		exact        bool // rank below the sketch: the estimate is exact
	}{
		{"decaying", "eigenvalues 1/i^2: the sketch takes the large ones",
			withSpectrum(decaying(200), 41), 90, false},
		{"rank5", "rank 5 below a sketch of 10: dependent columns dropped, remainder zero",
			withSpectrum(append(make([]float64, 195), 1, 2, 3, 4, 5), 42), 30, true},
		{"tiny", "n = 2 below the sketch size",
			&denseOp{a: mat.NewSymDense(2, []float64{2, 1, 1, 3})}, 12, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := trace(c.op.a)
			est, err := HutchPlusPlus(context.Background(), c.op, c.matvecs, 8)
			if err != nil {
				t.Fatal(err)
			}
			if est.MatVecs != c.op.calls || est.MatVecs > c.matvecs {
				t.Errorf("MatVecs %d, operator saw %d, budget %d", est.MatVecs, c.op.calls, c.matvecs)
			}
			tol := 5 * est.StdErr // five estimated standard errors: see TestHutchinsonKnownTrace
			if c.exact {
				tol = 1e-10 * math.Abs(tr) // rounding only
			}
			if d := math.Abs(est.Value - tr); d > tol || math.IsNaN(d) {
				t.Errorf("%s: estimate %.12g, trace %.12g, error %.3g above %.3g", c.reason, est.Value, tr, d, tol)
			}
		})
	}
}

func decaying(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / float64((n-i)*(n-i))
	}
	return v
}

func TestHutchPlusPlusVariance(t *testing.T) {
	// Ten eigenvalues from 10 to 100 over a bulk of size 0.01: at 60
	// products Hutchinson's error is dominated by the large ones, which
	// Hutch++'s sketch of 20 removes. Over 40 seeds, compare root mean
	// square errors; the ratio is expected near 100, so asking for 10
	// does not depend on the seeds.
	op := lowRankPlusSmall(300, linspace(10, 100, 10), 0.01, 43)
	tr := trace(op.a)
	const runs, matvecs = 40, 60
	var sh, shpp float64
	for seed := range uint64(runs) {
		h, err := Hutchinson(context.Background(), op, matvecs, seed)
		if err != nil {
			t.Fatal(err)
		}
		hpp, err := HutchPlusPlus(context.Background(), op, matvecs, seed)
		if err != nil {
			t.Fatal(err)
		}
		sh += (h.Value - tr) * (h.Value - tr)
		shpp += (hpp.Value - tr) * (hpp.Value - tr)
	}
	rh, rhpp := math.Sqrt(sh/runs), math.Sqrt(shpp/runs)
	t.Logf("rms error at %d products: Hutchinson %.3g, Hutch++ %.3g, trace %.6g", matvecs, rh, rhpp, tr)
	if rhpp > rh/10 {
		t.Errorf("Hutch++ rms error %.3g not ten times below Hutchinson's %.3g", rhpp, rh)
	}
}

func TestTraceErrors(t *testing.T) {
	op := &diagOp{d: []float64{1, 2}}
	ctx := context.Background()
	if _, err := Hutchinson(ctx, op, 0, 1); err == nil {
		t.Error("Hutchinson with 0 samples: no error")
	}
	if _, err := HutchPlusPlus(ctx, op, 2, 1); err == nil {
		t.Error("Hutch++ with 2 products: no error")
	}
	if _, err := Hutchinson(ctx, &diagOp{}, 5, 1); err == nil {
		t.Error("empty operator: no error")
	}
	one, err := Hutchinson(ctx, op, 1, 1)
	if err != nil || !math.IsNaN(one.StdErr) || one.Value != 3 {
		t.Errorf("one probe of diag(1, 2): %+v, %v; want value 3, NaN StdErr", one, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Hutchinson(cctx, op, 5, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Hutchinson: %v", err)
	}
	if _, err := HutchPlusPlus(cctx, op, 6, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Hutch++: %v", err)
	}
}

func TestRademacher(t *testing.T) {
	z := make([]float64, 1000)
	rademacher(rand.New(rand.NewPCG(1, 2)), z)
	for i, v := range z {
		if v != 1 && v != -1 {
			t.Fatalf("z[%d] = %g", i, v)
		}
	}
	// The sum of 1000 signs has standard deviation about 32.
	if s := floats.Sum(z); math.Abs(s) > 4*math.Sqrt(1000) {
		t.Errorf("sum of signs %g: not balanced", s)
	}
}
