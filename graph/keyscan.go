package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
)

// keyNodes is the nodes in one direction of the quads under an index key
// prefix, read from the index's keys alone. An object-predicate-subject key
// holds all three of a quad's nodes, so In(<pred>) from a node, In(null)
// with its predicates tagged, or a check that an assertion has a
// predicate, need not look up a single quad in the log: a hub agency's
// thousand assertions are a few pages of keys instead of a thousand log
// reads. Each key yields its node once per quad ID in its entry, as
// Cayley's HasA yields it once per quad.
//
// Sound only while the store holds no deleted quad, whose ID Cayley leaves
// in the index: see boltReader.allLive.
type keyNodes struct {
	qs   *sizedStore
	ind  kv.QuadIndex
	vals []uint64         // the fixed leading values of the key
	pos  int              // where in the key the result is
	tags map[int][]string // the tags to give the node at each key position
	slow fixedNodes       // the same nodes, read through the log: for a check the keys cannot answer
}

// keyNodesFor plans fn as keyNodes when the index's key holds every
// direction the step needs: its result and the ones it tags.
func (s *sizedStore) keyNodesFor(fn fixedNodes, ind kv.QuadIndex, vals []uint64, qa shape.QuadsAction) (shape.Shape, bool) {
	pos := func(d quad.Direction) int {
		for i, x := range ind.Dirs {
			if x == d {
				return i
			}
		}
		return -1
	}
	if len(qa.Filter) != len(vals) || !s.bolt.allLive() {
		return nil, false
	}
	k := keyNodes{qs: s, ind: ind, vals: vals, pos: pos(qa.Result), tags: map[int][]string{}, slow: fn}
	if k.pos < len(vals) {
		return nil, false
	}
	for d, tags := range qa.Save {
		p := pos(d)
		if p < 0 {
			return nil, false
		}
		k.tags[p] = append(k.tags[p], tags...)
	}
	return k, true
}

func (k keyNodes) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	return cgraph.NewLegacy(&keyNodesShape{keyNodes: k, built: qs}, nil)
}

func (k keyNodes) Optimize(shape.Optimizer) (shape.Shape, bool) { return k, false }

// keyNodesShape is keyNodes as Cayley's iterators see it; built is the
// store the slow way is built on.
type keyNodesShape struct {
	keyNodes
	built cgraph.QuadStore
}

func (k *keyNodesShape) String() string { return fmt.Sprintf("BoltKeyNodes(%v, %d)", k.ind, k.pos) }

func (k *keyNodesShape) Iterate() cgraph.Scanner {
	bucket, prefix := indexKey(k.ind, k.vals)
	return &keyNext{k: k, bucket: bucket, prefix: prefix}
}

// Lookup checks a node by seeking its key when the node comes right after
// the fixed values and nothing else is tagged; otherwise through the log.
func (k *keyNodesShape) Lookup() cgraph.Index {
	if !k.seeks() {
		return cgraph.AsShape(k.slow.BuildIterator(k.built)).Lookup()
	}
	bucket, prefix := indexKey(k.ind, k.vals)
	return &keyContains{k: k, bucket: bucket, prefix: prefix}
}

// Stats are the slow way's, so that the planner orders a join as it would
// without the keys, with the size counted from the index and, where
// Lookup seeks a key, the cost of a check as a seek's. The size is
// exact but not said to be: Cayley's And passes the smallest of its parts'
// sizes on as its own, exact flag and all, and Count would take it.
func (k *keyNodesShape) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	st, err := cgraph.AsShape(k.slow.BuildIterator(k.built)).Stats(ctx)
	if err != nil {
		return st, err
	}
	n := k.qs.count(k.ind, k.vals)
	st.Size = cgraph.Size{Size: n}
	if k.seeks() {
		st.ContainsCost = 2
	}
	return st, nil
}

// seeks says whether Lookup checks a node with one seek of its key (as a
// scan steps to its next quad, NextCost 2), not through the log. Against
// the slow way's cost (60 for the assertions of a million quads) the
// planner walked every assertion to find its rdf:object where it could
// walk the predicate's quads and check each subject (0.16 s against 0.10 s
// cold).
func (k *keyNodesShape) seeks() bool { return k.pos == len(k.vals) && len(k.tags) == 0 }

