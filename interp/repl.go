package interp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/chzyer/readline"
)

// Prompts of the interactive REPL.
const (
	prompt     = "basin> "
	contPrompt = "...... "
)

// ErrFailed is returned by a non-interactive REPL when some input failed;
// the errors themselves have been written to its Stderr.
var ErrFailed = errors.New("interp: some input failed")

const replHelp = `Enter Go statements, declarations or expressions; an expression's value is
printed with its type. Input continues on the next line while a bracket is
open. dmf, sharpness, optim, record, session, mat, fmt, math and other
common packages are imported already.

  :help          this text
  :doc NAME      documentation, as in :doc dmf.Net or :doc mat.Dense
  :type EXPR     the type of an expression (the expression is evaluated)
  :time STMT     evaluate and report the time taken
  :reset         start a fresh session
  :quit          leave (Ctrl-D also does)

Tab completes package names, their members and the session's names;
Ctrl-R searches the history; Ctrl-C clears the line or interrupts an
evaluation.
`

// REPL reads input, evaluates it in one session and prints the results.
type REPL struct {
	// Options configure the session; Stdin, Stdout and Stderr are also
	// where the REPL reads and writes (nil means the process's).
	Options Options

	// Interactive turns on line editing with prompts, history and
	// completion; Stdin and Stdout must then be a terminal. Otherwise
	// the REPL reads input without prompts, as from a pipe.
	Interactive bool

	// HistoryFile keeps interactive input across sessions; "" keeps
	// none.
	HistoryFile string

	host     *Host
	out, err io.Writer

	mu     sync.Mutex
	cancel context.CancelFunc // of the evaluation in progress
	failed bool
}

// Run runs the REPL until end of input or :quit. A non-interactive REPL
// returns ErrFailed if any input failed.
func (r *REPL) Run() error {
	r.out, r.err = r.Options.Stdout, r.Options.Stderr
	if r.out == nil {
		r.out = os.Stdout
	}
	if r.err == nil {
		r.err = os.Stderr
	}
	if err := r.reset(); err != nil {
		return err
	}

	// SIGINT interrupts the evaluation in progress and is otherwise
	// ignored, so that the session survives it.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		for range sig {
			r.mu.Lock()
			if r.cancel != nil {
				r.cancel()
			}
			r.mu.Unlock()
		}
	}()

	if r.Interactive {
		return r.interactive()
	}
	return r.piped()
}

// reset starts a fresh session.
func (r *REPL) reset() error {
	opts := r.Options
	opts.GoPanic = func(e *Error) { fmt.Fprintln(r.err, e) }
	if opts.Args == nil {
		opts.Args = []string{"repl"}
	}
	h, err := New(opts)
	if err != nil {
		return err
	}
	if err := h.ImportLibrary(); err != nil {
		return err
	}
	r.host = h
	return nil
}

// piped reads input without prompts.
func (r *REPL) piped() error {
	in := r.Options.Stdin
	if in == nil {
		in = os.Stdin
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var buf []string
	for sc.Scan() {
		buf = append(buf, sc.Text())
		src := strings.Join(buf, "\n")
		if needMore(src) {
			continue
		}
		buf = nil
		if quit := r.handle(src); quit {
			break
		}
	}
	if len(buf) > 0 {
		r.handle(strings.Join(buf, "\n"))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("interp: reading input: %w", err)
	}
	if r.failed {
		return ErrFailed
	}
	return nil
}

// interactive reads input with line editing.
func (r *REPL) interactive() error {
	cfg := &readline.Config{
		Prompt:            prompt,
		HistoryFile:       r.HistoryFile,
		HistorySearchFold: true,
		AutoComplete:      completer{r},
		InterruptPrompt:   "^C",
		EOFPrompt:         "",
	}
	if in, ok := r.Options.Stdin.(io.ReadCloser); ok {
		cfg.Stdin = in
	}
	cfg.Stdout, cfg.Stderr = r.out, r.err
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return fmt.Errorf("interp: %w", err)
	}
	defer rl.Close()
	r.out, r.err = rl.Stdout(), rl.Stderr()
	fmt.Fprintln(r.out, "basin REPL; :help for help, Ctrl-D to leave")

	var buf []string
	for {
		if len(buf) == 0 {
			rl.SetPrompt(prompt)
		} else {
			rl.SetPrompt(contPrompt)
		}
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			buf = nil
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 {
				return nil
			}
			buf = nil
			continue
		case err != nil:
			return fmt.Errorf("interp: %w", err)
		}
		buf = append(buf, line)
		src := strings.Join(buf, "\n")
		if needMore(src) {
			continue
		}
		buf = nil
		if quit := r.handle(src); quit {
			return nil
		}
	}
}

