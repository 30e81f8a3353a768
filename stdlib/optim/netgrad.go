package optim

import (
	"github.com/basinlab/basin/stdlib/dmf"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// netGrad is a Model for a *dmf.Net with an allocation-free gradient by
// backpropagation: L-1 products forward for W_{k:1}, then per layer one
// product for the gradient and one to carry A_i^T R back, 3(L-1) matrix
// products in all against the 4(L-1) of the cached-point gradient, which
// also builds the suffix products for Hessian-vector products. Run uses
// it in place of the network's own Grad; the parameters are the
// network's, so hooks see every step.
type netGrad struct {
	net    *dmf.Net
	widths []int
	off    []int
	scale  float64
	target blas64.General
	// pre[k] holds W_{k:1}, d_k x d_0, for k = 2..L; g[k] holds
	// 2s A_k^T R, d_k x d_0, for k = 1..L.
	pre, g []blas64.General
}

func newNetGrad(n *dmf.Net) *netGrad {
	w := n.Widths()
	L := len(w) - 1
	ng := &netGrad{
		net:    n,
		widths: w,
		off:    make([]int, L+2),
		pre:    make([]blas64.General, L+1),
		g:      make([]blas64.General, L+1),
	}
	for i := 1; i <= L; i++ {
		ng.off[i+1] = ng.off[i] + w[i]*w[i-1]
		ng.g[i] = general(w[i], w[0], nil)
		if i >= 2 {
			ng.pre[i] = general(w[i], w[0], nil)
		}
	}
	return ng
}

func general(r, c int, data []float64) blas64.General {
	if data == nil {
		data = make([]float64, r*c)
	}
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}

// layer returns W_i viewing p, which is laid out as the parameters.
func (ng *netGrad) layer(p []float64, i int) blas64.General {
	return general(ng.widths[i], ng.widths[i-1], p[ng.off[i]:ng.off[i+1]])
}

func (ng *netGrad) Params() []float64 { return ng.net.Params() }

func (ng *netGrad) Grad(dst []float64) ([]float64, float64) {
	n := ng.net
	p := n.Params()
	checkLen(p, dst)
	L := len(ng.widths) - 1
	t := n.Target().RawMatrix()
	s := n.Scale()

	// Forward: pre[k] = W_k pre[k-1], pre[1] = W_1.
	prev := ng.layer(p, 1)
	for k := 2; k <= L; k++ {
		if w := ng.layer(p, k); small(w, prev) {
			mulNN(ng.pre[k], w, prev)
		} else {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, w, prev, 0, ng.pre[k])
		}
		prev = ng.pre[k]
	}

	// g[L] = 2s (W_{L:1} - M), and the loss.
	top := ng.g[L]
	var sum float64
	for r := 0; r < top.Rows; r++ {
		pr := prev.Data[r*prev.Stride : r*prev.Stride+top.Cols]
		tr := t.Data[r*t.Stride : r*t.Stride+top.Cols]
		gr := top.Data[r*top.Stride : r*top.Stride+top.Cols]
		for c, v := range pr {
			d := v - tr[c]
			sum += d * d
			gr[c] = 2 * s * d
		}
	}

	// Backward: grad_i = g[i] W_{i-1:1}^T, g[i-1] = W_i^T g[i].
	for i := L; i >= 1; i-- {
		gi := ng.layer(dst, i)
		if i == 1 {
			copy(gi.Data, ng.g[1].Data)
			break
		}
		b := ng.layer(p, 1)
		if i > 2 {
			b = ng.pre[i-1]
		}
		w := ng.layer(p, i)
		if small(ng.g[i], b) && small(w, ng.g[i]) {
			mulNT(gi, ng.g[i], b)
			mulTN(ng.g[i-1], w, ng.g[i])
			continue
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, ng.g[i], b, 0, gi)
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, w, ng.g[i], 0, ng.g[i-1])
	}
	return dst, s * sum
}
