package interp

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/basinlab/basin/stdlib/symbols"
)

// syncBuffer is a bytes.Buffer safe for a script's goroutine to write
// while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHost(t *testing.T, opts Options) *Host {
	t.Helper()
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.ImportLibrary(); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestEvalSession(t *testing.T) {
	var out bytes.Buffer
	h := newHost(t, Options{Stdout: &out})
	ctx := context.Background()
	steps := []struct {
		src, show string
		expr      bool
	}{
		{"x := 20", "", false},
		{"func twice(v int) int { return 2 * v }", "", false},
		{"twice(x) + 2", "42 (int)", true},
		{`fmt.Println("printed")`, "", false},
		{"var s []int; s = append(s, 1, 2); s", "[1 2] ([]int)", true},
		{"func() string { return \"lit\" }()", `"lit" (string)`, true},
		{"m := mat.NewDense(1, 2, []float64{3, 4}); m", "1x2 Dense\n[3  4]", true},
		{`import "fmt"`, "", false},
		{"import (\n\t\"math\"\n\t\"encoding/json\"\n)", "", false},
		{`json.Valid([]byte("{}"))`, "true (bool)", true},
	}
	for _, st := range steps {
		res, err := h.Eval(ctx, "", st.src)
		if err != nil {
			t.Fatalf("Eval(%q): %v", st.src, err)
		}
		if res.Expr != st.expr || st.expr && Format(res.Value) != st.show {
			t.Errorf("Eval(%q) = %q, expr %v; want %q, expr %v", st.src, Format(res.Value), res.Expr, st.show, st.expr)
		}
	}
	if out.String() != "printed\n" {
		t.Errorf("stdout %q", out.String())
	}
	if got := strings.Join(h.Names(), " "); got != "m s twice x" {
		t.Errorf("Names() = %q", got)
	}
}

func TestEvalErrorPositions(t *testing.T) {
	h := newHost(t, Options{})
	tests := []struct{ src, want string }{
		{"  nosuchName", "in:1:3: undefined: nosuchName"},
		{"x := 1\ny := x +/ 2", "in:2:9: expected operand, found '/' (and 1 more errors)"},
		{"a := 1\nb := a\n_ = b\n_ = dfm.New", "in:4:5: undefined: dfm (did you mean dmf?)"},
		{"math.Sqr(2)", "in:1:1: undefined: math.Sqr (did you mean math.Sqrt?)"},
		{"for i := range 3 {}", "in:1:16: range over an integer (Go 1.22) is not supported by the interpreter; write for i := 0; i < n; i++"},
		{`panic("stop")`, "in:1:1: panic: stop"},
	}
	for _, tt := range tests {
		_, err := h.Eval(context.Background(), "in", tt.src)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Eval(%q) error %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	h := newHost(t, Options{})
	tests := []struct {
		src  string
		kind Kind
	}{
		{"x := ", CompileError},
		{"min(1, 2)", Unsupported},
		{"var a []int; _ = a[1]", RuntimePanic},
	}
	for _, tt := range tests {
		_, err := h.Eval(context.Background(), "", tt.src)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind {
			t.Errorf("Eval(%q): %v, want kind %v", tt.src, err, tt.kind)
		}
	}
}

func TestGoroutinePanicCallback(t *testing.T) {
	got := make(chan *Error, 1)
	h := newHost(t, Options{GoPanic: func(e *Error) { got <- e }})
	if _, err := h.Eval(context.Background(), "", `go func() { panic("bg") }()`); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-got:
		if e.Kind != GoroutinePanic || e.Error() != "1:1: panic in goroutine: bg" {
			t.Errorf("got %v (kind %v)", e, e.Kind)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no goroutine panic reported within 5s")
	}
}

func TestCancelStopsCore(t *testing.T) {
	var out syncBuffer
	h := newHost(t, Options{Stdout: &out})
	src := []byte(`package main

import (
	"fmt"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/optim"
	"github.com/basinlab/basin/stdlib/session"
)

func main() {
	m := dmf.RandomTarget(20, 20, 1)
	n := dmf.Random([]int{20, 20, 20, 20}, m, 0.1, 2)
	gd, _ := optim.NewGD(1e-3)
	_, err := optim.Run(session.Context(), n, gd, &optim.Settings{Steps: 1 << 40})
	fmt.Println("run ended:", err)
}
`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	err := h.Run(ctx, "long.go", src)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Interrupted {
		t.Fatalf("Run: %v, want an Interrupted error", err)
	}
	// The interpreter stops the script's own code at once; the compiled
	// loop must notice the cancellation too and stop using the CPU.
	time.Sleep(100 * time.Millisecond)
	before := cpuTime(t)
	time.Sleep(500 * time.Millisecond)
	if used := cpuTime(t) - before; used > 250*time.Millisecond {
		t.Errorf("the process used %v of CPU in the 500ms after cancellation; the core loop is still running", used)
	}
}

// cpuTime returns the CPU time the process has used.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestUnrestricted(t *testing.T) {
	src := []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"os/exec\"\n)\n\nfunc main() { fmt.Println(exec.Command(\"true\").Run()) }\n")
	h := newHost(t, Options{})
	err := h.Run(context.Background(), "x.go", src)
	if err == nil || err.Error() != "x.go:5:2: package os/exec is only available with --unrestricted" {
		t.Errorf("restricted: %v", err)
	}
	var out bytes.Buffer
	h = newHost(t, Options{Unrestricted: true, Stdout: &out})
	if err := h.Run(context.Background(), "x.go", src); err != nil || out.String() != "<nil>\n" {
		t.Errorf("unrestricted: %v, stdout %q", err, out.String())
	}
}

