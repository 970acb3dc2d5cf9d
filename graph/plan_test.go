package graph_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Multi-hop paths give the same answers on a Bolt store, where the planner
// is handed counted sizes and scans of several fixed directions (plan.go),
// as on a memory store, where it is not.
func TestStore_BoltPathsMatchMemory(t *testing.T) {
	const data = "../quads"
	b := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer b.Close()
	m := openMemory(t)
	for _, s := range []*graph.Store{b, m} {
		if _, err := load(t, s, data); err != nil {
			t.Fatal(err)
		}
	}
	paths := map[string]func(*path.Path) *path.Path{
		"helpers of ICE": func(p *path.Path) *path.Path {
			return p.In(quad.IRI("assists"))
		},
		"assertions about ICE's heads": func(p *path.Path) *path.Path {
			return p.In(graph.Object).Has(graph.Predicate, graph.HeadOf).Out(graph.WasDerivedFrom)
		},
		"two levels of sub-units, named": func(p *path.Path) *path.Path {
			return p.Out(graph.SubOrganizationOf).In(graph.SubOrganizationOf).In(graph.SubOrganizationOf).Out(graph.Name)
		},
		"sources of assertions that someone assists ICE": func(p *path.Path) *path.Path {
			return p.In(graph.Object).Has(graph.Predicate, quad.IRI("assists")).Out(graph.WasDerivedFrom)
		},
		"assertions one graph states that someone details staff to ICE": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/000")).In(graph.Object).Has(graph.Predicate, quad.IRI("detailsStaffTo"))
		},
		"quotes of assertions whose object is ICE": func(p *path.Path) *path.Path {
			return p.In(graph.Object).Out(graph.Quote)
		},
		"parent as one graph states it": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/cisa")).Out(graph.SubOrganizationOf)
		},
		"every predicate and object of ICE in one graph, predicates tagged": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/federalregister")).OutWithTags([]string{"pred"})
		},
		"sub-units that have sub-units, by tag": func(p *path.Path) *path.Path {
			return p.Out(graph.SubOrganizationOf).In(graph.SubOrganizationOf).Tag("unit").In(graph.SubOrganizationOf).Back("unit")
		},
		"sources stating something about ICE in the CBS graph": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/002")).In().Out(graph.Type)
		},
	}
	// Every node one link of any kind from DHS's units: when the planner
	// checks a candidate against a hop with a predicate (Is drives the walk
	// below), a link of another kind must not count.
	dhsUnits := func(p *path.Path) *path.Path { return p.Out(graph.SubOrganizationOf).In(graph.SubOrganizationOf) }
	linked := answers(t, m, dhsUnits(path.StartPath(m.QuadStore(), quad.IRI("ICE"))).In())
	paths["sub-units among every node linked to a unit"] = func(p *path.Path) *path.Path {
		vals := make([]quad.Value, len(linked))
		for i, s := range linked {
			vals[i] = quad.StringToValue(s)
		}
		return dhsUnits(p).In(graph.SubOrganizationOf).Is(vals...)
	}
	for name, build := range paths {
		t.Run(name, func(t *testing.T) {
			onBolt := answers(t, b, build(path.StartPath(b.QuadStore(), quad.IRI("ICE"))))
			onMemory := answers(t, m, build(path.StartPath(m.QuadStore(), quad.IRI("ICE"))))
			if len(onMemory) == 0 {
				t.Fatalf("no answers on memory: the path tests nothing")
			}
			if !slices.Equal(onBolt, onMemory) {
				t.Errorf("bolt: %q\nmemory: %q", onBolt, onMemory)
			}
		})
	}
}

// answers are a path's distinct values, sorted, as N-Quads terms.
func answers(t *testing.T, s *graph.Store, p *path.Path) []string {
	t.Helper()
	vals, err := p.Iterate(context.Background()).AllValues(s.QuadStore())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vals {
		out = append(out, quad.StringOf(v))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// A Bolt store keeps the quads queries read decoded in memory (boltread.go);
// a write must not leave a query served the quads as they were before it.
// Each step reads ICE's helpers (warming the cache), writes, and reads
// again.
func TestStore_BoltReadsSeeWrites(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer s.Close()
	if _, err := load(t, s, "../quads"); err != nil {
		t.Fatal(err)
	}
	helpers := func() []string {
		return answers(t, s, path.StartPath(s.QuadStore(), quad.IRI("ICE")).In(quad.IRI("assists")))
	}
	before := helpers()
	if !slices.Contains(before, "<IRS>") {
		t.Fatalf("helpers of ICE before any write: %q, want <IRS> among them", before)
	}
	// The data states it in two sources' graphs.
	irs := []quad.Quad{
		quad.Make(quad.IRI("IRS"), quad.IRI("assists"), quad.IRI("ICE"), quad.IRI("src/001")),
		quad.Make(quad.IRI("IRS"), quad.IRI("assists"), quad.IRI("ICE"), quad.IRI("src/002")),
	}
	newcomer := quad.Make(quad.IRI("FAA"), quad.IRI("assists"), quad.IRI("ICE"), nil)
	// A node no other quad uses: removing the quad removes the node, and
	// adding it again gives the node a new ID.
	taskForce := []quad.Quad{quad.Make(quad.IRI("task-force"), quad.IRI("assists"), quad.IRI("ICE"), nil)}
	assisted := func() []string {
		return answers(t, s, path.StartPath(s.QuadStore(), quad.IRI("task-force")).Out(quad.IRI("assists")))
	}
	withoutIRS := without(before, "<IRS>")
	steps := []struct {
		name     string
		write    func() error
		helpers  []string
		assisted []string // by <task-force>
	}{
		{"remove", func() error { return s.Remove(ctx, irs) }, withoutIRS, nil},
		{"add back", func() error { return s.Add(ctx, irs) }, before, nil},
		{"add another", func() error { return s.Add(ctx, []quad.Quad{newcomer}) }, with(before, "<FAA>"), nil},
		{"remove again", func() error { return s.Remove(ctx, irs) }, with(withoutIRS, "<FAA>"), nil},
		{"add a new node", func() error { return s.Add(ctx, taskForce) }, with(with(withoutIRS, "<FAA>"), "<task-force>"), []string{"<ICE>"}},
		{"remove it", func() error { return s.Remove(ctx, taskForce) }, with(withoutIRS, "<FAA>"), nil},
		{"add it again", func() error { return s.Add(ctx, taskForce) }, with(with(withoutIRS, "<FAA>"), "<task-force>"), []string{"<ICE>"}},
	}
	for _, st := range steps {
		helpers() // read what is there, so that it is cached
		assisted()
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := helpers(); !slices.Equal(got, st.helpers) {
			t.Errorf("after %s: helpers of ICE %q, want %q", st.name, got, st.helpers)
		}
		if got := assisted(); !slices.Equal(got, st.assisted) {
			t.Errorf("after %s: <task-force> assists %q, want %q", st.name, got, st.assisted)
		}
	}
}

func without(list []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == v })
}

