package interp

import (
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
	"github.com/traefik/yaegi/stdlib/unsafe"

	"github.com/basinlab/basin/stdlib/symbols"
)

// Kind classifies an Error.
type Kind int

// The kinds of Error.
const (
	// CompileError is a syntax or type error found before running.
	CompileError Kind = iota
	// Unsupported is valid Go that the interpreter cannot run.
	Unsupported
	// RuntimePanic is a panic during execution, whether raised by the
	// script, by gonum or by basin's core.
	RuntimePanic
	// GoroutinePanic is a panic in a goroutine the script started.
	GoroutinePanic
	// Interrupted means the evaluation's context was cancelled.
	Interrupted
	// InternalError is a crash of the interpreter itself.
	InternalError
)

var kindNames = [...]string{"compile error", "unsupported feature", "panic", "goroutine panic", "interrupted", "internal error"}

// String returns a lower-case description of k.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Frame is one interpreted function that a panic unwound.
type Frame struct {
	// Pos is the position of the function's first statement.
	Pos token.Position
	// Func is the function's name, as "main.f" or "main.f.func" for a
	// function literal.
	Func string
}

// Error is a failure of a script, located in its source.
type Error struct {
	Kind Kind
	// Pos locates the error; fields are zero when unknown. For panics it
	// is the first statement of the innermost interpreted function.
	Pos token.Position
	// Msg describes the error, without the position.
	Msg string
	// Func names the innermost interpreted function of a panic.
	Func string
	// Trace lists the interpreted functions a panic unwound, innermost
	// first.
	Trace []Frame
	// Value is the recovered panic value, if any.
	Value any
	// Err is the underlying error, if any.
	Err error
}

// Error formats e as "file:line:col: message", leaving out what is unknown.
func (e *Error) Error() string {
	p := e.Pos
	var b strings.Builder
	if p.Filename != "" {
		b.WriteString(p.Filename)
		b.WriteString(":")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, "%d:", p.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ExitError reports that the script called os.Exit.
type ExitError struct {
	Code int
}

// Error returns "exit status N".
func (e *ExitError) Error() string { return "exit status " + strconv.Itoa(e.Code) }

var (
	// posPrefix splits "file:line:col: message".
	posPrefix = regexp.MustCompile(`(?s)^(?:(.*?):)?(\d+):(\d+): (.*)$`)
	// noSymbol is yaegi's message for a missing member of a compiled
	// package.
	noSymbol = regexp.MustCompile(`^package (\S+) "([^"]+)" has no symbol (\S+)$`)
	// posOnly matches a position alone.
	posOnly = regexp.MustCompile(`^(?:(.*):)?(\d+):(\d+)$`)
	// noSource is yaegi's message for an import it has no symbols for.
	noSource = regexp.MustCompile(`^import "([^"]+)" error: unable to find source related to`)
	// undefined is the message for an unknown identifier.
	undefined = regexp.MustCompile(`^undefined: (\S+)$`)
	// traceLine is what yaegi writes to the interpreter's stderr for
	// each interpreted function a panic unwinds.
	traceLine = regexp.MustCompile(`^(?:(.+):)?(\d+):(\d+): panic: (.+)\(\.\.\.\)\n$`)
)

// parsePos parses "file:line:col" or "line:col".
func parsePos(s string) token.Position {
	m := posOnly.FindStringSubmatch(s)
	if m == nil {
		return token.Position{Filename: s}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return token.Position{Filename: m[1], Line: line, Column: col}
}

// fixPos gives p the name of the input and removes the wrapper's width from
// columns on the first line.
func fixPos(p token.Position, name string, prefix int) token.Position {
	p.Filename = name
	if p.Line == 1 && p.Column > prefix {
		p.Column -= prefix
	}
	p.Offset = 0
	return p
}

// compileError turns an error from parsing or compiling into an *Error,
// adding a near match to undefined names. f, if not nil, is the parsed
// source, whose identifiers are candidates.
func (h *Host) compileError(err error, f *ast.File, name string, prefix int) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Pos.Filename == "" {
			e.Pos.Filename = name
		}
		return e
	}
	e = &Error{Kind: CompileError, Err: err}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e.Pos, e.Msg = fixPos(list[0].Pos, name, prefix), list[0].Msg
		if len(list) > 1 {
			e.Msg += fmt.Sprintf(" (and %d more errors)", len(list)-1)
		}
		return e
	}
	msg := err.Error()
	if m := posPrefix.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		e.Pos = fixPos(token.Position{Line: line, Column: col}, name, prefix)
		msg = m[4]
	} else {
		e.Pos.Filename = name
	}
	e.Msg = h.explain(msg, f)
	return e
}

// explain rewrites messages about unknown names, adding a near match.
func (h *Host) explain(msg string, f *ast.File) string {
	if m := noSource.FindStringSubmatch(msg); m != nil {
		if !h.opts.Unrestricted && privileged(m[1]) {
			return fmt.Sprintf("package %s is only available with --unrestricted", m[1])
		}
		return fmt.Sprintf("package %s is not available to scripts, which can import Go's standard library, gonum.org/v1/gonum/mat and basin's stdlib packages", m[1])
	}
	if m := noSymbol.FindStringSubmatch(msg); m != nil {
		pkg, path, sym := m[1], m[2], m[3]
		msg = "undefined: " + pkg + "." + sym
		for _, g := range symbols.Generic[path] {
			if g == sym {
				return msg + " (" + pkg + "." + sym + " is generic; the interpreter cannot call generic functions or types of compiled packages)"
			}
		}
		if s := nearest(sym, h.Members(path)); s != "" {
			msg += " (did you mean " + pkg + "." + s + "?)"
		}
		return msg
	}
	if m := undefined.FindStringSubmatch(msg); m != nil {
		if s := nearest(m[1], h.candidates(f)); s != "" {
			msg += " (did you mean " + s + "?)"
		}
	}
	return msg
}

