package query_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/queries"
)

var update = flag.Bool("update", false, "rewrite testdata/query golden files")

// openStore returns a memory store holding the given N-Quads files.
func openStore(tb testing.TB, files ...string) *graph.Store {
	tb.Helper()
	ins, err := graph.Inputs(files, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return loadedStore(tb, graph.Config{Backend: graph.Memory}, ins)
}

// loadedStore opens the store cfg names, closed when the test ends, and
// loads ins into it.
func loadedStore(tb testing.TB, cfg graph.Config, ins []graph.Input) *graph.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := graph.Open(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		tb.Fatalf("load into %s: %v", cfg, err)
	}
	return s
}

// mustSaved returns the bundled saved queries.
func mustSaved(tb testing.TB) map[string]*query.Saved {
	tb.Helper()
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return saved
}

// golden compares got, as indented JSON, with testdata/query/NAME.json
// (rewritten with -update).
func golden(t *testing.T, name string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<ICE>", not "\u003cICE\u003e"
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	file := filepath.Join("..", "..", "testdata", "query", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", file, b)
	}
}