func (k *keyNodesShape) Optimize(context.Context) (cgraph.IteratorShape, bool) { return k, false }

func (k *keyNodesShape) SubIterators() []cgraph.IteratorShape { return nil }

// keyHit is one index key: the node IDs it holds and how many quads.
type keyHit struct {
	key   [4]uint64
	quads int64
}

// hit decodes an index entry; a key of the wrong length (a damaged file)
// is an error, not a crash.
func (k *keyNodesShape) hit(key, ids []byte) (keyHit, error) {
	h := keyHit{quads: countIDs(ids)}
	if len(key) != 8*len(k.ind.Dirs) {
		return h, fmt.Errorf("bolt index %v: malformed key %x", k.ind, key)
	}
	for i := range k.ind.Dirs {
		h.key[i] = binary.BigEndian.Uint64(key[8*i:])
	}
	return h, nil
}

func (k *keyNodesShape) tagResults(h keyHit, dst map[string]cgraph.Ref) {
	for p, tags := range k.tags {
		for _, t := range tags {
			dst[t] = kv.Int64Value(h.key[p])
		}
	}
}

// keyNext walks the keys under prefix in batches, each in a transaction of
// its own, for the reason scanNext gives.
type keyNext struct {
	k              *keyNodesShape
	bucket, prefix []byte
	last           []byte // the last key read; nil before the first
	batch          int
	buf            []keyHit
	cur            keyHit
	left           int64 // quads of cur still to yield
	done           bool
	err            error
}

func (it *keyNext) Next(ctx context.Context) bool {
	if it.left > 1 {
		it.left--
		return true
	}
	for len(it.buf) == 0 {
		if it.done || it.err != nil {
			return false
		}
		if err := ctx.Err(); err != nil {
			it.err = err
			return false
		}
		if err := it.readBatch(); err != nil {
			it.err = err
			return false
		}
	}
	it.cur, it.buf = it.buf[0], it.buf[1:]
	it.left = it.cur.quads
	return true
}

func (it *keyNext) readBatch() error {
	t, c, err := it.k.qs.bolt.batchCursor(false, it.bucket, &it.batch)
	if err != nil {
		return err
	}
	defer t.close()
	if c == nil {
		it.done = true
		return nil
	}
	var k, v []byte
	if it.last == nil {
		k, v = c.Seek(it.prefix)
	} else if k, v = c.Seek(it.last); bytes.Equal(k, it.last) {
		k, v = c.Next()
	}
	for ; len(it.buf) < it.batch; k, v = c.Next() {
		if k == nil || !bytes.HasPrefix(k, it.prefix) {
			it.done = true
			return nil
		}
		h, err := it.k.hit(k, v)
		if err != nil {
			return err
		}
		if h.quads > 0 {
			it.buf = append(it.buf, h)
		}
		it.last = append(it.last[:0], k...)
	}
	return nil
}

func (it *keyNext) Result() cgraph.Ref {
	if it.left == 0 {
		return nil
	}
	return kv.Int64Value(it.cur.key[it.k.pos])
}

func (it *keyNext) TagResults(dst map[string]cgraph.Ref) { it.k.tagResults(it.cur, dst) }
func (it *keyNext) NextPath(context.Context) bool        { return false }
func (it *keyNext) Err() error                           { return it.err }
func (it *keyNext) Close() error                         { it.done, it.buf = true, nil; return it.err }
func (it *keyNext) String() string                       { return fmt.Sprintf("BoltKeyNext(%s)", it.bucket) }

// keyContains checks a node by seeking the keys that start with the fixed
// values and the node; each further quad under them is another path, as
// with Cayley's HasA.
type keyContains struct {
	k              *keyNodesShape
	bucket, prefix []byte
	key            []byte // prefix and node, reused from one check to the next
	node           uint64
	left           int64
	err            error
}

