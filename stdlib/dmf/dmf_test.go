package dmf

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// shapes used across the tests: uneven widths, bottlenecks narrower than
// the ends, depths 1..6.
var shapes = []struct {
	name   string
	widths []int
}{
	{"depth1", []int{3, 4}},
	{"depth2 square", []int{3, 3, 3}},
	{"depth2 wide middle", []int{2, 5, 3}},
	{"depth3 bottleneck", []int{4, 2, 3, 5}},
	{"depth4 uneven", []int{3, 5, 2, 4, 3}},
	{"depth5", []int{2, 3, 4, 3, 2, 3}},
	{"depth6 scalar ends", []int{1, 3, 2, 4, 2, 3, 1}},
}

// offTarget returns a random network and an unrelated target, so the
// residual terms of the Hessian are exercised.
func offTarget(widths []int, seed uint64) *Net {
	L := len(widths) - 1
	m := RandomTarget(widths[L], widths[0], seed+100)
	return Random(widths, m, 0.8, seed)
}

func TestGradFiniteDifference(t *testing.T) {
	// Central differences have error O(h^2 f''') ~ 1e-10 at h = 1e-5 on
	// these O(1) networks; roundoff adds eps/h ~ 1e-11. 1e-6 relative to
	// the gradient norm leaves a wide margin.
	const h, tol = 1e-5, 1e-6
	for k, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			n := offTarget(sh.widths, uint64(k))
			n.SetScale(0.7)
			g, loss := n.Grad(nil)
			if got, want := loss, n.Loss(); math.Abs(got-want) > 1e-12*want {
				t.Fatalf("Grad loss %v, Loss %v", got, want)
			}
			fd := make([]float64, len(g))
			p := n.Params()
			for j := range p {
				x := p[j]
				p[j] = x + h
				lp := n.Loss()
				p[j] = x - h
				lm := n.Loss()
				p[j] = x
				fd[j] = (lp - lm) / (2 * h)
			}
			if d := floats.Distance(g, fd, 2) / floats.Norm(g, 2); d > tol {
				t.Errorf("gradient vs finite differences: relative error %.3g > %g", d, tol)
			}
		})
	}
}

func TestHVPFiniteDifferenceAndDense(t *testing.T) {
	// The finite-difference check differentiates the analytic gradient:
	// error O(h^2) ~ 1e-10 with h = 1e-5, relative tolerance 1e-6. The
	// dense Hessian is assembled from closed forms independently of
	// MulVec, so the two agree to rounding: 1e-12 relative.
	const h, tolFD, tolDense = 1e-5, 1e-6, 1e-12
	for k, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			n := offTarget(sh.widths, uint64(k)+10)
			p := n.At()
			v := n.RandomDirection(uint64(k) + 20)
			hv := make([]float64, len(v))
			p.MulVec(hv, v)

			plus := n.Perturb(h, v)
			minus := n.Perturb(-h, v)
			gp, _ := plus.Grad(nil)
			gm, _ := minus.Grad(nil)
			fd := make([]float64, len(v))
			floats.SubTo(fd, gp, gm)
			floats.Scale(1/(2*h), fd)
			if d := floats.Distance(hv, fd, 2) / floats.Norm(hv, 2); d > tolFD {
				t.Errorf("HVP vs finite differences: relative error %.3g > %g", d, tolFD)
			}

			hd, err := p.DenseHessian()
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, len(v))
			mat.NewVecDense(len(want), want).MulVec(hd, mat.NewVecDense(len(v), v))
			if d := floats.Distance(hv, want, 2) / floats.Norm(want, 2); d > tolDense {
				t.Errorf("HVP vs dense Hessian: relative error %.3g > %g", d, tolDense)
			}
		})
	}
}

func TestDenseHessianRefusesLarge(t *testing.T) {
	n := Zeros([]int{64, 64, 64}, nil)
	if _, err := n.At().DenseHessian(); err == nil {
		t.Fatalf("dense Hessian of %d parameters built, want refusal above %d", n.NumParams(), MaxDenseParams)
	}
}

func TestMinimizersKeepProduct(t *testing.T) {
	// Products of O(1) factors with condition numbers up to e^(2*1.5)
	// lose a few digits; 1e-10 relative to ||M|| is still far from any
	// real error.
	const tol = 1e-10
	for k, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			L := len(sh.widths) - 1
			rank := sh.widths[0]
			for _, d := range sh.widths {
				rank = min(rank, d)
			}
			m := RandomTargetRank(sh.widths[L], sh.widths[0], rank, uint64(k))
			for _, imb := range []float64{0, 0.5, 1.5} {
				n, err := Unbalanced(m, sh.widths, imb, uint64(k))
				if err != nil {
					t.Fatal(err)
				}
				if r := n.RelativeResidual(); r > tol {
					t.Errorf("imbalance %v: relative residual %.3g > %g", imb, r, tol)
				}
			}
		})
	}
}

