package graph

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
	hkv "github.com/hidal-go/hidalgo/kv"
)

// sizedStore gives Cayley's query planner the true size of each index scan
// on a Bolt store. Cayley's kv store guesses the size of any scan over part
// of an index key (a node's quads as subject, say) at half the store; a
// predicate or label constraint has no index at all and is a scan of every
// quad, which the planner then thinks no bigger. With the guesses alike it
// often drives a join from the scan: a two-hop walk that touches a few
// quads reads all of them, seconds on a million-quad store. Counting a scan
// costs a read of its index entries (lists of quad IDs, no quads), and lets
// the planner start from the small side. A query asks for the same scan many
// times, so each count is kept for the life of the sizedStore: one query
// (Store.QuadStore hands each caller a new one).
//
// It also plans scans of several fixed directions (see OptimizeShape).
//
// Scans, quads and values are read by the Store's boltReader rather than
// the kv store (boltread.go).
type sizedStore struct {
	*kv.QuadStore
	bolt    *boltReader
	fill    bool           // keep what is read in bolt's caches
	indexes []kv.QuadIndex // the store's, from indexes()
	sizes   sync.Map       // scanKey → int64
	named   namedIRIs
}

// namedIRIs are the IRIs a one-query store's sizedStore has named, by
// their IDs. A script hands back what it read (g.V.apply(g, ids) after
// ToArray: every saved query that reads its nodes' properties), and
// looking each up by value is a hash and a bucket search in the file, a
// tenth of a cold sources. A store kept for many queries has the Bolt
// reader's shared cache of IDs filled by the same reads, so it keeps none
// here; a one-query store fills no shared cache (an otter insert costs
// more than a command gains), and a map for its query costs next to
// nothing. A pass that fills no cache (an export) keeps none either. An ID
// names its value until a write (see boltReader.writing), so the map
// holds one generation.
type namedIRIs struct {
	mu  sync.Mutex
	gen uint64
	ids map[quad.IRI]uint64
}

// maxNamedIRIs bounds namedIRIs: past it, the map starts again.
const maxNamedIRIs = 1 << 18

func (n *namedIRIs) get(gen uint64, v quad.IRI) (uint64, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.gen != gen {
		return 0, false
	}
	id, ok := n.ids[v]
	return id, ok
}

