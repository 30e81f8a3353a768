//go:build openblas

package main

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// blasName names the BLAS behind gonum's matrix products in this build.
const blasName = "OpenBLAS (gonum netlib, cgo)"

func init() { blas64.Use(netlib.Implementation{}) }

// setBLASThreads sizes OpenBLAS's thread pool, which otherwise has one
// thread per core whatever GOMAXPROCS says.
func setBLASThreads(n int) { C.openblas_set_num_threads(C.int(n)) }