func TestBalancedIsBalanced(t *testing.T) {
	const tol = 1e-10
	m := TargetWithSingularValues(4, 3, []float64{3, 2, 0.5}, 1)
	n, err := Balanced(m, []int{3, 5, 4, 6, 4}, 2)
	if err != nil {
		t.Fatal(err)
	}
	b := n.Balance()
	if math.Abs(b.Sigma1-3) > tol {
		t.Errorf("sigma_1 = %v, want 3", b.Sigma1)
	}
	want := math.Pow(3, 0.75)
	for i, c := range b.C {
		if math.Abs(c-want) > tol*want {
			t.Errorf("c_%d = %v, want sigma_1^(3/4) = %v", i+1, c, want)
		}
	}
	for i, g := range b.Gaps {
		if g > tol {
			t.Errorf("balancedness gap %d = %.3g, want 0", i+1, g)
		}
	}
	for i, s := range b.Spectral {
		if w := math.Pow(3, 0.25); math.Abs(s-w) > tol {
			t.Errorf("||W_%d||_2 = %v, want %v", i+1, s, w)
		}
	}
}

func TestBalancedRejectsBottleneckBelowRank(t *testing.T) {
	m := TargetWithSingularValues(3, 3, []float64{1, 1, 1}, 1)
	if _, err := Balanced(m, []int{3, 2, 3}, 1); err == nil {
		t.Fatal("balanced minimizer through a width-2 bottleneck of a rank-3 target, want error")
	}
}

func TestOrbitAndRescale(t *testing.T) {
	m := RandomTarget(3, 4, 5)
	n, err := Balanced(m, []int{4, 5, 5, 3}, 6)
	if err != nil {
		t.Fatal(err)
	}
	g1 := RandomTarget(5, 5, 7)
	g2 := RandomTarget(5, 5, 8)
	o, err := n.Orbit([]*mat.Dense{g1, g2})
	if err != nil {
		t.Fatal(err)
	}
	if r := o.RelativeResidual(); r > 1e-10 {
		t.Errorf("orbit changed the product: relative residual %.3g", r)
	}
	// W_2 -> G_2 W_2 G_1^{-1}, checked entrywise by G_2 W_2 = W_2' G_1.
	var lhs, rhs mat.Dense
	lhs.Mul(g2, n.Layer(2))
	rhs.Mul(o.Layer(2), g1)
	if !mat.EqualApprox(&lhs, &rhs, 1e-10) {
		t.Error("orbit layer 2 is not G_2 W_2 G_1^{-1}")
	}
	if _, err := n.Orbit([]*mat.Dense{g1, mat.NewDense(5, 5, nil)}); err == nil {
		t.Error("orbit with a singular G accepted")
	}
	if _, err := n.Orbit([]*mat.Dense{g1}); err == nil {
		t.Error("orbit with too few matrices accepted")
	}

	s, err := n.Rescale([]float64{2, 0.25, 2})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.RelativeResidual(); r > 1e-12 {
		t.Errorf("rescale changed the product: relative residual %.3g", r)
	}
	if _, err := n.Rescale([]float64{2, 2, 2}); err == nil {
		t.Error("rescale with product 8 accepted")
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		ws   []*mat.Dense
		m    *mat.Dense
	}{
		{"no layers", nil, nil},
		{"shapes do not chain", []*mat.Dense{mat.NewDense(3, 2, nil), mat.NewDense(2, 4, nil)}, nil},
		{"target shape", []*mat.Dense{mat.NewDense(3, 2, nil)}, mat.NewDense(2, 3, nil)},
		{"NaN entry", []*mat.Dense{mat.NewDense(1, 1, []float64{math.NaN()})}, nil},
		{"Inf target", []*mat.Dense{mat.NewDense(1, 1, []float64{1})}, mat.NewDense(1, 1, []float64{math.Inf(1)})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.m, c.ws...); err == nil {
				t.Error("no error")
			}
		})
	}
}

func ExampleBalanced() {
	m := TargetWithSingularValues(3, 3, []float64{4, 1, 1}, 1)
	n, err := Balanced(m, []int{3, 3, 3}, 1)
	if err != nil {
		panic(err)
	}
	b := n.Balance()
	fmt.Printf("minimizer %v, c = %.4f %.4f, sigma_1^(1/2) = %.4f\n", n.Loss() < 1e-20, b.C[0], b.C[1], b.Flat)
	// Output: minimizer true, c = 2.0000 2.0000, sigma_1^(1/2) = 2.0000
}

// TestGradMatchesPoint checks the backpropagation gradient of Net.Grad
// against Point.Grad, computed from cached prefix and suffix products, on
// shapes that exercise the small kernels (widths not divisible by four)
// and blas64.Gemm (widths above smallDim), with loss scales 1/2 and 1.
func TestGradMatchesPoint(t *testing.T) {
	for _, c := range []struct {
		name   string
		widths []int
		scale  float64
	}{
		{"depth 1", []int{3, 5}, 0.5},
		{"depth 2 rectangular", []int{3, 7, 2}, 0.5},
		{"depth 4 odd widths", []int{5, 6, 7, 3, 9}, 1},
		{"depth 3 above smallDim", []int{50, 60, 3, 55}, 0.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := offTarget(c.widths, 2)
			n.SetScale(c.scale)
			got, gl := n.Grad(nil)
			p := n.At()
			want := p.Grad(nil)
			// The two sum the same products in different orders:
			// rounding of order 1e-15 relative to the gradient norm.
			if d := floats.Distance(got, want, 2) / floats.Norm(want, 2); d > 1e-13 {
				t.Errorf("Net.Grad vs Point.Grad: relative difference %.3g", d)
			}
			if math.Abs(gl-p.Loss()) > 1e-13*gl {
				t.Errorf("loss %.16g, want %.16g", gl, p.Loss())
			}
		})
	}
}
