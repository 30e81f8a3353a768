package sharpness

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

const (
	// MaxDenseDim is the largest dimension DenseMatrix and DenseEigen
	// accept. The matrix at n = 4000 takes 128 MB, and DenseEigen holds
	// about three such arrays at once (the matrix, the factorization's
	// working copy and the eigenvectors), near 400 MB; it also costs n
	// products with the operator and O(n^3) flops. With pure-Go gonum on
	// one core the eigenvectors take about 1.3 s at n = 512, so minutes
	// at n = 4000; DenseValues, without vectors, is about ten times
	// faster. Larger operators are for Lanczos.
	MaxDenseDim = 4000

	// DenseSymTol is the largest asymmetry DenseMatrix accepts, relative
	// to the largest entry: max |a_ij - a_ji| <= DenseSymTol * max |a_ij|.
	// Rounding in a Hessian-vector product built from a few matrix
	// products leaves asymmetry near 1e-15; a wrong sign or a missing
	// transpose leaves asymmetry of order one.
	DenseSymTol = 1e-8
)

// DenseMatrix returns the n x n matrix of the operator a, built column
// by column from products with the unit vectors, then symmetrized as
// (A + A^T)/2. It returns an error when n is 0 or above MaxDenseDim, or
// when the matrix departs from symmetry by more than DenseSymTol.
func DenseMatrix(a Operator) (*mat.SymDense, error) {
	n := a.Dim()
	if err := checkDenseDim(n); err != nil {
		return nil, err
	}

	// Column j of A is A e_j; storing it as row j builds A^T, which
	// the symmetry check and the average treat alike.
	at := make([]float64, n*n)
	e := make([]float64, n)
	for j := range n {
		e[j] = 1
		a.MulVec(at[j*n:(j+1)*n], e)
		e[j] = 0
	}

	var scale, asym float64
	ai, aj := 0, 0
	for i := range n {
		for j := i; j < n; j++ {
			x, y := at[i*n+j], at[j*n+i]
			scale = max(scale, math.Abs(x), math.Abs(y))
			if d := math.Abs(x - y); d > asym || math.IsNaN(d) {
				asym, ai, aj = d, i, j
			}
		}
	}
	if math.IsNaN(asym) || math.IsInf(scale, 0) {
		return nil, errors.New("sharpness: operator matrix has non-finite entries")
	}
	if asym > DenseSymTol*scale {
		return nil, fmt.Errorf("sharpness: operator is not symmetric: |a[%d][%d] - a[%d][%d]| = %.3g, largest entry %.3g",
			ai, aj, aj, ai, asym, scale)
	}

	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (at[i*n+j]+at[j*n+i])/2)
		}
	}
	return s, nil
}

// DenseEigen returns all eigenvalues of the operator a in ascending
// order and the matching orthonormal eigenvectors as the columns of an
// n x n matrix, from DenseMatrix and mat.EigenSym. It is the reference
// the iterative methods are tested against, for n <= MaxDenseDim.
func DenseEigen(a Operator) ([]float64, *mat.Dense, error) {
	s, err := DenseMatrix(a)
	if err != nil {
		return nil, nil, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, nil, errors.New("sharpness: dense symmetric eigendecomposition failed")
	}
	vecs := new(mat.Dense)
	eig.VectorsTo(vecs)
	return eig.Values(nil), vecs, nil
}

// DenseValues returns all eigenvalues of the operator a in ascending
// order, from DenseMatrix and mat.EigenSym without eigenvectors, which
// is about ten times faster than DenseEigen.
func DenseValues(a Operator) ([]float64, error) {
	s, err := DenseMatrix(a)
	if err != nil {
		return nil, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, false) {
		return nil, errors.New("sharpness: dense symmetric eigendecomposition failed")
	}
	return eig.Values(nil), nil
}

// checkDenseDim reports whether n fits the dense path.
func checkDenseDim(n int) error {
	switch {
	case n < 1:
		return fmt.Errorf("sharpness: operator dimension %d, want at least 1", n)
	case n > MaxDenseDim:
		return fmt.Errorf("sharpness: dimension %d above MaxDenseDim = %d for a dense matrix; use Lanczos", n, MaxDenseDim)
	}
	return nil
}
