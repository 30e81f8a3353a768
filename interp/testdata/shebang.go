#!/usr/bin/env -S basin run
package main

import "fmt"

func main() {
	fmt.Println("ran")
	undefinedCall()
}

// Error:
// shebang.go:8:2: undefined: undefinedCall