// handle evaluates one complete input or command and reports whether the
// REPL should stop.
func (r *REPL) handle(src string) (quit bool) {
	trimmed := strings.TrimSpace(src)
	if trimmed == "" {
		return false
	}
	if !strings.HasPrefix(trimmed, ":") {
		r.eval(src, false)
		return false
	}
	cmd, arg, _ := strings.Cut(trimmed, " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case ":quit", ":q", ":exit":
		return true
	case ":help", ":h":
		fmt.Fprint(r.out, replHelp)
	case ":doc":
		if err := Doc(r.out, arg); err != nil {
			r.fail(err)
		}
	case ":type":
		res, ok := r.eval(arg, true)
		if ok {
			fmt.Fprintln(r.out, typeOf(res.Value))
		}
	case ":time":
		start := time.Now()
		if _, ok := r.eval(arg, false); ok {
			fmt.Fprintf(r.out, "time: %v\n", time.Since(start).Round(time.Microsecond))
		}
	case ":reset":
		if err := r.reset(); err != nil {
			r.fail(err)
		}
	default:
		r.fail(fmt.Errorf("unknown command %s; :help lists the commands", cmd))
	}
	return false
}

// eval evaluates src, printing its value unless quiet, and reports
// whether it succeeded.
func (r *REPL) eval(src string, quiet bool) (Result, bool) {
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
		cancel()
	}()

	res, err := r.host.Eval(ctx, "", src)
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			fmt.Fprintf(r.err, "os.Exit(%d) called; the session goes on\n", ee.Code)
			return res, false
		}
		r.fail(err)
		return res, false
	}
	if res.Expr && !quiet {
		fmt.Fprintln(r.out, Format(res.Value))
	}
	return res, true
}

// fail reports an error of the input.
func (r *REPL) fail(err error) {
	r.failed = true
	fmt.Fprintln(r.err, err)
}

// typeOf names the dynamic type of v.
func typeOf(v reflect.Value) string {
	if !v.IsValid() {
		return "no value"
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v.Type().String()
}

// continuation lists tokens after which a line cannot end a statement.
var continuation = map[token.Token]bool{
	token.ADD: true, token.SUB: true, token.MUL: true, token.QUO: true,
	token.REM: true, token.AND: true, token.OR: true, token.XOR: true,
	token.SHL: true, token.SHR: true, token.AND_NOT: true, token.LAND: true,
	token.LOR: true, token.EQL: true, token.NEQ: true, token.LSS: true,
	token.LEQ: true, token.GTR: true, token.GEQ: true, token.ASSIGN: true,
	token.DEFINE: true, token.COMMA: true, token.PERIOD: true,
	token.ADD_ASSIGN: true, token.SUB_ASSIGN: true, token.MUL_ASSIGN: true,
	token.QUO_ASSIGN: true, token.ARROW: true, token.COLON: true,
}

// needMore reports whether src is unfinished: a bracket, raw string or
// comment is still open, or the last line ends with an operator.
func needMore(src string) bool {
	if strings.HasPrefix(strings.TrimSpace(src), ":") {
		return false
	}
	var s scanner.Scanner
	fs := token.NewFileSet()
	open := false
	s.Init(fs.AddFile("", -1, len(src)), []byte(src), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			open = true
		}
	}, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		last = tok
	}
	return open || depth > 0 || continuation[last]
}
