package graph

import (
	"context"
	"fmt"

	"github.com/cayleygraph/quad"
)

// InMemory returns a new memory store holding a copy of every quad of s,
// for `serve --preload`: the memory store instead of the Bolt file and its
// caches, at the price of the copy's start-up time and memory. Since the
// Bolt reader (boltread.go) it is rarely faster (BENCHMARKS.md). The copy
// does not follow later writes to s.
func (s *Store) InMemory(ctx context.Context) (*Store, error) {
	enc := newEncoded()
	err := s.EachQuad(ctx, func(q quad.Quad) error {
		enc.add(q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy store into memory: %w", err)
	}
	m, err := Open(ctx, Config{Backend: Memory})
	if err != nil {
		return nil, err
	}
	m.qs.(*memStore).addEncoded(enc)
	return m, nil
}
