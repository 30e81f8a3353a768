package dmf

import (
	"github.com/basinlab/basin/stdlib/internal/kernel"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// backprop is the workspace of Net.Grad: pre[k] = W_{k:1} (d_k x d_0) for
// k = 2..L and g[k] = 2s A_k^T R (d_k x d_0) for k = 1..L.
type backprop struct {
	off    []int
	pre, g []blas64.General
}

func newBackprop(widths []int) *backprop {
	L := len(widths) - 1
	b := &backprop{
		off: make([]int, L+2),
		pre: make([]blas64.General, L+1),
		g:   make([]blas64.General, L+1),
	}
	for i := 1; i <= L; i++ {
		b.off[i+1] = b.off[i] + widths[i]*widths[i-1]
		b.g[i] = general(widths[i], widths[0], nil)
		if i >= 2 {
			b.pre[i] = general(widths[i], widths[0], nil)
		}
	}
	return b
}

func general(r, c int, data []float64) blas64.General {
	if data == nil {
		data = make([]float64, r*c)
	}
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}

// Grad stores the gradient of the loss in dst and returns it with the
// loss. A nil dst is allocated; otherwise it must have length NumParams.
//
// Grad backpropagates: L-1 products forward for the prefixes W_{k:1},
// then per layer one product for the gradient 2s (A_i^T R) B_i^T and one
// to carry A_i^T R to the next layer, 3(L-1) products in all, with no
// allocation after the first call. Point.Grad computes the same gradient
// from cached prefix and suffix products.
func (n *Net) Grad(dst []float64) ([]float64, float64) {
	if dst == nil {
		dst = make([]float64, len(n.params))
	}
	if len(dst) != len(n.params) {
		panic("dmf: gradient of wrong length")
	}
	if n.bp == nil {
		n.bp = newBackprop(n.widths)
	}
	bp := n.bp
	p := n.params
	w := n.widths
	L := len(w) - 1
	layer := func(v []float64, i int) blas64.General {
		return general(w[i], w[i-1], v[bp.off[i]:bp.off[i+1]])
	}

	// Forward: pre[k] = W_k pre[k-1], pre[1] = W_1.
	prev := layer(p, 1)
	for k := 2; k <= L; k++ {
		kernel.Mul(blas.NoTrans, blas.NoTrans, layer(p, k), prev, bp.pre[k])
		prev = bp.pre[k]
	}

	// g[L] = 2s (W_{L:1} - M), and the loss.
	t := n.target.RawMatrix()
	top := bp.g[L]
	f := 2 * n.scale
	var sum float64
	for r := 0; r < top.Rows; r++ {
		pr := prev.Data[r*prev.Stride : r*prev.Stride+top.Cols]
		tr := t.Data[r*t.Stride : r*t.Stride+top.Cols]
		gr := top.Data[r*top.Stride : r*top.Stride+top.Cols]
		for c, v := range pr {
			d := v - tr[c]
			sum += d * d
			gr[c] = f * d
		}
	}

	// Backward: grad_i = g[i] B_i^T, g[i-1] = W_i^T g[i].
	for i := L; i >= 2; i-- {
		b := layer(p, 1)
		if i > 2 {
			b = bp.pre[i-1]
		}
		kernel.Mul(blas.NoTrans, blas.Trans, bp.g[i], b, layer(dst, i))
		kernel.Mul(blas.Trans, blas.NoTrans, layer(p, i), bp.g[i], bp.g[i-1])
	}
	copy(layer(dst, 1).Data, bp.g[1].Data)
	return dst, n.scale * sum
}
