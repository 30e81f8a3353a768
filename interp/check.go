package interp

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strings"
)

// fakeImporter gives every import an empty, complete package, so that a
// script can be type-checked for what it declares itself without the
// sources of what it imports.
type fakeImporter struct{}

func (fakeImporter) Import(p string) (*types.Package, error) {
	name := path.Base(p)
	if i := strings.IndexAny(name, ".-"); i > 0 {
		name = name[:i]
	}
	pkg := types.NewPackage(p, name)
	pkg.MarkComplete()
	return pkg, nil
}

// newer lists builtins of Go 1.21 and later that yaegi v0.16.1 lacks, with
// what to write instead.
var newer = map[string]string{
	"min":   "the builtin min (Go 1.21) is not supported by the interpreter; use math.Min or an if",
	"max":   "the builtin max (Go 1.21) is not supported by the interpreter; use math.Max or an if",
	"clear": "the builtin clear (Go 1.21) is not supported by the interpreter; use a loop with delete or assign zero values",
}

// checkSupported looks in f for Go features yaegi v0.16.1 cannot run and
// returns the first as an Unsupported error, or nil. It type-checks f with
// empty imports, so a range expression whose type depends on an imported
// package goes unnoticed; yaegi then crashes and the crash is reported
// instead. prefix is the wrapper width of REPL input on line 1.
func checkSupported(fset *token.FileSet, f *ast.File, prefix int) *Error {
	e, _ := scan(fset, f, prefix)
	return e
}

// suspect returns the position of the first range statement in f whose
// range expression has a type the check could not see, the likely cause
// when yaegi crashes compiling f.
func suspect(fset *token.FileSet, f *ast.File, prefix int) (token.Position, bool) {
	_, p := scan(fset, f, prefix)
	return p, p.IsValid()
}

// scan implements checkSupported and suspect.
func scan(fset *token.FileSet, f *ast.File, prefix int) (*Error, token.Position) {
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	conf := types.Config{Importer: fakeImporter{}, Error: func(error) {}}
	conf.Check("main", fset, []*ast.File{f}, info)

	var found *Error
	var unknown token.Position
	at := func(n ast.Node, msg string) {
		p := fset.Position(n.Pos())
		found = &Error{Kind: Unsupported, Pos: fixPos(p, p.Filename, prefix), Msg: msg}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.RangeStmt:
			tv, ok := info.Types[n.X]
			if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
				if !unknown.IsValid() {
					p := fset.Position(n.X.Pos())
					unknown = fixPos(p, p.Filename, prefix)
				}
				return true
			}
			switch u := tv.Type.Underlying().(type) {
			case *types.Basic:
				if u.Info()&types.IsInteger != 0 {
					at(n.X, "range over an integer (Go 1.22) is not supported by the interpreter; write for i := 0; i < n; i++")
				}
			case *types.Signature:
				at(n.X, "range over a function (Go 1.23) is not supported by the interpreter; call the function with a callback instead")
			}
		case *ast.CallExpr:
			id, ok := n.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			if _, ok := info.Uses[id].(*types.Builtin); ok && newer[id.Name] != "" {
				at(id, newer[id.Name])
			}
		}
		return true
	})
	return found, unknown
}
