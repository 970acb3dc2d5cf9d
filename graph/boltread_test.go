package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"
	hbolt "github.com/hidal-go/hidalgo/kv/bolt"
)

// A scan stops soon after its query's context is done, even inside one
// Next: here the hub's quads are all deleted but the last, so the first Next
// would otherwise read through several batches of dead ones to reach it.
func TestScan_StopsWhenContextDone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const n = 3 * maxBatch
	var text strings.Builder
	dead := make([]quad.Quad, 0, n-1)
	for i := range n {
		q := quad.Make(quad.IRI("hub"), quad.IRI("p"), quad.IRI(fmt.Sprintf("o%d", i)), nil)
		fmt.Fprintln(&text, q.NQuad())
		if i < n-1 {
			dead = append(dead, q)
		}
	}
	file := filepath.Join(dir, "hub.nq")
	if err := os.WriteFile(file, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loadedBolt(t, file)
	defer s.Close()
	if err := s.Remove(ctx, dead); err != nil {
		t.Fatal(err)
	}
	qs := s.QuadStore().(*sizedStore)
	hub := uint64(qs.ValueOf(quad.IRI("hub")).(kv.Int64Value))
	ind, _ := bestIndex(qs.indexes, func(d quad.Direction) bool { return d == quad.Subject })
	sc := &scan{qs: qs, ind: ind, vals: []uint64{hub}}

	live := sc.Iterate()
	if !live.Next(ctx) || qs.Quad(live.Result()).Object != quad.IRI(fmt.Sprintf("o%d", n-1)) {
		t.Fatalf("scan of the hub: want its one live quad first, got %v (err %v)", live.Result(), live.Err())
	}
	live.Close()

	done, cancel := context.WithCancel(ctx)
	cancel()
	it := sc.Iterate()
	defer it.Close()
	if it.Next(done) {
		t.Fatalf("Next with a done context read on to %v", qs.Quad(it.Result()))
	}
	if it.Err() != context.Canceled {
		t.Errorf("Err() = %v, want context.Canceled", it.Err())
	}
}

// A reader that passes over the store once (ScanQuadStore, for a streamed
// export) reads without filling the caches; a query (QuadStore) fills them.
func TestScanQuadStore_LeavesCachesEmpty(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	cached := func() int {
		return s.bolt.quads.EstimatedSize() + s.bolt.vals.EstimatedSize() + s.bolt.refs.EstimatedSize()
	}
	walk := func(qs cgraph.QuadStore) int {
		vals, err := path.StartPath(qs, quad.IRI("ICE")).In().Out().Iterate(ctx).AllValues(qs)
		if err != nil {
			t.Fatal(err)
		}
		return len(vals)
	}
	if n := walk(s.ScanQuadStore()); n == 0 || cached() != 0 {
		t.Fatalf("after a scan reading %d values, %d entries cached; want some values and none cached", n, cached())
	}
	if walk(s.QuadStore()); cached() == 0 {
		t.Fatal("a query through QuadStore cached nothing: the check above proves nothing")
	}
}

// Asked whether a node has a value (Has, an In or Out from known nodes), a
// Bolt store reads only the node's quads with that predicate, not all of
// them: an assertion has ten or more, and a saved query checks thousands.
// A store marked as holding no deleted quad (live.go) reads none: the
// index keys hold the answer.
func TestStore_BoltChecksReadOnlyTheirPredicate(t *testing.T) {
	ctx := context.Background()
	for _, live := range []bool{false, true} {
		s := loadedBolt(t, "../quads")
		s.bolt.live.Store(live)
		qs := s.QuadStore()
		heads, err := path.StartPath(qs, quad.IRI("ICE")).In(Object).Has(Predicate, HeadOf).Iterate(ctx).AllValues(qs)
		if err != nil {
			t.Fatal(err)
		}
		if len(heads) == 0 {
			t.Fatal("no assertion of ICE's heads: the check below proves nothing")
		}
		read := quadsRead(s)
		s.Close()
		if live && len(read) > 0 {
			t.Errorf("marked store: read quads %v from the log; want none", read)
		}
		for pred, n := range read {
			if pred != quad.StringOf(Object) && pred != quad.StringOf(Predicate) {
				t.Errorf("read %d quads with predicate %s; want only rdf:object and rdf:predicate quads", n, pred)
			}
		}
	}
}

