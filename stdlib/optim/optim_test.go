package optim_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// handTol is the tolerance for hand-computed steps: a few roundings of
// numbers of order one.
const handTol = 1e-14

// twoD returns the quadratic with A = diag(2, 1/2) at x0 = (1, -2), where
// the gradient is (2, -1).
func twoD() *optim.Quadratic {
	return optim.NewDiagQuadratic([]float64{2, 0.5}, []float64{1, -2})
}

// steps runs n steps of o on q and returns the parameters.
func steps(t *testing.T, q *optim.Quadratic, o optim.Optimizer, n int) []float64 {
	t.Helper()
	if _, err := optim.Run(context.Background(), q, o, &optim.Settings{Steps: n}); err != nil {
		t.Fatal(err)
	}
	return q.Params()
}

func near(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s: x[%d] = %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

func TestHandComputedSteps(t *testing.T) {
	// Second Adam step, written out from the definitions with
	// g0 = (2, -1) and g1 = A x1.
	a1 := []float64{1 - 0.1*2/(2+1e-8), -2 + 0.1*1/(1+1e-8)}
	adam2 := func(k int, g0, g1, x1 float64) float64 {
		m := 0.9*0.1*g0 + 0.1*g1
		v := 0.999*0.001*g0*g0 + 0.001*g1*g1
		mh := m / (1 - 0.9*0.9)
		vh := v / (1 - 0.999*0.999)
		return x1 - 0.1*mh/(math.Sqrt(vh)+1e-8)
	}
	a2 := []float64{adam2(0, 2, 2*a1[0], a1[0]), adam2(1, -1, 0.5*a1[1], a1[1])}

	// RMSprop with alpha 0.9, momentum 0.5: v1 = 0.1 g0^2, b1 = g0/(sqrt(v1)+eps).
	r1 := func(g float64) float64 { return g / (math.Sqrt(0.1*g*g) + 1e-8) }
	x1 := []float64{1 - 0.01*r1(2), -2 - 0.01*r1(-1)}
	r2 := func(g0, g1, x float64) float64 {
		v := 0.9*0.1*g0*g0 + 0.1*g1*g1
		b := 0.5*r1(g0) + g1/(math.Sqrt(v)+1e-8)
		return x - 0.01*b
	}
	rms2 := []float64{r2(2, 2*x1[0], x1[0]), r2(-1, 0.5*x1[1], x1[1])}

	// SAM with rho 0.05 over GD 0.1: ascent point x0 + rho g0/||g0||.
	s5 := math.Sqrt(5)
	xa := []float64{1 + 0.05*2/s5, -2 - 0.05*1/s5}
	sam1 := []float64{1 - 0.1*2*xa[0], -2 - 0.1*0.5*xa[1]}
	// USAM: ascent point x0 + rho g0.
	xu := []float64{1 + 0.05*2, -2 - 0.05*1}
	usam1 := []float64{1 - 0.1*2*xu[0], -2 - 0.1*0.5*xu[1]}

	gd := func() optim.Optimizer { return &optim.GD{Eta: 0.1} }
	for _, c := range []struct {
		name string
		opt  optim.Optimizer
		n    int
		want []float64
	}{
		{"gd one step", &optim.GD{Eta: 0.1}, 1, []float64{0.8, -1.9}},
		{"gd two steps", &optim.GD{Eta: 0.1}, 2, []float64{0.64, -1.805}},
		// v1 = g0, x1 = (0.8, -1.9); g1 = (1.6, -0.95), v2 = (3.4, -1.85).
		{"momentum two steps", &optim.Momentum{Eta: 0.1, Beta: 0.9}, 2, []float64{0.46, -1.715}},
		// x1 = x0 - 0.1 (g0 + 0.9 g0) = (0.62, -1.81); v2 = (3.04, -1.805).
		{"nesterov two steps", &optim.Nesterov{Eta: 0.1, Beta: 0.9}, 2, []float64{0.2224, -1.55705}},
		{"adam one step", &optim.Adam{Eta: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, 1, a1},
		{"adam two steps", &optim.Adam{Eta: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, 2, a2},
		{"rmsprop two steps", &optim.RMSprop{Eta: 0.01, Alpha: 0.9, Eps: 1e-8, Momentum: 0.5}, 2, rms2},
		{"sam over gd", &optim.SAM{Rho: 0.05, Base: gd()}, 1, sam1},
		{"usam over gd", &optim.SAM{Rho: 0.05, Base: gd(), Unnormalized: true}, 1, usam1},
		{"sam rho 0 is its base", &optim.SAM{Rho: 0, Base: gd()}, 2, []float64{0.64, -1.805}},
	} {
		t.Run(c.name, func(t *testing.T) {
			near(t, c.name, steps(t, twoD(), c.opt, c.n), c.want, handTol)
		})
	}
}

func TestValidation(t *testing.T) {
	gd := &optim.GD{Eta: 0.1}
	for _, c := range []struct {
		name string
		opt  optim.Optimizer
		want string
	}{
		{"zero eta", &optim.GD{}, "eta = 0"},
		{"negative eta", &optim.GD{Eta: -1}, "eta = -1"},
		{"nan eta", &optim.GD{Eta: math.NaN()}, "eta = NaN"},
		{"infinite eta", &optim.GD{Eta: math.Inf(1)}, "eta = +Inf"},
		{"beta one", &optim.Momentum{Eta: 0.1, Beta: 1}, "beta = 1 outside [0, 1)"},
		{"negative beta", &optim.Nesterov{Eta: 0.1, Beta: -0.1}, "beta = -0.1 outside [0, 1)"},
		{"adam beta2", &optim.Adam{Eta: 0.1, Beta1: 0.9, Beta2: 1, Eps: 1e-8}, "beta2 = 1"},
		{"adam eps", &optim.Adam{Eta: 0.1, Beta1: 0.9, Beta2: 0.99}, "eps = 0"},
		{"rmsprop alpha", &optim.RMSprop{Eta: 0.1, Alpha: 1.5, Eps: 1e-8}, "alpha = 1.5"},
		{"sam rho", &optim.SAM{Rho: -1, Base: gd}, "rho = -1"},
		{"sam base", &optim.SAM{Rho: 0.1}, "no base"},
		{"sam bad base", &optim.SAM{Rho: 0.1, Base: &optim.GD{}}, "sam base: optim: step size"},
		{"flow dt", &optim.GradientFlow{Rtol: 1e-8}, "dt = 0"},
		{"flow rtol", &optim.GradientFlow{Dt: 1}, "rtol = 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.opt.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "optim: ") {
				t.Fatalf("Validate() = %v, want an error containing %q", err, c.want)
			}
			q := twoD()
			if _, err := optim.Run(context.Background(), q, c.opt, &optim.Settings{Steps: 3}); err == nil {
				t.Fatal("Run accepted invalid hyperparameters")
			}
			near(t, "untouched", q.Params(), []float64{1, -2}, 0)
		})
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"NewGD", second(optim.NewGD(0))},
		{"NewMomentum", second(optim.NewMomentum(0.1, 1))},
		{"NewNesterov", second(optim.NewNesterov(0.1, 2))},
		{"NewAdam", second(optim.NewAdam(0.1, 0.9, -0.1, 1e-8))},
		{"NewRMSprop", second(optim.NewRMSprop(0.1, 0.99, 0, 0))},
		{"NewSAM", second(optim.NewSAM(nil, 0.1))},
		{"NewGradientFlow", second(optim.NewGradientFlow(-1))},
	} {
		if c.err == nil {
			t.Errorf("%s accepted invalid hyperparameters", c.name)
		}
	}
	if _, err := optim.Run(context.Background(), twoD(), gd, &optim.Settings{Steps: -1}); err == nil {
		t.Error("Run accepted -1 steps")
	}
	if _, err := optim.Run(context.Background(), twoD(), nil, nil); err == nil {
		t.Error("Run accepted a nil optimizer")
	}
}

