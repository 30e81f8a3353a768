package record

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

const (
	// DefaultTrackKrylov is the Krylov dimension after which a tracked
	// Lanczos run restarts from its current Ritz vector when
	// Options.Krylov is zero. Warm-started near a minimizer a run
	// converges in two to five products, so the cap matters for the
	// cold first record and for fast-changing Hessians, where it bounds
	// the basis (and the memory, Krylov vectors of the parameter count)
	// and the tridiagonal solves.
	DefaultTrackKrylov = 20

	// DefaultTrackMatVecs is the cap on Hessian-vector products per
	// tracked eigenvalue when Options.MaxMatVecs is zero, the budget of
	// sharpness.DefaultMaxIter. A run that reaches it records the Ritz
	// value with its residual bound, which says how far it may be off.
	DefaultTrackMatVecs = sharpness.DefaultMaxIter

	// trackFloor is the rounding floor of the residual test, relative
	// to the largest Ritz value in magnitude, as in package sharpness:
	// an eigenvalue near zero converges once its residual is at the
	// level rounding leaves.
	trackFloor = 64 * 0x1p-52

	// trackSeed seeds the random start of the first record and the
	// continuation after an invariant subspace.
	trackSeed = 0x5eed
)

// warmLanczos computes the top eigenpair of a symmetric operator again
// and again as the operator drifts, each time started from the previous
// top eigenvector. It keeps its basis between calls, so a run allocates
// nothing once the basis has grown.
//
// Each run is Lanczos with full reorthogonalization (twice, Kahan's
// "twice is enough", in Parlett, The Symmetric Eigenvalue Problem,
// 1980). The residual ||A y - theta y|| of the Ritz pair equals the
// Lanczos bound beta_j |e_j^T s| to rounding when the basis is
// orthonormal, so the run stops on the bound without the product a true
// residual would cost. The first step of a warm run already gives the
// Rayleigh quotient and true residual of the previous eigenvector, and a
// run whose start is still an eigenvector to the tolerance costs one
// product.
type warmLanczos struct {
	krylov, maxMatVecs int

	vec   []float64   // top eigenvector of the last run, nil before
	basis [][]float64 // q_1..q_j of the current run, storage kept
	w     []float64
	alpha []float64
	beta  []float64
	// d, e, z and work are scratch for the tridiagonal solves.
	d, e, z, work []float64
	rng           *rand.Rand
}

// topResult is the outcome of one warm run.
type topResult struct {
	value    float64
	residual float64 // the Lanczos residual bound of value
	matVecs  int
	ok       bool // the bound met the tolerance
}

func newWarmLanczos(krylov, maxMatVecs int) *warmLanczos {
	return &warmLanczos{
		krylov: krylov, maxMatVecs: maxMatVecs,
		rng: rand.New(rand.NewPCG(trackSeed, trackSeed)),
	}
}

// top returns the largest eigenvalue of op to a residual of tol times
// the value. The operator's dimension must stay the same between calls.
func (l *warmLanczos) top(ctx context.Context, op sharpness.Operator, tol float64) (topResult, error) {
	n := op.Dim()
	kr := min(l.krylov, n)
	if l.vec == nil {
		l.vec = make([]float64, n)
		l.restartRandom()
	}
	if len(l.vec) != n {
		panic("record: operator dimension changed between records")
	}
	if len(l.basis) < kr {
		for len(l.basis) < kr {
			l.basis = append(l.basis, make([]float64, n))
		}
		l.w = make([]float64, n)
		l.alpha = make([]float64, kr)
		l.beta = make([]float64, kr)
		l.d = make([]float64, kr)
		l.e = make([]float64, kr)
		l.z = make([]float64, kr*kr)
		l.work = make([]float64, 2*kr)
	}

	var res topResult
	for res.matVecs < l.maxMatVecs {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("record: sharpness cancelled after %d products: %w", res.matVecs, err)
		}
		// A restart (or the first run) begins from l.vec.
		nrm := floats.Norm(l.vec, 2)
		if nrm == 0 || math.IsNaN(nrm) || math.IsInf(nrm, 0) {
			l.restartRandom()
			nrm = floats.Norm(l.vec, 2)
		}
		q0 := l.basis[0]
		floats.ScaleTo(q0, 1/nrm, l.vec)
		j, done := l.run(op, kr, tol, &res)
		if math.IsNaN(res.value) {
			// NaN from the operator: no restart can help, and
			// the next run starts from a random vector.
			l.restartRandom()
			return res, nil
		}
		l.ritzVector(j)
		if done {
			res.ok = true
			return res, nil
		}
	}
	return res, nil
}

