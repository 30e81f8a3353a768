package sharpness

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/lapack/gonum"
)

const (
	// inverseIters is the number of inverse iteration steps for each
	// eigenvector of a tridiagonal block. The shift is an eigenvalue to
	// a few units of rounding, so each step multiplies the wanted
	// component against the others by about gap/(eps ||T||); the first
	// step from a generic start already gives a vector accurate to
	// eps ||T|| / gap, and two more remove any unlucky start.
	inverseIters = 3

	// pivotFloor is the smallest pivot magnitude of the shifted,
	// scaled block, the unit roundoff.
	pivotFloor = 0x1p-53

	// clusterGap is the distance, relative to ||T||, below which two
	// eigenvalues of one block count as a cluster whose inverse
	// iteration vectors are kept orthogonal to each other, as in
	// LAPACK's dstein.
	clusterGap = 1e-3
)

// tridiagWork computes Ritz values and residual bounds of the Lanczos
// matrix T without its eigenvector matrix, and holds the scratch space
// that one check leaves to the next.
type tridiagWork struct {
	d, e  []float64   // one block, overwritten by Dsterf
	vals  []ritzValue // the values of every block
	theta []float64   // the values alone, ascending

	// LU factors of a shifted block: diagonal, two superdiagonals,
	// multipliers and row interchanges.
	u0, u1, u2, l []float64
	swap          []bool

	sel   []int       // indices in vals of the wanted values
	ys    [][]float64 // their block eigenvectors
	mates [][]float64 // the vectors of ys in the cluster of the current one
}

// ritzValue is an eigenvalue of T and the rows lo..hi-1 of its block.
type ritzValue struct {
	theta  float64
	lo, hi int
}

// ritz returns the want wanted eigenvalues of the matrix T with
// diagonal alpha, couplings beta and blocks ended by closed (want is
// lowered to len(alpha)), with residual bounds |beta_r y_r| over the
// last row r of the block of each, but no vectors.
//
// The values come from the root-free QL iteration of Dsterf on each
// block, O(m^2) for a block of m rows, against O(m^3) for the
// eigenvector matrix. The last component y_r of each wanted unit
// eigenvector comes from inverse iteration on its block at O(m) cost
// (Wilkinson, The Algebraic Eigenvalue Problem, 1965, chapter 5; Dhillon,
// "Current inverse iteration software can fail", BIT 38, 1998, on the
// need to orthogonalize within clusters, done here as in dstein).
func (tw *tridiagWork) ritz(alpha, beta []float64, closed []bool, want int, which Which) ritzSet {
	m := len(alpha)
	tw.vals = tw.vals[:0]
	for lo := 0; lo < m; {
		hi := lo + 1
		for hi < m && !closed[hi-1] {
			hi++
		}
		tw.d = append(tw.d[:0], alpha[lo:hi]...)
		tw.e = append(tw.e[:0], beta[lo:hi-1]...)
		if !(gonum.Implementation{}).Dsterf(hi-lo, tw.d, tw.e) {
			// As in tridiagEigen: NaN from the operator is the usual
			// cause.
			for i := range tw.d {
				tw.d[i] = math.NaN()
			}
		}
		for _, t := range tw.d {
			tw.vals = append(tw.vals, ritzValue{t, lo, hi})
		}
		lo = hi
	}
	if len(tw.vals) > 0 && tw.vals[0].hi < m {
		// Several blocks, each sorted by Dsterf.
		slices.SortStableFunc(tw.vals, func(p, q ritzValue) int { return cmp.Compare(p.theta, q.theta) })
	}

	tw.theta = grow(tw.theta, m)
	theta := tw.theta
	var rz ritzSet
	for i, v := range tw.vals {
		theta[i] = v.theta
		rz.tnorm = max(rz.tnorm, math.Abs(v.theta))
	}
	want = min(want, m)
	for len(tw.ys) < want {
		tw.ys = append(tw.ys, nil)
	}
	tw.sel = append(tw.sel[:0], order(theta, which)[:want]...)
	for i, c := range tw.sel {
		v := tw.vals[c]
		y := tw.eigvec(i, alpha[v.lo:v.hi], beta[v.lo:v.hi-1])
		rz.theta = append(rz.theta, v.theta)
		rz.bounds = append(rz.bounds, math.Abs(beta[v.hi-1]*y[len(y)-1]))
	}
	return rz
}

