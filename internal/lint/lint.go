// Package lint checks the dataset against its own vocabulary and evidence
// model (quads/README.md): that every term is declared in schema.nq, every
// entity is typed and named, every relationship edge is backed by an
// assertion that cites its source, every literal is well formed, and every
// quote occurs in its source document. The CLI's lint and verify commands
// and the server call it; problems name file:line so they can be fixed.
package lint

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/nquads"
)

// Severity says whether a problem makes the data wrong or only suspicious.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one finding, at the line of the quad it concerns.
type Problem struct {
	File     string
	Line     int
	Severity Severity
	Message  string
}

// String formats the problem as "FILE:LINE: SEVERITY: MESSAGE", the form
// editors jump to.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Severity, p.Message)
}

// HasErrors reports whether any problem is an error rather than a warning.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// File is one N-Quads document to check; Open returns its text, gunzipped
// when Name ends in .gz.
type File struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FSFiles returns the .nq and .nq.gz files of fsys (the bundled dataset is
// quads.FS), in name order, named by their path in fsys.
func FSFiles(fsys fs.FS) ([]File, error) {
	ins, err := graph.FSInputs(fsys)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(ins))
	for i, in := range ins {
		name := in.Name
		files[i] = File{Name: name, Open: func() (io.ReadCloser, error) { return fsys.Open(name) }}
	}
	return files, nil
}

// PathFiles expands paths as graph.Inputs does (files, directories'
// .nq and .nq.gz files, "-" for stdin) into files named by their path.
func PathFiles(paths []string, stdin io.Reader) ([]File, error) {
	ins, err := graph.Inputs(paths, stdin)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(ins))
	for i, in := range ins {
		name := in.Name
		open := func() (io.ReadCloser, error) { return os.Open(name) }
		if name == "-" {
			open = func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }
		}
		files[i] = File{Name: name, Open: open}
	}
	return files, nil
}

// located is a quad and where it was read.
type located struct {
	quad.Quad
	file string
	line int
}

func (l located) at(sev Severity, format string, args ...any) Problem {
	return Problem{File: l.file, Line: l.line, Severity: sev, Message: fmt.Sprintf(format, args...)}
}

// readAll parses every file. A syntax error is a problem at its line, and
// the rest of that file is not read; the other files still are.
func readAll(ctx context.Context, files []File) ([]located, []Problem, error) {
	var (
		quads    []located
		problems []Problem
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, err
		}
		var r io.Reader = rc
		if strings.HasSuffix(f.Name, ".gz") {
			zr, err := gzip.NewReader(rc)
			if err != nil {
				rc.Close()
				return nil, nil, graph.Errorf(graph.EINVALID, "%s: not a gzip file: %v", f.Name, err)
			}
			r = zr
		}
		qr := nquads.NewReader(r, f.Name, nquads.Options{})
		for {
			q, err := qr.ReadQuad()
			if errors.Is(err, io.EOF) {
				break
			}
			var se *nquads.SyntaxError
			if errors.As(err, &se) {
				problems = append(problems, Problem{File: f.Name, Line: se.Line, Severity: Error,
					Message: fmt.Sprintf("syntax: column %d: %s", se.Column, se.Msg)})
				break
			}
			if err != nil {
				rc.Close()
				return nil, nil, fmt.Errorf("read %s: %w", f.Name, err)
			}
			quads = append(quads, located{Quad: q, file: f.Name, line: qr.Line()})
		}
		rc.Close()
	}
	return quads, problems, nil
}

// sortProblems orders problems by file, line, then message, and drops exact
// repeats.
func sortProblems(ps []Problem) []Problem {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	out := ps[:0]
	for i, p := range ps {
		if i == 0 || p != ps[i-1] {
			out = append(out, p)
		}
	}
	return out
}