// run takes up to kr Lanczos steps from basis[0], counting products in
// res and keeping there the latest top Ritz value and bound. It returns
// the number of basis vectors used and whether the bound met tol; the
// top eigenvector of T is then in l.z[:j].
func (l *warmLanczos) run(op sharpness.Operator, kr int, tol float64, res *topResult) (int, bool) {
	var anorm float64
	for j := 0; j < kr && res.matVecs < l.maxMatVecs; j++ {
		q := l.basis[j]
		w := l.w
		op.MulVec(w, q)
		res.matVecs++
		a := floats.Dot(q, w)
		floats.AddScaled(w, -a, q)
		if j > 0 {
			floats.AddScaled(w, -l.beta[j-1], l.basis[j-1])
		}
		for range 2 {
			for i := 0; i <= j; i++ {
				h := floats.Dot(l.basis[i], w)
				floats.AddScaled(w, -h, l.basis[i])
				if i == j {
					a += h
				}
			}
		}
		b := floats.Norm(w, 2)
		l.alpha[j], l.beta[j] = a, b
		anorm = math.Max(anorm, math.Abs(a)+b)

		theta, last, tnorm := l.tridiagTop(j + 1)
		res.value = theta
		res.residual = b * math.Abs(last)
		if math.IsNaN(theta) {
			return j + 1, false
		}
		// The space is invariant when b vanishes against ||T||: the
		// Ritz pair is then exact to rounding.
		invariant := b <= 1e-12*anorm || j+1 == op.Dim()
		if invariant || res.residual <= tol*math.Abs(theta)+trackFloor*tnorm {
			return j + 1, true
		}
		if j+1 < kr {
			floats.ScaleTo(l.basis[j+1], 1/b, w)
		}
	}
	return kr, false
}

// tridiagTop diagonalizes the leading m x m block of T and leaves its
// top eigenvector in l.z[:m]. It returns the top eigenvalue, the last
// entry of that eigenvector and the largest eigenvalue magnitude.
func (l *warmLanczos) tridiagTop(m int) (theta, last, tnorm float64) {
	d, e, z := l.d[:m], l.e[:m], l.z[:m*m]
	copy(d, l.alpha[:m])
	copy(e, l.beta[:m])
	if !(gonum.Implementation{}).Dsteqr(lapack.EVTridiag, m, d, e, z, m, l.work) {
		// Non-convergence of the implicit QL iteration comes, in
		// practice, only from NaN in the operator's output.
		return math.NaN(), math.NaN(), math.NaN()
	}
	// Ascending values: the top pair is the last column; move it to
	// the front of z for ritzVector.
	for r := 0; r < m; r++ {
		z[r] = z[r*m+m-1]
	}
	return d[m-1], z[m-1], math.Max(math.Abs(d[0]), math.Abs(d[m-1]))
}

// ritzVector sets l.vec to the Ritz vector of the top pair of the
// leading j steps, sum_r z[r] q_r, normalized.
func (l *warmLanczos) ritzVector(j int) {
	for k := range l.vec {
		l.vec[k] = 0
	}
	for r := 0; r < j; r++ {
		floats.AddScaled(l.vec, l.z[r], l.basis[r])
	}
}

// restartRandom fills l.vec with standard normal entries.
func (l *warmLanczos) restartRandom() {
	for k := range l.vec {
		l.vec[k] = l.rng.NormFloat64()
	}
}
