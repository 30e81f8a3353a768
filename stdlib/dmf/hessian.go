package dmf

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// MaxDenseParams is the largest number of parameters for which DenseHessian
// builds the Hessian: at 4096 the symmetric matrix takes 128 MiB of
// float64 storage, and beyond it matrix-free methods are the right tool.
const MaxDenseParams = 4096

// DenseHessian returns the Hessian of the loss at the point as a dense
// symmetric matrix, in the parameter layout of Net.Params. It returns an
// error when the network has more than MaxDenseParams parameters.
//
// The blocks are assembled from closed forms, independently of MulVec:
// with row-major vectorization, the Gauss-Newton part of block (i, j) is
// 2s (A_i^T A_j) (x) (B_i B_j^T), and for i < j the residual part has
// entries 2s (A_j^T R B_i^T)[c, b] C[e, a] at row (a, b) of layer i and
// column (c, e) of layer j, where C = W_{j-1} ... W_{i+1}.
func (p *Point) DenseHessian() (*mat.SymDense, error) {
	n := p.net
	np := len(n.params)
	if np > MaxDenseParams {
		return nil, fmt.Errorf("dmf: dense Hessian of %d parameters exceeds the limit of %d; use matrix-free products", np, MaxDenseParams)
	}
	p.residualProducts()
	L := n.Depth()
	d := n.widths
	off := make([]int, L+2)
	for i := 1; i <= L; i++ {
		off[i+1] = off[i] + d[i]*d[i-1]
	}
	h := mat.NewSymDense(np, nil)
	f := 2 * n.scale
	for i := 1; i <= L; i++ {
		for j := i; j <= L; j++ {
			// Gauss-Newton block.
			aa := leftGram(p.suf[i+1], p.suf[j+1], d[L], d[i], d[j])
			bb := rightGram(p.pre[i-1], p.pre[j-1], d[0], d[i-1], d[j-1])
			for a := 0; a < d[i]; a++ {
				for b := 0; b < d[i-1]; b++ {
					row := off[i] + a*d[i-1] + b
					for c := 0; c < d[j]; c++ {
						for e := 0; e < d[j-1]; e++ {
							col := off[j] + c*d[j-1] + e
							if col < row {
								continue
							}
							h.SetSym(row, col, f*aa.At(a, c)*bb.At(b, e))
						}
					}
				}
			}
			if i == j {
				continue
			}

			// Residual block: Y = A_j^T R B_i^T, C = W_{j-1:i+1}.
			y := mat.DenseCopyOf(p.rb[i])
			if a := p.suf[j+1]; a != nil {
				var t mat.Dense
				t.Mul(a.T(), p.rb[i])
				y = &t
			}
			cm := between(n, i, j)
			for a := 0; a < d[i]; a++ {
				for b := 0; b < d[i-1]; b++ {
					row := off[i] + a*d[i-1] + b
					for c := 0; c < d[j]; c++ {
						for e := 0; e < d[j-1]; e++ {
							col := off[j] + c*d[j-1] + e
							ce := 0.0
							if cm == nil {
								if e == a {
									ce = 1
								}
							} else {
								ce = cm.At(e, a)
							}
							h.SetSym(row, col, h.At(row, col)+f*y.At(c, b)*ce)
						}
					}
				}
			}
		}
	}
	return h, nil
}

// leftGram returns x^T y for x (m x p) and y (m x q), nil meaning I_m.
func leftGram(x, y *mat.Dense, m, p, q int) *mat.Dense {
	g := mat.NewDense(p, q, nil)
	switch {
	case x == nil && y == nil:
		for k := 0; k < m; k++ {
			g.Set(k, k, 1)
		}
	case x == nil:
		g.Copy(y)
	case y == nil:
		g.Copy(x.T())
	default:
		g.Mul(x.T(), y)
	}
	return g
}

// rightGram returns x y^T for x (p x m) and y (q x m), nil meaning I_m.
func rightGram(x, y *mat.Dense, m, p, q int) *mat.Dense {
	g := mat.NewDense(p, q, nil)
	switch {
	case x == nil && y == nil:
		for k := 0; k < m; k++ {
			g.Set(k, k, 1)
		}
	case x == nil:
		g.Copy(y.T())
	case y == nil:
		g.Copy(x)
	default:
		g.Mul(x, y.T())
	}
	return g
}

// between returns W_{j-1} ... W_{i+1} for i < j, or nil (the identity)
// when j = i+1.
func between(n *Net, i, j int) *mat.Dense {
	if j == i+1 {
		return nil
	}
	c := mat.DenseCopyOf(n.layers[i])
	for k := i + 2; k <= j-1; k++ {
		var t mat.Dense
		t.Mul(n.layers[k-1], c)
		c = &t
	}
	return c
}
