package interp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
	"github.com/traefik/yaegi/stdlib/unsafe"

	"github.com/basinlab/basin/stdlib/session"
	"github.com/basinlab/basin/stdlib/symbols"
)

// Options configure a Host.
type Options struct {
	// Stdin, Stdout and Stderr are the script's standard streams; nil
	// means the process's own. Only *os.File values also become os.Stdin,
	// os.Stdout and os.Stderr inside the script; other writers receive what
	// the script prints through fmt and log.
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// Args is os.Args as the script sees it: the script's name followed by
	// its arguments. Nil means the name alone.
	Args []string

	// Env is the script's environment, "key=value" entries; nil means the
	// process's environment. Restricted scripts get a private copy.
	Env []string

	// Unrestricted gives scripts os/exec, syscall, unsafe and the real
	// environment and os.Exit.
	Unrestricted bool

	// GoPanic, when not nil, is called as soon as a goroutine started by
	// the script panics. Otherwise such panics are kept and the first one
	// is returned by the next Run or Eval that has no error of its own.
	GoPanic func(*Error)
}

// guardPath is the import path under which scripts reach the host's
// goroutine guard; the rewritten go statements import it.
const guardPath = "basinhost/guard"

// guardName is the name the rewritten source uses for guardPath.
const guardName = "basinguard__"

// Host runs scripts and REPL input in one interpreter. A Host is not safe
// for concurrent evaluations.
type Host struct {
	opts  Options
	yi    *yaegi.Interpreter
	trace *traceWriter

	mu       sync.Mutex
	goPanics []*Error
	// active counts the guarded goroutines running.
	active atomic.Int64
	// depth counts the frames of guarded recursive functions on the
	// stacks of the script's goroutines.
	depth atomic.Int64

	// file is the script being run, to locate panics in.
	file *ast.File
	// imported is set once ImportLibrary has run.
	imported bool
	// guarded is set once the guard package is imported for Eval.
	guarded bool
	// prefix is the wrapper length of the input being evaluated, to
	// correct columns on its first line.
	prefix int
	// names are the identifiers the session has declared, for
	// completion and suggestions.
	names map[string]bool
}

// exitCode is the panic value of the host's os.Exit replacement.
type exitCode int

// New returns a Host with Go's standard library, gonum's mat and basin's
// library loaded.
func New(opts Options) (*Host, error) {
	h := &Host{opts: opts, names: map[string]bool{}}
	stderr := opts.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	h.trace = &traceWriter{w: stderr}
	args := opts.Args
	if args == nil {
		args = []string{"script"}
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	h.yi = yaegi.New(yaegi.Options{
		Stdin:        opts.Stdin,
		Stdout:       opts.Stdout,
		Stderr:       h.trace,
		Args:         args,
		Env:          env,
		Unrestricted: opts.Unrestricted,
	})
	sets := []yaegi.Exports{stdlib.Symbols, symbols.Symbols}
	if opts.Unrestricted {
		sets = append(sets, unrestricted.Symbols, syscall.Symbols, unsafe.Symbols)
	}
	for _, s := range sets {
		if err := h.yi.Use(s); err != nil {
			return nil, fmt.Errorf("interp: %w", err)
		}
	}
	host := yaegi.Exports{
		"flag/flag": scriptFlags(args, stderr),
		guardPath + "/guard": {
			"Enter":   reflect.ValueOf(h.enterGo),
			"Report":  reflect.ValueOf(h.reportGoPanic),
			"Descend": reflect.ValueOf(h.descend),
			"Ascend":  reflect.ValueOf(h.ascend),
		},
	}
	osSyms := map[string]reflect.Value{}
	if f, ok := stderr.(*os.File); ok {
		// The trace filter is not a file, so yaegi would leave os.Stderr
		// at the process's; make it the configured file explicitly.
		osSyms["Stderr"] = reflect.ValueOf(&f).Elem()
	}
	if !opts.Unrestricted {
		osSyms["Exit"] = reflect.ValueOf(exit)
		osSyms["StartProcess"] = reflect.ValueOf(startProcess)
	}
	host["os/os"] = osSyms
	if err := h.yi.Use(host); err != nil {
		return nil, fmt.Errorf("interp: %w", err)
	}
	return h, nil
}

// errRestricted is returned by the functions restricted scripts may not
// use.
var errRestricted = errors.New("only available with --unrestricted")

// startProcess replaces os.StartProcess, which yaegi's restricted library
// leaves in, so that restricted scripts cannot run programs.
func startProcess(name string, _ []string, _ *os.ProcAttr) (*os.Process, error) {
	return nil, &os.PathError{Op: "startprocess", Path: name, Err: errRestricted}
}

// exit replaces os.Exit in restricted scripts.
func exit(code int) { panic(exitCode(code)) }

// RunFile runs the script at path; see Run.
func (h *Host) RunFile(ctx context.Context, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		// The *PathError names the operation and the path; the user
		// wants the path and what is wrong with it.
		var pe *os.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", path, pe.Err)
		}
		return err
	}
	return h.Run(ctx, path, src)
}

