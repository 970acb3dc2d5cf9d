package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
)

// memStore is the memory backend: Cayley's QuadStore interface over flat,
// dictionary-encoded arrays. Cayley's own memstore keeps each value and
// each quad as a heap object, in a map by ID, with a B-tree per node and
// direction; inserting into those was two thirds of a load into memory
// (1M quads in 11 s, 0.9–1.5 KB of RSS per quad). Here a value is an index
// into vals, a quad four such indexes, and each node's quads in a
// direction a slice of quad IDs in the order they were added, so a load
// hands over the parser's own dictionary encoding (addEncoded) and every
// lookup is an array index or one map probe.
//
// It answers as Cayley's memstore does: values are told apart as their
// String() forms are (see key), a value no live quad uses is unknown to ValueOf, quads
// come out of an index in the order they were added, and a batch of deltas
// is checked whole before any is applied. Like it, it has no locks: the
// caller keeps writes apart from reads (Store's doc). An iterator keeps
// the slice it started on, and a delete copies a node's slice rather than
// shifting it, so an iterator running across a write sees the store as it
// was, less the deleted quads.
type memStore struct {
	keys  map[quad.Value]uint32  // key(value) → its ID (a memNode), for values in use; a load's own dictionary (addEncoded)
	vals  []quad.Value           // by ID; vals[0] is nil: no value
	refs  []int32                // live quads using each value
	quads [][4]memNode           // by quad ID − 1: subject, predicate, object, label; zero once deleted
	ids   map[[4]memNode]memQuad // live quad → its ID; nil until a write looks a quad up (quadIDs)
	index [4][][]memQuad         // by direction − 1 and value ID: the live quads with that value there, oldest first
	nodes int64                  // values in use
	live  int64                  // quads not deleted
}

// memNode and memQuad are a memStore's Refs: distinct types, so that a
// node's key never equals a quad's.
type (
	memNode uint32
	memQuad uint32
)

func (n memNode) Key() interface{} { return n }
func (q memQuad) Key() interface{} { return q }

func newMemStore() *memStore {
	s := &memStore{keys: map[quad.Value]uint32{}, vals: []quad.Value{nil}, refs: []int32{0}}
	for d := range s.index {
		s.index[d] = [][]memQuad{nil}
	}
	return s
}

var (
	_ cgraph.QuadStore = (*memStore)(nil)
	_ shape.Optimizer  = (*memStore)(nil)
)

// key is v's identity in the store: v itself for the kinds a parse gives,
// which are equal exactly when their String() forms are, else the parse
// of its N-Quads form. Cayley's stores tell values apart by String(), so
// that quad.Int(5) finds "5"^^xsd:integer; keying by the value itself
// spares building that string for every value of a load.
func key(v quad.Value) quad.Value {
	switch v.(type) {
	case quad.IRI, quad.BNode, quad.String, quad.TypedString, quad.LangString:
		return v
	}
	if k := quad.StringToValue(v.String()); k != nil {
		return k
	}
	return v
}

// intern returns v's ID, adding v unused if it is new.
func (s *memStore) intern(v quad.Value) memNode {
	k := key(v)
	if id, ok := s.keys[k]; ok {
		return memNode(id)
	}
	id := memNode(len(s.vals))
	s.keys[k] = uint32(id)
	s.vals = append(s.vals, v)
	s.refs = append(s.refs, 0)
	for d := range s.index {
		s.index[d] = append(s.index[d], nil)
	}
	return id
}

// find returns the IDs of q's values, and whether all of them are known.
func (s *memStore) find(q quad.Quad) ([4]memNode, bool) {
	var t [4]memNode
	for d, v := range [4]quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if v == nil {
			continue
		}
		id, ok := s.keys[key(v)]
		if !ok {
			return t, false
		}
		t[d] = memNode(id)
	}
	return t, true
}

func (s *memStore) findQuad(q quad.Quad) (memQuad, bool) {
	t, ok := s.find(q)
	if !ok {
		return 0, false
	}
	id, ok := s.quadIDs()[t]
	return id, ok
}

// quadIDs returns the map of live quads to their IDs, built on first use:
// a load finds the quads the store holds without it (held), and
// only writes look quads up.
func (s *memStore) quadIDs() map[[4]memNode]memQuad {
	if s.ids == nil {
		s.ids = make(map[[4]memNode]memQuad, s.live)
		for i, t := range s.quads {
			if t[0] != 0 {
				s.ids[t] = memQuad(i + 1)
			}
		}
	}
	return s.ids
}

