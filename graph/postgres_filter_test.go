package graph

import (
	"context"
	"regexp"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
)

// missCounter is a value filter that counts the values its filter had to
// name with a query of their own: those not in namedFilter's batch.
type missCounter struct {
	shape.ValueFilter
	misses, named *int
}

func (m missCounter) BuildIterator(qs cgraph.QuadStore, it cgraph.Iterator) cgraph.Iterator {
	return m.ValueFilter.BuildIterator(countingNamer{QuadStore: qs, m: m}, it)
}

type countingNamer struct {
	cgraph.QuadStore
	m missCounter
}

func (n countingNamer) NameOf(ref cgraph.Ref) quad.Value {
	*n.m.named++
	if an, ok := n.QuadStore.(aheadNamer); !ok || an.ahead.names[ref] == nil {
		*n.m.misses++
	}
	return n.QuadStore.NameOf(ref)
}

// A value filter over anything but all nodes is planned on PostgreSQL as
// a namedFilter: it answers what Cayley's iterators answer (results,
// paths, tags) over several batches, and its filters find every value
// they look at in the batch, none by a query of its own.
func TestPostgres_NamedFilterMatchesCayleysIterators(t *testing.T) {
	ctx := context.Background()
	s := postgresDataset(t)
	status, name := s.qs.ValueOf(quad.IRI("status")), s.qs.ValueOf(quad.IRI("http://schema.org/name"))
	labels := shape.Fixed{name, s.qs.ValueOf(quad.IRI("http://www.w3.org/2004/02/skos/core#altLabel")), s.qs.ValueOf(quad.IRI("recordId"))}
	var assertions []cgraph.Ref
	it := s.qs.QuadIterator(quad.Predicate, status)
	for len(assertions) < 10 && it.Next(ctx) {
		assertions = append(assertions, s.qs.QuadDirection(it.Result(), quad.Subject))
	}
	it.Close()
	objects := func(subjects shape.Shape, tag string, preds shape.Shape) shape.NodesFrom {
		q := shape.Quads{{Dir: quad.Subject, Values: shape.Save{From: subjects, Tags: []string{tag}}}}
		if preds != nil {
			q = append(q, shape.QuadFilter{Dir: quad.Predicate, Values: preds})
		}
		return shape.NodesFrom{Dir: quad.Object, Quads: q}
	}
	statuses := func(subjects []cgraph.Ref, tag string) shape.NodesFrom {
		return objects(shape.Fixed(subjects), tag, shape.Fixed{status})
	}
	for _, tc := range []struct {
		name    string
		from    shape.Shape
		filter  shape.ValueFilter
		batches bool // more results than one batch
		paths   bool // some result with more than one path
	}{
		{"names and labels", objects(shape.AllNodes{}, "s", labels), shape.Regexp{Re: regexp.MustCompile("^[A-Z]")}, true, false},
		{"names and labels, IRIs too", objects(shape.AllNodes{}, "s", labels), shape.Regexp{Re: regexp.MustCompile("^[A-Z]"), Refs: true}, true, false},
		{"names after a value", objects(shape.AllNodes{}, "s", shape.Fixed{name}), shape.Comparison{Op: iterator.CompareGT, Val: quad.String("M")}, false, false},
		{"statuses two sets of assertions share", shape.Intersect{statuses(assertions[:5], "a"), statuses(assertions[5:10], "b")}, shape.Wildcard{Pattern: "status/%"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var misses, named int
			sh := shape.Filter{From: tc.from, Filters: []shape.ValueFilter{missCounter{tc.filter, &misses, &named}}}
			planned, _ := shape.Optimize(sh, s.Planner())
			if _, ok := planned.(namedFilter); !ok {
				t.Fatalf("planned as %T, want namedFilter", planned)
			}
			got := iteratorRows(t, s.qs, planned.BuildIterator(s.qs))
			if misses != 0 || named == 0 || (named > filterBatch) != tc.batches {
				t.Errorf("the filter named %d values (batches of %d), %d of them not read ahead; want none", named, filterBatch, misses)
			}
			cayleys, _ := shape.Optimize(shape.Filter{From: tc.from, Filters: []shape.ValueFilter{tc.filter}}, s.qs)
			want := iteratorRows(t, s.qs, cayleys.BuildIterator(s.qs))
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Fatalf("planned filter gives %d rows, Cayley's iterators %d", len(got), len(want))
			}
			if paths := morePaths(t, cayleys.BuildIterator(s.qs)); (paths > 0) != tc.paths {
				t.Errorf("%d results with more than one path, want some: %v", paths, tc.paths)
			}
		})
	}
}

// morePaths counts the paths of it's results past each one's first.
func morePaths(t *testing.T, it cgraph.Iterator) int {
	t.Helper()
	ctx := context.Background()
	defer it.Close()
	n := 0
	for it.Next(ctx) {
		for it.NextPath(ctx) {
			n++
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
