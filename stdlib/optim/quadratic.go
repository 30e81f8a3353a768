package optim

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Quadratic is the loss l(x) = 1/2 (x - c)^T A (x - c) with a symmetric
// matrix A, a Model with Hessian A everywhere. It is the model on which
// the stability thresholds are exact, and it is also the operator
// x -> A x (Dim and MulVec), so eigensolvers accept it.
type Quadratic struct {
	a    blas64.Symmetric
	c, x []float64
	d    []float64
}

// NewQuadratic returns the quadratic with matrix a, center c (nil means
// 0) and parameters starting at a copy of x0. It panics with
// mat.ErrShape when the lengths do not match a.
func NewQuadratic(a *mat.SymDense, c, x0 []float64) *Quadratic {
	n := a.SymmetricDim()
	if len(x0) != n || (c != nil && len(c) != n) {
		panic(mat.ErrShape)
	}
	q := &Quadratic{
		a: mat.NewSymDense(n, nil).RawSymmetric(),
		x: append([]float64(nil), x0...),
		d: make([]float64, n),
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			q.a.Data[i*q.a.Stride+j] = a.At(i, j)
		}
	}
	if c != nil {
		q.c = append([]float64(nil), c...)
	} else {
		q.c = make([]float64, n)
	}
	return q
}

// NewDiagQuadratic returns the quadratic with A = diag(lambda), center 0
// and parameters starting at a copy of x0.
func NewDiagQuadratic(lambda, x0 []float64) *Quadratic {
	a := mat.NewSymDense(len(lambda), nil)
	for i, l := range lambda {
		a.SetSym(i, i, l)
	}
	return NewQuadratic(a, nil, x0)
}

// Params returns the parameters, the quadratic's own storage.
func (q *Quadratic) Params() []float64 { return q.x }

// Grad stores A (x - c) in dst and returns it with the loss.
func (q *Quadratic) Grad(dst []float64) ([]float64, float64) {
	if len(dst) != len(q.x) {
		panic(fmt.Sprintf("optim: gradient buffer of length %d, need %d", len(dst), len(q.x)))
	}
	for i, xi := range q.x {
		q.d[i] = xi - q.c[i]
	}
	blas64.Symv(1, q.a, blas64.Vector{N: len(q.d), Inc: 1, Data: q.d}, 0, blas64.Vector{N: len(dst), Inc: 1, Data: dst})
	return dst, 0.5 * blas64.Dot(blas64.Vector{N: len(q.d), Inc: 1, Data: q.d}, blas64.Vector{N: len(dst), Inc: 1, Data: dst})
}

// Dim returns the number of parameters.
func (q *Quadratic) Dim() int { return len(q.x) }

// MulVec stores A v in dst, the Hessian-vector product.
func (q *Quadratic) MulVec(dst, v []float64) {
	if len(dst) != len(q.x) || len(v) != len(q.x) {
		panic(mat.ErrShape)
	}
	blas64.Symv(1, q.a, blas64.Vector{N: len(v), Inc: 1, Data: v}, 0, blas64.Vector{N: len(dst), Inc: 1, Data: dst})
}
