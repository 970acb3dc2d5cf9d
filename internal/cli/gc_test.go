package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/bytedance/gopkg/util/gctuner"
)

// gcPercent reads the collector's GOGC without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// serve's tuning leaves an explicit GOGC alone, and otherwise lets a small
// heap (this test process's) grow to ten times its live part.
func TestTuneGC(t *testing.T) {
	orig := gcPercent()
	t.Cleanup(func() {
		gctuner.Tuning(0) // stop the tuner: the rest of the package's tests run untuned
		debug.SetGCPercent(orig)
	})

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	tuneGC()
	runtime.GC()
	if got := gcPercent(); got != 150 {
		t.Fatalf("with GOGC=150 in the environment: GOGC %d after tuneGC", got)
	}

	t.Setenv("GOGC", "")
	tuneGC()
	// The tuner runs from a finalizer, on its own goroutine after a collection.
	got := gcPercent()
	for i := 0; i < 100 && got != 1000; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		got = gcPercent()
	}
	if got != 1000 {
		t.Fatalf("small heap: GOGC %d after tuneGC, want 1000", got)
	}
}