// add adds q unless the store holds it.
func (s *memStore) add(q quad.Quad) {
	var t [4]memNode
	for d, v := range [4]quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if v != nil {
			t[d] = s.intern(v)
		}
	}
	if _, ok := s.quadIDs()[t]; !ok {
		s.insert(t)
	}
}

// insert adds the quad of interned values t, which the store does not hold.
func (s *memStore) insert(t [4]memNode) {
	s.quads = append(s.quads, t)
	id := memQuad(len(s.quads))
	if s.ids != nil {
		s.ids[t] = id
	}
	s.live++
	for d, n := range t {
		if n == 0 {
			continue
		}
		s.index[d][n] = append(s.index[d][n], id)
		if s.refs[n]++; s.refs[n] == 1 {
			s.nodes++
		}
	}
}

func (s *memStore) remove(id memQuad) {
	t := s.quads[id-1]
	delete(s.ids, t) // a no-op while there is no map
	s.quads[id-1] = [4]memNode{}
	s.live--
	for d, n := range t {
		if n == 0 {
			continue
		}
		list := s.index[d][n]
		if i, ok := slices.BinarySearch(list, id); ok {
			s.index[d][n] = slices.Concat(list[:i], list[i+1:]) // a copy: iterators keep the old slice
		}
		if s.refs[n]--; s.refs[n] == 0 {
			s.nodes--
			delete(s.keys, key(s.vals[n]))
			s.vals[n] = nil
		}
	}
}

// addEncoded adds a load's quads, skipping those the store holds, and
// takes over e's dictionary when the store never held a value: e is not
// to be used afterwards. The lists of quad IDs are grown once per node to
// their new length rather than append by append: a hub's list would
// otherwise be copied some twenty times on its way to a hundred thousand
// entries.
func (s *memStore) addEncoded(e *encoded) {
	ids := s.internAll(e)
	quads := make([][4]memNode, len(e.quads))
	for i, q := range e.quads {
		quads[i] = [4]memNode{ids[q[0]], ids[q[1]], ids[q[2]], ids[q[3]]}
	}
	held := s.held(quads)
	var grow [4][]int32
	for d := range grow {
		grow[d] = make([]int32, len(s.vals))
	}
	for i, t := range quads {
		if !held[i] {
			for d, n := range t {
				grow[d][n]++
			}
		}
	}
	for d := range grow {
		for n, k := range grow[d][1:] {
			if k > 0 {
				s.index[d][n+1] = slices.Grow(s.index[d][n+1], int(k))
			}
		}
	}
	s.quads = slices.Grow(s.quads, len(quads))
	for i, t := range quads {
		if !held[i] {
			s.insert(t)
		}
	}
	// A value whose every quad the store held already was in use before;
	// one in no quad at all cannot come out of a parse.
}

// internAll returns the store's ID of each of e's values, by e's ID. A
// store that never held a value takes e's dictionary as its own when every
// value in it is its own key, as a parse's are.
func (s *memStore) internAll(e *encoded) []memNode {
	ids := make([]memNode, len(e.nodes))
	adopt := len(s.vals) == 1
	for i, v := range e.nodes[1:] {
		ids[i+1] = memNode(i + 1)
		adopt = adopt && key(v) == v
	}
	if adopt {
		s.keys, s.vals = e.ids, e.nodes
		s.refs = make([]int32, len(s.vals))
		for d := range s.index {
			s.index[d] = make([][]memQuad, len(s.vals))
		}
		return ids
	}
	s.reserve(len(e.nodes))
	for i, v := range e.nodes[1:] {
		ids[i+1] = s.intern(v)
	}
	return ids
}

// reserve makes room for n more values at once. A load into a store
// already holding the bundled dataset otherwise grew the dictionary map
// and the per-value slices step by step, rehashing each time.
func (s *memStore) reserve(n int) {
	if n > len(s.keys) {
		keys := make(map[quad.Value]uint32, len(s.keys)+n)
		maps.Copy(keys, s.keys)
		s.keys = keys
	}
	s.vals = slices.Grow(s.vals, n)
	s.refs = slices.Grow(s.refs, n)
	for d := range s.index {
		s.index[d] = slices.Grow(s.index[d], n)
	}
}

