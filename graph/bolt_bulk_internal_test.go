package graph

import (
	"bytes"
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// indexOrder's counting sort gives what a stable comparison sort by the
// index's directions gives: ties in quad order, the default graph (0)
// first, every position once.
func TestIndexOrder_MatchesComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const nodes = 50
	qs := make([][4]uint32, 3000)
	for i := range qs {
		// Few distinct values per direction, so that runs of equal keys
		// are long and ties decide most of the order.
		qs[i] = [4]uint32{1 + rng.Uint32N(nodes), 1 + rng.Uint32N(5), 1 + rng.Uint32N(nodes), rng.Uint32N(3)}
	}
	qs = append(qs, [4]uint32{nodes, 5, nodes, 2}) // the largest IDs
	for _, dirs := range [][]quad.Direction{
		{quad.Subject, quad.Predicate},
		{quad.Object, quad.Predicate},
		{quad.Label},
		{quad.Predicate, quad.Label, quad.Object, quad.Subject},
	} {
		want := make([]uint32, len(qs))
		for i := range want {
			want[i] = uint32(i)
		}
		slices.SortStableFunc(want, func(a, b uint32) int {
			for _, d := range dirs {
				if c := cmp.Compare(qs[a][dirIndex(d)], qs[b][dirIndex(d)]); c != 0 {
					return c
				}
			}
			return 0
		})
		if got := indexOrder(qs, dirs, nodes); !slices.Equal(got, want) {
			t.Errorf("indexOrder(%v) differs from a stable sort", dirs)
		}
	}
}

// hashNodes gives every node once, in the byte order of its hash.
func TestHashNodes_InHashOrder(t *testing.T) {
	enc := newEncoded()
	for i := range 5000 {
		enc.id(quad.IRI("e/" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))))
	}
	l := &layout{enc: enc, nodes: uint64(len(enc.nodes) - 1)}
	hs := l.hashNodes()
	if uint64(len(hs)) != l.nodes {
		t.Fatalf("%d hashed nodes, want %d", len(hs), l.nodes)
	}
	seen := make(map[uint32]bool)
	for i, x := range hs {
		if seen[x.id] || x.h != cgraph.HashOf(enc.nodes[x.id]) {
			t.Fatalf("entry %d: node %d repeated or hashed wrong", i, x.id)
		}
		seen[x.id] = true
		if i > 0 && bytes.Compare(hs[i-1].h[:], x.h[:]) >= 0 {
			t.Fatalf("entries %d and %d out of hash order", i-1, i)
		}
	}
}
