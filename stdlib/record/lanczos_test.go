package record

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// symOp is a dense symmetric operator for the tests.
type symOp struct{ a *mat.SymDense }

func (s symOp) Dim() int { return s.a.SymmetricDim() }

func (s symOp) MulVec(dst, x []float64) {
	mat.NewVecDense(len(dst), dst).MulVec(s.a, mat.NewVecDense(len(x), x))
}

// randomSym returns Q diag(vals) Q^T for a random orthogonal Q.
func randomSym(vals []float64, seed uint64) symOp {
	n := len(vals)
	rng := rand.New(rand.NewPCG(seed, 1))
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	var a mat.Dense
	a.Mul(&q, mat.NewDiagDense(n, vals))
	a.Mul(&a, q.T())
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return symOp{s}
}

func TestWarmLanczos(t *testing.T) {
	vals := make([]float64, 60)
	for i := range vals {
		vals[i] = float64(i) / 10
	}
	vals[59] = 7 // top eigenvalue 7, gap 1.1
	op := randomSym(vals, 1)
	ctx := context.Background()

	tests := []struct {
		name    string
		krylov  int
		tol     float64
		wantErr float64 // bound on |value - 7|
	}{
		// With residual r the value is within r of an eigenvalue and
		// about r^2/gap of the top one.
		{"default Krylov, 1e-6", DefaultTrackKrylov, 1e-6, 7e-6},
		{"restarted every 4 steps", 4, 1e-8, 7e-8},
		{"tight", DefaultTrackKrylov, 1e-12, 1e-10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newWarmLanczos(tc.krylov, DefaultTrackMatVecs)
			res, err := l.top(ctx, op, tc.tol)
			if err != nil || !res.ok {
				t.Fatalf("cold run: ok %v, err %v after %d products", res.ok, err, res.matVecs)
			}
			if math.Abs(res.value-7) > tc.wantErr || res.residual > tc.tol*res.value+1e-12 {
				t.Errorf("value %.15g residual %.3g, want 7 within %g", res.value, res.residual, tc.wantErr)
			}
			// Warm again on the same operator: the Ritz vector is an
			// eigenvector to the tolerance, so one product suffices.
			res, err = l.top(ctx, op, tc.tol)
			if err != nil || !res.ok || res.matVecs != 1 {
				t.Errorf("warm run: ok %v, err %v, %d products, want 1", res.ok, err, res.matVecs)
			}
		})
	}
}

func TestWarmLanczosCap(t *testing.T) {
	vals := make([]float64, 200)
	for i := range vals {
		vals[i] = 1 + float64(i)*1e-3
	}
	op := randomSym(vals, 2)
	l := newWarmLanczos(5, 7)
	res, err := l.top(context.Background(), op, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	// Clustered spectrum, 7 products: not converged, and the bound
	// says so instead of claiming accuracy.
	if res.ok || res.matVecs != 7 {
		t.Errorf("ok %v after %d products, want not ok after 7", res.ok, res.matVecs)
	}
	if res.residual <= 1e-12*res.value {
		t.Errorf("residual %g claims convergence", res.residual)
	}
	if res.value > vals[len(vals)-1]+1e-12 {
		t.Errorf("Ritz value %g above the top eigenvalue", res.value)
	}
}

func TestWarmLanczosCancelled(t *testing.T) {
	op := randomSym([]float64{1, 2, 3}, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newWarmLanczos(4, 10).top(ctx, op, 1e-6); err == nil {
		t.Error("no error from a cancelled context")
	}
}
