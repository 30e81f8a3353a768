package record_test

import (
	"context"
	"math"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/mat"
)

// escapeSetup returns a sharp unbalanced minimizer (3x3 target with
// singular values 1, 0.6, 0.3, depth 3), its sharpness from the dense
// Hessian, and a step size with eta lambda_max = 2.5, so that the
// deviation along the top eigenvector grows by 1.5 per step.
func escapeSetup(t *testing.T) (*dmf.Net, float64, float64) {
	t.Helper()
	m := dmf.TargetWithSingularValues(3, 3, []float64{1, 0.6, 0.3}, 3)
	n, err := dmf.Unbalanced(m, []int{3, 3, 3, 3}, 0.7, 1)
	if err != nil {
		t.Fatal(err)
	}
	return n, denseSharpness(t, n), 2.5 / denseSharpness(t, n)
}

// denseSharpness returns the top eigenvalue of the dense Hessian, built
// from dmf's closed-form blocks and diagonalized by mat.EigenSym.
func denseSharpness(t *testing.T, n *dmf.Net) float64 {
	t.Helper()
	h, err := n.At().DenseHessian()
	if err != nil {
		t.Fatal(err)
	}
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		t.Fatal("EigenSym failed")
	}
	v := es.Values(nil)
	return v[len(v)-1]
}

func TestEscapeSlopeAndFinalMinimizer(t *testing.T) {
	start, lmax, eta := escapeSetup(t)
	if ex, err := sharpness.AtMinimizer(context.Background(), start, 0); err != nil || math.Abs(ex.Value-lmax) > 1e-9*lmax {
		t.Fatalf("exact sharpness %v (%v), dense %v", ex.Value, err, lmax)
	}
	const delta = 0.1
	dir := start.RandomDirection(7)
	var runs []record.Escape
	for e := -2; e >= -12; e-- {
		eps := math.Pow(10, float64(e))
		n := start.Perturb(eps, dir)
		w := record.NewEscapeWatch(n, start.Params(), delta, false)
		res, err := optim.Run(context.Background(), n, &optim.GD{Eta: eta},
			&optim.Settings{Steps: 100000, LossTol: 1e-28, Hook: w.Hook})
		if err != nil {
			t.Fatal(err)
		}
		if !w.Escaped() {
			t.Fatalf("eps %g: no escape, status %v", eps, res.Status)
		}
		runs = append(runs, record.Escape{Eps: eps, Step: w.Step(), Predicted: record.PredictedEscape(eps, delta, eta, lmax)})

		// The run settles at a minimizer flat enough for eta.
		if res.Status != optim.Converged {
			t.Fatalf("eps %g: status %v after %d steps, loss %g", eps, res.Status, res.Steps, res.Loss)
		}
		after := denseSharpness(t, n)
		// The dense Hessian at a point with loss 1e-28 is the
		// minimizer's to about 1e-14; allow rounding of the
		// eigenvalue, 1e-10 relative.
		if !(after <= (2/eta)*(1+1e-10)) {
			t.Errorf("eps %g: sharpness after %.6g above 2/eta = %.6g", eps, after, 2/eta)
		}
		if !(n.RelativeResidual() < 1e-12) {
			t.Errorf("eps %g: relative residual %g: not a minimizer", eps, n.RelativeResidual())
		}
	}
	slope, _, err := record.EscapeSlope(runs)
	if err != nil {
		t.Fatal(err)
	}
	want := 1 / math.Log(eta*lmax-1)
	t.Logf("lambda_max %.6g, 2/eta %.6g, slope %.5g, predicted %.5g", lmax, 2/eta, slope, want)
	if math.Abs(slope-want) > 0.1*want {
		t.Errorf("escape slope %.5g, predicted %.5g: off by more than 10%%", slope, want)
	}
}

func TestControlRunStays(t *testing.T) {
	// Below the threshold, eta lambda_max = 1.9, the same perturbation
	// decays in the sharp direction and never leaves the ball.
	start, lmax, _ := escapeSetup(t)
	eta := 1.9 / lmax
	n := start.Perturb(1e-4, start.RandomDirection(7))
	w := record.NewEscapeWatch(n, start.Params(), 0.1, false)
	if _, err := optim.Run(context.Background(), n, &optim.GD{Eta: eta}, &optim.Settings{Steps: 5000, Hook: w.Hook}); err != nil {
		t.Fatal(err)
	}
	if w.Escaped() || !(n.Distance(start) <= 1e-4) {
		t.Errorf("control run escaped at step %d, distance %g", w.Step(), n.Distance(start))
	}
}

func TestPredictedEscape(t *testing.T) {
	// ln(0.1/1e-7)/ln(2) with eta lambda = 3.
	if got, want := record.PredictedEscape(1e-7, 0.1, 0.5, 6), 6*math.Log(10)/math.Log(2); math.Abs(got-want) > 1e-12 {
		t.Errorf("PredictedEscape = %v, want %v", got, want)
	}
	if !math.IsNaN(record.PredictedEscape(1e-7, 0.1, 0.1, 6)) {
		t.Error("prediction below the threshold is not NaN")
	}
	// Steps on the exact line 3 + 2 ln(1/eps), eps = e^-k.
	var runs []record.Escape
	for k := 1; k <= 4; k++ {
		runs = append(runs, record.Escape{Eps: math.Exp(-float64(k)), Step: 3 + 2*k})
	}
	runs = append(runs, record.Escape{Eps: 1e-9, Step: -1}) // never escaped: ignored
	slope, icept, err := record.EscapeSlope(runs)
	if err != nil || math.Abs(slope-2) > 1e-12 || math.Abs(icept-3) > 1e-12 {
		t.Errorf("EscapeSlope = %v, %v, %v, want 2, 3", slope, icept, err)
	}
	if _, _, err := record.EscapeSlope(runs[:1]); err == nil {
		t.Error("slope from one run")
	}
}
