package nquads_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/cayleygraph/quad"
	cnquads "github.com/cayleygraph/quad/nquads"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// cayleyFile returns the path of a file in Cayley v0.7.7's data directory
// in the module cache, skipping the test if it is not there.
func cayleyFile(tb testing.TB, name string) string {
	tb.Helper()
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		tb.Skipf("go env GOMODCACHE: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(cache)), "github.com/cayleygraph/cayley@v0.7.7/data", name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("Cayley data not in the module cache: %v", err)
	}
	return p
}

var (
	movieOnce sync.Once
	movieData []byte
	movieErr  error
)

// movies returns Cayley's 30kmoviedata.nq.gz decompressed, read once per
// test binary.
func movies(tb testing.TB) []byte {
	tb.Helper()
	p := cayleyFile(tb, "30kmoviedata.nq.gz")
	movieOnce.Do(func() {
		f, err := os.Open(p)
		if err != nil {
			movieErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			movieErr = err
			return
		}
		movieData, movieErr = io.ReadAll(zr)
	})
	if movieErr != nil {
		tb.Fatal(movieErr)
	}
	return movieData
}

// cayleyQuads reads data with Cayley's reader, keeping typed literals as
// quad.TypedString as ours does.
func cayleyQuads(data []byte) ([]quad.Quad, error) {
	defer func(v bool) { cnquads.AutoConvertTypedString = v }(cnquads.AutoConvertTypedString)
	cnquads.AutoConvertTypedString = false
	r := cnquads.NewReader(bytes.NewReader(data), false)
	var qs []quad.Quad
	for {
		q, err := r.ReadQuad()
		if err == io.EOF {
			return qs, nil
		}
		if err != nil {
			return qs, err
		}
		qs = append(qs, q)
	}
}

func ourQuads(data []byte, opt nquads.Options) ([]quad.Quad, error) {
	r := nquads.NewReader(bytes.NewReader(data), "test.nq", opt)
	var qs []quad.Quad
	for {
		q, err := r.ReadQuad()
		if err == io.EOF {
			return qs, nil
		}
		if err != nil {
			return qs, err
		}
		qs = append(qs, q)
	}
}

// compareWithCayley asserts that both readers accept data and return the
// same quads.
func compareWithCayley(t *testing.T, data []byte) {
	t.Helper()
	want, err := cayleyQuads(data)
	if err != nil {
		t.Fatalf("cayley: %v", err)
	}
	got, err := ourQuads(data, nquads.Options{})
	if err != nil {
		t.Fatalf("ours: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d quads, Cayley read %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("quad %d: got %#v\nCayley: %#v", i, got[i], want[i])
		}
	}
}

func TestReader_SameAsCayley(t *testing.T) {
	data, err := os.ReadFile(cayleyFile(t, "testdata.nq"))
	if err != nil {
		t.Fatal(err)
	}
	compareWithCayley(t, data)
}

func TestReader_SameAsCayleyMultigraph(t *testing.T) {
	data, err := os.ReadFile(cayleyFile(t, "testdata_multigraph.nq"))
	if err != nil {
		t.Fatal(err)
	}
	compareWithCayley(t, data)
}

// TestReader_Movies reads all of Cayley's 30k movie dataset, which uses
// relative IRIs such as </film/performance/actor>.
func TestReader_Movies(t *testing.T) {
	if testing.Short() {
		t.Skip("26 MB dataset")
	}
	compareWithCayley(t, movies(t))
}

