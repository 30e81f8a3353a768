//go:build openblas

package main

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag, gonum's matrix products run on OpenBLAS
// through cgo instead of gonum's pure-Go BLAS: faster for the large
// networks, at the cost of a C toolchain and libopenblas at build time.
func init() { blas64.Use(netlib.Implementation{}) }
