package main

import "errors"

func main() {
	check(errors.New("diverged at step 12"))
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// Error:
// panic_explicit.go:10:2: panic in main.check: diverged at step 12
