package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

func randGeneral(r, c int, seed uint64) blas64.General {
	rnd := rand.New(rand.NewPCG(seed, 1))
	g := general(r, c)
	for k := range g.Data {
		g.Data[k] = rnd.NormFloat64()
	}
	return g
}

func general(r, c int) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: make([]float64, r*c)}
}

// TestSmallKernels compares the small-matrix kernels with blas64.Gemm on
// shapes with remainders in every blocked dimension.
func TestSmallKernels(t *testing.T) {
	for _, sh := range [][3]int{{1, 1, 1}, {2, 4, 3}, {5, 7, 3}, {8, 8, 8}, {9, 6, 11}, {16, 13, 15}, {48, 16, 16}, {16, 48, 16}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.NoTrans}} {
			t.Run(fmt.Sprintf("%dx%dx%d/%c%c", m, n, k, tr[0], tr[1]), func(t *testing.T) {
				a := randGeneral(m, k, 1)
				if tr[0] == blas.Trans {
					a = randGeneral(k, m, 1)
				}
				b := randGeneral(k, n, 2)
				if tr[1] == blas.Trans {
					b = randGeneral(n, k, 2)
				}
				got, want := general(m, n), general(m, n)
				Mul(tr[0], tr[1], a, b, got)
				blas64.Gemm(tr[0], tr[1], 1, a, b, 0, want)
				for x := range got.Data {
					// Sums of k products in another order: 1e-13
					// absolute on O(sqrt(k)) entries.
					if d := got.Data[x] - want.Data[x]; d > 1e-13 || d < -1e-13 {
						t.Fatalf("entry %d: %v, Gemm %v", x, got.Data[x], want.Data[x])
					}
				}
			})
		}
	}
}

// TestGemmAdd checks the accumulating form of the kernels and of the
// Gemm fallback (30^3 is above smallWork): c + a b in one call against
// Gemm with beta 1.
func TestGemmAdd(t *testing.T) {
	for _, d := range []int{5, 30} {
		a, b := randGeneral(d, d, 1), randGeneral(d, d, 2)
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.NoTrans}} {
			got := randGeneral(d, d, 3)
			want := general(d, d)
			copy(want.Data, got.Data)
			Gemm(tr[0], tr[1], a, b, true, got)
			blas64.Gemm(tr[0], tr[1], 1, a, b, 1, want)
			for x := range got.Data {
				if e := got.Data[x] - want.Data[x]; e > 1e-13 || e < -1e-13 {
					t.Fatalf("d=%d %c%c entry %d: %v, Gemm %v", d, tr[0], tr[1], x, got.Data[x], want.Data[x])
				}
			}
		}
	}
}
