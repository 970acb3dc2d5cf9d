package graph

import (
	"context"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
	csql "github.com/cayleygraph/cayley/graph/sql"
)

// maxSplit bounds the single-value walks one hop is split into.
const maxSplit = 20000

// sqlPlanner plans shapes for Cayley's SQL store. Its optimizer turns a hop
// into one query only when each direction it fixes is one node: a hop from
// several nodes (g.V(a, b).In(p)), or from a tagged start (g.V(a).Tag("t")
// .In(p), any number of nodes), stays a join of Cayley's generic iterators,
// which on SQL asks the server once for each node's quads and once more for
// each quad, to check the predicate: timeline's walk from 21,244 articles
// to their assertions on the generated 1M-quad graph took 26 s (5–7 s
// split). The planner splits such a hop, when it has several nodes in one
// direction only, into one hop per node, each one query, and tags each
// hop's results with its node where the start was tagged; or, from many
// nodes, reads the quads the hop's other directions allow with one query
// and checks them against the nodes (scanHop). It also has a join of a
// node list and a query read the query once (costQueries).
//
// It is a QuadStore only so that Cayley's shape.Optimize can use it;
// iterators are built on the SQL store itself (Session.SetPlanner), whose
// query shapes work on no other type.
type sqlPlanner struct {
	*csql.QuadStore
	ctx context.Context // the query's: it bounds the counts planning asks for
}

// Planner returns the store to plan Gizmo's iterator trees with, where that
// is not the store they run on: nil except on PostgreSQL. ctx is the
// query's: Cayley's planning takes no context, and the counts this
// planner asks of the database (scanHop) should end with the query.
func (s *Store) Planner(ctx context.Context) cgraph.QuadStore {
	if sq, ok := s.qs.(*csql.QuadStore); ok && s.cfg.Backend == Postgres {
		return sqlPlanner{sq, ctx}
	}
	return nil
}

func (p sqlPlanner) OptimizeShape(sh shape.Shape) (shape.Shape, bool) {
	if nf, ok := sh.(shape.NodesFrom); ok {
		if split, ok := p.splitHop(nf); ok {
			return split, true
		}
	}
	sh, ok := p.QuadStore.OptimizeShape(sh)
	if in, isIntersect := sh.(shape.Intersect); isIntersect {
		if costed, changed := costQueries(in); changed {
			return costed, true
		}
	}
	return sh, ok
}

// queryContainsCost is what checking one value against a SQL query costs,
// in rows read from a query: a query of its own, a round trip (about a
// quarter of a millisecond on loopback), where a row streams in about a
// microsecond.
const queryContainsCost = 250

// costQueries marks the queries of an intersection of queries and fixed
// sets of nodes, which Cayley's SQL iterators report as costing 10 rows to
// check a value against. Cayley then drives the join from the fixed set
// and checks each node against the query: Has(rdf:type, <Article>) on the
// 2,272 sources of timeline USCIS was 2,272 queries, 1.1 s, where reading
// the 21,244 articles once and checking them in memory is one query
// (0.27 s). Only such intersections, and only sets without repeats: which
// side drives Cayley's join decides how many times a node given twice, or
// reached by several paths of another member, is answered, and memory and
// Bolt answer as the fixed side driving.
func costQueries(in shape.Intersect) (shape.Intersect, bool) {
	out, changed := slices.Clone(in), false
	for i, m := range out {
		switch m := m.(type) {
		case csql.Select:
			out[i], changed = queryCost{m}, true
		case shape.Fixed:
			if len(distinctRefs(m)) != len(m) {
				return in, false
			}
		default:
			return in, false
		}
	}
	return out, changed
}

// queryCost is a query whose iterator reports checking a value as the
// round trip it is (queryContainsCost).
type queryCost struct{ csql.Select }

func (q queryCost) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	return cgraph.AsLegacy(roundTrips{cgraph.AsShape(q.Select.BuildIterator(qs))})
}

