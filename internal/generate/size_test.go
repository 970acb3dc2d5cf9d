package generate

import (
	"math/rand/v2"
	"testing"
)

// However the usual figure and the spread of a size fall, no article
// states zero or fewer employees or field offices.
func TestStatedSize_Positive(t *testing.T) {
	for seed := range uint64(2000) {
		w := &writer{rng: rand.New(rand.NewPCG(seed, 1)), sizes: map[sizeKey]*size{}}
		for range 50 {
			if s := w.statedSize(1); s.n < 1 {
				t.Fatalf("seed %d: %v stated as %d", seed, s.key, s.n)
			}
		}
	}
}
