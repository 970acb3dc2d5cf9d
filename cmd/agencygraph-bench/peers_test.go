package main

import (
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAbsolutize(t *testing.T) {
	const base = "http://example.org/"
	tests := []struct {
		name, line, want string
	}{
		{"path IRIs", `</en/x> </film/film/starring> _:b1 .`,
			`<http://example.org/en/x> <http://example.org/film/film/starring> _:b1 .`},
		{"bare word", `</en/x> <name> "X" .`, `<http://example.org/en/x> <http://example.org/name> "X" .`},
		{"absolute IRIs untouched", `<http://a.org/s> <urn:isbn:1> <mailto:x@y.z> <g:h> .`,
			`<http://a.org/s> <urn:isbn:1> <mailto:x@y.z> <g:h> .`},
		{"IRIs in literals untouched", `_:b <p> "see </x> and <y>" .`, `_:b <http://example.org/p> "see </x> and <y>" .`},
		{"escaped quotes", `_:b <p> "Walter \"Teacher\" <Cole>" .`, `_:b <http://example.org/p> "Walter \"Teacher\" <Cole>" .`},
		{"escaped backslash ends the literal", `_:b <p> "a\\" <o> .`, `_:b <http://example.org/p> "a\\" <http://example.org/o> .`},
		{"language tag", `_:b <p> "chat"@fr .`, `_:b <http://example.org/p> "chat"@fr .`},
		{"relative datatype", `_:b <p> "1"^^<int> .`, `_:b <http://example.org/p> "1"^^<http://example.org/int> .`},
		{"absolute datatype", `_:b <p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
			`_:b <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"graph label", `<s> <p> <o> </g> .`,
			`<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .`},
		{"comment untouched", `<s> <p> <o> . # <c>`, `<http://example.org/s> <http://example.org/p> <http://example.org/o> . # <c>`},
		{"blank line", ``, ``},
		{"unterminated IRI kept", `<s> <p`, `<http://example.org/s> <p`},
	}
	for _, tc := range tests {
		if got := absolutize(tc.line, base); got != tc.want {
			t.Errorf("%s: absolutize(%q)\n got %q\nwant %q", tc.name, tc.line, got, tc.want)
		}
	}
}

// The peers' SPARQL must name the very IRIs the Gizmo question names, as
// absolutize rewrites them, or they answer a different question.
func TestMovieSPARQLMatchesGizmo(t *testing.T) {
	for _, iri := range regexp.MustCompile(`<[^>]*>`).FindAllString(movieQueries.threeHop, -1) {
		if want := absolutize(iri, peerBase); !strings.Contains(movieQueries.sparql, want) {
			t.Errorf("SPARQL lacks %s (Gizmo's %s):\n%s", want, iri, movieQueries.sparql)
		}
	}
	if strings.Contains(movieQueries.sparql, "LIMIT") {
		t.Errorf("SPARQL carries its own LIMIT; capped adds it: %s", movieQueries.sparql)
	}
}

func TestAbsolutizeFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.nq.gz")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte("</a> <name> \"A\" .\n_:b </p> </a> .\n"))
	zw.Close()
	f.Close()
	dst := filepath.Join(dir, "out", "movies.nq")
	if err := absolutizeFile(src, dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	want := "<http://example.org/a> <http://example.org/name> \"A\" .\n_:b <http://example.org/p> <http://example.org/a> .\n"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// askSPARQL and countTriples read the SPARQL JSON results format, from a
// form POST as every endpoint takes.
func TestSPARQLClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch q := r.FormValue("query"); {
		case r.Method != http.MethodPost || r.Header.Get("Accept") != "application/sparql-results+json":
			http.Error(w, "bad request", http.StatusBadRequest)
		case strings.Contains(q, "COUNT"):
			w.Write([]byte(`{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"471705"}}]}}`))
		case strings.Contains(q, "broken"):
			http.Error(w, "parse error near broken", http.StatusBadRequest)
		default:
			w.Write([]byte(`{"head":{"vars":["name"]},"results":{"bindings":[{"name":{"value":"A"}},{"name":{"value":"B"}}]}}`))
		}
	}))
	defer srv.Close()
	c := srv.Client()
	if n, err := askSPARQL(c, srv.URL, capped("SELECT ?name WHERE { ?s ?p ?name }")); err != nil || n != 2 {
		t.Errorf("askSPARQL = %d, %v; want 2 rows", n, err)
	}
	if n, err := countTriples(c, srv.URL, "http://example.org/g"); err != nil || n != 471705 {
		t.Errorf("countTriples = %d, %v; want 471705", n, err)
	}
	if _, err := askSPARQL(c, srv.URL, "broken"); err == nil || !strings.Contains(err.Error(), "parse error near broken") {
		t.Errorf("askSPARQL on a bad query: err = %v, want the server's message", err)
	}
}

func TestPeerHelpers(t *testing.T) {
	tests := []struct{ got, want string }{
		{capped("SELECT * WHERE { ?s ?p ?o }"), "SELECT * WHERE { ?s ?p ?o } LIMIT 100"},
		{sqlString("/tmp/it's"), "'/tmp/it''s'"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for iri, want := range map[string]bool{"http://x/": true, "urn:x": true, "a+b.c-d:e": true, "/x": false, "name": false, "1a:b": false, "": false} {
		if hasScheme(iri) != want {
			t.Errorf("hasScheme(%q) = %v, want %v", iri, !want, want)
		}
	}
}

// A failed peer gets a row saying why, and the others still print.
func TestWritePeers(t *testing.T) {
	r := &result{ds: dataset{name: "movies", queries: movieQueries}, quads: 10,
		latency: []serverLatency{
			{name: "cayley http, memstore", memory: true, three: stats{p50: 2 * time.Millisecond}, load: 5 * time.Second, answers3: 100},
			{name: "cayley http, Bolt", three: stats{p50: time.Second}},
		},
		peers: []peer{
			{serverLatency: serverLatency{name: "Oxigraph, in-process", three: stats{p50: time.Millisecond}, throughput: 2000, answers3: 100}, inProcess: true, answersAll: 198},
			{serverLatency: serverLatency{name: "Virtuoso", err: "virtuoso-t or isql-vt missing"}},
		}}
	var b strings.Builder
	r.writePeers(&b)
	out := b.String()
	for _, want := range []string{
		"| cayley http, memstore | 5.0 s | 0.0 s | 2.00 ms | — | 1.00× | 0.0 | — | 100 |",
		"| Oxigraph, in-process | 0.0 s | 0.0 s | 1.00 ms | — | 0.50× | 2000.0 (1 caller) | — | 100 |",
		"| Virtuoso | failed: virtuoso-t or isql-vt missing |",
		"198 answers without the LIMIT",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peers table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cayley http, Bolt") {
		t.Errorf("peers table lists a Bolt server:\n%s", out)
	}
}
