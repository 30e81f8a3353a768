package dmf

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// DefaultScale is the loss scale s in l = s ||W_{L:1} - M||_F^2 unless a
// network is given another one.
const DefaultScale = 0.5

// ErrEmpty is returned for a network without layers.
var ErrEmpty = errors.New("dmf: network has no layers")

// Net is a deep linear network with its target. The zero value is not
// usable; construct one with New, FromParams or a minimizer constructor.
//
// A Net is not safe for concurrent use: Loss, Grad and the other
// evaluation methods share scratch space.
type Net struct {
	widths []int
	params []float64
	layers []*mat.Dense
	target *mat.Dense
	scale  float64

	// bp is the workspace of Grad, allocated on first use.
	bp *backprop
}

// New returns a network whose layers are copies of ws, W_1 first, with
// target m. A nil m means the product of the layers, so the network starts
// at a minimizer. New returns an error naming the layers when the shapes do
// not chain, when m has the wrong shape, or when any entry is NaN or Inf.
func New(m *mat.Dense, ws ...*mat.Dense) (*Net, error) {
	if len(ws) == 0 {
		return nil, ErrEmpty
	}
	widths, err := chain(ws)
	if err != nil {
		return nil, err
	}
	for i, w := range ws {
		if err := finite(w); err != nil {
			return nil, fmt.Errorf("dmf: W%d: %w", i+1, err)
		}
	}
	n := newNet(widths)
	for i, w := range ws {
		n.layers[i].Copy(w)
	}
	if m == nil {
		n.target = n.Product()
		return n, nil
	}
	if r, c := m.Dims(); r != widths[len(widths)-1] || c != widths[0] {
		return nil, fmt.Errorf("dmf: M is %dx%d, the product is %dx%d", r, c, widths[len(widths)-1], widths[0])
	}
	if err := finite(m); err != nil {
		return nil, fmt.Errorf("dmf: M: %w", err)
	}
	n.target = mat.DenseCopyOf(m)
	return n, nil
}

// FromParams returns a network with the given widths d_0..d_L whose layers
// view a copy of p, laid out as Params documents, and target m (nil means
// the product). It panics if len(p) does not match the widths.
func FromParams(widths []int, p []float64, m *mat.Dense) *Net {
	n := newNet(widths)
	if len(p) != len(n.params) {
		panic(fmt.Sprintf("dmf: %d parameters for widths %v, need %d", len(p), widths, len(n.params)))
	}
	copy(n.params, p)
	if m == nil {
		n.target = n.Product()
	} else {
		if r, c := m.Dims(); r != widths[len(widths)-1] || c != widths[0] {
			panic(mat.ErrShape)
		}
		n.target = mat.DenseCopyOf(m)
	}
	return n
}

// Zeros returns a network with all layers zero, the given widths d_0..d_L
// and target m. It panics if m does not have shape d_L x d_0.
func Zeros(widths []int, m *mat.Dense) *Net {
	return FromParams(widths, make([]float64, NumParams(widths)), m)
}

// NumParams returns the number of parameters, sum_i d_i d_{i-1}, of a
// network with widths d_0..d_L.
func NumParams(widths []int) int {
	n := 0
	for i := 1; i < len(widths); i++ {
		n += widths[i] * widths[i-1]
	}
	return n
}

func newNet(widths []int) *Net {
	if len(widths) < 2 {
		panic(ErrEmpty)
	}
	for i, d := range widths {
		if d <= 0 {
			panic(fmt.Sprintf("dmf: width d_%d = %d is not positive", i, d))
		}
	}
	n := &Net{
		widths: append([]int(nil), widths...),
		params: make([]float64, NumParams(widths)),
		layers: make([]*mat.Dense, len(widths)-1),
		scale:  DefaultScale,
	}
	off := 0
	for i := range n.layers {
		r, c := widths[i+1], widths[i]
		n.layers[i] = mat.NewDense(r, c, n.params[off:off+r*c:off+r*c])
		off += r * c
	}
	return n
}

// chain checks that consecutive layers multiply and returns the widths.
func chain(ws []*mat.Dense) ([]int, error) {
	widths := make([]int, len(ws)+1)
	for i, w := range ws {
		if w == nil {
			return nil, fmt.Errorf("dmf: W%d is nil", i+1)
		}
		r, c := w.Dims()
		if i == 0 {
			widths[0] = c
		} else if c != widths[i] {
			return nil, fmt.Errorf("dmf: W%d is %dx%d but W%d has %d rows: W%d needs %d columns",
				i+1, r, c, i, widths[i], i+1, widths[i])
		}
		widths[i+1] = r
	}
	return widths, nil
}

