package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"codeberg.org/sbinet/npyio"
	"github.com/basinlab/basin/stdlib/dmf"
)

// The start of scripts/escape.go, built again here for the perturbation
// direction, which the script does not save. escapeSetup checks the
// network against the start.npz the script wrote, so a change to the
// script's experiment shows up as an error rather than as a peer run
// from another point.
const (
	escapeImbalance = 0.7
	escapeSeed      = 1
	escapeDirSeed   = 7
)

// escapeStart returns the minimizer and the unit direction of
// scripts/escape.go.
func escapeStart() (*dmf.Net, []float64, error) {
	m := dmf.TargetWithSingularValues(3, 3, []float64{1, 0.6, 0.3}, escapeSeed)
	start, err := dmf.Unbalanced(m, []int{3, 3, 3, 3}, escapeImbalance, escapeSeed)
	if err != nil {
		return nil, nil, err
	}
	return start, start.RandomDirection(escapeDirSeed), nil
}

// escapeSetup writes dir.npy, the perturbation direction in parameter
// order, into dir. When dir holds a start.npz (the one scripts/escape.go
// writes) it must equal the network built here; otherwise start.npz is
// written too.
func escapeSetup(dir string) error {
	start, d, err := escapeStart()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "start.npz")
	if _, err := os.Stat(path); err == nil {
		got, err := dmf.Load(path)
		if err != nil {
			return err
		}
		if !slices.Equal(got.Params(), start.Params()) {
			return fmt.Errorf("%s is not the start peerbench builds: scripts/escape.go and cmd/peerbench/escape.go differ", path)
		}
	} else if err := dmf.Save(path, start); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "dir.npy"))
	if err != nil {
		return err
	}
	if err := npyio.Write(f, d); err != nil {
		f.Close()
		return fmt.Errorf("dir.npy: %w", err)
	}
	return f.Close()
}

// escapeRow holds the timings of the whole escape experiment. The basin
// times are wall clock of a process; torch's are split into the time to
// import numpy, torch and scipy and the work after it, as the peer
// reports them, and the wall clock of its process.
type escapeRow struct {
	compiled, interpreted time.Duration
	torchImport, torch    time.Duration
	torchWall             time.Duration
	// basinRuns and torchRuns are the times of the loop over eps as
	// each side reports it on stderr.
	basinRuns, torchRuns time.Duration
	// same says that the compiled and interpreted runs printed the
	// same stdout.
	same        bool
	basin, peer escapeResult
}

// escapeResult is what a side's output directory says.
type escapeResult struct {
	eps    []string
	step   []int
	steps  []string
	after  []string
	status []string
	sum    map[string]any
	// traj is the number of trajectory records.
	traj int
}

// escapeBench builds scripts/escape.go and cmd/basin, times the compiled
// script, the interpreted one and the PyTorch peer end to end, and reads
// back both sides' results.
func escapeBench(o options, tmp string, stderr io.Writer) (escapeRow, error) {
	var r escapeRow
	bin := filepath.Join(tmp, "escape")
	basin := filepath.Join(tmp, "basin")
	for _, b := range [][]string{{"-o", bin, o.escapeScript}, {"-o", basin, "./cmd/basin"}} {
		cmd := exec.Command("go", append([]string{"build"}, b...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return r, fmt.Errorf("go build %s: %v: %s", b[2], err, bytes.TrimSpace(out))
		}
	}
	goOut := filepath.Join(tmp, "escape-go")
	intOut := filepath.Join(tmp, "escape-interp")
	torchOut := filepath.Join(tmp, "escape-torch")
	env := append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(o.threads))

	// The sides take turns, one run each per round after a warm-up
	// round, so that load from other work on the machine falls on all
	// of them alike; each keeps its best.
	fmt.Fprintln(stderr, "peerbench: escape experiment, compiled, basin run and PyTorch in turn")
	never := time.Duration(math.MaxInt64)
	r.compiled, r.interpreted, r.basinRuns = never, never, never
	r.torch, r.torchImport, r.torchWall, r.torchRuns = never, never, never, never
	for i := 0; i <= o.runs; i++ {
		t0 := time.Now()
		compiledOut, so, err := timedRun(env, bin, "-out", goOut)
		compiled := time.Since(t0)
		if err != nil {
			return r, err
		}
		runs, err := stderrDuration(so, `escape: \d+ runs in (\S+)`)
		if err != nil {
			return r, err
		}
		t0 = time.Now()
		interpOut, _, err := timedRun(env, basin, "run", o.escapeScript, "-out", intOut)
		interpreted := time.Since(t0)
		if err != nil {
			return r, err
		}
		r.same = strings.ReplaceAll(compiledOut, goOut, "DIR") == strings.ReplaceAll(interpOut, intOut, "DIR")
		if err := escapeSetup(goOut); err != nil {
			return r, err
		}
		if err := torchEscape(o, goOut, torchOut, &r, i > 0); err != nil {
			return r, err
		}
		if i > 0 {
			r.compiled, r.interpreted = min(r.compiled, compiled), min(r.interpreted, interpreted)
			r.basinRuns = min(r.basinRuns, runs)
		}
	}
	var err error
	if r.basin, err = readEscape(goOut); err != nil {
		return r, err
	}
	if r.peer, err = readEscape(torchOut); err != nil {
		return r, err
	}
	return r, nil
}

