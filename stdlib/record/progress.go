package record

import (
	"io"
	"os"

	"github.com/basinlab/basin/stdlib/optim"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressThrottle is the shortest interval between redraws of the bar,
// in the units progressbar takes; 1e8 ns = 100 ms keeps redrawing off
// the profile of a fast run.
const progressThrottle = 1e8

// Progress is a progress bar for a run of known length. It draws only
// when its writer is a terminal, so that logs and pipes stay clean; on
// anything else every method does nothing.
type Progress struct {
	bar  *progressbar.ProgressBar
	last int
}

// NewProgress returns a progress bar of total steps, described by desc,
// drawn on w when w is a terminal (an *os.File for which
// term.IsTerminal holds). Pass os.Stderr from a command; a nil w gives
// a silent bar.
func NewProgress(w io.Writer, total int, desc string) *Progress {
	f, ok := w.(*os.File)
	if !ok || f == nil || !term.IsTerminal(int(f.Fd())) {
		return &Progress{}
	}
	return newBar(w, total, desc)
}

func newBar(w io.Writer, total int, desc string) *Progress {
	return &Progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(progressThrottle),
		progressbar.OptionClearOnFinish(),
	)}
}

// Active reports whether the bar draws.
func (p *Progress) Active() bool { return p.bar != nil }

// Hook moves the bar to step; it is an optim.Hook and never fails.
func (p *Progress) Hook(step int, loss float64, grad []float64) error {
	if p.bar == nil || step <= p.last {
		return nil
	}
	p.bar.Add(step - p.last)
	p.last = step
	return nil
}

// Finish completes and clears the bar.
func (p *Progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// AsHook returns p.Hook as an optim.Hook, for the reason given at
// EscapeWatch.AsHook.
func (p *Progress) AsHook() optim.Hook { return p.Hook }