// Run compiles src, a package main file that error messages call name, and
// runs its main function. It returns an *Error for any failure of the
// script, an *ExitError when the script calls os.Exit, and an *Error of kind
// Interrupted when ctx is cancelled first.
func (h *Host) Run(ctx context.Context, name string, src []byte) error {
	src = stripShebang(src)
	fset := h.yi.FileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return h.compileError(err, nil, name, 0)
	}
	if e := checkSupported(fset, f, 0); e != nil {
		return e
	}
	edited, changed := guardGoStmts(fset, f, src, 0, name, true)
	if changed {
		f, err = parser.ParseFile(fset, name, edited, parser.ParseComments)
		if err != nil {
			return h.compileError(err, nil, name, 0)
		}
	}
	h.declare(f)
	h.file = f
	defer func() { h.file = nil }()

	prog, err := h.compileAST(f)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Kind == InternalError {
			if p, ok := suspect(fset, f, 0); ok {
				e.Pos = p
				e.Msg += "; the range statement here is the likely cause if it ranges over an integer or a function"
			}
		}
		return h.compileError(err, f, name, 0)
	}
	_, err = h.execute(ctx, prog, name)
	if err != nil {
		return err
	}
	h.settle()
	return h.takeGoPanic()
}

// stripShebang blanks a first line starting with "#!", keeping the line
// count so that positions stay right.
func stripShebang(src []byte) []byte {
	if len(src) < 2 || src[0] != '#' || src[1] != '!' {
		return src
	}
	out := append([]byte(nil), src...)
	out[0], out[1] = '/', '/'
	return out
}

// compileAST compiles n, turning a crash of the interpreter into an error.
func (h *Host) compileAST(n ast.Node) (prog *yaegi.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Kind: InternalError, Msg: crashMessage(r), Value: r}
		}
	}()
	return h.yi.CompileAST(n)
}

// compile compiles REPL input, turning a crash into an error.
func (h *Host) compile(src string) (prog *yaegi.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Kind: InternalError, Msg: crashMessage(r), Value: r}
		}
	}()
	return h.yi.Compile(src)
}

// crashMessage explains a panic of yaegi itself.
func crashMessage(r any) string {
	return fmt.Sprintf("the interpreter crashed (%v); yaegi v0.16.1 lacks some Go 1.21+ features, such as range over an integer or a function, and some generic code", r)
}

// execute runs prog under ctx with ctx installed as the session context.
func (h *Host) execute(ctx context.Context, prog *yaegi.Program, name string) (res reflect.Value, err error) {
	session.SetHostContext(ctx)
	h.trace.reset()
	res, err = h.yi.ExecuteWithContext(ctx, prog)
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return res, &Error{Kind: Interrupted, Pos: token.Position{Filename: name}, Msg: "interrupted", Err: err}
	}
	return res, h.runtimeError(err, name)
}

