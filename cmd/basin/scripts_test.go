package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// scriptTimeout bounds one run of one script, compiled or interpreted.
const scriptTimeout = 5 * time.Minute

// TestScriptsMatchGoRun runs every scripts/*.go file compiled and under
// basin run, in a scratch directory each, and requires the same standard
// output. Scripts write timings to standard error, which is not compared.
func TestScriptsMatchGoRun(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join("..", "..", "scripts", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Skip("scripts/ has no scripts yet")
	}
	if testing.Short() {
		t.Skip("runs every script twice; skipped in -short mode")
	}
	bin := t.TempDir()
	for _, s := range scripts {
		s, _ := filepath.Abs(s)
		name := filepath.Base(s)
		t.Run(name, func(t *testing.T) {
			exe := filepath.Join(bin, name+".exe")
			build := exec.Command("go", "build", "-o", exe, s)
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			compiled, tc := runIn(t, exe)
			interpreted, ti := runIn(t, basinBin, "run", s)
			if compiled != interpreted {
				t.Errorf("stdout differs\ncompiled:\n%s\ninterpreted:\n%s", compiled, interpreted)
			}
			t.Logf("compiled %v, interpreted %v, ratio %.2f", tc, ti, ti.Seconds()/tc.Seconds())
		})
	}
}

// runIn runs a command in a fresh directory and returns its standard
// output and wall time, failing the test if it fails.
func runIn(t *testing.T, name string, args ...string) (string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = os.Environ()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\nstderr:\n%s", name, args, err, e.String())
	}
	return o.String(), time.Since(start)
}
