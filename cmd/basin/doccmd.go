package main

import (
	"fmt"
	"io"

	"github.com/basinlab/basin/interp"
)

// docMain implements basin doc.
func docMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: basin doc [package[.Name[.Method]]]")
		return 2
	}
	q := ""
	if len(args) == 1 {
		q = args[0]
	}
	if err := interp.Doc(stdout, q); err != nil {
		fmt.Fprintln(stderr, "basin:", err)
		return 1
	}
	return 0
}
