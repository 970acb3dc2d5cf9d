package graph

import (
	"context"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Apply removes del and adds add in one transaction, for writers that hold
// parsed quads (the HTTP write and delete endpoints) rather than N-Quads
// text. An invalid quad (one without a subject, predicate or object) is
// EINVALID and leaves the store as it was. Adding a quad the store holds
// and removing one it does not are not errors, as with Load.
func (s *Store) Apply(ctx context.Context, add, del []quad.Quad) error {
	deltas := make([]cgraph.Delta, 0, len(add)+len(del))
	for i, q := range del {
		if !q.IsValid() {
			return Errorf(EINVALID, "quad %d to delete is incomplete: %v", i, q)
		}
		deltas = append(deltas, cgraph.Delta{Quad: q, Action: cgraph.Delete})
	}
	for i, q := range add {
		if !q.IsValid() {
			return Errorf(EINVALID, "quad %d to add is incomplete: %v", i, q)
		}
		deltas = append(deltas, cgraph.Delta{Quad: q, Action: cgraph.Add})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(deltas) == 0 {
		return nil
	}
	if err := s.qs.ApplyDeltas(deltas, cgraph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}); err != nil {
		return fmt.Errorf("write quads: %w", err)
	}
	s.InvalidateLookup()
	return nil
}
