package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/sharpness"
)

const sharpnessUsage = `usage: basin sharpness [flags] FILE.npz

Prints the loss, the sharpness (largest Hessian eigenvalue, by Lanczos on
exact Hessian-vector products), the exact value at a minimizer, the
flattest value and the upper bound for the network in FILE.npz, which
holds arrays W1..WL and optionally the target M (the product when absent).

flags:
`

// sharpnessReport is the --json output of basin sharpness.
type sharpnessReport struct {
	File       string    `json:"file"`
	Widths     []int     `json:"widths"`
	Params     int       `json:"params"`
	Scale      float64   `json:"scale"`
	Loss       float64   `json:"loss"`
	Residual   float64   `json:"relative_residual"`
	Sharpness  float64   `json:"sharpness"`
	Values     []float64 `json:"values"`
	Residuals  []float64 `json:"residuals"`
	Exact      *float64  `json:"exact"`
	ExactWhy   string    `json:"exact_method"`
	Flattest   float64   `json:"flattest"`
	UpperBound float64   `json:"upper_bound"`
	Products   []float64 `json:"products"`
	Spectral   []float64 `json:"spectral_norms"`
	Converged  bool      `json:"converged"`
	MatVecs    int       `json:"matvecs"`
	Dense      *float64  `json:"dense,omitempty"`
}

// sharpnessMain runs `basin sharpness` with the arguments after the
// subcommand name and returns the exit status.
func sharpnessMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sharpness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	scale := fs.Float64("scale", dmf.DefaultScale, "loss scale s in l = s ||W_L...W_1 - M||_F^2")
	k := fs.Int("k", 1, "number of top eigenvalues")
	tol := fs.Float64("tol", sharpness.DefaultTol, "Lanczos residual tolerance, relative to the eigenvalue")
	maxIter := fs.Int("maxiter", 0, "Lanczos Krylov dimension cap (0: the default)")
	minTol := fs.Float64("minimizer-tol", sharpness.DefaultMinimizerTol, "relative residual below which the point counts as a minimizer")
	dense := fs.Bool("dense", false, "also compute lambda_max from the dense Hessian (small networks only)")
	seed := fs.Uint64("seed", 1, "seed of the Lanczos start vector")
	fs.Usage = func() {
		fmt.Fprint(stderr, sharpnessUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "basin sharpness: want exactly one FILE.npz")
		fs.Usage()
		return 2
	}
	switch {
	case !(*scale > 0):
		fmt.Fprintf(stderr, "basin sharpness: --scale %v: must be positive\n", *scale)
		return 2
	case *k < 1:
		fmt.Fprintf(stderr, "basin sharpness: --k %d: must be at least 1\n", *k)
		return 2
	case !(*tol > 0):
		fmt.Fprintf(stderr, "basin sharpness: --tol %v: must be positive\n", *tol)
		return 2
	}
	path := fs.Arg(0)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := sharpnessOf(ctx, path, *scale, *minTol, *dense, &sharpness.LanczosSettings{
		K: *k, Tol: *tol, MaxIter: *maxIter, Seed: *seed,
	})
	if rep == nil {
		fmt.Fprintf(stderr, "basin: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if e := enc.Encode(rep); e != nil {
			fmt.Fprintf(stderr, "basin: %v\n", e)
			return 1
		}
	} else {
		printSharpness(stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "basin: %s: %v\n", path, err)
		return 1
	}
	return 0
}