func second[T any](_ T, err error) error { return err }

func TestMismatchedGradientPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "gradient of length 3 for 2 parameters") {
			t.Fatalf("recover() = %v", r)
		}
	}()
	(&optim.GD{Eta: 1}).Step(twoD(), make([]float64, 3))
}

// stabilityMargin is how far above or below a threshold the stability
// tests place the sharpness: 2 percent, so that the growth or decay
// factor per step differs from 1 by about a percent and a few thousand
// steps separate the cases by many orders of magnitude.
const stabilityMargin = 0.02

func TestThresholdsOnQuadratic(t *testing.T) {
	eta := 0.1
	for _, c := range []struct {
		name string
		opt  func() optim.Optimizer
		want float64
	}{
		{"gd", func() optim.Optimizer { return &optim.GD{Eta: eta} }, 2 / eta},
		{"momentum", func() optim.Optimizer { return &optim.Momentum{Eta: eta, Beta: 0.5} }, 3 / eta},
		{"nesterov", func() optim.Optimizer { return &optim.Nesterov{Eta: eta, Beta: 0.5} }, 1.5 / eta},
		{"usam over gd", func() optim.Optimizer {
			return &optim.SAM{Rho: 0.05, Base: &optim.GD{Eta: eta}, Unnormalized: true}
		}, (math.Sqrt(1+4*0.05*2/eta) - 1) / (2 * 0.05)},
		{"usam over momentum", func() optim.Optimizer {
			return &optim.SAM{Rho: 0.05, Base: &optim.Momentum{Eta: eta, Beta: 0.5}, Unnormalized: true}
		}, (math.Sqrt(1+4*0.05*3/eta) - 1) / (2 * 0.05)},
	} {
		t.Run(c.name, func(t *testing.T) {
			th := c.opt().Threshold()
			if math.Abs(th-c.want) > 1e-12*c.want {
				t.Fatalf("Threshold() = %v, want %v", th, c.want)
			}
			for _, f := range []float64{1 - stabilityMargin, 1 + stabilityMargin} {
				// A second, flat direction must stay harmless.
				q := optim.NewDiagQuadratic([]float64{f * th, 0.1 * th}, []float64{1e-3, 1e-3})
				x := steps(t, q, c.opt(), 3000)
				n := floats.Norm(x, 2)
				if f < 1 && !(n < 1e-6) {
					t.Errorf("sharpness %.3g below threshold %.3g: |x| = %.3g after 3000 steps, want decay", f*th, th, n)
				}
				if f > 1 && !(n > 1 || math.IsNaN(n)) {
					t.Errorf("sharpness %.3g above threshold %.3g: |x| = %.3g after 3000 steps, want growth", f*th, th, n)
				}
			}
		})
	}
}

