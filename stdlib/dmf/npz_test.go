package dmf

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLoadNumpyFiles(t *testing.T) {
	n, err := Load("testdata/net3.npz")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Product [][]float64
		Loss    float64
	}
	raw, err := os.ReadFile("testdata/net3.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if got := n.Widths(); len(got) != 4 || got[0] != 4 || got[3] != 2 {
		t.Fatalf("widths %v, want [4 3 5 2]", got)
	}
	// numpy's and gonum's products round differently: 1e-12 relative.
	p := n.Product()
	for i, row := range want.Product {
		for j, x := range row {
			if d := p.At(i, j) - x; d*d > 1e-24*(1+x*x) {
				t.Errorf("product(%d,%d) = %v, numpy %v", i, j, p.At(i, j), x)
			}
		}
	}
	if d := n.Loss() - want.Loss; d*d > 1e-24*want.Loss*want.Loss {
		t.Errorf("loss %v, numpy %v", n.Loss(), want.Loss)
	}

	f, err := Load("testdata/fortran32.npz")
	if err != nil {
		t.Fatal(err)
	}
	// float32 storage keeps 7 digits.
	if !mat.EqualApprox(f.Layer(1), n.Layer(1), 1e-6) || !mat.EqualApprox(f.Layer(2), n.Layer(2), 1e-6) {
		t.Error("Fortran-ordered float32 layers differ from the float64 originals")
	}
	if f.Loss() != 0 {
		t.Errorf("network without M has loss %v, want 0 (target = product)", f.Loss())
	}
	c, err := Load("testdata/compressed.npz")
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(c.Layer(2), n.Layer(2)) {
		t.Error("savez_compressed layers differ")
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		file, want string
	}{
		{"no_w1.npz", "layer W1 is missing"},
		{"gap.npz", "W2 is missing"},
		{"chain.npz", "W2 is 2x5 but W1 has 3 rows"},
		{"nan.npz", "W2: entry (1,2) is NaN"},
		{"three_d.npz", "want a 2-D array"},
		{"ints.npz", "want float64 or float32"},
		{"bad_target.npz", "M is 3x3"},
		{"truncated.npz", "not an NPZ archive"},
		{"not_npz.npz", "not an NPZ archive"},
		{"missing.npz", "no such file"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with %q and containing %q", msg, path, c.want)
			}
		})
	}
}

func TestSaveRoundTrip(t *testing.T) {
	n := offTarget([]int{4, 2, 5, 3}, 3)
	dir := t.TempDir()
	path := filepath.Join(dir, "net.npz")
	if err := Save(path, n); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if !mat.Equal(got.Layer(i), n.Layer(i)) {
			t.Errorf("W%d changed in the round trip", i)
		}
	}
	if !mat.Equal(got.Target(), n.Target()) {
		t.Error("M changed in the round trip")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Save left %d files, want 1", len(entries))
	}
	if err := Save(filepath.Join(dir, "no", "such", "dir.npz"), n); err == nil {
		t.Error("Save into a missing directory succeeded")
	}

	// numpy reads what basin writes: it recomputes the loss.
	py := numpyPython()
	if py == "" {
		t.Skip("no python3 with numpy: cross-check skipped")
	}
	script := `import sys, numpy as np
z = np.load(sys.argv[1])
P = z["W3"] @ z["W2"] @ z["W1"]
print(repr(0.5 * float(np.sum((P - z["M"]) ** 2))))`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy failed: %v\n%s", err, out)
	}
	var loss float64
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &loss); err != nil {
		t.Fatalf("numpy printed %q", out)
	}
	if d := loss - n.Loss(); d*d > 1e-24*loss*loss {
		t.Errorf("numpy loss %v, basin %v", loss, n.Loss())
	}
}

// numpyPython returns a python3 that imports numpy: Debian's first, since
// a python3 earlier on PATH may lack the system packages.
func numpyPython() string {
	for _, c := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(c); err == nil && exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	return ""
}