func (it *keyContains) Contains(ctx context.Context, v cgraph.Ref) bool {
	it.left = 0
	id, ok := v.(kv.Int64Value)
	if !ok {
		return false
	}
	it.node = uint64(id)
	it.key = binary.BigEndian.AppendUint64(append(it.key[:0], it.prefix...), it.node)
	n, err := it.k.qs.bolt.countIndex(it.bucket, it.key, maxCount)
	if err != nil {
		it.err = err
		return false
	}
	it.left = n
	return n > 0
}

func (it *keyContains) NextPath(context.Context) bool {
	if it.left <= 1 {
		return false
	}
	it.left--
	return true
}

func (it *keyContains) Result() cgraph.Ref {
	if it.left == 0 {
		return nil
	}
	return kv.Int64Value(it.node)
}

func (it *keyContains) TagResults(map[string]cgraph.Ref) {}
func (it *keyContains) Err() error                       { return it.err }
func (it *keyContains) Close() error                     { return it.err }
func (it *keyContains) String() string                   { return "BoltKeyContains" }

// InCounts counts, for each of nodes, the quads with one of preds (any
// predicate if preds is nil) and the node as object, from the entries of
// the object-first index alone, in one read transaction: no quad is read
// and nothing planned per node. Gizmo's InCounts asks it for thousands of
// nodes at once (the saved query sources counts each source's assertions),
// where a Count per node built and planned an iterator each. ok is false
// where the entries cannot answer exactly: the store holds a deleted quad
// (Cayley leaves its ID in the index; see boltReader.allLive), has no
// object-predicate index, or a ref is not one of its node IDs.
func (s *sizedStore) InCounts(ctx context.Context, nodes, preds []cgraph.Ref) (_ []int64, ok bool, _ error) {
	ind, found := s.linkIndex(quad.Object)
	if !found || !s.bolt.allLive() {
		return nil, false, nil
	}
	t, err := s.bolt.begin(false)
	if err != nil {
		return nil, false, err
	}
	defer t.close()
	bucket, _ := indexKey(ind, nil)
	b := t.bucket(bucket)
	out := make([]int64, len(nodes))
	if b == nil {
		return out, true, nil
	}
	c := &indexCursor{c: b.Cursor()}
	count := func(prefix []byte) int64 { return countUnder(c, prefix, math.MaxInt64) }
	for i, n := range nodes {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		o, isID := n.(kv.Int64Value)
		if !isID {
			return nil, false, nil // not a node ID: let the caller walk
		}
		if preds == nil {
			_, key := indexKey(ind, []uint64{uint64(o)})
			out[i] = count(key)
			continue
		}
		for _, p := range preds {
			p, isID := p.(kv.Int64Value)
			if !isID {
				return nil, false, nil
			}
			_, key := indexKey(ind, []uint64{uint64(o), uint64(p)})
			out[i] += count(key)
		}
	}
	return out, true, nil
}

// linkIndex returns the store's index whose keys start with d and then
// the predicate, so that a node's quads in d with one predicate are one
// run of keys.
func (s *sizedStore) linkIndex(d quad.Direction) (kv.QuadIndex, bool) {
	for _, ind := range s.indexes {
		if len(ind.Dirs) >= 2 && ind.Dirs[0] == d && ind.Dirs[1] == quad.Predicate {
			return ind, true
		}
	}
	return kv.QuadIndex{}, false
}