// sharpnessOf computes the report. A non-nil report with an error means
// Lanczos did not converge: the report holds what it found.
func sharpnessOf(ctx context.Context, path string, scale, minTol float64, dense bool, ls *sharpness.LanczosSettings) (*sharpnessReport, error) {
	n, err := dmf.Load(path)
	if err != nil {
		return nil, err
	}
	n.SetScale(scale)
	if ls.K > n.NumParams() {
		return nil, fmt.Errorf("%s: --k %d exceeds the %d parameters", path, ls.K, n.NumParams())
	}
	b := n.Balance()
	rep := &sharpnessReport{
		File:       path,
		Widths:     n.Widths(),
		Params:     n.NumParams(),
		Scale:      scale,
		Loss:       n.Loss(),
		Residual:   n.RelativeResidual(),
		Flattest:   sharpness.Flattest(n),
		UpperBound: sharpness.UpperBound(n),
		Products:   b.C,
		Spectral:   b.Spectral,
	}
	ex, err := sharpness.AtMinimizer(ctx, n, minTol)
	var nm *sharpness.NotMinimizerError
	switch {
	case err == nil:
		rep.Exact = &ex.Value
		rep.ExactWhy = ex.Method
	case errors.As(err, &nm):
		rep.ExactWhy = fmt.Sprintf("not a minimizer: relative residual %.3g above %.3g", nm.Residual, nm.Tol)
	default:
		return nil, fmt.Errorf("%s: %w", path, err)
	}

	res, lerr := sharpness.Max(ctx, n, ls)
	var nc *sharpness.NotConvergedError
	if lerr != nil && !errors.As(lerr, &nc) {
		return nil, fmt.Errorf("%s: %w", path, lerr)
	}
	rep.Values = res.Values
	rep.Residuals = res.Residuals
	rep.Converged = res.Converged
	rep.MatVecs = res.MatVecs
	if len(res.Values) > 0 {
		rep.Sharpness = res.Values[0]
	}
	if dense {
		vals, err := sharpness.DenseValues(n.At())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		top := vals[len(vals)-1]
		rep.Dense = &top
	}
	return rep, lerr
}

func printSharpness(w io.Writer, r *sharpnessReport) {
	ws := make([]string, len(r.Widths))
	for i, d := range r.Widths {
		ws[i] = fmt.Sprint(d)
	}
	fmt.Fprintf(w, "file         %s\n", r.File)
	fmt.Fprintf(w, "widths       %s (depth %d, %d parameters)\n", strings.Join(ws, "-"), len(r.Widths)-1, r.Params)
	fmt.Fprintf(w, "loss         %.6g (l = %g ||W_L...W_1 - M||_F^2; relative residual %.3g)\n", r.Loss, r.Scale, r.Residual)
	state := "converged"
	if !r.Converged {
		state = "NOT converged"
	}
	maxRes := 0.0
	for _, x := range r.Residuals {
		maxRes = max(maxRes, x)
	}
	fmt.Fprintf(w, "sharpness    %.12g (Lanczos on exact HVPs: %s, residual %.2g, %d matvecs)\n", r.Sharpness, state, maxRes, r.MatVecs)
	if len(r.Values) > 1 {
		fmt.Fprintf(w, "top %-8d", len(r.Values))
		for _, v := range r.Values {
			fmt.Fprintf(w, " %.10g", v)
		}
		fmt.Fprintln(w)
	}
	if r.Exact != nil {
		fmt.Fprintf(w, "exact        %.12g (at a minimizer: lambda_max of K, %s)\n", *r.Exact, r.ExactWhy)
	} else {
		fmt.Fprintf(w, "exact        n/a (%s)\n", r.ExactWhy)
	}
	if r.Dense != nil {
		fmt.Fprintf(w, "dense        %.12g (dense Hessian)\n", *r.Dense)
	}
	fmt.Fprintf(w, "flattest     %.12g (L sigma_1^(2(L-1)/L), lower bound at minimizers)\n", r.Flattest)
	fmt.Fprintf(w, "upper bound  %.12g (sum_i c_i^2, at minimizers)\n", r.UpperBound)
	fmt.Fprintf(w, "c_i         ")
	for _, c := range r.Products {
		fmt.Fprintf(w, " %.6g", c)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "||W_i||_2   ")
	for _, c := range r.Spectral {
		fmt.Fprintf(w, " %.6g", c)
	}
	fmt.Fprintln(w)
}
