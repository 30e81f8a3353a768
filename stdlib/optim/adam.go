package optim

import (
	"fmt"
	"math"
)

// Defaults for the adaptive methods, the values of Kingma and Ba (2015)
// for Adam and of the common RMSprop implementations.
const (
	DefaultBeta1 = 0.9
	DefaultBeta2 = 0.999
	DefaultAlpha = 0.99
	DefaultEps   = 1e-8
)

// Adam is the method of Kingma and Ba, "Adam: a method for stochastic
// optimization", ICLR 2015, with bias correction:
//
//	m <- Beta1 m + (1 - Beta1) g,   v <- Beta2 v + (1 - Beta2) g*g,
//	x <- x - Eta m^ / (sqrt(v^) + Eps),
//
// where m^ = m/(1 - Beta1^t) and v^ = v/(1 - Beta2^t) at step t = 1, 2, ...
type Adam struct {
	// Eta is the step size, positive.
	Eta float64
	// Beta1 and Beta2 are the decay rates of the first and second
	// moment estimates, in [0, 1).
	Beta1, Beta2 float64
	// Eps, positive, keeps the division finite where the gradient
	// vanishes.
	Eps float64

	m, v []float64
	t    int
	// p1 and p2 are Beta1^t and Beta2^t, kept by multiplication.
	p1, p2 float64
}

// NewAdam returns Adam with the given hyperparameters, or an error when
// eta or eps is not positive or a beta is outside [0, 1). NewAdam(eta,
// DefaultBeta1, DefaultBeta2, DefaultEps) gives the usual settings.
func NewAdam(eta, beta1, beta2, eps float64) (*Adam, error) {
	o := &Adam{Eta: eta, Beta1: beta1, Beta2: beta2, Eps: eps}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step takes one Adam step.
func (o *Adam) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	if len(o.m) != len(x) {
		o.m = make([]float64, len(x))
		o.v = make([]float64, len(x))
		o.t, o.p1, o.p2 = 0, 1, 1
	}
	o.t++
	o.p1 *= o.Beta1
	o.p2 *= o.Beta2
	c1 := 1 / (1 - o.p1)
	c2 := 1 / (1 - o.p2)
	for k, gk := range g {
		mk := o.Beta1*o.m[k] + (1-o.Beta1)*gk
		vk := o.Beta2*o.v[k] + (1-o.Beta2)*gk*gk
		o.m[k], o.v[k] = mk, vk
		x[k] -= o.Eta * mk * c1 / (math.Sqrt(vk*c2) + o.Eps)
	}
	return nil
}

// Preconditioner stores 1/(sqrt(v^) + Eps) in dst, or returns nil before
// the first step.
func (o *Adam) Preconditioner(dst []float64) []float64 {
	if o.t == 0 {
		return nil
	}
	if dst == nil {
		dst = make([]float64, len(o.v))
	}
	checkLen(o.v, dst)
	c2 := 1 / (1 - o.p2)
	for k, vk := range o.v {
		dst[k] = 1 / (math.Sqrt(vk*c2) + o.Eps)
	}
	return dst
}

// Threshold returns (2 + 2 Beta1)/((1 - Beta1) Eta), which applies to the
// preconditioned Hessian D^{1/2} H D^{1/2} (see Preconditioner). With D
// frozen and the bias correction spent, u = m/(1 - Beta1) follows the
// heavy-ball iteration with step (1 - Beta1) Eta on D H, whose threshold
// is (2 + 2 Beta1)/((1 - Beta1) Eta) (Cohen et al., "Adaptive gradient
// methods at the edge of stability", 2022).
func (o *Adam) Threshold() float64 {
	return (2 + 2*o.Beta1) / ((1 - o.Beta1) * o.Eta)
}

// Validate reports whether the hyperparameters are in range.
func (o *Adam) Validate() error {
	if err := checkStep(o.Eta); err != nil {
		return err
	}
	if err := checkUnit("adam beta1", o.Beta1); err != nil {
		return err
	}
	if err := checkUnit("adam beta2", o.Beta2); err != nil {
		return err
	}
	return checkPositive("adam eps", o.Eps)
}

