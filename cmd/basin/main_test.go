package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// basinBin is the basin binary built for these tests.
var basinBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "basin-test")
	if err != nil {
		panic(err)
	}
	basinBin = filepath.Join(dir, "basin")
	build := exec.Command("go", "build", "-o", basinBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("building basin: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// basin runs the binary with stdin and returns its output and exit code.
func basin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(basinBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "BASIN_HISTORY="+filepath.Join(t.TempDir(), "history"))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// writeScript writes src to a file named name in a temporary directory.
func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	ok := writeScript(t, "ok.go", "package main\n\nimport (\"fmt\"; \"os\")\n\nfunc main() { fmt.Println(os.Args[1:]) }\n")
	bad := writeScript(t, "bad.go", "package main\n\nfunc main() {\n\tvar a []int\n\t_ = a[1]\n}\n")
	undef := writeScript(t, "undef.go", "package main\n\nfunc main() {\n\tx := 1\n\t_ = y\n}\n")
	exit := writeScript(t, "exit.go", "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(7) }\n")
	rng := writeScript(t, "rng.go", "package main\n\nfunc main() {\n\tfor range 3 {\n\t}\n}\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		out, errIs string
	}{
		{"args reach the script", []string{"run", ok, "a", "-b"}, 0, "[a -b]\n", ""},
		{"runtime panic is one line", []string{"run", bad}, 1, "", "basin: " + bad + ":4:2: panic in main.main: reflect: slice index out of range\n"},
		{"compile error", []string{"run", undef}, 1, "", "basin: " + undef + ":5:6: undefined: y\n"},
		{"os.Exit code", []string{"run", exit}, 7, "", ""},
		{"unsupported feature", []string{"run", rng}, 1, "", "basin: " + rng + ":4:12: range over an integer (Go 1.22) is not supported by the interpreter; write for i := 0; i < n; i++\n"},
		{"missing file", []string{"run", "nosuch.go"}, 1, "", "basin: nosuch.go: no such file or directory\n"},
		{"no file is usage", []string{"run"}, 2, "", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", ""},
		{"help", []string{"help"}, 0, usage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := basin(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if out != tt.out {
				t.Errorf("stdout %q, want %q", out, tt.out)
			}
			if tt.errIs != "" && errOut != tt.errIs {
				t.Errorf("stderr %q, want %q", errOut, tt.errIs)
			}
			if strings.Contains(errOut, "goroutine ") {
				t.Errorf("stderr has a Go trace: %s", errOut)
			}
		})
	}
}

func TestShebang(t *testing.T) {
	if _, err := exec.LookPath("env"); err != nil {
		t.Skip("no env command")
	}
	p := writeScript(t, "tool.go", "#!/usr/bin/env -S basin run\npackage main\n\nimport (\"fmt\"; \"os\")\n\nfunc main() {\n\tfmt.Println(\"args\", os.Args[1:])\n\tpanic(\"at line 8\")\n}\n")
	cmd := exec.Command(p, "x")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(basinBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("run: %v, stderr %s", err, e.String())
	}
	if o.String() != "args [x]\n" {
		t.Errorf("stdout %q", o.String())
	}
	if want := "basin: " + p + ":7:2: panic in main.main: at line 8\n"; e.String() != want {
		t.Errorf("stderr %q, want %q", e.String(), want)
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name, src, out string
		code           int
	}{
		{"expression", "1 + 2", "3 (int)\n", 0},
		{"statements then expression", "x := 2.5; x * x", "6.25 (float64)\n", 0},
		{"statement only", "x := 1; _ = x", "", 0},
		{"print is not echoed", `fmt.Println("hi")`, "hi\n", 0},
		{"matrix", "mat.NewDense(2, 2, []float64{1, 2, 3, 4})", "2x2 Dense\n⎡1  2⎤\n⎣3  4⎦\n", 0},
		{"library without import", "dmf.NumParams([]int{2, 3, 4})", "18 (int)\n", 0},
		{"error", "undefinedThing", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := basin(t, "", "eval", tt.src)
			if out != tt.out || code != tt.code {
				t.Errorf("eval %q: stdout %q code %d, want %q code %d (stderr %q)", tt.src, out, code, tt.out, tt.code, errOut)
			}
		})
	}
}

func TestDoc(t *testing.T) {
	tests := []struct {
		query string
		want  []string
		code  int
	}{
		{"", []string{"dmf", "gonum.org/v1/gonum/mat"}, 0},
		{"dmf", []string{`package dmf // import "github.com/basinlab/basin/stdlib/dmf"`, "type Net struct"}, 0},
		{"dmf.Net", []string{"type Net struct", "func (n *Net) Loss() float64"}, 0},
		{"dmf.Net.Loss", []string{"func (n *Net) Loss() float64"}, 0},
		{"mat.Dense", []string{"type Dense struct"}, 0},
		{"gonum.org/v1/gonum/mat.NewDense", []string{"func NewDense(r, c int, data []float64) *Dense"}, 0},
		{"dmf.Ballanced", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			args := []string{"doc"}
			if tt.query != "" {
				args = append(args, tt.query)
			}
			out, errOut, code := basin(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tt.code == 1 && !strings.Contains(errOut, "did you mean dmf.Balanced?") {
				t.Errorf("stderr %q lacks a near match", errOut)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, _, code := basin(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "basin ") || !strings.Contains(out, "yaegi v0.16.1") {
		t.Errorf("version: %q, code %d", out, code)
	}
}

func TestPipedREPL(t *testing.T) {
	in := strings.Join([]string{
		"x := 20",
		"func double(v int) int {",
		"\treturn 2 * v",
		"}",
		"double(x) + 2",
		":type x",
		"nosuch",
		":time x * 3",
		":reset",
		"x",
		`"after reset"`,
		":quit",
		`"not reached"`,
	}, "\n") + "\n"
	out, errOut, code := basin(t, in, "repl")
	lines := strings.Split(out, "\n")
	want := []string{"42 (int)", "int", "60 (int)", "time: ", `"after reset" (string)`, ""}
	if len(lines) != len(want) {
		t.Fatalf("stdout %q, want lines starting %q", out, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want it to start with %q", i+1, lines[i], w)
		}
	}
	if errOut != "1:1: undefined: nosuch\n1:1: undefined: x\n" {
		t.Errorf("stderr %q", errOut)
	}
	if code != 1 {
		t.Errorf("exit code %d, want 1 after a failed input", code)
	}
	// Plain basin reads a pipe the same way.
	if out, _, code := basin(t, "1 + 1\n"); out != "2 (int)\n" || code != 0 {
		t.Errorf("plain basin on a pipe: %q, code %d", out, code)
	}
}
