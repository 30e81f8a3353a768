package record

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Escape is one run of an escape experiment: started at distance Eps
// from a minimizer, the run left a ball of radius delta at Step
// (negative when it never did), and the linear theory predicts
// Predicted = ln(delta/Eps)/ln(eta lambda_max - 1).
type Escape struct {
	Eps       float64
	Step      int
	Predicted float64
}

// PredictedEscape returns ln(delta/eps)/ln(eta lambda - 1), the number of
// steps the deviation along the top eigenvector takes to grow from eps
// to delta when it is multiplied by eta lambda - 1 per step, or NaN when
// eta lambda <= 2, where it does not grow.
func PredictedEscape(eps, delta, eta, lambda float64) float64 {
	g := eta*lambda - 1
	if !(g > 1) {
		return math.NaN()
	}
	return math.Log(delta/eps) / math.Log(g)
}

// EscapeSlope returns the least-squares slope and intercept of the escape
// step against ln(1/eps) over the runs that escaped. The theory predicts
// the slope 1/ln(eta lambda_max - 1). It returns an error with fewer than
// two escaped runs at distinct eps.
func EscapeSlope(runs []Escape) (slope, intercept float64, err error) {
	var x, y []float64
	for _, r := range runs {
		if r.Step >= 0 {
			x = append(x, math.Log(1/r.Eps))
			y = append(y, float64(r.Step))
		}
	}
	if len(x) < 2 || stat.Variance(x, nil) == 0 {
		return math.NaN(), math.NaN(), errors.New("record: escape slope needs two escaped runs at different eps")
	}
	intercept, slope = stat.LinearRegression(x, y, nil, false)
	return slope, intercept, nil
}

// PlotEscape writes the escape step against ln(1/eps) to path: the
// measured steps as points, the prediction as a line, and the
// least-squares fit as a dashed line with its slope in the legend.
func PlotEscape(path string, runs []Escape) error {
	var meas, pred plotter.XYs
	for _, r := range runs {
		x := math.Log(1 / r.Eps)
		if r.Step >= 0 {
			meas = append(meas, plotter.XY{X: x, Y: float64(r.Step)})
		}
		if !math.IsNaN(r.Predicted) {
			pred = append(pred, plotter.XY{X: x, Y: r.Predicted})
		}
	}
	if len(meas)+len(pred) == 0 {
		return fmt.Errorf("record: plot %s: no escapes to draw", path)
	}
	p := plot.New()
	p.Title.Text = "Escape from a sharp minimizer"
	p.X.Label.Text = "ln(1/eps)"
	p.Y.Label.Text = "escape step"
	p.Legend.Top = true
	p.Legend.Left = true
	if err := addXY(p, pred, "predicted ln(delta/eps)/ln(eta lambda - 1)", 1, false); err != nil {
		return err
	}
	if slope, icept, err := EscapeSlope(runs); err == nil {
		var fit plotter.XYs
		for _, q := range meas {
			fit = append(fit, plotter.XY{X: q.X, Y: icept + slope*q.X})
		}
		if err := addXY(p, fit, fmt.Sprintf("fit, slope %.4g", slope), 2, true); err != nil {
			return err
		}
	}
	if len(meas) > 0 {
		s, err := plotter.NewScatter(meas)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		s.Color = colorOf(0)
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(3)
		p.Add(s)
		p.Legend.Add("measured", s)
	}
	return SavePlot(p, path)
}

// addXY adds a line through xy, sorted by x as given.
func addXY(p *plot.Plot, xy plotter.XYs, name string, i int, dashed bool) error {
	return addLine(p, xy, name, i, dashed)
}
