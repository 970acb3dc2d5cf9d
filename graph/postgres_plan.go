package graph

import (
	"context"
	"errors"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// sqlPlanner plans shapes for Cayley's SQL store. Its optimizer turns a hop
// into one query only when each direction it fixes is one untagged node,
// and has no way to ask for a list of nodes: a hop from several nodes
// (g.V(a, b).In(p)), or from a tagged start, stays a join of Cayley's
// generic iterators, and a list of nodes joined with a query (Has) is
// checked a query per node. The planner makes such a join, and a hop from
// many nodes, one query, the nodes given as one `= ANY` of their hashes
// (costQueries, scanHop); a hop from a few nodes, one query per node
// (splitHop).
//
// It is a QuadStore only so that Cayley's shape.Optimize can use it;
// iterators are built on the SQL store itself (Session.SetPlanner), whose
// query shapes work on no other type.
type sqlPlanner struct{ *csql.QuadStore }

// maxSplit bounds the single-value walks one hop is split into.
const maxSplit = 20000

// Planner returns the store to plan Gizmo's iterator trees with, where that
// is not the store they run on: nil except on PostgreSQL.
func (s *Store) Planner() cgraph.QuadStore {
	if sq, ok := s.qs.(*csql.QuadStore); ok && s.cfg.Backend == Postgres {
		return sqlPlanner{sq}
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
	switch s := sh.(type) {
	case shape.Intersect:
		if costed, changed := costQueries(s); changed {
			return costed, true
		}
	case shape.Filter:
		return namedFilter{s}, true
	}
	return sh, ok
}

// queryContainsCost is what checking one value against a SQL query costs,
// in rows read from a query: a query of its own, a round trip (about a
// quarter of a millisecond on loopback), where a row streams in about a
// microsecond.
const queryContainsCost = 250

// costQueries makes an intersection of queries and fixed sets of nodes
// read each query once, asking it for the sets' nodes only (restrict).
// Cayley's SQL iterators report checking a value against a query as
// costing 10 rows, so its join drove from the fixed set and checked each
// node with a query of its own: Has(rdf:type, <Article>) on the 2,272
// sources of timeline USCIS was 2,272 queries, 1.1 s; reading the 21,244
// articles once and checking them in memory, 0.27 s; asking for the
// sources among them, 5 ms. Only such intersections, and only sets without
// repeats: which side drives Cayley's join decides how many times a node
// given twice, or reached by several paths of another member, is answered,
// and memory and Bolt answer as the fixed side driving.
func costQueries(in shape.Intersect) (shape.Intersect, bool) {
	out, changed := slices.Clone(in), false
	var sets []shape.Fixed
	for i, m := range out {
		switch m := m.(type) {
		case csql.Select:
			out[i], changed = queryCost{Select: m}, true
		case shape.Fixed:
			if len(distinctRefs(m)) != len(m) {
				return in, false
			}
			sets = append(sets, m)
		default:
			return in, false
		}
	}
	for i, m := range out {
		if q, ok := m.(queryCost); ok {
			for _, set := range sets {
				q, _ = q.restrict(nodeColumn, set)
			}
			out[i] = q
		}
	}
	return out, changed
}

// nodeColumn is the alias Cayley's SQL shapes give the column of a query
// of nodes; a query of quads names its columns by direction (dirColumn).
const nodeColumn = "__node"

// dirColumn is the alias of a query of quads' column for dir.
func dirColumn(dir quad.Direction) string { return "__" + dir.String() }

// restrict limits q's column with the given alias to refs, by one
// `= ANY($n::bytea[])` of their hashes, which PostgreSQL answers from an
// index: Cayley's SQL shapes have no IN. False, and q as it was, when a
// ref is not a node hash, q has no such column, or q is a page of rows
// (Limit, Skip): the first row among refs is not the first row.
func (q queryCost) restrict(alias string, refs []cgraph.Ref) (queryCost, bool) {
	sel := q.Select
	if sel.Limit > 0 || sel.Offset > 0 {
		return q, false
	}
	// A column names its table unless the query reads one table; a raw
	// field is an expression, not a column.
	col := slices.IndexFunc(sel.Fields, func(f csql.Field) bool {
		return f.Alias == alias && !f.Raw && (f.Table != "" || len(sel.From) == 1)
	})
	if col < 0 {
		return q, false
	}
	hashes := make(hashArray, len(refs))
	for i, r := range refs {
		h, ok := r.(csql.NodeHash)
		if !ok || !h.Valid() {
			return q, false
		}
		hashes[i] = h.ValueHash[:]
	}
	out := queryCost{Select: sel.Clone(), listed: len(refs)}
	if q.listed > 0 {
		out.listed = min(q.listed, len(refs))
	}
	out.Where = append(out.Where, csql.Where{Table: sel.Fields[col].Table, Field: sel.Fields[col].Name, Op: csql.OpEqual, Value: anyOf{}})
	out.Params = append(out.Params, hashes)
	return out, true
}

// anyOf is the right side of `column = ANY($n::bytea[])`. Cayley's SQL
// shapes accept only their own expressions (Expr has an unexported
// method); embedding its Placeholder brings that method along.
type anyOf struct{ csql.Placeholder }

func (anyOf) SQL(b *csql.Builder) string { return "ANY(" + b.Placeholder() + "::bytea[])" }

// hashArray is nodes' hashes as one parameter.
type hashArray pq.ByteaArray

func (h hashArray) SQLValue() any { return pq.ByteaArray(h) }

// queryCost is a query whose iterator reports checking a value as the
// round trip it is (queryContainsCost). A query restricted to lists of
// nodes reports its size as the shortest list's length, an estimate,
// where Cayley's SQL iterator counts its rows with a query: with a list
// of thousands, a count costs about what the query does, and Cayley's
// joins ask for it several times (timeline of every article on the 1M
// graph: five counts of 45–65 ms each).
type queryCost struct {
	csql.Select
	listed int // the shortest list's length; 0 when not restricted
}

func (q queryCost) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	return cgraph.AsLegacy(roundTrips{cgraph.AsShape(q.Select.BuildIterator(qs)), q.listed})
}

func (q queryCost) Optimize(shape.Optimizer) (shape.Shape, bool) { return q, false }

type roundTrips struct {
	cgraph.IteratorShape
	listed int
}

func (r roundTrips) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	if r.listed > 0 {
		return cgraph.IteratorCosts{NextCost: 1, ContainsCost: queryContainsCost, Size: cgraph.Size{Size: int64(r.listed)}}, nil
	}
	st, err := r.IteratorShape.Stats(ctx)
	st.ContainsCost = max(st.ContainsCost, queryContainsCost)
	return st, err
}

