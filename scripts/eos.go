//go:build ignore

// Edge of stability: gradient descent from a small random initialization
// with a step eta for which every minimizer is too sharp (2/eta below the
// flattest value L sigma_1^{2(L-1)/L}) cannot settle. Its sharpness rises
// from near zero to 2/eta and then hovers about it: on this rank-one
// target the run locks into a period-two orbit whose two points straddle
// 2/eta, with a mean sharpness close to it, while the loss stays bounded
// (Cohen et al., "Gradient descent on neural networks typically occurs at
// the edge of stability", ICLR 2021).
//
//	go run scripts/eos.go [-out DIR]
//	basin run scripts/eos.go [-out DIR]
//
// DIR (default ./eos-out) receives trajectory.csv, sharpness.png and
// loss.png. A table of every 50th step and the one after it goes to
// stdout.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/sharpness"
)

const (
	width    = 4
	depth    = 4
	initStd  = 0.1
	seed     = 3
	steps    = 1000
	every    = 1
	printing = 50
	// thresholdFrac places 2/eta at this fraction of the flattest
	// sharpness, so that no minimizer is stable.
	thresholdFrac = 0.9
)

func main() {
	fs := flag.NewFlagSet("eos", flag.ExitOnError)
	out := fs.String("out", "eos-out", "directory for the CSV file and plots")
	fs.Parse(os.Args[1:])
	t0 := time.Now()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "eos:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "eos: done in %v\n", time.Since(t0).Round(time.Millisecond))
}

func run(out string) error {
	ctx := session.Context()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	widths := []int{width, width, width, width, width}
	m := dmf.TargetWithSingularValues(width, width, []float64{1}, seed)
	n := dmf.Random(widths, m, initStd, seed)
	flat := sharpness.Flattest(n)
	eta := 2 / (thresholdFrac * flat)
	gd := &optim.GD{Eta: eta}
	fmt.Printf("target %dx%d, rank 1, singular value 1; depth %d; init std %g\n", width, width, depth, initStd)
	fmt.Printf("flattest minimizer sharpness %.4f; eta = %.4f, 2/eta = %.4f\n\n", flat, eta, gd.Threshold())

	tr := record.NewTracker(n, gd, &record.Options{NoExact: true})
	// The bar draws only when stderr is a terminal.
	bar := record.NewProgress(os.Stderr, steps, "eos")
	res, err := optim.Run(ctx, n, gd, &optim.Settings{Steps: steps, Every: every, Hook: optim.Chain(tr.AsHook(), bar.AsHook())})
	bar.Finish()
	if err != nil {
		return err
	}
	recs := tr.Records()
	// Once the orbit has period two, one step alone shows only one of
	// its points: print each printed step with the next and their mean.
	fmt.Printf("%6s  %12s  %10s  %10s  %10s\n", "step", "loss", "sharpness", "next step", "mean")
	for i, r := range recs {
		if r.Step%printing == 0 && i+1 < len(recs) {
			nx := recs[i+1].Sharpness
			fmt.Printf("%6d  %12.4e  %10.4f  %10.4f  %10.4f\n", r.Step, r.Loss, r.Sharpness, nx, (r.Sharpness+nx)/2)
		}
	}

	// Mean and spread of the sharpness over the second half.
	var sum, lo, hi float64
	lo, hi = math.Inf(1), math.Inf(-1)
	k := 0
	for _, r := range recs {
		if r.Step >= steps/2 {
			sum += r.Sharpness
			lo = math.Min(lo, r.Sharpness)
			hi = math.Max(hi, r.Sharpness)
			k++
		}
	}
	fmt.Printf("\nstatus %v after %d steps, final loss %.3e\n", res.Status, res.Steps, res.Loss)
	fmt.Printf("second half: sharpness mean %.4f (%.1f%% of 2/eta), range %.4f .. %.4f\n",
		sum/float64(k), 100*sum/float64(k)/gd.Threshold(), lo, hi)

	if err := record.WriteCSV(filepath.Join(out, "trajectory.csv"), recs); err != nil {
		return err
	}
	if err := record.PlotSharpness(filepath.Join(out, "sharpness.png"), recs, gd); err != nil {
		return err
	}
	return record.PlotLoss(filepath.Join(out, "loss.png"), recs)
}
