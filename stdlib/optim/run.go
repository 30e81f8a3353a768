package optim

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// ctxCheckEvery is how many steps Run takes between looks at its
// context: often enough that an interrupt stops a run within
// milliseconds, rarely enough that the check costs nothing next to a step.
const ctxCheckEvery = 16

// ErrStop, returned by a Hook, ends a run with status Stopped and no
// error.
var ErrStop = errors.New("optim: stop")

// Hook is called by Run with the step count, the loss and the gradient at
// the current parameters, before the step from there is taken. grad is
// Run's own buffer: read it, do not keep or change it. Returning ErrStop
// ends the run with status Stopped; any other error ends it as well and
// Run returns that error.
type Hook func(step int, loss float64, grad []float64) error

// Chain returns a Hook that calls each non-nil hook in turn and stops at
// the first error.
func Chain(hooks ...Hook) Hook {
	hs := make([]Hook, 0, len(hooks))
	for _, h := range hooks {
		if h != nil {
			hs = append(hs, h)
		}
	}
	return func(step int, loss float64, grad []float64) error {
		for _, h := range hs {
			if err := h(step, loss, grad); err != nil {
				return err
			}
		}
		return nil
	}
}

// Settings holds the options of Run. A nil *Settings and zero fields mean
// the documented defaults.
type Settings struct {
	// Steps is the number of optimizer steps, at least 0.
	Steps int
	// LossTol, when positive, ends the run with status Converged at the
	// first step whose loss is at or below it.
	LossTol float64
	// MaxLoss, when positive, ends the run with status Diverged at the
	// first step whose loss exceeds it. A NaN or infinite loss always
	// counts as divergence.
	MaxLoss float64
	// Every is the period of Hook calls: steps 0, Every, 2 Every, ...
	// and the final step. Zero means 1.
	Every int
	// Hook, if not nil, sees the trajectory.
	Hook Hook
	// Keep leaves the optimizer's state from an earlier run in place,
	// so that a run continues the last one. By default Run resets it.
	Keep bool
}

// Status says why a run ended.
type Status int

const (
	// StepLimit means the run took all its steps.
	StepLimit Status = iota
	// Converged means the loss reached Settings.LossTol.
	Converged
	// Diverged means the loss became NaN or infinite or passed
	// Settings.MaxLoss.
	Diverged
	// Stopped means the hook ended the run.
	Stopped
	// Cancelled means the context was done.
	Cancelled
	// Failed means the optimizer could not complete a step.
	Failed
)

// String returns the name of the status in lower case.
func (s Status) String() string {
	switch s {
	case StepLimit:
		return "step limit"
	case Converged:
		return "converged"
	case Diverged:
		return "diverged"
	case Stopped:
		return "stopped"
	case Cancelled:
		return "cancelled"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result describes a finished run.
type Result struct {
	// Status says why the run ended.
	Status Status
	// Steps is the number of steps taken. On divergence it is the step
	// whose loss diverged; the parameters are those of that step.
	Steps int
	// Loss and GradNorm are the loss and the Euclidean norm of the
	// gradient at the final parameters, where the run ended (NaN when
	// cancelled before the first evaluation).
	Loss, GradNorm float64
	// InitialLoss is the loss at step 0.
	InitialLoss float64
}

// Run applies opt to m for up to s.Steps steps. At each step t it
// evaluates the loss and gradient at the current parameters, stops if a
// stopping rule holds, calls the hook when t is a multiple of Every, and
// otherwise takes the step. A run that takes all its steps evaluates the
// final point as well, so Result.Loss is always the loss at the
// parameters m holds on return.
//
// Run returns an error, with an empty Result and m unchanged, when the
// settings or the optimizer's hyperparameters are invalid. It returns the
// partial Result and an error wrapping ctx.Err() when ctx is done, the
// hook's error when it fails, and the optimizer's error when a step
// fails. Divergence is reported by the status, with a nil error.
func Run(ctx context.Context, m Model, opt Optimizer, s *Settings) (Result, error) {
	var cfg Settings
	if s != nil {
		cfg = *s
	}
	if err := checkSettings(&cfg); err != nil {
		return Result{}, err
	}
	if opt == nil {
		return Result{}, errors.New("optim: nil optimizer")
	}
	if err := opt.Validate(); err != nil {
		return Result{}, err
	}
	if !cfg.Keep {
		opt.Reset()
	}

	g := make([]float64, len(m.Params()))
	res := Result{Loss: math.NaN(), GradNorm: math.NaN(), InitialLoss: math.NaN()}
	for t := 0; ; t++ {
		if t%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				res.Status, res.Steps = Cancelled, t
				return res, fmt.Errorf("optim: run cancelled at step %d: %w", t, err)
			}
		}
		_, loss := m.Grad(g)
		if t == 0 {
			res.InitialLoss = loss
		}
		res.Steps, res.Loss = t, loss

		status, done := StepLimit, t == cfg.Steps
		switch {
		case math.IsNaN(loss) || math.IsInf(loss, 0) || (cfg.MaxLoss > 0 && loss > cfg.MaxLoss):
			res.Status, res.GradNorm = Diverged, floats.Norm(g, 2)
			return res, nil
		case cfg.LossTol > 0 && loss <= cfg.LossTol:
			status, done = Converged, true
		}
		if cfg.Hook != nil && (t%cfg.Every == 0 || done) {
			if err := cfg.Hook(t, loss, g); err != nil {
				res.Status, res.GradNorm = Stopped, floats.Norm(g, 2)
				if errors.Is(err, ErrStop) {
					return res, nil
				}
				return res, err
			}
		}
		if done {
			res.Status, res.GradNorm = status, floats.Norm(g, 2)
			return res, nil
		}
		if err := opt.Step(m, g); err != nil {
			res.Status = Failed
			_, res.Loss = m.Grad(g)
			res.GradNorm = floats.Norm(g, 2)
			return res, fmt.Errorf("optim: step %d: %w", t, err)
		}
	}
}

func checkSettings(s *Settings) error {
	switch {
	case s.Steps < 0:
		return fmt.Errorf("optim: %d steps, want at least 0", s.Steps)
	case s.Every < 0:
		return fmt.Errorf("optim: hook period %d, want at least 0", s.Every)
	case math.IsNaN(s.LossTol) || s.LossTol < 0:
		return fmt.Errorf("optim: loss tolerance %v, want a non-negative value", s.LossTol)
	case math.IsNaN(s.MaxLoss) || s.MaxLoss < 0:
		return fmt.Errorf("optim: loss bound %v, want a non-negative value", s.MaxLoss)
	}
	if s.Every == 0 {
		s.Every = 1
	}
	return nil
}
