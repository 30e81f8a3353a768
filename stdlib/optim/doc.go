// Package optim implements the optimizers of the loss-landscape experiments
// and the loop that runs them: gradient descent, heavy-ball momentum,
// Nesterov momentum, Adam, RMSprop, sharpness-aware minimization over any
// of them, and gradient flow integrated with an adaptive Runge-Kutta
// method.
//
// # Models and optimizers
//
// An optimizer moves the parameters of a Model, a live parameter slice
// with a gradient. *dmf.Net is a Model; Quadratic is another, used to
// check optimizers against closed forms. Optimizers update the slice in
// place and keep their state (velocities, moment estimates) between
// steps; Reset clears it.
//
// Every optimizer reports its linear-stability threshold: the largest
// sharpness of a minimizer at which its iteration, linearized there, does
// not leave. For gradient descent with step eta this is 2/eta; the
// documentation of each Threshold method states the formula and the
// Hessian it applies to (the plain one, or for Adam and RMSprop the
// preconditioned one, see Preconditioner).
//
// # Running
//
// Run drives an optimizer for a number of steps and stops early when the
// loss meets a tolerance, when it diverges (NaN, Inf, or above a bound),
// when a hook asks, or when the context is cancelled. A divergence is an
// outcome, not an error: it ends the run with status Diverged and the step
// at which it was seen. The hook sees the loss and gradient of every
// Every-th step, which is where trajectories are recorded.
//
// The API has no generic types or functions so that interpreted scripts
// can drive it.
package optim
