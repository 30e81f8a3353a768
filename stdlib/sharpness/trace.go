package sharpness

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// rankTol decides that a sketch column of Hutch++ lies in the span of the
// columns before it: it is dropped when orthogonalization leaves less
// than rankTol of its norm, which happens only for an operator of rank
// below the sketch size.
const rankTol = 1e-10

// TraceEstimate is a randomized estimate of the trace of an operator.
type TraceEstimate struct {
	// Value is the estimate of tr(A).
	Value float64
	// StdErr is the standard error of Value estimated from the sample
	// variance of the probes: for Hutchinson that of all probes, for
	// Hutch++ that of the probes of the deflated remainder, given the
	// sketch. It is NaN with fewer than two probes.
	StdErr float64
	// MatVecs counts the calls to MulVec.
	MatVecs int
}

// Hutchinson estimates tr(A) as the mean of z^T A z over samples
// Rademacher probes z with independent entries +1 or -1 (Hutchinson,
// 1989). Each probe costs one product; the variance of one probe is
// 2 (||A||_F^2 - sum_i a_ii^2), so the error falls as 1/sqrt(samples).
// It returns an error when samples < 1 or the dimension is 0, and when
// ctx is done the estimate from the probes so far with an error wrapping
// ctx.Err().
func Hutchinson(ctx context.Context, a Operator, samples int, seed uint64) (TraceEstimate, error) {
	n := a.Dim()
	switch {
	case n < 1:
		return TraceEstimate{}, fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case samples < 1:
		return TraceEstimate{}, fmt.Errorf("sharpness: %d trace samples, want at least 1", samples)
	}
	rng := rand.New(rand.NewPCG(seed, seedStream))
	z := make([]float64, n)
	w := make([]float64, n)
	var m moments
	for range samples {
		if err := ctx.Err(); err != nil {
			return m.estimate(0, m.n), fmt.Errorf("sharpness: trace estimate cancelled after %d probes: %w", m.n, err)
		}
		rademacher(rng, z)
		a.MulVec(w, z)
		m.add(floats.Dot(z, w))
	}
	return m.estimate(0, m.n), nil
}

// HutchPlusPlus estimates tr(A) with the Hutch++ algorithm of Meyer,
// Musco, Musco and Woodruff ("Hutch++: Optimal Stochastic Trace
// Estimation", SOSA 2021), spending matvecs products. A third of them
// sketch the range of A: Q is an orthonormal basis of A S for a
// Rademacher S with matvecs/3 columns, and tr(Q^T A Q) is computed
// exactly. The rest go to Hutchinson probes of the deflated remainder
// (I - Q Q^T) A (I - Q Q^T). For a matrix whose spectrum decays, the
// top eigenvalues land in the exact part, so the variance is far below
// Hutchinson's at the same cost: for positive semidefinite A the error
// falls as 1/matvecs rather than 1/sqrt(matvecs).
//
// When matvecs/3 >= n, HutchPlusPlus returns the exact trace from the n
// diagonal entries A e_i, with StdErr 0. MatVecs may come out below
// matvecs when A has rank below the sketch size and dependent sketch
// columns are dropped. It returns an error
// when matvecs < 3 or the dimension is 0, and when ctx is done a zero
// estimate with an error wrapping ctx.Err().
func HutchPlusPlus(ctx context.Context, a Operator, matvecs int, seed uint64) (TraceEstimate, error) {
	n := a.Dim()
	switch {
	case n < 1:
		return TraceEstimate{}, fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case matvecs < 3:
		return TraceEstimate{}, fmt.Errorf("sharpness: Hutch++ needs at least 3 products, got %d", matvecs)
	}
	cancelled := func(err error) (TraceEstimate, error) {
		return TraceEstimate{}, fmt.Errorf("sharpness: trace estimate cancelled: %w", err)
	}
	if matvecs/3 >= n {
		// The sketch would span the whole space: the sum of the
		// diagonal is cheaper and exact.
		e := make([]float64, n)
		w := make([]float64, n)
		var tr float64
		for i := range n {
			if err := ctx.Err(); err != nil {
				return cancelled(err)
			}
			e[i] = 1
			a.MulVec(w, e)
			e[i] = 0
			tr += w[i]
		}
		return TraceEstimate{Value: tr, MatVecs: n}, nil
	}
	k := matvecs / 3
	probes := matvecs - 2*k
	rng := rand.New(rand.NewPCG(seed, seedStream))

	// Sketch the range: Y = A S.
	count := 0
	s := make([]float64, n)
	ys := make([][]float64, k)
	for i := range ys {
		if err := ctx.Err(); err != nil {
			return cancelled(err)
		}
		rademacher(rng, s)
		ys[i] = make([]float64, n)
		a.MulVec(ys[i], s)
		count++
	}
	q := orthonormalize(ys)

	// Exact trace on the sketched subspace.
	w := make([]float64, n)
	var exact float64
	for _, v := range q {
		if err := ctx.Err(); err != nil {
			return cancelled(err)
		}
		a.MulVec(w, v)
		count++
		exact += floats.Dot(v, w)
	}

	// Hutchinson on the remainder.
	var m moments
	for range probes {
		if err := ctx.Err(); err != nil {
			return cancelled(err)
		}
		rademacher(rng, s)
		project(s, q)
		a.MulVec(w, s)
		count++
		m.add(floats.Dot(s, w))
	}
	return m.estimate(exact, count), nil
}

// rademacher fills z with independent entries +1 or -1.
func rademacher(rng *rand.Rand, z []float64) {
	var bits uint64
	for i := range z {
		if i%64 == 0 {
			bits = rng.Uint64()
		}
		z[i] = float64(int(bits&1)*2 - 1)
		bits >>= 1
	}
}

// orthonormalize returns an orthonormal basis of the span of vs, by two
// passes of modified Gram-Schmidt, dropping vectors that are dependent
// to within rankTol. It overwrites vs.
func orthonormalize(vs [][]float64) [][]float64 {
	var q [][]float64
	for _, v := range vs {
		before := floats.Norm(v, 2)
		project(v, q)
		project(v, q)
		after := floats.Norm(v, 2)
		if after <= rankTol*before || after == 0 {
			continue
		}
		floats.Scale(1/after, v)
		q = append(q, v)
	}
	return q
}

// project removes from v its components along the orthonormal q.
func project(v []float64, q [][]float64) {
	for _, u := range q {
		floats.AddScaled(v, -floats.Dot(u, v), u)
	}
}

// moments accumulates a sample mean and variance (Welford, 1962).
type moments struct {
	n        int
	mean, m2 float64
}

func (m *moments) add(x float64) {
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
}

// estimate returns base plus the sample mean, with its standard error.
func (m *moments) estimate(base float64, matvecs int) TraceEstimate {
	e := TraceEstimate{Value: base + m.mean, StdErr: math.NaN(), MatVecs: matvecs}
	if m.n >= 2 {
		e.StdErr = math.Sqrt(m.m2 / float64(m.n-1) / float64(m.n))
	}
	return e
}