func (n *namedIRIs) put(gen uint64, ids []uint64, vals []quad.Value) {
	if gen&1 == 1 {
		return // a write is under way
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.gen != gen || len(n.ids)+len(ids) > maxNamedIRIs {
		n.gen, n.ids = gen, nil
	}
	for i, v := range vals {
		if iri, ok := v.(quad.IRI); ok && ids[i] != 0 {
			if n.ids == nil {
				n.ids = make(map[quad.IRI]uint64)
			}
			n.ids[iri] = ids[i]
		}
	}
}

// scanKey names a scan: an index and the leading values of its key.
type scanKey struct {
	dirs string // the index's directions, as their one-letter prefixes
	vals [4]uint64
	n    int // how many of vals are set
}

func newScanKey(ind kv.QuadIndex, vals []uint64) scanKey {
	k := scanKey{n: len(vals)}
	for _, d := range ind.Dirs {
		k.dirs += string(d.Prefix())
	}
	copy(k.vals[:], vals)
	return k
}

// indexes reads the list of indexes a Bolt store in Cayley's kv layout
// keeps, where Cayley reads it: the subject-predicate and
// object-predicate-subject ones since Cayley 0.7.6, one per direction
// before.
func indexes(db hkv.KV) ([]kv.QuadIndex, error) {
	legacy := []kv.QuadIndex{{Dirs: []quad.Direction{quad.Subject}}, {Dirs: []quad.Direction{quad.Object}}}
	var list []kv.QuadIndex
	err := hkv.View(db, func(tx hkv.Tx) error {
		b, err := tx.Get(context.Background(), hkv.Key{[]byte("meta"), []byte("indexes")})
		if errors.Is(err, hkv.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return json.Unmarshal(b, &list)
	})
	if err != nil {
		return nil, fmt.Errorf("read the store's index list: %w", err)
	}
	if len(list) == 0 {
		return legacy, nil
	}
	return list, nil
}

// boltIndexes are the indexes a new Bolt store keeps: Cayley's two and a
// predicate-subject-object one. Cayley's kv layout lists a store's indexes
// in its meta bucket and keeps every one listed on each write, so Cayley's
// own tools read and write these stores as they do their own.
//
// The third index serves a hop whose predicate has fewer quads than the
// hop has nodes to start from: conflicts asks each of 74,781 assertions
// on a million quads for conflictsWith, which 48 quads carry. With it
// Cayley's planner walks those 48 and checks their subjects; without it,
// there being no way to find a predicate's quads but to read them all, it
// sought each assertion's entry in the subject index (60 ms cold against
// 5). It makes the file a quarter larger and the load no slower.
var boltIndexes = append(slices.Clone(kv.DefaultQuadIndexes),
	kv.QuadIndex{Dirs: []quad.Direction{quad.Predicate, quad.Subject, quad.Object}})

// initBolt makes db a new Cayley kv store that keeps boltIndexes; a store
// already there gets ErrDatabaseExists and is left as it is.
func initBolt(db hkv.KV) error {
	if err := kv.Init(db, nil); err != nil {
		return err
	}
	list, err := json.Marshal(boltIndexes)
	if err != nil {
		return err
	}
	return hkv.Update(context.Background(), db, func(tx hkv.Tx) error {
		return tx.Put(hkv.Key{[]byte("meta"), []byte("indexes")}, list)
	})
}

// bestIndex is the one of indexes whose key starts with the most of the
// directions fixed says are fixed, and how many.
func bestIndex(indexes []kv.QuadIndex, fixed func(quad.Direction) bool) (kv.QuadIndex, int) {
	var best kv.QuadIndex
	most := 0
	for _, ind := range indexes {
		n := 0
		for n < len(ind.Dirs) && fixed(ind.Dirs[n]) {
			n++
		}
		if n > most {
			best, most = ind, n
		}
	}
	return best, most
}

func (s *sizedStore) QuadIterator(d quad.Direction, v cgraph.Ref) cgraph.Iterator {
	id, ok := v.(kv.Int64Value)
	if !ok {
		return s.QuadStore.QuadIterator(d, v)
	}
	ind, n := bestIndex(s.indexes, func(x quad.Direction) bool { return x == d })
	if n > 0 {
		return s.scan(ind, []uint64{uint64(id)})
	}
	// With no index for d (a predicate or a label) the kv store scans every
	// quad; the size is then the store's, read once. The scan walks the log
	// in order (logScan).
	all := logQuads(s.QuadStore.QuadIterator(d, v), s.bolt, d, uint64(id))
	return &sizedIterator{Iterator: cgraph.NewLegacy(all, nil), qs: s}
}

// NodesAllIterator walks the log in order (logScan).
func (s *sizedStore) NodesAllIterator() cgraph.Iterator {
	return cgraph.NewLegacy(logNodes(s.QuadStore.NodesAllIterator(), s.bolt), nil)
}

// scan is the quads under vals in ind, read by the Bolt reader.
func (s *sizedStore) scan(ind kv.QuadIndex, vals []uint64) cgraph.Iterator {
	return (&scan{qs: s, ind: ind, vals: vals}).legacy()
}

// ValueOf, Quad, NameOf and ValuesOf read through the Bolt reader's caches.
func (s *sizedStore) ValueOf(v quad.Value) cgraph.Ref {
	if v == nil {
		return nil
	}
	if iri, ok := v.(quad.IRI); ok {
		if id, ok := s.named.get(s.bolt.gen.Load(), iri); ok {
			return kv.Int64Value(id)
		}
	}
	id := s.bolt.ref(v, s.fill, func(v quad.Value) uint64 {
		ref, _ := s.QuadStore.ValueOf(v).(kv.Int64Value)
		return uint64(ref)
	})
	if id == 0 {
		return nil
	}
	return kv.Int64Value(id)
}

func (s *sizedStore) Quad(r cgraph.Ref) quad.Quad {
	p, ok := r.(*proto.Primitive)
	if !ok {
		return quad.Quad{}
	}
	v, err := s.bolt.values([]uint64{p.Subject, p.Predicate, p.Object, p.Label}, s.fill)
	if err != nil {
		return quad.Quad{}
	}
	return quad.Quad{Subject: v[0], Predicate: v[1], Object: v[2], Label: v[3]}
}

func (s *sizedStore) NameOf(r cgraph.Ref) quad.Value {
	v, _ := s.ValuesOf(context.Background(), []cgraph.Ref{r})
	return v[0]
}

func (s *sizedStore) ValuesOf(ctx context.Context, refs []cgraph.Ref) ([]quad.Value, error) {
	ids := make([]uint64, len(refs))
	for i, r := range refs {
		switch r := r.(type) {
		case nil:
		case kv.Int64Value:
			ids[i] = uint64(r)
		default:
			// Values the query brought with it (cgraph.PreFetchedValue):
			// the kv store knows how to name those.
			return s.QuadStore.ValuesOf(ctx, refs)
		}
	}
	gen := s.bolt.gen.Load()
	vals, err := s.bolt.values(ids, s.fill)
	if err == nil && s.fill && !s.bolt.keep {
		s.named.put(gen, ids, vals)
	}
	return vals, err
}

// OptimizeShape turns a set of quads fixed in several directions (a
// subject and a predicate, say: an Out with a predicate) into one scan of
// the index whose key starts with the most of them, and checks the rest on
// each quad it reads. Cayley's kv store does the same only when an index
// covers every fixed direction: a label (LabelContext) or a subject,
// predicate and object together fall back to joining one scan per
// direction, which reads each node's every quad. Cayley finds its store's
// optimizer by type, so without this method the wrapper would also hide
// the kv store's own. A large fixed set becomes a nodeSet.
func (s *sizedStore) OptimizeShape(sh shape.Shape) (shape.Shape, bool) {
	switch sh := sh.(type) {
	case shape.QuadsAction:
		return s.optimizeFixed(sh)
	case shape.Quads:
		return s.optimizeLinks(sh)
	case shape.Unique:
		return s.optimizePredicates(sh)
	}
	return asNodeSet(sh)
}

func (s *sizedStore) optimizeFixed(qa shape.QuadsAction) (shape.Shape, bool) {
	sh := shape.Shape(qa)
	if len(qa.Filter) == 0 {
		return sh, false
	}
	ind, n := bestIndex(s.indexes, func(d quad.Direction) bool { _, ok := qa.Filter[d]; return ok })
	if n == 0 {
		return sh, false
	}
	scan := kv.IndexScan{Index: ind}
	for _, d := range ind.Dirs[:n] {
		id, ok := qa.Filter[d].(kv.Int64Value)
		if !ok {
			return sh, false
		}
		scan.Values = append(scan.Values, uint64(id))
	}
	var rest shape.Quads
	for d, v := range qa.Filter {
		if !slices.Contains(ind.Dirs[:n], d) {
			rest = append(rest, shape.QuadFilter{Dir: d, Values: shape.Fixed{v}})
		}
	}
	for d, tags := range qa.Save {
		rest = append(rest, shape.QuadFilter{Dir: d, Values: shape.Save{From: shape.AllNodes{}, Tags: tags}})
	}
	var quads shape.Shape = indexScan{IndexScan: scan, qs: s}
	if len(rest) > 0 {
		quads = shape.Intersect{quads, rest}
	}
	fixed := make(map[quad.Direction]uint64, len(qa.Filter))
	for d, v := range qa.Filter {
		if id, ok := v.(kv.Int64Value); ok {
			fixed[d] = uint64(id)
		}
	}
	fn := fixedNodes{dir: qa.Result, quads: quads, fixed: fixed, qs: s}
	if k, ok := s.keyNodesFor(fn, ind, scan.Values, qa); ok {
		return k, true
	}
	return fn, true
}

// optimizeLinks plans a hop with predicates from a set of nodes (In or
// Out after another step): quads whose object (or subject) is any of the
// nodes and whose predicate is one of preds. Cayley scans every quad of
// each node and checks the predicate on each; on a hub that is thousands
// of quads for a handful of answers. When an index's key starts with the
// nodes' direction and the predicate (object-predicate-subject for In,
// subject-predicate for Out) each node's scan is cut to each predicate's
// quads.
func (s *sizedStore) optimizeLinks(q shape.Quads) (shape.Shape, bool) {
	if t, ok := tagEachPredicate(q, s.planLinks); ok {
		return t, true
	}
	return s.planLinks(q)
}

func (s *sizedStore) planLinks(q shape.Quads) (shape.Shape, bool) {
	pi, ni := -1, -1
	var preds []kv.Int64Value
	for i, f := range q {
		if ids, ok := fixedIDs(f.Values); ok && f.Dir == quad.Predicate {
			pi, preds = i, ids
		}
	}
	if pi < 0 {
		return q, false
	}
	for i, f := range q {
		if _, indexed := s.linkIndex(f.Dir); i != pi && !allNodes(f.Values) && indexed {
			ni = i
			break
		}
	}
	if ni < 0 {
		return q, false
	}
	nodes := distinct(q[ni].Values)
	var links shape.Union
	for _, p := range preds {
		links = append(links, predicateLinks{qs: s, dir: q[ni].Dir, pred: p, nodes: nodes})
	}
	var rest shape.Quads
	for i, f := range q {
		if i != pi && i != ni {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return oneOf(links), true
	}
	return shape.Intersect{oneOf(links), rest}, true
}

// oneOf is the union of u, or its only member.
func oneOf(u shape.Union) shape.Shape {
	if len(u) == 1 {
		return u[0]
	}
	return u
}

// tagEachPredicate plans a hop whose predicates are tagged (Gizmo's
// Out(preds, "tag")) as one hop per predicate, each tagging its quads with
// its predicate, planned by plan. Cayley tags them with a Save under its
// predicate hop and sizes a hop over a Save at twenty quads a value,
// whatever the store holds: its planner then drives the join from the
// predicates, which on Bolt no index serves (a scan of every quad in the
// store for each predicate, seconds on a million quads) and on the
// memstore is every quad with the predicate.
func tagEachPredicate(q shape.Quads, plan func(shape.Quads) (shape.Shape, bool)) (shape.Shape, bool) {
	pi := slices.IndexFunc(q, func(f shape.QuadFilter) bool { return f.Dir == quad.Predicate })
	if pi < 0 {
		return q, false
	}
	sv, ok := q[pi].Values.(shape.Save)
	var preds []cgraph.Ref
	switch f := sv.From.(type) {
	case shape.Fixed:
		preds = f
	case nodeSet: // a list of 32 predicates or more
		preds = f
	}
	if !ok || len(preds) == 0 {
		return q, false
	}
	var hops shape.Union
	for _, p := range distinctRefs(preds) {
		one := slices.Clone(q)
		one[pi].Values = shape.Fixed{p}
		hop, _ := plan(one)
		tags := make(map[string]cgraph.Ref, len(sv.Tags))
		for _, t := range sv.Tags {
			tags[t] = p
		}
		hops = append(hops, shape.FixedTags{On: hop, Tags: tags})
	}
	return oneOf(hops), true
}

// fixedIDs are the store IDs of a fixed set of values, each once: an
// Out(["<a>", "<a>"]) walks <a> once, as Cayley's answer does.
func fixedIDs(v shape.Shape) ([]kv.Int64Value, bool) {
	refs, ok := v.(shape.Fixed)
	if !ok || len(refs) == 0 {
		return nil, false
	}
	refs = distinctRefs(refs)
	ids := make([]kv.Int64Value, len(refs))
	for i, r := range refs {
		id, ok := r.(kv.Int64Value)
		if !ok {
			return nil, false
		}
		ids[i] = id
	}
	return ids, true
}

// distinct is a fixed set of nodes with each node once. The links are
// walked from each node in turn, where Cayley checks each of the
// predicate's quads against the set: a node given twice (g.V(a, a)) would
// give its links twice, which Cayley's answer does not.
func distinct(v shape.Shape) shape.Shape {
	switch f := v.(type) {
	case shape.Fixed:
		return shape.Fixed(distinctRefs(f))
	case nodeSet:
		return nodeSet(distinctRefs(f))
	case shape.Save:
		f.From = distinct(f.From)
		return f
	}
	return v
}

// distinctRefs is refs without repeats, in order: refs itself when it has none.
func distinctRefs(refs []cgraph.Ref) []cgraph.Ref {
	seen := make(map[interface{}]bool, len(refs))
	out := make([]cgraph.Ref, 0, len(refs))
	for _, r := range refs {
		if k := cgraph.ToKey(r); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	if len(out) == len(refs) {
		return refs
	}
	return out
}

// allNodes reports whether v constrains nothing: every node, perhaps tagged.
func allNodes(v shape.Shape) bool {
	if sv, ok := v.(shape.Save); ok {
		v = sv.From
	}
	_, ok := v.(shape.AllNodes)
	return ok
}

// predicateLinks is the quads with predicate pred whose dir is one of nodes.
type predicateLinks struct {
	qs    *sizedStore
	dir   quad.Direction
	pred  kv.Int64Value
	nodes shape.Shape
}

// BuildIterator is Cayley's own LinksTo over the nodes, seeing the store
// through the predicate, joined with the predicate's quads: the join is
// what checks the predicate when the planner asks whether a quad belongs.
func (l predicateLinks) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	through := fixedIndexer{qs: l.qs, fixed: map[quad.Direction]uint64{quad.Predicate: uint64(l.pred)}}
	links := iterator.NewLinksTo(through, l.nodes.BuildIterator(qs), l.dir)
	hop := cgraph.NewLegacy(predicateHop{cgraph.AsShape(links)}, nil)
	return iterator.NewAnd(hop, l.qs.QuadIterator(quad.Predicate, l.pred))
}

func (l predicateLinks) Optimize(shape.Optimizer) (shape.Shape, bool) { return l, false }

// predicateHop is Cayley's LinksTo through one predicate, sized at a quad
// per node where Cayley guesses twenty: a node has few quads with any one
// predicate (an assertion one rdf:object). The join above it weighs this
// size against the predicate's quads, counted exactly in the
// predicate-subject-object index, to choose which side to walk. Against
// twenty a node it walked all 74,950 names of the movie data to find
// those of 198 films (3-hop served 0.9 -> 4.9 ms); at one, it walks the
// 48 conflictsWith quads rather than look at 74,781 assertions.
type predicateHop struct{ cgraph.IteratorShape }

func (h predicateHop) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	st, err := h.IteratorShape.Stats(ctx)
	if err != nil || st.Size.Exact { // counted node by node: a fixed set
		return st, err
	}
	nodes, err := h.SubIterators()[0].Stats(ctx)
	st.Size = cgraph.Size{Size: nodes.Size.Size}
	return st, err
}

// Optimize keeps the wrapper, unless the hop turned out empty.
func (h predicateHop) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	o, changed := h.IteratorShape.Optimize(ctx)
	if iterator.IsNull2(o) {
		return o, true
	}
	return predicateHop{o}, changed
}

// fixedIndexer is the store seen through some fixed values: a node's quads
// in a direction are only those that also hold the fixed values, read from
// the index whose key starts with the most of them. Cayley's LinksTo and
// HasA read all of a node's quads in their direction and check each
// against the rest of the query; on a hub, or on an assertion checked for
// one predicate among its ten, most of those reads are wasted. Whoever
// uses it still checks every quad it is given.
type fixedIndexer struct {
	qs    *sizedStore
	fixed map[quad.Direction]uint64
}

func (f fixedIndexer) Quad(r cgraph.Ref) quad.Quad { return f.qs.Quad(r) }

func (f fixedIndexer) QuadDirection(r cgraph.Ref, d quad.Direction) cgraph.Ref {
	return f.qs.QuadDirection(r, d)
}

func (f fixedIndexer) QuadIterator(d quad.Direction, v cgraph.Ref) cgraph.Iterator {
	id, ok := v.(kv.Int64Value)
	if _, isFixed := f.fixed[d]; !ok || isFixed {
		return f.qs.QuadIterator(d, v)
	}
	value := func(x quad.Direction) (uint64, bool) {
		if x == d {
			return uint64(id), true
		}
		n, ok := f.fixed[x]
		return n, ok
	}
	ind, n := bestIndex(f.qs.indexes, func(x quad.Direction) bool { _, ok := value(x); return ok })
	if n < 2 || !slices.Contains(ind.Dirs[:n], d) {
		// No index narrows d's quads by a fixed value.
		return f.qs.QuadIterator(d, v)
	}
	vals := make([]uint64, n)
	for i, x := range ind.Dirs[:n] {
		vals[i], _ = value(x)
	}
	return f.qs.scan(ind, vals)
}

func (f fixedIndexer) QuadIteratorSize(ctx context.Context, d quad.Direction, v cgraph.Ref) (cgraph.Size, error) {
	it := f.QuadIterator(d, v)
	defer it.Close()
	n, exact := it.Size()
	return cgraph.Size{Size: n, Exact: exact}, nil
}

// fixedNodes is the nodes in dir of quads that hold fixed values, as
// Cayley's HasA over the store seen through those values: asked whether a
// node belongs, it reads only the node's quads that hold them (see
// fixedIndexer).
type fixedNodes struct {
	dir   quad.Direction
	quads shape.Shape
	fixed map[quad.Direction]uint64
	qs    *sizedStore
}

func (s fixedNodes) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	return iterator.NewHasA(fixedIndexer{qs: s.qs, fixed: s.fixed}, s.quads.BuildIterator(qs), s.dir)
}

