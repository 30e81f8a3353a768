package dmf

import (
	"fmt"

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

	// Scratch for MulVec: db[i] = dB_i (d_{i-1} x d_0), da[i] = dA_i
	// (d_L x d_i); fw, t, u and s are temporaries of the shapes that
	// scratch gives them; vs and hs view the input and output vectors.
	db, fw, da, t, u, s []*mat.Dense
	vs, hs              []*mat.Dense
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
		p.pre[k].Mul(n.layers[k-1], p.pre[k-1])
	}
	p.suf[L].Copy(n.layers[L-1])
	for k := L - 1; k >= 1; k-- {
		p.suf[k].Mul(p.suf[k+1], n.layers[k-1])
	}
	p.res.Sub(p.pre[L], n.target)
	p.rbOK = false
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
	p.db = make([]*mat.Dense, L+2)
	p.fw = make([]*mat.Dense, L+1)
	p.da = make([]*mat.Dense, L+1)
	p.t = make([]*mat.Dense, L+1)
	p.u = make([]*mat.Dense, L+1)
	p.s = make([]*mat.Dense, L+1)
	for i := 1; i <= L; i++ {
		p.db[i+1] = mat.NewDense(d[i], d[0], nil)
		p.fw[i] = mat.NewDense(d[i], d[0], nil)
		p.da[i-1] = mat.NewDense(d[L], d[i-1], nil)
		p.t[i] = mat.NewDense(d[L], d[i-1], nil)
		p.u[i] = mat.NewDense(d[L], d[i-1], nil)
		p.s[i] = mat.NewDense(d[i], d[i-1], nil)
	}
	p.vs = make([]*mat.Dense, L+1)
	p.hs = make([]*mat.Dense, L+1)
}

// MulVec sets dst to the Hessian-vector product H v at the point, exactly,
// so that a Point is a sharpness.Operator. It panics if the lengths differ
// from Dim. dst and v must not alias.
//
// With dA_i and dB_i the directional derivatives of A_i and B_i along v,
//
//	(H v)_i = 2s [A_i^T (J(v) B_i^T + R dB_i^T) + dA_i^T R B_i^T],
//
// where J(v) = sum_j A_j V_j B_j is the derivative of the product; dB and
// J(v) come from one forward sweep, dA from one backward sweep.
func (p *Point) MulVec(dst, v []float64) {
	n := p.net
	if len(dst) != len(n.params) || len(v) != len(n.params) {
		panic(fmt.Sprintf("dmf: HVP with lengths %d and %d, need %d", len(dst), len(v), len(n.params)))
	}
	p.scratch()
	p.residualProducts()
	L := n.Depth()
	off := 0
	for i := 1; i <= L; i++ {
		r, c := n.widths[i], n.widths[i-1]
		p.vs[i] = mat.NewDense(r, c, v[off:off+r*c:off+r*c])
		p.hs[i] = mat.NewDense(r, c, dst[off:off+r*c:off+r*c])
		off += r * c
	}

	// Forward: dB_{i+1} = V_i B_i + W_i dB_i with dB_1 = 0, so that
	// dB_{L+1} = J(v).
	for i := 1; i <= L; i++ {
		next := p.db[i+1]
		if b := p.pre[i-1]; b == nil {
			next.Copy(p.vs[i])
		} else {
			next.Mul(p.vs[i], b)
		}
		if i > 1 {
			p.fw[i].Mul(n.layers[i-1], p.db[i])
			next.Add(next, p.fw[i])
		}
	}
	jv := p.db[L+1]

	// Backward: dA_{i-1} = dA_i W_i + A_i V_i with dA_L = 0.
	for i := L; i >= 2; i-- {
		prev := p.da[i-1]
		if a := p.suf[i+1]; a == nil {
			prev.Copy(p.vs[i])
		} else {
			prev.Mul(a, p.vs[i])
		}
		if i < L {
			p.u[i].Mul(p.da[i], n.layers[i-1])
			prev.Add(prev, p.u[i])
		}
	}

	f := 2 * n.scale
	for i := 1; i <= L; i++ {
		t := p.t[i]
		if b := p.pre[i-1]; b == nil {
			t.Copy(jv)
		} else {
			t.Mul(jv, b.T())
			p.u[i].Mul(p.res, p.db[i].T())
			t.Add(t, p.u[i])
		}
		h := p.hs[i]
		if a := p.suf[i+1]; a == nil {
			h.Copy(t)
		} else {
			h.Mul(a.T(), t)
		}
		if i < L {
			p.s[i].Mul(p.da[i].T(), p.rb[i])
			h.Add(h, p.s[i])
		}
		h.Scale(f, h)
	}
}
