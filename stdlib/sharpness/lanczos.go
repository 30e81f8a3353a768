package sharpness

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// Which selects the end of the spectrum an eigensolver looks for.
type Which int

const (
	// LargestAlgebraic asks for the eigenvalues with the largest signed
	// value, the sharpness of a loss surface. It is the zero value.
	LargestAlgebraic Which = iota
	// LargestMagnitude asks for the eigenvalues with the largest absolute
	// value, which at a saddle may be a negative one.
	LargestMagnitude
)

// String returns the name of the constant w.
func (w Which) String() string {
	switch w {
	case LargestAlgebraic:
		return "LargestAlgebraic"
	case LargestMagnitude:
		return "LargestMagnitude"
	}
	return fmt.Sprintf("Which(%d)", int(w))
}

const (
	// DefaultTol is the relative residual tolerance used when a settings
	// value leaves Tol zero. A residual r = ||A v - theta v|| bounds the
	// eigenvalue error by r and, for a simple eigenvalue at distance gap
	// from the rest of the spectrum, by r^2/gap, so 1e-10 gives values
	// correct to about machine precision unless eigenvalues cluster.
	DefaultTol = 1e-10

	// DefaultMaxIter is the Krylov dimension cap used when
	// LanczosSettings.MaxIter is zero; the cap is also never above the
	// dimension n. Each iteration stores one vector of length n, so at
	// n = 1e6 a run that uses the whole cap holds about 2.4 GB of basis.
	DefaultMaxIter = 300

	// residualFloor is the relative size, against the norm of the
	// operator, of residuals that rounding alone produces. Every
	// convergence test adds residualFloor*||A|| to Tol*|theta|, so that
	// an eigenvalue at or near zero can converge.
	residualFloor = 64 * 0x1p-52

	// breakdownTol decides that the Krylov space is invariant: a new
	// Lanczos coefficient beta below breakdownTol*||T|| is treated as
	// zero. It is below DefaultTol so that dropping beta never hides a
	// residual the default tolerance would reject, and the final true
	// residual check catches the rest.
	breakdownTol = 1e-12

	// checkFraction spaces the convergence checks: after iteration j the
	// next check comes at j + 1 + j/checkFraction. Each check computes
	// the eigenvalues of the j x j tridiagonal matrix at O(j^2) cost,
	// so checking at every step would dominate for cheap operators; the
	// spacing wastes at most about 1/checkFraction of the matvecs.
	checkFraction = 20

	// chunkVectors is the largest number of basis vectors stored
	// together as one row-major matrix, so that Gram-Schmidt runs as
	// matrix-vector products. The basis grows by one chunk at a time;
	// chunkBytes caps a chunk's size, so that at most chunkBytes of
	// storage is held beyond the vectors in use (one vector per chunk
	// when a vector alone is larger).
	chunkVectors = 32
	chunkBytes   = 16 << 20

	// reorthDrop is the factor 1/sqrt(2) of the criterion of Daniel,
	// Gragg, Kaufman and Stewart: a Gram-Schmidt pass that leaves more
	// than this fraction of the norm leaves the vector orthogonal to
	// working precision; one that leaves less is repeated.
	reorthDrop = 0.7071067811865476

	// maxPasses bounds the Gram-Schmidt passes over the basis: "twice
	// is enough" (Kahan, Parlett). A vector that still loses most of
	// its norm in the second pass lies in the span of the basis to
	// working precision, which the breakdown and restart tests catch.
	maxPasses = 2

	// restartTries bounds the attempts to draw a random vector with a
	// component outside the current basis after an invariant subspace.
	restartTries = 3

	// seedStream is the second word of the PCG state; the Seed field of a
	// settings value is the first.
	seedStream = 0x9e3779b97f4a7c15
)