// Reset clears the moment estimates and the step count.
func (o *Adam) Reset() { o.m, o.v, o.t = nil, nil, 0 }

// String returns "Adam(eta=..., beta1=..., beta2=..., eps=...)".
func (o *Adam) String() string {
	return fmt.Sprintf("Adam(eta=%g, beta1=%g, beta2=%g, eps=%g)", o.Eta, o.Beta1, o.Beta2, o.Eps)
}

// RMSprop is the method of Tieleman and Hinton (Coursera lecture 6.5,
// 2012), with optional momentum, as common implementations define it:
//
//	v <- Alpha v + (1 - Alpha) g*g,   b <- Momentum b + g/(sqrt(v) + Eps),
//	x <- x - Eta b,
//
// with v = b = 0 at the start and no bias correction.
type RMSprop struct {
	// Eta is the step size, positive.
	Eta float64
	// Alpha is the decay rate of the squared-gradient average, in
	// [0, 1).
	Alpha float64
	// Eps, positive, keeps the division finite.
	Eps float64
	// Momentum is the heavy-ball coefficient, in [0, 1); 0 turns it
	// off.
	Momentum float64

	v, b []float64
	t    int
}

// NewRMSprop returns RMSprop with the given hyperparameters, or an error
// when eta or eps is not positive or alpha or momentum is outside
// [0, 1).
func NewRMSprop(eta, alpha, eps, momentum float64) (*RMSprop, error) {
	o := &RMSprop{Eta: eta, Alpha: alpha, Eps: eps, Momentum: momentum}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step takes one RMSprop step.
func (o *RMSprop) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	if len(o.v) != len(x) {
		o.v = make([]float64, len(x))
		o.b = make([]float64, len(x))
		o.t = 0
	}
	o.t++
	for k, gk := range g {
		vk := o.Alpha*o.v[k] + (1-o.Alpha)*gk*gk
		bk := o.Momentum*o.b[k] + gk/(math.Sqrt(vk)+o.Eps)
		o.v[k], o.b[k] = vk, bk
		x[k] -= o.Eta * bk
	}
	return nil
}

// Preconditioner stores 1/(sqrt(v) + Eps) in dst, or returns nil before
// the first step.
func (o *RMSprop) Preconditioner(dst []float64) []float64 {
	if o.t == 0 {
		return nil
	}
	if dst == nil {
		dst = make([]float64, len(o.v))
	}
	checkLen(o.v, dst)
	for k, vk := range o.v {
		dst[k] = 1 / (math.Sqrt(vk) + o.Eps)
	}
	return dst
}

// Threshold returns (2 + 2 Momentum)/Eta, the heavy-ball threshold, which
// applies to the preconditioned Hessian D^{1/2} H D^{1/2} (see
// Preconditioner): with D frozen, RMSprop is momentum on D H.
func (o *RMSprop) Threshold() float64 { return (2 + 2*o.Momentum) / o.Eta }

// Validate reports whether the hyperparameters are in range.
func (o *RMSprop) Validate() error {
	if err := checkStep(o.Eta); err != nil {
		return err
	}
	if err := checkUnit("rmsprop alpha", o.Alpha); err != nil {
		return err
	}
	if err := checkUnit("rmsprop momentum", o.Momentum); err != nil {
		return err
	}
	return checkPositive("rmsprop eps", o.Eps)
}

// Reset clears the averages and the momentum buffer.
func (o *RMSprop) Reset() { o.v, o.b, o.t = nil, nil, 0 }

// String returns "RMSprop(eta=..., alpha=..., eps=..., momentum=...)".
func (o *RMSprop) String() string {
	return fmt.Sprintf("RMSprop(eta=%g, alpha=%g, eps=%g, momentum=%g)", o.Eta, o.Alpha, o.Eps, o.Momentum)
}
