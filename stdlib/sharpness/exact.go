package sharpness

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/basinlab/basin/stdlib/dmf"
	"github.com/basinlab/basin/stdlib/internal/kernel"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// DefaultMinimizerTol is the relative residual ||W_{L:1} - M||_F / ||M||_F
// below which a point counts as a minimizer for AtMinimizer. The exact
// expression drops the residual term of the Hessian, whose size is of
// the order of the residual times the layer norms; at 1e-8 the dropped
// term is far below the digits a sharpness is reported with.
const DefaultMinimizerTol = 1e-8

// denseKDim is the output-space dimension d_L d_0 up to which AtMinimizer
// forms K as a dense matrix and diagonalizes it. Above it, Lanczos runs
// on K's action. The dense path costs O((d_L d_0)^3) and Lanczos needs
// about min(d_L d_0, 30) products; timed on depth-4 minimizers the two
// cross near 50 (at 256 dense took 50 ms, Lanczos 1 ms).
const denseKDim = 48

// exactTol is the Lanczos residual tolerance, relative to the eigenvalue,
// for K: for a symmetric operator the eigenvalue error is at most the
// residual norm, so the value is exact to about 1e-12 relative.
const exactTol = 1e-12

// NotMinimizerError reports that AtMinimizer was asked about a point
// whose loss is not zero to the tolerance, where the exact expression
// would be wrong.
type NotMinimizerError struct {
	// Residual is ||W_{L:1} - M||_F / ||M||_F and Tol the tolerance it
	// exceeded.
	Residual, Tol float64
}

// Error returns the message.
func (e *NotMinimizerError) Error() string {
	return fmt.Sprintf("sharpness: not a minimizer: relative residual %.3g above %.3g; the exact expression holds only at minimizers (use Lanczos on the Hessian)", e.Residual, e.Tol)
}

// KOperator is the output-space operator
//
//	K(Z) = 2s sum_i (A_i A_i^T) Z (B_i^T B_i)
//
// on d_L x d_0 matrices Z, flattened in row-major order, where s is the
// loss scale. K = J J^T for the Jacobian J of the product, so at a
// minimizer, where the Hessian is J^T J (times 2s), the nonzero
// eigenvalues of K and of the Hessian coincide.
type KOperator struct {
	rows, cols int
	scale      float64
	// p[i] = A_i A_i^T (nil for i = L, meaning I), q[i] = B_i^T B_i (nil
	// for i = 1). They view rows of left and right.
	p, q []*mat.Dense

	// MulVec forms every P_i Z in one product, left Z, with left the
	// non-nil p stacked vertically, then copies into the column blocks
	// of wide the P_i Z (or Z) of the terms with a q, and finishes them
	// in one more product, wide right, with right the non-nil q stacked
	// vertically. Two large products run much faster than 2L small ones
	// and accumulate the sum in the BLAS.
	left, right *mat.Dense
	lz, wide    *mat.Dense
	// lzBlock[i] views the rows of lz holding P_i Z (nil where p[i] is
	// nil); wideBlock[i] the columns of wide for term i (nil where q[i]
	// is nil).
	lzBlock, wideBlock []*mat.Dense
}

// NewKOperator returns K at the point of a network.
func NewKOperator(pt *dmf.Point) *KOperator {
	n := pt.Net()
	w := n.Widths()
	L := n.Depth()
	rows, cols := w[L], w[0]
	k := &KOperator{
		rows:      rows,
		cols:      cols,
		scale:     2 * n.Scale(),
		p:         make([]*mat.Dense, L),
		q:         make([]*mat.Dense, L),
		lzBlock:   make([]*mat.Dense, L),
		wideBlock: make([]*mat.Dense, L),
	}
	nl, nr := 0, 0
	for i := 1; i <= L; i++ {
		if pt.Left(i) != nil {
			nl++
		}
		if pt.Right(i) != nil {
			nr++
		}
	}
	if nl > 0 {
		k.left = mat.NewDense(nl*rows, rows, nil)
		k.lz = mat.NewDense(nl*rows, cols, nil)
	}
	if nr > 0 {
		k.right = mat.NewDense(nr*cols, cols, nil)
		k.wide = mat.NewDense(rows, nr*cols, nil)
	}
	li, ri := 0, 0
	for i := 1; i <= L; i++ {
		if a := pt.Left(i); a != nil {
			g := k.left.Slice(li*rows, (li+1)*rows, 0, rows).(*mat.Dense)
			g.Mul(a, a.T())
			k.p[i-1] = g
			k.lzBlock[i-1] = k.lz.Slice(li*rows, (li+1)*rows, 0, cols).(*mat.Dense)
			li++
		}
		if b := pt.Right(i); b != nil {
			g := k.right.Slice(ri*cols, (ri+1)*cols, 0, cols).(*mat.Dense)
			g.Mul(b.T(), b)
			k.q[i-1] = g
			k.wideBlock[i-1] = k.wide.Slice(0, rows, ri*cols, (ri+1)*cols).(*mat.Dense)
			ri++
		}
	}
	return k
}

