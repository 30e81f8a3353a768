package optim

import (
	"math"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
)

// TestNetGradMatchesNet checks the backpropagation gradient against the
// network's own cached-point gradient, an independent path, on shapes
// that exercise the small kernels (with widths not divisible by four)
// and blas64.Gemm (widths above smallDim), and a loss scale of 1.
func TestNetGradMatchesNet(t *testing.T) {
	for _, c := range []struct {
		name   string
		widths []int
		scale  float64
	}{
		{"depth 1", []int{3, 5}, 0.5},
		{"depth 2 rectangular", []int{3, 7, 2}, 0.5},
		{"depth 4 odd widths", []int{5, 6, 7, 3, 9}, 1},
		{"depth 3 above smallDim", []int{50, 60, 3, 55}, 0.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := c.widths
			m := dmf.RandomTarget(w[len(w)-1], w[0], 1)
			n := dmf.Random(w, m, 0.4, 2)
			n.SetScale(c.scale)
			want, wl := n.Grad(nil)
			got := make([]float64, n.NumParams())
			_, gl := newNetGrad(n).Grad(got)
			// Both sum the same products in different orders: rounding
			// of order 1e-15 relative to the largest entry.
			var big float64
			for _, v := range want {
				big = math.Max(big, math.Abs(v))
			}
			for k := range want {
				if math.Abs(got[k]-want[k]) > 1e-12*big {
					t.Fatalf("grad[%d] = %.16g, want %.16g", k, got[k], want[k])
				}
			}
			if math.Abs(gl-wl) > 1e-13*wl {
				t.Errorf("loss %.16g, want %.16g", gl, wl)
			}
		})
	}
}
