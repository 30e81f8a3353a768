package record

import (
	"context"
	"fmt"
	"math"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/sharpness"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// DefaultTrackTol is the Lanczos residual tolerance, relative to the
// eigenvalue, of tracked sharpness: a record's Ritz value theta has
// ||H y - theta y|| <= DefaultTrackTol*theta. Some eigenvalue lies within
// that residual of theta, and for a simple top eigenvalue at distance gap
// from the next the error is about residual^2/gap, so 1e-5 gives about
// ten digits when the gap is a tenth of the value, far more than a plot
// shows (the records keep the residual, which bounds the error whatever
// the gap). Warm-started from the previous record's eigenvector, a record
// near a minimizer costs one or two Hessian-vector products; at 1e-6 the
// same runs took about twice as many.
const DefaultTrackTol = 1e-5

// Options selects what a Tracker records. A nil *Options means
// sharpness, exact value and balance at every recorded step.
type Options struct {
	// NoSharpness, NoExact and NoBalance turn off the Lanczos sharpness,
	// the exact at-minimizer value and the balance measures.
	NoSharpness, NoExact, NoBalance bool
	// Tol is the Lanczos tolerance; 0 means DefaultTrackTol.
	Tol float64
	// Krylov is the Krylov dimension after which a tracked Lanczos run
	// restarts from its Ritz vector, and MaxMatVecs the cap on
	// Hessian-vector products per eigenvalue; 0 means
	// DefaultTrackKrylov and DefaultTrackMatVecs. A run that reaches
	// the cap keeps its estimate, and Record.SharpnessResidual says how
	// good it is.
	Krylov, MaxMatVecs int
	// MinimizerTol is the relative residual below which a point counts
	// as a minimizer for the exact value; 0 means
	// sharpness.DefaultMinimizerTol.
	MinimizerTol float64
	// Context bounds the eigenvalue computations; nil means
	// context.Background.
	Context context.Context
}

// Record is the state of a run at one step. Values that were not
// computed are NaN (floats) or nil (slices).
type Record struct {
	// Step is the optimizer step.
	Step int
	// Loss and GradNorm are the loss and the Euclidean gradient norm.
	Loss, GradNorm float64
	// Sharpness is the largest Hessian eigenvalue, MatVecs the
	// Hessian-vector products it took (with the preconditioned value's),
	// and SharpnessResidual the residual norm ||H y - Sharpness y|| of
	// its unit Ritz vector y: some eigenvalue of H lies within it of
	// Sharpness.
	Sharpness         float64
	MatVecs           int
	SharpnessResidual float64
	// Preconditioned is the largest eigenvalue of D^{1/2} H D^{1/2} for
	// an optimizer with a diagonal preconditioner D.
	Preconditioned float64
	// Exact is the exact sharpness, set only at a minimizer.
	Exact float64
	// Residual is the relative residual ||W_{L:1} - M||_F/||M||_F.
	Residual float64
	// Distance is the Euclidean distance of the parameters from those
	// at the tracker's creation.
	Distance float64
	// C, Spectral and Frobenius hold c_i, ||W_i||_2 and ||W_i||_F; Gaps
	// holds ||W_{i+1}^T W_{i+1} - W_i W_i^T||_F (see dmf.Balance).
	C, Spectral, Frobenius, Gaps []float64
}

// MaxGap returns the largest balancedness gap, or NaN without gaps.
func (r Record) MaxGap() float64 {
	if len(r.Gaps) == 0 {
		return math.NaN()
	}
	return floats.Max(r.Gaps)
}

// Tracker records a run of an optimizer on a network. Its Hook method is
// an optim.Hook. A Tracker is not safe for concurrent use.
type Tracker struct {
	net   *dmf.Net
	opt   optim.Optimizer
	o     Options
	start []float64
	recs  []Record

	pt       *dmf.Point
	top      *warmLanczos
	ptop     *warmLanczos
	pre      *precond
	lastStep int
	// targetNorm is ||M||_F at creation, for the relative residual.
	targetNorm float64
}

// NewTracker returns a tracker of net, trained by opt (nil when unknown,
// which leaves out the threshold and the preconditioned sharpness),
// with options o. The distance is measured from net's parameters now.
func NewTracker(net *dmf.Net, opt optim.Optimizer, o *Options) *Tracker {
	t := &Tracker{net: net, opt: opt, start: append([]float64(nil), net.Params()...), lastStep: -1}
	if o != nil {
		t.o = *o
	}
	if t.o.Tol == 0 {
		t.o.Tol = DefaultTrackTol
	}
	if t.o.Context == nil {
		t.o.Context = context.Background()
	}
	if t.o.Krylov == 0 {
		t.o.Krylov = DefaultTrackKrylov
	}
	if t.o.MaxMatVecs == 0 {
		t.o.MaxMatVecs = DefaultTrackMatVecs
	}
	t.top = newWarmLanczos(t.o.Krylov, t.o.MaxMatVecs)
	t.ptop = newWarmLanczos(t.o.Krylov, t.o.MaxMatVecs)
	t.targetNorm = mat.Norm(net.Target(), 2)
	return t
}

// Hook records the step; use it as optim.Settings.Hook, alone or in an
// optim.Chain, whose Every sets the period (Run also calls it for the
// final step). It returns an error when an eigenvalue computation fails
// for a reason other than reaching its iteration cap, which keeps the
// estimate.
func (t *Tracker) Hook(step int, loss float64, grad []float64) error {
	return t.Observe(step, loss, floats.Norm(grad, 2))
}

// Observe records the network's current state as step, with the given
// loss and gradient norm, for states outside a run such as the final one
// of a diverged run. A second record of the step just recorded is
// ignored.
func (t *Tracker) Observe(step int, loss, gradNorm float64) error {
	if step == t.lastStep {
		return nil
	}
	n := t.net
	r := Record{
		Step: step, Loss: loss, GradNorm: gradNorm,
		Sharpness: math.NaN(), SharpnessResidual: math.NaN(),
		Preconditioned: math.NaN(), Exact: math.NaN(),
		Distance: floats.Distance(n.Params(), t.start, 2),
	}
	if !n.IsFinite() {
		r.Residual = n.RelativeResidual()
		t.add(r)
		return nil
	}
	if t.o.NoSharpness {
		r.Residual = n.RelativeResidual()
	} else {
		// The point's cached residual saves forming the product again.
		if t.pt == nil {
			t.pt = n.At()
		} else {
			t.pt.Update()
		}
		r.Residual = t.relative(mat.Norm(t.pt.Residual(), 2))
		if err := t.sharpness(&r); err != nil {
			return err
		}
	}
	if !t.o.NoExact {
		tol := t.o.MinimizerTol
		if tol == 0 {
			tol = sharpness.DefaultMinimizerTol
		}
		if r.Residual <= tol {
			ex, err := sharpness.AtMinimizer(t.o.Context, n, tol)
			if err != nil {
				return fmt.Errorf("record: exact sharpness at step %d: %w", step, err)
			}
			r.Exact = ex.Value
		}
	}
	if !t.o.NoBalance {
		b := n.Balance()
		r.C, r.Spectral, r.Frobenius, r.Gaps = b.C, b.Spectral, b.Frobenius, b.Gaps
	}
	t.add(r)
	return nil
}

func (t *Tracker) add(r Record) {
	t.recs = append(t.recs, r)
	t.lastStep = r.Step
}

// relative returns the residual norm r relative to ||M||_F, or r itself
// for a zero target, as dmf.Net.RelativeResidual does.
func (t *Tracker) relative(r float64) float64 {
	if t.targetNorm > 0 {
		return r / t.targetNorm
	}
	return r
}

// sharpness fills in the Lanczos values at t.pt, warm-started.
func (t *Tracker) sharpness(r *Record) error {
	res, err := t.top.top(t.o.Context, t.pt, t.o.Tol)
	if err != nil {
		return fmt.Errorf("record: sharpness at step %d: %w", r.Step, err)
	}
	r.Sharpness, r.SharpnessResidual, r.MatVecs = res.value, res.residual, res.matVecs

	p, ok := t.opt.(optim.Preconditioner)
	if !ok {
		return nil
	}
	if t.pre == nil {
		t.pre = &precond{h: t.pt}
	}
	t.pre.d = p.Preconditioner(t.pre.d)
	if t.pre.d == nil {
		return nil
	}
	t.pre.prepare()
	res, err = t.ptop.top(t.o.Context, t.pre, t.o.Tol)
	if err != nil {
		return fmt.Errorf("record: preconditioned sharpness at step %d: %w", r.Step, err)
	}
	r.Preconditioned = res.value
	r.MatVecs += res.matVecs
	return nil
}

// Records returns the records so far, oldest first. The slice is the
// tracker's own; do not modify it.
func (t *Tracker) Records() []Record { return t.recs }

// Last returns the latest record, or a zero Record with Step -1 when
// there is none.
func (t *Tracker) Last() Record {
	if len(t.recs) == 0 {
		return Record{Step: -1}
	}
	return t.recs[len(t.recs)-1]
}

// Optimizer returns the optimizer given to NewTracker.
func (t *Tracker) Optimizer() optim.Optimizer { return t.opt }

// precond is the operator D^{1/2} H D^{1/2} for a positive diagonal D,
// symmetric and similar to D H.
type precond struct {
	h        sharpness.Operator
	d, sq, u []float64
}

func (p *precond) prepare() {
	if len(p.sq) != len(p.d) {
		p.sq = make([]float64, len(p.d))
		p.u = make([]float64, len(p.d))
	}
	for k, v := range p.d {
		p.sq[k] = math.Sqrt(v)
	}
}

func (p *precond) Dim() int { return p.h.Dim() }

func (p *precond) MulVec(dst, x []float64) {
	for k, v := range x {
		p.u[k] = p.sq[k] * v
	}
	p.h.MulVec(dst, p.u)
	for k := range dst {
		dst[k] *= p.sq[k]
	}
}

// AsHook returns t.Hook as an optim.Hook, for the reason given at
// EscapeWatch.AsHook.
func (t *Tracker) AsHook() optim.Hook { return t.Hook }
