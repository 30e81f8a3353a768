package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/sharpness"
)

// Tolerances the two sides share. exactTol is the residual tolerance
// AtMinimizer uses on K; anywhereTol is sharpness.DefaultTol, the one
// sharpness.Max uses by default. eigsh stops on the same relative
// residual, so both sides reach the same accuracy.
const (
	exactTol    = 1e-12
	anywhereTol = sharpness.DefaultTol
)

// imbalance is the orbit spread of the minimizers (dmf.Unbalanced): far
// enough from balanced that the top eigenvector of K is not rank one.
const imbalance = 0.5

// offStd is the entry scale of the random non-minimizer points.
const offStd = 0.5

// config is one row of the sharpness table.
type config struct {
	name     string
	widths   []int
	anywhere bool    // Lanczos on the Hessian at a random point
	goal     float64 // wanted torch/basin ratio
}

var sharpnessConfigs = []config{
	{"exact at minimizer, d=16 L=4", []int{16, 16, 16, 16, 16}, false, 50},
	{"exact at minimizer, d=128 L=4", []int{128, 128, 128, 128, 128}, false, 10},
	{"exact at minimizer, 10-256-256-256-10", []int{10, 256, 256, 256, 10}, false, 100},
	{"Lanczos anywhere, d=64 L=4", []int{64, 64, 64, 64, 64}, true, 5},
}

type options struct {
	python  string
	peer    string
	runs    int
	threads int
	power   bool
	only    string
	rss     string
	gd      string
	steps   int

	escape       bool
	escapeSetup  string
	escapeScript string
	escapePeer   string
}

func main() {
	os.Exit(peerMain(os.Args[1:], os.Stdout, os.Stderr))
}

func peerMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("peerbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.python, "python", "", "Python interpreter with torch, numpy and scipy (default: the first of python3 and /usr/bin/python3 that imports them)")
	fs.StringVar(&o.peer, "peer", filepath.Join("cmd", "peerbench", "peer_torch.py"), "path of the PyTorch peer script")
	fs.IntVar(&o.runs, "runs", 5, "timed runs per side after one warm-up; the best is reported")
	fs.IntVar(&o.threads, "threads", runtime.NumCPU(), "threads for both sides: GOMAXPROCS here, torch and BLAS pools in the peer")
	fs.BoolVar(&o.power, "power", true, "also time the peer's power iteration")
	fs.StringVar(&o.only, "only", "", "run only the rows whose name contains this text")
	fs.StringVar(&o.rss, "rss", "", "internal: compute exact sharpness at d=`D` L=4 and print time and peak RSS as JSON")
	fs.StringVar(&o.gd, "gd", "8,32,128", "widths `d` of the gradient descent rows (L=4); empty skips them")
	fs.IntVar(&o.steps, "steps", 1000, "gradient descent steps per timed run")
	fs.BoolVar(&o.escape, "escape", false, "also time the whole escape experiment and the tracking overhead (-only escape: these alone)")
	fs.StringVar(&o.escapeSetup, "escape-setup", "", "write dir.npy, the perturbation direction of scripts/escape.go, into `DIR` (checking DIR/start.npz) for escape_torch.py, and exit")
	fs.StringVar(&o.escapeScript, "escape-script", filepath.Join("scripts", "escape.go"), "path of the escape script")
	fs.StringVar(&o.escapePeer, "escape-peer", filepath.Join("cmd", "peerbench", "escape_torch.py"), "path of the PyTorch escape script")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || o.runs < 1 || o.threads < 1 || o.steps < 1 {
		fmt.Fprintln(stderr, "usage: peerbench [flags]; see -help")
		return 2
	}
	runtime.GOMAXPROCS(o.threads)
	setBLASThreads(o.threads)
	if o.python == "" && o.rss == "" && o.escapeSetup == "" {
		if o.python = findPython(); o.python == "" {
			fmt.Fprintln(stderr, "peerbench: no python3 imports torch, numpy and scipy; install python3-torch python3-scipy or pass -python")
			return 1
		}
	}

	if o.rss != "" {
		d, err := strconv.Atoi(o.rss)
		if err != nil || d < 1 {
			fmt.Fprintf(stderr, "peerbench: -rss %q: want a positive width\n", o.rss)
			return 2
		}
		if err := rssMain(d, stdout); err != nil {
			fmt.Fprintln(stderr, "peerbench:", err)
			return 1
		}
		return 0
	}
	if o.escapeSetup != "" {
		if err := os.MkdirAll(o.escapeSetup, 0o755); err != nil {
			fmt.Fprintln(stderr, "peerbench:", err)
			return 1
		}
		if err := escapeSetup(o.escapeSetup); err != nil {
			fmt.Fprintln(stderr, "peerbench:", err)
			return 1
		}
		return 0
	}
	if err := benchMain(o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "peerbench:", err)
		return 1
	}
	return 0
}

