package lint_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/lint"
	"github.com/agencygraph/agencygraph/quads"
)

// dir holds one small dataset per kind of problem, each checked together
// with the tiny vocabulary schema.nq and the source list sources.nq; the
// text of source <src/a> is sources/article.txt.
const dir = "../../testdata/lint"

// seeds holds the source documents of the bundled dataset, beside the
// repository.
const seeds = "../../../shared/seeds"

// fixture returns schema.nq, sources.nq and name, named as in dir.
func fixture(name string) []lint.File {
	fsys := os.DirFS(dir)
	var files []lint.File
	for _, n := range []string{"schema.nq", "sources.nq", name} {
		files = append(files, lint.File{Name: n, Open: func() (io.ReadCloser, error) { return fsys.Open(n) }})
	}
	return files
}

func TestCheck(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"good.nq", nil},
		{"unknown-predicate.nq", []string{
			"unknown-predicate.nq:8: error: unknown predicate <helps>: not declared in <vocab>"}},
		{"unknown-class.nq", []string{
			"unknown-class.nq:3: error: unknown class <Agancy>: not declared in <vocab>"}},
		{"entity-without-type.nq", []string{
			"entity-without-type.nq:7: error: entity <IRS> has no rdf:type"}},
		{"entity-without-name.nq", []string{
			"entity-without-name.nq:7: error: entity <IRS> has no schema:name"}},
		{"edge-without-evidence.nq", []string{
			"edge-without-evidence.nq:9: error: edge <ICE> <assists> <IRS> has no <Assertion> in <src/a> with that rdf:subject, rdf:predicate and rdf:object"}},
		{"evidence-without-source.nq", []string{
			"evidence-without-source.nq:9: error: assertion <st/a-1> has no prov:wasDerivedFrom"}},
		{"evidence-without-quote.nq", []string{
			"evidence-without-quote.nq:9: error: assertion <st/a-1> has no <quote>",
			"evidence-without-quote.nq:26: error: assertion <st/d-1> cites dataset <src/d> but has no <recordId>"}},
		{"dangling-iri.nq", []string{
			"dangling-iri.nq:18: error: dangling IRI <CBP>: nothing gives it an rdf:type"}},
		{"bad-date.nq", []string{
			`bad-date.nq:17: error: schema:startDate "2025-02-30"^^xsd:date: not a calendar date`,
			`bad-date.nq:25: error: schema:startDate "2025-13"^^xsd:gYearMonth: no such month`,
			`bad-date.nq:33: error: schema:startDate "in early 2025": a date must be typed xsd:date, xsd:gYearMonth or xsd:gYear`}},
		{"bad-quantity.nq", []string{
			`bad-quantity.nq:16: error: <headcount> "-500"^^xsd:integer: a count cannot be negative`,
			`bad-quantity.nq:25: error: <headcount> "about 500"^^xsd:integer: not an xsd:integer`,
			`bad-quantity.nq:34: error: <headcount> "500": a quantity must be typed xsd:integer or xsd:decimal`}},
		{"duplicate-alias.nq", []string{
			`duplicate-alias.nq:7: error: alias " ice" of <IRS> is already claimed by <ICE> (duplicate-alias.nq:4)`,
			`duplicate-alias.nq:36: error: alias "the  IRS's unit" of <IRS> is already claimed by <ICE> (duplicate-alias.nq:35)`}},
		{"bad-status.nq", []string{
			"bad-status.nq:15: error: status <status/rumoured> is not a declared <Status>"}},
		{"domain-range.nq", []string{
			"domain-range.nq:18: warning: <person/x> is a <Person>, outside the range <Agency> of <assists>"}},
		{"syntax-error.nq", []string{
			"syntax-error.nq:15: error: syntax: column 42: expected '.' at end of statement, found end of line"}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".nq"), func(t *testing.T) {
			ps, err := lint.Check(context.Background(), fixture(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			wantErr := false
			for _, w := range tt.want {
				wantErr = wantErr || strings.Contains(w, ": error: ")
			}
			if lint.HasErrors(ps) != wantErr {
				t.Errorf("HasErrors = %v, want %v", !wantErr, wantErr)
			}
		})
	}
}

