// Command gen writes the yaegi symbol tables of package symbols.
//
// It extracts every package found under the module's stdlib/ directory,
// except stdlib/symbols itself, and gonum.org/v1/gonum/mat, writing one file
// per package plus generic.go (the generic names yaegi omits) and
// docsrc.go (sources stripped of function bodies, for basin doc). Files it
// generated before and no longer writes are removed.
//
// Usage:
//
//	go run ./stdlib/symbols/gen -o stdlib/symbols
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("o", ".", "output `directory`")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen [-o dir]")
		os.Exit(2)
	}

	root, err := moduleRoot()
	if err == nil {
		err = generate(root, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