func benchMain(o options, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "peerbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(stdout, "basin BLAS: %s; GOMAXPROCS %d; %s/%s %s\n\n",
		blasName, o.threads, runtime.GOOS, runtime.GOARCH, runtime.Version())
	var rows []row
	for i, c := range sharpnessConfigs {
		if !strings.Contains(c.name, o.only) {
			continue
		}
		fmt.Fprintf(stderr, "peerbench: %s\n", c.name)
		r, err := sharpnessRow(o, c, filepath.Join(dir, fmt.Sprintf("net%d.npz", i)))
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		rows = append(rows, r)
	}
	if len(rows) > 0 {
		writeSharpnessTable(stdout, rows, o)
	}

	if o.gd != "" && strings.Contains("gradient descent", o.only) {
		var gds []gdRow
		for _, f := range strings.Split(o.gd, ",") {
			d, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || d < 1 {
				return fmt.Errorf("-gd: %q is not a positive width", f)
			}
			fmt.Fprintf(stderr, "peerbench: gradient descent d=%d\n", d)
			g, err := gdBench(o, d, filepath.Join(dir, fmt.Sprintf("gd%d.npz", d)))
			if err != nil {
				return fmt.Errorf("gradient descent d=%d: %w", d, err)
			}
			gds = append(gds, g)
		}
		writeGDTable(stdout, gds, o)
	}

	if o.only == "" || strings.Contains("memory", o.only) {
		fmt.Fprintln(stderr, "peerbench: memory and time at d=512 and d=1024")
		if err := writeLarge(stdout, o); err != nil {
			return err
		}
	}

	if o.escape {
		r, err := escapeBench(o, dir, stderr)
		if err != nil {
			return fmt.Errorf("escape experiment: %w", err)
		}
		writeEscapeTable(stdout, r, o)
		// Measured last, so that it sees record's tracker as it is
		// when the run ends.
		fmt.Fprintln(stderr, "peerbench: tracking overhead")
		t, err := trackBench(o, filepath.Join(dir, "track.npz"))
		if err != nil {
			return fmt.Errorf("tracking overhead: %w", err)
		}
		writeTrackTable(stdout, t, o)
	}
	return nil
}

// row is a measured line of the sharpness table.
type row struct {
	c                   config
	basin, torch, power time.Duration
	basinLam, torchLam  float64
	powerLam            float64
	basinMV, torchMV    int
	powerMV             int
	method              string
}

func sharpnessRow(o options, c config, path string) (row, error) {
	n, err := network(c)
	if err != nil {
		return row{}, err
	}
	if err := dmf.Save(path, n); err != nil {
		return row{}, err
	}
	tol := exactTol
	if c.anywhere {
		tol = anywhereTol
	}

	r := row{c: c}
	ctx := context.Background()
	compute := func() error {
		if c.anywhere {
			res, err := sharpness.Max(ctx, n, nil)
			if err != nil {
				return err
			}
			r.basinLam, r.basinMV, r.method = res.Values[0], res.MatVecs, "lanczos on H"
			return nil
		}
		ex, err := sharpness.AtMinimizer(ctx, n, 0)
		if err != nil {
			return err
		}
		r.basinLam, r.basinMV, r.method = ex.Value, ex.MatVecs, ex.Method
		return nil
	}
	if r.basin, err = bestOf(o.runs, compute); err != nil {
		return row{}, err
	}

	args := []string{"--tol", fmt.Sprint(tol)}
	if o.power {
		args = append(args, "--power")
	}
	out, err := runPeer(o, path, args...)
	if err != nil {
		return row{}, err
	}
	r.torch, r.torchLam, r.torchMV = seconds(out["eigsh_seconds"]), out["eigsh_lambda"], int(out["eigsh_matvecs"])
	if o.power {
		r.power, r.powerLam, r.powerMV = seconds(out["power_seconds"]), out["power_lambda"], int(out["power_matvecs"])
	}
	return r, nil
}

// network builds the network of a configuration: a seeded unbalanced
// minimizer of a random full-rank target, or a random point off it.
func network(c config) (*dmf.Net, error) {
	L := len(c.widths) - 1
	m := dmf.RandomTarget(c.widths[L], c.widths[0], 1)
	if c.anywhere {
		return dmf.Random(c.widths, m, offStd, 2), nil
	}
	return dmf.Unbalanced(m, c.widths, imbalance, 2)
}

// bestOf runs f once to warm up, then runs times, and returns the
// shortest duration.
func bestOf(runs int, f func() error) (time.Duration, error) {
	if err := f(); err != nil {
		return 0, err
	}
	best := time.Duration(math.MaxInt64)
	for range runs {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		best = min(best, time.Since(t0))
	}
	return best, nil
}

// runPeer runs the PyTorch peer on the network at path and returns the
// numbers of its JSON answer.
func runPeer(o options, path string, args ...string) (map[string]float64, error) {
	argv := append([]string{o.peer, path, "--runs", strconv.Itoa(o.runs), "--threads", strconv.Itoa(o.threads)}, args...)
	cmd := exec.Command(o.python, argv...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("peer %s %s: %v: %s", o.python, o.peer, err, strings.TrimSpace(se.String()))
	}
	var raw map[string]any
	if err := json.Unmarshal(so.Bytes(), &raw); err != nil {
		return nil, fmt.Errorf("peer output: %w", err)
	}
	out := make(map[string]float64)
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			out[k] = f
		}
	}
	if t, ok := raw["threads"].(float64); ok && int(t) != o.threads {
		return nil, fmt.Errorf("peer runs %v torch threads, asked for %d", t, o.threads)
	}
	return out, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func relDiff(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }

