package sharpness

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// DefaultPowerMaxIter is the iteration cap used when PowerSettings.MaxIter
// is zero. The residual of power iteration shrinks like |lambda_2 /
// lambda_1|^t, so at a ratio of 0.95 reaching DefaultTol takes about 450
// iterations; slower problems are for Lanczos.
const DefaultPowerMaxIter = 1000

// PowerSettings holds the options of PowerIteration. A nil *PowerSettings
// and zero fields mean the documented defaults.
type PowerSettings struct {
	// Tol is the residual tolerance relative to the eigenvalue, as for
	// LanczosSettings.Tol: converged when ||A x - theta x|| <=
	// Tol*|theta| + 64 eps ||A x||. Zero means DefaultTol.
	Tol float64

	// MaxIter caps the iterations, one product each. Zero means
	// DefaultPowerMaxIter.
	MaxIter int

	// Start is the starting vector of length n; nil means a Gaussian
	// random vector drawn with Seed.
	Start []float64

	// Seed seeds the PCG generator for the random start.
	Seed uint64
}

// PowerIteration estimates the eigenvalue of largest magnitude of the
// symmetric operator a and its eigenvector by power iteration (von Mises
// and Pollaczek-Geiringer, 1929): x <- A x / ||A x||, with the Rayleigh
// quotient theta = x^T A x as the estimate. It costs one product and two
// vectors per iteration but converges only at the rate |lambda_2 /
// lambda_1|, and not at all when lambda and -lambda are both extreme;
// Lanczos is faster on all but the easiest spectra.
//
// The Result holds one pair, whose residual is ||A x - theta x|| for the
// returned x. When MaxIter is reached first, PowerIteration returns the
// last pair with Converged false and a *NotConvergedError; when ctx is
// done, the last pair and an error wrapping ctx.Err(). A start in the
// null space of a gives the eigenvalue 0 at once.
func PowerIteration(ctx context.Context, a Operator, s *PowerSettings) (Result, error) {
	n := a.Dim()
	var c PowerSettings
	if s != nil {
		c = *s
	}
	switch {
	case n < 1:
		return Result{}, fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case c.Tol < 0 || math.IsNaN(c.Tol):
		return Result{}, fmt.Errorf("sharpness: tolerance %g, want non-negative", c.Tol)
	case c.MaxIter < 0:
		return Result{}, fmt.Errorf("sharpness: negative iteration cap %d", c.MaxIter)
	}
	if c.Tol == 0 {
		c.Tol = DefaultTol
	}
	if c.MaxIter == 0 {
		c.MaxIter = DefaultPowerMaxIter
	}
	var x []float64
	if c.Start != nil {
		if err := checkStart(c.Start, n); err != nil {
			return Result{}, err
		}
		x = append([]float64(nil), c.Start...)
	} else {
		x = gaussian(rand.New(rand.NewPCG(c.Seed, seedStream)), n)
	}
	floats.Scale(1/floats.Norm(x, 2), x)

	y := make([]float64, n)
	r := make([]float64, n)
	var theta, resid float64
	result := func(it int, converged bool) Result {
		if it == 0 {
			return Result{}
		}
		return Result{
			Values:     []float64{theta},
			Vectors:    [][]float64{x},
			Residuals:  []float64{resid},
			MatVecs:    it,
			Iterations: it,
			Converged:  converged,
		}
	}
	for it := 1; ; it++ {
		if err := ctx.Err(); err != nil {
			// x has moved on; y still holds the unit vector of theta.
			if it > 1 {
				x = y
			}
			return result(it-1, false), fmt.Errorf("sharpness: power iteration cancelled after %d iterations: %w", it-1, err)
		}
		a.MulVec(y, x)
		theta = floats.Dot(x, y)
		floats.AddScaledTo(r, y, -theta, x)
		resid = floats.Norm(r, 2)
		ynorm := floats.Norm(y, 2)
		bound := c.Tol*math.Abs(theta) + residualFloor*ynorm
		switch {
		case resid <= bound:
			return result(it, true), nil
		case it == c.MaxIter:
			return result(it, false), &NotConvergedError{"power iteration", it, resid, bound}
		}
		x, y = y, x
		floats.Scale(1/ynorm, x)
	}
}