// Result is the outcome of Eval.
type Result struct {
	// Value is the value of the final expression statement; it is not
	// valid when the input did not end with one that has a value.
	Value reflect.Value

	// Expr reports whether the input ended with an expression worth
	// showing: not an assignment or declaration, and not a call of one of
	// fmt's print functions.
	Expr bool
}

// Eval evaluates src, statements, declarations or an expression in the
// host's session, as the REPL and basin eval do; name stands for the input
// in error messages. Earlier declarations stay visible to later Evals.
func (h *Host) Eval(ctx context.Context, name, src string) (Result, error) {
	var res Result
	if err := h.importGuard(); err != nil {
		return Result{}, err
	}
	in, err := parseInput(src)
	if err != nil {
		return res, h.compileError(err, nil, name, in.prefix)
	}
	if rest, ok := h.newImports(in.file); ok {
		// The prelude has the other imports already; importing them
		// again would be an error in yaegi's session.
		if len(rest) == 0 {
			return res, nil
		}
		src = "import (\n\t" + strings.Join(rest, "\n\t") + "\n)"
		if in, err = parseInput(src); err != nil {
			return res, h.compileError(err, nil, name, in.prefix)
		}
	}
	if e := checkSupported(in.fset, in.file, in.prefix); e != nil {
		e.Pos.Filename = name
		return res, e
	}
	pkgInput := in.prefix == 0
	if edited, changed := guardGoStmts(in.fset, in.file, []byte(in.wrapped), in.prefix, name, pkgInput); changed {
		src = string(edited[in.prefix : len(edited)-len(in.suffix)])
	}
	src = in.lead + src
	res.Expr = in.showLast()
	h.prefix = in.prefix
	defer func() { h.prefix = 0 }()

	prog, err := h.compile(src)
	if err != nil {
		return res, h.compileError(err, in.file, name, in.prefix)
	}
	h.declare(in.file)
	res.Value, err = h.execute(ctx, prog, name)
	if err != nil {
		return res, err
	}
	if !res.Value.IsValid() {
		res.Expr = false
	}
	return res, h.takeGoPanic()
}

// newImports reports whether f, REPL input, consists of import
// declarations only, and returns those of its import specs that the
// prelude does not already provide under the same name.
func (h *Host) newImports(f *ast.File) (rest []string, ok bool) {
	if !h.imported || f == nil || len(f.Imports) == 0 {
		return nil, false
	}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
			return nil, false
		}
	}
	prelude := map[string]bool{}
	for _, p := range Prelude() {
		prelude[p] = true
	}
	for _, im := range f.Imports {
		p, err := strconv.Unquote(im.Path.Value)
		if err == nil && prelude[p] && (im.Name == nil || im.Name.Name == pkgName(p)) {
			continue
		}
		spec := im.Path.Value
		if im.Name != nil {
			spec = im.Name.Name + " " + spec
		}
		rest = append(rest, spec)
	}
	return rest, true
}

// importGuard imports the goroutine guard into the session once, for
// rewritten go statements in later input.
func (h *Host) importGuard() error {
	if h.guarded {
		return nil
	}
	if _, err := h.compileAndRun(context.Background(), "import "+guardName+` "`+guardPath+`"`); err != nil {
		return fmt.Errorf("interp: importing the goroutine guard: %w", err)
	}
	h.guarded = true
	return nil
}

// compileAndRun evaluates host-written source.
func (h *Host) compileAndRun(ctx context.Context, src string) (reflect.Value, error) {
	prog, err := h.compile(src)
	if err != nil {
		return reflect.Value{}, err
	}
	return h.yi.ExecuteWithContext(ctx, prog)
}

