package main

import (
	"fmt"
	"time"
)

var done = make(chan bool)

func worker() {
	defer close(done)
	panic("worker failed")
}

func main() {
	go worker()
	<-done
	time.Sleep(10 * time.Millisecond)
	fmt.Println("main goes on")
}

// Error:
// goroutine_call.go:16:2: panic in goroutine: worker failed (in main.worker at goroutine_call.go:11:2)
// Output:
// main goes on
