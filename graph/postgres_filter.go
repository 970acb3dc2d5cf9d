package graph

import (
	"context"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/shape"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
)

// namedFilter is a value filter (regex, a comparison, literal) over
// anything but all nodes, which Cayley's SQL optimizer turns into no
// query: its iterators then name each value with a query of its own, and
// conflicts' Filter(literal()) over the 74,781 objects of the 1M graph's
// assertions made as many round trips, 4.9 s. namedFilter reads its
// source ahead a batch at a time and names the batch with one query
// (BatchReads.Names) before the filters look at it.
type namedFilter struct{ shape.Filter }

// filterBatch is how many results namedFilter reads ahead and names with
// one query.
const filterBatch = namesBatch

func (f namedFilter) BuildIterator(qs cgraph.QuadStore) cgraph.Iterator {
	sq, ok := qs.(*csql.QuadStore)
	if !ok {
		return f.Filter.BuildIterator(qs)
	}
	ahead := &readAhead{sub: cgraph.AsShape(f.From.BuildIterator(qs)), reads: &BatchReads{qs: sq}}
	it := cgraph.AsLegacy(ahead)
	namer := aheadNamer{QuadStore: sq, ahead: ahead}
	for _, vf := range f.Filters {
		it = vf.BuildIterator(namer, it)
	}
	return it
}

func (f namedFilter) Optimize(shape.Optimizer) (shape.Shape, bool) { return f, false }

// aheadNamer names what its readAhead has read ahead from the batch, and
// anything else (a value checked rather than read) as the store does.
type aheadNamer struct {
	*csql.QuadStore
	ahead *readAhead
}

func (n aheadNamer) NameOf(ref cgraph.Ref) quad.Value {
	if v, ok := n.ahead.names[ref]; ok {
		return v
	}
	return n.QuadStore.NameOf(ref)
}

// readAhead is an iterator's results, each with all its paths' tags, read
// filterBatch at a time and their values named in one query. Cayley's
// filters ask for the name of each result as they meet it, so one batch's
// names are all they need at a time.
type readAhead struct {
	sub   cgraph.IteratorShape
	reads *BatchReads
	names map[cgraph.Ref]quad.Value // the current batch's
}

func (r *readAhead) Iterate() cgraph.Scanner {
	return &aheadScanner{sub: r.sub.Iterate(), ahead: r, at: -1}
}

func (r *readAhead) Lookup() cgraph.Index { return r.sub.Lookup() }

func (r *readAhead) Stats(ctx context.Context) (cgraph.IteratorCosts, error) {
	return r.sub.Stats(ctx)
}

func (r *readAhead) Optimize(ctx context.Context) (cgraph.IteratorShape, bool) {
	sub, ok := r.sub.Optimize(ctx)
	return &readAhead{sub: sub, reads: r.reads}, ok
}

func (r *readAhead) SubIterators() []cgraph.IteratorShape {
	return []cgraph.IteratorShape{r.sub}
}

func (r *readAhead) String() string { return "ReadAhead" }

type aheadResult struct {
	ref   cgraph.Ref
	paths []map[string]cgraph.Ref
}

type aheadScanner struct {
	sub   cgraph.Scanner
	ahead *readAhead
	batch []aheadResult
	at    int // the current result's place in batch, -1 before the first
	path  int
	done  bool
	err   error
}

func (s *aheadScanner) Next(ctx context.Context) bool {
	s.at++
	if s.at >= len(s.batch) && !s.fill(ctx) {
		return false
	}
	s.path = 0
	return true
}

// fill reads the next batch and names it; false when there is none.
func (s *aheadScanner) fill(ctx context.Context) bool {
	s.batch, s.at = s.batch[:0], 0
	for !s.done && len(s.batch) < filterBatch {
		if !s.sub.Next(ctx) {
			s.done, s.err = true, s.sub.Err()
			break
		}
		r := aheadResult{ref: s.sub.Result()}
		for more := true; more; more = s.sub.NextPath(ctx) {
			tags := make(map[string]cgraph.Ref)
			s.sub.TagResults(tags)
			r.paths = append(r.paths, tags)
		}
		s.batch = append(s.batch, r)
	}
	if s.err != nil || len(s.batch) == 0 {
		return false
	}
	refs := make([]cgraph.Ref, len(s.batch))
	for i, r := range s.batch {
		refs[i] = r.ref
	}
	vals, err := s.ahead.reads.Names(ctx, refs)
	if err != nil {
		s.err, s.done = err, true
		return false
	}
	s.ahead.names = make(map[cgraph.Ref]quad.Value, len(refs))
	for i, ref := range refs {
		if vals[i] != nil {
			s.ahead.names[ref] = vals[i]
		}
	}
	return true
}

func (s *aheadScanner) Result() cgraph.Ref {
	if s.at < 0 || s.at >= len(s.batch) {
		return nil
	}
	return s.batch[s.at].ref
}

func (s *aheadScanner) TagResults(dst map[string]cgraph.Ref) {
	if s.at < 0 || s.at >= len(s.batch) {
		return
	}
	for k, v := range s.batch[s.at].paths[s.path] {
		dst[k] = v
	}
}

func (s *aheadScanner) NextPath(ctx context.Context) bool {
	if s.at < 0 || s.at >= len(s.batch) || s.path+1 >= len(s.batch[s.at].paths) {
		return false
	}
	s.path++
	return true
}

func (s *aheadScanner) Err() error     { return s.err }
func (s *aheadScanner) Close() error   { return s.sub.Close() }
func (s *aheadScanner) String() string { return "ReadAhead" }