// TestCayleyReader_Differences pins down where Cayley's stock reader
// (github.com/cayleygraph/quad/nquads) departs from the N-Quads grammar, as
// listed in the package documentation: on each input, Cayley's result and
// ours are both asserted, so the list stays true.
func TestCayleyReader_Differences(t *testing.T) {
	s, p, o := quad.IRI("http://ex/s"), quad.IRI("http://ex/p"), quad.IRI("http://ex/o")
	tests := []struct {
		name   string
		in     string
		cayley []quad.Quad // nil: Cayley fails
		ours   []quad.Quad // nil: we report a syntax error
	}{
		// Invalid input Cayley accepts.
		{"literal as graph label", `<http://ex/s> <http://ex/p> <http://ex/o> "g" .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: o, Label: quad.String("g")}}, nil},
		{"bare number as object", `<http://ex/s> <http://ex/p> 1.0 .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("1.0")}}, nil},
		{"Turtle long string", `<http://ex/s> <http://ex/p> '''abc''' .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("'''abc'''")}}, nil},
		{"Turtle directive", `@prefix : <http://ex/> .`,
			[]quad.Quad{{Subject: quad.String("@prefix"), Predicate: quad.String(":"), Object: quad.IRI("http://ex/")}}, nil},
		{"Turtle object list", `<http://ex/s> <http://ex/p> <http://ex/o>, <http://ex/o2> .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("<http://ex/o>,"), Label: quad.IRI("http://ex/o2")}}, nil},
		{"space in IRI", `<http://ex/a b> <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{{Subject: quad.String("<http://ex/a"), Predicate: quad.String("b>"), Object: p, Label: o}}, nil},
		{"character escape in IRI", `<http://ex/\n> <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{{Subject: quad.IRI(`http://ex/\n`), Predicate: p, Object: o}}, nil},
		{"braces in IRI", `<http://ex/{s}> <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{{Subject: quad.IRI("http://ex/{s}"), Predicate: p, Object: o}}, nil},
		{"surrogate escape", `<http://ex/s> <http://ex/p> "\uD800" .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("\uFFFD")}}, nil},
		{"invalid UTF-8", "<http://ex/s> <http://ex/p> \"a\xffb\" .",
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("a\uFFFDb")}}, nil},
		{"byte order mark", "\uFEFF<http://ex/s> <http://ex/p> <http://ex/o> .",
			[]quad.Quad{{Subject: quad.String("\uFEFF<http://ex/s>"), Predicate: p, Object: o}}, nil},
		{"blank node label starting with '-'", `_:-b <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{{Subject: quad.BNode("-b"), Predicate: p, Object: o}}, nil},
		{"empty IRI, skipped silently", `<> <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{}, nil},
		// Valid input Cayley rejects.
		{"minimal whitespace", `<http://ex/s><http://ex/p><http://ex/o>.`,
			nil, []quad.Quad{{Subject: s, Predicate: p, Object: o}}},
		{"minimal whitespace after blank node", `_:b<http://ex/p>"x".`,
			nil, []quad.Quad{{Subject: quad.BNode("b"), Predicate: p, Object: quad.String("x")}}},
		{"lone CR line end", "<http://ex/s> <http://ex/p> \"x\" .\r<http://ex/s> <http://ex/p> <http://ex/o> .",
			nil, []quad.Quad{{Subject: s, Predicate: p, Object: quad.String("x")}, {Subject: s, Predicate: p, Object: o}}},
		// Valid input Cayley misreads.
		{"space before ^^", `<http://ex/s> <http://ex/p> "x" ^^<http://ex/t> .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("x"), Label: quad.String("^^<http://ex/t>")}},
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.TypedString{Value: "x", Type: "http://ex/t"}}}},
		{"space before language tag", `<http://ex/s> <http://ex/p> "x" @en .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("x"), Label: quad.String("@en")}},
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.LangString{Value: "x", Lang: "en"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cayleyQuads([]byte(tc.in))
			if tc.cayley == nil && err == nil {
				t.Errorf("Cayley accepted it: %#v", got)
			} else if tc.cayley != nil && (err != nil || len(got)+len(tc.cayley) > 0 && !reflect.DeepEqual(got, tc.cayley)) {
				t.Errorf("Cayley: %#v, %v\nwant %#v", got, err, tc.cayley)
			}
			got, err = ourQuads([]byte(tc.in), nquads.Options{})
			var se *nquads.SyntaxError
			if tc.ours == nil && !errors.As(err, &se) {
				t.Errorf("ours: %#v, %v; want a *SyntaxError", got, err)
			} else if tc.ours != nil && (err != nil || !reflect.DeepEqual(got, tc.ours)) {
				t.Errorf("ours: %#v, %v\nwant %#v", got, err, tc.ours)
			}
		})
	}
}

// TestCayleyReader_ConvertsTypedLiterals shows why we keep typed literals
// as written: by default Cayley's reader turns them into native values, so
// "01"^^xsd:integer comes back as 1 and is written out differently.
func TestCayleyReader_ConvertsTypedLiterals(t *testing.T) {
	in := `<http://ex/s> <http://ex/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .`
	q, err := cnquads.NewReader(strings.NewReader(in), false).ReadQuad()
	if err != nil || q.Object != quad.Int(1) {
		t.Fatalf("Cayley: %#v, %v; want quad.Int(1)", q.Object, err)
	}
	qs, err := ourQuads([]byte(in), nquads.Options{})
	if err != nil || len(qs) != 1 || qs[0].Object.String() != `"01"^^<http://www.w3.org/2001/XMLSchema#integer>` {
		t.Fatalf("ours: %v, %v; want the literal as written", qs, err)
	}
}
