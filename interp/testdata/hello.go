// args: alpha beta

package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println("hello from", os.Args[0])
	fmt.Println("args:", strings.Join(os.Args[1:], ","))
}

// Output:
// hello from hello.go
// args: alpha,beta