func (s fixedNodes) Optimize(r shape.Optimizer) (shape.Shape, bool) {
	var opt bool
	s.quads, opt = s.quads.Optimize(r)
	return s, opt
}

// indexScan is a kv index scan the Bolt reader reads.
type indexScan struct {
	kv.IndexScan
	qs *sizedStore
}

func (s indexScan) BuildIterator(cgraph.QuadStore) cgraph.Iterator {
	return s.qs.scan(s.Index, s.Values)
}

func (s indexScan) Optimize(shape.Optimizer) (shape.Shape, bool) { return s, false }

// maxCount bounds the counting: past it the scan is large whichever way the
// planner looks at it, and a larger figure changes no plan.
const maxCount = 1 << 20

// count returns how many quads the scan of ind from vals reads, up to
// maxCount. The index's entries are varint lists of quad IDs: counting
// them reads no quad. A failed count is reported as large, so that the
// planner falls back to its own caution.
func (s *sizedStore) count(ind kv.QuadIndex, vals []uint64) int64 {
	k := newScanKey(ind, vals)
	if n, ok := s.sizes.Load(k); ok {
		return n.(int64)
	}
	if len(ind.Dirs) == 0 {
		n := s.QuadStore.Size()
		s.sizes.Store(k, n)
		return n
	}
	gen := s.bolt.gen.Load()
	if n, ok := s.bolt.counts.GetIfPresent(countKey{gen, k}); ok {
		s.sizes.Store(k, n)
		return n
	}
	bucket, prefix := indexKey(ind, vals)
	n, err := s.bolt.countIndex(bucket, prefix, maxCount)
	if err != nil {
		n = maxCount
	}
	s.sizes.Store(k, n)
	if n >= keptCount && gen&1 == 0 {
		s.bolt.counts.Set(countKey{gen, k}, n)
	}
	return n
}