func (q queryCost) Optimize(shape.Optimizer) (shape.Shape, bool) { return q, false }

type roundTrips struct{ cgraph.IteratorShape }

func (r roundTrips) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	st, err := r.IteratorShape.Stats(ctx)
	st.ContainsCost = max(st.ContainsCost, queryContainsCost)
	return st, err
}

func (r roundTrips) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	it, ok := r.IteratorShape.Optimize(ctx)
	return roundTrips{it}, ok
}

func (r roundTrips) Iterate() cgraph.Scanner {
	return &onePathEnd{Scanner: r.IteratorShape.Iterate()}
}

// onePathEnd passes NextPath on until it first says there are no more
// paths, and then says so itself until Next. Cayley's SQL scanner, asked
// again, reads on and dereferences the result it cleared (a panic), which
// a join driven from it does, as costQueries now makes happen.
type onePathEnd struct {
	cgraph.Scanner
	ended bool
}

func (s *onePathEnd) Next(ctx context.Context) bool {
	s.ended = false
	return s.Scanner.Next(ctx)
}

func (s *onePathEnd) NextPath(ctx context.Context) bool {
	if s.ended {
		return false
	}
	s.ended = !s.Scanner.NextPath(ctx)
	return !s.ended
}

// splitHop splits a hop whose quads the SQL optimizer left as filters (no
// query), and whose every direction but one is one node, into the union of
// one hop per node of that direction (a node given twice is walked twice,
// as Cayley's iterators walk it): each part, its tags taken out, is then
// one query. A hop with several nodes in two directions (a set of nodes
// and a set of predicates, say) is left to Cayley's iterators, which read
// each node's quads with a query and check the predicates in memory; split
// it would take a query for each pair.
func (p sqlPlanner) splitHop(nf shape.NodesFrom) (shape.Shape, bool) {
	q, ok := nf.Quads.(shape.Quads)
	if !ok {
		return nf, false
	}
	for i, f := range q {
		refs, tags := fixedOrTagged(f.Values)
		if len(refs) == 0 || len(refs) == 1 && len(tags) == 0 || !othersOneNode(q, i) {
			continue
		}
		if scan, ok := p.scanHop(nf, q, i, refs, tags); ok {
			return scan, true
		}
		if len(refs) > maxSplit {
			return nf, false
		}
		hops := make(shape.Union, 0, len(refs))
		for _, r := range refs {
			one := slices.Clone(q)
			one[i].Values = shape.Fixed{r}
			hop := p.hop(shape.NodesFrom{Dir: nf.Dir, Quads: one})
			if hop == nil {
				continue // no such quads
			}
			if len(tags) > 0 {
				ft := shape.FixedTags{On: hop, Tags: make(map[string]cgraph.Ref, len(tags))}
				for _, t := range tags {
					ft.Tags[t] = r
				}
				hop = ft
			}
			hops = append(hops, hop)
		}
		if len(hops) == 0 {
			return nil, true
		}
		return oneOf(hops), true
	}
	return nf, false
}

// hop plans one part of a split hop: split again at the next direction
// with tagged nodes, else the quads as one query (a Select, when every
// direction is one node; else Cayley's iterators) and the nodes read from
// each quad. That is not the query Cayley's optimizer would make of the
// whole hop, which answers a node reached by several quads once; Cayley's
// iterators, and so memory and Bolt, answer it once per quad. Nil for a
// hop with no quads.
func (p sqlPlanner) hop(nf shape.NodesFrom) shape.Shape {
	if split, ok := p.splitHop(nf); ok {
		return split
	}
	quads, _ := nf.Quads.Optimize(p)
	if quads == nil || shape.IsNull(quads) {
		return nil
	}
	return shape.NodesFrom{Dir: nf.Dir, Quads: quads}
}