// Links reads, for each of nodes, the predicate and object of every live
// quad with the node as subject, in the order the subject index gives them
// (QuadIterator's), in one read transaction. Gizmo's PropertyMap asks it
// for thousands of nodes at once, where a scan per node opened and planned
// an iterator and read its quads in batches of one, two, four…, each in a
// transaction of its own. A node given twice gets its links the first time
// only. ok is false where it cannot answer: the store has no index that
// starts with the subject, or a ref is not one of its node IDs.
func (s *sizedStore) Links(ctx context.Context, nodes []cgraph.Ref) (_ [][][2]cgraph.Ref, ok bool, _ error) {
	ind, n := bestIndex(s.indexes, func(d quad.Direction) bool { return d == quad.Subject })
	if n == 0 {
		return nil, false, nil
	}
	t, err := s.bolt.begin(s.fill)
	if err != nil {
		return nil, false, err
	}
	defer t.close()
	out := make([][][2]cgraph.Ref, len(nodes))
	bucket, _ := indexKey(ind, nil)
	b := t.bucket(bucket)
	if b == nil {
		return out, true, nil
	}
	c := b.Cursor()
	read := make(map[kv.Int64Value]bool, len(nodes))
	for i, node := range nodes {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		id, isID := node.(kv.Int64Value)
		if !isID {
			return nil, false, nil // not a node ID: let the caller scan
		}
		if read[id] {
			continue
		}
		read[id] = true
		_, prefix := indexKey(ind, []uint64{uint64(id)})
		for k, ids := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, ids = c.Next() {
			for len(ids) > 0 {
				var qid uint64
				if qid, ids, err = nextID(ids); err != nil {
					return nil, false, fmt.Errorf("bolt index %v: %w", ind, err)
				}
				p, err := t.quad(qid)
				if err != nil {
					return nil, false, err
				}
				if p != nil && !p.Deleted {
					out[i] = append(out[i], [2]cgraph.Ref{kv.Int64Value(p.Predicate), kv.Int64Value(p.Object)})
				}
			}
		}
	}
	return out, true, nil
}

// keyPredicates is Unique(Predicates(nodes)), Gizmo's OutPredicates or
// InPredicates from several nodes: the predicates of the quads with any of
// the nodes as subject (or object), each once, in Cayley's order (node by
// node, a node's by predicate ID). It reads them from the keys of an index
// that starts with that direction and the predicate, seeking from each
// predicate of a node straight to its next. Cayley reads every quad of
// every node from the log: a hub agency is the object of thousands of assertion links, and
// the second hop of neighbors DHS asked InPredicates of 2,457 nodes on the
// 1M graph (290 ms) and of 17,892 on 10M (4.6 s).
//
// Sound only while the store holds no deleted quad, as keyNodes.
type keyPredicates struct {
	qs    *sizedStore
	ind   kv.QuadIndex
	nodes []uint64
}

// optimizePredicates plans u as keyPredicates when it is the predicates
// of a fixed set of nodes and an index serves them. From one node Cayley's
// generic pass has made it a QuadsAction, which optimizeFixed already
// reads from the keys (keyNodes).
func (s *sizedStore) optimizePredicates(u shape.Unique) (shape.Shape, bool) {
	from, ok := u.From.(shape.NodesFrom)
	if !ok || from.Dir != quad.Predicate {
		return u, false
	}
	q, ok := from.Quads.(shape.Quads)
	if !ok || len(q) != 1 {
		return u, false
	}
	ind, ok := s.linkIndex(q[0].Dir)
	if !ok || !s.bolt.allLive() {
		return u, false
	}
	var refs []cgraph.Ref
	switch f := q[0].Values.(type) {
	case shape.Fixed:
		refs = f
	case nodeSet:
		refs = f
	default:
		return u, false
	}
	k := keyPredicates{qs: s, ind: ind, nodes: make([]uint64, len(refs))}
	for i, r := range refs {
		id, ok := r.(kv.Int64Value)
		if !ok {
			return u, false
		}
		k.nodes[i] = uint64(id)
	}
	return k, true
}

func (k keyPredicates) BuildIterator(cgraph.QuadStore) cgraph.Iterator {
	return cgraph.NewLegacy(&keyPredicatesShape{keyPredicates: k}, nil)
}

func (k keyPredicates) Optimize(shape.Optimizer) (shape.Shape, bool) { return k, false }

