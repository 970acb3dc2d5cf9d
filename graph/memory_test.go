package graph_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
)

// The in-memory copy of a Bolt store holds the same quads, answers from
// memory, and does not follow later writes to the file.
func TestStore_InMemory(t *testing.T) {
	ctx := context.Background()
	b := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer b.Close()
	if _, err := load(t, b, "../testdata/small.nq"); err != nil {
		t.Fatal(err)
	}
	m, err := b.InMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Config().Backend != graph.Memory {
		t.Errorf("copy backend = %s, want memory", m.Config().Backend)
	}
	want, got := allQuads(t, b), allQuads(t, m)
	if len(want) < 100 || !slices.Equal(got, want) {
		t.Fatalf("copy holds %d quads, store %d (or they differ)", len(got), len(want))
	}
	if iri, err := m.Lookup(ctx, "kika scott"); err != nil || iri != "person/kika-scott" {
		t.Errorf("lookup in copy = %q, %v", iri, err)
	}
	if _, err := load(t, b, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	if n := len(allQuads(t, m)); n != len(want) {
		t.Errorf("copy changed with the store: %d quads, want %d", n, len(want))
	}
}
