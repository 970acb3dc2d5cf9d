package cli

import (
	"os"

	"github.com/bytedance/gopkg/util/gctuner"
)

// gcThreshold is the heap size up to which serve lets garbage accumulate
// between collections.
const gcThreshold = 512 << 20

// tuneGC spaces out garbage collections while the heap is small. Go
// collects whenever the heap doubles its live part (GOGC=100). A query on a
// Bolt store keeps little live, the store being a mapped file, and
// allocates much, so it collected every few megabytes: a third of its CPU,
// where the same query on a memory store, gigabytes live, hardly collected
// (measured on a 1M-quad store: the saved query assists 390 ms at GOGC=100,
// 200 ms at 1000). The tuner sets GOGC after each collection so that the
// next comes near gcThreshold, between 100 (as Go's default, so a large
// live heap is collected no less often) and 1000 (at most ten times the
// live heap). GOGC in the environment wins.
//
// Only serve, which lives long, tunes: a short command pays more for the
// fresh pages a larger heap faults in than it saves in collections (a cold
// `query facilities` 265 ms with GOGC=100, 340 ms tuned).
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	gctuner.SetMinGCPercent(100)
	gctuner.SetMaxGCPercent(1000)
	gctuner.Tuning(gcThreshold)
}
