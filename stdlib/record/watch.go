package record

import (
	"math"

	"github.com/basinlab/basin/stdlib/optim"
)

// EscapeWatch is a hook that notes the first step at which a model's
// parameters are farther than Delta, in Euclidean norm, from a center,
// such as the minimizer a perturbed run starts next to.
type EscapeWatch struct {
	model  optim.Model
	center []float64
	delta  float64
	step   int
	stop   bool
}

// NewEscapeWatch returns a watch of m against a copy of center, which
// must have the length of m's parameters, with radius delta. When stop is
// set, the hook ends the run (optim.ErrStop) at the escape.
func NewEscapeWatch(m optim.Model, center []float64, delta float64, stop bool) *EscapeWatch {
	if len(center) != len(m.Params()) {
		panic("record: escape watch center and parameters differ in length")
	}
	return &EscapeWatch{model: m, center: append([]float64(nil), center...), delta: delta, step: -1, stop: stop}
}

// Hook checks the distance at step; call it at every step (optim.Settings
// Every = 1) for the exact escape step.
func (w *EscapeWatch) Hook(step int, loss float64, grad []float64) error {
	if w.step >= 0 {
		return nil
	}
	var s float64
	for k, x := range w.model.Params() {
		d := x - w.center[k]
		s += d * d
	}
	if math.Sqrt(s) > w.delta || math.IsNaN(s) {
		w.step = step
		if w.stop {
			return optim.ErrStop
		}
	}
	return nil
}

// Step returns the escape step, or -1 before the escape.
func (w *EscapeWatch) Step() int { return w.step }

// Escaped reports whether the escape happened.
func (w *EscapeWatch) Escaped() bool { return w.step >= 0 }

// AsHook returns w.Hook as an optim.Hook. Scripts under the interpreter
// pass it to optim.Run or optim.Chain: the interpreter cannot convert a
// method value of a library type to a function type, and a hook written
// in the script would be interpreted at every step.
func (w *EscapeWatch) AsHook() optim.Hook { return w.Hook }
