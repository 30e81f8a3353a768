package record_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/record"
	"gonum.org/v1/gonum/mat"
)

// trackedEscape runs GD from next to the sharp minimizer of escapeSetup
// with a tracker every 10 steps and returns the tracker.
func trackedEscape(t *testing.T, opt optim.Optimizer, steps int) (*record.Tracker, *dmf.Net, *dmf.Net) {
	t.Helper()
	start, _, eta := escapeSetup(t)
	if opt == nil {
		opt = &optim.GD{Eta: eta}
	}
	n := start.Perturb(1e-6, start.RandomDirection(7))
	tr := record.NewTracker(n, opt, nil)
	_, err := optim.Run(context.Background(), n, opt, &optim.Settings{Steps: steps, Every: 10, Hook: tr.Hook})
	if err != nil {
		t.Fatal(err)
	}
	return tr, n, start
}

func TestTrackerAgainstDense(t *testing.T) {
	tr, n, _ := trackedEscape(t, nil, 300)
	recs := tr.Records()
	if len(recs) != 31 || recs[0].Step != 0 || recs[30].Step != 300 {
		t.Fatalf("%d records, steps %d..%d", len(recs), recs[0].Step, tr.Last().Step)
	}
	// The final record describes the final network: compare each
	// field with an independent computation.
	last := tr.Last()
	if d := denseSharpness(t, n); math.Abs(last.Sharpness-d) > 1e-8*d {
		t.Errorf("tracked sharpness %.12g, dense %.12g", last.Sharpness, d)
	}
	if math.IsNaN(last.Exact) || math.Abs(last.Exact-last.Sharpness) > 1e-8*last.Sharpness {
		t.Errorf("exact %.12g, Lanczos %.12g at a minimizer", last.Exact, last.Sharpness)
	}
	g, loss := n.Grad(nil)
	if math.Abs(last.Loss-loss) > 1e-12*math.Max(loss, 1e-30) {
		t.Errorf("loss %g, want %g", last.Loss, loss)
	}
	var gn float64
	for _, v := range g {
		gn += v * v
	}
	if math.Abs(last.GradNorm-math.Sqrt(gn)) > 1e-9*math.Sqrt(gn)+1e-300 {
		t.Errorf("grad norm %g, want %g", last.GradNorm, math.Sqrt(gn))
	}
	b := n.Balance()
	for i := range b.C {
		if last.C[i] != b.C[i] || last.Spectral[i] != b.Spectral[i] {
			t.Errorf("balance of layer %d differs", i+1)
		}
	}
	// At step 0 the point is 1e-6 from the minimizer: no exact value
	// at the default tolerance, distance 0.
	if !math.IsNaN(recs[0].Exact) && recs[0].Residual > 1e-8 || recs[0].Distance != 0 {
		t.Errorf("first record: exact %v residual %v distance %v", recs[0].Exact, recs[0].Residual, recs[0].Distance)
	}
	// Warm starts: records after the first need few products.
	if recs[len(recs)-1].MatVecs >= recs[0].MatVecs {
		t.Logf("matvecs first %d, last %d", recs[0].MatVecs, recs[len(recs)-1].MatVecs)
	}
}

func TestTrackerPreconditioned(t *testing.T) {
	adam := &optim.Adam{Eta: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	tr, n, _ := trackedEscape(t, adam, 50)
	last := tr.Last()
	d := adam.Preconditioner(nil)
	h, err := n.At().DenseHessian()
	if err != nil {
		t.Fatal(err)
	}
	// Independent path: scale the dense Hessian by D^{1/2} on both
	// sides and diagonalize.
	k := h.SymmetricDim()
	s := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			s.SetSym(i, j, math.Sqrt(d[i]*d[j])*h.At(i, j))
		}
	}
	var es mat.EigenSym
	es.Factorize(s, false)
	v := es.Values(nil)
	want := v[len(v)-1]
	if math.Abs(last.Preconditioned-want) > 1e-8*want {
		t.Errorf("preconditioned sharpness %.12g, dense %.12g", last.Preconditioned, want)
	}
}

func TestCSVAndJSONL(t *testing.T) {
	tr, _, _ := trackedEscape(t, nil, 100)
	recs := tr.Records()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "run.csv")
	jsonPath := filepath.Join(dir, "run.jsonl")
	if err := record.WriteCSV(csvPath, recs); err != nil {
		t.Fatal(err)
	}
	if err := record.WriteJSONL(jsonPath, recs); err != nil {
		t.Fatal(err)
	}

	f, _ := os.Open(csvPath)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs)+1 || strings.Join(rows[0], ",") != strings.Join(record.Header(3), ",") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, r := range recs {
		row := rows[i+1]
		for name, want := range map[string]float64{"loss": r.Loss, "sharpness": r.Sharpness, "exact": r.Exact, "c_2": r.C[1], "gap_2": r.Gaps[1]} {
			got, err := strconv.ParseFloat(row[col[name]], 64)
			if err != nil || !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("row %d %s = %q, want %v", i, name, row[col[name]], want)
			}
		}
	}

	b, _ := os.ReadFile(jsonPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d JSON lines for %d records", len(lines), len(recs))
	}
	var first struct {
		Step  int
		Loss  float64
		Exact *float64
		C     []float64
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Exact != nil || first.Loss != recs[0].Loss || len(first.C) != 3 {
		t.Errorf("first line %s", lines[0])
	}
}

