package record

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/basinlab/basin/stdlib/optim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot sizes. Six by four inches reads well on a screen and on a page;
// PNG is rendered at gonum/plot's default 96 dots per inch.
const (
	plotWidth  = 6 * vg.Inch
	plotHeight = 4 * vg.Inch
)

// Series colors: a palette that stays distinct for the common kinds of
// color blindness (Okabe and Ito, 2008).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // bluish green
	color.RGBA{204, 121, 167, 255}, // reddish purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{0, 0, 0, 255},       // black
}

func colorOf(i int) color.Color { return palette[i%len(palette)] }

// SavePlot writes p to path atomically, as PNG or SVG by the extension
// (.png or .svg, in any case).
func SavePlot(p *plot.Plot, path string) error {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if format != "png" && format != "svg" {
		return fmt.Errorf("record: plot %s: extension must be .png or .svg", path)
	}
	wt, err := p.WriterTo(plotWidth, plotHeight, format)
	if err != nil {
		return fmt.Errorf("record: plot %s: %w", path, err)
	}
	return WriteFile(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// series returns the points (step, f(r)) with finite values and, when
// positive is set, positive values, as a log axis needs.
func series(recs []Record, f func(Record) float64, positive bool) plotter.XYs {
	var xy plotter.XYs
	for _, r := range recs {
		y := f(r)
		if math.IsNaN(y) || math.IsInf(y, 0) || (positive && y <= 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: float64(r.Step), Y: y})
	}
	return xy
}

// addLine adds a line of the points to p, colored by index i and dashed
// when dashed is set; empty series are skipped.
func addLine(p *plot.Plot, xy plotter.XYs, name string, i int, dashed bool) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	l.Color = colorOf(i)
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// addLevel draws the horizontal line y = v over the steps of recs.
func addLevel(p *plot.Plot, recs []Record, v float64, name string, i int) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return nil
	}
	a, b := float64(recs[0].Step), float64(recs[len(recs)-1].Step)
	if a == b {
		b = a + 1
	}
	return addLine(p, plotter.XYs{{X: a, Y: v}, {X: b, Y: v}}, name, i, true)
}

// ThresholdLabel returns the name of opt's stability threshold with its
// value, as the sharpness plot labels its line, for example
// "2/eta = 20" for gradient descent with eta = 0.1.
func ThresholdLabel(opt optim.Optimizer) string {
	th := opt.Threshold()
	var name string
	switch o := opt.(type) {
	case *optim.GD:
		name = "2/eta"
	case *optim.Momentum:
		name = "(2+2beta)/eta"
	case *optim.Nesterov:
		name = "(2+2beta)/((1+2beta)eta)"
	case *optim.Adam:
		name = "(2+2beta1)/((1-beta1)eta), preconditioned"
	case *optim.RMSprop:
		name = "(2+2mu)/eta, preconditioned"
	case *optim.SAM:
		if o.Unnormalized {
			name = "USAM threshold"
		} else {
			name = "SAM threshold"
		}
	default:
		name = "threshold"
	}
	return fmt.Sprintf("%s = %.4g", name, th)
}

// SharpnessPlot returns the plot of the tracked sharpness (Lanczos and,
// where present, exact and preconditioned) against the step, with the
// threshold of opt as a dashed line; opt may be nil.
func SharpnessPlot(recs []Record, opt optim.Optimizer) (*plot.Plot, error) {
	if len(recs) == 0 {
		return nil, errShortRecords
	}
	p := plot.New()
	p.Title.Text = "Sharpness"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "lambda_max"
	p.Legend.Top = true
	if err := addLine(p, series(recs, func(r Record) float64 { return r.Sharpness }, false), "Lanczos", 0, false); err != nil {
		return nil, err
	}
	if xy := series(recs, func(r Record) float64 { return r.Exact }, false); len(xy) > 0 {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("record: %w", err)
		}
		s.Color = colorOf(2)
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2)
		p.Add(s)
		p.Legend.Add("exact at minimizer", s)
	}
	if err := addLine(p, series(recs, func(r Record) float64 { return r.Preconditioned }, false), "preconditioned", 3, false); err != nil {
		return nil, err
	}
	if opt != nil {
		if err := addLevel(p, recs, opt.Threshold(), ThresholdLabel(opt), 1); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// PlotSharpness writes SharpnessPlot(recs, opt) to path.
func PlotSharpness(path string, recs []Record, opt optim.Optimizer) error {
	p, err := SharpnessPlot(recs, opt)
	if err != nil {
		return err
	}
	return SavePlot(p, path)
}

// logAxis puts the y axis of p on a log scale.
func logAxis(p *plot.Plot) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
}

// PlotLoss writes the loss against the step, on a log scale, and the
// gradient norm, to path. Zero and non-finite values are left out.
func PlotLoss(path string, recs []Record) error {
	if len(recs) == 0 {
		return errShortRecords
	}
	p := plot.New()
	p.Title.Text = "Loss"
	p.X.Label.Text = "step"
	p.Legend.Top = true
	loss := series(recs, func(r Record) float64 { return r.Loss }, true)
	gn := series(recs, func(r Record) float64 { return r.GradNorm }, true)
	if len(loss)+len(gn) == 0 {
		return fmt.Errorf("record: plot %s: no positive finite loss to draw", path)
	}
	logAxis(p)
	if err := addLine(p, loss, "loss", 0, false); err != nil {
		return err
	}
	if err := addLine(p, gn, "gradient norm", 1, true); err != nil {
		return err
	}
	return SavePlot(p, path)
}

// PlotBalance writes c_i and ||W_i||_2 per layer against the step to
// path, with the common value Flat that every c_i takes at a flattest
// minimizer as a level (pass NaN to leave it out).
func PlotBalance(path string, recs []Record, flat float64) error {
	L := depth(recs)
	if L == 0 {
		return fmt.Errorf("record: plot %s: no balance measures recorded", path)
	}
	p := plot.New()
	p.Title.Text = "Balance across layers"
	p.X.Label.Text = "step"
	p.Legend.Top = true
	for i := 0; i < L; i++ {
		k := i
		c := series(recs, func(r Record) float64 { return at(r.C, k) }, false)
		if err := addLine(p, c, fmt.Sprintf("c_%d", i+1), i, false); err != nil {
			return err
		}
		s := series(recs, func(r Record) float64 { return at(r.Spectral, k) }, false)
		if err := addLine(p, s, fmt.Sprintf("||W_%d||_2", i+1), i, true); err != nil {
			return err
		}
	}
	if err := addLevel(p, recs, flat, fmt.Sprintf("flat = %.4g", flat), L); err != nil {
		return err
	}
	return SavePlot(p, path)
}

func at(s []float64, i int) float64 {
	if i >= len(s) {
		return math.NaN()
	}
	return s[i]
}