// LanczosSettings holds the options of Lanczos. A nil *LanczosSettings
// and zero fields mean the documented defaults.
type LanczosSettings struct {
	// K is the number of eigenpairs wanted, 1 by default.
	K int

	// Which selects the largest algebraic (default) or the largest
	// magnitude eigenvalues.
	Which Which

	// Tol is the residual tolerance relative to the eigenvalue: a Ritz
	// pair (theta, v) has converged when
	// ||A v - theta v|| <= Tol*|theta| + residualFloor*||T||, with ||T||
	// the largest Ritz value in magnitude and residualFloor = 64 eps.
	// Zero means DefaultTol. Values much below 1e-12 may be out of reach
	// of double precision.
	Tol float64

	// MaxIter caps the Krylov dimension, which is also the number of
	// matrix-vector products before the final check. Zero means
	// min(n, max(DefaultMaxIter, 2K)); values above n are lowered to n.
	MaxIter int

	// Start is the starting vector, for example the eigenvector from a
	// nearby point. It must have length n and need not be normalized.
	// When nil, the start is a Gaussian random vector drawn with Seed.
	Start []float64

	// Seed seeds the PCG generator for the random start and for the
	// random vectors that continue the iteration after an invariant
	// subspace.
	Seed uint64
}

// Result is the outcome of an eigensolver run.
type Result struct {
	// Values holds the eigenvalue estimates, largest first in the order
	// the Which setting asks for.
	Values []float64
	// Vectors holds unit-norm eigenvector estimates, Vectors[i] for
	// Values[i].
	Vectors [][]float64
	// Residuals holds ||A v - theta v|| for each pair, computed with one
	// more product per pair, except after cancellation, when they are
	// the Lanczos bounds |beta_j e_j^T y| and cost no product.
	Residuals []float64
	// MatVecs counts the calls to MulVec, checks included.
	MatVecs int
	// Iterations is the number of iterations, for Lanczos the dimension
	// of the Krylov space.
	Iterations int
	// Converged reports whether every residual met the tolerance.
	Converged bool
}

// NotConvergedError is returned, together with the partial Result, when
// an eigensolver reaches its iteration cap before every residual meets
// its tolerance.
type NotConvergedError struct {
	// Method names the solver, "lanczos" or "power iteration".
	Method string
	// Iterations is the number of iterations run.
	Iterations int
	// Residual is the largest ||A v - theta v|| among the pairs that did
	// not converge, and Bound the tolerance it failed.
	Residual, Bound float64
}

// Error returns the message, which states the residual.
func (e *NotConvergedError) Error() string {
	return fmt.Sprintf("sharpness: %s did not converge in %d iterations: residual %.3g above tolerance %.3g",
		e.Method, e.Iterations, e.Residual, e.Bound)
}