// timedRun runs a command with env and returns its stdout and stderr.
func timedRun(env []string, name string, args ...string) (string, string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(se.String()))
	}
	return so.String(), se.String(), nil
}

var peerTiming = regexp.MustCompile(`escape_torch: import (\S+) s, work (\S+) s`)

// torchEscape runs the peer once and, when keep is set, lowers r's
// torch times to its own where they are shorter.
func torchEscape(o options, start, out string, r *escapeRow, keep bool) error {
	t0 := time.Now()
	_, se, err := timedRun(os.Environ(), o.python, o.escapePeer, start, "--out", out, "--threads", strconv.Itoa(o.threads))
	wall := time.Since(t0)
	if err != nil {
		return err
	}
	m := peerTiming.FindStringSubmatch(se)
	if m == nil {
		return fmt.Errorf("%s: no timing line on stderr: %s", o.escapePeer, strings.TrimSpace(se))
	}
	imp, _ := strconv.ParseFloat(m[1], 64)
	work, _ := strconv.ParseFloat(m[2], 64)
	runs, err := stderrDuration(se, `escape_torch: \d+ runs in (\S+ s)`)
	if err != nil {
		return err
	}
	if !keep {
		return nil
	}
	r.torch, r.torchImport = min(r.torch, seconds(work)), min(r.torchImport, seconds(imp))
	r.torchWall, r.torchRuns = min(r.torchWall, wall), min(r.torchRuns, runs)
	return nil
}

// stderrDuration finds the duration that the first group of pattern
// matches in s, in Go's notation or as "X s".
func stderrDuration(s, pattern string) (time.Duration, error) {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("no %q in %q", pattern, strings.TrimSpace(s))
	}
	return time.ParseDuration(strings.ReplaceAll(m[1], " ", ""))
}

// readEscape reads runs.csv, summary.json and trajectory.csv from an
// output directory of either side.
func readEscape(dir string) (escapeResult, error) {
	var e escapeResult
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if err != nil {
		return e, err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return e, fmt.Errorf("%s/runs.csv: %w", dir, err)
	}
	for _, row := range rows[1:] {
		if len(row) < 8 {
			return e, fmt.Errorf("%s/runs.csv: row %q", dir, row)
		}
		s, err := strconv.Atoi(row[1])
		if err != nil {
			return e, fmt.Errorf("%s/runs.csv: %w", dir, err)
		}
		e.eps, e.step = append(e.eps, row[0]), append(e.step, s)
		e.status, e.steps, e.after = append(e.status, row[4]), append(e.steps, row[5]), append(e.after, row[7])
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal(b, &e.sum); err != nil {
		return e, fmt.Errorf("%s/summary.json: %w", dir, err)
	}
	t, err := os.ReadFile(filepath.Join(dir, "trajectory.csv"))
	if err != nil {
		return e, err
	}
	e.traj = bytes.Count(t, []byte("\n")) - 1
	return e, nil
}

// escapeGoal is the wanted torch/basin ratio of the whole experiment.
const escapeGoal = 20

func writeEscapeTable(w io.Writer, r escapeRow, o options) {
	fmt.Fprintf(w, "Whole escape experiment (scripts/escape.go against escape_torch.py), best of %d, %d thread(s) each side:\n\n",
		o.runs, o.threads)
	fmt.Fprintln(w, "| side | end to end | loop over eps | torch/side (torch work) | goal |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	goal := func(d time.Duration) string {
		x := r.torch.Seconds() / d.Seconds()
		if x >= escapeGoal {
			return fmt.Sprintf("%.1fx | >= %dx met", x, escapeGoal)
		}
		return fmt.Sprintf("%.1fx | >= %dx MISSED", x, escapeGoal)
	}
	fmt.Fprintf(w, "| basin, compiled (`go build`) | %s | %s | %s |\n", dur(r.compiled), dur(r.basinRuns), goal(r.compiled))
	fmt.Fprintf(w, "| basin run (interpreted) | %s | - | %s |\n", dur(r.interpreted), goal(r.interpreted))
	fmt.Fprintf(w, "| torch, work after imports | %s | %s | 1.0x | - |\n", dur(r.torch), dur(r.torchRuns))
	fmt.Fprintf(w, "| torch, imports (numpy, torch, scipy) | %s | - | - | - |\n", dur(r.torchImport))
	fmt.Fprintf(w, "| torch, whole process | %s | - | - | - |\n\n", dur(r.torchWall))
	fmt.Fprintf(w, "Compiled and interpreted stdout identical: %v. Trajectory records: basin %d, torch %d.\n\n",
		r.same, r.basin.traj, r.peer.traj)

	fmt.Fprintln(w, "| eps | basin escape step | torch escape step | basin steps | torch steps | basin sharpness after | torch sharpness after |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|")
	b, p := r.basin, r.peer
	for i := range b.eps {
		if i >= len(p.eps) {
			break
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s | %s |\n", b.eps[i], b.step[i], p.step[i], b.steps[i], p.steps[i], b.after[i], p.after[i])
	}
	fmt.Fprintf(w, "\nEscape steps equal: %v.", slices.Equal(b.step, p.step))
	for _, k := range []string{"sharpness_before", "eta", "sharpness_after", "slope"} {
		bv, _ := b.sum[k].(float64)
		pv, _ := p.sum[k].(float64)
		fmt.Fprintf(w, " %s: basin %.12g, torch %.12g (%.1e).", k, bv, pv, relDiff(pv, bv))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
}
