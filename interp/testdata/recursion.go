package main

import "fmt"

// fact recurses to a bounded depth: the depth guard lets it through.
func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

// forever never stops calling itself; the host stops it long before the Go
// runtime would kill the process for a stack overflow.
func forever(n int) int { return forever(n+1) + 1 }

func main() {
	fmt.Println(fact(20))
	fmt.Println(forever(0))
}

// Error:
// recursion.go:15:26: panic in main.forever: recursion deeper than 5000 calls: the function does not stop calling itself
// Output:
// 2432902008176640000