// held marks the quads the store holds or that repeat an earlier one of
// quads, without the map of every quad (quadIDs), which would cost a load
// as much as the rest of it. Equal quads share a subject, so each
// subject's new quads are compared with each other and with the quads the
// store has for it: pairwise for the few most subjects have, through a set
// for the rest.
func (s *memStore) held(quads [][4]memNode) []bool {
	n := len(s.vals)
	start := make([]int32, n+1) // a subject's new quads are order[start[v]:start[v+1]]
	for _, t := range quads {
		start[t[0]+1]++
	}
	for v := 1; v <= n; v++ {
		start[v] += start[v-1]
	}
	order, next := make([]int32, len(quads)), slices.Clone(start[:n])
	for i, t := range quads {
		order[next[t[0]]] = int32(i)
		next[t[0]]++
	}
	held := make([]bool, len(quads))
	seen := map[[4]memNode]bool{}
	for v := range n {
		group, old := order[start[v]:start[v+1]], s.index[0][v]
		if len(group) == 0 {
			continue
		}
		if len(group)+len(old) > 16 {
			clear(seen)
			for _, id := range old {
				seen[s.quads[id-1]] = true
			}
			for _, i := range group {
				held[i] = seen[quads[i]]
				seen[quads[i]] = true
			}
			continue
		}
		for j, i := range group {
			held[i] = slices.ContainsFunc(old, func(id memQuad) bool { return s.quads[id-1] == quads[i] }) ||
				slices.ContainsFunc(group[:j], func(k int32) bool { return quads[k] == quads[i] })
		}
	}
	return held
}

// ApplyDeltas applies deltas all or nothing: unless opts ignore them, a
// quad added that the store holds, or deleted that it does not, fails the
// batch before any change, as does an incomplete quad or an unknown action.
func (s *memStore) ApplyDeltas(deltas []cgraph.Delta, opts cgraph.IgnoreOpts) error {
	for _, d := range deltas {
		switch d.Action {
		case cgraph.Add:
			if !d.Quad.IsValid() {
				return &cgraph.DeltaError{Delta: d, Err: errIncomplete}
			}
			if _, ok := s.findQuad(d.Quad); ok && !opts.IgnoreDup {
				return &cgraph.DeltaError{Delta: d, Err: cgraph.ErrQuadExists}
			}
		case cgraph.Delete:
			if _, ok := s.findQuad(d.Quad); !ok && !opts.IgnoreMissing {
				return &cgraph.DeltaError{Delta: d, Err: cgraph.ErrQuadNotExist}
			}
		default:
			return &cgraph.DeltaError{Delta: d, Err: cgraph.ErrInvalidAction}
		}
	}
	for _, d := range deltas {
		if d.Action == cgraph.Add {
			s.add(d.Quad)
		} else if id, ok := s.findQuad(d.Quad); ok {
			s.remove(id)
		}
	}
	return nil
}

var errIncomplete = errors.New("quad has no subject, predicate or object")

func (s *memStore) NewQuadWriter() (quad.WriteCloser, error) { return memWriter{s}, nil }

// memWriter adds quads one batch at a time, skipping those the store holds.
type memWriter struct{ s *memStore }

func (w memWriter) WriteQuad(q quad.Quad) error {
	_, err := w.WriteQuads([]quad.Quad{q})
	return err
}

func (w memWriter) WriteQuads(qs []quad.Quad) (int, error) {
	deltas := make([]cgraph.Delta, len(qs))
	for i, q := range qs {
		deltas[i] = cgraph.Delta{Quad: q, Action: cgraph.Add}
	}
	if err := w.s.ApplyDeltas(deltas, cgraph.IgnoreOpts{IgnoreDup: true}); err != nil {
		return 0, err
	}
	return len(qs), nil
}

func (w memWriter) Close() error { return nil }

func (s *memStore) ValueOf(v quad.Value) cgraph.Ref {
	if v == nil {
		return nil
	}
	if id, ok := s.keys[key(v)]; ok {
		return memNode(id)
	}
	return nil
}

func (s *memStore) NameOf(r cgraph.Ref) quad.Value {
	switch r := r.(type) {
	case memNode:
		if int(r) < len(s.vals) {
			return s.vals[r]
		}
	case cgraph.PreFetchedValue:
		return r.NameOf()
	}
	return nil
}

