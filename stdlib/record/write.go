package record

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Header returns the CSV column names for records of a network of depth
// L: step, loss, grad_norm, sharpness, sharpness_residual, matvecs,
// preconditioned, exact, residual, distance, then c_1..c_L,
// spectral_1..spectral_L, frobenius_1..frobenius_L and gap_1..gap_{L-1}.
func Header(L int) []string {
	h := []string{"step", "loss", "grad_norm", "sharpness", "sharpness_residual", "matvecs", "preconditioned", "exact", "residual", "distance"}
	for _, name := range []string{"c", "spectral", "frobenius"} {
		for i := 1; i <= L; i++ {
			h = append(h, fmt.Sprintf("%s_%d", name, i))
		}
	}
	for i := 1; i < L; i++ {
		h = append(h, fmt.Sprintf("gap_%d", i))
	}
	return h
}

// depth returns the depth of the records, from the first with balance
// measures, or 0.
func depth(recs []Record) int {
	for _, r := range recs {
		if r.C != nil {
			return len(r.C)
		}
	}
	return 0
}

// formatFloat writes x with the shortest representation that reads back
// exactly; NaN is written as NaN, which numpy and pandas read.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// EncodeCSV writes recs as CSV with a Header row. Missing balance
// measures are written as NaN.
func EncodeCSV(w io.Writer, recs []Record) error {
	L := depth(recs)
	cw := csv.NewWriter(w)
	if err := cw.Write(Header(L)); err != nil {
		return err
	}
	row := make([]string, 0, len(Header(L)))
	for _, r := range recs {
		row = row[:0]
		row = append(row, strconv.Itoa(r.Step))
		for _, x := range []float64{r.Loss, r.GradNorm, r.Sharpness, r.SharpnessResidual} {
			row = append(row, formatFloat(x))
		}
		row = append(row, strconv.Itoa(r.MatVecs))
		for _, x := range []float64{r.Preconditioned, r.Exact, r.Residual, r.Distance} {
			row = append(row, formatFloat(x))
		}
		for _, s := range [][]float64{r.C, r.Spectral, r.Frobenius} {
			row = appendN(row, s, L)
		}
		if L > 0 {
			row = appendN(row, r.Gaps, L-1)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// appendN appends the n values of s, or n NaNs when s is nil.
func appendN(row []string, s []float64, n int) []string {
	for i := 0; i < n; i++ {
		x := math.NaN()
		if s != nil {
			x = s[i]
		}
		row = append(row, formatFloat(x))
	}
	return row
}

// WriteCSV writes recs as CSV to path, atomically.
func WriteCSV(path string, recs []Record) error {
	return WriteFile(path, func(w io.Writer) error { return EncodeCSV(w, recs) })
}

// jsonRecord is the JSON form of a Record: the same names as the CSV
// header, with NaN and infinities as null.
type jsonRecord struct {
	Step           int         `json:"step"`
	Loss           jsonFloat   `json:"loss"`
	GradNorm       jsonFloat   `json:"grad_norm"`
	Sharpness      jsonFloat   `json:"sharpness"`
	SharpnessRes   jsonFloat   `json:"sharpness_residual"`
	MatVecs        int         `json:"matvecs"`
	Preconditioned jsonFloat   `json:"preconditioned"`
	Exact          jsonFloat   `json:"exact"`
	Residual       jsonFloat   `json:"residual"`
	Distance       jsonFloat   `json:"distance"`
	C              []jsonFloat `json:"c,omitempty"`
	Spectral       []jsonFloat `json:"spectral,omitempty"`
	Frobenius      []jsonFloat `json:"frobenius,omitempty"`
	Gaps           []jsonFloat `json:"gaps,omitempty"`
}

// jsonFloat marshals NaN and infinities as null, which JSON lacks.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func jsonFloats(s []float64) []jsonFloat {
	if s == nil {
		return nil
	}
	out := make([]jsonFloat, len(s))
	for i, x := range s {
		out[i] = jsonFloat(x)
	}
	return out
}

// EncodeJSONL writes recs as JSON Lines, one object per record with the
// keys of the CSV header (c, spectral, frobenius and gaps as arrays) and
// null for values not computed.
func EncodeJSONL(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w)
	for _, r := range recs {
		j := jsonRecord{
			Step: r.Step, Loss: jsonFloat(r.Loss), GradNorm: jsonFloat(r.GradNorm),
			Sharpness: jsonFloat(r.Sharpness), SharpnessRes: jsonFloat(r.SharpnessResidual),
			MatVecs:        r.MatVecs,
			Preconditioned: jsonFloat(r.Preconditioned), Exact: jsonFloat(r.Exact),
			Residual: jsonFloat(r.Residual), Distance: jsonFloat(r.Distance),
			C: jsonFloats(r.C), Spectral: jsonFloats(r.Spectral),
			Frobenius: jsonFloats(r.Frobenius), Gaps: jsonFloats(r.Gaps),
		}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSONL writes recs as JSON Lines to path, atomically.
func WriteJSONL(path string, recs []Record) error {
	return WriteFile(path, func(w io.Writer) error { return EncodeJSONL(w, recs) })
}
