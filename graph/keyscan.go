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
	hkv "github.com/hidal-go/hidalgo/kv"
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

func (k *keyNodesShape) prefix() hkv.Key { return k.ind.Key(k.vals) }

func (k *keyNodesShape) Iterate() cgraph.Scanner {
	p := k.prefix()
	return &keyNext{k: k, bucket: p[0], prefix: p[1]}
}

// Lookup checks a node by seeking its key when the node comes right after
// the fixed values and nothing else is tagged; otherwise through the log.
func (k *keyNodesShape) Lookup() cgraph.Index {
	if k.pos != len(k.vals) || len(k.tags) > 0 {
		return cgraph.AsShape(k.slow.BuildIterator(k.built)).Lookup()
	}
	p := k.prefix()
	return &keyContains{k: k, bucket: p[0], prefix: p[1]}
}

// Stats are the slow way's, so that the planner orders a join as it would
// without the keys, with the size counted from the index. The size is
// exact but not said to be: Cayley's And passes the smallest of its parts'
// sizes on as its own, exact flag and all, and Count would take it.
func (k *keyNodesShape) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	st, err := cgraph.AsShape(k.slow.BuildIterator(k.built)).Stats(ctx)
	if err != nil {
		return st, err
	}
	n := k.qs.count(k.ind, k.vals)
	st.Size = cgraph.Size{Size: n}
	return st, nil
}

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
	ind, found := s.objectIndex()
	if !found || !s.bolt.allLive() {
		return nil, false, nil
	}
	t, err := s.bolt.begin(false)
	if err != nil {
		return nil, false, err
	}
	defer t.close()
	b := t.bucket(ind.Key(nil)[0])
	out := make([]int64, len(nodes))
	if b == nil {
		return out, true, nil
	}
	c := b.Cursor()
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
			out[i] = count(ind.Key([]uint64{uint64(o)})[1])
			continue
		}
		for _, p := range preds {
			p, isID := p.(kv.Int64Value)
			if !isID {
				return nil, false, nil
			}
			out[i] += count(ind.Key([]uint64{uint64(o), uint64(p)})[1])
		}
	}
	return out, true, nil
}

// objectIndex returns the store's index whose keys start with the object
// and then the predicate.
func (s *sizedStore) objectIndex() (kv.QuadIndex, bool) {
	for _, ind := range s.indexes {
		if len(ind.Dirs) >= 2 && ind.Dirs[0] == quad.Object && ind.Dirs[1] == quad.Predicate {
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
	b := t.bucket(ind.Key(nil)[0])
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
		prefix := ind.Key([]uint64{uint64(id)})[1]
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
