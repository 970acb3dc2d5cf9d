package graph

import (
	"context"
	"fmt"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// copyBatch is how many quads InMemory hands the memory store at a time.
const copyBatch = 1 << 16

// InMemory returns a new memory store holding a copy of every quad of s,
// for `serve --preload`: Cayley's memstore instead of the Bolt file and its
// caches, at the price of the copy's start-up time and memory. Since the
// Bolt reader (boltread.go) it is rarely faster (BENCHMARKS.md). The copy
// does not follow later writes to s.
func (s *Store) InMemory(ctx context.Context) (*Store, error) {
	m, err := Open(ctx, Config{Backend: Memory})
	if err != nil {
		return nil, err
	}
	batch := make([]cgraph.Delta, 0, copyBatch)
	flush := func() error {
		err := m.qs.ApplyDeltas(batch, cgraph.IgnoreOpts{IgnoreDup: true})
		batch = batch[:0]
		return err
	}
	err = s.EachQuad(ctx, func(q quad.Quad) error {
		batch = append(batch, cgraph.Delta{Quad: q, Action: cgraph.Add})
		if len(batch) == copyBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("copy store into memory: %w", err)
	}
	return m, nil
}
