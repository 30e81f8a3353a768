package sharpness

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// denseOp wraps a symmetric matrix as an Operator and counts products.
type denseOp struct {
	a     *mat.SymDense
	calls int
}

func (o *denseOp) Dim() int { return o.a.SymmetricDim() }

func (o *denseOp) MulVec(dst, x []float64) {
	o.calls++
	n := len(x)
	blas64.Symv(1, o.a.RawSymmetric(),
		blas64.Vector{N: n, Inc: 1, Data: x}, 0,
		blas64.Vector{N: n, Inc: 1, Data: dst})
}

// wigner returns a seeded random symmetric matrix with N(0, 1) entries.
func wigner(n int, seed uint64) *denseOp {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			a.SetSym(i, j, rng.NormFloat64())
		}
	}
	return &denseOp{a: a}
}

// withSpectrum returns Q diag(vals) Q^T for a seeded random orthogonal Q.
func withSpectrum(vals []float64, seed uint64) *denseOp {
	n := len(vals)
	rng := rand.New(rand.NewPCG(seed, 2))
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	a := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			var s float64
			for k := range n {
				s += q.At(i, k) * vals[k] * q.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	return &denseOp{a: a}
}

// diagOp is the diagonal operator with the given entries.
type diagOp struct {
	d     []float64
	calls int
}

func (o *diagOp) Dim() int { return len(o.d) }

func (o *diagOp) MulVec(dst, x []float64) {
	o.calls++
	for i, v := range o.d {
		dst[i] = v * x[i]
	}
}

// linspace returns n points from lo to hi.
func linspace(lo, hi float64, n int) []float64 {
	x := make([]float64, n)
	floats.Span(x, lo, hi)
	return x
}

// wantTop returns the k wanted eigenvalues of the ascending vals.
func wantTop(vals []float64, k int, which Which) []float64 {
	idx := order(vals, which)
	out := make([]float64, k)
	for i := range out {
		out[i] = vals[idx[i]]
	}
	return out
}

// valueTol is the relative eigenvalue tolerance of the comparisons with
// the dense reference. With residuals at DefaultTol relative, eigenvalue
// errors are of order residual^2/gap, far below it; the reference itself
// is accurate to a few eps times ||A||.
const valueTol = 1e-10

func TestLanczosDense(t *testing.T) {
	cases := []struct {
		name, reason string
		op           func() *denseOp
		k            int
		which        Which
		tol          float64 // zero for DefaultTol
	}{
		{"wigner50/k1", "semicircle spectrum, small gaps at the edge", func() *denseOp { return wigner(50, 1) }, 1, LargestAlgebraic, 0},
		{"wigner50/k2", "two top values", func() *denseOp { return wigner(50, 2) }, 2, LargestAlgebraic, 0},
		{"wigner50/k3", "three top values", func() *denseOp { return wigner(50, 3) }, 3, LargestAlgebraic, 0},
		{"wigner50/k4", "four top values", func() *denseOp { return wigner(50, 4) }, 4, LargestAlgebraic, 0},
		{"wigner50/k5", "five top values", func() *denseOp { return wigner(50, 5) }, 5, LargestAlgebraic, 0},
		{"wigner200/k3", "Krylov space well below n", func() *denseOp { return wigner(200, 6) }, 3, LargestAlgebraic, 0},
		{"wigner80/mag3", "largest magnitude takes both ends", func() *denseOp { return wigner(80, 7) }, 3, LargestMagnitude, 0},
		{"negative/mag", "a dominant negative eigenvalue comes first by magnitude",
			func() *denseOp { return withSpectrum(append(linspace(0, 1, 59), -5), 8) }, 1, LargestMagnitude, 0},
		{"negative/alg", "the same matrix by algebraic order ignores it",
			func() *denseOp { return withSpectrum(append(linspace(0, 1, 59), -5), 8) }, 2, LargestAlgebraic, 0},
		{"cluster", "top three within 1e-6 of each other",
			func() *denseOp { return withSpectrum(append(linspace(-1, 1, 297), 3, 3+1e-6, 3-1e-6), 9) }, 3, LargestAlgebraic, 0},
		{"repeated/k3", "an eigenvalue of multiplicity three needs check blocks",
			func() *denseOp { return withSpectrum(append(linspace(-1, 1, 297), 2, 2, 2), 10) }, 3, LargestAlgebraic, 0},
		{"repeated/k4", "past the triple value comes the next one",
			func() *denseOp { return withSpectrum(append(linspace(-1, 1, 297), 2, 2, 2), 11) }, 4, LargestAlgebraic, 0},
		{"repeated/k2", "at a loose tolerance the isolated 1 converges before rounding reveals a second 2, so only a check block finds it",
			func() *denseOp { return withSpectrum(append(linspace(-1, 0.5, 296), 1, 2, 2, 2), 13) }, 2, LargestAlgebraic, 1e-6},
		{"repeated/k1", "one copy suffices for the top value",
			func() *denseOp { return withSpectrum(append(linspace(-1, 1, 297), 2, 2, 2), 12) }, 1, LargestAlgebraic, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op := c.op()
			vals, _, err := DenseEigen(op)
			if err != nil {
				t.Fatal(err)
			}
			op.calls = 0
			tol := c.tol
			if tol == 0 {
				tol = DefaultTol
			}
			res, err := Lanczos(context.Background(), op, &LanczosSettings{K: c.k, Which: c.which, Tol: tol, Seed: 3})
			if err != nil {
				t.Fatalf("%s: %v", c.reason, err)
			}
			if res.MatVecs != op.calls {
				t.Errorf("MatVecs = %d, operator saw %d products", res.MatVecs, op.calls)
			}
			checkResult(t, op, res, wantTop(vals, c.k, c.which), tol, c.reason)
		})
	}
}

