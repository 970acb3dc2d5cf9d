package graph

import (
	"context"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/quads"
)

// sqlScanner behaves as Cayley's SQL scanner does with paths: each result
// has two paths, and asking for another path after it said there is none
// reads past the result (a panic there).
type sqlScanner struct {
	cgraph.Scanner
	results, paths int
	ended          bool
}

func (s *sqlScanner) Next(context.Context) bool {
	s.ended = false
	s.paths = 1
	s.results--
	return s.results >= 0
}

func (s *sqlScanner) NextPath(context.Context) bool {
	if s.ended {
		panic("NextPath after NextPath said there were no more paths")
	}
	s.paths++
	s.ended = s.paths > 2
	return !s.ended
}

// A join asks each member for more paths in turn and may ask again after
// one said no; onePathEnd answers no again without asking.
func TestOnePathEnd(t *testing.T) {
	ctx := context.Background()
	s := &onePathEnd{Scanner: &sqlScanner{results: 2}}
	var paths []int
	for s.Next(ctx) {
		n := 1
		for s.NextPath(ctx) {
			n++
		}
		if s.NextPath(ctx) || s.NextPath(ctx) {
			t.Fatal("NextPath said yes after saying no")
		}
		paths = append(paths, n)
	}
	if len(paths) != 2 || paths[0] != 2 || paths[1] != 2 {
		t.Errorf("paths per result = %v, want [2 2]", paths)
	}
}

// The count a scan is decided on runs under the query's context: with time
// left, a hop from twenty assertions to their statuses is read by a scan;
// once the query is over, the count fails and the hop is left to the split.
func TestPostgres_ScanCountUnderQueryContext(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ParseDB(graphtest.PostgresDB(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ins, err := FSInputs(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, ins, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	status := s.qs.ValueOf(quad.IRI("status"))
	var refs []cgraph.Ref
	it := s.qs.QuadIterator(quad.Predicate, status)
	for len(refs) < 20 && it.Next(ctx) {
		refs = append(refs, s.qs.QuadDirection(it.Result(), quad.Subject))
	}
	it.Close()
	if len(refs) < minScan {
		t.Fatalf("%d assertions with a status, want at least %d", len(refs), minScan)
	}
	q := shape.Quads{{Dir: quad.Subject, Values: shape.Fixed(refs)}, {Dir: quad.Predicate, Values: shape.Fixed{status}}}
	nf := shape.NodesFrom{Dir: quad.Object, Quads: q}
	over, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		scan bool
	}{{"time left", ctx, true}, {"query over", over, false}} {
		planner := s.Planner(tc.ctx).(sqlPlanner)
		if _, ok := planner.scanHop(nf, q, 0, refs, nil); ok != tc.scan {
			t.Errorf("%s: scan planned %v, want %v", tc.name, ok, tc.scan)
		}
	}
}