// input is REPL source parsed the way yaegi wraps it.
type input struct {
	fset    *token.FileSet
	file    *ast.File
	wrapped string
	// prefix is the length of the wrapper before the user's source on
	// line 1; suffix is what follows it.
	prefix int
	suffix string
	stmts  bool
	// lead is put before the source handed to yaegi, so that yaegi
	// wraps it as statements.
	lead string
	err  error
}

// Wrappers yaegi puts around incremental input.
const (
	declPrefix = "package main;"
	stmtPrefix = "package main; func main() {"
	stmtSuffix = "\n}"
)

// parseInput parses src as yaegi's incremental mode will, wrapped in a
// package or a function body, on a file set of its own.
func parseInput(src string) (input, error) {
	tok := firstToken(src)
	decl := tok == token.PACKAGE || tok == token.CONST || tok == token.FUNC ||
		tok == token.IMPORT || tok == token.TYPE || tok == token.VAR
	in := wrapInput(src, !decl, "")
	if in.err == nil || !decl || tok == token.PACKAGE || tok == token.IMPORT {
		return in, in.err
	}
	// Input such as "var a []int; a[0] = 1" or a called function literal
	// is statements after all; a leading semicolon makes yaegi take it as
	// statements too.
	if st := wrapInput(src, true, ";"); st.err == nil {
		return st, nil
	}
	return in, in.err
}

// wrapInput wraps src, after lead, as statements in a function body or as
// declarations, and parses it.
func wrapInput(src string, stmts bool, lead string) input {
	in := input{fset: token.NewFileSet(), stmts: stmts, lead: lead}
	switch {
	case firstToken(src) == token.PACKAGE:
		in.wrapped = src
	case stmts:
		in.prefix, in.suffix = len(stmtPrefix)+len(lead), stmtSuffix
		in.wrapped = stmtPrefix + lead + src + stmtSuffix
	default:
		in.prefix, in.wrapped = len(declPrefix), declPrefix+src
	}
	in.file, in.err = parser.ParseFile(in.fset, "", in.wrapped, parser.ParseComments)
	return in
}

// firstToken returns the first token of src, skipping comments.
func firstToken(src string) token.Token {
	var s scanner.Scanner
	fs := token.NewFileSet()
	s.Init(fs.AddFile("", -1, len(src)), []byte(src), nil, 0)
	_, tok, _ := s.Scan()
	return tok
}

// showLast reports whether the input ends with an expression statement
// whose value is worth printing.
func (in input) showLast() bool {
	if !in.stmts || in.file == nil || len(in.file.Decls) == 0 {
		return false
	}
	fd, ok := in.file.Decls[len(in.file.Decls)-1].(*ast.FuncDecl)
	if !ok || fd.Body == nil || len(fd.Body.List) == 0 {
		return false
	}
	es, ok := fd.Body.List[len(fd.Body.List)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	if call, ok := es.X.(*ast.CallExpr); ok {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fmt" &&
				(strings.HasPrefix(sel.Sel.Name, "Print") || strings.HasPrefix(sel.Sel.Name, "Fprint")) {
				return false
			}
		}
		if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "println" || id.Name == "print" || id.Name == "panic") {
			return false
		}
	}
	return true
}

// declare records the names f declares at package level or, for REPL
// input, in the wrapper function's body.
func (h *Host) declare(f *ast.File) {
	if f == nil {
		return
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "main" {
				h.names[d.Name.Name] = true
			}
			if d.Name.Name == "main" && d.Body != nil {
				for _, s := range d.Body.List {
					h.declareStmt(s)
				}
			}
		case *ast.GenDecl:
			h.declareGen(d)
		}
	}
}

func (h *Host) declareStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			for _, l := range s.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					h.names[id.Name] = true
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok {
			h.declareGen(g)
		}
	}
}

