package graph

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/boltdb/bolt"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
)

// In a store marked as holding no deleted quad, nodes come from index keys
// (keyscan.go). They must be the answers reading the log gives, each as
// many times and with the same tags, and a count must be the same.
func TestStore_BoltKeysAnswerAsTheLog(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	if !s.bolt.allLive() {
		t.Fatal("a store the bulk loader wrote is not marked as holding no deleted quad")
	}
	paths := map[string]func(*path.Path) *path.Path{
		"helpers":                          func(p *path.Path) *path.Path { return p.In(quad.IRI("assists")) },
		"every link in, predicates tagged": func(p *path.Path) *path.Path { return p.InWithTags([]string{"pred"}) },
		"assertions with a predicate":      func(p *path.Path) *path.Path { return p.In(Object).Has(Predicate, quad.IRI("assists")) },
		"predicates in":                    func(p *path.Path) *path.Path { return p.InPredicates() },
		"assertions about sub-units":       func(p *path.Path) *path.Path { return p.In(SubOrganizationOf).In(Subject) },
		"sources of assertions":            func(p *path.Path) *path.Path { return p.In(Subject).Out(WasDerivedFrom) },
	}
	run := func(build func(*path.Path) *path.Path, live bool) ([]string, int64) {
		s.bolt.live.Store(live)
		defer s.bolt.live.Store(true)
		qs := s.QuadStore()
		p := build(path.StartPath(qs, quad.IRI("ICE")))
		var rows []string
		err := p.Iterate(ctx).TagEach(func(tags map[string]cgraph.Ref) {
			var row []string
			for k, v := range tags {
				row = append(row, k+"="+quad.StringOf(qs.NameOf(v)))
			}
			slices.Sort(row)
			rows = append(rows, strings.Join(row, " "))
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.Iterate(ctx).Count()
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(rows)
		return rows, n
	}
	for name, build := range paths {
		t.Run(name, func(t *testing.T) {
			fromLog, logCount := run(build, false)
			if len(fromLog) == 0 {
				t.Fatal("no answers: the path tests nothing")
			}
			fromKeys, keyCount := run(build, true)
			if !slices.Equal(fromKeys, fromLog) {
				t.Errorf("from keys:\n%s\nfrom the log:\n%s", strings.Join(fromKeys, "\n"), strings.Join(fromLog, "\n"))
			}
			if keyCount != logCount || keyCount != int64(len(fromLog)) {
				t.Errorf("count %d from keys, %d from the log, %d rows", keyCount, logCount, len(fromLog))
			}
		})
	}
}

// The mark survives writes that only add and goes with the first that
// deletes, through this tool or around it (as Cayley's own tools write):
// after that the store is read through the log, and a deleted quad is not
// an answer.
func TestStore_BoltLiveMarkFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer func() { s.Close() }()
	irs := []quad.Quad{
		quad.Make(quad.IRI("IRS"), quad.IRI("assists"), quad.IRI("ICE"), quad.IRI("src/001")),
		quad.Make(quad.IRI("IRS"), quad.IRI("assists"), quad.IRI("ICE"), quad.IRI("src/002")),
	}
	faa := []quad.Quad{quad.Make(quad.IRI("FAA"), quad.IRI("assists"), quad.IRI("ICE"), nil)}
	deltas := func(action cgraph.Procedure, qs []quad.Quad) []cgraph.Delta {
		var out []cgraph.Delta
		for _, q := range qs {
			out = append(out, cgraph.Delta{Quad: q, Action: action})
		}
		return out
	}
	steps := []struct {
		name  string
		mark  bool // mark the store first, as a load would leave it
		write func() error
		live  bool
		irs   bool // IRS still among ICE's helpers
	}{
		{"add", false, func() error { return s.Add(ctx, faa) }, true, true},
		{"remove around the Store, as Cayley's tools do", true, func() error {
			return s.qs.ApplyDeltas(deltas(cgraph.Delete, irs), cgraph.IgnoreOpts{})
		}, false, false},
		{"add back", false, func() error { return s.Add(ctx, irs) }, false, true},
		{"remove through the Store", true, func() error { return s.Remove(ctx, irs) }, false, false},
	}
	for _, st := range steps {
		if st.mark {
			if err := s.bolt.markLive(true); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		// Reopen, as the next process would.
		cfg := s.cfg
		s.Close()
		var err error
		if s, err = Open(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		if got := s.bolt.allLive(); got != st.live {
			t.Errorf("after %s: marked live = %v, want %v", st.name, got, st.live)
		}
		qs := s.QuadStore()
		helpers, err := path.StartPath(qs, quad.IRI("ICE")).In(quad.IRI("assists")).Iterate(ctx).AllValues(qs)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(helpers, quad.Value(quad.IRI("IRS"))); got != st.irs {
			t.Errorf("after %s: IRS among ICE's helpers = %v, want %v (%s)", st.name, got, st.irs, fmt.Sprint(helpers))
		}
	}
}

// A damaged index key is an error for the query that meets it, not a
// crash.
func TestStore_BoltDamagedKeyIsAnError(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	qs := s.QuadStore()
	ice := uint64(qs.ValueOf(quad.IRI("ICE")).(kv.Int64Value))
	obj := uint64(qs.ValueOf(Object).(kv.Int64Value))
	key := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, ice), obj)
	key = append(key, 1, 2, 3) // three bytes where a subject's eight belong
	err := s.bolt.db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("ops")).Put(key, []byte{1}) })
	if err != nil {
		t.Fatal(err)
	}
	_, err = path.StartPath(qs, quad.IRI("ICE")).In(Object).Iterate(ctx).AllValues(qs)
	if err == nil || !strings.Contains(err.Error(), "malformed key") {
		t.Errorf("err = %v, want the malformed key reported", err)
	}
}

