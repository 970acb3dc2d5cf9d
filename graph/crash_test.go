package graph_test

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/generate"
)

// crashKills is how many times TestStore_BoltLoadSurvivesSIGKILL kills a load.
const crashKills = 20

func writeGenerated(t *testing.T, path string, quads int, seed int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := (generate.Generator{Quads: quads, Seed: seed}).Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, dst, src string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// boltCounts opens the Bolt file as a new process would and returns its
// quad counter and the quads a full scan finds.
func boltCounts(t *testing.T, path string) (counter, scanned int64) {
	t.Helper()
	s, err := graph.Open(context.Background(), graph.Config{Backend: graph.Bolt, Address: path})
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer s.Close()
	st, err := s.QuadStore().Stats(context.Background(), false)
	if err != nil {
		t.Fatalf("stats after kill: %v", err)
	}
	err = s.EachQuad(context.Background(), func(quad.Quad) error {
		scanned++
		return nil
	})
	if err != nil {
		t.Fatalf("scan after kill: %v", err)
	}
	return st.Quads.Size, scanned
}

// A loader process killed with SIGKILL at a random moment of a large load
// into Bolt leaves a store that opens and holds either everything it held
// before the load or everything after it, never part of the load. The kills
// are spread over the whole run of an uninterrupted load (start-up, parsing,
// writing the new file, the rename), and the store is not restored between
// kills, so each load also starts next to the temporary file the last one
// left behind.
func TestStore_BoltLoadSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a loader process 20 times; skipped with -short")
	}
	dir := t.TempDir()
	base, more := filepath.Join(dir, "base.nq"), filepath.Join(dir, "more.nq")
	writeGenerated(t, base, 15_000, 1)
	writeGenerated(t, more, 60_000, 2)

	pristine := filepath.Join(dir, "pristine.bolt")
	if out, err := helper(t, pristine, base).CombinedOutput(); err != nil {
		t.Fatalf("base load: %v\n%s", err, out)
	}
	before, _ := boltCounts(t, pristine)

	// One load run to the end gives the after count and how long a load takes.
	full := filepath.Join(dir, "full.bolt")
	copyFile(t, full, pristine)
	start := time.Now()
	if out, err := helper(t, full, more).CombinedOutput(); err != nil {
		t.Fatalf("full load: %v\n%s", err, out)
	}
	took := time.Since(start)
	after, _ := boltCounts(t, full)
	if after <= before {
		t.Fatalf("the load added nothing: %d quads before, %d after", before, after)
	}

	store := filepath.Join(dir, "store.bolt")
	copyFile(t, store, pristine)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var sawBefore, sawAfter, midWrite int
	for i := range crashKills {
		cmd := helper(t, store, more)
		started := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(took)))
		time.Sleep(delay)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		if fi, err := os.Stat(store + ".load-tmp"); err == nil && fi.ModTime().After(started) {
			midWrite++ // this load's temporary file, not the last one's
		}
		counter, scanned := boltCounts(t, store)
		switch {
		case counter != scanned:
			t.Fatalf("kill %d after %v: counter says %d quads, a scan finds %d", i+1, delay, counter, scanned)
		case counter == before:
			sawBefore++
		case counter == after:
			sawAfter++
			copyFile(t, store, pristine) // start the next load from before again
		default:
			t.Fatalf("kill %d after %v: store holds %d quads, want %d (before) or %d (after)",
				i+1, delay, counter, before, after)
		}
	}
	t.Logf("%d kills over a %v load: %d left the store as before (%d while the new file was being written), %d as after",
		crashKills, took.Round(time.Millisecond), sawBefore, midWrite, sawAfter)
	if sawBefore == 0 {
		t.Errorf("no kill landed before the load finished: the test did not test anything")
	}
}

// Closing a Bolt store while another goroutine is still reading it (a query
// that outlived its deadline) ends that reader with an error; it must not
// fault on the unmapped file, which would kill the process.
func TestStore_BoltCloseWhileReading(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.nq")
	writeGenerated(t, data, 20_000, 3)
	s := openBolt(t, filepath.Join(dir, "store.bolt"))
	if _, err := load(t, s, data); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errc := make(chan error, 1)
	scans := make(chan int, 1)
	go func() {
		for n := 0; ; n++ {
			if n == 1 {
				scans <- n // one full scan done: the reader is going
			}
			if err := s.EachQuad(ctx, func(quad.Quad) error { return nil }); err != nil {
				errc <- err
				return
			}
		}
	}()
	<-scans
	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	select {
	case err := <-errc:
		if !strings.Contains(err.Error(), "store is closed") {
			t.Errorf("reader after close: %v, want a 'store is closed' error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reader went on after the store was closed")
	}
}