// privileged reports whether the package at importPath is only loaded for
// unrestricted scripts.
func privileged(importPath string) bool {
	key := importPath + "/" + pkgName(importPath)
	for _, set := range []yaegi.Exports{unrestricted.Symbols, syscall.Symbols, unsafe.Symbols} {
		if _, ok := set[key]; ok {
			return true
		}
	}
	return false
}

// candidates returns the names an identifier could have meant: the
// session's, those in f, the short package names and Go's predeclared
// ones.
func (h *Host) candidates(f *ast.File) []string {
	seen := map[string]bool{}
	for n := range h.names {
		seen[n] = true
	}
	if f != nil {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				seen[id.Name] = true
			}
			return true
		})
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			seen[pkgName(p)] = true
		}
	}
	for _, n := range predeclared {
		seen[n] = true
	}
	if h.imported {
		for _, p := range Prelude() {
			seen[pkgName(p)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	return out
}

// predeclared lists Go's predeclared identifiers the interpreter knows.
var predeclared = []string{
	"append", "bool", "byte", "cap", "close", "complex", "complex128", "copy",
	"delete", "error", "false", "float32", "float64", "imag", "int", "int64",
	"len", "make", "new", "nil", "panic", "print", "println", "real",
	"recover", "rune", "string", "true", "uint", "uint64",
}

// nearest returns the candidate closest to name in edit distance, ignoring
// case, if it is close enough to be a likely typo: at most a third of the
// name's length, so names under three letters get none. Ties go to the alphabetically first.
func nearest(name string, cands []string) string {
	limit := len(name) / 3
	best, bestD := "", limit+1
	for _, c := range cands {
		if c == name {
			continue
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// the Levenshtein distance with a swap of adjacent letters counting as one
// edit, the commonest typo.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// runtimeError turns an error from executing a program into an error for
// the caller.
func (h *Host) runtimeError(err error, name string) error {
	var p yaegi.Panic
	if !errors.As(err, &p) {
		return h.compileError(err, nil, name, h.prefix)
	}
	frames := h.trace.take()
	if c, ok := p.Value.(exitCode); ok {
		return &ExitError{Code: int(c)}
	}

	for i := range frames {
		if frames[i].Pos.Filename != name {
			frames[i].Pos = fixPos(frames[i].Pos, name, h.prefix)
		}
		frames[i].Pos = h.snapToStmt(frames[i].Pos)
	}
	e := &Error{Kind: RuntimePanic, Value: p.Value, Trace: frames, Err: err, Pos: token.Position{Filename: name}}
	if ie, ok := p.Value.(*Error); ok {
		// A crash of yaegi's run-time setup, already explained.
		return ie
	}
	e.Msg = "panic: " + panicText(p.Value)
	if len(frames) > 0 {
		e.Pos, e.Func = frames[0].Pos, frames[0].Func
		// Top-level REPL statements run in a wrapper main.main, which
		// is not worth naming.
		if h.prefix == 0 || e.Func != "main" && e.Func != "main.main" {
			e.Msg = "panic in " + e.Func + ": " + panicText(p.Value)
		}
	}
	return e
}

// panicText formats a recovered panic value.
func panicText(v any) string {
	// The interpreter panics with the reflect.Value of the script's
	// argument to panic.
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

// traceWriter passes writes through to w, except the lines yaegi writes
// while a panic unwinds interpreted functions, which it keeps as Frames.
type traceWriter struct {
	w      io.Writer
	mu     sync.Mutex
	frames []Frame
}

// Write implements io.Writer. yaegi writes each trace line with one
// call.
func (t *traceWriter) Write(p []byte) (int, error) {
	if m := traceLine.FindSubmatch(p); m != nil {
		line, _ := strconv.Atoi(string(m[2]))
		col, _ := strconv.Atoi(string(m[3]))
		t.mu.Lock()
		t.frames = append(t.frames, Frame{
			Pos:  token.Position{Filename: string(m[1]), Line: line, Column: col},
			Func: string(m[4]),
		})
		t.mu.Unlock()
		return len(p), nil
	}
	return t.w.Write(p)
}

// take returns and forgets the frames kept so far.
func (t *traceWriter) take() []Frame {
	t.mu.Lock()
	defer t.mu.Unlock()
	fr := t.frames
	t.frames = nil
	return fr
}

// reset forgets the frames kept so far.
func (t *traceWriter) reset() { t.take() }

// snapToStmt moves p, which yaegi puts at the first node it executes in a
// function, to the start of the statement holding that node, when p is in
// the file being run.
func (h *Host) snapToStmt(p token.Position) token.Position {
	f, fset := h.file, h.yi.FileSet()
	if f == nil || p.Line < 1 {
		return p
	}
	tf := fset.File(f.Pos())
	if tf == nil || tf.Name() != p.Filename || p.Line > tf.LineCount() {
		return p
	}
	pos := tf.LineStart(p.Line) + token.Pos(p.Column-1)
	var best ast.Stmt
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil || pos < n.Pos() || pos >= n.End() {
			return false
		}
		if s, ok := n.(ast.Stmt); ok {
			if _, block := s.(*ast.BlockStmt); !block {
				best = s
			}
		}
		return true
	})
	if best == nil {
		return p
	}
	q := fset.Position(best.Pos())
	q.Offset = 0
	return q
}
