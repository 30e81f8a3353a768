package dmf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"
)

// Load reads a network from the NPZ archive at path: arrays W1..WL, the
// layers, and an optional M, the target (the product when absent), as
// numpy.savez writes them. Arrays must be 2-D of float64 or float32 in C or
// Fortran order. Other arrays are ignored. Every error names the file.
func Load(path string) (*Net, error) {
	n, err := load(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

func load(path string) (*Net, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errors.New("no such file")
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory, not an NPZ file")
	}
	r, err := npz.NewReader(f, st.Size())
	if err != nil {
		return nil, errors.New("not an NPZ archive (truncated or not a zip file)")
	}

	layers := map[int]string{}
	target := ""
	for _, k := range r.Keys() {
		name := strings.TrimSuffix(k, ".npy")
		switch {
		case name == "M":
			target = k
		case strings.HasPrefix(name, "W"):
			i, err := strconv.Atoi(name[1:])
			if err != nil || i < 1 {
				continue
			}
			layers[i] = k
		}
	}
	if len(layers) == 0 {
		return nil, errors.New("no layer W1 (expected arrays W1..WL)")
	}
	idx := make([]int, 0, len(layers))
	for i := range layers {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for k, i := range idx {
		if i != k+1 {
			return nil, fmt.Errorf("layer W%d is missing (found W%d)", k+1, i)
		}
	}

	ws := make([]*mat.Dense, len(idx))
	for k, i := range idx {
		if ws[k], err = readMatrix(r, layers[i]); err != nil {
			return nil, err
		}
	}
	var m *mat.Dense
	if target != "" {
		if m, err = readMatrix(r, target); err != nil {
			return nil, err
		}
	}
	return New(m, ws...)
}

func readMatrix(r *npz.Reader, key string) (*mat.Dense, error) {
	name := strings.TrimSuffix(key, ".npy")
	h := r.Header(key)
	if h == nil {
		return nil, fmt.Errorf("array %s is not a readable .npy entry", name)
	}
	shape := h.Descr.Shape
	if len(shape) != 2 {
		return nil, fmt.Errorf("array %s has shape %v: want a 2-D array", name, shape)
	}
	rows, cols := shape[0], shape[1]
	if rows == 0 || cols == 0 {
		return nil, fmt.Errorf("array %s has shape %v: empty", name, shape)
	}
	var data []float64
	switch t := strings.Trim(h.Descr.Type, "'\""); t {
	case "<f8", ">f8", "=f8", "f8":
		if err := r.Read(key, &data); err != nil {
			return nil, fmt.Errorf("array %s: %v", name, err)
		}
	case "<f4", ">f4", "=f4", "f4":
		var d32 []float32
		if err := r.Read(key, &d32); err != nil {
			return nil, fmt.Errorf("array %s: %v", name, err)
		}
		data = make([]float64, len(d32))
		for k, x := range d32 {
			data[k] = float64(x)
		}
	default:
		return nil, fmt.Errorf("array %s has dtype %q: want float64 or float32", name, t)
	}
	if len(data) != rows*cols {
		return nil, fmt.Errorf("array %s holds %d values for shape %v", name, len(data), shape)
	}
	if !h.Descr.Fortran {
		return mat.NewDense(rows, cols, data), nil
	}
	m := mat.NewDense(rows, cols, nil)
	for j := 0; j < cols; j++ {
		for i := 0; i < rows; i++ {
			m.Set(i, j, data[j*rows+i])
		}
	}
	return m, nil
}

// Save writes n to path as an NPZ archive with arrays W1..WL and M, which
// numpy.load reads. The file is written to a temporary file in the same
// directory and renamed into place, so an interrupted Save leaves any
// earlier file whole.
func Save(path string, n *Net) error {
	if err := save(path, n); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func save(path string, n *Net) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file private; an NPZ output is an ordinary file.
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	w := npz.NewWriter(f)
	for i, l := range n.layers {
		if err := w.Write(fmt.Sprintf("W%d.npy", i+1), l); err != nil {
			return err
		}
	}
	if err := w.Write("M.npy", n.target); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
