//go:build !openblas

package main

// blasName names the BLAS behind gonum's matrix products in this build.
const blasName = "gonum (pure Go)"

// setBLASThreads does nothing: gonum's BLAS splits large products over
// GOMAXPROCS goroutines.
func setBLASThreads(int) {}