// A hop whose predicates are tagged (Gizmo's Out(preds, "tag"), which the
// neighbors and path queries use) gives on Bolt and on our memory store the
// rows, tags included, that Cayley's memstore gives, and on Bolt reads
// only the quads with those predicates. Cayley's planner drove such a hop
// from the predicates, which no index of the kv layout serves: a scan of
// every quad in the store for each predicate (neighbors DHS --hops 2 took
// 50 s on a million quads).
func TestStore_BoltTaggedPredicatesReadOnlyTheirQuads(t *testing.T) {
	mem := loaded(t, Config{Backend: Memory}, "../quads")
	defer mem.Close()
	plain := cayleyMemstore(t, mem) // the same quads in Cayley's memstore, without our optimizer
	rel := []interface{}{quad.IRI("assists"), quad.IRI("detailsStaffTo"), quad.IRI("deputizes")}
	relNames := []string{"<assists>", "<detailsStaffTo>", "<deputizes>"}
	// Each unit comes once for each graph that states it: a hop from
	// them must not walk a unit's links once per repeat.
	units := values(t, plain, path.StartPath(plain, quad.IRI("DHS")).In(SubOrganizationOf))
	if len(units) == len(sorted(slices.Compact(sorted(units)))) {
		t.Fatalf("DHS's units %q come once each: the repeats this tests are not there", units)
	}
	// From 32 values a set is a nodeSet (nodeset.go), tagged or not.
	preds := values(t, plain, path.StartPath(plain).OutPredicates())
	var predNames []string
	var predVals []interface{}
	for _, p := range preds {
		predNames, predVals = append(predNames, quad.StringOf(p)), append(predVals, p)
	}
	if len(preds) < minNodeSet {
		t.Fatalf("the store has %d predicates, too few for a nodeSet of them", len(preds))
	}
	cases := map[string]struct {
		read  []string // the predicates the hop may read quads of
		build func(qs cgraph.QuadStore) *path.Path
	}{
		"one node, one tagged predicate in": {relNames[:1], func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("ICE")).InWithTags([]string{"p"}, rel[0])
		}},
		"one node, tagged predicates in": {relNames, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("ICE")).InWithTags([]string{"p"}, rel...)
		}},
		"one tagged node, predicates in under two tags": {relNames, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("ICE")).Tag("node").InWithTags([]string{"p", "q"}, rel...)
		}},
		"DHS's units, tagged predicates out": {relNames, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, units...).Tag("node").OutWithTags([]string{"p"}, rel...)
		}},
		"one node, every predicate tagged, both ways": {predNames, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, quad.IRI("ICE")).BothWithTags([]string{"p"}, predVals...)
		}},
		"DHS's units, predicates out, untagged": {relNames, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, units...).Tag("node").Out(rel...)
		}},
		"DHS's units, tagged, their units": {[]string{quad.StringOf(SubOrganizationOf)}, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, units...).Tag("node").In(SubOrganizationOf)
		}},
		"DHS's units, their units by a tagged predicate": {[]string{quad.StringOf(SubOrganizationOf)}, func(qs cgraph.QuadStore) *path.Path {
			return path.StartPath(qs, units...).Tag("node").InWithTags([]string{"p"}, SubOrganizationOf)
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			want := tagRows(t, plain, c.build(plain))
			if len(want) == 0 {
				t.Fatal("no rows from Cayley's memstore: the path tests nothing")
			}
			if got := tagRows(t, mem.QuadStore(), c.build(mem.QuadStore())); !slices.Equal(got, want) {
				t.Errorf("memory: %q\nCayley's memstore: %q", got, want)
			}
			b := loadedBolt(t, "../quads")
			defer b.Close()
			b.bolt.live.Store(false) // read quads from the log, where they are counted
			qs := b.QuadStore()
			if got := tagRows(t, qs, c.build(qs)); !slices.Equal(got, want) {
				t.Errorf("bolt: %q\nCayley's memstore: %q", got, want)
			}
			for pred, n := range quadsRead(b) {
				if !slices.Contains(c.read, pred) {
					t.Errorf("read %d quads with predicate %s; want only quads of %q", n, pred, c.read)
				}
			}
		})
	}
}

// tagRows are a path's results, each with its tags and every path to it
// (as Gizmo's TagArray gives them), as one string, sorted.
func tagRows(t *testing.T, qs cgraph.QuadStore, p *path.Path) []string {
	t.Helper()
	it, _ := p.BuildIteratorOn(qs).Optimize()
	return iteratorRows(t, qs, it)
}

