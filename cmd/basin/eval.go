package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/basinlab/basin/interp"
)

// evalMain implements basin eval.
func evalMain(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("basin eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unrestricted := fs.Bool("unrestricted", false, "give the code os/exec, syscall, unsafe and the real environment")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: basin eval [--unrestricted] 'statements or expression'")
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

	h, err := interp.New(interp.Options{
		Stdin:        stdin,
		Stdout:       stdout,
		Stderr:       stderr,
		Args:         []string{"eval"},
		Unrestricted: *unrestricted,
	})
	if err == nil {
		err = h.ImportLibrary()
	}
	if err != nil {
		fmt.Fprintln(stderr, "basin:", err)
		return 1
	}
	ctx, stop := interruptible()
	defer stop()
	res, err := h.Eval(ctx, "eval", strings.Join(fs.Args(), " "))
	if err != nil {
		return report(stderr, err)
	}
	if res.Expr {
		fmt.Fprintln(stdout, interp.Format(res.Value))
	}
	return 0
}
