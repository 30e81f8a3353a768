// args: -eta 0.25 -steps 7 rest

package main

import (
	"flag"
	"fmt"
)

// The flag package parses the script's own arguments.
func main() {
	eta := flag.Float64("eta", 0.1, "step size")
	steps := flag.Int("steps", 10, "number of steps")
	flag.Parse()
	fmt.Println("eta", *eta, "steps", *steps, "rest", flag.Args())
}

// Output:
// eta 0.25 steps 7 rest [rest]