// TestPathFiles checks that directories are expanded and .nq.gz files read.
func TestPathFiles(t *testing.T) {
	tmp := t.TempDir()
	for _, name := range []string{"schema.nq", "sources.nq", "unknown-class.nq"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(tmp, name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	files, err := lint.PathFiles([]string{tmp}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := lint.Check(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(tmp, "unknown-class.nq.gz") + ":3: error: unknown class <Agancy>: not declared in <vocab>"
	if len(ps) != 1 || ps[0].String() != want {
		t.Errorf("got %v, want [%s]", ps, want)
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		file             string
		checked, skipped int
		want             []lint.Miss
	}{
		// the quote matches although the article has curly quotes, em
		// dashes and a line break where it has straight ones, hyphens and
		// spaces; the quote from <src/b> has no text in sources/.
		{"good.nq", 1, 1, nil},
		{"quote-not-in-source.nq", 1, 1, []lint.Miss{{
			File: "quote-not-in-source.nq", Line: 14, Source: "article.txt",
			Quote:   "the IRS's agents will help ICE - up to 500 of them",
			Closest: "the IRS's agents will assist ICE - up to 500 of them",
		}}},
		// an ellipsis stands for left-out words
		{"elided-quote.nq", 1, 1, nil},
		{"elided-quote-out-of-order.nq", 1, 1, []lint.Miss{{
			File: "elided-quote-out-of-order.nq", Line: 14, Source: "article.txt",
			Quote:   "starting next month ... the IRS's agents will assist ICE",
			Closest: `"March 10" that the IRS's agents will assist ICE`,
		}}},
		// a dataset assertion has no quote to check
		{"evidence-without-quote.nq", 0, 1, nil},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".nq"), func(t *testing.T) {
			res, err := lint.Verify(context.Background(), fixture(tt.file), os.DirFS(filepath.Join(dir, "sources")))
			if err != nil {
				t.Fatal(err)
			}
			if res.Checked != tt.checked || res.Skipped != tt.skipped {
				t.Errorf("checked %d, skipped %d; want %d, %d", res.Checked, res.Skipped, tt.checked, tt.skipped)
			}
			if len(res.Misses) != len(tt.want) {
				t.Fatalf("misses = %+v, want %+v", res.Misses, tt.want)
			}
			for i := range tt.want {
				if res.Misses[i] != tt.want[i] {
					t.Errorf("miss %d = %+v, want %+v", i, res.Misses[i], tt.want[i])
				}
			}
		})
	}
}

func TestVerify_SyntaxError(t *testing.T) {
	_, err := lint.Verify(context.Background(), fixture("syntax-error.nq"), os.DirFS(filepath.Join(dir, "sources")))
	if graph.Code(err) != graph.EINVALID || !strings.Contains(err.Error(), "syntax-error.nq:15:") {
		t.Errorf("err = %v (code %q), want an EINVALID error at syntax-error.nq:15", err, graph.Code(err))
	}
}

// bundled returns the bundled dataset's files, skipping the test until the
// dataset has its vocabulary.
func bundled(t *testing.T) []lint.File {
	t.Helper()
	if _, err := quads.FS.Open("schema.nq"); err != nil {
		t.Skip("the bundled dataset has no schema.nq yet")
	}
	files, err := lint.FSFiles(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCheck_Bundled(t *testing.T) {
	ps, err := lint.Check(context.Background(), bundled(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Severity == lint.Error {
			t.Error(p)
		}
	}
}

func TestVerify_Bundled(t *testing.T) {
	files := bundled(t)
	if _, err := os.Stat(seeds); err != nil {
		t.Skip("no ../shared/seeds to verify quotes against")
	}
	res, err := lint.Verify(context.Background(), files, os.DirFS(seeds))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Misses {
		t.Errorf("%s:%d: quote not in %s: %q (closest: %q)", m.File, m.Line, m.Source, m.Quote, m.Closest)
	}
	if res.Checked == 0 {
		t.Error("no quote was checked against its source")
	}
}
