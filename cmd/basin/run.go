package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/basinlab/basin/interp"
)

// runMain implements basin run.
func runMain(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("basin run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unrestricted := fs.Bool("unrestricted", false, "give the script os/exec, syscall, unsafe and the real environment")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: basin run [--unrestricted] FILE.go [args...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)

	h, err := interp.New(interp.Options{
		Stdin:        stdin,
		Stdout:       stdout,
		Stderr:       stderr,
		Args:         fs.Args(),
		Unrestricted: *unrestricted,
	})
	if err != nil {
		fmt.Fprintln(stderr, "basin:", err)
		return 1
	}
	ctx, stop := interruptible()
	defer stop()
	return report(stderr, h.RunFile(ctx, file))
}