// A count of keptCount quads or more is kept for the queries that follow,
// until the store is written to: counting reads every entry under the key,
// and a predicate's are tens of thousands (the movie data's 3-hop counted
// 211,687 names and starring quads in each query, 4 of its 5 ms served).
// Smaller counts cost less than the lookup. At most maxCounted are kept.
const (
	keptCount  = 1024
	maxCounted = 4096
)

// countIDs counts the varints in an index entry.
func countIDs(b []byte) int64 {
	var n int64
	for len(b) > 0 {
		_, w := binary.Uvarint(b)
		if w <= 0 {
			return n
		}
		b = b[w:]
		n++
	}
	return n
}

// sizedIterator is the kv store's scan of every quad for a direction with
// no index (a predicate, a label), with the store's size, read once, where
// the kv iterator would guess half of it.
type sizedIterator struct {
	cgraph.Iterator
	qs *sizedStore
}

func (it *sizedIterator) Size() (int64, bool) {
	return it.qs.count(kv.QuadIndex{}, nil), false
}

func (it *sizedIterator) costs() cgraph.IteratorCosts {
	n, exact := it.Size()
	return cgraph.IteratorCosts{ContainsCost: 1, NextCost: 2, Size: cgraph.Size{Size: n, Exact: exact}}
}

func (it *sizedIterator) Stats() cgraph.IteratorStats {
	c := it.costs()
	return cgraph.IteratorStats{ContainsCost: c.ContainsCost, NextCost: c.NextCost, Size: c.Size.Size, ExactSize: c.Size.Exact}
}