// nodeRefs lists the store's every node.
func nodeRefs(t *testing.T, qs *sizedStore) []cgraph.Ref {
	t.Helper()
	var nodes []cgraph.Ref
	err := cgraph.Iterate(context.Background(), qs.NodesAllIterator()).EachValue(qs, func(v quad.Value) {
		nodes = append(nodes, qs.ValueOf(v))
	})
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// InCounts from the object index's entries gives, for every node of the
// bundled dataset and several predicate sets, the number of quads Cayley's
// own iterators find with the node as object; once a quad is deleted
// (its ID stays in the index) it declines, and the caller walks instead.
func TestStore_BoltInCountsFromKeys(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	qs := s.QuadStore().(*sizedStore)
	nodes := nodeRefs(t, qs)
	ref := func(v quad.Value) cgraph.Ref { return qs.ValueOf(v) }
	predSets := map[string][]cgraph.Ref{
		"every predicate": nil,
		"one":             {ref(WasDerivedFrom)},
		"two":             {ref(Subject), ref(Object)},
	}
	for name, preds := range predSets {
		got, ok, err := qs.InCounts(ctx, nodes, preds)
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, err %v; want counts from a live store", name, ok, err)
		}
		nonzero := 0
		for i, n := range nodes {
			var want int64
			err := cgraph.Iterate(ctx, qs.QuadIterator(quad.Object, n)).Each(func(r cgraph.Ref) {
				if preds == nil || slices.ContainsFunc(preds, func(p cgraph.Ref) bool {
					return p == qs.QuadDirection(r, quad.Predicate)
				}) {
					want++
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if got[i] != want {
				t.Errorf("%s: %v has %d quads in, InCounts says %d", name, qs.NameOf(n), want, got[i])
			}
			if want > 0 {
				nonzero++
			}
		}
		if nonzero < 5 || preds == nil && nonzero < 1000 {
			t.Errorf("%s: only %d nodes with quads in: too few to test anything", name, nonzero)
		}
	}
	var first cgraph.Ref
	if err := cgraph.Iterate(ctx, qs.QuadIterator(quad.Object, ref(quad.IRI("ICE")))).Limit(1).Each(func(r cgraph.Ref) { first = r }); err != nil || first == nil {
		t.Fatalf("no quad into ICE to delete (%v)", err)
	}
	if err := s.Remove(ctx, []quad.Quad{qs.Quad(first)}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.QuadStore().(*sizedStore).InCounts(ctx, nodes, nil); ok || err != nil {
		t.Errorf("after a delete: ok %v, err %v; want it to decline", ok, err)
	}
}

// Links must give each node the links a subject scan gives (QuadIterator),
// in its order, before and after a delete (a deleted quad's ID stays in
// the index), a node given twice its links once, and decline a ref that is
// not a node ID.
func TestStore_BoltLinksInOneRead(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	qs := s.QuadStore().(*sizedStore)
	nodes := nodeRefs(t, qs)
	ice := qs.ValueOf(quad.IRI("ICE"))
	check := func(when string) {
		t.Helper()
		qs := s.QuadStore().(*sizedStore)
		got, ok, err := qs.Links(ctx, append(nodes, ice))
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, err %v", when, ok, err)
		}
		withLinks := 0
		for i, n := range nodes {
			var want [][2]cgraph.Ref
			err := cgraph.Iterate(ctx, qs.QuadIterator(quad.Subject, n)).Each(func(r cgraph.Ref) {
				want = append(want, [2]cgraph.Ref{qs.QuadDirection(r, quad.Predicate), qs.QuadDirection(r, quad.Object)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got[i], want) {
				t.Fatalf("%s: links of %v: %v, a scan gives %v", when, qs.NameOf(n), got[i], want)
			}
			if len(want) > 0 {
				withLinks++
			}
		}
		if withLinks < 1000 {
			t.Errorf("%s: only %d nodes with links: too few to test anything", when, withLinks)
		}
		if last := got[len(got)-1]; last != nil {
			t.Errorf("%s: ICE given a second time got %d links again", when, len(last))
		}
	}
	check("loaded")
	var first cgraph.Ref
	if err := cgraph.Iterate(ctx, qs.QuadIterator(quad.Subject, ice)).Limit(1).Each(func(r cgraph.Ref) { first = r }); err != nil || first == nil {
		t.Fatalf("no quad from ICE to delete (%v)", err)
	}
	if err := s.Remove(ctx, []quad.Quad{qs.Quad(first)}); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
	if _, ok, err := s.QuadStore().(*sizedStore).Links(ctx, []cgraph.Ref{ice, cgraph.PreFetched(quad.IRI("ICE"))}); ok || err != nil {
		t.Errorf("a ref that is no node ID: ok %v, err %v; want it to decline", ok, err)
	}
}

// A query's store remembers the IDs of the IRIs it named, so that a script
// handing them back (g.V.apply(g, ids)) needs no lookup; each must be the
// ID a lookup gives, and after a write that gives a value a new ID (all
// its quads deleted, then added again) the old one must not be used.
func TestStore_BoltNamedIRIsFollowWrites(t *testing.T) {
	ctx := context.Background()
	loaded := loadedBolt(t, "../quads")
	loaded.Close()
	// A command's store: it keeps no IDs in the Bolt reader's shared cache.
	s, err := Open(ctx, Config{Backend: Bolt, Address: loaded.cfg.Address, OneQuery: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	qs := s.QuadStore()
	var nodes []cgraph.Ref
	if err := cgraph.Iterate(ctx, qs.NodesAllIterator()).Each(func(r cgraph.Ref) { nodes = append(nodes, r) }); err != nil {
		t.Fatal(err)
	}
	vals, err := qs.(*sizedStore).ValuesOf(ctx, nodes)
	if err != nil {
		t.Fatal(err)
	}
	fresh := s.QuadStore()
	iris := 0
	for i, v := range vals {
		if _, ok := v.(quad.IRI); !ok {
			continue
		}
		iris++
		if got, want := qs.ValueOf(v), fresh.ValueOf(v); got != want || got != nodes[i] {
			t.Errorf("%v: named store gives %v, a lookup %v, the node is %v", v, got, want, nodes[i])
		}
	}
	if iris < 1000 {
		t.Fatalf("only %d IRIs named: too few to test anything", iris)
	}
	x := quad.Make(quad.IRI("x-test"), quad.IRI("assists"), quad.IRI("ICE"), nil)
	if err := s.Add(ctx, []quad.Quad{x}); err != nil {
		t.Fatal(err)
	}
	old := qs.ValueOf(x.Subject)
	qs.NameOf(old) // remembered
	if err := s.Remove(ctx, []quad.Quad{x}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, []quad.Quad{x}); err != nil {
		t.Fatal(err)
	}
	now := s.QuadStore().ValueOf(x.Subject)
	if now == old {
		t.Fatalf("%v kept its ID %v through deletion and re-adding: the check below proves nothing", x.Subject, old)
	}
	if got := qs.ValueOf(x.Subject); got != now {
		t.Errorf("after the write the query's store gives %v for %v, the old ID; a lookup gives %v", got, x.Subject, now)
	}
}

// OutPredicates and InPredicates from several nodes, read from the index
// keys (keyPredicates), give what Cayley's own iterators give on the same
// Bolt file, in the same order: from two hubs, from a node given twice and
// a literal, and from every node of the bundled dataset. Once a quad is
// deleted (its ID stays in the index) the plan declines.
func TestStore_BoltPredicatesFromKeys(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	qs := s.QuadStore().(*sizedStore)
	ref := func(v quad.Value) cgraph.Ref { return qs.ValueOf(v) }
	sets := map[string][]cgraph.Ref{
		"two hubs":                  {ref(quad.IRI("ICE")), ref(quad.IRI("DHS"))},
		"a repeat and a literal":    {ref(quad.IRI("USCIS")), ref(quad.String("Department of Homeland Security")), ref(quad.IRI("USCIS"))},
		"every node of the dataset": nodeRefs(t, qs),
	}
	for name, nodes := range sets {
		for _, in := range []bool{false, true} {
			sh := shape.Predicates(shape.Fixed(nodes), in)
			planned, _ := shape.Optimize(sh, qs)
			if _, ok := planned.(keyPredicates); !ok {
				t.Fatalf("%s (in %v): planned as %T, want keyPredicates", name, in, planned)
			}
			got, want := orderedNames(t, qs, planned.BuildIterator(qs)), orderedNames(t, qs, sh.BuildIterator(qs.QuadStore))
			if !slices.Equal(got, want) || len(want) < 2 {
				t.Errorf("%s (in %v): keys give %v\nCayley's iterators %v", name, in, got, want)
			}
		}
	}
	if err := s.Remove(ctx, []quad.Quad{quad.MakeIRI("ICE", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "Agency", "")}); err != nil {
		t.Fatal(err)
	}
	qs = s.QuadStore().(*sizedStore)
	sh := shape.Predicates(shape.Fixed(sets["two hubs"]), false)
	if planned, _ := shape.Optimize(sh, qs); !isUnique(planned) {
		t.Errorf("after a delete: planned as %T, want Cayley's own", planned)
	}
}

func isUnique(sh shape.Shape) bool { _, ok := sh.(shape.Unique); return ok }

// orderedNames are it's results, named, in the order it gives them; it is
// closed.
func orderedNames(t *testing.T, qs cgraph.QuadStore, it cgraph.Iterator) []string {
	t.Helper()
	defer it.Close()
	var names []string
	for it.Next(context.Background()) {
		names = append(names, quad.StringOf(qs.NameOf(it.Result())))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}
