package interp

import (
	"flag"
	"io"
	"reflect"
)

// scriptFlags returns replacements for the flag package's functions that
// work on a flag set of the script's own, parsing the script's arguments.
// The originals are compiled code bound to the host's flag.CommandLine and
// os.Args. Like flag.ExitOnError, a bad flag exits with status 2 and -h
// with status 0, through the host's os.Exit.
func scriptFlags(args []string, stderr io.Writer) map[string]reflect.Value {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	parse := func() {
		err := fs.Parse(args[1:])
		switch {
		case err == flag.ErrHelp:
			panic(exitCode(0))
		case err != nil:
			panic(exitCode(2))
		}
	}
	fns := map[string]any{
		"Parse":         parse,
		"Parsed":        fs.Parsed,
		"Args":          fs.Args,
		"Arg":           fs.Arg,
		"NArg":          fs.NArg,
		"NFlag":         fs.NFlag,
		"Bool":          fs.Bool,
		"BoolVar":       fs.BoolVar,
		"BoolFunc":      fs.BoolFunc,
		"Duration":      fs.Duration,
		"DurationVar":   fs.DurationVar,
		"Float64":       fs.Float64,
		"Float64Var":    fs.Float64Var,
		"Func":          fs.Func,
		"Int":           fs.Int,
		"IntVar":        fs.IntVar,
		"Int64":         fs.Int64,
		"Int64Var":      fs.Int64Var,
		"Lookup":        fs.Lookup,
		"PrintDefaults": fs.PrintDefaults,
		"Set":           fs.Set,
		"String":        fs.String,
		"StringVar":     fs.StringVar,
		"TextVar":       fs.TextVar,
		"Uint":          fs.Uint,
		"UintVar":       fs.UintVar,
		"Uint64":        fs.Uint64,
		"Uint64Var":     fs.Uint64Var,
		"Var":           fs.Var,
		"Visit":         fs.Visit,
		"VisitAll":      fs.VisitAll,
	}
	out := make(map[string]reflect.Value, len(fns))
	for name, fn := range fns {
		out[name] = reflect.ValueOf(fn)
	}
	// CommandLine is a variable: give the script the flag set itself.
	out["CommandLine"] = reflect.ValueOf(&fs).Elem()
	return out
}
