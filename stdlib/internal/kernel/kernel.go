// Package kernel multiplies small matrices faster than a general Gemm,
// for the packages of basin whose hot loops multiply many small ones.
package kernel

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// smallWork bounds the products done with the loops below instead of
// blas64.Gemm: at most smallWork multiply-adds, 4 16^3. Below it the call
// overhead and blocking of a general Gemm cost more than the arithmetic
// (the loops measured 1.2-1.5x faster on squares of 8 and 16); at 32^3
// Gemm's blocking wins, and an optimized BLAS, when installed, is used.
const smallWork = 4 * 16 * 16 * 16

// nativeWork bounds the loops instead when blas64 runs on an optimized
// BLAS (the openblas build): its vector kernels beat scalar loops from
// about 8^3 on, call overhead included.
const nativeWork = 2 * 8 * 8 * 8

// small reports whether op(a) op(b), which takes the size of a times the
// columns of op(b) multiply-adds, is done by the loops below.
func small(tb blas.Transpose, a, b blas64.General) bool {
	n := b.Cols
	if tb == blas.Trans {
		n = b.Rows
	}
	limit := smallWork
	if _, pureGo := blas64.Implementation().(gonum.Implementation); !pureGo {
		limit = nativeWork
	}
	return a.Rows*a.Cols*n <= limit
}

// Mul sets c = op(a) op(b) for row-major matrices, with the loops below
// for small matrices and blas64.Gemm otherwise. The shapes must agree as
// for blas64.Gemm.
func Mul(ta, tb blas.Transpose, a, b, c blas64.General) { Gemm(ta, tb, a, b, false, c) }

// Gemm sets c = op(a) op(b), or adds op(a) op(b) to c when add is set.
func Gemm(ta, tb blas.Transpose, a, b blas64.General, add bool, c blas64.General) {
	beta := 0.0
	if add {
		beta = 1
	}
	if !small(tb, a, b) {
		blas64.Gemm(ta, tb, 1, a, b, beta, c)
		return
	}
	switch {
	case ta == blas.NoTrans && tb == blas.NoTrans:
		mulNN(c, a, b, add)
	case ta == blas.NoTrans && tb == blas.Trans:
		mulNT(c, a, b, add)
	case ta == blas.Trans && tb == blas.NoTrans:
		mulTN(c, a, b, add)
	default:
		blas64.Gemm(ta, tb, 1, a, b, beta, c)
	}
}

// The kernels below compute four entries of a row of c at a time in
// registers, loading one entry of a and four of b per four multiply-adds
// instead of the two loads and one store per multiply-add of a plain
// inner product or axpy loop.

// Each kernel sets c to the product, or adds the product to c when add
// is set. It computes 2 x 4 blocks of c in eight accumulators, so that
// six loads feed eight multiply-adds and the additions of eight
// independent chains overlap; a last odd row and the columns past a
// multiple of four are done one entry at a time by rowTail.

