package nquads_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// The W3C RDF Working Group's syntax suites, as shipped in
// github.com/cayleygraph/quad v1.2.5. Each tarball keeps its README; the
// files are under the W3C Software and Document License.
var suites = []struct {
	tarball  string
	positive string // manifest type of tests that must parse
	negative string // manifest type of tests that must fail
}{
	{"../../testdata/nquads/nquad_tests.tar.gz", "TestNQuadsPositiveSyntax", "TestNQuadsNegativeSyntax"},
	{"../../testdata/nquads/ntriple_tests.tar.gz", "TestNTriplesPositiveSyntax", "TestNTriplesNegativeSyntax"},
}

type w3cTest struct {
	name     string
	positive bool
	data     []byte
}

// readTarball returns the regular files of a .tar.gz by base name.
func readTarball(tb testing.TB, name string) map[string][]byte {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	files := make(map[string][]byte)
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			tb.Fatalf("%s: %s: %v", name, h.Name, err)
		}
		files[path.Base(h.Name)] = b
	}
}

// manifestEntry matches one test of a manifest.ttl: its type and its input.
var manifestEntry = regexp.MustCompile(`(?s)<#([^>]+)>\s+(?:a|rdf:type)\s+rdft:(\w+)\s*;.*?mf:action\s+<([^>]+)>`)

// testType matches every mention of a test type, to check that
// manifestEntry missed no test.
var testType = regexp.MustCompile(`rdft:Test\w+`)

// loadSuite returns every test listed in a suite's manifest, failing if the
// manifest names an unknown test type or a missing file.
func loadSuite(tb testing.TB, tarball, positive, negative string) []w3cTest {
	tb.Helper()
	files := readTarball(tb, tarball)
	manifest, ok := files["manifest.ttl"]
	if !ok {
		tb.Fatalf("%s: no manifest.ttl", tarball)
	}
	var tests []w3cTest
	covered := make(map[string]bool)
	for _, m := range manifestEntry.FindAllSubmatch(manifest, -1) {
		name, typ, action := string(m[1]), string(m[2]), string(m[3])
		data, ok := files[action]
		if !ok {
			tb.Fatalf("%s: test %s: missing input %s", tarball, name, action)
		}
		switch typ {
		case positive, negative:
		default:
			tb.Fatalf("%s: test %s: unknown type %s", tarball, name, typ)
		}
		covered[action] = true
		tests = append(tests, w3cTest{name: name, positive: typ == positive, data: data})
	}
	if want := len(testType.FindAll(manifest, -1)); len(tests) != want {
		tb.Fatalf("%s: parsed %d tests from the manifest, it declares %d", tarball, len(tests), want)
	}
	// The tarballs also carry literal_true and literal_false, valid files
	// that the manifest does not list; run any such file as positive.
	for name, data := range files {
		if (strings.HasSuffix(name, ".nq") || strings.HasSuffix(name, ".nt")) && !covered[name] {
			tests = append(tests, w3cTest{name: "unlisted-" + name, positive: true, data: data})
		}
	}
	return tests
}

// readAll reads every quad and returns how many there were and the error
// that stopped the reader, nil at a clean end of input.
func readAll(data []byte, opt nquads.Options) (int, error) {
	r := nquads.NewReader(bytes.NewReader(data), "test.nq", opt)
	n := 0
	for {
		_, err := r.ReadQuad()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// TestW3CSuites runs every test of the W3C N-Quads and N-Triples syntax
// suites. In strict mode positive tests must parse and negative tests must
// fail with a positioned *SyntaxError. Without Strict, the only negative
// tests allowed to parse are those whose sole fault is a relative IRI.
func TestW3CSuites(t *testing.T) {
	for _, s := range suites {
		t.Run(path.Base(s.tarball), func(t *testing.T) { runSuite(t, s.tarball, s.positive, s.negative) })
	}
}

func runSuite(t *testing.T, tarball, positive, negative string) {
	tests := loadSuite(t, tarball, positive, negative)
	var pos, neg int
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := readAll(tc.data, nquads.Options{Strict: true})
			if tc.positive {
				pos++
				if err != nil {
					t.Fatalf("strict: %v\ninput:\n%s", err, tc.data)
				}
				if _, err := readAll(tc.data, nquads.Options{}); err != nil {
					t.Fatalf("non-strict: %v", err)
				}
				if want := countStatements(tc.data); n != want {
					t.Errorf("parsed %d quads, want one per statement line: %d", n, want)
				}
				return
			}
			neg++
			if err == nil {
				t.Fatalf("strict: accepted invalid input:\n%s", tc.data)
			}
			checkPositioned(t, err, tc.data)
			_, lerr := readAll(tc.data, nquads.Options{})
			if lerr == nil && !strings.Contains(err.Error(), "relative IRI") {
				t.Fatalf("non-strict: accepted input rejected in strict mode for %q", err)
			}
			if lerr != nil {
				checkPositioned(t, lerr, tc.data)
			}
		})
	}
	if pos == 0 || neg == 0 {
		t.Errorf("%d positive and %d negative tests; want some of each", pos, neg)
	}
}

// checkPositioned asserts that err is a *SyntaxError whose line and column
// lie inside data.
func checkPositioned(t *testing.T, err error, data []byte) {
	t.Helper()
	var se *nquads.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
	}
	if lines := len(splitLines(data)); se.Line < 1 || se.Line > lines {
		t.Fatalf("%v: line %d outside the input's %d lines", err, se.Line, lines)
	}
	if se.Column < 1 || se.Msg == "" || se.File != "test.nq" {
		t.Fatalf("%v: want a column >= 1, a message and the file name", err)
	}
}

// splitLines splits data at LF, CR LF and lone CR, the N-Quads EOLs.
func splitLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
}

// countStatements counts the lines that are neither blank nor comments.
func countStatements(data []byte) int {
	n := 0
	for _, l := range splitLines(data) {
		if l = strings.Trim(l, " \t"); l != "" && l[0] != '#' {
			n++
		}
	}
	return n
}
