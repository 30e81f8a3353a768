package main

import "fmt"

func main() {
	steps := 3
	for i := range steps {
		fmt.Println(i)
	}
}

// Error:
// range_int.go:7:17: range over an integer (Go 1.22) is not supported by the interpreter; write for i := 0; i < n; i++
