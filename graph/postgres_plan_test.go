package graph

import (
	"context"
	"fmt"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/shape"
	csql "github.com/cayleygraph/cayley/graph/sql"
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

// A hop from lists of nodes, or from tagged ones, is one query on
// PostgreSQL, each such direction asked for as one list of hashes, and
// answers what Cayley's own iterators answer for it: results, paths and
// tags. A hop Cayley's optimizer makes one query itself (one untagged node
// a direction), or whose nodes are not a list of the store's hashes, is
// left to Cayley.
func TestPostgres_ScanHopMatchesCayleysIterators(t *testing.T) {
	ctx := context.Background()
	s := postgresDataset(t)
	status, quote := s.qs.ValueOf(quad.IRI("status")), s.qs.ValueOf(quad.IRI("quote"))
	var refs []cgraph.Ref
	it := s.qs.QuadIterator(quad.Predicate, status)
	for len(refs) < 20 && it.Next(ctx) {
		refs = append(refs, s.qs.QuadDirection(it.Result(), quad.Subject))
	}
	it.Close()
	if len(refs) < 20 {
		t.Fatalf("%d assertions with a status, want 20", len(refs))
	}
	hop := func(subjects, predicates shape.Shape) shape.NodesFrom {
		return shape.NodesFrom{Dir: quad.Object, Quads: shape.Quads{{Dir: quad.Subject, Values: subjects}, {Dir: quad.Predicate, Values: predicates}}}
	}
	tagged := func(sh shape.Shape, tag string) shape.Shape { return shape.Save{From: sh, Tags: []string{tag}} }
	for _, tc := range []struct {
		name string
		hop  shape.NodesFrom
		scan bool
	}{
		{"nodes", hop(shape.Fixed(refs), shape.Fixed{status}), true},
		{"tagged nodes", hop(tagged(shape.Fixed(refs), "st"), shape.Fixed{status}), true},
		{"one tagged node", hop(tagged(shape.Fixed{refs[0]}, "st"), shape.Fixed{status}), true},
		{"tagged nodes and predicates", hop(tagged(shape.Fixed(refs), "st"), tagged(shape.Fixed{status, quote}, "p")), true},
		{"one untagged node each", hop(shape.Fixed{refs[0]}, shape.Fixed{status}), false},
		{"not a list", hop(shape.AllNodes{}, shape.Fixed{status, quote}), false},
		{"a value, not a hash", hop(shape.Fixed{refs[0], cgraph.PreFetched(quad.IRI("x"))}, shape.Fixed{status}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			planned, ok := s.Planner().(sqlPlanner).scanHop(tc.hop)
			if ok != tc.scan {
				t.Fatalf("scan planned: %v, want %v", ok, tc.scan)
			}
			if !ok {
				return
			}
			got, want := iteratorRows(t, s.qs, planned.BuildIterator(s.qs)), iteratorRows(t, s.qs, tc.hop.BuildIterator(s.qs))
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("planned scan gives %d rows, Cayley's iterators %d:\n%q\n  vs\n%q", len(got), len(want), got, want)
			}
			// Its query reads the hop's quads and no others: one a row.
			it := planned.(shape.NodesFrom).Quads.(scanQuads).query.BuildIterator(s.qs)
			defer it.Close()
			read := 0
			for it.Next(ctx) {
				read++
			}
			if read != len(want) {
				t.Errorf("the scan's query reads %d quads, want the hop's %d", read, len(want))
			}
		})
	}
}

