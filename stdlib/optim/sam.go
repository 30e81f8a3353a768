package optim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// SAM is sharpness-aware minimization (Foret et al., "Sharpness-aware
// minimization for efficiently improving generalization", ICLR 2021)
// over a base optimizer: the base takes its step with the gradient
// evaluated at the ascent point
//
//	x + Rho g/||g||        (normalized, the default), or
//	x + Rho g              (Unnormalized, "USAM"),
//
// where g is the gradient at x. Where g vanishes the ascent point is x.
// A base that evaluates further gradients, such as GradientFlow, gets the
// SAM gradient at each of its evaluation points, so SAM over gradient
// flow integrates the SAM flow.
type SAM struct {
	// Rho is the radius of the ascent step, non-negative; 0 reduces SAM
	// to its base.
	Rho float64
	// Unnormalized selects the ascent step Rho g instead of
	// Rho g/||g||.
	Unnormalized bool
	// Base takes the step.
	Base Optimizer

	save, ga []float64
	proxy    samModel
}

// NewSAM returns normalized SAM with radius rho over base, or an error
// when rho is negative or base is nil or invalid.
func NewSAM(base Optimizer, rho float64) (*SAM, error) {
	o := &SAM{Rho: rho, Base: base}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// NewUSAM returns unnormalized SAM with radius rho over base, or an error
// as NewSAM.
func NewUSAM(base Optimizer, rho float64) (*SAM, error) {
	o := &SAM{Rho: rho, Base: base, Unnormalized: true}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// samGrad stores in dst the gradient at the ascent point of x, given the
// gradient g at x, and restores x. dst may be g.
func (o *SAM) samGrad(m Model, g, dst []float64) {
	x := m.Params()
	o.save = grow(o.save, len(x))
	r := o.Rho
	if !o.Unnormalized {
		n := floats.Norm(g, 2)
		if n == 0 {
			copy(dst, g)
			return
		}
		r /= n
	}
	copy(o.save, x)
	floats.AddScaled(x, r, g)
	m.Grad(dst)
	copy(x, o.save)
}

// Step takes one base step with the SAM gradient.
func (o *SAM) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	o.ga = grow(o.ga, len(x))
	o.samGrad(m, g, o.ga)
	o.proxy = samModel{m: m, o: o}
	return o.Base.Step(&o.proxy, o.ga)
}

// samModel presents the SAM gradient of m as the gradient, with the loss
// at the unperturbed point.
type samModel struct {
	m Model
	o *SAM
}

func (s *samModel) Params() []float64 { return s.m.Params() }

func (s *samModel) Grad(dst []float64) ([]float64, float64) {
	_, loss := s.m.Grad(dst)
	s.o.samGrad(s.m, dst, dst)
	return dst, loss
}

// Threshold returns the linear-stability threshold of SAM at a
// minimizer, in terms of the plain Hessian H.
//
// Unnormalized SAM linearizes to the base method on H + Rho H^2, so an
// eigenvalue lambda is stable while lambda + Rho lambda^2 stays below the
// base threshold T, that is up to (sqrt(1 + 4 Rho T) - 1)/(2 Rho). This
// holds for bases whose threshold is a bound on the eigenvalues of the
// Hessian they see (GD, Momentum, Nesterov, GradientFlow); for Adam and
// RMSprop only when the preconditioner is a multiple of the identity.
//
// Normalized SAM with Rho > 0 has no such threshold: its ascent step keeps
// the length Rho however close the point is to the minimizer, so the
// iteration does not converge to a minimizer with positive curvature but
// oscillates around it (Bartlett, Long and Bousquet, "The dynamics of
// sharpness-aware minimization", JMLR 2023). Threshold returns 0 for it;
// EdgeAt gives the gradient-dependent edge along a trajectory.
func (o *SAM) Threshold() float64 {
	t := o.Base.Threshold()
	switch {
	case o.Rho == 0:
		return t
	case !o.Unnormalized:
		return 0
	case math.IsInf(t, 1):
		return t
	}
	return (math.Sqrt(1+4*o.Rho*t) - 1) / (2 * o.Rho)
}

// EdgeAt returns the SAM edge of stability of normalized SAM over
// gradient descent with step eta at gradient norm gnorm,
//
//	(gnorm/(2 Rho)) (sqrt(1 + 8 Rho/(eta gnorm)) - 1),
//
// from Long and Bartlett, "Sharpness-aware minimization and the edge of
// stability", JMLR 2024: the value the sharpness hovers at, in place of
// 2/eta. It is 2/eta when Rho is 0 and tends to 0 with gnorm.
func (o *SAM) EdgeAt(eta, gnorm float64) float64 {
	if o.Rho == 0 {
		return 2 / eta
	}
	return gnorm / (2 * o.Rho) * (math.Sqrt(1+8*o.Rho/(eta*gnorm)) - 1)
}

// Validate reports whether Rho is non-negative and finite and the base
// is set and valid.
func (o *SAM) Validate() error {
	if !(o.Rho >= 0) || math.IsInf(o.Rho, 1) {
		return fmt.Errorf("optim: sam rho = %v, want a non-negative finite value", o.Rho)
	}
	if o.Base == nil {
		return errors.New("optim: sam has no base optimizer")
	}
	if err := o.Base.Validate(); err != nil {
		return fmt.Errorf("optim: sam base: %w", err)
	}
	return nil
}

// Reset resets the base optimizer.
func (o *SAM) Reset() {
	if o.Base != nil {
		o.Base.Reset()
	}
}

// String returns "SAM(rho=..., base)" or "USAM(rho=..., base)".
func (o *SAM) String() string {
	name := "SAM"
	if o.Unnormalized {
		name = "USAM"
	}
	return fmt.Sprintf("%s(rho=%g, %v)", name, o.Rho, o.Base)
}
