package main

import "fmt"

func main() {
	x := 1 +
	fmt.Println(x
}

// Error:
// syntax_error.go:7:15: missing ',' before newline in argument list (and 2 more errors)
