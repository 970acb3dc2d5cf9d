package graph

import (
	"context"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Add adds quads in one transaction, for writers that hold parsed quads (the
// HTTP write endpoints) rather than N-Quads text. An invalid quad (one
// without a subject, predicate or object) is EINVALID and leaves the store
// as it was. Adding a quad the store holds is not an error, as with Load.
func (s *Store) Add(ctx context.Context, quads []quad.Quad) error {
	return s.write(ctx, cgraph.Add, quads)
}

// Remove removes quads in one transaction, like Add; removing a quad the
// store does not hold is not an error.
//
// There is no batch that both adds and removes: Cayley v0.7.7's kv writer
// nets each node's reference count over a batch, and a quad added in a batch
// that removes more quads than it adds on one of the added quad's nodes is
// written without that node (seen on Bolt).
func (s *Store) Remove(ctx context.Context, quads []quad.Quad) error {
	return s.write(ctx, cgraph.Delete, quads)
}

func (s *Store) write(ctx context.Context, action cgraph.Procedure, quads []quad.Quad) error {
	if err := s.writable(); err != nil {
		return err
	}
	deltas := make([]cgraph.Delta, 0, len(quads))
	for i, q := range quads {
		if !q.IsValid() {
			return Errorf(EINVALID, "quad %d to %s is incomplete: %v", i, verb[action], q)
		}
		deltas = append(deltas, cgraph.Delta{Quad: q, Action: action})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(deltas) == 0 {
		return nil
	}
	if err := s.applyDeltas(deltas, cgraph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}); err != nil {
		return fmt.Errorf("write quads: %w", err)
	}
	s.InvalidateLookup()
	return nil
}

var verb = map[cgraph.Procedure]string{cgraph.Add: "add", cgraph.Delete: "delete"}

// writable fails on a Bolt store opened read-only: a load would otherwise
// rebuild the file beside the shared handle and rename it over the file
// other readers hold (see rebuildBolt).
func (s *Store) writable() error {
	if s.cfg.Backend == Bolt && s.cfg.ReadOnly {
		return Errorf(EINVALID, "%s was opened read-only", s.cfg)
	}
	return nil
}
