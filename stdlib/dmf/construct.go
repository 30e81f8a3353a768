package dmf

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// rankTol is the relative size, in units of s_1 max(rows, cols) machine
// epsilons, below which a singular value counts as zero when Balanced
// decides the rank of a target.
const rankTol = 1.0

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

func gaussian(r, c int, std float64, rnd *rand.Rand) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	raw := m.RawMatrix().Data
	for k := range raw {
		raw[k] = std * rnd.NormFloat64()
	}
	return m
}

// orthonormal returns an n x r matrix with orthonormal columns drawn from
// the Haar measure (QR of a Gaussian matrix with the signs of R's diagonal
// fixed).
func orthonormal(n, r int, rnd *rand.Rand) *mat.Dense {
	g := gaussian(n, r, 1, rnd)
	var qr mat.QR
	qr.Factorize(g)
	var q, rr mat.Dense
	qr.QTo(&q)
	qr.RTo(&rr)
	out := mat.NewDense(n, r, nil)
	for j := 0; j < r; j++ {
		sign := 1.0
		if rr.At(j, j) < 0 {
			sign = -1
		}
		for i := 0; i < n; i++ {
			out.Set(i, j, sign*q.At(i, j))
		}
	}
	return out
}

// RandomTarget returns a rows x cols matrix with independent N(0, 1/cols)
// entries drawn from seed, so that its spectral norm is near
// 1 + sqrt(rows/cols).
func RandomTarget(rows, cols int, seed uint64) *mat.Dense {
	return gaussian(rows, cols, 1/math.Sqrt(float64(cols)), newRand(seed))
}

// TargetWithSingularValues returns U diag(s) V^T with U (rows x k) and
// V (cols x k) Haar-random orthonormal columns drawn from seed, k = len(s).
// It panics if k exceeds min(rows, cols).
func TargetWithSingularValues(rows, cols int, s []float64, seed uint64) *mat.Dense {
	k := len(s)
	if k > rows || k > cols {
		panic(fmt.Sprintf("dmf: %d singular values for a %dx%d target", k, rows, cols))
	}
	rnd := newRand(seed)
	u := orthonormal(rows, k, rnd)
	v := orthonormal(cols, k, rnd)
	for j := 0; j < k; j++ {
		for i := 0; i < rows; i++ {
			u.Set(i, j, u.At(i, j)*s[j])
		}
	}
	var m mat.Dense
	m.Mul(u, v.T())
	return &m
}

// RandomTargetRank returns a rows x cols matrix of rank r, the product of
// a rows x r matrix with N(0, 1) entries and an r x cols matrix with
// N(0, 1/(r cols)) entries, drawn from seed.
func RandomTargetRank(rows, cols, r int, seed uint64) *mat.Dense {
	if r < 1 || r > rows || r > cols {
		panic(fmt.Sprintf("dmf: rank %d for a %dx%d target", r, rows, cols))
	}
	rnd := newRand(seed)
	a := gaussian(rows, r, 1, rnd)
	b := gaussian(r, cols, 1/math.Sqrt(float64(r*cols)), rnd)
	var m mat.Dense
	m.Mul(a, b)
	return &m
}

// Random returns a network with the given widths d_0..d_L, independent
// N(0, std^2) entries drawn from seed, and target m, as for training from
// a small random initialization.
func Random(widths []int, m *mat.Dense, std float64, seed uint64) *Net {
	n := Zeros(widths, m)
	rnd := newRand(seed)
	for k := range n.params {
		n.params[k] = std * rnd.NormFloat64()
	}
	if m == nil {
		n.target = n.Product()
	}
	return n
}

// Balanced returns a flattest minimizer of the target m with the given
// widths d_0..d_L: with the thin SVD m = U S V^T of rank r,
// W_i = Q_i S^{1/L} Q_{i-1}^T, where Q_0 = V, Q_L = U and the other Q_i
// are d_i x r with Haar-random orthonormal columns drawn from seed. Its
// sharpness is the lower bound L s_1^{2(L-1)/L} (times 2s for scale s).
//
// Balanced returns an error when the end widths do not match m or when an
// inner width is below the rank of m, so that no exact minimizer exists.
func Balanced(m *mat.Dense, widths []int, seed uint64) (*Net, error) {
	L := len(widths) - 1
	if L < 1 {
		return nil, ErrEmpty
	}
	rows, cols := m.Dims()
	if widths[0] != cols || widths[L] != rows {
		return nil, fmt.Errorf("dmf: widths %v do not fit a %dx%d target (need d_0 = %d, d_L = %d)", widths, rows, cols, cols, rows)
	}
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDThin) {
		return nil, errors.New("dmf: SVD of the target did not converge")
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	r := 0
	tol := rankTol * s[0] * float64(max(rows, cols)) * 0x1p-52
	for _, x := range s {
		if x > tol {
			r++
		}
	}
	if r == 0 {
		return Zeros(widths, m), nil
	}
	for i := 1; i < L; i++ {
		if widths[i] < r {
			return nil, fmt.Errorf("dmf: width d_%d = %d is below the rank %d of the target: no exact minimizer", i, widths[i], r)
		}
	}

	rnd := newRand(seed)
	qs := make([]*mat.Dense, L+1)
	qs[0] = mat.DenseCopyOf(v.Slice(0, cols, 0, r))
	qs[L] = mat.DenseCopyOf(u.Slice(0, rows, 0, r))
	for i := 1; i < L; i++ {
		qs[i] = orthonormal(widths[i], r, rnd)
	}
	root := make([]float64, r)
	for k := range root {
		root[k] = math.Pow(s[k], 1/float64(L))
	}
	n := Zeros(widths, m)
	for i := 1; i <= L; i++ {
		var qsr mat.Dense
		qsr.Apply(func(_, j int, x float64) float64 { return x * root[j] }, qs[i])
		n.layers[i-1].Mul(&qsr, qs[i-1].T())
	}
	return n, nil
}

