package optim

import (
	"fmt"
	"math"
)

// Model is a differentiable loss over a parameter vector.
type Model interface {
	// Params returns the parameters. The slice is the model's own
	// storage: optimizers update it in place, and the next Grad sees
	// the change.
	Params() []float64
	// Grad stores the gradient of the loss at the current parameters
	// in dst, which has the length of Params, and returns dst and the
	// loss.
	Grad(dst []float64) ([]float64, float64)
}

// Optimizer is an iterative method that moves a Model's parameters.
type Optimizer interface {
	// Step moves m.Params() by one step, given g, the gradient at the
	// current parameters. Step may call m.Grad for further gradients
	// and may overwrite g. The error is non-nil only when the step
	// could not be completed, as when an integrator cannot meet its
	// tolerance.
	Step(m Model, g []float64) error
	// Threshold returns the linear-stability threshold: the largest
	// sharpness of a minimizer at which the iteration, linearized
	// there, stays bounded.
	Threshold() float64
	// Validate reports whether the hyperparameters are usable.
	Validate() error
	// Reset clears the state carried between steps.
	Reset()
	// String names the method and its hyperparameters.
	String() string
}

// Preconditioner is implemented by optimizers that scale the gradient
// coordinate-wise, Adam and RMSprop. Near a minimizer such a method acts
// like its unpreconditioned counterpart on the preconditioned Hessian
// D^{1/2} H D^{1/2} (similar to D H), and its Threshold applies to the
// largest eigenvalue of that matrix.
type Preconditioner interface {
	// Preconditioner stores the current diagonal D in dst, which must
	// have the length of the parameters, or allocates it when dst is
	// nil, and returns it. Before the first step D is unknown and
	// Preconditioner returns nil.
	Preconditioner(dst []float64) []float64
}

// checkStep returns an error unless eta is positive and finite.
func checkStep(eta float64) error {
	if !(eta > 0) || math.IsInf(eta, 1) {
		return fmt.Errorf("optim: step size eta = %v, want a positive finite value", eta)
	}
	return nil
}

// checkUnit returns an error unless 0 <= x < 1.
func checkUnit(name string, x float64) error {
	if !(x >= 0 && x < 1) {
		return fmt.Errorf("optim: %s = %v outside [0, 1)", name, x)
	}
	return nil
}

// checkPositive returns an error unless x is positive and finite.
func checkPositive(name string, x float64) error {
	if !(x > 0) || math.IsInf(x, 1) {
		return fmt.Errorf("optim: %s = %v, want a positive finite value", name, x)
	}
	return nil
}

// grow returns s with length n, reusing its storage when it is the
// right length and zeroing it otherwise.
func grow(s []float64, n int) []float64 {
	if len(s) == n {
		return s
	}
	return make([]float64, n)
}

// checkLen panics when the gradient and the parameters differ in length,
// a programming error in the caller.
func checkLen(x, g []float64) {
	if len(x) != len(g) {
		panic(fmt.Sprintf("optim: gradient of length %d for %d parameters", len(g), len(x)))
	}
}
