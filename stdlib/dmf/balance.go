package dmf

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// SpectralNorm returns the largest singular value of a, or NaN when the
// SVD fails, as it does on non-finite entries.
func SpectralNorm(a mat.Matrix) float64 {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		return math.NaN()
	}
	return svd.Values(nil)[0]
}

// Balance describes how the norm of a network is spread across its
// layers. Slices hold one entry per layer, C[i-1] for layer i, except
// Gaps, which has one per pair of adjacent layers.
type Balance struct {
	// C holds c_i = ||A_i||_2 ||B_i||_2, the norms of the products of
	// the layers left and right of layer i.
	C []float64
	// Spectral and Frobenius hold ||W_i||_2 and ||W_i||_F.
	Spectral  []float64
	Frobenius []float64
	// Gaps holds ||W_{i+1}^T W_{i+1} - W_i W_i^T||_F for i = 1..L-1;
	// all vanish on the balanced manifold.
	Gaps []float64
	// Sigma1 is ||M||_2, and Flat = Sigma1^{(L-1)/L} is the value every
	// c_i takes at a flattest minimizer.
	Sigma1, Flat float64
}

// Products returns c_i = ||A_i||_2 ||B_i||_2 for i = 1..L, C[i-1] for
// layer i, the products that Balance reports without the rest of its
// measures.
func (n *Net) Products() []float64 {
	p := n.At()
	c := make([]float64, n.Depth())
	for i := range c {
		ci := 1.0
		if a := p.Left(i + 1); a != nil {
			ci *= SpectralNorm(a)
		}
		if r := p.Right(i + 1); r != nil {
			ci *= SpectralNorm(r)
		}
		c[i] = ci
	}
	return c
}

// Balance returns the balance measures of n.
func (n *Net) Balance() Balance {
	L := n.Depth()
	b := Balance{
		C:         n.Products(),
		Spectral:  make([]float64, L),
		Frobenius: make([]float64, L),
		Gaps:      make([]float64, L-1),
		Sigma1:    SpectralNorm(n.target),
	}
	b.Flat = math.Pow(b.Sigma1, float64(L-1)/float64(L))
	for i := 1; i <= L; i++ {
		w := n.layers[i-1]
		b.Spectral[i-1] = SpectralNorm(w)
		b.Frobenius[i-1] = mat.Norm(w, 2)
	}
	for i := 1; i < L; i++ {
		var g, t mat.Dense
		g.Mul(n.layers[i].T(), n.layers[i])
		t.Mul(n.layers[i-1], n.layers[i-1].T())
		g.Sub(&g, &t)
		b.Gaps[i-1] = mat.Norm(&g, 2)
	}
	return b
}