// checkResult asserts converged values equal want to valueTol relative
// to the largest, unit vectors, and residuals that are true and within
// tolerance.
func checkResult(t *testing.T, op Operator, res Result, want []float64, tol float64, reason string) {
	t.Helper()
	if !res.Converged {
		t.Errorf("%s: not converged", reason)
	}
	if len(res.Values) != len(want) || len(res.Vectors) != len(want) || len(res.Residuals) != len(want) {
		t.Fatalf("%s: got %d values, %d vectors, %d residuals, want %d",
			reason, len(res.Values), len(res.Vectors), len(res.Residuals), len(want))
	}
	scale := math.Abs(want[0])
	w := make([]float64, op.Dim())
	for i, v := range res.Vectors {
		if d := math.Abs(res.Values[i] - want[i]); d > valueTol*scale {
			t.Errorf("%s: value %d = %.15g, want %.15g (error %.3g)", reason, i, res.Values[i], want[i], d/scale)
		}
		if nrm := floats.Norm(v, 2); math.Abs(nrm-1) > 1e-12 {
			t.Errorf("%s: vector %d has norm %.15g", reason, i, nrm)
		}
		op.MulVec(w, v)
		floats.AddScaled(w, -res.Values[i], v)
		r := floats.Norm(w, 2)
		if math.Abs(r-res.Residuals[i]) > 1e-13*scale {
			t.Errorf("%s: residual %d reported %.3g, true %.3g", reason, i, res.Residuals[i], r)
		}
		if r > tol*math.Abs(res.Values[i])+residualFloor*scale {
			t.Errorf("%s: residual %d = %.3g above tolerance", reason, i, r)
		}
	}
}

