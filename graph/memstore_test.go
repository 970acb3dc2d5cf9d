package graph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	cayleytest "github.com/cayleygraph/cayley/graph/graphtest"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/graphtest"
)

// TestMemStore_CayleySuite runs Cayley's own conformance suite for quad
// stores on the memory store, with the settings its memstore passes under:
// loads, duplicates, deletes (from a running iterator too), typed values,
// iterator sizes, writers, path morphisms and the integration queries over
// its movie data. Those last read Cayley's data/ by relative paths, found
// here from a directory three levels under a link to it.
func TestMemStore_CayleySuite(t *testing.T) {
	root := t.TempDir()
	if err := os.Symlink(filepath.Join(graphtest.CayleyModule(t), "data"), filepath.Join(root, "data")); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	cayleytest.TestAll(t, func(testing.TB) (cgraph.QuadStore, cgraph.Options, func()) {
		return newMemStore(), nil, func() {}
	}, &cayleytest.Config{AlwaysRunIntegration: true})
}

// cayleyMemstore returns Cayley's own memstore holding s's quads in s's
// order: the reference the memory store and the planners are held to.
func cayleyMemstore(t testing.TB, s *Store) *memstore.QuadStore {
	t.Helper()
	var quads []quad.Quad
	err := s.EachQuad(context.Background(), func(q quad.Quad) error {
		quads = append(quads, q)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return memstore.New(quads...)
}

// The memory store, put through a long random run of adds and deletes
// (quads repeated, deleted twice, values dropped as their last quad goes
// and added again), answers after every batch as Cayley's memstore does:
// counts, every value's quads in each direction in order, every quad and
// node in order, and no iterator finds a quad or value that is gone.
func TestMemStore_AnswersAsCayleyMemstore(t *testing.T) {
	vocab := [4][]quad.Value{
		{quad.IRI("a"), quad.IRI("b"), quad.BNode("c"), quad.IRI("d")},
		{quad.IRI("p"), quad.IRI("q"), quad.IRI("a")},
		{quad.IRI("a"), quad.String("a"), quad.TypedString{Value: "1", Type: "xsd:integer"}, quad.LangString{Value: "x", Lang: "en"}, quad.IRI("d")},
		{nil, quad.IRI("g"), quad.IRI("b")},
	}
	var all []quad.Value
	for _, vs := range vocab {
		for _, v := range vs {
			if v != nil && !slices.Contains(all, v) {
				all = append(all, v)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ours, theirs := newMemStore(), memstore.New()
	quadRefs := map[string][]cgraph.Ref{} // every ref each quad has had in ours
	nodeRefs := map[quad.Value][]cgraph.Ref{}
	for step := range 400 {
		var deltas []cgraph.Delta
		action := cgraph.Add
		if rng.IntN(3) == 0 {
			action = cgraph.Delete
		}
		for range 1 + rng.IntN(6) {
			q := quad.Quad{Subject: vocab[0][rng.IntN(4)], Predicate: vocab[1][rng.IntN(3)], Object: vocab[2][rng.IntN(5)], Label: vocab[3][rng.IntN(3)]}
			deltas = append(deltas, cgraph.Delta{Quad: q, Action: action})
		}
		opts := cgraph.IgnoreOpts{IgnoreDup: rng.IntN(4) > 0, IgnoreMissing: rng.IntN(4) > 0}
		errOurs, errTheirs := ours.ApplyDeltas(deltas, opts), theirs.ApplyDeltas(deltas, opts)
		if (errOurs == nil) != (errTheirs == nil) {
			t.Fatalf("step %d, %v with %+v: error %v; Cayley's memstore: %v", step, deltas, opts, errOurs, errTheirs)
		}
		compareStores(t, fmt.Sprintf("step %d", step), ours, theirs, all)
		for _, q := range iterated(t, ours, ours.QuadsAllIterator(), true) {
			quadRefs[q.name] = appendNew(quadRefs[q.name], q.ref)
		}
		for _, v := range all {
			if r := ours.ValueOf(v); r != nil {
				nodeRefs[v] = appendNew(nodeRefs[v], r)
			}
		}
		live := map[string]bool{}
		for _, q := range iterated(t, theirs, theirs.QuadsAllIterator(), true) {
			live[q.name] = true
		}
		quadsAll, nodesAll := cgraph.AsShape(ours.QuadsAllIterator()).Lookup(), cgraph.AsShape(ours.NodesAllIterator()).Lookup()
		for name, refs := range quadRefs {
			for i, r := range refs {
				// Only a quad's latest ref is live, and only while the quad is.
				if want := live[name] && i == len(refs)-1; quadsAll.Contains(context.Background(), r) != want {
					t.Fatalf("step %d: all quads contain %s (ref %v) is %v, want %v", step, name, r, !want, want)
				}
			}
		}
		for v, refs := range nodeRefs {
			for i, r := range refs {
				if want := theirs.ValueOf(v) != nil && i == len(refs)-1; nodesAll.Contains(context.Background(), r) != want {
					t.Fatalf("step %d: all nodes contain %v (ref %v) is %v, want %v", step, v, r, !want, want)
				}
			}
		}
	}
}

// A load (addEncoded) leaves the memory store as Cayley's memstore is
// after the same quads go through ApplyDeltas: into a new store that takes
// the load's dictionary, with repeats among a subject's few quads and
// among a hub's many; into a store holding some of them; into one whose
// quads were all deleted; with values that are not their own key. Writes
// after the load, which look quads up, agree too.
func TestMemStore_LoadAnswersAsCayleyMemstore(t *testing.T) {
	var hub, small, native []quad.Quad
	for i := range 60 { // one subject, 40 distinct quads, 20 repeats
		hub = append(hub, quad.Make(quad.IRI("hub"), quad.IRI(fmt.Sprint("p", i%40)), quad.String(fmt.Sprint(i%40)), nil))
	}
	for i := range 30 { // ten subjects of three quads, each quad twice
		q := quad.Make(quad.IRI(fmt.Sprint("s", i%10)), quad.IRI("p"), quad.IRI(fmt.Sprint("o", i%3)), quad.IRI("g"))
		small = append(small, q, q)
	}
	for i := range 5 {
		native = append(native, quad.Make(quad.IRI("n"), quad.IRI("count"), quad.Int(i), nil))
	}
	ins := func(qs []quad.Quad) []cgraph.Delta {
		var ds []cgraph.Delta
		for _, q := range qs {
			ds = append(ds, cgraph.Delta{Quad: q, Action: cgraph.Add})
		}
		return ds
	}
	dels := func(qs []quad.Quad) []cgraph.Delta {
		ds := ins(qs)
		for i := range ds {
			ds[i].Action = cgraph.Delete
		}
		return ds
	}
	for name, c := range map[string]struct {
		before []cgraph.Delta // applied to both stores first
		loads  [][]quad.Quad
	}{
		"new store":                      {nil, [][]quad.Quad{slices.Concat(small, hub)}},
		"store holding some":             {ins(append(hub[:10:10], small[:7]...)), [][]quad.Quad{slices.Concat(hub, small)}},
		"second load, overlapping":       {nil, [][]quad.Quad{slices.Concat(hub[:30], small[:9]), slices.Concat(small, hub)}},
		"store whose quads were deleted": {append(ins(small), dels(small)...), [][]quad.Quad{slices.Concat(small, hub)}},
		"values that are not their key":  {nil, [][]quad.Quad{slices.Concat(native, native, small)}},
		"load of nothing into a store":   {ins(small), [][]quad.Quad{nil}},
	} {
		t.Run(name, func(t *testing.T) {
			ours, theirs := newMemStore(), memstore.New()
			for _, d := range c.before {
				for _, qs := range []cgraph.QuadStore{ours, theirs} {
					if err := qs.ApplyDeltas([]cgraph.Delta{d}, cgraph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, load := range c.loads {
				enc := newEncoded()
				for _, q := range load {
					enc.add(q)
				}
				ours.addEncoded(enc)
				if err := theirs.ApplyDeltas(ins(load), cgraph.IgnoreOpts{IgnoreDup: true}); err != nil {
					t.Fatal(err)
				}
			}
			vals := []quad.Value{quad.IRI("hub"), quad.IRI("p"), quad.IRI("g"), quad.IRI("n"), quad.Int(3), quad.String("3")}
			for i := range 10 {
				vals = append(vals, quad.IRI(fmt.Sprint("s", i)), quad.IRI(fmt.Sprint("p", i)), quad.String(fmt.Sprint(i)))
			}
			compareStores(t, "after the load", ours, theirs, vals)
			after := append(dels(append(hub[:3:3], small[:4]...)), ins(native[:2])...)
			for _, d := range after {
				for _, qs := range []cgraph.QuadStore{ours, theirs} {
					if err := qs.ApplyDeltas([]cgraph.Delta{d}, cgraph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}); err != nil {
						t.Fatal(err)
					}
				}
			}
			compareStores(t, "after writes", ours, theirs, vals)
		})
	}
}

func appendNew(refs []cgraph.Ref, r cgraph.Ref) []cgraph.Ref {
	if len(refs) > 0 && refs[len(refs)-1] == r {
		return refs
	}
	return append(refs, r)
}

type namedRef struct {
	name string
	ref  cgraph.Ref
}

// iterated lists what it gives: quads in N-Quads, else values.
func iterated(t *testing.T, qs cgraph.QuadStore, it cgraph.Iterator, quads bool) []namedRef {
	t.Helper()
	defer it.Close()
	var out []namedRef
	for it.Next(context.Background()) {
		r := it.Result()
		name := quad.StringOf(qs.NameOf(r))
		if quads {
			name = qs.Quad(r).NQuad()
		}
		out = append(out, namedRef{name, r})
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func names(refs []namedRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.name
	}
	return out
}

// compareStores fails unless ours and theirs hold and list the same.
func compareStores(t *testing.T, at string, ours, theirs cgraph.QuadStore, vals []quad.Value) {
	t.Helper()
	ctx := context.Background()
	so, _ := ours.Stats(ctx, true)
	st, _ := theirs.Stats(ctx, true)
	if so != st {
		t.Fatalf("%s: stats %+v; Cayley's memstore: %+v", at, so, st)
	}
	if got, want := names(iterated(t, ours, ours.QuadsAllIterator(), true)), names(iterated(t, theirs, theirs.QuadsAllIterator(), true)); !slices.Equal(got, want) {
		t.Fatalf("%s: all quads %q\nCayley's memstore: %q", at, got, want)
	}
	if got, want := names(iterated(t, ours, ours.NodesAllIterator(), false)), names(iterated(t, theirs, theirs.NodesAllIterator(), false)); !slices.Equal(got, want) {
		t.Fatalf("%s: all nodes %q\nCayley's memstore: %q", at, got, want)
	}
	for _, v := range vals {
		ro, rt := ours.ValueOf(v), theirs.ValueOf(v)
		if (ro == nil) != (rt == nil) {
			t.Fatalf("%s: ValueOf(%v) = %v; Cayley's memstore: %v", at, v, ro, rt)
		}
		if ro == nil {
			continue
		}
		if got := ours.NameOf(ro); got != v {
			t.Fatalf("%s: NameOf(ValueOf(%v)) = %v", at, v, got)
		}
		for _, d := range quad.Directions {
			got, want := names(iterated(t, ours, ours.QuadIterator(d, ro), true)), names(iterated(t, theirs, theirs.QuadIterator(d, rt), true))
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %v's quads by %v: %q\nCayley's memstore: %q", at, v, d, got, want)
			}
			if size, _ := ours.QuadIteratorSize(ctx, d, ro); size.Size != int64(len(want)) || !size.Exact {
				t.Fatalf("%s: %v's quads by %v: size %+v, want %d", at, v, d, size, len(want))
			}
		}
	}
}

// BenchmarkLoad_Memory loads Cayley's movie data (471,705 quads, gzipped)
// into memory three ways in one run: parsing and encoding alone (the
// ceiling), a Load into the memory store, and the same parse into Cayley's
// memstore (what the memory backend was before memstore.go):
//
//	go test ./graph -run '^$' -bench Load_Memory -benchtime 3x
func BenchmarkLoad_Memory(b *testing.B) {
	ctx := context.Background()
	ins, err := Inputs([]string{filepath.Join(graphtest.CayleyModule(b), "data", "30kmoviedata.nq.gz")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := parseInputs(ctx, ins, LoadOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memory store", func(b *testing.B) {
		for b.Loop() {
			s, err := Open(ctx, Config{Backend: Memory})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Load(ctx, ins, LoadOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cayley memstore", func(b *testing.B) {
		for b.Loop() {
			enc, err := parseInputs(ctx, ins, LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if err := memstore.New().ApplyDeltas(enc.deltas(), cgraph.IgnoreOpts{IgnoreDup: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
