package sharpness

import (
	"context"
	"errors"
	"testing"
)

func TestPowerDense(t *testing.T) {
	cases := []struct {
		name, reason string
		op           *denseOp
	}{
		{"gap", "top value 3 against a spectrum in [-1, 1]: ratio 1/3",
			withSpectrum(append(linspace(-1, 1, 99), 3), 30)},
		{"negative", "dominant negative value -4 against [0, 2]",
			withSpectrum(append(linspace(0, 2, 79), -4), 31)},
		{"ratio0.9", "ratio 0.9 needs a few hundred iterations",
			withSpectrum(append(linspace(-0.9, 0.9, 119), 1), 32)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vals, _, err := DenseEigen(c.op)
			if err != nil {
				t.Fatal(err)
			}
			res, err := PowerIteration(context.Background(), c.op, &PowerSettings{Seed: 1})
			if err != nil {
				t.Fatalf("%s: %v", c.reason, err)
			}
			checkResult(t, c.op, res, wantTop(vals, 1, LargestMagnitude), DefaultTol, c.reason)
			if res.MatVecs != res.Iterations {
				t.Errorf("MatVecs %d, Iterations %d: want one product per iteration", res.MatVecs, res.Iterations)
			}
		})
	}
}

func TestPowerNotConverged(t *testing.T) {
	// Eigenvalues +1 and -1 of equal magnitude: x oscillates between
	// two directions and never converges.
	op := &diagOp{d: []float64{1, -1, 0.5}}
	res, err := PowerIteration(context.Background(), op, &PowerSettings{MaxIter: 50, Start: []float64{1, 1, 1}})
	var nc *NotConvergedError
	if !errors.As(err, &nc) || res.Converged || res.Iterations != 50 {
		t.Fatalf("error %v, converged %v after %d iterations; want *NotConvergedError after 50", err, res.Converged, res.Iterations)
	}
	if nc.Residual < 0.5 {
		t.Errorf("residual %g, want of order one", nc.Residual)
	}
}

func TestPowerCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	op := &cancelOp{denseOp: withSpectrum(append(linspace(-0.99, 0.99, 59), 1), 33), after: 4, cancel: cancel}
	res, err := PowerIteration(ctx, op, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if res.Iterations != 4 || len(res.Vectors) != 1 {
		t.Fatalf("%d iterations, %d vectors; want 4, 1", res.Iterations, len(res.Vectors))
	}
	// The returned pair must match its residual.
	w := make([]float64, op.Dim())
	op.denseOp.MulVec(w, res.Vectors[0])
	var r float64
	for i, v := range res.Vectors[0] {
		d := w[i] - res.Values[0]*v
		r += d * d
	}
	if diff := r - res.Residuals[0]*res.Residuals[0]; diff > 1e-12 || diff < -1e-12 {
		t.Errorf("residual %g does not belong to the returned vector (true squared %g)", res.Residuals[0], r)
	}
}

func TestPowerErrors(t *testing.T) {
	op := &diagOp{d: []float64{1, 2}}
	for _, s := range []*PowerSettings{{Tol: -1}, {MaxIter: -1}, {Start: []float64{1}}} {
		if _, err := PowerIteration(context.Background(), op, s); err == nil {
			t.Errorf("settings %+v: no error", *s)
		}
	}
	if _, err := PowerIteration(context.Background(), &diagOp{}, nil); err == nil {
		t.Error("empty operator: no error")
	}
}