// read lists the predicates, in one read transaction.
func (k keyPredicates) read(ctx context.Context) ([]uint64, error) {
	t, err := k.qs.bolt.begin(false)
	if err != nil {
		return nil, err
	}
	defer t.close()
	bucket, _ := indexKey(k.ind, nil)
	b := t.bucket(bucket)
	if b == nil {
		return nil, nil
	}
	c := b.Cursor()
	var preds []uint64
	seen := map[uint64]bool{}
	for _, n := range k.nodes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, prefix := indexKey(k.ind, []uint64{n})
		key, ids := c.Seek(prefix)
		for key != nil && bytes.HasPrefix(key, prefix) {
			if len(key) < len(prefix)+8 {
				return nil, fmt.Errorf("bolt index %v: malformed key %x", k.ind, key)
			}
			p := binary.BigEndian.Uint64(key[len(prefix):])
			if countIDs(ids) == 0 { // no quad under this key: try the next
				key, ids = c.Next()
				continue
			}
			if !seen[p] {
				seen[p] = true
				preds = append(preds, p)
			}
			if p == math.MaxUint64 {
				break
			}
			key, ids = c.Seek(binary.BigEndian.AppendUint64(prefix, p+1))
		}
	}
	return preds, nil
}

// keyPredicatesShape is keyPredicates as Cayley's iterators see it. It
// reads the predicates once, on the first Next or Contains.
type keyPredicatesShape struct {
	keyPredicates
	preds []uint64
	index map[uint64]bool
	err   error
	done  bool
}

func (k *keyPredicatesShape) load(ctx context.Context) bool {
	if !k.done {
		k.done = true
		k.preds, k.err = k.read(ctx)
	}
	return k.err == nil
}

func (k *keyPredicatesShape) String() string {
	return fmt.Sprintf("BoltKeyPredicates(%v, %d nodes)", k.ind, len(k.nodes))
}

func (k *keyPredicatesShape) Iterate() cgraph.Scanner { return &predicateNext{k: k, at: -1} }

func (k *keyPredicatesShape) Lookup() cgraph.Index { return &predicateContains{k: k} }

// Stats guess a dozen predicates, what a node of the dataset has: the keys
// are read in one pass, at a seek per predicate of each node.
func (k *keyPredicatesShape) Stats(context.Context) (cgraph.IteratorCosts, error) {
	n := int64(len(k.nodes))
	return cgraph.IteratorCosts{NextCost: 1, ContainsCost: 1 + n*12, Size: cgraph.Size{Size: 12}}, nil
}

func (k *keyPredicatesShape) Optimize(context.Context) (cgraph.IteratorShape, bool) { return k, false }

func (k *keyPredicatesShape) SubIterators() []cgraph.IteratorShape { return nil }

// predicateNext walks the predicates.
type predicateNext struct {
	k  *keyPredicatesShape
	at int
}

func (it *predicateNext) Next(ctx context.Context) bool {
	if !it.k.load(ctx) || it.at >= len(it.k.preds) {
		return false
	}
	it.at++
	return it.at < len(it.k.preds)
}

func (it *predicateNext) Result() cgraph.Ref {
	if it.at < 0 || it.at >= len(it.k.preds) {
		return nil
	}
	return kv.Int64Value(it.k.preds[it.at])
}

func (it *predicateNext) NextPath(context.Context) bool    { return false }
func (it *predicateNext) TagResults(map[string]cgraph.Ref) {}
func (it *predicateNext) Err() error                       { return it.k.err }
func (it *predicateNext) Close() error                     { return it.k.err }
func (it *predicateNext) String() string                   { return it.k.String() }

// predicateContains checks a predicate against them.
type predicateContains struct {
	k      *keyPredicatesShape
	result cgraph.Ref
}

func (it *predicateContains) Contains(ctx context.Context, v cgraph.Ref) bool {
	it.result = nil
	id, ok := v.(kv.Int64Value)
	if !ok || !it.k.load(ctx) {
		return false
	}
	if it.k.index == nil {
		it.k.index = make(map[uint64]bool, len(it.k.preds))
		for _, p := range it.k.preds {
			it.k.index[p] = true
		}
	}
	if it.k.index[uint64(id)] {
		it.result = v
	}
	return it.result != nil
}

func (it *predicateContains) Result() cgraph.Ref               { return it.result }
func (it *predicateContains) NextPath(context.Context) bool    { return false }
func (it *predicateContains) TagResults(map[string]cgraph.Ref) {}
func (it *predicateContains) Err() error                       { return it.k.err }
func (it *predicateContains) Close() error                     { return it.k.err }
func (it *predicateContains) String() string                   { return it.k.String() }
