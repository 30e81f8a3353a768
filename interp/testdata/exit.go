package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("leaving")
	os.Exit(3)
}

// Error:
// exit status 3
// Output:
// leaving
