package sharpness

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDenseEigenKnown(t *testing.T) {
	vals := []float64{-3, -1, 0.5, 2, 7}
	op := withSpectrum(vals, 60)
	got, vecs, err := DenseEigen(op)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		// A built as Q diag Q^T carries rounding of a few eps ||A||.
		if math.Abs(got[i]-v) > 1e-13*7 {
			t.Errorf("value %d = %.15g, want %g", i, got[i], v)
		}
	}
	only, err := DenseValues(op)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if math.Abs(only[i]-got[i]) > 1e-13*7 {
			t.Errorf("DenseValues[%d] = %.15g, DenseEigen %.15g", i, only[i], got[i])
		}
	}
	// A V = V diag(values).
	var av, vd mat.Dense
	av.Mul(op.a, vecs)
	vd.Mul(vecs, mat.NewDiagDense(len(got), got))
	if !mat.EqualApprox(&av, &vd, 1e-12) {
		t.Error("A V != V diag(values)")
	}
}

// asymOp is a non-symmetric operator, as a Hessian-vector product with a
// transposition bug would be.
type asymOp struct{}

func (asymOp) Dim() int { return 2 }
func (asymOp) MulVec(dst, x []float64) {
	dst[0] = x[0] + 2*x[1]
	dst[1] = x[1]
}

// bigOp has a dimension above MaxDenseDim and must never be multiplied.
type bigOp struct{ t *testing.T }

func (bigOp) Dim() int { return MaxDenseDim + 1 }
func (o bigOp) MulVec(dst, x []float64) {
	o.t.Fatal("dense path multiplied an operator above MaxDenseDim")
}

func TestDenseErrors(t *testing.T) {
	cases := []struct {
		name, reason, msg string
		op                Operator
	}{
		{"asymmetric", "a transpose bug must not be averaged away", "not symmetric", asymOp{}},
		{"too big", "refused before any product", "MaxDenseDim", bigOp{t}},
		{"empty", "dimension zero", "dimension 0", &diagOp{}},
		{"nan", "non-finite entries", "non-finite", &diagOp{d: []float64{1, math.NaN()}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DenseEigen(c.op)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("%s: error %v, want one containing %q", c.reason, err, c.msg)
			}
		})
	}
}

func TestDenseSymmetrizes(t *testing.T) {
	// Asymmetry at rounding level, as HVPs produce, is accepted and
	// averaged.
	a := mat.NewSymDense(2, []float64{1, 2, 2, 3})
	op := &perturbedOp{denseOp{a: a}, 1e-14}
	s, err := DenseMatrix(op)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.At(0, 1); math.Abs(got-(2+1e-14/2)) > 1e-15 {
		t.Errorf("a01 = %.17g, want the average", got)
	}
}

// perturbedOp adds eps x[0] to the second output: a[1][0] += eps.
type perturbedOp struct {
	denseOp
	eps float64
}

func (o *perturbedOp) MulVec(dst, x []float64) {
	o.denseOp.MulVec(dst, x)
	dst[1] += o.eps * x[0]
}

// sparseOp is a seeded random symmetric operator with about nnz entries
// per row, standing in for a cheap Hessian-vector product.
type sparseOp struct {
	n    int
	rows [][]sparseEntry
}

type sparseEntry struct {
	j int
	v float64
}

func newSparse(n, nnz int, seed uint64) *sparseOp {
	rng := rand.New(rand.NewPCG(seed, 5))
	o := &sparseOp{n: n, rows: make([][]sparseEntry, n)}
	for i := range n {
		o.rows[i] = append(o.rows[i], sparseEntry{i, rng.NormFloat64()})
		for range nnz / 2 {
			j, v := rng.IntN(n), rng.NormFloat64()
			if j != i {
				o.rows[i] = append(o.rows[i], sparseEntry{j, v})
				o.rows[j] = append(o.rows[j], sparseEntry{i, v})
			}
		}
	}
	return o
}

func (o *sparseOp) Dim() int { return o.n }

func (o *sparseOp) MulVec(dst, x []float64) {
	for i, row := range o.rows {
		var s float64
		for _, e := range row {
			s += e.v * x[e.j]
		}
		dst[i] = s
	}
}

func TestLanczosSparseDense(t *testing.T) {
	// The benchmark operator, checked against the dense reference at a
	// size the dense path affords.
	op := newSparse(600, 8, 61)
	vals, err := DenseValues(op)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Lanczos(context.Background(), op, &LanczosSettings{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, op, res, wantTop(vals, 2, LargestAlgebraic), DefaultTol, "sparse 600")
}

func benchLanczos(b *testing.B, n, k int) {
	op := newSparse(n, 8, 62)
	var mv int
	for b.Loop() {
		res, err := Lanczos(context.Background(), op, &LanczosSettings{K: k})
		if err != nil {
			b.Fatal(err)
		}
		mv = res.MatVecs
	}
	b.ReportMetric(float64(mv), "matvecs/op")
}

func BenchmarkLanczos4096(b *testing.B)     { benchLanczos(b, 4096, 1) }
func BenchmarkLanczos4096Top5(b *testing.B) { benchLanczos(b, 4096, 5) }
func BenchmarkLanczos65536(b *testing.B)    { benchLanczos(b, 65536, 1) }

func BenchmarkPower4096(b *testing.B) {
	// A shifted operator with a clear top eigenvalue, so power
	// iteration converges; the shift is the Gershgorin-free choice of
	// adding a multiple of the identity.
	op := &shiftOp{newSparse(4096, 8, 63), 30}
	var mv int
	for b.Loop() {
		res, err := PowerIteration(context.Background(), op, &PowerSettings{Tol: 1e-6, MaxIter: 100000})
		if err != nil {
			b.Fatal(err)
		}
		mv = res.MatVecs
	}
	b.ReportMetric(float64(mv), "matvecs/op")
}

// shiftOp is A + c e_0 e_0^T: one large diagonal entry gives a separated
// top eigenvalue.
type shiftOp struct {
	*sparseOp
	c float64
}

func (o *shiftOp) MulVec(dst, x []float64) {
	o.sparseOp.MulVec(dst, x)
	dst[0] += o.c * x[0]
}

func BenchmarkHutchPlusPlus4096(b *testing.B) {
	op := newSparse(4096, 8, 64)
	for b.Loop() {
		if _, err := HutchPlusPlus(context.Background(), op, 300, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDensity4096(b *testing.B) {
	op := newSparse(4096, 8, 65)
	for b.Loop() {
		if _, err := Density(context.Background(), op, &DensitySettings{Probes: 4}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDenseValues512(b *testing.B) {
	op := newSparse(512, 8, 66)
	for b.Loop() {
		if _, err := DenseValues(op); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDenseEigen512(b *testing.B) {
	op := newSparse(512, 8, 66)
	for b.Loop() {
		if _, _, err := DenseEigen(op); err != nil {
			b.Fatal(err)
		}
	}
}
