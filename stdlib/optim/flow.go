package optim

import (
	"fmt"
	"math"
)

// Defaults of GradientFlow.
const (
	// DefaultFlowRtol and DefaultFlowAtol are the relative and absolute
	// local error tolerances per substep. On smooth problems the global
	// error of the Dormand-Prince pair stays within a small multiple of
	// the tolerance times the integration time; the tests check 1e-7
	// relative accuracy over t = 10 on a quadratic with these settings.
	DefaultFlowRtol = 1e-9
	DefaultFlowAtol = 1e-12
	// DefaultMaxSubsteps bounds the substeps, accepted or rejected, of
	// one Step; reaching it means the problem is too stiff for an
	// explicit method at the tolerance asked.
	DefaultMaxSubsteps = 100000
)

// Step-size control of the Dormand-Prince pair (Hairer, Norsett and
// Wanner, Solving Ordinary Differential Equations I, 2nd ed., 1993,
// sec. II.4): the new substep is h * clamp(safety * err^(-1/5)).
const (
	flowSafety = 0.9
	flowMinFac = 0.2
	flowMaxFac = 5.0
	// flowFirstFrac sets the first trial substep to this fraction of
	// ||x|| / ||grad||, the time scale on which the flow changes x.
	flowFirstFrac = 0.01
	// flowTail is the remaining time, relative to Dt, below which the
	// current substep is stretched to end the Step, instead of leaving
	// a sliver for one more substep.
	flowTail = 1e-10
)

// Dormand-Prince 5(4) coefficients (Dormand and Prince, "A family of
// embedded Runge-Kutta formulae", J. Comp. Appl. Math. 6, 1980). The
// fifth-order weights equal the last row of a, so the last stage is the
// first stage of the next substep.
var (
	dpA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	// dpE holds the fifth-order minus the fourth-order weights.
	dpE = [7]float64{
		71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920,
		-17253.0 / 339200, 22.0 / 525, -1.0 / 40,
	}
)

// GradientFlow integrates dx/dt = -grad l(x) with the explicit
// Dormand-Prince 5(4) Runge-Kutta pair and adaptive substeps under
// local error control. One Step advances the time by Dt exactly, in as
// many substeps as the tolerances need; the last accepted substep length
// carries over to the next Step.
type GradientFlow struct {
	// Dt is the time advanced per Step, positive.
	Dt float64
	// Rtol and Atol are the relative and absolute tolerances of the
	// local error estimate, coordinate-wise: a substep is accepted when
	// the root-mean-square of err_k/(Atol + Rtol max(|x_k|, |x'_k|)) is
	// at most 1. Rtol must be positive, Atol non-negative.
	Rtol, Atol float64
	// MaxSubsteps bounds the substeps of one Step; 0 means
	// DefaultMaxSubsteps.
	MaxSubsteps int

	h                   float64
	k                   [7][]float64
	x0, y               []float64
	evals, acc, rejects int
	time                float64
}

