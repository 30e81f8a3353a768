package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/basinlab/basin/interp"
)

const usage = `usage: basin <command> [arguments]

commands:
  run FILE.go [args...]   run a script; its arguments are os.Args[1:]
  eval 'source'           evaluate statements and print a final expression
  repl                    start the REPL (the default)
  doc [pkg[.Name]]        show the library's documentation
  sharpness FILE.npz      report the sharpness of a saved network
  version                 print the version
  help                    print this help

run, eval and repl accept --unrestricted, which gives scripts os/exec,
syscall, unsafe and the real environment.
`

func main() {
	// yaegi logs through the standard logger just before some of its
	// internal panics; the host reports those panics as errors instead.
	log.SetOutput(io.Discard)
	os.Exit(basinMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// basinMain runs the command line args and returns the exit code.
func basinMain(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return replMain(nil, stdin, stdout, stderr)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return runMain(rest, stdin, stdout, stderr)
	case "eval":
		return evalMain(rest, stdin, stdout, stderr)
	case "repl":
		return replMain(rest, stdin, stdout, stderr)
	case "doc":
		return docMain(rest, stdout, stderr)
	case "sharpness":
		return sharpnessMain(rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "basin: unknown command %q\n%s", cmd, usage)
	return 2
}

// interruptible returns a context cancelled by the first SIGINT; a
// second SIGINT then has its default effect. stop releases the signal.
func interruptible() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			cancel()
		case <-done:
		}
		signal.Stop(ch)
	}()
	return ctx, func() { close(done); cancel() }
}

// report prints err from a script and returns the exit code for it.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ee *interp.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	fmt.Fprintln(stderr, "basin:", err)
	return 1
}
