package dmf

import (
	"fmt"

	"github.com/basinlab/basin/stdlib/internal/kernel"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Point caches the prefix products W_{k:1}, the suffix products W_{L:k}
// and the residual of a network at its current parameters. Hessian-vector
// products at one point, as an eigensolver needs them, then cost O(L)
// matrix products each and allocate nothing.
//
// A Point does not follow later changes to the network's parameters; call
// Update after changing them. A Point is not safe for concurrent use.
type Point struct {
	net *Net

	// pre[k] = W_{k:1} (d_k x d_0) for k = 1..L; pre[0] is nil, meaning I.
	pre []*mat.Dense
	// suf[k] = W_{L:k} (d_L x d_{k-1}) for k = 1..L; suf[L+1] is nil.
	suf []*mat.Dense
	res *mat.Dense
	// rb[i] = R B_i^T (d_L x d_{i-1}), i = 1..L, valid when rbOK. It is
	// formed on first use: the exact sharpness at a minimizer, where R
	// is zero, never needs it.
	rb   []*mat.Dense
	rbOK bool
	loss float64

	// g[i] = 2s A_i^T R (d_i x d_0), valid when gOK, formed on the first
	// MulVec. Scratch for MulVec: db[i] = dB_i (d_{i-1} x d_0), dg[i] =
	// dg_i (d_i x d_0); off[i] is the offset of layer i in a vector.
	g, db, dg []blas64.General
	gOK       bool
	off       []int
}

// At returns the Point of n at its current parameters.
func (n *Net) At() *Point {
	L := n.Depth()
	d := n.widths
	p := &Point{
		net: n,
		pre: make([]*mat.Dense, L+1),
		suf: make([]*mat.Dense, L+2),
		rb:  make([]*mat.Dense, L+1),
		res: mat.NewDense(d[L], d[0], nil),
	}
	for k := 1; k <= L; k++ {
		p.pre[k] = mat.NewDense(d[k], d[0], nil)
		p.suf[k] = mat.NewDense(d[L], d[k-1], nil)
		p.rb[k] = mat.NewDense(d[L], d[k-1], nil)
	}
	p.Update()
	return p
}

// Net returns the network the point belongs to.
func (p *Point) Net() *Net { return p.net }

// Update recomputes the cached products from the network's parameters.
func (p *Point) Update() {
	n := p.net
	L := n.Depth()
	p.pre[1].Copy(n.layers[0])
	for k := 2; k <= L; k++ {
		kernel.Mul(blas.NoTrans, blas.NoTrans, n.layers[k-1].RawMatrix(), p.pre[k-1].RawMatrix(), p.pre[k].RawMatrix())
	}
	p.suf[L].Copy(n.layers[L-1])
	for k := L - 1; k >= 1; k-- {
		kernel.Mul(blas.NoTrans, blas.NoTrans, p.suf[k+1].RawMatrix(), n.layers[k-1].RawMatrix(), p.suf[k].RawMatrix())
	}
	p.res.Sub(p.pre[L], n.target)
	p.rbOK = false
	p.gOK = false
	r := mat.Norm(p.res, 2)
	p.loss = n.scale * r * r
}

// residualProducts makes rb current.
func (p *Point) residualProducts() {
	if p.rbOK {
		return
	}
	for i := 1; i <= p.net.Depth(); i++ {
		if b := p.pre[i-1]; b == nil {
			p.rb[i].Copy(p.res)
		} else {
			p.rb[i].Mul(p.res, b.T())
		}
	}
	p.rbOK = true
}

// Loss returns the loss at the point.
func (p *Point) Loss() float64 { return p.loss }

// Residual returns R = W_{L:1} - M at the point. The matrix is the point's
// own; do not modify it.
func (p *Point) Residual() *mat.Dense { return p.res }

// Left returns A_i = W_L ... W_{i+1}, 1 <= i <= L, or nil for i = L, where
// the product is empty and means the identity. The matrix is the point's
// own; do not modify it.
func (p *Point) Left(i int) *mat.Dense {
	p.checkLayer(i)
	return p.suf[i+1]
}

// Right returns B_i = W_{i-1} ... W_1, 1 <= i <= L, or nil for i = 1,
// where the product is empty and means the identity. The matrix is the
// point's own; do not modify it.
func (p *Point) Right(i int) *mat.Dense {
	p.checkLayer(i)
	return p.pre[i-1]
}

func (p *Point) checkLayer(i int) {
	if i < 1 || i > p.net.Depth() {
		panic(fmt.Sprintf("dmf: layer %d out of range 1..%d", i, p.net.Depth()))
	}
}

// Dim returns the number of parameters, the dimension of the Hessian.
func (p *Point) Dim() int { return len(p.net.params) }

// Grad stores the gradient 2s A_i^T R B_i^T, layer after layer, in dst and
// returns it. A nil dst is allocated.
func (p *Point) Grad(dst []float64) []float64 {
	n := p.net
	if dst == nil {
		dst = make([]float64, len(n.params))
	}
	p.residualProducts()
	L := n.Depth()
	f := 2 * n.scale
	for i := 1; i <= L; i++ {
		g := n.LayerSlice(dst, i)
		if a := p.suf[i+1]; a == nil {
			g.Copy(p.rb[i])
		} else {
			g.Mul(a.T(), p.rb[i])
		}
		g.Scale(f, g)
	}
	return dst
}

func (p *Point) scratch() {
	if p.db != nil {
		return
	}
	n := p.net
	L := n.Depth()
	d := n.widths
	p.db = make([]blas64.General, L+2)
	p.g = make([]blas64.General, L+1)
	p.dg = make([]blas64.General, L+1)
	for i := 1; i <= L; i++ {
		p.db[i+1] = general(d[i], d[0], nil)
		p.g[i] = general(d[i], d[0], nil)
		p.dg[i] = general(d[i], d[0], nil)
	}
	p.off = make([]int, L+2)
	for i := 1; i <= L; i++ {
		p.off[i+1] = p.off[i] + d[i]*d[i-1]
	}
}

// backProducts makes g current: g[L] = 2s R and g[i-1] = W_i^T g[i], so
// that g[i] = 2s A_i^T R.
func (p *Point) backProducts() {
	if p.gOK {
		return
	}
	n := p.net
	L := n.Depth()
	f := 2 * n.scale
	r := p.res.RawMatrix()
	top := p.g[L]
	for k := range top.Data {
		top.Data[k] = f * r.Data[k]
	}
	for i := L; i >= 2; i-- {
		kernel.Mul(blas.Trans, blas.NoTrans, n.layers[i-1].RawMatrix(), p.g[i], p.g[i-1])
	}
	p.gOK = true
}

// MulVec sets dst to the Hessian-vector product H v at the point, exactly,
// so that a Point is a sharpness.Operator. It panics if the lengths differ
// from Dim. dst and v must not alias.
//
// It differentiates the backpropagated gradient grad_i = g_i B_i^T, with
// g_L = 2s R, g_{i-1} = W_i^T g_i and B_{i+1} = W_i B_i, along v:
//
//	dB_{i+1} = V_i B_i + W_i dB_i,       dB_1 = 0, dB_{L+1} = J(v),
//	dg_{i-1} = V_i^T g_i + W_i^T dg_i,   dg_L = 2s J(v),
//	(H v)_i  = dg_i B_i^T + g_i dB_i^T,
//
// 6(L-1) matrix products in all, with no allocation after the first call.
func (p *Point) MulVec(dst, v []float64) {
	n := p.net
	if len(dst) != len(n.params) || len(v) != len(n.params) {
		panic(fmt.Sprintf("dmf: HVP with lengths %d and %d, need %d", len(dst), len(v), len(n.params)))
	}
	p.scratch()
	p.backProducts()
	L := n.Depth()
	w := n.widths
	view := func(x []float64, i int) blas64.General {
		return general(w[i], w[i-1], x[p.off[i]:p.off[i+1]])
	}
	right := func(i int) blas64.General { return p.pre[i-1].RawMatrix() }

	// Forward sweep for dB and J(v).
	copy(p.db[2].Data, view(v, 1).Data)
	for i := 2; i <= L; i++ {
		kernel.Mul(blas.NoTrans, blas.NoTrans, view(v, i), right(i), p.db[i+1])
		kernel.Gemm(blas.NoTrans, blas.NoTrans, n.layers[i-1].RawMatrix(), p.db[i], true, p.db[i+1])
	}

	// Backward sweep for dg.
	f := 2 * n.scale
	jv, top := p.db[L+1], p.dg[L]
	for k, x := range jv.Data {
		top.Data[k] = f * x
	}
	for i := L; i >= 2; i-- {
		kernel.Mul(blas.Trans, blas.NoTrans, view(v, i), p.g[i], p.dg[i-1])
		kernel.Gemm(blas.Trans, blas.NoTrans, n.layers[i-1].RawMatrix(), p.dg[i], true, p.dg[i-1])
	}

	copy(view(dst, 1).Data, p.dg[1].Data)
	for i := 2; i <= L; i++ {
		h := view(dst, i)
		kernel.Mul(blas.NoTrans, blas.Trans, p.dg[i], right(i), h)
		kernel.Gemm(blas.NoTrans, blas.Trans, p.g[i], p.db[i], true, h)
	}
}
