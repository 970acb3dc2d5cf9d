package graph

import (
	"context"
	"sync"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// sizedStore gives Cayley's query planner the true size of each node's
// quads on a Bolt store. Cayley's kv layout has no index that starts with a
// single direction, so it guesses every subject's or object's quads at half
// the store; a predicate has no index at all and is a scan of every quad,
// which the planner then thinks no bigger. With both guesses alike it often
// drives a join from the scan: a two-hop walk that touches a few quads reads
// all of them, seconds on a million-quad store. Counting the node's quads
// through its index prefix costs what walking them would, and lets the
// planner start from the small side. A query asks for the same node's
// quads many times, so each count is kept for the life of the sizedStore:
// one query (Store.QuadStore hands each caller a new one).
type sizedStore struct {
	cgraph.QuadStore
	sizes sync.Map // sizeKey → int64
}

type sizeKey struct {
	dir quad.Direction
	val any // cgraph.ToKey of the node
}

func (s *sizedStore) QuadIterator(d quad.Direction, v cgraph.Ref) cgraph.Iterator {
	it := s.QuadStore.QuadIterator(d, v)
	if d != quad.Subject && d != quad.Object {
		return it
	}
	return &sizedIterator{Iterator: it, qs: s, dir: d, val: v}
}

// count returns how many quads v has in direction d, up to maxCount.
func (s *sizedStore) count(d quad.Direction, v cgraph.Ref) int64 {
	k := sizeKey{d, cgraph.ToKey(v)}
	if n, ok := s.sizes.Load(k); ok {
		return n.(int64)
	}
	c := s.QuadStore.QuadIterator(d, v)
	defer c.Close()
	ctx := context.Background()
	var n int64
	for n < maxCount && c.Next(ctx) {
		n++
	}
	s.sizes.Store(k, n)
	return n
}

// sizedIterator is a node's quads in one direction, with an exact size.
type sizedIterator struct {
	cgraph.Iterator
	qs  *sizedStore
	dir quad.Direction
	val cgraph.Ref
}

// maxCount bounds the counting: past it the node is large whichever way the
// planner looks at it, and a larger figure changes no plan.
const maxCount = 1 << 20

func (it *sizedIterator) Size() (int64, bool) {
	n := it.qs.count(it.dir, it.val)
	return n, n < maxCount
}

// costs are the kv iterator's own costs with the counted size. Asking the kv
// iterator would make it estimate its size from the store's.
func (it *sizedIterator) costs() cgraph.IteratorCosts {
	n, exact := it.Size()
	return cgraph.IteratorCosts{ContainsCost: 1, NextCost: 2, Size: cgraph.Size{Size: n, Exact: exact}}
}

func (it *sizedIterator) Stats() cgraph.IteratorStats {
	c := it.costs()
	return cgraph.IteratorStats{ContainsCost: c.ContainsCost, NextCost: c.NextCost, Size: c.Size.Size, ExactSize: c.Size.Exact}
}

// AsShape hands the planner the kv iterator's own shape, so that scans and
// their transactions are opened and closed by it, with the counted size.
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
// handing back itself would drop the counted size.
func (s sizedShape) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	return s, false
}
