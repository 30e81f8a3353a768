package sharpness

// Operator is a symmetric linear operator on R^n, given by its action.
// The Hessian of a network at a point and the output-space operator K at
// a minimizer both satisfy it.
type Operator interface {
	// Dim returns n.
	Dim() int
	// MulVec sets dst = A x. dst and x have length n and do not alias.
	MulVec(dst, x []float64)
}
