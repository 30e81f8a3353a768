package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
)

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// guardGoStmts rewrites the go statements of f, parsed from src, so that a
// panic in the goroutine is recovered and reported to the host. A function
// literal gets, as its first statements, a call telling the host it runs
// and a deferred recover; a call without
// arguments is wrapped in a function literal that has one. Other go
// statements are left alone: moving their arguments into a closure would
// change when those are evaluated. The edits stay on their lines, so line
// numbers do not move. With addImport, the guard package is imported on the
// package clause's line. It reports whether it changed anything.
func guardGoStmts(fset *token.FileSet, f *ast.File, src []byte, prefix int, name string, addImport bool) ([]byte, bool) {
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		p := fixPos(fset.Position(g.Pos()), name, prefix)
		deferred := fmt.Sprintf("%[1]s.Enter(); defer func() { %[1]s.Report(%[2]q, recover()) }(); ", guardName, p.String())
		switch fn := g.Call.Fun.(type) {
		case *ast.FuncLit:
			at := off(fn.Body.Lbrace) + 1
			edits = append(edits, edit{at, at, deferred})
		default:
			if len(g.Call.Args) == 0 {
				from, to := off(g.Call.Pos()), off(g.Call.End())
				edits = append(edits, edit{from, to, "func() { " + deferred + string(src[from:to]) + " }()"})
			}
		}
		return true
	})
	if len(edits) == 0 {
		return src, false
	}
	if addImport {
		at := off(f.Name.End())
		edits = append(edits, edit{at, at, fmt.Sprintf("; import %s %q", guardName, guardPath)})
	}

	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.from], append([]byte(e.text), out[e.to:]...)...)
	}
	return out, true
}
