package graph

import (
	"context"
	"errors"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"

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
// predicates and graph labels with one pass over the quads.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Backend: s.cfg.Backend, Address: redact(s.cfg.Address)}
	cs, err := s.backendStats(ctx, true)
	if err != nil {
		return st, err
	}
	st.Quads, st.Nodes = cs.Quads.Size, cs.Nodes.Size
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
// or when ctx is done.
func (s *Store) EachQuad(ctx context.Context, fn func(quad.Quad) error) error {
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
