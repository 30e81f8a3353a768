package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpToDate regenerates the tables into a temporary directory and fails
// when any checked-in file differs, is missing or is left over.
func TestUpToDate(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	checked := filepath.Join(wd, "..")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if err := generate(root, tmp); err != nil {
		t.Fatal(err)
	}

	fresh := generatedFiles(t, tmp)
	old := generatedFiles(t, checked)
	for name, want := range fresh {
		got, ok := old[name]
		switch {
		case !ok:
			t.Errorf("%s is missing; run go generate ./stdlib/symbols", name)
		case !bytes.Equal(got, want):
			t.Errorf("%s is stale; run go generate ./stdlib/symbols", name)
		}
	}
	for name := range old {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s is no longer generated; run go generate ./stdlib/symbols", name)
		}
	}
}

// generatedFiles reads the generated Go files of dir by name.
func generatedFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte(header)) {
			files[e.Name()] = b
		}
	}
	return files
}

func TestFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{modulePath + "/stdlib/dmf", "stdlib_dmf.go"},
		{"gonum.org/v1/gonum/mat", "gonum_org_v1_gonum_mat.go"},
	}
	for _, tt := range tests {
		if got := fileName(tt.in); got != tt.want {
			t.Errorf("fileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
