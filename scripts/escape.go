//go:build ignore

// Escape: gradient descent started next to a minimizer sharper than 2/eta
// leaves it, however close it starts, after about
// ln(delta/eps)/ln(eta lambda_max - 1) steps, and settles at a flatter
// minimizer with sharpness at most 2/eta. A control run with eta below
// the threshold stays.
//
//	go run scripts/escape.go [-out DIR]
//	basin run scripts/escape.go [-out DIR]
//
// DIR (default ./escape-out) receives runs.csv, trajectory.csv and
// trajectory.jsonl (every step of the run from the smallest eps),
// control.csv, the plots sharpness.png, loss.png, balance.png and
// escape.png, start.npz and final.npz, and summary.json. The summary
// table goes to stdout, timings to stderr.
package main

import (
	"flag"
	"fmt"
	"io"
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

// The experiment. The target is 3x3 with singular values 1, 0.6 and 0.3,
// the network has depth 3; the minimizer is the balanced one moved along
// the orbit by a seeded imbalance, which makes it sharper than the
// flattest value 3 (with the loss scale 1/2).
const (
	imbalance = 0.7
	seed      = 1
	dirSeed   = 7
	// etaLambda is eta lambda_max at the start: the deviation along
	// the top eigenvector grows by etaLambda - 1 = 1.5 per step.
	etaLambda = 2.5
	// controlEtaLambda is eta lambda_max of the control run, below 2.
	controlEtaLambda = 1.9
	controlEps       = 1e-4
	// delta is the distance from the minimizer at which a run counts
	// as escaped.
	delta = 0.1
	// maxSteps bounds each run; lossTol ends a run at a minimizer.
	maxSteps = 100000
	lossTol  = 1e-28
	// epsFirst..epsLast are the decades of eps.
	epsFirst = -2
	epsLast  = -12
)

func main() {
	// A flag set of its own, parsing os.Args as the script sees it, so
	// that compiled and interpreted runs read the same arguments.
	fs := flag.NewFlagSet("escape", flag.ExitOnError)
	out := fs.String("out", "escape-out", "directory for the CSV files, plots, NPZ snapshots and summary.json")
	fs.Parse(os.Args[1:])
	t0 := time.Now()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "escape:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "escape: done in %v\n", time.Since(t0).Round(time.Millisecond))
}

func run(out string) error {
	ctx := session.Context()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	m := dmf.TargetWithSingularValues(3, 3, []float64{1, 0.6, 0.3}, seed)
	start, err := dmf.Unbalanced(m, []int{3, 3, 3, 3}, imbalance, seed)
	if err != nil {
		return err
	}
	ex, err := sharpness.AtMinimizer(ctx, start, 0)
	if err != nil {
		return err
	}
	lambda := ex.Value
	eta := etaLambda / lambda
	gd := &optim.GD{Eta: eta}
	before := start.Balance()
	if err := dmf.Save(filepath.Join(out, "start.npz"), start); err != nil {
		return err
	}

	fmt.Printf("target 3x3, singular values 1 0.6 0.3; depth 3; loss scale %g\n", start.Scale())
	fmt.Printf("start: sharpness %.6f (flattest %.6f, upper bound %.6f)\n", lambda, sharpness.Flattest(start), sharpness.UpperBound(start))
	fmt.Printf("eta = %.6f, 2/eta = %.6f, eta*lambda_max = %.2f, delta = %g\n\n", eta, gd.Threshold(), etaLambda, delta)
	dir := start.RandomDirection(dirSeed)

	// The prediction ln(delta/eps)/ln(eta lambda - 1) takes the whole
	// perturbation along the top eigenvector; only the component c along
	// it grows, so ln(delta/(c eps))/ln(eta lambda - 1) is sharper and
	// differs by a constant, which leaves the slope alone.
	top, err := sharpness.Max(ctx, start, &sharpness.LanczosSettings{Tol: 1e-12, Seed: seed})
	if err != nil {
		return err
	}
	comp := 0.0
	for k, v := range top.Vectors[0] {
		comp += dir[k] * v
	}
	comp = math.Abs(comp)
	fmt.Printf("component of the perturbation direction along the top eigenvector: c = %.4f\n\n", comp)
	fmt.Printf("%8s  %11s  %14s  %16s  %10s  %15s\n", "eps", "escape step", "predicted step", "with projection", "final loss", "sharpness after")
	var runs []record.Escape
	var final *dmf.Net
	var tracker *record.Tracker
	var finalLoss, after float64
	var projected []float64
	rows := [][]string{{"eps", "escape_step", "predicted_step", "predicted_step_projected", "status", "steps", "final_loss", "sharpness_after"}}
	tRuns := time.Now()
	// The bar draws only when stderr is a terminal.
	bar := record.NewProgress(os.Stderr, epsFirst-epsLast+1, "escape")
	for e := epsFirst; e >= epsLast; e-- {
		eps := math.Pow(10, float64(e))
		n := start.Perturb(eps, dir)
		watch := record.NewEscapeWatch(n, start.Params(), delta, false)
		last := e == epsLast
		if last {
			tracker = record.NewTracker(n, gd, nil)
		}
		// AsHook rather than method values, which the interpreter does
		// not convert to optim.Hook, or closures, which it would
		// interpret at every step.
		hook := watch.AsHook()
		if last {
			hook = optim.Chain(watch.AsHook(), tracker.AsHook())
		}
		res, err := optim.Run(ctx, n, gd, &optim.Settings{Steps: maxSteps, LossTol: lossTol, Hook: hook})
		if err != nil {
			return err
		}
		s := math.NaN()
		if res.Status == optim.Converged {
			x, err := sharpness.AtMinimizer(ctx, n, 0)
			if err != nil {
				return err
			}
			s = x.Value
		}
		pred := record.PredictedEscape(eps, delta, eta, lambda)
		proj := record.PredictedEscape(comp*eps, delta, eta, lambda)
		runs = append(runs, record.Escape{Eps: eps, Step: watch.Step(), Predicted: pred})
		projected = append(projected, proj)
		fmt.Printf("%8.0e  %11d  %14.2f  %16.2f  %10.1e  %15.6f\n", eps, watch.Step(), pred, proj, res.Loss, s)
		rows = append(rows, []string{fmt.Sprintf("%g", eps), fmt.Sprint(watch.Step()), fmt.Sprintf("%.6f", pred), fmt.Sprintf("%.6f", proj),
			res.Status.String(), fmt.Sprint(res.Steps), fmt.Sprintf("%g", res.Loss), fmt.Sprintf("%.12g", s)})
		if last {
			final, finalLoss, after = n, res.Loss, s
		}
		bar.Hook(epsFirst-e+1, res.Loss, nil)
	}
	bar.Finish()
	fmt.Fprintf(os.Stderr, "escape: %d runs in %v\n", len(runs), time.Since(tRuns).Round(time.Microsecond))

	slope, _, err := record.EscapeSlope(runs)
	if err != nil {
		return err
	}
	want := 1 / math.Log(etaLambda-1)
	fmt.Printf("\nslope of escape step against ln(1/eps): measured %.4f, predicted 1/ln(eta*lambda_max - 1) = %.4f (%.1f%% off)\n",
		slope, want, 100*math.Abs(slope-want)/want)

	// Control: below the threshold the same kind of start stays.
	ceta := controlEtaLambda / lambda
	cn := start.Perturb(controlEps, dir)
	cw := record.NewEscapeWatch(cn, start.Params(), delta, false)
	ctr := record.NewTracker(cn, &optim.GD{Eta: ceta}, &record.Options{NoBalance: true})
	cres, err := optim.Run(ctx, cn, &optim.GD{Eta: ceta}, &optim.Settings{Steps: 2000, Every: 10,
		Hook: optim.Chain(cw.AsHook(), ctr.AsHook())})
	if err != nil {
		return err
	}
	fmt.Printf("control: eta*lambda_max = %.1f, eps = %g: escaped %v, distance after %d steps %.3e\n",
		controlEtaLambda, controlEps, cw.Escaped(), cres.Steps, cn.Distance(start))

	// Balance before and after.
	ab := final.Balance()
	fmt.Printf("\nsharpness before %.6f, after %.6f <= 2/eta = %.6f: %v\n", lambda, after, gd.Threshold(), after <= gd.Threshold())
	fmt.Printf("final loss %.1e\n", finalLoss)
	fmt.Printf("%5s  %10s  %10s\n", "layer", "c_i before", "c_i after")
	for i := 0; i < len(before.C); i++ {
		fmt.Printf("%5d  %10.6f  %10.6f\n", i+1, before.C[i], ab.C[i])
	}
	fmt.Printf("flat value sigma_1^((L-1)/L) = %.6f; largest gap before %.4f, after %.4f\n", before.Flat, maxOf(before.Gaps), maxOf(ab.Gaps))

	// Files.
	recs := tracker.Records()
	if err := dmf.Save(filepath.Join(out, "final.npz"), final); err != nil {
		return err
	}
	if err := writeRows(filepath.Join(out, "runs.csv"), rows); err != nil {
		return err
	}
	if err := record.WriteCSV(filepath.Join(out, "trajectory.csv"), recs); err != nil {
		return err
	}
	if err := record.WriteJSONL(filepath.Join(out, "trajectory.jsonl"), recs); err != nil {
		return err
	}
	if err := record.WriteCSV(filepath.Join(out, "control.csv"), ctr.Records()); err != nil {
		return err
	}
	if err := record.PlotSharpness(filepath.Join(out, "sharpness.png"), recs, gd); err != nil {
		return err
	}
	if err := record.PlotLoss(filepath.Join(out, "loss.png"), recs); err != nil {
		return err
	}
	if err := record.PlotBalance(filepath.Join(out, "balance.png"), recs, before.Flat); err != nil {
		return err
	}
	if err := record.PlotEscape(filepath.Join(out, "escape.png"), runs); err != nil {
		return err
	}

	var jruns []interface{}
	for i, r := range runs {
		jruns = append(jruns, map[string]interface{}{"eps": r.Eps, "escape_step": r.Step, "predicted_step": r.Predicted,
			"predicted_step_projected": projected[i]})
	}
	summary := map[string]interface{}{
		"eta":              eta,
		"threshold":        gd.Threshold(),
		"sharpness_before": lambda,
		"sharpness_after":  after,
		"final_loss":       finalLoss,
		"escaped":          runs[len(runs)-1].Step >= 0,
		"start_model":      "start.npz",
		"final_model":      "final.npz",
		"delta":            delta,
		"slope":            slope,
		"predicted_slope":  want,
		"top_component":    comp,
		"control_escaped":  cw.Escaped(),
		"c_before":         before.C,
		"c_after":          ab.C,
		"runs":             jruns,
	}
	if err := record.WriteJSON(filepath.Join(out, "summary.json"), summary); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", out)
	return nil
}

func maxOf(s []float64) float64 {
	m := math.Inf(-1)
	for _, v := range s {
		if v > m {
			m = v
		}
	}
	return m
}

// writeRows writes comma-separated rows atomically.
func writeRows(path string, rows [][]string) error {
	return record.WriteFile(path, func(w io.Writer) error {
		for _, r := range rows {
			line := ""
			for i, f := range r {
				if i > 0 {
					line += ","
				}
				line += f
			}
			if _, err := io.WriteString(w, line+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
}