// failAfter writes n bytes and then fails, like a full disk.
type failAfter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failAfter) write(w io.Writer) error {
	if _, err := w.Write(bytes.Repeat([]byte("x"), f.n)); err != nil {
		return err
	}
	return errDisk
}

func TestAtomicWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")

	// A failing write leaves no file, not even a temporary one.
	err := record.WriteFile(path, (&failAfter{n: 1 << 16}).write)
	if !errors.Is(err, errDisk) {
		t.Fatalf("err = %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %v behind", ents[0].Name())
	}

	// A failing rewrite leaves the old file whole.
	if err := record.WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "old\n"); return err }); err != nil {
		t.Fatal(err)
	}
	record.WriteFile(path, (&failAfter{n: 10}).write)
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("file now %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the directory, want 1", len(ents))
	}

	// An interrupt is a cancelled context seen by the writer: the same.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = record.WriteFile(filepath.Join(dir, "new.json"), func(w io.Writer) error {
		io.WriteString(w, "{")
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.json")); !os.IsNotExist(err) {
		t.Error("interrupted write left new.json")
	}

	// Writing into a missing directory is an error, not a panic.
	if err := record.WriteJSON(filepath.Join(dir, "no", "x.json"), 1); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	// NaN is not JSON.
	if err := record.WriteJSON(filepath.Join(dir, "nan.json"), math.NaN()); err == nil {
		t.Error("NaN written as JSON")
	}
}

func TestPlots(t *testing.T) {
	tr, _, start := trackedEscape(t, nil, 200)
	recs := tr.Records()
	dir := t.TempDir()
	runs := []record.Escape{{Eps: 1e-2, Step: 6, Predicted: 5.7}, {Eps: 1e-6, Step: 29, Predicted: 28.4}, {Eps: 1e-10, Step: 52, Predicted: 51.1}}
	for _, ext := range []string{".png", ".svg"} {
		for name, f := range map[string]func(string) error{
			"sharpness": func(p string) error { return record.PlotSharpness(p, recs, tr.Optimizer()) },
			"loss":      func(p string) error { return record.PlotLoss(p, recs) },
			"balance":   func(p string) error { return record.PlotBalance(p, recs, start.Balance().Flat) },
			"escape":    func(p string) error { return record.PlotEscape(p, runs) },
		} {
			path := filepath.Join(dir, name+ext)
			if err := f(path); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			b, _ := os.ReadFile(path)
			magic := "\x89PNG"
			if ext == ".svg" {
				magic = "<?xml"
			}
			if !bytes.HasPrefix(b, []byte(magic)) || len(b) < 1000 {
				t.Errorf("%s: %d bytes starting %q", path, len(b), b[:min(len(b), 8)])
			}
		}
	}
	if err := record.PlotLoss(filepath.Join(dir, "x.pdf"), recs); err == nil {
		t.Error("plot to .pdf accepted")
	}
	if err := record.PlotLoss(filepath.Join(dir, "x.png"), nil); err == nil {
		t.Error("plot of no records accepted")
	}
	if got := record.ThresholdLabel(&optim.Momentum{Eta: 0.1, Beta: 0.5}); got != "(2+2beta)/eta = 30" {
		t.Errorf("label %q", got)
	}
}

func TestProgressQuietOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := record.NewProgress(&buf, 100, "run")
	if p.Active() {
		t.Fatal("progress bar active on a buffer")
	}
	p.Hook(50, 1, nil)
	p.Finish()
	if buf.Len() != 0 {
		t.Errorf("wrote %q", buf.String())
	}
	// A regular file is not a terminal either.
	f, _ := os.Create(filepath.Join(t.TempDir(), "log"))
	defer f.Close()
	if record.NewProgress(f, 100, "run").Active() {
		t.Error("progress bar active on a file")
	}
}

// TestTrackerWarmCost checks that warm starts keep tracking cheap near a
// minimizer, with values that stay exact to the tracking tolerance.
func TestTrackerWarmCost(t *testing.T) {
	m := dmf.RandomTarget(6, 6, 1)
	start, err := dmf.Balanced(m, []int{6, 6, 6, 6, 6}, 2)
	if err != nil {
		t.Fatal(err)
	}
	n := start.Perturb(1e-3, start.RandomDirection(3))
	tr := record.NewTracker(n, nil, &record.Options{NoExact: true, NoBalance: true})
	if _, err := optim.Run(context.Background(), n, &optim.GD{Eta: 1e-3}, &optim.Settings{Steps: 2000, Every: 10, Hook: tr.Hook}); err != nil {
		t.Fatal(err)
	}
	recs := tr.Records()
	mv := 0
	for _, r := range recs[1:] {
		mv += r.MatVecs
		if r.SharpnessResidual > record.DefaultTrackTol*r.Sharpness {
			t.Fatalf("step %d: residual %g above the tolerance", r.Step, r.SharpnessResidual)
		}
	}
	// The Hessian moves little in 10 steps of size 1e-3, so most
	// records end after the first product; 3 leaves room for the early
	// ones, which move faster.
	if mean := float64(mv) / float64(len(recs)-1); mean > 3 {
		t.Errorf("mean %.2f products per warm record, want at most 3", mean)
	}
	// Residual r bounds the error by r^2/gap; against the dense
	// reference 1e-9 relative allows gaps down to 1e-3 of the value.
	if d := denseSharpness(t, n); math.Abs(tr.Last().Sharpness-d) > 1e-9*d {
		t.Errorf("tracked %.15g, dense %.15g", tr.Last().Sharpness, d)
	}
}
