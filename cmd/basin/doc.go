// Basin is the scripting host of the basin loss-landscape library: it runs
// Go-syntax experiment scripts under an interpreter with the library,
// gonum's mat and Go's standard library preloaded, and offers a REPL.
//
// Usage:
//
//	basin run [--unrestricted] FILE.go [args...]
//	basin eval [--unrestricted] 'statements or expression'
//	basin repl [--unrestricted]
//	basin doc [package[.Name[.Method]]]
//	basin sharpness [flags] FILE.npz
//	basin version
//	basin help
//
// Plain basin starts the REPL. A script may start with the line
//
//	#!/usr/bin/env -S basin run
//
// Basin exits 0 on success, 1 when the script fails (the error is one line
// on standard error, "basin: file.go:12:3: message"), 2 on bad usage, and
// with the script's code when it calls os.Exit.
package main
