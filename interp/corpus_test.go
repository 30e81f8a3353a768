package interp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// corpusTimeout bounds one corpus script; the slowest takes well under a
// second.
const corpusTimeout = 30 * time.Second

var directive = regexp.MustCompile(`(?m)^// (args|cancel-after): (.*)$`)

// expectation is what the final comment of a corpus script states.
type expectation struct {
	output   string
	err      string
	hasErr   bool
	args     []string
	cancelIn time.Duration
}

// readExpectation parses the final comment of a corpus script: an
// "Output:" section with the expected standard output and an "Error:"
// section with the expected error, either or both. Header directives set
// the script's arguments and a cancellation delay.
func readExpectation(t *testing.T, path string, src []byte) expectation {
	t.Helper()
	src = stripShebang(src)
	var ex expectation
	var err error
	for _, m := range directive.FindAllSubmatch(src, -1) {
		switch string(m[1]) {
		case "args":
			ex.args = strings.Fields(string(m[2]))
		case "cancel-after":
			if ex.cancelIn, err = time.ParseDuration(string(m[2])); err != nil {
				t.Fatal(err)
			}
		}
	}
	text := lastComment(t, src)
	section := ""
	var out, msg []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch line {
		case "Output:", "Error:":
			section = line
			if line == "Error:" {
				ex.hasErr = true
			}
			continue
		}
		switch section {
		case "Output:":
			out = append(out, line)
		case "Error:":
			msg = append(msg, line)
		default:
			t.Fatalf("final comment must start with Output: or Error:, got %q", line)
		}
	}
	if len(out) > 0 {
		ex.output = strings.Join(out, "\n") + "\n"
	}
	ex.err = strings.Join(msg, "\n")
	return ex
}

// lastComment returns the text of the file's final run of // comment
// lines, found by lines so that files with syntax errors work too.
func lastComment(t *testing.T, src []byte) string {
	lines := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
	i := len(lines)
	for i > 0 && strings.HasPrefix(lines[i-1], "//") {
		i--
	}
	if i == len(lines) {
		t.Fatal("no final comment")
	}
	var b strings.Builder
	for _, l := range lines[i:] {
		l = strings.TrimPrefix(l, "//")
		b.WriteString(strings.TrimPrefix(l, " "))
		b.WriteString("\n")
	}
	return b.String()
}

// TestCorpus runs every script in testdata and compares its standard
// output and error with what its final comment states. Scripts that gofmt
// would reject, such as those with syntax errors, are kept as NAME.go.txt
// and run as NAME.go.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := filepath.Glob(filepath.Join("testdata", "*.go.txt"))
	files = append(files, txt...)
	if len(files) == 0 {
		t.Fatal("no corpus scripts in testdata")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(strings.TrimSuffix(name, ".go"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ex := readExpectation(t, path, src)
			var stdout, stderr bytes.Buffer
			h, err := New(Options{
				Stdout: &stdout,
				Stderr: &stderr,
				Args:   append([]string{name}, ex.args...),
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
			defer cancel()
			if ex.cancelIn > 0 {
				var c2 context.CancelFunc
				ctx, c2 = context.WithCancel(ctx)
				timer := time.AfterFunc(ex.cancelIn, c2)
				defer timer.Stop()
			}

			err = h.Run(ctx, name, src)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if ex.hasErr && got != ex.err {
				t.Errorf("error:\n got %q\nwant %q", got, ex.err)
			}
			if !ex.hasErr && err != nil {
				t.Errorf("unexpected error: %v", err)
			}
			if ex.cancelIn == 0 && stdout.String() != ex.output {
				t.Errorf("output:\n got %q\nwant %q", stdout.String(), ex.output)
			}
			if s := stderr.String(); s != "" && ex.cancelIn == 0 {
				t.Logf("stderr: %s", s)
			}
		})
	}
}
