package interp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/basinlab/basin/stdlib/symbols"
)

// stdPrelude lists the standard packages the REPL imports by name, beside
// basin's library and gonum's mat.
var stdPrelude = []string{
	"bufio", "bytes", "context", "errors", "fmt", "io", "math",
	"math/rand", "os", "sort", "strconv", "strings", "sync", "time",
}

// Prelude returns the import paths ImportLibrary imports, sorted: basin's
// library, gonum's mat and common standard packages.
func Prelude() []string {
	paths := append([]string(nil), stdPrelude...)
	for k := range symbols.Symbols {
		p := k[:strings.LastIndexByte(k, '/')]
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// ImportLibrary imports the Prelude packages into the session under their
// short names, so that REPL input can use dmf, mat or fmt without an
// import line.
func (h *Host) ImportLibrary() error {
	if h.imported {
		return nil
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range Prelude() {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")")
	if _, err := h.compileAndRun(context.Background(), b.String()); err != nil {
		return fmt.Errorf("interp: importing the library: %w", err)
	}
	h.imported = true
	return nil
}
