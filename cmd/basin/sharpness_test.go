package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
)

func runSharpness(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = sharpnessMain(args, &o, &e)
	return o.String(), e.String(), code
}

func TestSharpnessJSONAtMinimizer(t *testing.T) {
	m := dmf.RandomTarget(3, 4, 1)
	n, err := dmf.Unbalanced(m, []int{4, 5, 3, 3}, 0.5, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "min.npz")
	if err := dmf.Save(path, n); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runSharpness("--json", "--k", "2", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"loss", "sharpness", "exact", "flattest", "upper_bound", "products", "converged", "matvecs"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	sh, ex := rep["sharpness"].(float64), rep["exact"].(float64)
	// Lanczos at the default tolerance 1e-10 against the exact value.
	if math.Abs(sh-ex) > 1e-9*ex {
		t.Errorf("sharpness %v, exact %v", sh, ex)
	}
	lo, hi := rep["flattest"].(float64), rep["upper_bound"].(float64)
	if ex < lo || ex > hi {
		t.Errorf("exact %v outside [%v, %v]", ex, lo, hi)
	}
	if len(rep["products"].([]any)) != 3 || rep["converged"] != true {
		t.Errorf("products %v, converged %v", rep["products"], rep["converged"])
	}
	if len(rep["values"].([]any)) != 2 {
		t.Errorf("--k 2 gave values %v", rep["values"])
	}

	// Scale 1 doubles every eigenvalue.
	out1, _, _ := runSharpness("--json", "--scale", "1", path)
	var rep1 map[string]any
	json.Unmarshal([]byte(out1), &rep1)
	if s1 := rep1["exact"].(float64); math.Abs(s1-2*ex) > 1e-9*s1 {
		t.Errorf("scale 1: exact %v, want %v", s1, 2*ex)
	}
}

func TestSharpnessAwayFromMinimizer(t *testing.T) {
	path := filepath.Join("..", "..", "stdlib", "dmf", "testdata", "net3.npz")
	out, errOut, code := runSharpness("--json", "--dense", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep["exact"] != nil {
		t.Errorf("exact = %v away from a minimizer, want null", rep["exact"])
	}
	sh, dn := rep["sharpness"].(float64), rep["dense"].(float64)
	if math.Abs(sh-dn) > 1e-9*math.Abs(dn) {
		t.Errorf("Lanczos %v, dense %v", sh, dn)
	}
	text, _, code := runSharpness(path)
	if code != 0 || !strings.Contains(text, "exact        n/a (not a minimizer") {
		t.Errorf("text output (exit %d):\n%s", code, text)
	}
}

func TestSharpnessBadInput(t *testing.T) {
	td := filepath.Join("..", "..", "stdlib", "dmf", "testdata")
	cases := []struct {
		file, want string
	}{
		{"no_w1.npz", "W1 is missing"},
		{"chain.npz", "W2 is 2x5 but W1 has 3 rows"},
		{"nan.npz", "is NaN"},
		{"three_d.npz", "2-D"},
		{"truncated.npz", "not an NPZ archive"},
		{"not_npz.npz", "not an NPZ archive"},
		{"missing.npz", "no such file"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(td, c.file)
			out, errOut, code := runSharpness(path)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			line := strings.TrimSuffix(errOut, "\n")
			if strings.Contains(line, "\n") || !strings.HasPrefix(line, "basin: "+path+": ") || !strings.Contains(line, c.want) {
				t.Errorf("stderr %q, want one line naming %s and %q", errOut, path, c.want)
			}
		})
	}
}

func TestSharpnessNotConverged(t *testing.T) {
	path := filepath.Join("..", "..", "stdlib", "dmf", "testdata", "net3.npz")
	out, errOut, code := runSharpness("--json", "--maxiter", "2", "--tol", "1e-14", path)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, "did not converge") || !strings.Contains(errOut, "residual") {
		t.Errorf("stderr %q does not report the residual", errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep["converged"] != false {
		t.Errorf("report %v (err %v), want converged false", rep, err)
	}
}

func TestSharpnessUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"a.npz", "b.npz"}, {"--k", "0", "x.npz"}, {"--nosuch", "x.npz"}} {
		if _, _, code := runSharpness(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