// A query is restricted to a list of nodes by one more condition on its
// node column, unless it is a page of rows (a Limit or Skip): the first
// row among the nodes is not the first row. Nor is a query restricted by
// a value that is not a node hash, or on a column it does not have.
func TestQueryCost_Restrict(t *testing.T) {
	nodes := func() csql.Select {
		return csql.Select{
			Fields: []csql.Field{{Name: "hash", Alias: nodeColumn, Table: "t"}},
			From:   []csql.Source{csql.Table{Name: "nodes", Alias: "t"}},
		}
	}
	hash := csql.NodeHash{ValueHash: cgraph.HashOf(quad.IRI("ICE"))}
	paged, skipped := nodes(), nodes()
	paged.Limit, skipped.Offset = 1, 1
	for _, tc := range []struct {
		name   string
		sel    csql.Select
		column string
		refs   []cgraph.Ref
		ok     bool
	}{
		{"nodes", nodes(), nodeColumn, []cgraph.Ref{hash}, true},
		{"a page", paged, nodeColumn, []cgraph.Ref{hash}, false},
		{"a skip", skipped, nodeColumn, []cgraph.Ref{hash}, false},
		{"no such column", nodes(), dirColumn(quad.Subject), []cgraph.Ref{hash}, false},
		{"a value, not a hash", nodes(), nodeColumn, []cgraph.Ref{hash, cgraph.PreFetched(quad.IRI("x"))}, false},
	} {
		q := queryCost{Select: tc.sel}
		got, ok := q.restrict(tc.column, tc.refs)
		if ok != tc.ok {
			t.Errorf("%s: restricted %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if want := len(tc.sel.Where); ok && (len(got.Where) != want+1 || got.listed != len(tc.refs)) {
			t.Errorf("%s: %d conditions listing %d nodes, want %d listing %d", tc.name, len(got.Where), got.listed, want+1, len(tc.refs))
		}
		if !ok && (len(got.Where) != len(tc.sel.Where) || got.listed != 0) {
			t.Errorf("%s: declined, but the query changed", tc.name)
		}
	}
}

// A hop from a few tagged nodes is planned on PostgreSQL as one hop per
// node (splitHop); a join that checks a node against it answers a path
// through each of the starts that reach the node, as Cayley's iterators
// do, not the first start's only.
func TestPostgres_SplitHopInAJoinAnswersEveryPath(t *testing.T) {
	ctx := context.Background()
	s := postgresDataset(t)
	status := s.qs.ValueOf(quad.IRI("status"))
	var refs []cgraph.Ref
	it := s.qs.QuadIterator(quad.Predicate, status)
	for len(refs) < 20 && it.Next(ctx) {
		refs = append(refs, s.qs.QuadDirection(it.Result(), quad.Subject))
	}
	it.Close()
	statuses := func(subjects []cgraph.Ref, tag string) shape.NodesFrom {
		return shape.NodesFrom{Dir: quad.Object, Quads: shape.Quads{
			{Dir: quad.Subject, Values: shape.Save{From: shape.Fixed(subjects), Tags: []string{tag}}},
			{Dir: quad.Predicate, Values: shape.Fixed{status}},
		}}
	}
	join := shape.Intersect{statuses(refs[:10], "a"), statuses(refs[10:], "b")}
	planned, _ := shape.Optimize(join, s.Planner())
	in, _ := planned.(shape.Intersect)
	var members []string
	for _, m := range in {
		members = append(members, fmt.Sprintf("%T", m))
	}
	if want := []string{"graph.everyPath", "graph.everyPath"}; !slices.Equal(members, want) {
		t.Fatalf("planned as %T of %v, want an intersection of %v", planned, members, want)
	}
	got, want := iteratorRows(t, s.qs, planned.BuildIterator(s.qs)), iteratorRows(t, s.qs, join.BuildIterator(s.qs))
	if len(want) <= 10 || !slices.Equal(got, want) {
		t.Errorf("planned join gives %d rows, Cayley's iterators %d (want more than one a start)", len(got), len(want))
	}
}

// pathIndex has each of its values with a number of paths, each path
// tagged with its member's name and its place.
type pathIndex struct {
	cgraph.Index
	name  string
	paths map[string]int
	at    string
	path  int
	ended bool
}

func (x *pathIndex) Contains(_ context.Context, v cgraph.Ref) bool {
	x.at, x.path, x.ended = v.(cgraph.PreFetchedValue).NameOf().String(), 0, false
	return x.paths[x.at] > 0
}

func (x *pathIndex) NextPath(context.Context) bool {
	if x.ended {
		panic("NextPath after NextPath said there were no more paths")
	}
	x.path++
	x.ended = x.path >= x.paths[x.at]
	return !x.ended
}

func (x *pathIndex) TagResults(dst map[string]cgraph.Ref) {
	dst["member"] = cgraph.PreFetched(quad.String(fmt.Sprintf("%s%d", x.name, x.path)))
}

func (x *pathIndex) Err() error   { return nil }
func (x *pathIndex) Close() error { return nil }

// everyPathIndex answers a value's paths through each member that has it,
// member after member, and none through a member that has it not; a
// member that said it has no more paths is not asked again.
func TestEveryPathIndex(t *testing.T) {
	ctx := context.Background()
	x := &everyPathIndex{subs: []cgraph.Index{
		&pathIndex{name: "a", paths: map[string]int{`"v"`: 2, `"w"`: 1}},
		&pathIndex{name: "b", paths: map[string]int{`"w"`: 1}},
		&pathIndex{name: "c", paths: map[string]int{`"v"`: 3}},
	}}
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{"v", []string{`"a0"`, `"a1"`, `"c0"`, `"c1"`, `"c2"`}},
		{"w", []string{`"a0"`, `"b0"`}},
		{"x", nil},
	} {
		var got []string
		if x.Contains(ctx, cgraph.PreFetched(quad.String(tc.value))) {
			for more := true; more; more = x.NextPath(ctx) {
				tags := map[string]cgraph.Ref{}
				x.TagResults(tags)
				got = append(got, tags["member"].(cgraph.PreFetchedValue).NameOf().String())
			}
			if x.NextPath(ctx) {
				t.Errorf("%s: NextPath said yes after saying no", tc.value)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: paths %q, want %q", tc.value, got, tc.want)
		}
	}
}

// postgresDataset is a PostgreSQL store with the bundled dataset loaded,
// closed when t ends; the test is skipped without a server.
func postgresDataset(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, ParseDB(graphtest.PostgresDB(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ins, err := FSInputs(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, ins, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}
