package main

import "fmt"

// A script's own min is fine.
func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func main() {
	fmt.Println(min(3, 2))
}

// Output:
// 2
