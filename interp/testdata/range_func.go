package main

import "fmt"

func pairs(yield func(int, int) bool) {
	yield(1, 2)
}

func main() {
	for a, b := range pairs {
		fmt.Println(a, b)
	}
}

// Error:
// range_func.go:10:20: range over a function (Go 1.23) is not supported by the interpreter; call the function with a callback instead