// Dim returns d_L d_0.
func (k *KOperator) Dim() int { return k.rows * k.cols }

// MulVec sets dst = K x.
func (k *KOperator) MulVec(dst, x []float64) {
	if len(dst) != k.Dim() || len(x) != k.Dim() {
		panic(mat.ErrShape)
	}
	z := mat.NewDense(k.rows, k.cols, x)
	out := mat.NewDense(k.rows, k.cols, dst)
	if k.left != nil {
		kernel.Mul(blas.NoTrans, blas.NoTrans, k.left.RawMatrix(), z.RawMatrix(), k.lz.RawMatrix())
	}
	for i := range k.p {
		if k.wideBlock[i] == nil {
			continue
		}
		if k.p[i] != nil {
			k.wideBlock[i].Copy(k.lzBlock[i])
		} else {
			k.wideBlock[i].Copy(z)
		}
	}
	if k.right != nil {
		kernel.Mul(blas.NoTrans, blas.NoTrans, k.wide.RawMatrix(), k.right.RawMatrix(), out.RawMatrix())
	} else {
		out.Zero()
	}
	for i := range k.p {
		if k.q[i] != nil {
			continue
		}
		if k.p[i] != nil {
			out.Add(out, k.lzBlock[i])
		} else {
			out.Add(out, z)
		}
	}
	out.Scale(k.scale, out)
}

// Dense returns K as a dense symmetric matrix: entry ((a, b), (c, e)) is
// 2s sum_i (A_i A_i^T)[a, c] (B_i^T B_i)[b, e].
func (k *KOperator) Dense() *mat.SymDense {
	n := k.Dim()
	d := mat.NewSymDense(n, nil)
	at := func(m *mat.Dense, i, j int) float64 {
		if m == nil {
			if i == j {
				return 1
			}
			return 0
		}
		return m.At(i, j)
	}
	for r := 0; r < n; r++ {
		a, b := r/k.cols, r%k.cols
		for c := r; c < n; c++ {
			ci, e := c/k.cols, c%k.cols
			sum := 0.0
			for i := range k.p {
				sum += at(k.p[i], a, ci) * at(k.q[i], b, e)
			}
			d.SetSym(r, c, k.scale*sum)
		}
	}
	return d
}

// Exact is the result of AtMinimizer.
type Exact struct {
	// Value is lambda_max of the Hessian at the minimizer.
	Value float64
	// Vector is a unit top eigenvector of K, a d_L x d_0 matrix in
	// row-major order: the output-space direction of sharpest curvature.
	Vector []float64
	// Method says how Value was computed: "dense K" or "lanczos on K".
	Method string
	// Residual is the relative residual of the point.
	Residual float64
	// MatVecs counts products with K (zero for the dense path).
	MatVecs int
}