func (h *Host) declareGen(g *ast.GenDecl) {
	for _, sp := range g.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			for _, n := range sp.Names {
				if n.Name != "_" {
					h.names[n.Name] = true
				}
			}
		case *ast.TypeSpec:
			h.names[sp.Name.Name] = true
		}
	}
}

// Names returns the identifiers declared so far in the session, sorted.
func (h *Host) Names() []string {
	out := make([]string, 0, len(h.names))
	for n := range h.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Packages returns the import paths of the compiled packages the host
// offers, sorted.
func (h *Host) Packages() []string {
	var out []string
	for k := range h.yi.Symbols("") {
		if k != "" && !strings.HasPrefix(k, guardPath) && !strings.HasPrefix(k, "github.com/traefik/yaegi") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Members returns the exported names of the compiled package at
// importPath, sorted, without yaegi's interface wrappers.
func (h *Host) Members(importPath string) []string {
	var out []string
	for n := range h.yi.Symbols(importPath)[importPath] {
		if n != "" && n[0] != '_' {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// pkgName returns the package name of a compiled package: the last element
// of its import path, as yaegi assumes.
func pkgName(importPath string) string { return path.Base(importPath) }

// settleTime is how long Run waits, after main returns, for guarded
// goroutines still running: long enough for one that is unwinding a panic
// through its deferred calls to reach the guard, short enough not to delay
// a script that leaves goroutines blocked.
const settleTime = 50 * time.Millisecond

// settle waits up to settleTime for the guarded goroutines to end.
func (h *Host) settle() {
	deadline := time.Now().Add(settleTime)
	for h.active.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// enterGo is called by a rewritten goroutine when it starts.
func (h *Host) enterGo() { h.active.Add(1) }

// maxRecursion is the depth of guarded recursive calls at which descend
// panics. Without it a runaway recursion grows the Go stack to 1 GB, and
// the runtime then kills the whole process with no chance to recover.
// yaegi unwinds a panic in time quadratic in the depth (measured: 1.4 s
// at 5000 levels, 330 s at 50000), so the limit is low enough to report
// quickly and still far above what a script's recursion needs.
const maxRecursion = 5000

// descend is called, through the guard package, on entry to a script
// function that calls itself; it panics, as a recoverable script error,
// when the recursion would soon overflow the stack.
func (h *Host) descend() {
	if h.depth.Add(1) > maxRecursion {
		h.depth.Add(-1)
		panic(fmt.Sprintf("recursion deeper than %d calls: the function does not stop calling itself", maxRecursion))
	}
}

// ascend is deferred by the functions that call descend.
func (h *Host) ascend() { h.depth.Add(-1) }

// reportGoPanic is called, through the guard package, by rewritten go
// statements with the position of the statement and the recovered value.
func (h *Host) reportGoPanic(pos string, r any) {
	defer h.active.Add(-1)
	if r == nil {
		return
	}
	e := &Error{Kind: GoroutinePanic, Pos: parsePos(pos), Value: r, Msg: "panic in goroutine: " + panicText(r)}
	if fr := h.trace.take(); len(fr) > 0 {
		for i := range fr {
			fr[i].Pos = h.snapToStmt(fr[i].Pos)
		}
		e.Func, e.Trace = fr[0].Func, fr
		e.Msg += " (in " + fr[0].Func + " at " + fr[0].Pos.String() + ")"
	}
	if h.opts.GoPanic != nil {
		h.opts.GoPanic(e)
		return
	}
	h.mu.Lock()
	h.goPanics = append(h.goPanics, e)
	h.mu.Unlock()
}

// takeGoPanic returns and forgets the first goroutine panic kept since the
// last call, or nil.
func (h *Host) takeGoPanic() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.goPanics) == 0 {
		return nil
	}
	e := h.goPanics[0]
	if n := len(h.goPanics) - 1; n > 0 {
		e.Msg += fmt.Sprintf(" (and %d more goroutine panics)", n)
	}
	h.goPanics = nil
	return e
}
