package gizmo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/memstore"
	cquery "github.com/cayleygraph/cayley/query"
	"github.com/cayleygraph/quad"
)

// countingStore counts the nodes it is asked to name.
type countingStore struct {
	graph.QuadStore
	named int
}

func (c *countingStore) NameOf(r graph.Ref) quad.Value {
	c.named++
	return c.QuadStore.NameOf(r)
}

// run executes src on qs and returns what it emitted.
func run(ctx context.Context, qs graph.QuadStore, src string) ([]interface{}, error) {
	it, err := NewSession(qs).Execute(ctx, src, cquery.Options{Collation: cquery.JSON, Limit: -1})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []interface{}
	for it.Next(ctx) {
		out = append(out, it.Result())
	}
	return out, it.Err()
}

// A session names each node once, however many rows carry it: twenty
// assertions with five properties each are 100 rows of three tags, but 1 +
// 20 + 5 + 80 distinct nodes (the hub, the assertions, the predicates, the
// values), and the answers are those of a store named on every read.
func TestSession_NamesEachNodeOnce(t *testing.T) {
	var qs []quad.Quad
	for i := range 20 {
		st := quad.IRI(fmt.Sprintf("st/%d", i))
		qs = append(qs, quad.Make(st, quad.IRI("about"), quad.IRI("hub"), nil))
		for p := range 4 {
			qs = append(qs, quad.Make(st, quad.IRI(fmt.Sprintf("p%d", p)), quad.String(fmt.Sprintf("v%d-%d", i, p)), nil))
		}
	}
	store := &countingStore{QuadStore: memstore.New(qs...)}
	const src = `var sts = g.V("<hub>").In("<about>").ToArray();
g.V.apply(g, sts).Tag("node").Out(null, "p").TagArray().forEach(function (r) { g.Emit(r.node + " " + r.p + " " + r.id); });`
	got, err := run(context.Background(), store, src)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, r := range got {
		rows[r.(string)] = true
	}
	if len(rows) != 100 || !rows[`<st/7> <p2> v7-2`] || !rows[`<st/19> <about> <hub>`] {
		t.Fatalf("got %d distinct rows, want the 100 property rows (<st/7> <p2> v7-2 among them)", len(rows))
	}
	if distinct := 1 + 20 + 5 + 80; store.named > distinct {
		t.Errorf("named %d nodes; want each of the %d distinct ones once", store.named, distinct)
	}
}

// namingReader is a BatchReader that names refs with its store's NameOf and
// records every ref it is asked to name.
type namingReader struct {
	qs    graph.QuadStore
	asked []graph.Ref
}

func (n *namingReader) Names(_ context.Context, refs []graph.Ref) ([]quad.Value, error) {
	n.asked = append(n.asked, refs...)
	out := make([]quad.Value, len(refs))
	for i, r := range refs {
		out[i] = n.qs.NameOf(r)
	}
	return out, nil
}

func (n *namingReader) Links(context.Context, []graph.Ref) ([][][2]graph.Ref, error) {
	return nil, fmt.Errorf("not used here")
}

func (n *namingReader) InCounts(context.Context, []graph.Ref, []graph.Ref) ([]int64, error) {
	return nil, fmt.Errorf("not used here")
}

// With a batch reader, a batch asks it for each node once, however many of
// the batch's rows carry the node (every assertion's predicates): the
// PostgreSQL reader hex-encodes and maps each ref it is given.
func TestSession_BatchReaderAskedOncePerNode(t *testing.T) {
	var qs []quad.Quad
	for i := range 50 {
		st := quad.IRI(fmt.Sprintf("st/%d", i))
		qs = append(qs, quad.Make(st, quad.IRI("about"), quad.IRI("hub"), nil))
		qs = append(qs, quad.Make(st, quad.IRI("status"), quad.IRI("stated"), nil))
	}
	store := memstore.New(qs...)
	reader := &namingReader{qs: store}
	s := NewSession(store)
	s.SetBatchReader(reader)
	it, err := s.Execute(context.Background(), `g.V("<hub>").In("<about>").Tag("st").Out(null, "p").TagArray().forEach(function (r) { g.Emit(r.st + " " + r.p + " " + r.id); });`, cquery.Options{Collation: cquery.JSON, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	rows := 0
	for it.Next(context.Background()) {
		if r := it.Result().(string); r == "<st/7> <status> <stated>" || r == "<st/7> <about> <hub>" {
			rows++
		}
	}
	if err := it.Err(); err != nil || rows != 2 {
		t.Fatalf("%d of st/7's two rows, err %v", rows, err)
	}
	seen := map[interface{}]bool{}
	for _, r := range reader.asked {
		if seen[r.Key()] {
			t.Fatalf("asked to name %v twice among %d refs", store.NameOf(r), len(reader.asked))
		}
		seen[r.Key()] = true
	}
	// 50 assertions, two predicates, two objects.
	if len(seen) != 54 {
		t.Errorf("asked to name %d distinct nodes, want 54", len(seen))
	}
}

// Filter(literal()) keeps the values that are literals, whatever their
// type (a number or a time a store keeps as such among them, which
// regex("^") would drop), and drops IRIs and blank nodes.
func TestLiteral(t *testing.T) {
	when := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var qs []quad.Quad
	for _, v := range []quad.Value{
		quad.IRI("entity"), quad.BNode("b1"), quad.String("text"),
		quad.TypedString{Value: "2000", Type: "http://www.w3.org/2001/XMLSchema#integer"},
		quad.LangString{Value: "texte", Lang: "fr"}, quad.Int(60), quad.Float(1.5), quad.Bool(true), quad.Time(when),
	} {
		qs = append(qs, quad.Make(quad.IRI("st"), quad.IRI("object"), v, nil))
	}
	store := memstore.New(qs...)
	for _, tc := range []struct {
		src, want, err string
	}{
		{src: `g.V("<st>").Out("<object>").Filter(literal()).ForEach(function (n) { g.Emit(n.id) })`,
			want: "[text 2000 texte 60 1.5 true 2025-06-01 00:00:00 +0000 UTC]"},
		{src: `g.Emit(g.V("<st>").Out("<object>").Filter(literal()).Count())`, want: "[7]"},
		{src: `g.V("<st>").Out("<object>").Filter(literal("x")).All()`, err: "expected 0 argument, got 1"},
	} {
		got, err := run(context.Background(), store, tc.src)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want one saying %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if s := fmt.Sprint(got); s != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.src, s, tc.want)
		}
	}
}
