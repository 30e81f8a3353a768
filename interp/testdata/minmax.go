package main

import "fmt"

func main() {
	eta := 0.5
	fmt.Println(max(eta, 0.1))
}

// Error:
// minmax.go:7:14: the builtin max (Go 1.21) is not supported by the interpreter; use math.Max or an if