func (r roundTrips) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	it, ok := r.IteratorShape.Optimize(ctx)
	return roundTrips{it, r.listed}, ok
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

// splitHop plans a hop whose quads the SQL optimizer left as filters (no
// query). From many nodes it is one query (scanHop). From a few, when
// every direction but one is one node, it is the union of one hop per node
// of that direction (a node given twice is walked twice, as Cayley's
// iterators walk it), each part, its tags taken out, one query: so a few
// nodes are answered in the order given, as memory and Bolt answer them. A
// hop from a few nodes in two directions (a set of nodes and a set of
// predicates, say) is left to Cayley's iterators, which read each node's
// quads with a query and check the predicates in memory; split it would
// take a query for each pair.
func (p sqlPlanner) splitHop(nf shape.NodesFrom) (shape.Shape, bool) {
	q, ok := nf.Quads.(shape.Quads)
	if !ok {
		return nf, false
	}
	for i, f := range q {
		refs, tags := fixedOrTagged(f.Values)
		if len(refs) >= minScan {
			if scan, ok := p.scanHop(nf); ok {
				return scan, true
			}
		}
		if len(refs) == 0 || len(refs) == 1 && len(tags) == 0 || !othersOneNode(q, i) || len(refs) > maxSplit {
			continue
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
		switch len(hops) {
		case 0:
			return nil, true
		case 1:
			return hops[0], true
		}
		return everyPath(hops), true
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

// minScan is the fewest nodes a hop is read from by one query (scanHop)
// rather than a query per node: from fewer, the order the nodes are given
// in is the order of the answer, as on memory and Bolt.
const minScan = 16

// scanHop plans a hop whose every direction is a fixed set of nodes,
// tagged or not, and some direction several nodes or tagged, as one query
// of its quads: a direction of one untagged node an equality, any other an
// `= ANY` of its nodes' hashes (restrict). Cayley's SQL optimizer makes a
// hop one query only when each direction is one untagged node, and leaves
// the rest to its generic iterators, which ask the server for each node's
// quads and then for each quad to check the others: timeline's walk from
// 21,244 articles to their assertions on the generated 1M-quad graph took
// 26 s that way. The quads of a tagged direction are checked against its
// set in memory, which tags them. Each quad is read once, so a node given
// twice is answered once per quad, as memory answers a hop from that many
// nodes, which it too reads from the quads' side (from a handful, it walks
// each node as given, and Bolt answers once: how often a repeated start is
// answered follows the plan, on every backend). False when a direction is
// not a fixed set, or a node is not one of the store's hashes.
func (p sqlPlanner) scanHop(nf shape.NodesFrom) (shape.Shape, bool) {
	q, ok := nf.Quads.(shape.Quads)
	if !ok {
		return nf, false
	}
	scan, ok := p.scan(q)
	if !ok {
		return nf, false
	}
	return shape.NodesFrom{Dir: nf.Dir, Quads: scan}, true
}

// scan plans quads whose every direction is a fixed set of nodes, tagged
// or not, and some direction several nodes or tagged, as one query (see
// scanHop). False when it cannot.
func (p sqlPlanner) scan(q shape.Quads) (scanQuads, bool) {
	var exact, sets, check shape.Quads
	for _, f := range q {
		refs, tags := fixedOrTagged(f.Values)
		switch {
		case len(refs) == 0:
			return scanQuads{}, false
		case len(refs) == 1 && len(tags) == 0:
			exact = append(exact, f)
		default:
			sets = append(sets, f)
			if len(tags) > 0 {
				check = append(check, shape.QuadFilter{Dir: f.Dir, Values: shape.Save{From: nodeSet(refs), Tags: tags}})
			}
		}
	}
	if len(sets) == 0 {
		return scanQuads{}, false
	}
	query, _ := exact.Optimize(p)
	sel, ok := query.(csql.Select)
	if !ok {
		return scanQuads{}, false
	}
	scan := scanQuads{query: queryCost{Select: sel}, check: check}
	for _, f := range sets {
		refs, _ := fixedOrTagged(f.Values)
		if scan.query, ok = scan.query.restrict(dirColumn(f.Dir), refs); !ok {
			return scanQuads{}, false
		}
	}
	return scan, true
}

// scanQuads is the quads of query that check allows: query is read, and
// each of its quads checked against check (if any), never the other way
// round.
type scanQuads struct {
	query queryCost
	check shape.Quads
}

func (s scanQuads) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	query := s.query.BuildIterator(qs)
	if len(s.check) == 0 {
		return query
	}
	check := checkOnly{cgraph.AsShape(s.check.BuildIterator(qs))}
	return iterator.NewAnd(query, cgraph.AsLegacy(check))
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

// everyPath is a union whose check of a value answers a path through each
// member that has the value, one after another. Cayley's Or answers the
// first member's paths only (its own TODO says it should list the others),
// which is enough for members with nothing in common, as a union of one
// predicate's quads each. The members of a split hop (splitHop) share
// nodes: an intersection that checked one lost the rows of every other
// start that reaches the node, 10 of the 70 memory and Bolt answer for
// g.V(ten assertions).Tag("a").Out(status).And(g.V(ten more).Tag("b").Out(status)).
type everyPath shape.Union

func (u everyPath) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	subs := make([]cgraph.IteratorShape, len(u))
	for i, s := range u {
		subs[i] = cgraph.AsShape(s.BuildIterator(qs))
	}
	return cgraph.AsLegacy(&everyPathIt{subs})
}

func (u everyPath) Optimize(shape.Optimizer) (shape.Shape, bool) { return u, false }

// everyPathIt reads as Cayley's Or does, and checks with everyPathIndex.
type everyPathIt struct{ subs []cgraph.IteratorShape }

func (it *everyPathIt) or() cgraph.IteratorShape {
	subs := make([]cgraph.Iterator, len(it.subs))
	for i, s := range it.subs {
		subs[i] = cgraph.AsLegacy(s)
	}
	return iterator.NewOr(subs...).AsShape()
}

func (it *everyPathIt) Iterate() cgraph.Scanner { return it.or().Iterate() }

// Lookup reads the union once and checks values against what it read, as
// Cayley's Materialize does, up to its limit (1,000 paths); past that it
// checks each member (everyPathIndex). A member's check is Cayley's check
// of a hop: a query for each quad of the value (every assertion with that
// status, say), and checking the ten members of a split hop that way took
// 16 s where reading them took ten queries.
func (it *everyPathIt) Lookup() cgraph.Index {
	return iterator.NewMaterialize(cgraph.AsLegacy(eachMember{it})).AsShape().Lookup()
}

func (it *everyPathIt) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	return it.or().Stats(ctx)
}

func (it *everyPathIt) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	subs, changed := make([]cgraph.IteratorShape, len(it.subs)), false
	for i, s := range it.subs {
		var ok bool
		subs[i], ok = s.Optimize(ctx)
		changed = changed || ok
	}
	return &everyPathIt{subs}, changed
}

