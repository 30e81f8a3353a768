package interp

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/basinlab/basin/stdlib/symbols"
)

// Doc writes to w the documentation that query names, from the doc
// comments of basin's library and gonum's mat, which are built into the
// binary: "" lists the packages, "dmf" (or a full import path) shows a
// package and its index, "dmf.Net" a type, function, constant or variable,
// and "dmf.Net.Loss" a method or field's type. Standard library packages
// are documented too when their sources are installed.
func Doc(w io.Writer, query string) error {
	if query == "" {
		fmt.Fprintln(w, "Packages (basin doc PACKAGE for one):")
		for _, p := range docPackages() {
			fmt.Fprintf(w, "  %-12s %s\n", pkgName(p), p)
		}
		return nil
	}
	// The package part ends at the first dot after the last slash.
	pkgQuery, sym := query, ""
	start := strings.LastIndexByte(query, '/') + 1
	if i := strings.IndexByte(query[start:], '.'); i >= 0 {
		pkgQuery, sym = query[:start+i], query[start+i+1:]
	}
	pkg, fset, err := loadDoc(pkgQuery)
	if err != nil {
		return err
	}
	if sym == "" {
		return packageDoc(w, fset, pkg)
	}
	return symbolDoc(w, fset, pkg, sym)
}

// docPackages returns the import paths with built-in documentation.
func docPackages() []string {
	var ps []string
	for p := range symbols.DocSources {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// loadDoc finds the package q names, by short name or import path, and
// computes its documentation.
func loadDoc(q string) (*doc.Package, *token.FileSet, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	importPath := ""
	for _, p := range docPackages() {
		if p == q || pkgName(p) == q {
			importPath = p
			break
		}
	}
	if importPath != "" {
		srcs := symbols.DocSources[importPath]
		names := make([]string, 0, len(srcs))
		for n := range srcs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			f, err := parser.ParseFile(fset, n, srcs[n], parser.ParseComments)
			if err != nil {
				return nil, nil, fmt.Errorf("interp: documentation of %s: %w", importPath, err)
			}
			files = append(files, f)
		}
	} else {
		var err error
		importPath = q
		if files, err = goroot(fset, q); err != nil {
			return nil, nil, err
		}
	}
	pkg, err := doc.NewFromFiles(fset, files, importPath)
	if err != nil {
		return nil, nil, fmt.Errorf("interp: documentation of %s: %w", importPath, err)
	}
	return pkg, fset, nil
}

// goroot parses a standard library package from the Go installation, when
// there is one.
func goroot(fset *token.FileSet, importPath string) ([]*ast.File, error) {
	missing := fmt.Errorf("interp: no documentation for %q; the library's packages are %s",
		importPath, strings.Join(shortNames(), ", "))
	root := build.Default.GOROOT
	if root == "" || strings.Contains(importPath, ".") {
		return nil, missing
	}
	bp, err := build.Default.ImportDir(filepath.Join(root, "src", filepath.FromSlash(importPath)), 0)
	if err != nil {
		return nil, missing
	}
	var files []*ast.File
	for _, n := range bp.GoFiles {
		src, err := os.ReadFile(filepath.Join(bp.Dir, n))
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, n, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// shortNames returns the names of the documented packages.
func shortNames() []string {
	var ns []string
	for _, p := range docPackages() {
		ns = append(ns, pkgName(p))
	}
	return ns
}

// packageDoc writes a package's comment and an index of its exported
// declarations.
func packageDoc(w io.Writer, fset *token.FileSet, pkg *doc.Package) error {
	fmt.Fprintf(w, "package %s // import %q\n\n", pkg.Name, pkg.ImportPath)
	w.Write(pkg.Text(pkg.Doc))
	fmt.Fprintln(w)
	for _, v := range pkg.Consts {
		fmt.Fprintln(w, oneLine(fset, v.Decl))
	}
	for _, v := range pkg.Vars {
		fmt.Fprintln(w, oneLine(fset, v.Decl))
	}
	for _, f := range pkg.Funcs {
		fmt.Fprintln(w, oneLine(fset, f.Decl))
	}
	for _, t := range pkg.Types {
		fmt.Fprintln(w, oneLine(fset, t.Decl))
		for _, f := range t.Funcs {
			fmt.Fprintln(w, "    "+oneLine(fset, f.Decl))
		}
	}
	return nil
}

// symbolDoc writes the declaration and comment of sym in pkg: a
// function, type, constant, variable, method or struct field.
func symbolDoc(w io.Writer, fset *token.FileSet, pkg *doc.Package, sym string) error {
	name, member, _ := strings.Cut(sym, ".")
	show := func(decl ast.Node, text string) error {
		fmt.Fprintf(w, "package %s // import %q\n\n%s\n", pkg.Name, pkg.ImportPath, declText(fset, decl))
		if text != "" {
			fmt.Fprintln(w)
			w.Write(pkg.Text(text))
		}
		return nil
	}
	for _, f := range pkg.Funcs {
		if f.Name == name && member == "" {
			return show(f.Decl, f.Doc)
		}
	}
	for _, t := range pkg.Types {
		if t.Name != name {
			for _, f := range t.Funcs {
				if f.Name == name && member == "" {
					return show(f.Decl, f.Doc)
				}
			}
			continue
		}
		if member == "" {
			if err := show(t.Decl, t.Doc); err != nil {
				return err
			}
			for _, f := range t.Funcs {
				fmt.Fprintln(w, "\n"+oneLine(fset, f.Decl))
			}
			for _, m := range t.Methods {
				fmt.Fprintln(w, oneLine(fset, m.Decl))
			}
			return nil
		}
		for _, m := range t.Methods {
			if m.Name == member {
				return show(m.Decl, m.Doc)
			}
		}
		return fmt.Errorf("interp: no method or field %s in %s.%s", member, pkg.Name, name)
	}
	for _, vs := range [][]*doc.Value{pkg.Consts, pkg.Vars} {
		for _, v := range vs {
			for _, n := range v.Names {
				if n == name && member == "" {
					return show(v.Decl, v.Doc)
				}
			}
		}
	}
	msg := fmt.Sprintf("interp: no %s in package %s", sym, pkg.Name)
	if s := nearest(name, exportedNames(pkg)); s != "" {
		msg += fmt.Sprintf(" (did you mean %s.%s?)", pkg.Name, s)
	}
	return errors.New(msg)
}

// exportedNames returns the package-level names documented in pkg.
func exportedNames(pkg *doc.Package) []string {
	var ns []string
	for _, f := range pkg.Funcs {
		ns = append(ns, f.Name)
	}
	for _, t := range pkg.Types {
		ns = append(ns, t.Name)
		for _, f := range t.Funcs {
			ns = append(ns, f.Name)
		}
	}
	for _, vs := range [][]*doc.Value{pkg.Consts, pkg.Vars} {
		for _, v := range vs {
			ns = append(ns, v.Names...)
		}
	}
	return ns
}

// declText prints a declaration without function bodies.
func declText(fset *token.FileSet, n ast.Node) string {
	if fd, ok := n.(*ast.FuncDecl); ok {
		c := *fd
		c.Body, c.Doc = nil, nil
		n = &c
	}
	if gd, ok := n.(*ast.GenDecl); ok {
		c := *gd
		c.Doc = nil
		n = &c
	}
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	cfg.Fprint(&b, fset, n)
	return b.String()
}

// oneLine summarizes a declaration on one line, as go doc's index does.
func oneLine(fset *token.FileSet, n ast.Node) string {
	switch d := n.(type) {
	case *ast.FuncDecl:
		return declText(fset, d)
	case *ast.GenDecl:
		if len(d.Specs) == 0 {
			return ""
		}
		switch s := d.Specs[0].(type) {
		case *ast.TypeSpec:
			kind := "type " + s.Name.Name
			switch s.Type.(type) {
			case *ast.StructType:
				return kind + " struct{ ... }"
			case *ast.InterfaceType:
				return kind + " interface{ ... }"
			}
			return "type " + declText(fset, s)
		case *ast.ValueSpec:
			tok := d.Tok.String()
			var names []string
			for _, sp := range d.Specs {
				for _, id := range sp.(*ast.ValueSpec).Names {
					if id.IsExported() {
						names = append(names, id.Name)
					}
				}
			}
			if len(names) == 1 {
				return strings.SplitN(tok+" "+declText(fset, s), "\n", 2)[0]
			}
			return tok + " " + strings.Join(names, ", ")
		}
	}
	return path.Base(fmt.Sprint(n))
}