func TestLanczosDiagonal(t *testing.T) {
	// Known spectrum 1..n: no reference needed.
	n := 400
	d := make([]float64, n)
	for i := range d {
		d[i] = float64(i + 1)
	}
	op := &diagOp{d: d}
	res, err := Lanczos(context.Background(), op, &LanczosSettings{K: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, op, res, []float64{400, 399, 398}, DefaultTol, "diagonal 1..400")
	for i, v := range res.Vectors {
		// The eigenvector of d[n-1-i] is the unit vector e_{n-1-i}.
		if c := math.Abs(v[n-1-i]); math.Abs(c-1) > 1e-9 {
			t.Errorf("vector %d has |v[%d]| = %.12g, want 1", i, n-1-i, c)
		}
	}
}

func TestLanczosWarmStart(t *testing.T) {
	op := wigner(300, 20)
	vals, vecs, err := DenseEigen(op)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := Lanczos(context.Background(), op, &LanczosSettings{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Start at the true top eigenvector, perturbed at 1e-6 so the space
	// is not exactly invariant.
	start := mat.Col(nil, len(vals)-1, vecs)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range start {
		start[i] += 1e-6 * rng.NormFloat64() / math.Sqrt(float64(len(start)))
	}
	warm, err := Lanczos(context.Background(), op, &LanczosSettings{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	top := vals[len(vals)-1]
	for _, r := range []Result{cold, warm} {
		checkResult(t, op, r, []float64{top}, DefaultTol, "wigner300")
	}
	if warm.MatVecs >= cold.MatVecs {
		t.Errorf("warm start used %d products, cold %d", warm.MatVecs, cold.MatVecs)
	}
	t.Logf("products: cold %d, warm %d", cold.MatVecs, warm.MatVecs)
}

func TestLanczosNotConverged(t *testing.T) {
	op := wigner(200, 21)
	res, err := Lanczos(context.Background(), op, &LanczosSettings{MaxIter: 3})
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("error %v, want *NotConvergedError", err)
	}
	if res.Converged || res.Iterations != 3 || len(res.Values) != 1 {
		t.Errorf("got converged %v, %d iterations, %d values; want false, 3, 1",
			res.Converged, res.Iterations, len(res.Values))
	}
	if nc.Residual != res.Residuals[0] || nc.Residual <= nc.Bound {
		t.Errorf("error residual %g, bound %g; result residual %g", nc.Residual, nc.Bound, res.Residuals[0])
	}
	if nc.Error() == "" || !containsNumber(nc.Error()) {
		t.Errorf("message %q does not state the residual", nc.Error())
	}
}

func containsNumber(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

// cancelOp cancels its context after a number of products.
type cancelOp struct {
	*denseOp
	after  int
	cancel context.CancelFunc
}

func (o *cancelOp) MulVec(dst, x []float64) {
	o.denseOp.MulVec(dst, x)
	if o.calls == o.after {
		o.cancel()
	}
}

func TestLanczosCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	op := &cancelOp{denseOp: wigner(300, 22), after: 5, cancel: cancel}
	res, err := Lanczos(ctx, op, &LanczosSettings{Tol: 1e-14})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if res.Converged || res.Iterations != 5 || res.MatVecs != 5 || len(res.Values) != 1 {
		t.Errorf("partial result: converged %v, %d iterations, %d products, %d values; want false, 5, 5, 1",
			res.Converged, res.Iterations, res.MatVecs, len(res.Values))
	}
}

func TestLanczosSmall(t *testing.T) {
	cases := []struct {
		name, reason string
		op           Operator
		s            *LanczosSettings
		want         []float64
	}{
		{"n1", "one dimension is one step", &diagOp{d: []float64{-2.5}}, nil, []float64{-2.5}},
		{"n2", "k = n", &diagOp{d: []float64{1, 3}}, &LanczosSettings{K: 2}, []float64{3, 1}},
		{"rank1/k1", "rank one: the space is invariant after two steps", rankOne(100, 23), nil, nil},
		{"rank1/k3", "rank one: restarts past the invariant subspace find zeros", rankOne(100, 24), &LanczosSettings{K: 3}, nil},
		{"zero", "the zero operator has only the eigenvalue 0", &diagOp{d: make([]float64, 10)}, &LanczosSettings{K: 2}, []float64{0, 0}},
		{"exact start", "an exact eigenvector start is invariant at once", &diagOp{d: []float64{1, 5, 2}},
			&LanczosSettings{Start: []float64{0, 2, 0}}, []float64{5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == nil {
				vals, _, err := DenseEigen(c.op)
				if err != nil {
					t.Fatal(err)
				}
				k := 1
				if c.s != nil && c.s.K > 0 {
					k = c.s.K
				}
				want = wantTop(vals, k, LargestAlgebraic)
			}
			res, err := Lanczos(context.Background(), c.op, c.s)
			if err != nil {
				t.Fatalf("%s: %v", c.reason, err)
			}
			if want[0] == 0 {
				for i, v := range res.Values {
					if v != 0 || res.Residuals[i] != 0 {
						t.Errorf("%s: value %d = %g, residual %g, want 0", c.reason, i, v, res.Residuals[i])
					}
				}
				return
			}
			checkResult(t, c.op, res, want, DefaultTol, c.reason)
		})
	}
}

// rankOne returns u u^T for a seeded random u.
func rankOne(n int, seed uint64) *denseOp {
	rng := rand.New(rand.NewPCG(seed, 3))
	u := make([]float64, n)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	a := mat.NewSymDense(n, nil)
	a.SymOuterK(1, mat.NewDense(n, 1, u))
	return &denseOp{a: a}
}

func TestLanczosErrors(t *testing.T) {
	op := &diagOp{d: []float64{1, 2, 3}}
	cases := []struct {
		name, reason string
		op           Operator
		s            *LanczosSettings
	}{
		{"k>n", "more pairs than dimensions", op, &LanczosSettings{K: 4}},
		{"k<0", "negative k", op, &LanczosSettings{K: -1}},
		{"n0", "empty operator", &diagOp{}, nil},
		{"tol", "negative tolerance", op, &LanczosSettings{Tol: -1}},
		{"which", "unknown selection", op, &LanczosSettings{Which: 7}},
		{"maxiter", "cap below k", op, &LanczosSettings{K: 3, MaxIter: 2}},
		{"start len", "start of the wrong length", op, &LanczosSettings{Start: []float64{1}}},
		{"start zero", "zero start", op, &LanczosSettings{Start: []float64{0, 0, 0}}},
		{"start nan", "non-finite start", op, &LanczosSettings{Start: []float64{0, math.NaN(), 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Lanczos(context.Background(), c.op, c.s); err == nil {
				t.Errorf("%s: no error", c.reason)
			}
		})
	}
}

func TestWhichString(t *testing.T) {
	for w, want := range map[Which]string{LargestAlgebraic: "LargestAlgebraic", LargestMagnitude: "LargestMagnitude", 9: "Which(9)"} {
		if got := w.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

// heldVectors returns the orthonormal vectors kr holds, in slot order.
func (k *krylov) heldVectors() [][]float64 {
	var h [][]float64
	for s := range k.held {
		h = append(h, k.slot(s))
	}
	return h
}

// orthoLoss returns max |Q^T Q - I| over the vectors the Krylov basis
// holds.
func orthoLoss(kr *krylov) float64 {
	qs := kr.heldVectors()
	var worst float64
	for i, p := range qs {
		for j, q := range qs[:i+1] {
			d := floats.Dot(p, q)
			if i == j {
				d--
			}
			worst = max(worst, math.Abs(d))
		}
	}
	return worst
}

func TestLanczosOrthogonality(t *testing.T) {
	// Orthogonality is lost fastest once Ritz values converge, so each
	// case runs far past convergence; clustered or dominant values
	// converge early and then leak into every later vector.
	cases := []struct {
		name, reason string
		op           Operator
		steps        int
	}{
		{"cluster", "three values within 1e-6, converged long before the end",
			withSpectrum(append(linspace(-1, 1, 297), 3, 3+1e-6, 3-1e-6), 9), 200},
		{"outliers", "values 1e6 and 1e3 above a unit bulk: beta tiny against ||A||",
			withSpectrum(append(linspace(0, 1, 298), 1e3, 1e6), 14), 250},
		{"diagonal", "equispaced 1..2000, slow convergence at both ends", &diagOp{d: linspace(1, 2000, 2000)}, 300},
	}
	// With full reorthogonalization each new vector is orthogonal to the
	// basis to a few units of rounding relative to its norm; 100 eps
	// leaves room for the growth over a few hundred vectors.
	const orthoTol = 100 * 0x1p-52
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(6, 6))
			kr := newKrylov(c.op, gaussian(rng, c.op.Dim()))
			for kr.steps() < c.steps {
				if kr.extend() {
					break
				}
			}
			loss := orthoLoss(kr)
			if loss > orthoTol {
				t.Errorf("%s: max |Q^T Q - I| = %.3g after %d steps", c.reason, loss, kr.steps())
			}
			t.Logf("max |Q^T Q - I| = %.3g (%.1f eps) after %d steps", loss, loss/0x1p-52, kr.steps())
		})
	}
}