// Orbit returns the network with layers G_i W_i G_{i-1}^{-1}, where
// G_0 = G_L = I and g holds G_1..G_{L-1} (G_i is d_i x d_i). The product,
// and so the loss, is unchanged; the sharpness in general is not. Orbit
// returns an error when g has the wrong length or shapes, or when some
// G_i is singular.
func (n *Net) Orbit(g []*mat.Dense) (*Net, error) {
	L := n.Depth()
	if len(g) != L-1 {
		return nil, fmt.Errorf("dmf: orbit of a depth-%d network needs %d matrices G_1..G_%d, got %d", L, L-1, L-1, len(g))
	}
	inv := make([]*mat.Dense, L-1)
	for i, gi := range g {
		r, c := gi.Dims()
		if r != n.widths[i+1] || c != n.widths[i+1] {
			return nil, fmt.Errorf("dmf: G_%d is %dx%d, need %dx%d", i+1, r, c, n.widths[i+1], n.widths[i+1])
		}
		var x mat.Dense
		if err := x.Inverse(gi); err != nil {
			return nil, fmt.Errorf("dmf: G_%d is not invertible: %w", i+1, err)
		}
		inv[i] = &x
	}
	out := n.Clone()
	for i := 1; i <= L; i++ {
		w := out.layers[i-1]
		if i < L {
			var t mat.Dense
			t.Mul(g[i-1], w)
			w.Copy(&t)
		}
		if i > 1 {
			var t mat.Dense
			t.Mul(w, inv[i-2])
			w.Copy(&t)
		}
	}
	return out, nil
}

// Rescale returns the network with layers a_i W_i. The factors must be
// nonzero with product 1 (to a relative 1e-12), which keeps the product;
// this is the orbit with G_i = a_1 ... a_i I.
func (n *Net) Rescale(a []float64) (*Net, error) {
	if len(a) != n.Depth() {
		return nil, fmt.Errorf("dmf: rescale of a depth-%d network needs %d factors, got %d", n.Depth(), n.Depth(), len(a))
	}
	prod := 1.0
	for _, x := range a {
		prod *= x
	}
	// 1e-12 allows for rounding in factors written with a dozen digits.
	if math.Abs(prod-1) > 1e-12 {
		return nil, fmt.Errorf("dmf: rescale factors multiply to %v, not 1: the product would change", prod)
	}
	out := n.Clone()
	for i, x := range a {
		out.layers[i].Scale(x, out.layers[i])
	}
	return out, nil
}

// Unbalanced returns a minimizer of m with the given widths that is
// Balanced(m, widths, seed) moved along the orbit by
// G_i = Q_i diag(exp(imbalance z_i)) Q_i^T, with Haar-random orthogonal
// Q_i and standard normal z_i drawn from seed. Imbalance 0 gives the
// balanced minimizer; the sharpness grows with the imbalance.
func Unbalanced(m *mat.Dense, widths []int, imbalance float64, seed uint64) (*Net, error) {
	n, err := Balanced(m, widths, seed)
	if err != nil {
		return nil, err
	}
	L := n.Depth()
	if L == 1 || imbalance == 0 {
		return n, nil
	}
	rnd := newRand(seed ^ 0x5bd1e995)
	g := make([]*mat.Dense, L-1)
	for i := range g {
		d := widths[i+1]
		q := orthonormal(d, d, rnd)
		qe := mat.DenseCopyOf(q)
		for j := 0; j < d; j++ {
			e := math.Exp(imbalance * rnd.NormFloat64())
			for k := 0; k < d; k++ {
				qe.Set(k, j, qe.At(k, j)*e)
			}
		}
		var gi mat.Dense
		gi.Mul(qe, q.T())
		g[i] = &gi
	}
	return n.Orbit(g)
}

// RandomDirection returns a parameter-space vector of unit Euclidean norm
// with Gaussian entries drawn from seed.
func (n *Net) RandomDirection(seed uint64) []float64 {
	rnd := newRand(seed)
	v := make([]float64, len(n.params))
	for k := range v {
		v[k] = rnd.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	return v
}

// Perturb returns a copy of n with parameters moved by eps along dir,
// which must have length NumParams. Pass a unit vector (RandomDirection)
// to move exactly eps.
func (n *Net) Perturb(eps float64, dir []float64) *Net {
	if len(dir) != len(n.params) {
		panic(fmt.Sprintf("dmf: direction of length %d, need %d", len(dir), len(n.params)))
	}
	out := n.Clone()
	floats.AddScaled(out.params, eps, dir)
	return out
}

// Distance returns the Euclidean distance between the parameters of n and
// o, which must have the same widths.
func (n *Net) Distance(o *Net) float64 {
	if len(n.params) != len(o.params) {
		panic(mat.ErrShape)
	}
	return floats.Distance(n.params, o.params, 2)
}