func TestNoStartProcess(t *testing.T) {
	var out bytes.Buffer
	h := newHost(t, Options{Stdout: &out})
	src := "_, err := os.StartProcess(\"/bin/true\", nil, &os.ProcAttr{}); fmt.Println(err)"
	if _, err := h.Eval(context.Background(), "", src); err != nil {
		t.Fatal(err)
	}
	if want := "startprocess /bin/true: only available with --unrestricted\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestGenericMember(t *testing.T) {
	const p = "example.com/gen"
	symbols.Generic[p] = []string{"Map"}
	defer delete(symbols.Generic, p)
	h := &Host{names: map[string]bool{}}
	got := h.explain(`package gen "example.com/gen" has no symbol Map`, nil)
	if want := "undefined: gen.Map (gen.Map is generic; the interpreter cannot call generic functions or types of compiled packages)"; got != want {
		t.Errorf("explain: %q, want %q", got, want)
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"Balanced", "Println", "Printf", "learningRate", "dmf", "x"}
	tests := []struct{ name, want, why string }{
		{"Ballanced", "Balanced", "one insertion"},
		{"Prinln", "Println", "one deletion"},
		{"dfm", "dmf", "a swap counts as one edit"},
		{"learningrate", "learningRate", "case differs"},
		{"y", "", "names under three letters get no guess"},
		{"zzzzzz", "", "nothing close"},
	}
	for _, tt := range tests {
		if got := nearest(tt.name, cands); got != tt.want {
			t.Errorf("nearest(%q) = %q, want %q (%s)", tt.name, got, tt.want, tt.why)
		}
	}
}

func TestNeedMore(t *testing.T) {
	tests := []struct {
		src  string
		more bool
	}{
		{"x := 1", false},
		{"func f() {", true},
		{"func f() {\n}", false},
		{"fmt.Println(1,", true},
		{"a := 1 +", true},
		{"s := `raw", true},
		{"/* open", true},
		{":doc dmf.Net", false},
		{"m := map[string]int{\n\"a\": 1,", true},
	}
	for _, tt := range tests {
		if got := needMore(tt.src); got != tt.more {
			t.Errorf("needMore(%q) = %v, want %v", tt.src, got, tt.more)
		}
	}
}

func TestFormatMatrix(t *testing.T) {
	h := newHost(t, Options{})
	res, err := h.Eval(context.Background(), "", "mat.NewDense(20, 30, nil)")
	if err != nil {
		t.Fatal(err)
	}
	got := Format(res.Value)
	lines := strings.Split(got, "\n")
	if lines[0] != "20x30 Dense" {
		t.Errorf("header %q", lines[0])
	}
	// Excerpt shows matExcerpt rows from each end and three lines of
	// dots between them.
	if len(lines) != 1+2*matExcerpt+3 {
		t.Errorf("large matrix not elided:\n%s", got)
	}
	if got := Format(reflect.ValueOf("s")); got != `"s" (string)` {
		t.Errorf("Format(string) = %q", got)
	}
	var e error
	if got := Format(reflect.ValueOf(&e).Elem()); got != "nil (error)" {
		t.Errorf("Format(nil error) = %q", got)
	}
}

// replStartLimit is the start-up budget of the REPL: creating the host and
// importing the library, which must feel instant.
const replStartLimit = 300 * time.Millisecond

func TestStartTime(t *testing.T) {
	best := time.Hour
	for i := 0; i < 3; i++ {
		start := time.Now()
		newHost(t, Options{})
		best = min(best, time.Since(start))
	}
	t.Logf("host start with the library imported: %v", best)
	if best > replStartLimit {
		t.Errorf("start took %v, over %v", best, replStartLimit)
	}
}

func BenchmarkStart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := h.ImportLibrary(); err != nil {
			b.Fatal(err)
		}
	}
}
