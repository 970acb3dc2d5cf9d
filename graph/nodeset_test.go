package graph

import (
	"cmp"
	"context"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"
)

// Paths that start from a large set of nodes (a nodeSet, hashed) answer
// as they do from Cayley's own Fixed (a list): on a memory store in the
// same order, since only the membership check differs, and on Bolt as the
// same set. Each path is checked to hold a nodeSet once planned, so that it
// tests one.
func TestNodeSet_AnswersAsFixed(t *testing.T) {
	mem := loaded(t, Config{Backend: Memory}, "../quads")
	defer mem.Close()
	bolt := loadedBolt(t, "../quads")
	defer bolt.Close()
	plain := cayleyMemstore(t, mem) // the same quads in Cayley's memstore, without our optimizer

	assertions := values(t, plain, path.StartPath(plain, ClassAssertion).In(Type))
	if len(assertions) < 4*minNodeSet {
		t.Fatalf("%d assertions: too few to test a large set", len(assertions))
	}
	// Unknown nodes and repeats are kept as Fixed keeps them: dropped and
	// walked twice.
	set := append(slices.Clone(assertions), quad.IRI("no-such-node"), assertions[3])
	paths := map[string]func(cgraph.QuadStore) *path.Path{
		"Has on the set (what timeline does with its sources)": func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("assists")).In(Predicate).And(path.StartPath(qs, set...))
		},
		"the set intersected with a scan": func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, set...).Has(Predicate, quad.IRI("detailsStaffTo"))
		},
		"Is the set, after a hop": func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("ICE")).In(Object).Is(set...)
		},
		"a hop from the set": func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, set...).Out(WasDerivedFrom)
		},
		"the set itself": func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, set...)
		},
	}
	for name, build := range paths {
		t.Run(name, func(t *testing.T) {
			want := values(t, plain, build(plain))
			if len(want) == 0 {
				t.Fatal("no answers from Cayley's Fixed: the path tests nothing")
			}
			for _, s := range []*Store{mem, bolt} {
				qs := s.QuadStore()
				if !holdsNodeSet(build(qs), qs) {
					t.Fatalf("%s: the planned path holds no nodeSet", s.Config().Backend)
				}
				got := values(t, qs, build(qs))
				if s == bolt {
					got, want = sorted(got), sorted(want)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: %d answers %q\nCayley's Fixed: %d answers %q", s.Config().Backend, len(got), got, len(want), want)
				}
			}
		})
	}
}

func values(t *testing.T, qs cgraph.QuadStore, p *path.Path) []quad.Value {
	t.Helper()
	vals, err := p.Iterate(context.Background()).AllValues(qs)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func sorted(vals []quad.Value) []quad.Value {
	out := slices.Clone(vals)
	slices.SortFunc(out, func(a, b quad.Value) int { return cmp.Compare(quad.StringOf(a), quad.StringOf(b)) })
	return out
}

// holdsNodeSet reports whether the path's iterator tree, as planned on qs,
// has a setIterator in it. (Cayley's shape.Walk cannot look into shapes
// with unexported fields, ours among them.)
func holdsNodeSet(p *path.Path, qs cgraph.QuadStore) bool {
	var walk func(it cgraph.IteratorShape) bool
	walk = func(it cgraph.IteratorShape) bool {
		if _, ok := it.(*setIterator); ok {
			return true
		}
		return slices.ContainsFunc(it.SubIterators(), walk)
	}
	return walk(cgraph.AsShape(p.BuildIteratorOn(qs)))
}
