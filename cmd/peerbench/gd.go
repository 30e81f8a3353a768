package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
)

// gdEta is the step of the gradient descent rows, small enough that the
// runs from gdInit stay bounded for the steps timed.
const gdEta = 0.01

// gdInit scales the entries of the starting layers, N(0, gdInit^2/d), so
// that every layer has spectral norm near 2 gdInit.
const gdInit = 0.5

// gdRow is a measured line of the gradient descent table.
type gdRow struct {
	d                    int
	basin, torch         time.Duration
	basinLoss, torchLoss float64
	steps                int
}

// gdBench times o.steps steps of plain gradient descent from the same
// random start on both sides.
func gdBench(o options, d int, path string) (gdRow, error) {
	w := []int{d, d, d, d, d}
	start := dmf.Random(w, dmf.RandomTarget(d, d, 1), gdInit/math.Sqrt(float64(d)), 2)
	if err := dmf.Save(path, start); err != nil {
		return gdRow{}, err
	}
	gd, err := optim.NewGD(gdEta)
	if err != nil {
		return gdRow{}, err
	}

	r := gdRow{d: d, steps: o.steps}
	n := start.Clone()
	g := make([]float64, n.NumParams())
	run := func() error {
		n.SetParams(start.Params())
		for range o.steps {
			g, _ = n.Grad(g)
			if err := gd.Step(n, g); err != nil {
				return err
			}
		}
		r.basinLoss = n.Loss()
		return nil
	}
	if r.basin, err = bestOf(o.runs, run); err != nil {
		return gdRow{}, err
	}

	out, err := runPeer(o, path, "--steps", strconv.Itoa(o.steps), "--eta", fmt.Sprint(gdEta))
	if err != nil {
		return gdRow{}, err
	}
	r.torch, r.torchLoss = seconds(out["gd_seconds"]), out["gd_loss"]
	return r, nil
}

// gdGoal returns the wanted torch/basin ratio of steps per second at
// width d, or 0 when none is set.
func gdGoal(d int) float64 {
	switch d {
	case 8:
		return 50
	case 32:
		return 10
	case 128:
		return 1
	}
	return 0
}

func writeGDTable(w io.Writer, rows []gdRow, o options) {
	fmt.Fprintf(w, "Gradient descent (L=4, eta=%g), %d steps, best of %d, %d thread(s) each side:\n\n",
		gdEta, o.steps, o.runs, o.threads)
	fmt.Fprintln(w, "| d | basin steps/s | torch steps/s | basin/torch | goal | final loss agreement |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		bs := float64(r.steps) / r.basin.Seconds()
		ts := float64(r.steps) / r.torch.Seconds()
		goal := "-"
		if g := gdGoal(r.d); g > 0 {
			goal = fmt.Sprintf(">= %gx met", g)
			if bs/ts < g {
				goal = fmt.Sprintf(">= %gx MISSED", g)
			}
		}
		fmt.Fprintf(w, "| %d | %.4g | %.4g | %.1fx | %s | %.1e |\n",
			r.d, bs, ts, bs/ts, goal, relDiff(r.torchLoss, r.basinLoss))
	}
	fmt.Fprintln(w)
}