func with(list []string, v string) []string {
	out := append(slices.Clone(list), v)
	slices.Sort(out)
	return out
}

// Readers sharing a Bolt store's caches while another goroutine writes see,
// once the writes stop, the store as the last write left it. (Run with
// -race -gcflags=all=-d=checkptr=0: Bolt v1.3.1 trips checkptr.)
func TestStore_BoltReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer s.Close()
	if _, err := load(t, s, "../quads"); err != nil {
		t.Fatal(err)
	}
	helpers := func() ([]quad.Value, error) {
		return path.StartPath(s.QuadStore(), quad.IRI("ICE")).In(quad.IRI("assists")).Iterate(ctx).AllValues(s.QuadStore())
	}
	toggled := []quad.Quad{quad.Make(quad.IRI("task-force"), quad.IRI("assists"), quad.IRI("ICE"), nil)}
	stop := readConcurrently(4, func() error { _, err := helpers(); return err })
	for i := range 50 {
		write := s.Add
		if i%2 == 1 {
			write = s.Remove
		}
		if err := write(ctx, toggled); err != nil {
			t.Fatal(err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	got, err := helpers()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		if v == quad.IRI("task-force") {
			t.Fatalf("after the last write removed it, <task-force> still assists ICE: %v", got)
		}
	}
	if len(got) == 0 {
		t.Fatal("no helpers of ICE at all after the writes")
	}
}

// Queries keep running while a write grows the Bolt file. Bolt's writer
// remaps the file once every reader has finished, and readers that begin
// meanwhile wait for it: a query that held one read transaction while it
// opened another (a scan, then the names of what it found) hung the
// process for good the first time that happened.
func TestStore_BoltQueriesDuringGrowingWrites(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "g.bolt")
	s := openBolt(t, file)
	if _, err := load(t, s, "../quads"); err != nil {
		t.Fatal(err)
	}
	// A query, and the passes over the whole log (stats, EachQuad, g.V()).
	reads := []func() error{
		func() error {
			qs := s.QuadStore()
			p := path.StartPath(qs, quad.IRI("ICE")).In(graph.Object).Has(graph.Predicate, quad.IRI("assists")).Out(graph.WasDerivedFrom).Out()
			_, err := p.Iterate(ctx).AllValues(qs)
			return err
		},
		func() error { _, err := s.Stats(ctx); return err },
		func() error { return s.EachQuad(ctx, func(quad.Quad) error { return nil }) },
		func() error { _, err := path.StartPath(s.QuadStore()).Iterate(ctx).Count(); return err },
	}
	var n atomic.Int64
	stop := readConcurrently(4, func() error { return reads[n.Add(1)%int64(len(reads))]() })
	// The file doubles at least once: Bolt's mapping, a power of two at
	// least the file's size, is outgrown on the way.
	start := fileSize(t, file)
	written := make(chan error, 1)
	go func() {
		for i := 0; fileSize(t, file) < 2*start; i++ {
			batch := make([]quad.Quad, 500)
			for j := range batch {
				batch[j] = quad.Make(quad.IRI(fmt.Sprintf("office/%d-%d", i, j)), quad.IRI("assists"), quad.IRI("ICE"), quad.IRI(fmt.Sprintf("src/g%d", j)))
			}
			if err := s.Add(ctx, batch); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()
	select {
	case err := <-written:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		// Readers and writer are stuck on each other; closing the store
		// would wait for them too.
		t.Fatal("the writer did not finish within 30 s: readers and writer deadlocked")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		t.Error(err)
		return 1 << 62
	}
	return fi.Size()
}

// readConcurrently calls read over and over in n goroutines until stop is
// called; stop returns the first error any of them met.
func readConcurrently(n int, read func() error) (stop func() error) {
	done := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if err := read(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	return func() error {
		close(done)
		var first error
		for range n {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}
