package dmf

import "testing"

// benchDepth is the depth of every benchmark network, the depth the
// comparisons with PyTorch use.
const benchDepth = 4

// square returns the widths of a depth-benchDepth network with every
// width d.
func square(d int) []int {
	w := make([]int, benchDepth+1)
	for i := range w {
		w[i] = d
	}
	return w
}

// benchNet returns a random network of width d away from its target, so
// that the residual terms are not zero.
func benchNet(d int) *Net {
	w := square(d)
	return Random(w, RandomTarget(d, d, 1), 0.5, 2)
}

// benchmarkGrad times one gradient evaluation as a gradient descent step
// needs it: the prefix and suffix products at new parameters, then the
// gradient.
func benchmarkGrad(b *testing.B, d int) {
	n := benchNet(d)
	g := make([]float64, n.NumParams())
	n.Grad(g)
	b.ReportAllocs()
	for b.Loop() {
		n.Grad(g)
	}
}

func BenchmarkGrad8(b *testing.B)   { benchmarkGrad(b, 8) }
func BenchmarkGrad32(b *testing.B)  { benchmarkGrad(b, 32) }
func BenchmarkGrad128(b *testing.B) { benchmarkGrad(b, 128) }

// benchmarkHVP times one exact Hessian-vector product at a fixed point,
// the unit of work of an eigensolver.
func benchmarkHVP(b *testing.B, d int) {
	p := benchNet(d).At()
	v := p.Net().RandomDirection(3)
	h := make([]float64, len(v))
	p.MulVec(h, v)
	b.ReportAllocs()
	for b.Loop() {
		p.MulVec(h, v)
	}
}

func BenchmarkHVP16(b *testing.B)  { benchmarkHVP(b, 16) }
func BenchmarkHVP64(b *testing.B)  { benchmarkHVP(b, 64) }
func BenchmarkHVP128(b *testing.B) { benchmarkHVP(b, 128) }
