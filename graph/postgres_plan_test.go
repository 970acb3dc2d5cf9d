package graph

import (
	"context"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
)

// sqlScanner behaves as Cayley's SQL scanner does with paths: each result
// has two paths, and asking for another path after it said there is none
// reads past the result (a panic there).
type sqlScanner struct {
	cgraph.Scanner
	results, paths int
	ended          bool
}

func (s *sqlScanner) Next(context.Context) bool {
	s.ended = false
	s.paths = 1
	s.results--
	return s.results >= 0
}

func (s *sqlScanner) NextPath(context.Context) bool {
	if s.ended {
		panic("NextPath after NextPath said there were no more paths")
	}
	s.paths++
	s.ended = s.paths > 2
	return !s.ended
}

// A join asks each member for more paths in turn and may ask again after
// one said no; onePathEnd answers no again without asking.
func TestOnePathEnd(t *testing.T) {
	ctx := context.Background()
	s := &onePathEnd{Scanner: &sqlScanner{results: 2}}
	var paths []int
	for s.Next(ctx) {
		n := 1
		for s.NextPath(ctx) {
			n++
		}
		if s.NextPath(ctx) || s.NextPath(ctx) {
			t.Fatal("NextPath said yes after saying no")
		}
		paths = append(paths, n)
	}
	if len(paths) != 2 || paths[0] != 2 || paths[1] != 2 {
		t.Errorf("paths per result = %v, want [2 2]", paths)
	}
}