// Lanczos computes the K extreme eigenpairs of the symmetric operator a
// with the Lanczos method and full reorthogonalization, given s (nil
// means defaults). Every new basis vector is orthogonalized against the
// whole basis, a second time when the first pass cancels most of it
// (the criterion of Daniel, Gragg, Kaufman and Stewart, 1976), which
// keeps the basis orthonormal to working precision (Kahan's "twice is
// enough", in Parlett, The Symmetric Eigenvalue Problem, 1980), so no
// spurious copies of converged Ritz values appear.
//
// Ritz values come from the tridiagonal matrix T_j. The run stops when
// the residual bound |beta_j e_j^T y| of each wanted pair meets the
// tolerance of LanczosSettings.Tol; the checks compute the eigenvalues
// of T_j and, by inverse iteration, the eigenvectors y of the wanted
// ones only. The Ritz vectors are then formed from the full
// eigendecomposition of T_j and their residuals recomputed, and the run
// continues if they fail. When the Krylov space becomes invariant (beta_j near zero)
// before K pairs converge, the run continues from a random vector
// orthogonal to the basis. A start vector that lies in an invariant
// subspace missing the wanted eigenvalues, such as an exact eigenvector
// of a smaller eigenvalue, is reported as converged to what that
// subspace holds; a random start avoids this with probability one.
//
// A single Krylov sequence holds one direction of each eigenspace, so it
// cannot see the second copy of a repeated eigenvalue. For K = 1 that
// does not matter. For K >= 2, once the wanted pairs converge, Lanczos
// starts a check block: a new sequence from a random vector orthogonal
// to everything held, which the previous blocks do not couple to. It
// stops when a check block's leading pair converges without changing
// the wanted values, so K >= 2 costs about twice the products of K = 1,
// more with repeated eigenvalues. A check block cut short by MaxIter
// still returns Converged true when the residuals meet the tolerance.
//
// Memory: the basis holds one vector of length n per iteration, to at
// most MaxIter plus one vector per block, allocated as the iteration
// proceeds in chunks of up to 32 vectors and 16 MiB (fewer when n is
// smaller).
//
// When the cap is reached first, Lanczos returns the Ritz pairs found,
// with Converged false and a *NotConvergedError. When ctx is done it
// returns the pairs from the current basis and an error wrapping
// ctx.Err(). Invalid settings, n < K and n = 0 give an error and an
// empty Result.
func Lanczos(ctx context.Context, a Operator, s *LanczosSettings) (Result, error) {
	n := a.Dim()
	cfg, err := lanczosConfig(n, s)
	if err != nil {
		return Result{}, err
	}

	rng := rand.New(rand.NewPCG(cfg.Seed, seedStream))
	start := gaussian(rng, n)
	if cfg.Start != nil {
		start = append(start[:0], cfg.Start...)
	}
	kr := newKrylov(a, start)

	// shrink tightens the bound test after true residuals failed a
	// test the bounds passed, so the next check waits for more progress.
	shrink := 1.0
	next := 0
	// prev holds the wanted values found before the open check block;
	// nil while no check block runs.
	var prev []float64
	for {
		if err := ctx.Err(); err != nil {
			res := kr.partial(cfg.K, cfg.Which)
			return res, fmt.Errorf("sharpness: lanczos cancelled after %d iterations: %w", kr.steps(), err)
		}
		invariant := kr.extend()
		j := kr.steps()
		final := j == cfg.MaxIter

		if j >= cfg.K && (invariant || final || j >= next) {
			next = j + 1 + j/checkFraction
			rz := kr.ritz(0, cfg.K, cfg.Which)
			ready := rz.boundsMet(cfg.Tol * shrink)
			if ready && prev != nil {
				// A check block counts once its own leading pair
				// has converged.
				ready = kr.ritz(kr.first, 1, cfg.Which).boundsMet(cfg.Tol)
			}
			if final || ready {
				rz = kr.ritzPairs(0, cfg.K, cfg.Which)
				res, err := kr.finish(rz, cfg.Tol)
				switch {
				case err != nil && final:
					return res, err
				case err != nil:
					shrink *= 0.1
				case cfg.K == 1 || final:
					return res, nil
				case prev != nil && sameValues(prev, res.Values, rz, cfg.Tol):
					return res, nil
				default:
					prev = res.Values
					if !kr.restart(rng) {
						return res, nil
					}
					continue
				}
			}
		}
		if invariant && !kr.restart(rng) {
			// The basis fills the space to working precision, which
			// needs j close to n >= K: T is final.
			return kr.finish(kr.ritzPairs(0, cfg.K, cfg.Which), cfg.Tol)
		}
	}
}

// sameValues reports whether the values cur agree with prev within the
// residual tolerances of rz.
func sameValues(prev, cur []float64, rz ritzSet, tol float64) bool {
	if len(prev) != len(cur) {
		return false
	}
	for i, c := range cur {
		if math.Abs(prev[i]-c) > rz.threshold(tol, c) {
			return false
		}
	}
	return true
}

