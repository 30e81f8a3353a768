package sharpness

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestDensityDiagonal(t *testing.T) {
	// For a diagonal operator the spectral measure of a normalized
	// Rademacher probe puts exactly 1/n on each entry, so the
	// quadrature moments equal mean(d^p) for p <= 2m-1, up to rounding.
	n := 500
	d := make([]float64, n)
	for i := range d {
		d[i] = math.Sin(float64(i)) * 3
	}
	sp, err := Density(context.Background(), &diagOp{d: d}, &DensitySettings{Probes: 3, Steps: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for p := 1; p <= 6; p++ {
		var want float64
		for _, v := range d {
			want += math.Pow(v, float64(p))
		}
		want /= float64(n)
		// Rounding in 30 reorthogonalized steps: 1e-12 of the scale
		// 3^p of the terms.
		if got := sp.Moment(p); math.Abs(got-want) > 1e-12*math.Pow(3, float64(p)) {
			t.Errorf("moment %d = %.15g, want %.15g", p, got, want)
		}
	}
	if sp.MatVecs != 90 {
		t.Errorf("MatVecs %d, want 3 probes x 30 steps", sp.MatVecs)
	}
}

func TestDensityMoments(t *testing.T) {
	// A dense matrix: the probe average is random. Moment(p) is the
	// mean of P Hutchinson probes of A^p divided by n, with standard
	// deviation sigma_p/(n sqrt(P)); allow four of those.
	op := wigner(150, 50)
	n := float64(op.Dim())
	const probes = 20
	sp, err := Density(context.Background(), op, &DensitySettings{Probes: probes, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var a2 mat.SymDense
	a2.SymOuterK(1, op.a) // A A^T = A^2
	for _, m := range []struct {
		p int
		a *mat.SymDense
	}{{1, op.a}, {2, &a2}} {
		want := trace(m.a) / n
		tol := 4 * hutchinsonSigma(m.a) / (n * math.Sqrt(probes))
		if got := sp.Moment(m.p); math.Abs(got-want) > tol {
			t.Errorf("moment %d = %.6g, want tr(A^%d)/n = %.6g within %.3g", m.p, got, m.p, want, tol)
		}
	}
	for l, w := range sp.Weights {
		if s := floats.Sum(w); math.Abs(s-1) > 1e-12 {
			t.Errorf("probe %d weights sum to %.15g", l, s)
		}
	}
}

func TestDensitySmooth(t *testing.T) {
	// Half the eigenvalues at 0, half at 10: the smoothed density holds
	// mass 1/2 near each and integrates to 1.
	d := make([]float64, 400)
	for i := 200; i < 400; i++ {
		d[i] = 10
	}
	sp, err := Density(context.Background(), &diagOp{d: d}, &DensitySettings{Probes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	const sigma = 0.5
	grid := linspace(-5, 15, 2001) // step sigma/50
	phi := sp.Smooth(grid, sigma)
	h := grid[1] - grid[0]
	integral := func(lo, hi float64) float64 {
		var s float64
		for i, x := range grid {
			if x >= lo && x <= hi {
				s += phi[i] * h
			}
		}
		return s
	}
	// The grid reaches 10 sigma past both peaks, so the Gaussian tails
	// beyond it are below 1e-20; a Riemann sum at step sigma/50 of a
	// Gaussian is exact to far below 1e-6.
	if s := integral(-5, 15); math.Abs(s-1) > 1e-6 {
		t.Errorf("density integrates to %.9g, want 1", s)
	}
	if s := integral(-5, 5); math.Abs(s-0.5) > 1e-6 {
		t.Errorf("mass near 0 is %.9g, want 0.5", s)
	}
	// The invariant subspace of a two-valued diagonal has dimension 2.
	for l, nodes := range sp.Nodes {
		if len(nodes) != 2 {
			t.Errorf("probe %d has %d nodes, want 2", l, len(nodes))
		}
	}
}

func TestDensityErrors(t *testing.T) {
	op := &diagOp{d: []float64{1, 2}}
	for _, s := range []*DensitySettings{{Probes: -1}, {Steps: -1}} {
		if _, err := Density(context.Background(), op, s); err == nil {
			t.Errorf("settings %+v: no error", *s)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Density(ctx, op, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	sp, err := Density(context.Background(), op, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"sigma 0":        func() { sp.Smooth([]float64{0}, 0) },
		"empty smooth":   func() { Spectrum{}.Smooth([]float64{0}, 1) },
		"empty moment":   func() { Spectrum{}.Moment(1) },
		"sigma negative": func() { sp.Smooth([]float64{0}, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
