package server

import (
	"context"
	"errors"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// DefaultMaxQueryMemory is how far the heap may grow while queries run
// before they are stopped (1 GiB).
const DefaultMaxQueryMemory = 1 << 30

// memoryTick is how often the heap is measured while queries run: a script
// allocating as fast as it can gains a few hundred megabytes between ticks
// at most.
const memoryTick = 10 * time.Millisecond

// errMemory is the cause of the cancellation of queries stopped by the
// memory guard.
var errMemory = errors.New("memory limit")

const heapMetric = "/memory/classes/heap/objects:bytes"

// memoryGuard stops running queries when the heap grows by more than limit
// bytes over its size when the guard was made. A deadline alone does not
// bound memory: `var a = []; while (true) a.push("x".repeat(1e6))` takes
// gigabytes in a second, and Go, running out, kills the whole process. Go
// cannot tell which goroutine allocated what, so every query running at
// that moment is stopped (503, retry); the heap then shrinks back.
type memoryGuard struct {
	limit uint64
	base  uint64

	mu      sync.Mutex
	next    int
	running map[int]context.CancelCauseFunc
	stop    chan struct{} // closes the watcher; nil when none runs
}

// newMemoryGuard measures the heap as it is (the store loaded), and at least
// as large as the collector lets it grow before its next collection (twice
// its live part with GOGC=100, more when the command tunes it): that
// garbage must not count as growth, or a large in-memory store would have
// ordinary queries stopped.
func newMemoryGuard(limit int64) *memoryGuard {
	base := max(heapBytes(), 2*readUint64(liveMetric), readUint64(goalMetric))
	return &memoryGuard{limit: uint64(limit), base: base, running: map[int]context.CancelCauseFunc{}}
}

const (
	liveMetric = "/gc/heap/live:bytes"
	goalMetric = "/gc/heap/goal:bytes"
)

func heapBytes() uint64 { return readUint64(heapMetric) }

func readUint64(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// track returns a context for one query that the guard cancels with cause
// errMemory, and the function that ends the tracking. The watcher runs
// only while some query does.
func (g *memoryGuard) track(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	g.mu.Lock()
	id := g.next
	g.next++
	g.running[id] = cancel
	if g.stop == nil {
		g.stop = make(chan struct{})
		go g.watch(g.stop)
	}
	g.mu.Unlock()
	return ctx, func() {
		g.mu.Lock()
		delete(g.running, id)
		if len(g.running) == 0 && g.stop != nil {
			close(g.stop)
			g.stop = nil
		}
		g.mu.Unlock()
		cancel(nil)
	}
}

func (g *memoryGuard) watch(stop chan struct{}) {
	t := time.NewTicker(memoryTick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if heapBytes() <= g.base+g.limit {
			continue
		}
		g.mu.Lock()
		for _, cancel := range g.running {
			cancel(errMemory)
		}
		g.mu.Unlock()
		// Give the memory back before the next tick sees it again: the
		// stopped scripts' values are garbage once their VMs return.
		time.Sleep(memoryTick)
		debug.FreeOSMemory()
	}
}
