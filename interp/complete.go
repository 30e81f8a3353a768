package interp

import (
	"context"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"
)

// completionTimeout bounds the evaluation of a session variable whose
// members are being completed.
const completionTimeout = 200 * time.Millisecond

// completer completes package names, package members, the members of the
// session's variables and the session's names for readline.
type completer struct{ r *REPL }

// Do implements readline.AutoCompleter: it returns the possible endings of
// the word before pos and the length of that word.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	start := pos
	for start > 0 && (isIdent(line[start-1]) || line[start-1] == '.' || line[start-1] == ':' && start == 1) {
		start--
	}
	word := string(line[start:pos])
	cands := c.r.complete(word, start == 0)
	prefix := word
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		prefix = word[i+1:]
	}
	out := make([][]rune, 0, len(cands))
	for _, s := range cands {
		out = append(out, []rune(s[len(prefix):]))
	}
	return out, len([]rune(prefix))
}

func isIdent(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// commands are the REPL's commands, for completion.
var commands = []string{":doc", ":help", ":quit", ":reset", ":time", ":type"}

// complete returns the sorted completions of word; atStart says whether
// the word starts the line, where commands are allowed.
func (r *REPL) complete(word string, atStart bool) []string {
	var pool []string
	prefix := word
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		head := word[:i]
		prefix = word[i+1:]
		pool = r.members(head)
	} else {
		if atStart && strings.HasPrefix(word, ":") {
			pool = append(pool, commands...)
		}
		pool = append(pool, r.host.Names()...)
		for _, p := range Prelude() {
			pool = append(pool, pkgName(p))
		}
		for _, k := range keywords {
			pool = append(pool, k)
		}
		pool = append(pool, predeclared...)
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range pool {
		if strings.HasPrefix(s, prefix) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// keywords are Go's keywords.
var keywords = func() []string {
	var ks []string
	for t := token.BREAK; t <= token.VAR; t++ {
		if t.IsKeyword() {
			ks = append(ks, t.String())
		}
	}
	return ks
}()

// members returns the members of head: a package's exported names, or the
// methods and fields of a session variable's value.
func (r *REPL) members(head string) []string {
	for _, p := range Prelude() {
		if pkgName(p) == head {
			return r.host.Members(p)
		}
	}
	if !r.host.names[head] || !token.IsIdentifier(head) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	res, err := r.host.Eval(ctx, "", head)
	if err != nil || !res.Value.IsValid() {
		return nil
	}
	return valueMembers(res.Value)
}

// valueMembers lists the exported methods and fields of v.
func valueMembers(v reflect.Value) []string {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	var out []string
	t := v.Type()
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, t.Method(i).Name)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}