func finite(m mat.Matrix) error {
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("entry (%d,%d) is %v", i, j, v)
			}
		}
	}
	return nil
}

// Depth returns the number of layers L.
func (n *Net) Depth() int { return len(n.layers) }

// Widths returns a copy of the widths d_0..d_L.
func (n *Net) Widths() []int { return append([]int(nil), n.widths...) }

// NumParams returns the number of parameters.
func (n *Net) NumParams() int { return len(n.params) }

// Params returns the parameters, layer after layer in row-major order. The
// slice is the network's own storage: writing to it changes the layers.
func (n *Net) Params() []float64 { return n.params }

// SetParams copies p into the parameters. It panics if the length differs.
func (n *Net) SetParams(p []float64) {
	if len(p) != len(n.params) {
		panic(fmt.Sprintf("dmf: SetParams with %d values, need %d", len(p), len(n.params)))
	}
	copy(n.params, p)
}

// Layer returns W_i, 1 <= i <= L, as a view of the parameters. It panics
// if i is out of range.
func (n *Net) Layer(i int) *mat.Dense {
	if i < 1 || i > len(n.layers) {
		panic(fmt.Sprintf("dmf: layer %d out of range 1..%d", i, len(n.layers)))
	}
	return n.layers[i-1]
}

// LayerSlice returns the part of a parameter-space vector v that belongs
// to layer i, 1 <= i <= L, as a d_i x d_{i-1} matrix viewing v.
func (n *Net) LayerSlice(v []float64, i int) *mat.Dense {
	if len(v) != len(n.params) {
		panic(fmt.Sprintf("dmf: vector of length %d, need %d", len(v), len(n.params)))
	}
	if i < 1 || i > len(n.layers) {
		panic(fmt.Sprintf("dmf: layer %d out of range 1..%d", i, len(n.layers)))
	}
	off := 0
	for k := 1; k < i; k++ {
		off += n.widths[k] * n.widths[k-1]
	}
	r, c := n.widths[i], n.widths[i-1]
	return mat.NewDense(r, c, v[off:off+r*c:off+r*c])
}

// Target returns the target M. The matrix is the network's own; do not
// modify it.
func (n *Net) Target() *mat.Dense { return n.target }

// SetTarget replaces the target by a copy of m. It panics with
// mat.ErrShape if m is not d_L x d_0.
func (n *Net) SetTarget(m mat.Matrix) {
	if r, c := m.Dims(); r != n.widths[len(n.widths)-1] || c != n.widths[0] {
		panic(mat.ErrShape)
	}
	n.target = mat.DenseCopyOf(m)
}

// Scale returns the loss scale s.
func (n *Net) Scale() float64 { return n.scale }

// SetScale sets the loss scale s. The common choices are 1/2 (the
// default) and 1; every gradient and Hessian eigenvalue is proportional
// to s. It panics unless s > 0.
func (n *Net) SetScale(s float64) {
	if !(s > 0) || math.IsInf(s, 0) {
		panic(fmt.Sprintf("dmf: loss scale %v is not positive and finite", s))
	}
	n.scale = s
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := FromParams(n.widths, n.params, n.target)
	c.scale = n.scale
	return c
}

// Product returns a new matrix holding W_L ... W_1.
func (n *Net) Product() *mat.Dense {
	p := mat.DenseCopyOf(n.layers[0])
	for _, w := range n.layers[1:] {
		var q mat.Dense
		q.Mul(w, p)
		p = &q
	}
	return p
}

// Residual returns a new matrix holding R = W_L ... W_1 - M.
func (n *Net) Residual() *mat.Dense {
	p := n.Product()
	p.Sub(p, n.target)
	return p
}

// Loss returns s ||W_L ... W_1 - M||_F^2.
func (n *Net) Loss() float64 {
	r := mat.Norm(n.Residual(), 2)
	return n.scale * r * r
}

// RelativeResidual returns ||W_L ... W_1 - M||_F / ||M||_F, or the plain
// residual norm when M is zero.
func (n *Net) RelativeResidual() float64 {
	r := mat.Norm(n.Residual(), 2)
	if m := mat.Norm(n.target, 2); m > 0 {
		return r / m
	}
	return r
}

// IsFinite reports whether every parameter is finite.
func (n *Net) IsFinite() bool {
	for _, v := range n.params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