// lanczosConfig validates s against dimension n and fills in defaults.
func lanczosConfig(n int, s *LanczosSettings) (LanczosSettings, error) {
	var c LanczosSettings
	if s != nil {
		c = *s
	}
	switch {
	case n < 1:
		return c, fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case c.K < 0:
		return c, fmt.Errorf("sharpness: negative k %d", c.K)
	case c.Which != LargestAlgebraic && c.Which != LargestMagnitude:
		return c, fmt.Errorf("sharpness: unknown eigenvalue selection %v", c.Which)
	case c.Tol < 0 || math.IsNaN(c.Tol):
		return c, fmt.Errorf("sharpness: tolerance %g, want non-negative", c.Tol)
	case c.MaxIter < 0:
		return c, fmt.Errorf("sharpness: negative iteration cap %d", c.MaxIter)
	}
	if c.K == 0 {
		c.K = 1
	}
	if c.K > n {
		return c, fmt.Errorf("sharpness: k = %d eigenpairs wanted from an operator of dimension %d", c.K, n)
	}
	if c.Tol == 0 {
		c.Tol = DefaultTol
	}
	if c.MaxIter == 0 {
		c.MaxIter = max(DefaultMaxIter, 2*c.K)
	}
	c.MaxIter = min(c.MaxIter, n)
	if c.MaxIter < c.K {
		return c, fmt.Errorf("sharpness: iteration cap %d below k = %d", c.MaxIter, c.K)
	}
	if c.Start != nil {
		if err := checkStart(c.Start, n); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkStart reports whether x can serve as a start vector in dimension n.
func checkStart(x []float64, n int) error {
	if len(x) != n {
		return fmt.Errorf("sharpness: start vector has length %d, want %d", len(x), n)
	}
	nrm := floats.Norm(x, 2)
	if nrm == 0 || math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return fmt.Errorf("sharpness: start vector has norm %g", nrm)
	}
	return nil
}

// gaussian returns a vector of n standard normal entries.
func gaussian(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// krylov is a Lanczos basis with its projected matrix T = Q^T A Q,
// made of one or more blocks. Each block is a Lanczos sequence started
// from a unit vector orthogonal to everything before it. When a block is
// closed, its unused next vector stays held as a spent vector: the
// block's last row couples to that vector only, so every later block,
// orthogonal to it, is decoupled from the earlier ones and T stays
// tridiagonal with zero couplings between blocks.
//
// The orthonormal vectors held (the rows of T, the spent vectors and the
// pending one) occupy consecutive slots of chunks, each chunk a
// row-major matrix of up to chunkVectors vectors, so that Gram-Schmidt
// runs as matrix-vector products.
type krylov struct {
	a Operator
	n int

	cv      int         // vectors per chunk
	chunks  [][]float64 // slot s is row s%cv of chunks[s/cv]
	held    int         // slots in use
	rows    []int       // rows[i]: slot of q_i
	pending bool        // slot held-1 is the open block's next vector

	alpha  []float64 // diagonal of T
	beta   []float64 // beta[i] couples q_i to the vector after it
	closed []bool    // closed[i]: that vector is spent, or beta[i] = 0 ends a block
	first  int       // row of the open block's first step

	anorm   float64 // Gershgorin bound on ||T||, for the breakdown test
	matvecs int

	h  []float64 // Gram-Schmidt coefficients of one chunk
	tw tridiagWork
}

// newKrylov returns a basis whose pending vector is start normalized.
// start is not modified.
func newKrylov(a Operator, start []float64) *krylov {
	n := a.Dim()
	// Long vectors get smaller chunks, so that the storage held beyond
	// the basis in use stays below chunkBytes.
	cv := max(1, min(chunkVectors, chunkBytes/(8*n)))
	k := &krylov{a: a, n: n, cv: cv, h: make([]float64, cv)}
	q := k.slot(0)
	floats.ScaleTo(q, 1/floats.Norm(start, 2), start)
	k.held = 1
	k.pending = true
	return k
}

// slot returns the storage of slot s, allocating its chunk on first use.
// At most n+1 slots are ever used: n orthonormal vectors and the product
// that reveals them to span the space.
func (k *krylov) slot(s int) []float64 {
	c, r := s/k.cv, s%k.cv
	for len(k.chunks) <= c {
		m := min(k.cv, k.n+1-len(k.chunks)*k.cv)
		k.chunks = append(k.chunks, make([]float64, m*k.n))
	}
	return k.chunks[c][r*k.n : (r+1)*k.n]
}

// chunk returns the first m held slots of chunk c as a matrix, with
// m = 0 past the last.
func (k *krylov) chunk(c int) blas64.General {
	m := max(0, min(k.cv, k.held-c*k.cv))
	return blas64.General{Rows: m, Cols: k.n, Stride: k.n, Data: k.chunks[c][:m*k.n]}
}

// steps returns the number of Lanczos steps taken.
func (k *krylov) steps() int { return len(k.alpha) }

// used returns the number of orthonormal vectors held.
func (k *krylov) used() int { return k.held }

// orthogonalize removes from w its components along every held vector
// and returns the norm of the result and the coefficient removed along
// slot diag (-1 for none), summed over the passes.
//
// Each pass is classical Gram-Schmidt within a chunk (h = Q_c^T w,
// w -= Q_c h, two matrix-vector products) and modified Gram-Schmidt
// from one chunk to the next. A second pass runs only when the first
// shrinks the norm of w below reorthDrop times its input, the criterion
// of Daniel, Gragg, Kaufman and Stewart (Math. Comp. 30, 1976): without
// such cancellation one pass leaves w orthogonal to working precision
// relative to its norm, and after cancellation a second pass does
// (Kahan's "twice is enough", in Parlett, The Symmetric Eigenvalue
// Problem, 1980, section 6-9; Giraud, Langou and Rozloznik, Comput. Math.
// Appl. 50, 2005, for the classical variant).
func (k *krylov) orthogonalize(w []float64, diag int) (nrm, c float64) {
	nrm = floats.Norm(w, 2)
	x := blas64.Vector{N: k.n, Inc: 1, Data: w}
	for range maxPasses {
		in := nrm
		for ci := range k.chunks {
			g := k.chunk(ci)
			if g.Rows == 0 {
				break
			}
			h := blas64.Vector{N: g.Rows, Inc: 1, Data: k.h[:g.Rows]}
			blas64.Gemv(blas.NoTrans, 1, g, x, 0, h)
			blas64.Gemv(blas.Trans, -1, g, h, 1, x)
			if diag >= 0 && diag/k.cv == ci {
				c += h.Data[diag%k.cv]
			}
		}
		nrm = floats.Norm(w, 2)
		if nrm > reorthDrop*in {
			break
		}
	}
	return nrm, c
}

// extend takes one Lanczos step from the pending vector. It reports
// whether the Krylov space became invariant, in which case no vector is
// left pending and the coupling is zero.
func (k *krylov) extend() (invariant bool) {
	j := len(k.alpha)
	qs := k.held - 1
	q := k.slot(qs)
	k.rows = append(k.rows, qs)
	k.pending = false
	w := k.slot(k.held)
	k.a.MulVec(w, q)
	k.matvecs++

	// The three-term recurrence first, so that the Gram-Schmidt pass
	// sees only what rounding left along the basis and rarely needs a
	// second pass.
	var prev float64
	if j > k.first {
		prev = k.beta[j-1]
		floats.AddScaled(w, -prev, k.slot(k.rows[j-1]))
	}
	al := floats.Dot(q, w)
	floats.AddScaled(w, -al, q)
	b, c := k.orthogonalize(w, qs)
	al += c

	k.alpha = append(k.alpha, al)
	k.anorm = max(k.anorm, math.Abs(al)+b+prev)
	k.closed = append(k.closed, false)
	if b <= breakdownTol*k.anorm || k.held >= k.n {
		k.beta = append(k.beta, 0)
		return true
	}
	k.beta = append(k.beta, b)
	floats.Scale(1/b, w)
	k.held++
	k.pending = true
	return false
}

// restart closes the open block and makes a random unit vector
// orthogonal to everything held the start of a new one. It reports false
// when the vectors held already fill the space to working precision.
func (k *krylov) restart(rng *rand.Rand) bool {
	if k.used() >= k.n {
		return false
	}
	// A pending vector stays held as the closed block's spent vector.
	k.pending = false
	k.closed[len(k.closed)-1] = true
	k.first = len(k.alpha)
	x := k.slot(k.held)
	for range restartTries {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		before := floats.Norm(x, 2)
		// A random vector keeps a fraction near sqrt((n-u)/n) of its
		// norm outside a u-dimensional subspace; far less means that
		// subspace is numerically the whole space.
		if after, _ := k.orthogonalize(x, -1); after > breakdownTol*before*float64(k.n) {
			floats.Scale(1/after, x)
			k.held++
			k.pending = true
			return true
		}
	}
	return false
}

// ritzSet holds the wanted Ritz pairs of T or of one of its blocks.
type ritzSet struct {
	theta  []float64   // wanted values, in Which order
	y      [][]float64 // their eigenvectors of T, zero outside the rows used; nil from ritz
	bounds []float64   // Lanczos residual bounds
	tnorm  float64     // largest |Ritz value|
}

// ritz returns the want wanted Ritz values of rows from..j-1 of T, or
// all when fewer exist, with their residual bounds but no vectors; see
// tridiagWork.ritz for the method. Its cost is O(j^2), against O(j^3)
// for ritzPairs.
func (k *krylov) ritz(from, want int, which Which) ritzSet {
	return k.tw.ritz(k.alpha[from:], k.beta[from:], k.closed[from:], want, which)
}

// ritzPairs diagonalizes rows from..j-1 of T and selects the want wanted
// pairs, or all when fewer exist. The residual of Q y is the sum of
// beta_i y_i times orthonormal vectors over the rows i whose coupling
// leaves the set, so its norm is the root of the sum of their squares.
func (k *krylov) ritzPairs(from, want int, which Which) ritzSet {
	j := len(k.alpha)
	m := j - from
	e := make([]float64, m)
	for i := from; i < j-1; i++ {
		if !k.closed[i] {
			e[i-from] = k.beta[i]
		}
	}
	theta, z := tridiagEigen(k.alpha[from:], e)
	idx := order(theta, which)
	want = min(want, m)

	var rz ritzSet
	for _, t := range theta {
		rz.tnorm = max(rz.tnorm, math.Abs(t))
	}
	for _, c := range idx[:want] {
		y := make([]float64, j)
		var ss float64
		for r := range m {
			y[from+r] = z[r*m+c]
			if k.closed[from+r] || from+r == j-1 {
				ss += (k.beta[from+r] * y[from+r]) * (k.beta[from+r] * y[from+r])
			}
		}
		rz.theta = append(rz.theta, theta[c])
		rz.y = append(rz.y, y)
		rz.bounds = append(rz.bounds, math.Sqrt(ss))
	}
	return rz
}

// threshold returns the residual tolerance for Ritz value theta.
func (rz ritzSet) threshold(tol, theta float64) float64 {
	return tol*math.Abs(theta) + residualFloor*rz.tnorm
}

// boundsMet reports whether every Lanczos residual bound in rz meets the
// tolerance tol relative to its Ritz value.
func (rz ritzSet) boundsMet(tol float64) bool {
	for i, b := range rz.bounds {
		if b > rz.threshold(tol, rz.theta[i]) {
			return false
		}
	}
	return true
}

// vectors forms the Ritz vectors Q y of rz, normalized, with one
// matrix-vector product per chunk.
func (k *krylov) vectors(rz ritzSet) [][]float64 {
	vs := make([][]float64, len(rz.y))
	coef := make([]float64, len(k.chunks)*k.cv)
	for i, y := range rz.y {
		clear(coef)
		for r, c := range y {
			coef[k.rows[r]] = c
		}
		v := make([]float64, k.n)
		x := blas64.Vector{N: k.n, Inc: 1, Data: v}
		for ci := range k.chunks {
			g := k.chunk(ci)
			if g.Rows == 0 {
				break
			}
			h := blas64.Vector{N: g.Rows, Inc: 1, Data: coef[ci*k.cv:]}
			blas64.Gemv(blas.Trans, 1, g, h, 1, x)
		}
		floats.Scale(1/floats.Norm(v, 2), v)
		vs[i] = v
	}
	return vs
}

// finish computes the Ritz vectors of rz, their Rayleigh quotients and
// true residuals, one product each, and returns the result with a
// *NotConvergedError for the residual that exceeds its tolerance most.
func (k *krylov) finish(rz ritzSet, tol float64) (Result, error) {
	var res Result
	var worst, bound float64
	res.Vectors = k.vectors(rz)
	w := make([]float64, k.n)
	worstExcess := math.Inf(-1)
	for _, v := range res.Vectors {
		k.a.MulVec(w, v)
		k.matvecs++
		theta := floats.Dot(v, w)
		floats.AddScaled(w, -theta, v)
		r := floats.Norm(w, 2)
		res.Values = append(res.Values, theta)
		res.Residuals = append(res.Residuals, r)

		b := rz.threshold(tol, theta)
		if excess := r - b; excess > worstExcess {
			worstExcess, worst, bound = excess, r, b
		}
	}
	res.MatVecs = k.matvecs
	res.Iterations = k.steps()
	if worst > bound {
		return res, &NotConvergedError{"lanczos", res.Iterations, worst, bound}
	}
	res.Converged = true
	return res, nil
}

// partial returns the wanted Ritz pairs of the current basis with the
// Lanczos bounds as residuals, spending no product.
func (k *krylov) partial(want int, which Which) Result {
	res := Result{MatVecs: k.matvecs, Iterations: k.steps()}
	if k.steps() == 0 {
		return res
	}
	rz := k.ritzPairs(0, want, which)
	res.Values = rz.theta
	res.Vectors = k.vectors(rz)
	res.Residuals = rz.bounds
	return res
}

// tridiagEigen returns the eigenvalues of the symmetric tridiagonal
// matrix with diagonal alpha and off-diagonal beta[:len(alpha)-1], in
// ascending order, and its eigenvectors as the columns of a row-major
// j x j matrix.
func tridiagEigen(alpha, beta []float64) ([]float64, []float64) {
	j := len(alpha)
	d := append([]float64(nil), alpha...)
	e := append([]float64(nil), beta[:max(j-1, 0)]...)
	z := make([]float64, j*j)
	work := make([]float64, max(1, 2*j-2))
	if !(gonum.Implementation{}).Dsteqr(lapack.EVTridiag, j, d, e, z, j, work) {
		// The implicit QL iteration failed to converge within its 30j
		// sweeps, which for a symmetric tridiagonal matrix of finite
		// entries does not happen in practice; NaN entries from the
		// operator are the usual cause.
		for i := range d {
			d[i] = math.NaN()
		}
	}
	return d, z
}

// order returns the indices of the ascending values theta sorted so that
// the wanted ones come first.
func order(theta []float64, which Which) []int {
	idx := make([]int, len(theta))
	for i := range idx {
		idx[i] = len(theta) - 1 - i
	}
	if which == LargestMagnitude {
		sort.SliceStable(idx, func(p, q int) bool {
			return math.Abs(theta[idx[p]]) > math.Abs(theta[idx[q]])
		})
	}
	return idx
}