// scanRowsPerQuery is how many rows a scan reads and checks in the time
// of one query of a split hop (about 5 µs against 0.6 ms here: more than a
// row streaming alone, queryContainsCost's unit): a hop from n nodes split
// is n queries, read as one query of every quad the hop's other directions
// allow it is that many rows.
const scanRowsPerQuery = 125

// minScan is the fewest nodes a hop is read by a scan for: below it the
// count a scan is decided on would cost as much as the queries it saves.
const minScan = 16

// scanHop reads a hop from many nodes (refs, in q's i-th direction, tagged
// with tags if any), whose other directions are each one untagged node, as
// one query of the quads those directions allow, each quad checked against
// refs in memory, when that query's rows cost less than a query per node.
// The hop's predicates are where the two part: the 2,272 sources of
// timeline USCIS each have one datePublished of the graph's 21,244. A
// node given twice is answered once per quad, as memory answers a hop from
// that many nodes, which it too reads from the predicate's side (from a
// handful, it walks each node as given, and Bolt answers once: how often
// a repeated start is answered follows the plan, on every backend).
func (p sqlPlanner) scanHop(nf shape.NodesFrom, q shape.Quads, i int, refs []cgraph.Ref, tags []string) (shape.Shape, bool) {
	if len(refs) < minScan {
		return nil, false
	}
	others := make(shape.Quads, 0, len(q)-1)
	for j, f := range q {
		if j == i {
			continue
		}
		if _, fixed := f.Values.(shape.Fixed); !fixed {
			return nil, false
		}
		others = append(others, f)
	}
	query, _ := others.Optimize(p)
	sel, ok := query.(csql.Select)
	if !ok {
		return nil, false
	}
	// One indexed COUNT(*), as Cayley's own join asks of a query before
	// reading it; under the query's deadline.
	st, err := cgraph.AsShape(sel.BuildIterator(p.QuadStore)).Stats(p.ctx)
	if err != nil || st.Size.Size >= int64(len(refs))*scanRowsPerQuery {
		return nil, false
	}
	var set shape.Shape = nodeSet(refs)
	if len(tags) > 0 {
		set = shape.Save{From: set, Tags: tags}
	}
	return shape.NodesFrom{Dir: nf.Dir, Quads: scanQuads{query: sel, check: shape.Quads{{Dir: q[i].Dir, Values: set}}}}, true
}

// scanQuads is the quads of query that check allows: query is read, and
// each of its quads checked against check, never the other way round.
type scanQuads struct {
	query csql.Select
	check shape.Quads
}

func (s scanQuads) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	check := checkOnly{cgraph.AsShape(s.check.BuildIterator(qs))}
	return iterator.NewAnd(queryCost{s.query}.BuildIterator(qs), cgraph.AsLegacy(check))
}

func (s scanQuads) Optimize(shape.Optimizer) (shape.Shape, bool) { return s, false }

// checkOnly is an iterator Cayley's join only checks values against:
// its costs say that reading it would take forever.
type checkOnly struct{ cgraph.IteratorShape }

func (c checkOnly) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	st, err := c.IteratorShape.Stats(ctx)
	st.Size, st.NextCost = cgraph.Size{Size: 1 << 30}, 1<<20
	return st, err
}

func (c checkOnly) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	it, ok := c.IteratorShape.Optimize(ctx)
	return checkOnly{it}, ok
}

// othersOneNode reports whether every filter of q but the i-th is one
// node, tagged or not.
func othersOneNode(q shape.Quads, i int) bool {
	for j, f := range q {
		if refs, _ := fixedOrTagged(f.Values); j != i && len(refs) != 1 {
			return false
		}
	}
	return true
}

// fixedOrTagged returns the nodes of a fixed set, and the tags when the set
// is tagged (Save over a Fixed).
func fixedOrTagged(v shape.Shape) ([]cgraph.Ref, []string) {
	switch v := v.(type) {
	case shape.Fixed:
		return v, nil
	case shape.Save:
		if f, ok := v.From.(shape.Fixed); ok {
			return f, v.Tags
		}
	}
	return nil, nil
}
