package graph_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cayleygraph/quad"

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

// A Bolt store counts its nodes, predicates and labels from its log
// (stats.go) as the memory store, which counts through Cayley's
// iterators, counts the same quads: also after a whole source has been
// deleted (its quads marked dead in the log, its unique values gone) and
// quads with a new predicate and label added.
func TestStore_BoltStatsMatchMemoryAfterWrites(t *testing.T) {
	ctx := context.Background()
	b := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer b.Close()
	if _, err := load(t, b, "../quads"); err != nil {
		t.Fatal(err)
	}
	before := stats(t, b)
	var gone []quad.Quad
	err := b.EachQuad(ctx, func(q quad.Quad) error {
		if q.Label == quad.IRI("src/004") {
			gone = append(gone, q)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) == 0 {
		t.Fatal("no quads in <src/004>: nothing to delete")
	}
	if err := b.Remove(ctx, gone); err != nil {
		t.Fatal(err)
	}
	added := []quad.Quad{
		quad.MakeIRI("ICE", "testOnlyPredicate", "USCIS", "src/test-only"),
		quad.MakeIRI("test-only-node", "testOnlyPredicate", "ICE", "src/test-only"),
	}
	if err := b.Add(ctx, added); err != nil {
		t.Fatal(err)
	}
	got := stats(t, b)
	if got == before {
		t.Fatalf("stats unchanged by the writes (%+v): the check below proves nothing", got)
	}
	m, err := b.InMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if want := stats(t, m); got != want {
		t.Errorf("bolt counts %+v, memory %+v", got, want)
	}
}

// stats are the store's counts, without what names the store.
func stats(t *testing.T, s *graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Backend, st.Address = "", ""
	return st
}
