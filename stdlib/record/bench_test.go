package record_test

import (
	"context"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
)

// benchmarkTracking runs GD at d = 16, L = 4 near a minimizer, with
// sharpness tracked every 10 steps when track is set; compare the two
// for the tracking overhead.
func benchmarkTracking(b *testing.B, track bool) {
	m := dmf.RandomTarget(16, 16, 1)
	start, err := dmf.Balanced(m, []int{16, 16, 16, 16, 16}, 2)
	if err != nil {
		b.Fatal(err)
	}
	n := start.Perturb(1e-3, start.RandomDirection(3))
	s := &optim.Settings{Steps: b.N, Every: 10}
	if track {
		s.Hook = record.NewTracker(n, nil, &record.Options{NoExact: true, NoBalance: true}).Hook
	}
	b.ResetTimer()
	if _, err := optim.Run(context.Background(), n, &optim.GD{Eta: 1e-3}, s); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkGDStep16(b *testing.B)            { benchmarkTracking(b, false) }
func BenchmarkGDStep16Sharpness10(b *testing.B) { benchmarkTracking(b, true) }
