package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chzyer/readline"

	"github.com/basinlab/basin/interp"
)

// historyName is the REPL's history file in the user's home directory;
// $BASIN_HISTORY overrides the whole path.
const historyName = ".basin_history"

// replMain implements basin repl and plain basin.
func replMain(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("basin repl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unrestricted := fs.Bool("unrestricted", false, "give input os/exec, syscall, unsafe and the real environment")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: basin repl [--unrestricted]")
		return 2
	}

	r := &interp.REPL{
		Options: interp.Options{
			Stdin:        stdin,
			Stdout:       stdout,
			Stderr:       stderr,
			Unrestricted: *unrestricted,
		},
		Interactive: readline.IsTerminal(int(stdin.Fd())),
		HistoryFile: historyFile(),
	}
	err := r.Run()
	switch {
	case err == nil:
		return 0
	case errors.Is(err, interp.ErrFailed):
		return 1
	}
	fmt.Fprintln(stderr, "basin:", err)
	return 1
}

// historyFile returns the REPL history's path, or "" when there is no home
// directory.
func historyFile() string {
	if p := os.Getenv("BASIN_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, historyName)
}