// iteratorRows are it's results as tagRows gives a path's; it is closed.
func iteratorRows(t *testing.T, qs cgraph.QuadStore, it cgraph.Iterator) []string {
	t.Helper()
	ctx := context.Background()
	defer it.Close()
	var rows []string
	add := func() {
		tags := map[string]cgraph.Ref{}
		it.TagResults(tags)
		row := []string{"result=" + quad.StringOf(qs.NameOf(it.Result()))}
		for k, v := range tags {
			row = append(row, k+"="+quad.StringOf(qs.NameOf(v)))
		}
		slices.Sort(row[1:])
		rows = append(rows, strings.Join(row, " "))
	}
	for it.Next(ctx) {
		add()
		for it.NextPath(ctx) {
			add()
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rows
}

// EachQuad and g.V() on Bolt read the log in passes of their own (scanLog,
// logNodes) and give every live quad and node that Cayley's iterators
// give, each once: over several batches, with more values than EachQuad
// keeps named at once, and after a delete has marked quads dead and added
// ones after them.
func TestStore_BoltLogPassesMatchCayley(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var nq strings.Builder
	for i := range logBatch / 2 { // nodes and quads: more than one batch
		fmt.Fprintf(&nq, "<n/%d> <p/%d> \"v %d\" <g/%d> .\n", i, i%7, i, i%3)
	}
	file := filepath.Join(dir, "big.nq")
	if err := os.WriteFile(file, []byte(nq.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loaded(t, Config{Backend: Bolt, Address: filepath.Join(dir, "g.bolt")}, "../quads", file)
	defer s.Close()
	var gone []quad.Quad
	for i := 0; i < 200; i++ {
		gone = append(gone, quad.Make(quad.IRI(fmt.Sprintf("n/%d", i)), quad.IRI(fmt.Sprintf("p/%d", i%7)), quad.String(fmt.Sprintf("v %d", i)), quad.IRI(fmt.Sprintf("g/%d", i%3))))
	}
	if err := s.Remove(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, []quad.Quad{quad.MakeIRI("ICE", "p/new", "n/1", "g/new"), quad.MakeIRI("new-node", "p/new", "ICE", "")}); err != nil {
		t.Fatal(err)
	}

	t.Run("EachQuad", func(t *testing.T) {
		var want []string
		it := s.qs.QuadsAllIterator() // Cayley's own
		for it.Next(ctx) {
			want = append(want, s.qs.Quad(it.Result()).NQuad())
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		var got []string
		err := s.EachQuad(ctx, func(q quad.Quad) error {
			got = append(got, q.NQuad())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		slices.Sort(got)
		if len(want) < logBatch/2 || !slices.Equal(got, want) {
			t.Errorf("EachQuad gave %d quads, Cayley's iterator %d (or they differ)", len(got), len(want))
		}
		if s.bolt.vals.EstimatedSize() > 0 {
			t.Errorf("the pass filled the value cache with %d values", s.bolt.vals.EstimatedSize())
		}
	})
	t.Run("all nodes", func(t *testing.T) {
		want := values(t, s.qs, path.StartPath(s.qs)) // Cayley's own
		qs := s.QuadStore()
		if n := len(want); n < logBatch/2 || !slices.Contains(want, quad.Value(quad.IRI("new-node"))) {
			t.Fatalf("Cayley's iterator gave %d nodes, not the new one among them: the check proves little", n)
		}
		if got := values(t, qs, path.StartPath(qs)); !slices.Equal(got, want) {
			t.Errorf("g.V() gave %d nodes, Cayley's iterator %d (or they differ)", len(got), len(want))
		}
		if got := values(t, qs, path.StartPath(qs).Limit(3)); !slices.Equal(got, want[:3]) {
			t.Errorf("g.V().Limit(3) = %q, want %q", got, want[:3])
		}
		if !holdsLogScan(path.StartPath(qs), qs) {
			t.Error("g.V() on Bolt is not planned as a logScan: the checks above test Cayley's iterator")
		}
	})
	t.Run("quads with a label", func(t *testing.T) {
		checkLogScan(t, s, quad.Label, quad.IRI("g/1"))
	})
	t.Run("quads with a predicate", func(t *testing.T) {
		for _, p := range []quad.Value{quad.IRI("p/3"), Name} {
			checkScan[*scan](t, s, quad.Predicate, p)
		}
	})
	t.Run("quads with a predicate, in Cayley's own two indexes", func(t *testing.T) {
		s := cayleyIndexed(t, 500)
		checkLogScan(t, s, quad.Predicate, quad.IRI("p/3"))
	})
}

// checkLogScan checks that the quads with v in d are read by a logScan,
// and are those Cayley's own iterator reads from the same file.
func checkLogScan(t *testing.T, s *Store, d quad.Direction, v quad.Value) {
	t.Helper()
	it := checkScan[sizedShape](t, s, d, v)
	if _, ok := it.IteratorShape.(logScan); !ok {
		t.Errorf("%s %s: the scan is %T, not a logScan", d, v, it.IteratorShape)
	}
}

// checkScan checks that the quads with v in d are read by an iterator of
// shape S, and are those Cayley's own iterator reads from the same file.
func checkScan[S cgraph.IteratorShape](t *testing.T, s *Store, d quad.Direction, v quad.Value) S {
	t.Helper()
	qs := s.QuadStore()
	ref := qs.ValueOf(v)
	want := quadsOf(t, s.qs, s.qs.QuadIterator(d, ref)) // Cayley's own
	if len(want) < 50 {
		t.Fatalf("%s %s: %d quads from Cayley's scan, too few to test", d, v, len(want))
	}
	it := qs.QuadIterator(d, ref)
	sh, ok := cgraph.AsShape(it).(S)
	if !ok {
		t.Errorf("%s %s: the scan is %T, not a %T", d, v, cgraph.AsShape(it), sh)
	}
	if got := quadsOf(t, qs, it); !slices.Equal(got, want) {
		t.Errorf("%s %s: %d quads, Cayley's scan %d (or they differ)", d, v, len(got), len(want))
	}
	return sh
}

// cayleyIndexed returns a Bolt store that Cayley's kv.Init made, with its
// two indexes (as cayley init and cayley load make one), holding n quads
// added through Cayley's writer: <n/i> <p/i%7> "v i" <g/i%3>.
func cayleyIndexed(t *testing.T, n int) *Store {
	t.Helper()
	file := filepath.Join(t.TempDir(), "cayley.bolt")
	db, err := hbolt.Open(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := kv.Init(db, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), Config{Backend: Bolt, Address: file})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var qs []quad.Quad
	for i := range n {
		qs = append(qs, quad.Make(quad.IRI(fmt.Sprintf("n/%d", i)), quad.IRI(fmt.Sprintf("p/%d", i%7)), quad.String(fmt.Sprintf("v %d", i)), quad.IRI(fmt.Sprintf("g/%d", i%3))))
	}
	if err := s.Add(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	if s.indexes == nil || len(s.indexes) != len(kv.DefaultQuadIndexes) {
		t.Fatalf("the store keeps indexes %v, want Cayley's %v", s.indexes, kv.DefaultQuadIndexes)
	}
	return s
}

// quadsOf are the quads it gives, in N-Quads, sorted; it is closed.
func quadsOf(t *testing.T, qs cgraph.QuadStore, it cgraph.Iterator) []string {
	t.Helper()
	defer it.Close()
	var out []string
	for it.Next(context.Background()) {
		out = append(out, qs.Quad(it.Result()).NQuad())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// holdsLogScan reports whether the path's iterator tree, as planned on
// qs, walks the log with a logScan.
func holdsLogScan(p *path.Path, qs cgraph.QuadStore) bool {
	var walk func(it cgraph.IteratorShape) bool
	walk = func(it cgraph.IteratorShape) bool {
		if _, ok := it.(logScan); ok {
			return true
		}
		return slices.ContainsFunc(it.SubIterators(), walk)
	}
	return walk(cgraph.AsShape(p.BuildIteratorOn(qs)))
}

// quadsRead counts the quads in the store's cache (those read from the
// log) by predicate.
func quadsRead(s *Store) map[string]int {
	qs := s.QuadStore()
	read := map[string]int{}
	for _, p := range s.bolt.quads.All() {
		read[quad.StringOf(qs.NameOf(kv.Int64Value(p.Predicate)))]++
	}
	return read
}

// loadedBolt returns a Bolt store in a temporary file holding the quads of
// paths.
func loadedBolt(t *testing.T, paths ...string) *Store {
	t.Helper()
	return loaded(t, Config{Backend: Bolt, Address: filepath.Join(t.TempDir(), "g.bolt")}, paths...)
}

// loaded returns the store cfg opens, holding the quads of paths.
func loaded(t testing.TB, cfg Config, paths ...string) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ins, err := Inputs(paths, nil)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), ins, LoadOptions{}); err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s
}

// A store opened for one query keeps neither the decoded quads nor the
// values its query reads, only the IDs of the values it looks up; one
// opened for many keeps the IDs of the values it reads too, and both
// answer alike.
func TestStore_BoltOneQueryKeepsNoQuadsOrValues(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	file := s.cfg.Address
	s.Close()
	var answers [2][]quad.Value
	for i, once := range []bool{true, false} {
		ro, err := Open(ctx, Config{Backend: Bolt, Address: file, ReadOnly: true, OneQuery: once})
		if err != nil {
			t.Fatal(err)
		}
		qs := ro.QuadStore()
		answers[i], err = path.StartPath(qs, quad.IRI("ICE")).In().Out().Iterate(ctx).AllValues(qs)
		if err != nil {
			t.Fatal(err)
		}
		quads, vals, refs := ro.bolt.quads.EstimatedSize(), ro.bolt.vals.EstimatedSize(), ro.bolt.refs.EstimatedSize()
		literals := 0
		for k := range ro.bolt.refs.Keys() {
			if !strings.HasPrefix(k.v, "<") {
				literals++
			}
		}
		ro.Close()
		if once != (literals == 0) {
			t.Errorf("OneQuery %v: IDs of %d literals cached", once, literals)
		}
		if once != (quads == 0) || once != (vals == 0) {
			t.Errorf("OneQuery %v: %d quads, %d values cached", once, quads, vals)
		}
		if refs == 0 {
			t.Errorf("OneQuery %v: no value IDs cached", once)
		}
	}
	if len(answers[0]) == 0 || !slices.Equal(answers[0], answers[1]) {
		t.Errorf("one query: %d answers; many: %d; want the same, some", len(answers[0]), len(answers[1]))
	}
}

// A read-only Bolt store keeps its read transactions open and hands them
// out again: a query that checks each of an agency's assertions for a
// predicate opens a handful of transactions, not one per check. Several
// readers at once each get one of their own, and Close ends them all, so
// that the file is let go at once for a writer.
func TestStore_BoltReadOnlyKeepsTransactions(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	file := s.cfg.Address
	s.Close()
	ro, err := Open(ctx, Config{Backend: Bolt, Address: file, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	heads := func() ([]quad.Value, error) {
		qs := ro.QuadStore()
		return path.StartPath(qs, quad.IRI("ICE")).In(Object).Has(Predicate, HeadOf).Out(Subject).Iterate(ctx).AllValues(qs)
	}
	want, err := heads()
	if err != nil || len(want) == 0 {
		t.Fatalf("ICE's heads: %v (err %v); want some", want, err)
	}
	before := ro.bolt.db.bolt.Stats().TxN
	const queries = 4 * 50
	var wg sync.WaitGroup
	errs := make(chan error, queries)
	for range 4 {
		wg.Go(func() {
			for range 50 {
				got, err := heads()
				if err == nil && len(got) != len(want) {
					err = fmt.Errorf("a reader got %d heads; want %d", len(got), len(want))
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Each query still opens two through Cayley's own kv layer; the
	// reader's own (23 a query when each read opened one) are kept ones.
	if opened := ro.bolt.db.bolt.Stats().TxN - before; opened > 3*queries {
		t.Errorf("%d queries on a read-only store opened %d read transactions; want the kept ones reused", queries, opened)
	}
	start := time.Now()
	if err := ro.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("close took %v: kept transactions held the file", d)
	}
	w, err := Open(ctx, Config{Backend: Bolt, Address: file})
	if err != nil {
		t.Fatalf("a writer after the readers closed: %v", err)
	}
	w.Close()
}

// A log cursor steps to nearby IDs and searches for the rest; either
// way it must give what a plain Get gives: for IDs in order, over the gaps
// that deleted values leave in the log, backwards, missing (0, past the
// horizon) and again.
func TestLogCursor_EntryMatchesGet(t *testing.T) {
	var text strings.Builder
	var gone []quad.Quad
	for i := range 40 {
		q := quad.Make(quad.IRI("s"), quad.IRI("p"), quad.String(fmt.Sprintf("literal %d", i)), nil)
		fmt.Fprintln(&text, q.NQuad())
		if i%5 == 2 || i%5 == 3 {
			gone = append(gone, q) // its literal's log entry goes with it
		}
	}
	file := filepath.Join(t.TempDir(), "lits.nq")
	if err := os.WriteFile(file, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loadedBolt(t, file)
	defer s.Close()
	if err := s.Remove(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	tx, err := s.bolt.begin(false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.close()
	var ids []uint64
	for id := range uint64(100) {
		ids = append(ids, id)
	}
	ids = append(ids, 50, 49, 48, 47, 60, 3, 3, 2, 90, 98, 7)
	missing := 0
	for i, id := range ids {
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], id)
		want := tx.log.Get(k[:])
		if want == nil {
			missing++
		}
		if got := tx.quadLog.entry(tx.log, id); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("log entry %d after %v: got %d bytes, want %d (Get)", id, ids[:i], len(got), len(want))
		}
	}
	if missing < 20 {
		t.Fatalf("only %d of the IDs asked for are missing from the log: the gaps are not tested", missing)
	}
}

// An index cursor steps to a key a few ahead and searches for the rest;
// either way it must land where a new cursor's Seek does: on every key of
// the bundled dataset's subject index in order, between keys, the key it
// is on again, the key it just stepped past, a node's first key, past runs
// longer than its step, backwards, and past the end.
func TestReadTx_IndexCursorMatchesSeek(t *testing.T) {
	s := loadedBolt(t, "../quads")
	defer s.Close()
	ind, n := bestIndex(s.indexes, func(d quad.Direction) bool { return d == quad.Subject })
	if n == 0 {
		t.Fatal("no subject index")
	}
	bucket, _ := indexKey(ind, nil)
	var batch int
	tx, ic, err := s.bolt.batchCursor(false, bucket, &batch)
	if err != nil || ic == nil {
		t.Fatalf("cursor on %s: %v", bucket, err)
	}
	defer tx.close()
	plain := tx.bucket(bucket).Cursor()
	var keys [][]byte
	for k, _ := plain.First(); k != nil; k, _ = plain.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	if len(keys) < 10*indexStep {
		t.Fatalf("%d keys: too few to step past", len(keys))
	}
	between := func(k []byte) []byte { return append(bytes.Clone(k), 0) }
	var targets [][]byte
	for i, k := range keys {
		targets = append(targets, k)
		switch i % 7 {
		case 0:
			targets = append(targets, between(k), k) // then the key it stepped past
		case 3:
			targets = append(targets, k) // again, where it is
		case 5:
			targets = append(targets, k[:8]) // its node's first key, behind or on it
		}
	}
	for i := 0; i < len(keys); i += 3 * indexStep { // runs longer than a step
		targets = append(targets, keys[i])
	}
	targets = append(targets, keys[len(keys)/2], keys[3], between(keys[len(keys)-1]), keys[10], []byte{0xff, 0xff})
	for i, target := range targets {
		wk, wv := plain.Seek(target)
		if gk, gv := ic.Seek(target); !bytes.Equal(gk, wk) || !bytes.Equal(gv, wv) {
			t.Fatalf("seek %x (target %d of %d): got key %x, want %x", target, i, len(targets), gk, wk)
		}
	}
}

// BenchmarkStore_BoltLogPasses times the passes over a whole Bolt store's
// log (stats, EachQuad, g.V().Count(), a scan by label) on 300k
// synthetic quads, ours and, under cayley/, the same through Cayley's kv
// iterators:
//
//	go test ./graph -run '^$' -bench BoltLogPasses -benchtime 5x
func BenchmarkStore_BoltLogPasses(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	var nq strings.Builder
	for i := range 300_000 {
		fmt.Fprintf(&nq, "<n/%d> <p/%d> <n/%d> <g/%d> .\n", i%50_000, i%7, (i*7919)%50_000, i%3)
	}
	file := filepath.Join(dir, "g.nq")
	if err := os.WriteFile(file, []byte(nq.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	s := loaded(b, Config{Backend: Bolt, Address: filepath.Join(dir, "g.bolt")}, file)
	defer s.Close()
	passes := map[string]func() error{
		"stats": func() error { _, err := s.Stats(ctx); return err },
		"EachQuad": func() error {
			return s.EachQuad(ctx, func(quad.Quad) error { return nil })
		},
		"g.V().Count()": func() error {
			_, err := path.StartPath(s.QuadStore()).Iterate(ctx).Count()
			return err
		},
		"quads with a label": func() error {
			qs := s.QuadStore()
			it := qs.QuadIterator(quad.Label, qs.ValueOf(quad.IRI("g/1")))
			defer it.Close()
			for it.Next(ctx) {
			}
			return it.Err()
		},
	}
	drain := func(it cgraph.Iterator, fn func(cgraph.Ref)) error {
		defer it.Close()
		for it.Next(ctx) {
			fn(it.Result())
		}
		return it.Err()
	}
	passes["cayley/stats"] = func() error { _, err := s.qs.Stats(ctx, true); return err }
	passes["cayley/EachQuad"] = func() error {
		return drain(s.qs.QuadsAllIterator(), func(r cgraph.Ref) { s.qs.Quad(r) })
	}
	passes["cayley/g.V().Count()"] = func() error {
		return drain(s.qs.NodesAllIterator(), func(cgraph.Ref) {})
	}
	passes["cayley/quads with a label"] = func() error {
		return drain(s.qs.QuadIterator(quad.Label, s.qs.ValueOf(quad.IRI("g/1"))), func(cgraph.Ref) {})
	}
	for _, name := range slices.Sorted(maps.Keys(passes)) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := passes[name](); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// indexKey gives the bucket and key Cayley's QuadIndex.Key gives.
func TestIndexKey(t *testing.T) {
	for _, tc := range []struct {
		ind  kv.QuadIndex
		vals []uint64
	}{
		{kv.QuadIndex{Dirs: []quad.Direction{quad.Subject, quad.Predicate}}, []uint64{7, 1 << 40}},
		{kv.QuadIndex{Dirs: []quad.Direction{quad.Object, quad.Predicate, quad.Subject}}, []uint64{3}},
		{kv.QuadIndex{Dirs: []quad.Direction{quad.Object}}, nil},
	} {
		want := tc.ind.Key(tc.vals)
		bucket, prefix := indexKey(tc.ind, tc.vals)
		if !bytes.Equal(bucket, want[0]) || !bytes.Equal(prefix, want[1]) {
			t.Errorf("%v %v: bucket %q key %x, want %q %x", tc.ind.Dirs, tc.vals, bucket, prefix, want[0], want[1])
		}
		if cap(bucket) != len(bucket) {
			t.Errorf("%v: the bucket's name can grow into its key", tc.ind.Dirs)
		}
	}
}

// A Bolt store this tool makes, by a bulk load or by opening a new file
// and adding to it, keeps boltIndexes, predicate-subject-object among
// them, and Cayley's own store on the same file reads the list and keeps
// that index up to date as it writes.
func TestStore_NewBoltKeepsThePredicateIndex(t *testing.T) {
	ctx := context.Background()
	add := []quad.Quad{quad.MakeIRI("ICE", "p/added", "n/1", ""), quad.MakeIRI("DHS", "p/added", "ICE", "g/1")}
	for _, tc := range []struct {
		name string
		open func(t *testing.T) *Store
	}{
		{"bulk load", func(t *testing.T) *Store { return loadedBolt(t, "../quads") }},
		{"new file", func(t *testing.T) *Store {
			s, err := Open(ctx, Config{Backend: Bolt, Address: filepath.Join(t.TempDir(), "g.bolt")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.open(t)
			if !slices.EqualFunc(s.indexes, boltIndexes, func(a, b kv.QuadIndex) bool { return slices.Equal(a.Dirs, b.Dirs) }) {
				t.Fatalf("the store keeps indexes %v, want %v", s.indexes, boltIndexes)
			}
			if err := s.Add(ctx, add); err != nil { // through Cayley's writer
				t.Fatal(err)
			}
			qs := s.QuadStore()
			it := qs.QuadIterator(quad.Predicate, qs.ValueOf(quad.IRI("p/added")))
			if _, ok := cgraph.AsShape(it).(*scan); !ok {
				t.Errorf("the predicate's quads are read by %T, not an index scan", cgraph.AsShape(it))
			}
			want := []string{add[0].NQuad(), add[1].NQuad()}
			slices.Sort(want)
			if got := quadsOf(t, qs, it); !slices.Equal(got, want) {
				t.Errorf("the predicate index gives %q, want %q", got, want)
			}
		})
	}
}

// recentValues answers for the last ID put in each slot and for no other,
// an ID 4096 apart included; a transaction without one answers nothing.
func TestRecentValues(t *testing.T) {
	var rv recentValues
	n := uint64(len(rv))
	rv.put(7, quad.IRI("ICE"))
	rv.put(8, quad.String("eight"))
	rv.put(7+n, quad.IRI("DHS")) // the same slot as 7
	for _, tc := range []struct {
		id   uint64
		want quad.Value
	}{{7 + n, quad.IRI("DHS")}, {7, nil}, {8, quad.String("eight")}, {9, nil}, {8 + n, nil}, {0, nil}} {
		got, ok := rv.get(tc.id)
		if ok != (tc.want != nil) || (ok && got != tc.want) {
			t.Errorf("get(%d) = %v, %v; want %v", tc.id, got, ok, tc.want)
		}
	}
	var none *recentValues
	none.put(7, quad.IRI("ICE"))
	if v, ok := none.get(7); ok {
		t.Errorf("a nil recentValues gave %v", v)
	}
}

// A hop through a predicate walks whichever side is smaller: the nodes it
// starts from when they are few next to the predicate's quads (the units
// of DHS's components, two hops down, against 689 names: at Cayley's
// twenty quads a node, the planner guessed 10,000), the predicate's quads
// when they are few next to the nodes (nine conflictsWith quads, 552
// assertions) or as many. Both give what the memory store gives.
func TestStore_PredicateHopWalksTheSmallerSide(t *testing.T) {
	s := loadedBolt(t, "../quads")
	defer s.Close()
	m := loaded(t, Config{Backend: Memory}, "../quads")
	defer m.Close()
	for _, tc := range []struct {
		name      string
		path      func(*path.Path) *path.Path
		predFirst bool
	}{
		{"names of the units of DHS's components", func(p *path.Path) *path.Path {
			return p.In(SubOrganizationOf).In(SubOrganizationOf).Out(Name)
		}, false},
		{"what assertions conflict with", func(p *path.Path) *path.Path {
			return p.In(quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")).Out(quad.IRI("conflictsWith"))
		}, true},
		// As many rdf:object quads as assertions: walking them and seeking
		// each subject's key beats a scan per assertion (keyNodesShape.seeks).
		{"the object of every assertion", func(p *path.Path) *path.Path {
			return p.In(quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")).Out(Object)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := quad.IRI("DHS")
			if tc.predFirst {
				from = quad.IRI("Assertion")
			}
			qs := s.QuadStore()
			it := tc.path(path.StartPath(qs, from)).BuildIterator()
			defer it.Close()
			sh, _ := cgraph.AsShape(it).Optimize(context.Background())
			first, ok := hopJoin(sh)
			if !ok {
				t.Fatal("no join of a predicate hop and the predicate's quads in the plan")
			}
			if _, isScan := first.(*scan); isScan != tc.predFirst {
				t.Errorf("the join walks %v first, want the predicate's quads first: %v", first, tc.predFirst)
			}
			got := values(t, qs, tc.path(path.StartPath(qs, from)))
			want := values(t, m.QuadStore(), tc.path(path.StartPath(m.QuadStore(), from)))
			got, want = sorted(got), sorted(want)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("got %q, the memory store %q", got, want)
			}
		})
	}
}

// hopJoin finds the join of a predicateHop in sh and returns the side it
// walks.
func hopJoin(sh cgraph.IteratorShape) (cgraph.IteratorShape, bool) {
	subs := sh.SubIterators()
	for _, sub := range subs {
		if _, ok := sub.(predicateHop); ok {
			return subs[0], true
		}
	}
	for _, sub := range subs {
		if first, ok := hopJoin(sub); ok {
			return first, true
		}
	}
	return nil, false
}

// A count of a large scan is kept for later queries of the store, and a
// write to the store makes the next query count again.
func TestStore_LargeCountsKeptUntilAWrite(t *testing.T) {
	ctx := context.Background()
	s := loadedBolt(t, "../quads")
	defer s.Close()
	qs := s.QuadStore().(*sizedStore)
	ind, _ := bestIndex(qs.indexes, func(d quad.Direction) bool { return d == quad.Predicate })
	typ := uint64(qs.ValueOf(quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")).(kv.Int64Value))
	n := qs.count(ind, []uint64{typ})
	if n < keptCount {
		t.Fatalf("rdf:type has %d quads, fewer than a kept count", n)
	}
	if _, ok := s.bolt.counts.GetIfPresent(countKey{s.bolt.gen.Load(), newScanKey(ind, []uint64{typ})}); !ok {
		t.Error("the count was not kept")
	}
	if err := s.Add(ctx, []quad.Quad{quad.MakeIRI("new-node", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "Agency", "")}); err != nil {
		t.Fatal(err)
	}
	if got := s.QuadStore().(*sizedStore).count(ind, []uint64{typ}); got != n+1 {
		t.Errorf("after a write the count is %d, want %d", got, n+1)
	}
}