func (it *everyPathIt) SubIterators() []cgraph.IteratorShape { return it.subs }
func (it *everyPathIt) String() string                       { return "EveryPathOr" }

// eachMember is the union checked member by member.
type eachMember struct{ *everyPathIt }

func (m eachMember) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	it, ok := m.everyPathIt.Optimize(ctx)
	return eachMember{it.(*everyPathIt)}, ok
}

func (m eachMember) Lookup() cgraph.Index {
	x := &everyPathIndex{subs: make([]cgraph.Index, len(m.subs))}
	for i, s := range m.subs {
		x.subs[i] = s.Lookup()
	}
	return x
}

type everyPathIndex struct {
	subs   []cgraph.Index
	has    []int // the members that have result
	cur    int   // the one whose path is current, in has
	result cgraph.Ref
	err    error
}

func (x *everyPathIndex) Contains(ctx context.Context, v cgraph.Ref) bool {
	x.has, x.cur, x.result = x.has[:0], 0, nil
	for i, s := range x.subs {
		if s.Contains(ctx, v) {
			x.has = append(x.has, i)
		} else if x.err = s.Err(); x.err != nil {
			return false
		}
	}
	if len(x.has) == 0 {
		return false
	}
	x.result = v
	return true
}

// NextPath moves to the current member's next path, or else to the next
// member that has the value; a member that said it has no more is not
// asked again (Cayley's SQL iterators read past their result if asked).
func (x *everyPathIndex) NextPath(ctx context.Context) bool {
	if x.cur >= len(x.has) {
		return false
	}
	s := x.subs[x.has[x.cur]]
	if s.NextPath(ctx) {
		return true
	}
	if x.err = s.Err(); x.err != nil {
		x.cur = len(x.has)
		return false
	}
	x.cur++
	return x.cur < len(x.has)
}

func (x *everyPathIndex) TagResults(dst map[string]cgraph.Ref) {
	if x.cur < len(x.has) {
		x.subs[x.has[x.cur]].TagResults(dst)
	}
}

func (x *everyPathIndex) Result() cgraph.Ref { return x.result }
func (x *everyPathIndex) Err() error         { return x.err }
func (x *everyPathIndex) String() string     { return "EveryPathOrContains" }

func (x *everyPathIndex) Close() error {
	var err error
	for _, s := range x.subs {
		err = errors.Join(err, s.Close())
	}
	return err
}
