package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
)

// The tracking row: gradient descent at d = 16, L = 4 next to a balanced
// minimizer, the setting of record's BenchmarkGDStep16Sharpness10, with
// and without sharpness tracked every trackEvery steps.
const (
	trackWidth = 16
	trackEvery = 10
	// trackEta is far below 2/lambda_max there, so the runs stay near
	// the minimizer and the warm start helps as it does in practice.
	trackEta = 1e-3
	// trackEps is the distance of the start from the minimizer.
	trackEps = 1e-3
)

// trackRow is a measured line of the tracking table.
type trackRow struct {
	steps                  int
	plain, tracked         time.Duration
	torchPlain, torchTrack time.Duration
	records                int
	lastSharp, torchSharp  float64
}

// trackBench times o.steps steps of gradient descent, plain and with
// record.Tracker (sharpness only, as the goal counts it) on both sides.
func trackBench(o options, path string) (trackRow, error) {
	w := []int{trackWidth, trackWidth, trackWidth, trackWidth, trackWidth}
	at, err := dmf.Balanced(dmf.RandomTarget(trackWidth, trackWidth, 1), w, 2)
	if err != nil {
		return trackRow{}, err
	}
	start := at.Perturb(trackEps, at.RandomDirection(3))
	if err := dmf.Save(path, start); err != nil {
		return trackRow{}, err
	}

	r := trackRow{steps: o.steps}
	ctx := context.Background()
	n := start.Clone()
	gd := &optim.GD{Eta: trackEta}
	run := func(track bool) func() error {
		return func() error {
			n.SetParams(start.Params())
			s := &optim.Settings{Steps: o.steps, Every: trackEvery}
			var tr *record.Tracker
			if track {
				tr = record.NewTracker(n, gd, &record.Options{NoExact: true, NoBalance: true})
				s.Hook = func(step int, loss float64, g []float64) error { return tr.Hook(step, loss, g) }
			}
			if _, err := optim.Run(ctx, n, gd, s); err != nil {
				return err
			}
			if track {
				r.records, r.lastSharp = len(tr.Records()), tr.Last().Sharpness
			}
			return nil
		}
	}
	// Plain and tracked runs take turns, so that load from other work on
	// the machine falls on both alike.
	r.plain, r.tracked = time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	plain, tracked := run(false), run(true)
	for i := 0; i <= o.runs; i++ {
		for _, f := range []struct {
			run  func() error
			best *time.Duration
		}{{plain, &r.plain}, {tracked, &r.tracked}} {
			t0 := time.Now()
			if err := f.run(); err != nil {
				return trackRow{}, err
			}
			if i > 0 {
				*f.best = min(*f.best, time.Since(t0))
			}
		}
	}

	out, err := runPeer(o, path, "--steps", strconv.Itoa(o.steps), "--eta", fmt.Sprint(trackEta),
		"--track-every", strconv.Itoa(trackEvery))
	if err != nil {
		return trackRow{}, err
	}
	r.torchPlain, r.torchTrack = seconds(out["gd_seconds"]), seconds(out["track_seconds"])
	r.torchSharp = out["track_sharpness"]
	return r, nil
}

// trackGoal is the most tracking may add to basin's plain run, in percent.
const trackGoal = 50

func writeTrackTable(w io.Writer, r trackRow, o options) {
	fmt.Fprintf(w, "Tracking overhead: GD (d=%d, L=4, eta=%g), %d steps, sharpness every %d steps (%d records), best of %d, %d thread(s) each side:\n\n",
		trackWidth, trackEta, r.steps, trackEvery, r.records, o.runs, o.threads)
	fmt.Fprintln(w, "| side | plain | tracked | overhead | goal | last sharpness |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|")
	over := 100 * (r.tracked.Seconds()/r.plain.Seconds() - 1)
	goal := fmt.Sprintf("<= %d%% met", trackGoal)
	if over > trackGoal {
		goal = fmt.Sprintf("<= %d%% MISSED", trackGoal)
	}
	fmt.Fprintf(w, "| basin (record.Tracker) | %s | %s | %.0f%% | %s | %.10g |\n", dur(r.plain), dur(r.tracked), over, goal, r.lastSharp)
	tover := 100 * (r.torchTrack.Seconds()/r.torchPlain.Seconds() - 1)
	fmt.Fprintf(w, "| torch (eigsh, warm v0) | %s | %s | %.0f%% | - | %.10g |\n", dur(r.torchPlain), dur(r.torchTrack), tover, r.torchSharp)
	fmt.Fprintf(w, "\nTracked run, torch/basin: %.1fx.\n\n", r.torchTrack.Seconds()/r.tracked.Seconds())
}