// AsShape hands the planner the kv iterator's own shape, so that its scan
// and transaction are opened and closed by it, with the store's size.
func (it *sizedIterator) AsShape() cgraph.IteratorShape {
	return sizedShape{IteratorShape: cgraph.AsShape(it.Iterator), it: it}
}

type sizedShape struct {
	cgraph.IteratorShape
	it *sizedIterator
}

func (s sizedShape) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	return s.it.costs(), nil
}

// Optimize keeps the wrapper: the kv shape has nothing to optimize, and
// handing back itself would drop the size.
func (s sizedShape) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	return s, false
}

// subjectQuads calls fn with each quad whose subject is sub and predicate
// one of preds. On Bolt that is one scan of the subject-predicate index per
// predicate; elsewhere, one pass over the subject's quads. A hub like ICE
// is the subject of thousands of quads, and an entity lookup wants three.
func (s *Store) subjectQuads(ctx context.Context, sub quad.Value, preds []quad.Value, fn func(quad.Quad)) error {
	qs := s.QuadStore()
	ref := qs.ValueOf(sub)
	if ref == nil {
		return nil
	}
	each := func(it cgraph.Iterator, want func(quad.Quad) bool) error {
		defer it.Close()
		var refs []cgraph.Ref
		for it.Next(ctx) {
			refs = append(refs, it.Result())
		}
		if err := it.Err(); err != nil {
			return err
		}
		quads, err := s.quadsOf(ctx, qs, refs)
		if err != nil {
			return err
		}
		for _, q := range quads {
			if want(q) {
				fn(q)
			}
		}
		return nil
	}
	sqs, ok := qs.(*sizedStore)
	ind, n := bestIndex(s.indexes, func(d quad.Direction) bool { return d == quad.Subject || d == quad.Predicate })
	if !ok || n < 2 {
		// One query of the node's quads with the predicates on PostgreSQL
		// (sqlPlanner.scan); elsewhere the backend's own join of the two.
		// Cayley's SQL plan read all of a hub's quads and checked their
		// predicates, 0.1–0.2 s of every query about ICE or DHS on the
		// generated 10M-quad graph (13,245 quads of ICE's).
		var prefs shape.Fixed
		for _, p := range preds {
			if r := qs.ValueOf(p); r != nil {
				prefs = append(prefs, r)
			}
		}
		if len(prefs) == 0 {
			return nil
		}
		quads := shape.Quads{{Dir: quad.Subject, Values: shape.Fixed{ref}}, {Dir: quad.Predicate, Values: prefs}}
		var plan shape.Shape = quads
		if p, ok := s.Planner().(sqlPlanner); ok {
			if scan, ok := p.scan(quads); ok {
				plan = scan
			}
		}
		return each(shape.BuildIterator(qs, plan), func(q quad.Quad) bool { return slices.Contains(preds, q.Predicate) })
	}
	for _, p := range preds {
		pref, ok := qs.ValueOf(p).(kv.Int64Value)
		if !ok {
			continue
		}
		vals := []uint64{uint64(ref.(kv.Int64Value)), uint64(pref)}
		if ind.Dirs[0] != quad.Subject {
			vals[0], vals[1] = vals[1], vals[0]
		}
		if err := each(sqs.scan(ind, vals), func(quad.Quad) bool { return true }); err != nil {
			return err
		}
	}
	return nil
}

// quadsOf returns the quads refs point at. On PostgreSQL their values are
// named with one query (BatchReads), where Cayley's Quad names each value
// of each quad with a query of its own: five round trips of every entity
// lookup, before the query it serves.
func (s *Store) quadsOf(ctx context.Context, qs cgraph.QuadStore, refs []cgraph.Ref) ([]quad.Quad, error) {
	out := make([]quad.Quad, len(refs))
	b := s.BatchReads()
	if b == nil {
		for i, r := range refs {
			out[i] = qs.Quad(r)
		}
		return out, nil
	}
	dirs := []quad.Direction{quad.Subject, quad.Predicate, quad.Object, quad.Label}
	vals := make([]cgraph.Ref, 0, len(dirs)*len(refs))
	for _, r := range refs {
		for _, d := range dirs {
			vals = append(vals, qs.QuadDirection(r, d))
		}
	}
	names, err := b.Names(ctx, vals)
	if err != nil {
		return nil, err
	}
	for i := range out {
		n := names[len(dirs)*i:]
		out[i] = quad.Quad{Subject: n[0], Predicate: n[1], Object: n[2], Label: n[3]}
	}
	return out, nil
}
