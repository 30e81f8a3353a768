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
// panic in the goroutine is recovered and reported to the host, and makes
// each function that calls itself count its depth with the host, which
// stops a runaway recursion with a panic before the Go runtime kills the
// process for a stack overflow (mutual recursion and recursive function
// literals are not seen). A function
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
		if fd, ok := n.(*ast.FuncDecl); ok && fd.Body != nil && callsItself(fd) {
			at := off(fd.Body.Lbrace) + 1
			edits = append(edits, edit{at, at, fmt.Sprintf("%[1]s.Descend(); defer %[1]s.Ascend(); ", guardName)})
			return true
		}
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

// callsItself reports whether the body of fd calls a function or method
// of fd's name: a direct recursion, or for a method possibly a call of
// the same-named method of another value, which only costs a needless
// depth count.
func callsItself(fd *ast.FuncDecl) bool {
	name := fd.Name.Name
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		switch fn := c.Fun.(type) {
		case *ast.Ident:
			found = fd.Recv == nil && fn.Name == name
		case *ast.SelectorExpr:
			found = fd.Recv != nil && fn.Sel.Name == name
		}
		return !found
	})
	return found
}