// TestAdaptiveEdge checks the thresholds of Adam and RMSprop, which apply
// to the preconditioned Hessian: on a quadratic the preconditioner grows
// as the gradient shrinks until the preconditioned sharpness D lambda
// reaches the threshold, and it then hovers there (Cohen et al., 2022).
func TestAdaptiveEdge(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  optim.Optimizer
	}{
		{"adam", &optim.Adam{Eta: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-12}},
		{"rmsprop", &optim.RMSprop{Eta: 1e-2, Alpha: 0.99, Eps: 1e-12}},
		{"rmsprop momentum", &optim.RMSprop{Eta: 1e-2, Alpha: 0.99, Eps: 1e-12, Momentum: 0.5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lambda := 1.0
			q := optim.NewDiagQuadratic([]float64{lambda}, []float64{1})
			g := make([]float64, 1)
			var d []float64
			var sum float64
			const warm, avg = 20000, 20000
			for k := 0; k < warm+avg; k++ {
				q.Grad(g)
				c.opt.Step(q, g)
				if k >= warm {
					d = c.opt.(optim.Preconditioner).Preconditioner(d)
					sum += d[0] * lambda
				}
			}
			mean := sum / avg
			th := c.opt.Threshold()
			// The oscillation about the edge is a few percent wide;
			// its mean is within 10 percent of the threshold.
			if !(math.Abs(mean-th) <= 0.1*th) {
				t.Errorf("mean preconditioned sharpness %.4g, threshold %.4g", mean, th)
			}
			t.Logf("mean preconditioned sharpness %.4g, threshold %.4g", mean, th)
		})
	}
}