func writeSharpnessTable(w io.Writer, rows []row, o options) {
	fmt.Fprintf(w, "Sharpness (lambda_max), best of %d, %d thread(s) each side:\n\n", o.runs, o.threads)
	fmt.Fprintln(w, "| configuration | basin | method (products) | torch eigsh (HVPs) | torch/basin | goal | agreement |"+
		powerHead(o))
	fmt.Fprintln(w, "|---|---:|---|---:|---:|---:|---:|"+powerRule(o))
	for _, r := range rows {
		ratio := r.torch.Seconds() / r.basin.Seconds()
		met := "met"
		if ratio < r.c.goal {
			met = "MISSED"
		}
		fmt.Fprintf(w, "| %s | %s | %s (%d) | %s (%d) | %.1fx | >= %gx %s | %.1e |",
			r.c.name, dur(r.basin), r.method, r.basinMV, dur(r.torch), r.torchMV,
			ratio, r.c.goal, met, relDiff(r.torchLam, r.basinLam))
		if o.power {
			fmt.Fprintf(w, " %s (%d) | %.1fx | %.1e |", dur(r.power), r.powerMV,
				r.power.Seconds()/r.basin.Seconds(), relDiff(r.powerLam, r.basinLam))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func powerHead(o options) string {
	if !o.power {
		return ""
	}
	return " torch power (HVPs) | power/basin | power agreement |"
}

func powerRule(o options) string {
	if !o.power {
		return ""
	}
	return "---:|---:|---:|"
}

// dur formats a duration with three significant digits in a unit that
// suits it.
func dur(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s >= 1:
		return fmt.Sprintf("%.3g s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.3g ms", s*1e3)
	}
	return fmt.Sprintf("%.3g µs", s*1e6)
}

// large is the answer of a -rss child process.
type large struct {
	D       int     `json:"d"`
	Seconds float64 `json:"seconds"`
	Build   float64 `json:"build_seconds"`
	MaxRSS  int64   `json:"maxrss_bytes"`
	Lambda  float64 `json:"lambda"`
	MatVecs int     `json:"matvecs"`
	Method  string  `json:"method"`
}

// rssMain builds a d=D L=4 minimizer, computes its exact sharpness once
// and prints the time and the peak resident set size of this process.
func rssMain(d int, w io.Writer) error {
	t0 := time.Now()
	n, err := network(config{widths: []int{d, d, d, d, d}})
	if err != nil {
		return err
	}
	build := time.Since(t0)
	t1 := time.Now()
	ex, err := sharpness.AtMinimizer(context.Background(), n, 0)
	if err != nil {
		return err
	}
	el := time.Since(t1)
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(large{
		D: d, Seconds: el.Seconds(), Build: build.Seconds(),
		// Linux reports ru_maxrss in kilobytes.
		MaxRSS: ru.Maxrss * 1024, Lambda: ex.Value, MatVecs: ex.MatVecs, Method: ex.Method,
	})
}

// writeLarge runs the d=512 and d=1024 cases each in a fresh process, so
// that the peak RSS is theirs alone.
func writeLarge(w io.Writer, o options) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Exact sharpness at large minimizers (L=4, fresh process each, %d thread(s)):\n\n", o.threads)
	fmt.Fprintln(w, "| d | K dimension | Hessian dimension | time | products with K | peak RSS | goal |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---|")
	for _, d := range []int{512, 1024} {
		cmd := exec.Command(self, "-rss", strconv.Itoa(d), "-threads", strconv.Itoa(o.threads))
		var so, se bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, &se
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("d=%d: %v: %s", d, err, strings.TrimSpace(se.String()))
		}
		var l large
		if err := json.Unmarshal(so.Bytes(), &l); err != nil {
			return fmt.Errorf("d=%d: %w", d, err)
		}
		goal := "time reported"
		if d == 512 {
			goal = "RSS < 200 MB: met"
			if l.MaxRSS >= 200<<20 {
				goal = "RSS < 200 MB: MISSED"
			}
		}
		fmt.Fprintf(w, "| %d | %d | %d | %s (+ %s to build) | %d | %.0f MB | %s |\n",
			d, d*d, 4*d*d, dur(seconds(l.Seconds)), dur(seconds(l.Build)), l.MatVecs,
			float64(l.MaxRSS)/(1<<20), goal)
	}
	fmt.Fprintln(w)
	return nil
}

// findPython returns the first of the usual interpreters that imports the
// peer's packages, or "". Debian's comes second: a python3 earlier on PATH
// (a virtual environment, pyenv) is what the user chose, when it has them.
func findPython() string {
	for _, c := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(c)
		if err == nil && exec.Command(p, "-c", "import torch, numpy, scipy").Run() == nil {
			return p
		}
	}
	return ""
}