// quadOf returns the values of the quad r, and whether it is live.
func (s *memStore) quadOf(r cgraph.Ref) ([4]memNode, bool) {
	id, ok := r.(memQuad)
	if !ok || id == 0 || int(id) > len(s.quads) {
		return [4]memNode{}, false
	}
	t := s.quads[id-1]
	return t, t[0] != 0
}

func (s *memStore) Quad(r cgraph.Ref) quad.Quad {
	t, _ := s.quadOf(r)
	return quad.Quad{Subject: s.vals[t[0]], Predicate: s.vals[t[1]], Object: s.vals[t[2]], Label: s.vals[t[3]]}
}

func (s *memStore) QuadDirection(r cgraph.Ref, d quad.Direction) cgraph.Ref {
	t, ok := s.quadOf(r)
	if !ok || d < quad.Subject || d > quad.Label || t[d-1] == 0 {
		return nil
	}
	return t[d-1]
}

// list returns the live quads with n in direction d.
func (s *memStore) list(d quad.Direction, r cgraph.Ref) []memQuad {
	n, ok := r.(memNode)
	if !ok || d < quad.Subject || d > quad.Label || int(n) >= len(s.vals) {
		return nil
	}
	return s.index[d-1][n]
}

func (s *memStore) QuadIterator(d quad.Direction, r cgraph.Ref) cgraph.Iterator {
	list := s.list(d, r)
	if len(list) == 0 {
		return iterator.NewNull()
	}
	return cgraph.NewLegacy(&memQuads{s: s, d: d, n: r.(memNode), list: list}, nil)
}

func (s *memStore) QuadIteratorSize(_ context.Context, d quad.Direction, r cgraph.Ref) (cgraph.Size, error) {
	return cgraph.Size{Size: int64(len(s.list(d, r))), Exact: true}, nil
}

func (s *memStore) NodesAllIterator() cgraph.Iterator {
	return cgraph.NewLegacy(&memAll{s: s, nodes: true, end: len(s.vals)}, nil)
}

func (s *memStore) QuadsAllIterator() cgraph.Iterator {
	return cgraph.NewLegacy(&memAll{s: s, end: len(s.quads) + 1}, nil)
}

func (s *memStore) Stats(context.Context, bool) (cgraph.Stats, error) {
	return cgraph.Stats{
		Nodes: cgraph.Size{Size: s.nodes, Exact: true},
		Quads: cgraph.Size{Size: s.live, Exact: true},
	}, nil
}

// used counts the values in use in direction d: the store's predicates or
// labels.
func (s *memStore) used(d quad.Direction) int64 {
	var n int64
	for _, list := range s.index[d-1] {
		if len(list) > 0 {
			n++
		}
	}
	return n
}

func (s *memStore) Close() error { return nil }

// OptimizeShape swaps large fixed sets for hashed ones (nodeSet) and plans
// tagged predicates one by one (tagEachPredicate).
func (s *memStore) OptimizeShape(sh shape.Shape) (shape.Shape, bool) {
	if q, ok := sh.(shape.Quads); ok {
		return tagEachPredicate(q, func(q shape.Quads) (shape.Shape, bool) { return q, false })
	}
	return asNodeSet(sh)
}

// memLeaf gives a memory store's scanner or index the methods of one with
// no tags, no second paths and nothing to fail or release.
type memLeaf struct{}

func (memLeaf) TagResults(map[string]cgraph.Ref) {}
func (memLeaf) NextPath(context.Context) bool    { return false }
func (memLeaf) Err() error                       { return nil }
func (memLeaf) Close() error                     { return nil }

// memQuads is the quads with node n in direction d.
type memQuads struct {
	s    *memStore
	d    quad.Direction
	n    memNode
	list []memQuad
}

func (it *memQuads) String() string { return fmt.Sprintf("MemoryQuads(%v, %d)", it.d, it.n) }

func (it *memQuads) Iterate() cgraph.Scanner { return &memQuadsNext{s: it.s, list: it.list, i: -1} }

func (it *memQuads) Lookup() cgraph.Index { return &memQuadsContains{it: it} }

