package graph

import (
	"context"
	"errors"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/proto"

	"github.com/cayleygraph/quad"
)

// Stats counts what a store holds.
type Stats struct {
	Backend    Backend `json:"backend"`
	Address    string  `json:"address,omitempty"`
	Quads      int64   `json:"quads"`
	Nodes      int64   `json:"nodes"`
	Predicates int64   `json:"predicates"`
	Labels     int64   `json:"graph_labels"` // sources: one graph label per source
}

// Stats counts quads and nodes from the backend's own counters, and distinct
// predicates and graph labels with one pass over the quads. On Bolt one
// pass over the log counts nodes, predicates and labels by ID (logStats):
// Cayley counts nodes by reading the log in batches of a hundred random
// reads and the pass over the quads names every quad's four values, a
// minute for a million quads.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Backend: s.cfg.Backend, Address: redact(s.cfg.Address)}
	cs, err := s.backendStats(ctx, s.bolt == nil)
	if err != nil {
		return st, err
	}
	st.Quads, st.Nodes = cs.Quads.Size, cs.Nodes.Size
	if s.bolt != nil {
		st.Nodes, st.Predicates, st.Labels, err = s.bolt.logStats(ctx)
		return st, err
	}
	if mem, ok := s.qs.(*memStore); ok {
		st.Predicates, st.Labels = mem.used(quad.Predicate), mem.used(quad.Label)
		return st, nil
	}
	preds := map[quad.Value]struct{}{}
	labels := map[quad.Value]struct{}{}
	err = s.EachQuad(ctx, func(q quad.Quad) error {
		preds[q.Predicate] = struct{}{}
		if q.Label != nil {
			labels[q.Label] = struct{}{}
		}
		return nil
	})
	st.Predicates, st.Labels = int64(len(preds)), int64(len(labels))
	return st, err
}

// logStats counts, in one pass over the log, the live nodes (entries with
// a value) and the distinct predicates and labels of the live quads, as
// Cayley's iterators would find them: an entry marked deleted is neither.
func (r *boltReader) logStats(ctx context.Context) (nodes, predicates, labels int64, err error) {
	preds, labs := map[uint64]struct{}{}, map[uint64]struct{}{}
	err = r.scanLog(ctx, func(p *proto.Primitive) error {
		switch {
		case p.Deleted:
		case p.IsNode():
			nodes++
		default:
			preds[p.Predicate] = struct{}{}
			if p.Label != 0 {
				labs[p.Label] = struct{}{}
			}
		}
		return nil
	}, nil)
	return nodes, int64(len(preds)), int64(len(labs)), err
}

// backendStats asks the backend for its counts; exact counts nodes one by
// one on key-value stores. A Bolt store that was never written to has no
// counters yet: that is an empty store, not an error.
func (s *Store) backendStats(ctx context.Context, exact bool) (cgraph.Stats, error) {
	cs, err := s.qs.Stats(ctx, exact)
	if errors.Is(err, kv.ErrNoBucket) {
		return cgraph.Stats{}, nil
	}
	if err != nil {
		return cs, fmt.Errorf("stats: %w", err)
	}
	return cs, nil
}

// EachQuad calls fn for every quad in the store, stopping at fn's first error
// or when ctx is done. A Bolt store is read in one pass over its log
// (boltReader.eachQuad); Cayley's iterator reads it in batches of a
// hundred random reads and names each value through its own kv layer.
func (s *Store) EachQuad(ctx context.Context, fn func(quad.Quad) error) error {
	if s.bolt != nil {
		if err := s.bolt.eachQuad(ctx, fn); err != nil {
			return fmt.Errorf("scan quads: %w", err)
		}
		return nil
	}
	it := s.qs.QuadsAllIterator()
	defer it.Close()
	for it.Next(ctx) {
		if err := fn(s.qs.Quad(it.Result())); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("scan quads: %w", err)
	}
	return ctx.Err()
}
