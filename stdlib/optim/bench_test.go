package optim_test

import (
	"context"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
)

// benchNet returns a depth-4 network of width d near a minimizer of a
// seeded target, with a stable step size, so that the benchmark measures
// steps and not the handling of a divergence.
func benchNet(b *testing.B, d int) (*dmf.Net, optim.Optimizer) {
	m := dmf.RandomTarget(d, d, 1)
	n, err := dmf.Balanced(m, []int{d, d, d, d, d}, 2)
	if err != nil {
		b.Fatal(err)
	}
	n = n.Perturb(1e-3, n.RandomDirection(3))
	return n, &optim.GD{Eta: 1e-3}
}

func benchmarkGDStep(b *testing.B, d int) {
	n, o := benchNet(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	res, err := optim.Run(context.Background(), n, o, &optim.Settings{Steps: b.N})
	if err != nil || res.Status != optim.StepLimit {
		b.Fatalf("Run = %+v, %v", res, err)
	}
}

func BenchmarkGDStep8(b *testing.B)   { benchmarkGDStep(b, 8) }
func BenchmarkGDStep32(b *testing.B)  { benchmarkGDStep(b, 32) }
func BenchmarkGDStep128(b *testing.B) { benchmarkGDStep(b, 128) }