func (it *memQuads) Stats(context.Context) (cgraph.IteratorCosts, error) {
	return cgraph.IteratorCosts{ContainsCost: 1, NextCost: 1, Size: cgraph.Size{Size: int64(len(it.list)), Exact: true}}, nil
}

func (it *memQuads) Optimize(context.Context) (cgraph.IteratorShape, bool) { return it, false }
func (it *memQuads) SubIterators() []cgraph.IteratorShape                  { return nil }

// memQuadsNext walks a list as it was when the iterator started, less the
// quads deleted since.
type memQuadsNext struct {
	memLeaf
	s    *memStore
	list []memQuad
	i    int
}

func (it *memQuadsNext) Next(context.Context) bool {
	for it.i++; it.i < len(it.list); it.i++ {
		if it.s.quads[it.list[it.i]-1][0] != 0 {
			return true
		}
	}
	return false
}

func (it *memQuadsNext) Result() cgraph.Ref {
	if it.i < 0 || it.i >= len(it.list) {
		return nil
	}
	return it.list[it.i]
}

func (it *memQuadsNext) String() string { return "MemoryQuadsNext" }

// memFound keeps an index's result: the ref its last Contains found.
type memFound struct{ result cgraph.Ref }

func (f *memFound) Result() cgraph.Ref { return f.result }

// found keeps r as the result if ok, else none, and returns ok.
func (f *memFound) found(r cgraph.Ref, ok bool) bool {
	f.result = nil
	if ok {
		f.result = r
	}
	return ok
}

// memQuadsContains checks a quad by its own values: one array read.
type memQuadsContains struct {
	memLeaf
	memFound
	it *memQuads
}

func (c *memQuadsContains) Contains(_ context.Context, r cgraph.Ref) bool {
	t, ok := c.it.s.quadOf(r)
	return c.found(r, ok && t[c.it.d-1] == c.it.n)
}

func (c *memQuadsContains) String() string { return "MemoryQuadsContains" }

// memAll is every value in use (nodes) or every live quad, among the IDs
// below end: those the store had when the iterator was made.
type memAll struct {
	s     *memStore
	nodes bool
	end   int
}

func (it *memAll) String() string {
	if it.nodes {
		return "MemoryAllNodes"
	}
	return "MemoryAllQuads"
}

// has says whether ID i is a value in use or a live quad.
func (it *memAll) has(i int) bool {
	if it.nodes {
		return i < len(it.s.refs) && it.s.refs[i] > 0
	}
	return i > 0 && i <= len(it.s.quads) && it.s.quads[i-1][0] != 0
}

func (it *memAll) ref(i int) cgraph.Ref {
	if it.nodes {
		return memNode(i)
	}
	return memQuad(i)
}

func (it *memAll) Iterate() cgraph.Scanner { return &memAllNext{all: it} }
func (it *memAll) Lookup() cgraph.Index    { return &memAllContains{all: it} }

func (it *memAll) Stats(context.Context) (cgraph.IteratorCosts, error) {
	size := it.s.live
	if it.nodes {
		size = it.s.nodes
	}
	return cgraph.IteratorCosts{ContainsCost: 1, NextCost: 1, Size: cgraph.Size{Size: size, Exact: true}}, nil
}

func (it *memAll) Optimize(context.Context) (cgraph.IteratorShape, bool) { return it, false }
func (it *memAll) SubIterators() []cgraph.IteratorShape                  { return nil }

type memAllNext struct {
	memLeaf
	all *memAll
	i   int // the current ID; 0 before the first
}

func (it *memAllNext) Next(ctx context.Context) bool {
	for it.i++; it.i < it.all.end; it.i++ {
		if it.all.has(it.i) {
			return true
		}
	}
	return false
}

func (it *memAllNext) Result() cgraph.Ref {
	if it.i == 0 || it.i >= it.all.end {
		return nil
	}
	return it.all.ref(it.i)
}

func (it *memAllNext) String() string { return it.all.String() + "Next" }

type memAllContains struct {
	memLeaf
	memFound
	all *memAll
}

func (c *memAllContains) Contains(_ context.Context, r cgraph.Ref) bool {
	var i int
	switch r := r.(type) {
	case memNode:
		i = int(r)
	case memQuad:
		i = int(r)
	}
	return c.found(r, i != 0 && c.all.ref(i) == r && c.all.has(i))
}

func (c *memAllContains) String() string { return c.all.String() + "Contains" }
