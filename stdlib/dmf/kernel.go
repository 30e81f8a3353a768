package dmf

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// smallDim is the largest matrix dimension for which the gradient multiplies
// with its own loops instead of blas64.Gemm. Below it the call overhead
// and the blocking of a general Gemm cost more than the arithmetic; above
// it Gemm wins, and an optimized BLAS, when installed, is used.
const smallDim = 16

func small(a, b blas64.General) bool {
	return a.Rows <= smallDim && a.Cols <= smallDim && b.Rows <= smallDim && b.Cols <= smallDim
}

// mul sets c = op(a) op(b) with the kernels below for small matrices
// and blas64.Gemm otherwise.
func mul(ta, tb blas.Transpose, a, b, c blas64.General) { gemm(ta, tb, a, b, false, c) }

// gemm sets c = op(a) op(b), or adds op(a) op(b) to c when add is set.
func gemm(ta, tb blas.Transpose, a, b blas64.General, add bool, c blas64.General) {
	beta := 0.0
	if add {
		beta = 1
	}
	if !small(a, b) {
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
// is set.

// mulNN sets c = a b, a m x k, b k x n, all row-major with unit-stride
// rows.
func mulNN(c, a, b blas64.General, add bool) {
	n, kk := c.Cols, a.Cols
	for i := 0; i < c.Rows; i++ {
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		ai := a.Data[i*a.Stride : i*a.Stride+kk]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s0, s1, s2, s3 float64
			if add {
				s0, s1, s2, s3 = ci[j], ci[j+1], ci[j+2], ci[j+3]
			}
			for k, aik := range ai {
				bk := b.Data[k*b.Stride+j : k*b.Stride+j+4]
				s0 += aik * bk[0]
				s1 += aik * bk[1]
				s2 += aik * bk[2]
				s3 += aik * bk[3]
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			var s0 float64
			if add {
				s0 = ci[j]
			}
			for k, aik := range ai {
				s0 += aik * b.Data[k*b.Stride+j]
			}
			ci[j] = s0
		}
	}
}

// mulNT sets c = a b^T, a m x k, b n x k.
func mulNT(c, a, b blas64.General, add bool) {
	n, kk := c.Cols, a.Cols
	for i := 0; i < c.Rows; i++ {
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		ai := a.Data[i*a.Stride : i*a.Stride+kk]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b.Data[j*b.Stride : j*b.Stride+kk]
			b1 := b.Data[(j+1)*b.Stride : (j+1)*b.Stride+kk]
			b2 := b.Data[(j+2)*b.Stride : (j+2)*b.Stride+kk]
			b3 := b.Data[(j+3)*b.Stride : (j+3)*b.Stride+kk]
			var s0, s1, s2, s3 float64
			if add {
				s0, s1, s2, s3 = ci[j], ci[j+1], ci[j+2], ci[j+3]
			}
			for k, aik := range ai {
				s0 += aik * b0[k]
				s1 += aik * b1[k]
				s2 += aik * b2[k]
				s3 += aik * b3[k]
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			bj := b.Data[j*b.Stride : j*b.Stride+kk]
			var s0 float64
			if add {
				s0 = ci[j]
			}
			for k, aik := range ai {
				s0 += aik * bj[k]
			}
			ci[j] = s0
		}
	}
}

// mulTN sets c = a^T b, a k x m, b k x n.
func mulTN(c, a, b blas64.General, add bool) {
	n := c.Cols
	for i := 0; i < c.Rows; i++ {
		ci := c.Data[i*c.Stride : i*c.Stride+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s0, s1, s2, s3 float64
			if add {
				s0, s1, s2, s3 = ci[j], ci[j+1], ci[j+2], ci[j+3]
			}
			for k := 0; k < a.Rows; k++ {
				aki := a.Data[k*a.Stride+i]
				bk := b.Data[k*b.Stride+j : k*b.Stride+j+4]
				s0 += aki * bk[0]
				s1 += aki * bk[1]
				s2 += aki * bk[2]
				s3 += aki * bk[3]
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			var s0 float64
			if add {
				s0 = ci[j]
			}
			for k := 0; k < a.Rows; k++ {
				s0 += a.Data[k*a.Stride+i] * b.Data[k*b.Stride+j]
			}
			ci[j] = s0
		}
	}
}