func TestRunStopsAndHooks(t *testing.T) {
	ctx := context.Background()
	t.Run("loss tolerance", func(t *testing.T) {
		q := twoD()
		res, err := optim.Run(ctx, q, &optim.GD{Eta: 0.5}, &optim.Settings{Steps: 1000, LossTol: 1e-10})
		if err != nil || res.Status != optim.Converged {
			t.Fatalf("Run = %+v, %v", res, err)
		}
		// GD 0.5 contracts the second coordinate by 3/4 per step and the
		// first to zero in one step: loss 1/4 (3/4)^{2t} 4 <= 1e-10.
		want := int(math.Ceil(math.Log(1e-10) / (2 * math.Log(0.75))))
		if res.Steps != want || res.Loss > 1e-10 {
			t.Errorf("converged at step %d with loss %g, want step %d", res.Steps, res.Loss, want)
		}
	})
	t.Run("divergence", func(t *testing.T) {
		q := twoD()
		res, err := optim.Run(ctx, q, &optim.GD{Eta: 10}, &optim.Settings{Steps: 100000})
		if err != nil || res.Status != optim.Diverged {
			t.Fatalf("Run = %+v, %v", res, err)
		}
		// |1 - 10*2| = 19 per step, so the loss grows by 19^2 and
		// overflows 1.8e308 near step 308/(2 log10 19) = 120.
		if res.Steps < 115 || res.Steps > 125 {
			t.Errorf("diverged at step %d", res.Steps)
		}
	})
	t.Run("loss bound", func(t *testing.T) {
		q := twoD()
		res, _ := optim.Run(ctx, q, &optim.GD{Eta: 10}, &optim.Settings{Steps: 100, MaxLoss: 1e6})
		// Loss 4.25 at step 0 grows by 19^2 per step: above 1e6 at step 3.
		if res.Status != optim.Diverged || res.Steps != 3 || !(res.Loss > 1e6) {
			t.Errorf("Run = %+v", res)
		}
	})
	t.Run("hook period", func(t *testing.T) {
		var seen []int
		hook := func(step int, loss float64, g []float64) error {
			seen = append(seen, step)
			return nil
		}
		res, err := optim.Run(ctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 23, Every: 10, Hook: hook})
		if err != nil || res.Status != optim.StepLimit || res.Steps != 23 {
			t.Fatalf("Run = %+v, %v", res, err)
		}
		if len(seen) != 4 || seen[0] != 0 || seen[1] != 10 || seen[2] != 20 || seen[3] != 23 {
			t.Errorf("hook saw steps %v, want [0 10 20 23]", seen)
		}
	})
	t.Run("hook loss and gradient", func(t *testing.T) {
		hook := func(step int, loss float64, g []float64) error {
			if step == 1 {
				// x1 = (0.8, -1.9): loss (2*0.64 + 0.5*3.61)/2.
				if math.Abs(loss-(0.64+0.9025)) > handTol || math.Abs(g[0]-1.6) > handTol || math.Abs(g[1]+0.95) > handTol {
					t.Errorf("step 1: loss %v grad %v", loss, g)
				}
			}
			return nil
		}
		optim.Run(ctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 2, Hook: hook})
	})
	t.Run("stop", func(t *testing.T) {
		hook := func(step int, loss float64, g []float64) error {
			if step == 5 {
				return optim.ErrStop
			}
			return nil
		}
		res, err := optim.Run(ctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 100, Hook: hook})
		if err != nil || res.Status != optim.Stopped || res.Steps != 5 {
			t.Errorf("Run = %+v, %v", res, err)
		}
	})
	t.Run("hook error", func(t *testing.T) {
		bad := errors.New("disk full")
		hook := func(step int, loss float64, g []float64) error { return bad }
		_, err := optim.Run(ctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 100, Hook: hook})
		if !errors.Is(err, bad) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		hook := func(step int, loss float64, g []float64) error {
			if step == 40 {
				cancel()
			}
			return nil
		}
		res, err := optim.Run(cctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 1 << 30, Hook: hook})
		if !errors.Is(err, context.Canceled) || res.Status != optim.Cancelled || res.Steps > 40+16 {
			t.Errorf("Run = %+v, %v", res, err)
		}
	})
	t.Run("keep state", func(t *testing.T) {
		// Two runs of one step with Keep equal one run of two steps.
		q := twoD()
		o := &optim.Momentum{Eta: 0.1, Beta: 0.9}
		optim.Run(ctx, q, o, &optim.Settings{Steps: 1})
		optim.Run(ctx, q, o, &optim.Settings{Steps: 1, Keep: true})
		near(t, "kept", q.Params(), []float64{0.46, -1.715}, handTol)
		// Without Keep the velocity restarts.
		q = twoD()
		optim.Run(ctx, q, o, &optim.Settings{Steps: 1})
		optim.Run(ctx, q, o, &optim.Settings{Steps: 1})
		near(t, "reset", q.Params(), []float64{0.64, -1.805}, handTol)
	})
	t.Run("chain", func(t *testing.T) {
		n := 0
		h := func(int, float64, []float64) error { n++; return nil }
		optim.Run(ctx, twoD(), &optim.GD{Eta: 0.1}, &optim.Settings{Steps: 4, Hook: optim.Chain(h, nil, h)})
		if n != 10 {
			t.Errorf("chained hooks ran %d times, want 10", n)
		}
	})
}