// NewGradientFlow returns gradient flow with Dt per step and the default
// tolerances, or an error when dt is not positive and finite.
func NewGradientFlow(dt float64) (*GradientFlow, error) {
	o := &GradientFlow{Dt: dt, Rtol: DefaultFlowRtol, Atol: DefaultFlowAtol}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// Step integrates the flow over time Dt. It returns an error, leaving the
// parameters at the last accepted point, when MaxSubsteps substeps do not
// reach the end or the state stops being finite.
func (o *GradientFlow) Step(m Model, g []float64) error {
	x := m.Params()
	checkLen(x, g)
	n := len(x)
	for i := range o.k {
		o.k[i] = grow(o.k[i], n)
	}
	o.x0 = grow(o.x0, n)
	o.y = grow(o.y, n)
	maxSub := o.MaxSubsteps
	if maxSub <= 0 {
		maxSub = DefaultMaxSubsteps
	}

	copy(o.x0, x)
	for j, gj := range g {
		o.k[0][j] = -gj
	}
	if o.h <= 0 {
		o.h = o.firstStep(x, o.k[0])
	}
	left := o.Dt
	for sub := 0; left > 0; sub++ {
		if sub == maxSub {
			copy(x, o.x0)
			return fmt.Errorf("optim: gradient flow needed more than %d substeps for dt = %g at t = %g", maxSub, o.Dt, o.time)
		}
		h, last := o.h, false
		if left-h <= flowTail*o.Dt {
			h, last = left, true
		}
		err := o.trial(m, h)
		if !(err <= 1) {
			if math.IsNaN(err) || math.IsInf(err, 0) {
				if h < o.Dt*0x1p-52 {
					copy(x, o.x0)
					return fmt.Errorf("optim: gradient flow state is not finite at t = %g", o.time)
				}
				err = 1 / flowMinFac
			}
			o.rejects++
			o.h = h * math.Max(flowMinFac, flowSafety*math.Pow(err, -0.2))
			copy(x, o.x0)
			continue
		}

		// Accept: x0 <- y, and the last stage is the next first one.
		o.acc++
		o.time += h
		left -= h
		if last {
			left = 0
		}
		copy(o.x0, o.y)
		copy(x, o.y)
		o.k[0], o.k[6] = o.k[6], o.k[0]
		fac := flowMaxFac
		if err > 0 {
			fac = math.Min(flowMaxFac, flowSafety*math.Pow(err, -0.2))
		}
		// A last substep cut short to end at Dt says little about the
		// length the next Step can take; keep the proposal unless the
		// short substep was already near the tolerance.
		if next := h * fac; !(last && h < o.h) || next < o.h {
			o.h = next
		}
	}
	return nil
}

// trial computes one Dormand-Prince substep of length h from x0, whose
// derivative is in k[0], leaves the fifth-order result in y and the
// derivative there in k[6], and returns the scaled error norm.
func (o *GradientFlow) trial(m Model, h float64) float64 {
	x := m.Params()
	for s := 1; s < 7; s++ {
		a := &dpA[s]
		for j := range x {
			v := o.x0[j]
			for r := 0; r < s; r++ {
				v += h * a[r] * o.k[r][j]
			}
			x[j] = v
		}
		if s == 6 {
			copy(o.y, x)
		}
		m.Grad(o.k[s])
		o.evals++
		for j := range o.k[s] {
			o.k[s][j] = -o.k[s][j]
		}
	}
	var sum float64
	for j := range x {
		e := 0.0
		for s := 0; s < 7; s++ {
			e += dpE[s] * o.k[s][j]
		}
		e *= h
		sc := o.Atol + o.Rtol*math.Max(math.Abs(o.x0[j]), math.Abs(o.y[j]))
		if sc == 0 {
			// Atol = 0 at a zero coordinate: only an exact step passes.
			if e != 0 {
				return math.Inf(1)
			}
			continue
		}
		sum += (e / sc) * (e / sc)
	}
	return math.Sqrt(sum / float64(len(x)))
}

// firstStep returns a first trial substep, flowFirstFrac ||x||/||f||,
// bounded by Dt; the controller corrects it within a few substeps.
func (o *GradientFlow) firstStep(x, f []float64) float64 {
	var nx, nf float64
	for j := range x {
		nx += x[j] * x[j]
		nf += f[j] * f[j]
	}
	nx, nf = math.Sqrt(nx), math.Sqrt(nf)
	if nf == 0 || nx == 0 {
		return o.Dt
	}
	return math.Min(o.Dt, flowFirstFrac*nx/nf)
}

// Threshold returns +Inf: the flow is stable at every minimizer, whatever
// its sharpness, since near one the error evolves by exp(-t H).
func (o *GradientFlow) Threshold() float64 { return math.Inf(1) }

// Validate reports whether Dt and Rtol are positive and finite and Atol
// is non-negative.
func (o *GradientFlow) Validate() error {
	if err := checkPositive("gradient flow dt", o.Dt); err != nil {
		return err
	}
	if err := checkPositive("gradient flow rtol", o.Rtol); err != nil {
		return err
	}
	if !(o.Atol >= 0) || math.IsInf(o.Atol, 1) {
		return fmt.Errorf("optim: gradient flow atol = %v, want a non-negative finite value", o.Atol)
	}
	return nil
}

// Reset forgets the substep length and zeroes the counters.
func (o *GradientFlow) Reset() {
	o.h, o.evals, o.acc, o.rejects, o.time = 0, 0, 0, 0, 0
}

// Time returns the time integrated since the last Reset.
func (o *GradientFlow) Time() float64 { return o.time }

// Evals returns the gradient evaluations since the last Reset, not
// counting the one Run makes per step.
func (o *GradientFlow) Evals() int { return o.evals }

// Substeps returns the accepted and rejected substeps since the last
// Reset.
func (o *GradientFlow) Substeps() (accepted, rejected int) { return o.acc, o.rejects }

// String returns "GradientFlow(dt=..., rtol=..., atol=...)".
func (o *GradientFlow) String() string {
	return fmt.Sprintf("GradientFlow(dt=%g, rtol=%g, atol=%g)", o.Dt, o.Rtol, o.Atol)
}
