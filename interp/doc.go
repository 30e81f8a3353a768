// Package interp is basin's scripting host: it runs Go-syntax scripts and
// REPL input under the yaegi interpreter with basin's library, gonum's mat
// package and Go's standard library preloaded.
//
// # Scripts
//
// A script is an ordinary package main file that imports the library by its
// real import paths, so the same file also compiles with go run. Host.Run
// and Host.RunFile execute one; the script sees its arguments in os.Args.
// A first line starting with "#!" is blanked before parsing, so scripts can
// start with
//
//	#!/usr/bin/env -S basin run
//
// # Errors
//
// Every failure is returned as an *Error carrying the script's
// file:line:col: syntax and type errors (with a near match for undefined
// names), Go features yaegi v0.16.1 lacks (range over an integer or a
// function, the min, max and clear builtins), panics in the script, in
// gonum or in basin's core, and crashes of the interpreter itself. The host
// process never dies of a script's mistake. A script that calls os.Exit
// yields an *ExitError.
//
// yaegi records, for a panic, only the interpreted functions it unwound and
// a position near the start of each, not the statement that panicked.
// Error.Pos is therefore the first statement of the innermost interpreted
// function, Error.Func names that function, and Error.Trace lists the
// functions unwound. When yaegi crashes compiling a file, Error.Pos points
// at the range statement the pre-check could not type, if there is one.
//
// A panic in a goroutine would end the process. The host rewrites
// "go func(...) {...}(...)" and "go f()" statements so that such a panic is
// recovered and reported as an Error of kind GoroutinePanic instead; a
// goroutine started as "go f(args)" with arguments is left as written, since
// rewriting it would change when its arguments are evaluated, and a panic in
// it still ends the process.
//
// # Cancellation
//
// Run and Eval take a context. Cancelling it stops interpreted loops at
// their next step, and the host installs it as session.Context for the
// evaluation, so the core's long computations that scripts pass it to stop
// too. Compiled code that ignores the context runs to completion in the
// background. yaegi v0.16.1 lets the cancelled evaluation's goroutine write
// its results after ExecuteWithContext has returned, and shares frames with
// the script's goroutines without locking, so the race detector reports
// races inside yaegi in tests that cancel or start goroutines.
//
// # Sandbox
//
// By default scripts get yaegi's restricted standard library: no os/exec,
// syscall or unsafe, an os.StartProcess that fails, a private copy of the
// environment, and os.Exit turned into an ExitError. Options.Unrestricted
// lifts these limits.
//
// # REPL
//
// REPL reads statements, declarations and expressions, with the library's
// packages imported under their short names; see REPL for its commands.
package interp
