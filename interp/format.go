package interp

import (
	"fmt"
	"reflect"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Display limits of Format.
const (
	// matFull is the largest row or column count shown in full; larger
	// matrices show matExcerpt rows and columns from each corner.
	matFull    = 8
	matExcerpt = 3
	// maxValueLen caps the length of other values, in bytes.
	maxValueLen = 2000
)

// Format renders a value for the REPL: a matrix as "3x3 Dense" followed by
// its rows, elided when large, and anything else as its value followed by
// its type in parentheses. It returns "" for an invalid value.
func Format(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "nil (" + v.Type().String() + ")"
		}
		v = v.Elem()
	}
	if !v.CanInterface() {
		return v.String()
	}
	x := v.Interface()
	if m, ok := x.(mat.Matrix); ok && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		return formatMatrix(m)
	}
	var s string
	switch x := x.(type) {
	case string:
		s = fmt.Sprintf("%q", x)
	case error:
		s = x.Error()
	default:
		s = fmt.Sprintf("%v", x)
	}
	if len(s) > maxValueLen {
		s = s[:maxValueLen] + "..."
	}
	return s + " (" + v.Type().String() + ")"
}

// formatMatrix renders m compactly, with a header giving its size and
// type.
func formatMatrix(m mat.Matrix) (s string) {
	defer func() {
		// A matrix type whose methods panic (an empty Dense, say) still
		// gets a line.
		if r := recover(); r != nil {
			s = fmt.Sprintf("%T (%v)", m, r)
		}
	}()
	r, c := m.Dims()
	name := reflect.TypeOf(m).String()
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	head := fmt.Sprintf("%dx%d %s", r, c, name)
	if r == 0 || c == 0 {
		return head
	}
	opts := []mat.FormatOption{mat.Squeeze()}
	if r > matFull || c > matFull {
		opts = append(opts, mat.Excerpt(matExcerpt))
	}
	body := fmt.Sprintf("%.6g", mat.Formatted(m, opts...))
	if strings.HasPrefix(body, "Dims(") {
		// Excerpt's own size line repeats the header.
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			body = body[i+1:]
		}
	}
	return head + "\n" + strings.TrimRight(body, "\n")
}
