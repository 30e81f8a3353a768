package sharpness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/basinlab/basin/stdlib/dmf"
	"gonum.org/v1/gonum/mat"
)

// minimizerShapes have uneven widths, bottlenecks narrower than the ends
// and depths 2..6. The target rank is the narrowest width.
var minimizerShapes = []struct {
	name   string
	widths []int
}{
	{"depth2 square", []int{3, 3, 3}},
	{"depth2 bottleneck", []int{4, 2, 5}},
	{"depth3 uneven", []int{3, 5, 4, 2}},
	{"depth3 bottleneck", []int{4, 2, 3, 5}},
	{"depth4 bottleneck", []int{5, 3, 2, 4, 3}},
	{"depth5 wide", []int{2, 4, 3, 5, 2, 3}},
	{"depth6", []int{3, 2, 4, 3, 2, 3, 2}},
	{"depth4 scalar ends", []int{1, 3, 4, 2, 1}},
	// d_L d_0 = 420 > denseKDim: AtMinimizer takes the Lanczos path.
	{"depth2 lanczos on K", []int{21, 5, 20}},
}

func minimizer(t *testing.T, widths []int, imbalance float64, seed uint64) *dmf.Net {
	t.Helper()
	r := widths[0]
	for _, d := range widths {
		r = min(r, d)
	}
	L := len(widths) - 1
	m := dmf.RandomTargetRank(widths[L], widths[0], r, seed)
	n, err := dmf.Unbalanced(m, widths, imbalance, seed+1)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func denseTop(t *testing.T, n *dmf.Net) float64 {
	t.Helper()
	h, err := n.At().DenseHessian()
	if err != nil {
		t.Fatal(err)
	}
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		t.Fatal("dense eigendecomposition failed")
	}
	v := es.Values(nil)
	return v[len(v)-1]
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// agreeTol is the agreement asked of the three paths to lambda_max. The
// dense paths are backward stable (error ~ n eps ||H||), Lanczos stops at
// a residual of 1e-12 relative; 1e-9 leaves room for conditioning.
const agreeTol = 1e-9

func TestExactEqualsLanczosEqualsDense(t *testing.T) {
	ctx := context.Background()
	for k, sh := range minimizerShapes {
		for _, imb := range []float64{0, 0.4, 1} {
			t.Run(fmt.Sprintf("%s/imbalance=%v", sh.name, imb), func(t *testing.T) {
				n := minimizer(t, sh.widths, imb, uint64(10*k))
				ex, err := AtMinimizer(ctx, n, 0)
				if err != nil {
					t.Fatal(err)
				}
				wantMethod := "dense K"
				if sh.widths[0]*sh.widths[len(sh.widths)-1] > denseKDim {
					wantMethod = "lanczos on K"
				}
				if ex.Method != wantMethod {
					t.Errorf("method %q, want %q", ex.Method, wantMethod)
				}
				lz, err := Max(ctx, n, &LanczosSettings{Tol: 1e-12, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				dense := denseTop(t, n)
				if e := relErr(ex.Value, dense); e > agreeTol {
					t.Errorf("exact %v vs dense %v: relative error %.2g", ex.Value, dense, e)
				}
				if e := relErr(lz.Values[0], dense); e > agreeTol {
					t.Errorf("lanczos %v vs dense %v: relative error %.2g", lz.Values[0], dense, e)
				}

				// Bounds, with rounding room.
				lo, hi := Flattest(n), UpperBound(n)
				if ex.Value < lo*(1-agreeTol) || ex.Value > hi*(1+agreeTol) {
					t.Errorf("lambda_max %v outside [%v, %v]", ex.Value, lo, hi)
				}
				if imb == 0 && relErr(ex.Value, lo) > agreeTol {
					t.Errorf("balanced minimizer: lambda_max %v, flattest %v", ex.Value, lo)
				}
			})
		}
	}
}

func TestAwayFromMinimizerLanczosEqualsDense(t *testing.T) {
	ctx := context.Background()
	for k, sh := range minimizerShapes[:8] {
		t.Run(sh.name, func(t *testing.T) {
			L := len(sh.widths) - 1
			m := dmf.RandomTarget(sh.widths[L], sh.widths[0], uint64(k))
			n := dmf.Random(sh.widths, m, 0.9, uint64(k)+50)
			if _, err := AtMinimizer(ctx, n, 0); err == nil {
				t.Fatal("AtMinimizer accepted a point with a large residual")
			} else if nm := new(NotMinimizerError); !errors.As(err, &nm) {
				t.Fatalf("error %v is not a *NotMinimizerError", err)
			}
			lz, err := Max(ctx, n, &LanczosSettings{Tol: 1e-12, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			if dense := denseTop(t, n); relErr(lz.Values[0], dense) > agreeTol {
				t.Errorf("lanczos %v vs dense %v", lz.Values[0], dense)
			}
		})
	}
}

func TestClosedForms(t *testing.T) {
	cases := []struct {
		name   string
		widths []int
		form   func(*dmf.Net) float64
	}{
		{"depth2", []int{3, 4, 2}, Depth2},
		{"depth2 bottleneck", []int{4, 1, 3}, Depth2},
		{"scalar depth3", []int{1, 4, 3, 1}, Scalar},
		{"scalar depth5", []int{1, 2, 5, 3, 2, 1}, Scalar},
	}
	for k, c := range cases {
		for _, imb := range []float64{0, 0.7} {
			t.Run(fmt.Sprintf("%s/imbalance=%v", c.name, imb), func(t *testing.T) {
				n := minimizer(t, c.widths, imb, uint64(k+7))
				dense := denseTop(t, n)
				if got := c.form(n); relErr(got, dense) > agreeTol {
					t.Errorf("closed form %v, dense %v", got, dense)
				}
			})
		}
	}
}

func TestOrbitChangesSharpnessAsFormulaSays(t *testing.T) {
	ctx := context.Background()
	m := dmf.TargetWithSingularValues(3, 3, []float64{2, 1, 0.5}, 1)
	n, err := dmf.Balanced(m, []int{3, 3, 3}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Depth 2 rescaling W_1 -> a W_1, W_2 -> W_2 / a: lambda_max =
	// a^2 ||W_1||^2 + ||W_2||^2 / a^2 = (a^2 + 1/a^2) sigma_1, by the
	// depth-2 closed form and ||W_i||^2 = sigma_1 when balanced.
	for _, a := range []float64{1, 1.5, 3} {
		r, err := n.Rescale([]float64{a, 1 / a})
		if err != nil {
			t.Fatal(err)
		}
		if res := r.RelativeResidual(); res > 1e-12 {
			t.Fatalf("rescale moved the product: residual %v", res)
		}
		want := (a*a + 1/(a*a)) * 2
		ex, err := AtMinimizer(ctx, r, 0)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(ex.Value, want) > agreeTol {
			t.Errorf("a = %v: lambda_max %v, formula %v", a, ex.Value, want)
		}
		if d := denseTop(t, r); relErr(d, want) > agreeTol {
			t.Errorf("a = %v: dense %v, formula %v", a, d, want)
		}
	}

	// A general orbit at depth 3 keeps the product and the K expression
	// follows the new point.
	m3 := dmf.RandomTarget(3, 4, 5)
	n3, err := dmf.Balanced(m3, []int{4, 3, 5, 3}, 6)
	if err != nil {
		t.Fatal(err)
	}
	g := []*mat.Dense{dmf.RandomTarget(3, 3, 8), dmf.RandomTarget(5, 5, 9)}
	o, err := n3.Orbit(g)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := AtMinimizer(ctx, n3, 0)
	after, err := AtMinimizer(ctx, o, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	if d := denseTop(t, o); relErr(after.Value, d) > agreeTol {
		t.Errorf("orbit point: exact %v, dense %v", after.Value, d)
	}
	if after.Value <= before.Value*(1+1e-6) {
		t.Errorf("orbit of the balanced minimizer did not sharpen: %v -> %v", before.Value, after.Value)
	}
}

func TestEqualProductsNotEnough(t *testing.T) {
	// M = I, W_1 = diag(2, 1/2), W_2 = W_1^{-1}: c_1 = c_2 = 2, yet the
	// common value is not sigma_1^{1/2} = 1 and lambda_max = 8, far above
	// the flattest value 2.
	w1 := mat.NewDense(2, 2, []float64{2, 0, 0, 0.5})
	w2 := mat.NewDense(2, 2, []float64{0.5, 0, 0, 2})
	n, err := dmf.New(nil, w1, w2)
	if err != nil {
		t.Fatal(err)
	}
	b := n.Balance()
	if b.C[0] != 2 || b.C[1] != 2 {
		t.Fatalf("c = %v, want [2 2]", b.C)
	}
	ex, err := AtMinimizer(context.Background(), n, 0)
	if err != nil {
		t.Fatal(err)
	}
	if relErr(ex.Value, 8) > agreeTol || relErr(Flattest(n), 2) > agreeTol {
		t.Errorf("lambda_max %v (want 8), flattest %v (want 2)", ex.Value, Flattest(n))
	}
}

func TestUpperBoundStrictAtDepth3(t *testing.T) {
	n := minimizer(t, []int{3, 3, 3, 3}, 0.8, 11)
	ex, err := AtMinimizer(context.Background(), n, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ub := UpperBound(n); ex.Value > ub*(1-1e-3) {
		t.Errorf("lambda_max %v within 0.1%% of the upper bound %v: expected a strict gap", ex.Value, ub)
	}
}

func TestScaleOption(t *testing.T) {
	n := minimizer(t, []int{2, 3, 2}, 0.5, 1)
	half, _ := AtMinimizer(context.Background(), n, 0)
	n.SetScale(1)
	one, _ := AtMinimizer(context.Background(), n, 0)
	if relErr(one.Value, 2*half.Value) > 1e-14 {
		t.Errorf("scale 1 gives %v, want twice %v", one.Value, half.Value)
	}
}

func TestKOperatorDenseMatchesMulVec(t *testing.T) {
	n := minimizer(t, []int{3, 4, 2, 5}, 0.6, 2)
	k := NewKOperator(n.At())
	d := k.Dense()
	x := n.RandomDirection(1)[:k.Dim()]
	got := make([]float64, k.Dim())
	k.MulVec(got, x)
	var want mat.VecDense
	want.MulVec(d, mat.NewVecDense(len(x), x))
	if !mat.EqualApprox(mat.NewVecDense(len(got), got), &want, 1e-12) {
		t.Error("K.MulVec differs from the dense K")
	}
}
