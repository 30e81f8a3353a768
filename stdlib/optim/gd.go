package optim

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// GD is gradient descent, x <- x - Eta g.
type GD struct {
	// Eta is the step size, positive.
	Eta float64
}

// NewGD returns gradient descent with step eta, or an error when eta is
// not positive and finite.
func NewGD(eta float64) (*GD, error) {
	o := &GD{Eta: eta}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step takes one gradient step.
func (o *GD) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	floats.AddScaled(x, -o.Eta, g)
	return nil
}

// Threshold returns 2/Eta: at a minimizer with Hessian H the error
// evolves by I - Eta H, whose spectral radius is below one iff every
// eigenvalue of H lies in (0, 2/Eta).
func (o *GD) Threshold() float64 { return 2 / o.Eta }

// Validate reports whether Eta is positive and finite.
func (o *GD) Validate() error { return checkStep(o.Eta) }

// Reset does nothing: gradient descent carries no state.
func (o *GD) Reset() {}

// String returns "GD(eta=...)".
func (o *GD) String() string { return fmt.Sprintf("GD(eta=%g)", o.Eta) }

// Momentum is heavy-ball momentum (Polyak, 1964) in the form
//
//	v <- Beta v + g,   x <- x - Eta v,
//
// with v = 0 at the start, which is the iteration
// x_{t+1} = x_t - Eta g_t + Beta (x_t - x_{t-1}).
type Momentum struct {
	// Eta is the step size, positive.
	Eta float64
	// Beta is the momentum coefficient, in [0, 1).
	Beta float64

	v []float64
}

// NewMomentum returns heavy-ball momentum with step eta and coefficient
// beta, or an error when eta is not positive or beta is outside [0, 1).
func NewMomentum(eta, beta float64) (*Momentum, error) {
	o := &Momentum{Eta: eta, Beta: beta}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step takes one momentum step.
func (o *Momentum) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	o.v = grow(o.v, len(x))
	for k, gk := range g {
		v := o.Beta*o.v[k] + gk
		o.v[k] = v
		x[k] -= o.Eta * v
	}
	return nil
}

// Threshold returns (2 + 2 Beta)/Eta. Along an eigenvector of H with
// eigenvalue lambda the iteration has characteristic polynomial
// z^2 - (1 + Beta - Eta lambda) z + Beta, whose roots stay inside the
// unit circle iff 0 < Eta lambda < 2 + 2 Beta.
func (o *Momentum) Threshold() float64 { return (2 + 2*o.Beta) / o.Eta }

// Validate reports whether Eta is positive and finite and Beta in [0, 1).
func (o *Momentum) Validate() error {
	if err := checkStep(o.Eta); err != nil {
		return err
	}
	return checkUnit("momentum beta", o.Beta)
}

// Reset sets the velocity to zero.
func (o *Momentum) Reset() { o.v = nil }

// String returns "Momentum(eta=..., beta=...)".
func (o *Momentum) String() string {
	return fmt.Sprintf("Momentum(eta=%g, beta=%g)", o.Eta, o.Beta)
}

// Nesterov is Nesterov's accelerated gradient (Nesterov, 1983) in the
// form that needs the gradient at the current parameters only
// (Sutskever et al., 2013):
//
//	v <- Beta v + g,   x <- x - Eta (g + Beta v),
//
// with v = 0 at the start. It is the look-ahead iteration
// y_t = x_t + Beta (x_t - x_{t-1}), x_{t+1} = y_t - Eta grad(y_t) after a
// change of variables.
type Nesterov struct {
	// Eta is the step size, positive.
	Eta float64
	// Beta is the momentum coefficient, in [0, 1).
	Beta float64

	v []float64
}

// NewNesterov returns Nesterov momentum with step eta and coefficient
// beta, or an error when eta is not positive or beta is outside [0, 1).
func NewNesterov(eta, beta float64) (*Nesterov, error) {
	o := &Nesterov{Eta: eta, Beta: beta}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step takes one Nesterov step.
func (o *Nesterov) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	o.v = grow(o.v, len(x))
	for k, gk := range g {
		v := o.Beta*o.v[k] + gk
		o.v[k] = v
		x[k] -= o.Eta * (gk + o.Beta*v)
	}
	return nil
}

// Threshold returns (2 + 2 Beta)/((1 + 2 Beta) Eta). Along an
// eigenvector with eigenvalue lambda, h = Eta lambda, the characteristic
// polynomial is z^2 - (1 + Beta)(1 - h) z + Beta (1 - h); it has a root
// at -1 when h = (2 + 2 Beta)/(1 + 2 Beta) and both roots inside the
// unit circle below it.
func (o *Nesterov) Threshold() float64 {
	return (2 + 2*o.Beta) / ((1 + 2*o.Beta) * o.Eta)
}

// Validate reports whether Eta is positive and finite and Beta in [0, 1).
func (o *Nesterov) Validate() error {
	if err := checkStep(o.Eta); err != nil {
		return err
	}
	return checkUnit("nesterov beta", o.Beta)
}

// Reset sets the velocity to zero.
func (o *Nesterov) Reset() { o.v = nil }

// String returns "Nesterov(eta=..., beta=...)".
func (o *Nesterov) String() string {
	return fmt.Sprintf("Nesterov(eta=%g, beta=%g)", o.Eta, o.Beta)
}
