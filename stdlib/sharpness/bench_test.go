package sharpness

import (
	"context"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
)

// benchImbalance moves the benchmark minimizers off the balanced ones, so
// that the top eigenvalue is not the flattest value with its special
// structure.
const benchImbalance = 0.5

// benchSquare returns the widths d_0..d_4 all equal to d: the depth-4
// networks the comparisons with PyTorch use.
func benchSquare(d int) []int { return []int{d, d, d, d, d} }

// benchMinimizer returns a seeded unbalanced minimizer of a random
// full-rank target.
func benchMinimizer(b *testing.B, widths []int) *dmf.Net {
	b.Helper()
	L := len(widths) - 1
	m := dmf.RandomTarget(widths[L], widths[0], 1)
	n, err := dmf.Unbalanced(m, widths, benchImbalance, 2)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// benchmarkAtMinimizer times the whole exact computation, from the
// network to the value: the residual check, the prefix and suffix
// products, K and its top eigenvalue.
func benchmarkAtMinimizer(b *testing.B, widths []int) {
	n := benchMinimizer(b, widths)
	ctx := context.Background()
	if _, err := AtMinimizer(ctx, n, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AtMinimizer(ctx, n, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAtMinimizer16(b *testing.B)  { benchmarkAtMinimizer(b, benchSquare(16)) }
func BenchmarkAtMinimizer128(b *testing.B) { benchmarkAtMinimizer(b, benchSquare(128)) }

// BenchmarkAtMinimizerWide has wide hidden layers and narrow ends, where
// K (100 x 100) is far smaller than the Hessian (136k parameters).
func BenchmarkAtMinimizerWide(b *testing.B) {
	benchmarkAtMinimizer(b, []int{10, 256, 256, 256, 10})
}

// BenchmarkMaxLanczos64 times Lanczos on exact Hessian-vector products
// at a random point, residual term included, to the default tolerance.
func BenchmarkMaxLanczos64(b *testing.B) {
	w := benchSquare(64)
	n := dmf.Random(w, dmf.RandomTarget(64, 64, 1), 0.5, 2)
	ctx := context.Background()
	if _, err := Max(ctx, n, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Max(ctx, n, nil); err != nil {
			b.Fatal(err)
		}
	}
}
