package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyWait bounds how long a REPL test waits for expected output.
const ptyWait = 10 * time.Second

// term is a basin REPL running on a pseudo-terminal.
type term struct {
	t    *testing.T
	cmd  *exec.Cmd
	f    *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int
	done chan struct{}
}

// startREPL starts basin with history kept in home.
func startREPL(t *testing.T, home string) *term {
	t.Helper()
	cmd := exec.Command(basinBin)
	cmd.Env = append(os.Environ(), "HOME="+home, "BASIN_HISTORY=", "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, cmd: cmd, f: f, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			tm.mu.Lock()
			tm.buf.Write(b[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	start := time.Now()
	tm.expect("basin> ")
	t.Logf("prompt after %v", time.Since(start))
	return tm
}

// send types s.
func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.f.WriteString(s); err != nil {
		tm.t.Fatal(err)
	}
}

// expect waits for want to appear in the output after what earlier
// expectations consumed, and consumes through it.
func (tm *term) expect(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(ptyWait)
	for time.Now().Before(deadline) {
		tm.mu.Lock()
		out := tm.buf.String()[tm.seen:]
		if i := strings.Index(out, want); i >= 0 {
			tm.seen += i + len(want)
			tm.mu.Unlock()
			return
		}
		tm.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.t.Fatalf("no %q in REPL output after %v; unconsumed output:\n%q", want, ptyWait, tm.buf.String()[tm.seen:])
}

// exit sends Ctrl-D and waits for a clean exit.
func (tm *term) exit() {
	tm.t.Helper()
	tm.send("\x04")
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			tm.t.Fatalf("REPL exited with %v", err)
		}
	case <-time.After(ptyWait):
		tm.t.Fatal("REPL did not exit on Ctrl-D")
	}
}

func TestREPLCompletion(t *testing.T) {
	tm := startREPL(t, t.TempDir())
	// A package member: mat.NewDen completes to mat.NewDense.
	tm.send("mat.NewDen\t")
	tm.send("(2, 3, nil)\r")
	tm.expect("2x3 Dense")
	// A package name, then a member: sharpn + Tab, .Flatt + Tab.
	tm.send("x := sharpn\t")
	tm.send(".Flatt\t\r")
	tm.send("x\r")
	tm.expect("(func(*dmf.Net) float64)")
	// The session's own variable, and its methods.
	tm.send("longVariableName := 41\r")
	tm.send("longVar\t+ 1\r")
	tm.expect("42 (int)")
	tm.send("net := dmf.Zeros([]int{1, 1}, mat.NewDense(1, 1, []float64{2}))\r")
	tm.send("net.Los\t()\r")
	tm.expect("2 (float64)")
	tm.exit()
}

func TestREPLMultiLine(t *testing.T) {
	tm := startREPL(t, t.TempDir())
	tm.send("func sq(x int) int {\r")
	tm.expect("...... ")
	tm.send("return x * x\r")
	tm.expect("...... ")
	tm.send("}\r")
	tm.expect("basin> ")
	tm.send("sq(7) +\r")
	tm.expect("...... ")
	tm.send("1\r")
	tm.expect("50 (int)")
	tm.exit()
}

func TestREPLInterrupt(t *testing.T) {
	tm := startREPL(t, t.TempDir())
	// Ctrl-C at the prompt clears the line.
	tm.send("this is not go")
	tm.send("\x03")
	tm.expect("^C")
	tm.send("3 * 3\r")
	tm.expect("9 (int)")

	// Ctrl-C during an endless interpreted loop interrupts it.
	tm.send("n := 0; for { n++ }\r")
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03")
	tm.expect("interrupted")
	tm.send("n > 0\r")
	tm.expect("true (bool)")

	// And during a long computation in compiled code that honors the
	// session's context.
	tm.send("m := dmf.RandomTarget(20, 20, 1); nn := dmf.Random([]int{20, 20, 20, 20}, m, 0.1, 2); gd, _ := optim.NewGD(1e-3)\r")
	tm.expect("basin> ")
	tm.send("optim.Run(session.Context(), nn, gd, &optim.Settings{Steps: 1 << 40})\r")
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03")
	tm.expect("interrupted")
	tm.send(`"still here"` + "\r")
	tm.expect(`"still here" (string)`)
	tm.exit()
}

func TestREPLHistory(t *testing.T) {
	home := t.TempDir()
	tm := startREPL(t, home)
	tm.send("777 + 1\r")
	tm.expect("778 (int)")
	tm.send("\"unrelated\"\r")
	tm.expect(`"unrelated" (string)`)
	tm.exit()
	if b, err := os.ReadFile(filepath.Join(home, ".basin_history")); err != nil || !strings.Contains(string(b), "777 + 1") {
		t.Fatalf("history file: %q, %v", b, err)
	}

	tm = startREPL(t, home)
	// Up arrow recalls the last line of the previous session.
	tm.send("\x1b[A\r")
	tm.expect(`"unrelated" (string)`)
	// Ctrl-R searches further back.
	tm.send("\x12777")
	time.Sleep(200 * time.Millisecond)
	tm.send("\r")
	time.Sleep(200 * time.Millisecond)
	tm.send("\r")
	tm.expect("778 (int)")
	tm.exit()
}

func TestREPLSurvivesScriptErrors(t *testing.T) {
	tm := startREPL(t, t.TempDir())
	tm.send("var a []int; a[3] = 1\r")
	tm.expect("panic")
	tm.send("mat.NewDense(2, 2, nil).Mul(mat.NewDense(2, 3, nil), mat.NewDense(2, 3, nil))\r")
	tm.expect("mat: dimension mismatch")
	tm.send("for i := range 3 { _ = i }\r")
	tm.expect("range over an integer")
	tm.send("go func() { panic(\"bg\") }()\r")
	tm.expect("panic in goroutine: bg")
	tm.send("os.Exit(4)\r")
	tm.expect("os.Exit(4) called")
	tm.send(":doc dmf.NumParams\r")
	tm.expect("func NumParams(widths []int) int")
	tm.send("1 + 1\r")
	tm.expect("2 (int)")
	tm.exit()
}