// AtMinimizer returns the exact sharpness lambda_max of the loss Hessian
// at a minimizer n, as the top eigenvalue of the output-space operator K
// (see KOperator): exact at every minimizer, and of dimension d_L d_0
// rather than the number of parameters. Small K are diagonalized
// densely; larger ones by Lanczos to a residual of 1e-12 relative.
//
// tol is the relative residual below which n counts as a minimizer (zero
// means DefaultMinimizerTol). Above it AtMinimizer returns a
// *NotMinimizerError and no value, since the expression would be wrong.
func AtMinimizer(ctx context.Context, n *dmf.Net, tol float64) (Exact, error) {
	if tol == 0 {
		tol = DefaultMinimizerTol
	}
	// The point's residual is the one RelativeResidual would compute;
	// taking it from the point saves forming the product twice.
	pt := n.At()
	res := mat.Norm(pt.Residual(), 2)
	if m := mat.Norm(n.Target(), 2); m > 0 {
		res /= m
	}
	if !(res <= tol) {
		return Exact{}, &NotMinimizerError{Residual: res, Tol: tol}
	}
	k := NewKOperator(pt)
	if k.Dim() <= denseKDim {
		var es mat.EigenSym
		if !es.Factorize(k.Dense(), true) {
			return Exact{}, errors.New("sharpness: eigendecomposition of K did not converge")
		}
		vals := es.Values(nil)
		var vecs mat.Dense
		es.VectorsTo(&vecs)
		top := len(vals) - 1
		return Exact{
			Value:    vals[top],
			Vector:   mat.Col(nil, top, &vecs),
			Method:   "dense K",
			Residual: res,
		}, nil
	}
	r, err := Lanczos(ctx, k, &LanczosSettings{Tol: exactTol})
	if err != nil {
		return Exact{}, err
	}
	return Exact{
		Value:    r.Values[0],
		Vector:   r.Vectors[0],
		Method:   "lanczos on K",
		Residual: res,
		MatVecs:  r.MatVecs,
	}, nil
}

// Flattest returns L sigma_1^{2(L-1)/L} (times 2s for loss scale s), the
// smallest sharpness of any minimizer of n's target with n's depth: the
// lower bound of every minimizer, attained by the balanced ones.
func Flattest(n *dmf.Net) float64 {
	L := float64(n.Depth())
	s1 := dmf.SpectralNorm(n.Target())
	return 2 * n.Scale() * L * math.Pow(s1, 2*(L-1)/L)
}

// UpperBound returns sum_i c_i^2 (times 2s), an upper bound on the
// sharpness at the minimizer n, with c_i = ||A_i||_2 ||B_i||_2. The bound
// is attained at depth 2 and for scalar end-to-end maps; for depth 3 and
// more it is in general strict.
func UpperBound(n *dmf.Net) float64 {
	sum := 0.0
	for _, c := range n.Products() {
		sum += c * c
	}
	return 2 * n.Scale() * sum
}

// Depth2 returns the closed form ||W_1||_2^2 + ||W_2||_2^2 (times 2s) of
// the sharpness at a depth-2 minimizer. It panics if n does not have
// depth 2; it does not check that n is a minimizer.
func Depth2(n *dmf.Net) float64 {
	if n.Depth() != 2 {
		panic(fmt.Sprintf("sharpness: Depth2 on a depth-%d network", n.Depth()))
	}
	a := dmf.SpectralNorm(n.Layer(1))
	b := dmf.SpectralNorm(n.Layer(2))
	return 2 * n.Scale() * (a*a + b*b)
}

// Scalar returns the closed form sum_i ||A_i||^2 ||B_i||^2 (times 2s) of
// the sharpness at a minimizer with scalar end-to-end map (d_0 = d_L =
// 1), where A_i is a row and B_i a column vector. It panics unless
// d_0 = d_L = 1; it does not check that n is a minimizer.
func Scalar(n *dmf.Net) float64 {
	w := n.Widths()
	if w[0] != 1 || w[len(w)-1] != 1 {
		panic(fmt.Sprintf("sharpness: Scalar on a %dx%d end-to-end map", w[len(w)-1], w[0]))
	}
	return UpperBound(n)
}

// Hessian returns the Hessian of the loss at n's current point as an
// Operator, for Lanczos, PowerIteration and the estimators. It follows
// no later change of n's parameters.
func Hessian(n *dmf.Net) Operator { return n.At() }

// Max returns the top eigenpairs of the loss Hessian at any point of n,
// the residual term included, by Lanczos on exact Hessian-vector
// products; s is as for Lanczos.
func Max(ctx context.Context, n *dmf.Net, s *LanczosSettings) (Result, error) {
	return Lanczos(ctx, n.At(), s)
}