// mulNN sets c = a b, a m x k, b k x n, all row-major with unit-stride
// rows.
func mulNN(c, a, b blas64.General, add bool) {
	n, kk := c.Cols, a.Cols
	i := 0
	for ; i+2 <= c.Rows; i += 2 {
		a0 := a.Data[i*a.Stride : i*a.Stride+kk]
		a1 := a.Data[(i+1)*a.Stride : (i+1)*a.Stride+kk]
		a1 = a1[:len(a0)]
		c0 := c.Data[i*c.Stride : i*c.Stride+n]
		c1 := c.Data[(i+1)*c.Stride : (i+1)*c.Stride+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			if add {
				s00, s01, s02, s03 = c0[j], c0[j+1], c0[j+2], c0[j+3]
				s10, s11, s12, s13 = c1[j], c1[j+1], c1[j+2], c1[j+3]
			}
			o := j
			for k, x := range a0 {
				y := a1[k]
				bk := b.Data[o : o+4 : o+4]
				o += b.Stride
				s00 += x * bk[0]
				s01 += x * bk[1]
				s02 += x * bk[2]
				s03 += x * bk[3]
				s10 += y * bk[0]
				s11 += y * bk[1]
				s12 += y * bk[2]
				s13 += y * bk[3]
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			var s0, s1 float64
			if add {
				s0, s1 = c0[j], c1[j]
			}
			for k, x := range a0 {
				y := b.Data[k*b.Stride+j]
				s0 += x * y
				s1 += a1[k] * y
			}
			c0[j], c1[j] = s0, s1
		}
	}
	for ; i < c.Rows; i++ {
		ai := a.Data[i*a.Stride : i*a.Stride+kk]
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		for j := range ci {
			s := 0.0
			if add {
				s = ci[j]
			}
			for k, x := range ai {
				s += x * b.Data[k*b.Stride+j]
			}
			ci[j] = s
		}
	}
}

// mulNT sets c = a b^T, a m x k, b n x k.
func mulNT(c, a, b blas64.General, add bool) {
	n, kk := c.Cols, a.Cols
	i := 0
	for ; i+2 <= c.Rows; i += 2 {
		a0 := a.Data[i*a.Stride : i*a.Stride+kk]
		a1 := a.Data[(i+1)*a.Stride : (i+1)*a.Stride+kk]
		a1 = a1[:len(a0)]
		c0 := c.Data[i*c.Stride : i*c.Stride+n]
		c1 := c.Data[(i+1)*c.Stride : (i+1)*c.Stride+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b.Data[j*b.Stride : j*b.Stride+kk]
			b1 := b.Data[(j+1)*b.Stride : (j+1)*b.Stride+kk]
			b2 := b.Data[(j+2)*b.Stride : (j+2)*b.Stride+kk]
			b3 := b.Data[(j+3)*b.Stride : (j+3)*b.Stride+kk]
			b0, b1, b2, b3 = b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			if add {
				s00, s01, s02, s03 = c0[j], c0[j+1], c0[j+2], c0[j+3]
				s10, s11, s12, s13 = c1[j], c1[j+1], c1[j+2], c1[j+3]
			}
			for k, x := range a0 {
				y := a1[k]
				s00 += x * b0[k]
				s01 += x * b1[k]
				s02 += x * b2[k]
				s03 += x * b3[k]
				s10 += y * b0[k]
				s11 += y * b1[k]
				s12 += y * b2[k]
				s13 += y * b3[k]
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			bj := b.Data[j*b.Stride : j*b.Stride+kk]
			bj = bj[:len(a0)]
			var s0, s1 float64
			if add {
				s0, s1 = c0[j], c1[j]
			}
			for k, x := range a0 {
				s0 += x * bj[k]
				s1 += a1[k] * bj[k]
			}
			c0[j], c1[j] = s0, s1
		}
	}
	for ; i < c.Rows; i++ {
		ai := a.Data[i*a.Stride : i*a.Stride+kk]
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		for j := range ci {
			bj := b.Data[j*b.Stride : j*b.Stride+kk]
			bj = bj[:len(ai)]
			s := 0.0
			if add {
				s = ci[j]
			}
			for k, x := range ai {
				s += x * bj[k]
			}
			ci[j] = s
		}
	}
}

// mulTN sets c = a^T b, a k x m, b k x n.
func mulTN(c, a, b blas64.General, add bool) {
	n, kk := c.Cols, a.Rows
	i := 0
	for ; i+2 <= c.Rows; i += 2 {
		c0 := c.Data[i*c.Stride : i*c.Stride+n]
		c1 := c.Data[(i+1)*c.Stride : (i+1)*c.Stride+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			if add {
				s00, s01, s02, s03 = c0[j], c0[j+1], c0[j+2], c0[j+3]
				s10, s11, s12, s13 = c1[j], c1[j+1], c1[j+2], c1[j+3]
			}
			oa, ob := i, j
			for k := 0; k < kk; k++ {
				ak := a.Data[oa : oa+2 : oa+2]
				bk := b.Data[ob : ob+4 : ob+4]
				oa += a.Stride
				ob += b.Stride
				x, y := ak[0], ak[1]
				s00 += x * bk[0]
				s01 += x * bk[1]
				s02 += x * bk[2]
				s03 += x * bk[3]
				s10 += y * bk[0]
				s11 += y * bk[1]
				s12 += y * bk[2]
				s13 += y * bk[3]
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			var s0, s1 float64
			if add {
				s0, s1 = c0[j], c1[j]
			}
			for k := 0; k < kk; k++ {
				y := b.Data[k*b.Stride+j]
				s0 += a.Data[k*a.Stride+i] * y
				s1 += a.Data[k*a.Stride+i+1] * y
			}
			c0[j], c1[j] = s0, s1
		}
	}
	for ; i < c.Rows; i++ {
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		for j := range ci {
			s := 0.0
			if add {
				s = ci[j]
			}
			for k := 0; k < kk; k++ {
				s += a.Data[k*a.Stride+i] * b.Data[k*b.Stride+j]
			}
			ci[j] = s
		}
	}
}