// flowExact returns exp(-t A) x0 for a symmetric A.
func flowExact(a *mat.SymDense, x0 []float64, t float64) []float64 {
	var es mat.EigenSym
	es.Factorize(a, true)
	var v mat.Dense
	es.VectorsTo(&v)
	vals := es.Values(nil)
	y := mat.NewVecDense(len(x0), nil)
	y.MulVec(v.T(), mat.NewVecDense(len(x0), append([]float64(nil), x0...)))
	for i, l := range vals {
		y.SetVec(i, y.AtVec(i)*math.Exp(-l*t))
	}
	y.MulVec(&v, y)
	return y.RawVector().Data
}

func TestGradientFlowAccuracy(t *testing.T) {
	// A with eigenvalues spread over [0.1, 10] and a 1e-3 coupling
	// structure from a seeded random orthogonal basis.
	n := 6
	b := dmf.RandomTarget(n, n, 7)
	a := mat.NewSymDense(n, nil)
	a.SymOuterK(1, b)
	a.AddSym(a, eyeSym(n, 0.1))
	x0 := []float64{1, -1, 0.5, 2, -0.3, 0.7}
	q := optim.NewQuadratic(a, nil, x0)
	o, _ := optim.NewGradientFlow(0.5)
	res, err := optim.Run(context.Background(), q, o, &optim.Settings{Steps: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := flowExact(a, x0, 10)
	// Global error after t = 10 at rtol 1e-9: within 1e-7 of the scale
	// of x0 (DefaultFlowRtol's documentation).
	for i := range want {
		if d := math.Abs(q.Params()[i] - want[i]); d > 1e-7 {
			t.Errorf("x[%d] = %.12g, exact %.12g, error %.2g", i, q.Params()[i], want[i], d)
		}
	}
	if math.Abs(o.Time()-10) > 1e-12 {
		t.Errorf("integrated time %v, want 10", o.Time())
	}
	acc, rej := o.Substeps()
	t.Logf("%d accepted, %d rejected substeps, %d evaluations, final loss %.3g", acc, rej, o.Evals(), res.Loss)
}

func eyeSym(n int, s float64) *mat.SymDense {
	e := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		e.SetSym(i, i, s)
	}
	return e
}

func TestUSAMFlow(t *testing.T) {
	// USAM over gradient flow on diag(lambda) integrates
	// dx/dt = -(lambda + rho lambda^2) x, through the SAM gradient of
	// every stage of the integrator.
	lambda := []float64{2, 0.5, 1}
	x0 := []float64{1, -2, 0.5}
	q := optim.NewDiagQuadratic(lambda, x0)
	gf, _ := optim.NewGradientFlow(0.25)
	o, _ := optim.NewUSAM(gf, 0.1)
	if _, err := optim.Run(context.Background(), q, o, &optim.Settings{Steps: 8}); err != nil {
		t.Fatal(err)
	}
	for i, l := range lambda {
		want := x0[i] * math.Exp(-(l+0.1*l*l)*2)
		if d := math.Abs(q.Params()[i] - want); d > 1e-8 {
			t.Errorf("x[%d] = %.12g, want %.12g", i, q.Params()[i], want)
		}
	}
}

// gaps returns W_{i+1}^T W_{i+1} - W_i W_i^T for each i.
func gaps(n *dmf.Net) []*mat.Dense {
	var out []*mat.Dense
	for i := 1; i < n.Depth(); i++ {
		var a, b mat.Dense
		a.Mul(n.Layer(i+1).T(), n.Layer(i+1))
		b.Mul(n.Layer(i), n.Layer(i).T())
		a.Sub(&a, &b)
		out = append(out, &a)
	}
	return out
}

func TestGradientFlowConservesBalance(t *testing.T) {
	// Under gradient flow on a deep linear network the matrices
	// W_{i+1}^T W_{i+1} - W_i W_i^T are invariants (Arora, Cohen and
	// Hazan, ICML 2018): an independent check of the integrator on a
	// nonlinear problem.
	m := dmf.RandomTarget(3, 4, 1)
	n := dmf.Random([]int{4, 5, 5, 3}, m, 0.5, 2)
	before := gaps(n)
	gf, _ := optim.NewGradientFlow(0.5)
	res, err := optim.Run(context.Background(), n, gf, &optim.Settings{Steps: 40})
	if err != nil {
		t.Fatal(err)
	}
	if !(res.Loss < res.InitialLoss/10) {
		t.Fatalf("loss %g -> %g: the flow did not train", res.InitialLoss, res.Loss)
	}
	after := gaps(n)
	for i := range before {
		var d mat.Dense
		d.Sub(after[i], before[i])
		// rtol 1e-9 per substep over some hundreds of substeps.
		if e := mat.Norm(&d, 2); e > 1e-6*mat.Norm(before[i], 2) {
			t.Errorf("gap %d moved by %.3g (norm %.3g)", i+1, e, mat.Norm(before[i], 2))
		}
	}
}

// sharpMinimizer returns an unbalanced minimizer of a seeded target and
// its sharpness from the dense Hessian.
func sharpMinimizer(t *testing.T) (*dmf.Net, float64) {
	t.Helper()
	m := dmf.TargetWithSingularValues(3, 3, []float64{1, 0.6, 0.3}, 3)
	n, err := dmf.Unbalanced(m, []int{3, 3, 3, 3}, 0.4, 4)
	if err != nil {
		t.Fatal(err)
	}
	vals, _, err := sharpness.DenseEigen(n.At())
	if err != nil {
		t.Fatal(err)
	}
	return n, vals[len(vals)-1]
}

func TestThresholdsAtDMFMinimizer(t *testing.T) {
	start, lmax := sharpMinimizer(t)
	dir := start.RandomDirection(5)
	const eps = 1e-6
	for _, c := range []struct {
		name string
		opt  func(th float64) optim.Optimizer
	}{
		// Each optimizer is scaled so that its threshold equals th.
		{"gd", func(th float64) optim.Optimizer { return &optim.GD{Eta: 2 / th} }},
		{"momentum", func(th float64) optim.Optimizer { return &optim.Momentum{Eta: 2.8 / th, Beta: 0.4} }},
		{"nesterov", func(th float64) optim.Optimizer { return &optim.Nesterov{Eta: 2.8 / (1.8 * th), Beta: 0.4} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []float64{1 - stabilityMargin, 1 + stabilityMargin} {
				// Sharpness f times the threshold: threshold lmax/f.
				o := c.opt(lmax / f)
				if th := o.Threshold(); math.Abs(th-lmax/f) > 1e-9*th {
					t.Fatalf("threshold %v, want %v", th, lmax/f)
				}
				n := start.Perturb(eps, dir)
				optim.Run(context.Background(), n, o, &optim.Settings{Steps: 3000})
				d := n.Distance(start)
				if f < 1 && !(d < 10*eps) {
					t.Errorf("stable case left: distance %.3g from %.3g", d, eps)
				}
				if f > 1 && !(d > 1e3*eps) {
					t.Errorf("unstable case stayed: distance %.3g from %.3g", d, eps)
				}
			}
		})
	}
}
