// cancel-after: 200ms

package main

func main() {
	x := 0
	for {
		x++
	}
}

// Error:
// cancel.go: interrupted