// eigvec computes into tw.ys[i] and returns a unit eigenvector of the
// block with diagonal d and off-diagonal e for the value tw.vals[c],
// c = tw.sel[i], orthogonal to the vectors tw.ys[p], p < i, of the same
// block whose values lie within clusterGap*||T_block||.
func (tw *tridiagWork) eigvec(i int, d, e []float64) []float64 {
	m := len(d)
	v := tw.vals[tw.sel[i]]
	y := tw.ys[i][:0]
	for range m {
		y = append(y, 0)
	}
	tw.ys[i] = y
	if m == 1 {
		y[0] = 1
		return y
	}

	// Work on (T - theta I)/s with s = ||T||_inf, so that the pivot
	// guard and the growth of the iterates do not depend on the scale
	// of T.
	var s float64
	for r := range m {
		a := math.Abs(d[r])
		if r > 0 {
			a += math.Abs(e[r-1])
		}
		if r < m-1 {
			a += math.Abs(e[r])
		}
		s = max(s, a)
	}
	if s == 0 || math.IsNaN(v.theta) {
		// Every vector is an eigenvector of a zero block; a NaN value
		// has none, and its bound stays NaN through y.
		y[m-1] = 1 + v.theta - v.theta
		return y
	}
	tw.factor(d, e, v.theta, s)

	tw.mates = tw.mates[:0]
	for p, q := range tw.ys[:i] {
		w := tw.vals[tw.sel[p]]
		if w.lo == v.lo && math.Abs(w.theta-v.theta) <= clusterGap*s {
			tw.mates = append(tw.mates, q)
		}
	}

	// A fixed pseudo-random start, not drawn from the caller's
	// generator, so that checks leave the Lanczos random sequence
	// alone.
	state := uint64(0x853c49e6748fea9b)
	for r := range y {
		state = state*6364136223846793005 + 1442695040888963407
		y[r] = float64(state>>11)*0x1p-53 - 0.5
	}
	for range inverseIters {
		for _, q := range tw.mates {
			var dot float64
			for r := range y {
				dot += q[r] * y[r]
			}
			for r := range y {
				y[r] -= dot * q[r]
			}
		}
		tw.solve(y)
		var ss float64
		for _, x := range y {
			ss += x * x
		}
		nrm := math.Sqrt(ss)
		for r := range y {
			y[r] /= nrm
		}
	}
	return y
}

// factor computes the LU factorization with partial pivoting of
// (T - theta I)/s for the block with diagonal d and off-diagonal e.
// Pivots below pivotFloor in magnitude are raised to it, as in LAPACK's
// dlagts: the shift is an eigenvalue, so the matrix is singular to
// working precision and a tiny pivot only makes the solve grow along
// the wanted eigenvector.
func (tw *tridiagWork) factor(d, e []float64, theta, s float64) {
	m := len(d)
	tw.u0 = grow(tw.u0, m)
	tw.u1 = grow(tw.u1, m)
	tw.u2 = grow(tw.u2, m)
	tw.l = grow(tw.l, m)
	if cap(tw.swap) < m {
		tw.swap = make([]bool, m)
	}
	tw.swap = tw.swap[:m]
	u0, u1, u2, l := tw.u0, tw.u1, tw.u2, tw.l
	for r := range m {
		u0[r] = (d[r] - theta) / s
		u1[r], u2[r] = 0, 0
		if r < m-1 {
			u1[r] = e[r] / s
		}
	}
	for r := range m - 1 {
		sub := e[r] / s // entry (r+1, r)
		if math.Abs(u0[r]) >= math.Abs(sub) {
			tw.swap[r] = false
			l[r] = 0
			if u0[r] != 0 {
				l[r] = sub / u0[r]
			}
			u0[r+1] -= l[r] * u1[r]
			continue
		}
		// Interchange rows r and r+1, then eliminate.
		tw.swap[r] = true
		l[r] = u0[r] / sub
		a, b, c := u0[r+1], u1[r+1], u1[r]
		u0[r], u1[r], u2[r] = sub, a, b
		u0[r+1] = c - l[r]*a
		u1[r+1] = -l[r] * b
	}
	for r := range u0 {
		if math.Abs(u0[r]) < pivotFloor {
			u0[r] = math.Copysign(pivotFloor, u0[r])
		}
	}
}

// solve overwrites y with the solution x of (T - theta I)/s x = y for
// the factors of the last factor call.
func (tw *tridiagWork) solve(y []float64) {
	m := len(y)
	u0, u1, u2, l := tw.u0, tw.u1, tw.u2, tw.l
	for r := range m - 1 {
		if tw.swap[r] {
			y[r], y[r+1] = y[r+1], y[r]
		}
		y[r+1] -= l[r] * y[r]
	}
	y[m-1] /= u0[m-1]
	y[m-2] = (y[m-2] - u1[m-2]*y[m-1]) / u0[m-2]
	for r := m - 3; r >= 0; r-- {
		y[r] = (y[r] - u1[r]*y[r+1] - u2[r]*y[r+2]) / u0[r]
	}
}

// grow returns x resliced or reallocated to length m.
func grow(x []float64, m int) []float64 {
	if cap(x) < m {
		return make([]float64, m)
	}
	return x[:m]
}
