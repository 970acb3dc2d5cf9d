package graph

import (
	"context"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
)

// minNodeSet is the size from which a fixed set of nodes is looked up by
// hash. Smaller sets stay Cayley's Fixed, which its optimizer knows by type
// (a set of one node is a constant to it); a list of a few dozen is quick
// to search.
const minNodeSet = 32

// nodeSet is a fixed set of nodes, like Cayley's Fixed, whose membership
// check is a hash lookup. Cayley's Fixed compares a candidate with each of
// its values in turn ("fixed iterators … are by definition kind of tiny"),
// but a script hands g.V the hundreds or thousands of nodes an earlier
// step found, and a Has on them checks every node of the other side
// against all of them: timeline DHS on the 1M-quad store checked 21,244
// articles against its 3,929 cited sources, a quarter of its time.
type nodeSet shape.Fixed

func (s nodeSet) BuildIterator(cgraph.QuadStore) cgraph.Iterator {
	return cgraph.NewLegacy(newSetIterator(s), nil)
}

func (s nodeSet) Optimize(shape.Optimizer) (shape.Shape, bool) { return s, false }

// asNodeSet is the optimizer step that swaps a large Fixed for a nodeSet.
func asNodeSet(sh shape.Shape) (shape.Shape, bool) {
	if f, ok := sh.(shape.Fixed); ok && len(f) >= minNodeSet {
		return nodeSet(f), true
	}
	return sh, false
}

// setIterator is Cayley's Fixed iterator with a hashed Contains. It
// iterates, costs and names itself as Fixed, and its legacy form is a
// *iterator.Fixed, which the planner sizes a LinksTo over exactly and
// Gizmo's query shape names the values of. The index is built on the first
// membership check: a set that is only walked needs none.
type setIterator struct {
	cgraph.IteratorShape // Cayley's Fixed of vals
	vals                 []cgraph.Ref
	index                map[interface{}]int // a value's key → its first position in vals
}

func newSetIterator(vals []cgraph.Ref) *setIterator {
	return &setIterator{IteratorShape: iterator.NewFixed(vals...).AsShape(), vals: vals}
}

func (it *setIterator) Lookup() cgraph.Index {
	if it.index == nil {
		it.index = make(map[interface{}]int, len(it.vals))
		for i := len(it.vals) - 1; i >= 0; i-- { // the first of repeats last
			it.index[cgraph.ToKey(it.vals[i])] = i
		}
	}
	return &setContains{set: it}
}

func (it *setIterator) Optimize(context.Context) (cgraph.IteratorShape, bool) { return it, false }
func (it *setIterator) AsLegacy() cgraph.Iterator                             { return cgraph.AsLegacy(it.IteratorShape) }

type setContains struct {
	set    *setIterator
	result cgraph.Ref
}

func (it *setContains) Contains(_ context.Context, v cgraph.Ref) bool {
	i, ok := it.set.index[cgraph.ToKey(v)]
	if ok {
		it.result = it.set.vals[i]
	}
	return ok
}

func (it *setContains) Result() cgraph.Ref               { return it.result }
func (it *setContains) Err() error                       { return nil }
func (it *setContains) Close() error                     { return nil }
func (it *setContains) TagResults(map[string]cgraph.Ref) {}
func (it *setContains) NextPath(context.Context) bool    { return false }
func (it *setContains) String() string                   { return fmt.Sprintf("NodeSet(%d)", len(it.set.vals)) }
