package sharpness

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

const (
	// DefaultDensityProbes is the number of random probes Density uses
	// when DensitySettings.Probes is zero. The spread of the estimate
	// between probes falls as 1/sqrt(probes); for the large n of a
	// Hessian one probe already averages over many eigenvectors.
	DefaultDensityProbes = 10

	// DefaultDensitySteps is the number of Lanczos steps per probe when
	// DensitySettings.Steps is zero, lowered to n. An m-step quadrature
	// integrates polynomials of degree 2m-1 exactly, and at 80 steps
	// the nodes resolve features a few hundredths of the spectral width
	// apart, the range Ghorbani et al. (2019) use.
	DefaultDensitySteps = 80
)

// DensitySettings holds the options of Density. A nil *DensitySettings
// and zero fields mean the documented defaults.
type DensitySettings struct {
	// Probes is the number of Rademacher probe vectors.
	Probes int
	// Steps is the number of Lanczos steps per probe, the number of
	// quadrature nodes, at most n. The basis of one probe holds Steps
	// vectors of length n.
	Steps int
	// Seed seeds the PCG generator for the probes.
	Seed uint64
}

// Spectrum is a stochastic Lanczos quadrature estimate of the spectral
// density of an operator: for probe l, the nodes Nodes[l] and weights
// Weights[l] (summing to 1) form a Gauss quadrature rule for the
// spectral measure of the probe vector, and their average over probes
// estimates the eigenvalue distribution (1/n) sum_i delta(t - lambda_i).
type Spectrum struct {
	Nodes   [][]float64
	Weights [][]float64
	// Dim is the dimension n of the operator.
	Dim int
	// MatVecs counts the calls to MulVec.
	MatVecs int
}

// Density estimates the spectral density of the symmetric operator a by
// stochastic Lanczos quadrature (Ubaru, Chen and Saad, "Fast Estimation
// of tr(f(A)) via Stochastic Lanczos Quadrature", SIAM J. Matrix Anal.
// Appl. 38, 2017; applied to neural network Hessians by Ghorbani,
// Krishnan and Xiao, "An Investigation into Neural Net Optimization via
// Hessian Eigenvalue Density", ICML 2019). For each normalized
// Rademacher probe v, Steps Lanczos steps with full reorthogonalization
// give T = Y diag(theta) Y^T; the nodes are theta and the weights the
// squared first components of Y, so that sum_k w_k f(theta_k)
// approximates v^T f(A) v, whose mean over v is tr(f(A))/n. A probe
// whose Krylov space becomes invariant stops early with an exact rule.
//
// It returns an error for invalid settings or dimension 0, and when ctx
// is done the probes completed and an error wrapping ctx.Err().
func Density(ctx context.Context, a Operator, s *DensitySettings) (Spectrum, error) {
	n := a.Dim()
	var c DensitySettings
	if s != nil {
		c = *s
	}
	switch {
	case n < 1:
		return Spectrum{}, fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case c.Probes < 0:
		return Spectrum{}, fmt.Errorf("sharpness: negative probe count %d", c.Probes)
	case c.Steps < 0:
		return Spectrum{}, fmt.Errorf("sharpness: negative Lanczos step count %d", c.Steps)
	}
	if c.Probes == 0 {
		c.Probes = DefaultDensityProbes
	}
	if c.Steps == 0 {
		c.Steps = DefaultDensitySteps
	}
	c.Steps = min(c.Steps, n)

	rng := rand.New(rand.NewPCG(c.Seed, seedStream))
	sp := Spectrum{Dim: n}
	for l := range c.Probes {
		v := make([]float64, n)
		rademacher(rng, v)
		kr := newKrylov(a, v)
		for kr.steps() < c.Steps {
			if err := ctx.Err(); err != nil {
				sp.MatVecs += kr.matvecs
				return sp, fmt.Errorf("sharpness: density cancelled after %d of %d probes: %w", l, c.Probes, err)
			}
			if kr.extend() {
				break
			}
		}
		sp.MatVecs += kr.matvecs

		theta, y := tridiagEigen(kr.alpha, kr.beta)
		w := make([]float64, len(theta))
		for i := range w {
			w[i] = y[i] * y[i] // first row of the row-major eigenvector matrix
		}
		sp.Nodes = append(sp.Nodes, theta)
		sp.Weights = append(sp.Weights, w)
	}
	return sp, nil
}

// Smooth returns the estimated density convolved with a Gaussian of
// standard deviation sigma, at each point of grid:
// phi(t) = (1/P) sum_l sum_k w_lk exp(-(t - theta_lk)^2 / (2 sigma^2)) /
// (sigma sqrt(2 pi)). It integrates to 1 over the real line. Smooth
// panics if sigma is not positive or the spectrum has no probe.
func (sp Spectrum) Smooth(grid []float64, sigma float64) []float64 {
	if !(sigma > 0) {
		panic("sharpness: smoothing width sigma must be positive")
	}
	if len(sp.Nodes) == 0 {
		panic("sharpness: empty spectrum")
	}
	norm := 1 / (sigma * math.Sqrt(2*math.Pi) * float64(len(sp.Nodes)))
	out := make([]float64, len(grid))
	for i, t := range grid {
		var s float64
		for l, nodes := range sp.Nodes {
			for k, th := range nodes {
				u := (t - th) / sigma
				s += sp.Weights[l][k] * math.Exp(-u*u/2)
			}
		}
		out[i] = s * norm
	}
	return out
}

// Moment returns the estimate (1/P) sum_l sum_k w_lk theta_lk^p of
// tr(A^p)/n. The quadrature is exact for each probe while p <= 2m-1,
// with m the steps taken, so only the probe average is random. Moment
// panics if the spectrum has no probe.
func (sp Spectrum) Moment(p int) float64 {
	if len(sp.Nodes) == 0 {
		panic("sharpness: empty spectrum")
	}
	var s float64
	for l, nodes := range sp.Nodes {
		for k, th := range nodes {
			s += sp.Weights[l][k] * math.Pow(th, float64(p))
		}
	}
	return s / float64(len(sp.Nodes))
}
