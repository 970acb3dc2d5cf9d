package gizmo

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"
)

// propsStore holds two statements with repeated, typed and language-tagged
// values (which a JSON session gives as 60 and "hola", as ToArray does), a
// node with no outgoing quads (<leaf>) and a quad in a label.
func propsStore() *memstore.QuadStore {
	return memstore.New(
		quad.Make(quad.IRI("st/1"), quad.IRI("quote"), quad.String(`"We are 287(g)"`), nil),
		quad.Make(quad.IRI("st/1"), quad.IRI("figure"), quad.TypedString{Value: "60", Type: "http://www.w3.org/2001/XMLSchema#integer"}, nil),
		quad.Make(quad.IRI("st/1"), quad.IRI("source"), quad.IRI("src/a"), nil),
		quad.Make(quad.IRI("st/1"), quad.IRI("source"), quad.IRI("src/b"), nil),
		quad.Make(quad.IRI("st/1"), quad.IRI("about"), quad.IRI("leaf"), quad.IRI("g1")),
		quad.Make(quad.IRI("st/2"), quad.IRI("quote"), quad.LangString{Value: "hola", Lang: "es"}, nil),
		quad.Make(quad.IRI("st/2"), quad.IRI("about"), quad.IRI("leaf"), nil),
	)
}

func TestPropertyMap(t *testing.T) {
	st1 := map[string]interface{}{
		"<quote>":  []interface{}{`"We are 287(g)"`},
		"<figure>": []interface{}{int64(60)},
		"<source>": []interface{}{"<src/a>", "<src/b>"},
		"<about>":  []interface{}{"<leaf>"},
	}
	st2 := map[string]interface{}{
		"<quote>": []interface{}{"hola"},
		"<about>": []interface{}{"<leaf>"},
	}
	for _, tc := range []struct {
		name, path string
		want       map[string]interface{}
	}{
		{"one node", `g.V("<st/1>")`, map[string]interface{}{"<st/1>": st1}},
		{"end of a traversal", `g.V("<leaf>").In("<about>")`, map[string]interface{}{"<st/1>": st1, "<st/2>": st2}},
		{"a node twice", `g.V("<st/2>", "<st/2>")`, map[string]interface{}{"<st/2>": st2}},
		{"no outgoing quads", `g.V("<leaf>")`, map[string]interface{}{"<leaf>": map[string]interface{}{}}},
		{"a node the store lacks", `g.V("<nowhere>")`, map[string]interface{}{}},
		{"typed literal node", `g.V("<st/1>").Out("<figure>")`, map[string]interface{}{"60": map[string]interface{}{}}},
		{"literal node", `g.V("<st/1>").Out("<quote>")`, map[string]interface{}{`"We are 287(g)"`: map[string]interface{}{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(context.Background(), propsStore(), `g.Emit(`+tc.path+`.PropertyMap());`)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("%s.PropertyMap() = %#v, want %#v", tc.path, got, tc.want)
			}
		})
	}
}

// PropertyMap is the grouping a script would make of Tag/Out(null)/TagArray
// rows, values in the same order.
func TestPropertyMap_MatchesTagArrayGrouping(t *testing.T) {
	const src = `var nodes = g.V("<leaf>").In("<about>").ToArray();
var grouped = {};
g.V.apply(g, nodes).Tag("n").Out(null, "p").TagArray().forEach(function (r) {
	var props = grouped[r.n] = grouped[r.n] || {};
	(props[r.p] = props[r.p] || []).push(r.id);
});
g.Emit(grouped);
g.Emit(g.V.apply(g, nodes).PropertyMap());`
	got, err := run(context.Background(), propsStore(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].(map[string]interface{})) != 2 {
		t.Fatalf("got %#v, want two emitted maps of the two statements", got)
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("PropertyMap() = %#v\nTagArray grouping = %#v", got[1], got[0])
	}
}

// optionsStore adds to propsStore typed literals Gizmo spells
// "text"^^<datatype>, one with a ">" in its text, and a plain string that
// only looks like one.
func optionsStore() *memstore.QuadStore {
	qs := propsStore()
	code := quad.IRI("http://example.org/code")
	qs.AddQuad(quad.Make(quad.IRI("st/2"), quad.IRI("code"), quad.TypedString{Value: "ICE-287", Type: code}, nil))
	qs.AddQuad(quad.Make(quad.IRI("st/2"), quad.IRI("code"), quad.TypedString{Value: "a>b", Type: code}, nil))
	qs.AddQuad(quad.Make(quad.IRI("st/2"), quad.IRI("note"), quad.String(`x"^^<y`), nil))
	return qs
}

func TestPropertyMap_Options(t *testing.T) {
	st1First := map[string]interface{}{
		"<quote>": `"We are 287(g)"`, "<figure>": int64(60), "<source>": "<src/a>", "<about>": "<leaf>",
	}
	st2All := map[string]interface{}{"<st/2>": map[string]interface{}{
		"<quote>": []interface{}{"hola"}, "<about>": []interface{}{"<leaf>"}, "<note>": []interface{}{`x"^^<y`},
		"<code>": []interface{}{`"ICE-287"^^<http://example.org/code>`, `"a>b"^^<http://example.org/code>`},
	}}
	for _, tc := range []struct {
		name, node, options string
		want                map[string]interface{}
	}{
		{"none", "<st/2>", `{}`, st2All},
		{"null", "<st/2>", `null`, st2All},
		{"first", "<st/2>", `{first: true}`, map[string]interface{}{"<st/2>": map[string]interface{}{
			"<quote>": "hola", "<about>": "<leaf>", "<code>": `"ICE-287"^^<http://example.org/code>`, "<note>": `x"^^<y`,
		}}},
		{"text", "<st/2>", `{text: true}`, map[string]interface{}{"<st/2>": map[string]interface{}{
			"<quote>": []interface{}{"hola"}, "<about>": []interface{}{"<leaf>"}, "<code>": []interface{}{"ICE-287", "a>b"}, "<note>": []interface{}{`x"^^<y`},
		}}},
		{"both", "<st/2>", `{first: true, text: true}`, map[string]interface{}{"<st/2>": map[string]interface{}{
			"<quote>": "hola", "<about>": "<leaf>", "<code>": "ICE-287", "<note>": `x"^^<y`,
		}}},
		{"false is off", "<st/2>", `{first: false, text: false}`, st2All},
		{"first of many, numbers as numbers", "<st/1>", `{first: true, text: true}`, map[string]interface{}{"<st/1>": st1First}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(context.Background(), optionsStore(), `g.Emit(g.V("`+tc.node+`").PropertyMap(`+tc.options+`));`)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("PropertyMap(%s) = %#v, want %#v", tc.options, got, tc.want)
			}
		})
	}
}

func TestPropertyMap_BadOptions(t *testing.T) {
	for options, want := range map[string]string{
		`{frist: true}`:            `no option "frist"`,
		`{first: true, txt: true}`: `no option "txt"`,
		`{first: 1}`:               `option "first": want true or false`,
		`"first"`:                  "one object of options",
		`{first: true}, {}`:        "one object of options",
	} {
		_, err := run(context.Background(), propsStore(), `g.Emit(g.V("<st/1>").PropertyMap(`+options+`));`)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PropertyMap(%s): err = %v, want %q", options, err, want)
		}
	}
}

// {first: true, text: true} gives what the saved queries computed in the
// script from the full map: the first value, a typed literal as its text.
func TestPropertyMap_FirstTextMatchesScript(t *testing.T) {
	const src = `function text(v) {
  if (typeof v !== "string" || v[0] !== '"' || v[v.length - 1] !== ">") return v;
  var i = v.lastIndexOf('"^^<');
  return i > 0 && v.indexOf(">", i) === v.length - 1 ? v.slice(1, i) : v;
}
var nodes = g.V().ToArray(), all = g.V.apply(g, nodes).PropertyMap(), picked = {};
Object.keys(all).forEach(function (n) {
  picked[n] = {};
  Object.keys(all[n]).forEach(function (p) { picked[n][p] = text(all[n][p][0]); });
});
g.Emit(picked);
g.Emit(g.V.apply(g, nodes).PropertyMap({first: true, text: true}));`
	got, err := run(context.Background(), optionsStore(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].(map[string]interface{})) < 5 {
		t.Fatalf("got %#v, want two maps of every node", got)
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("PropertyMap({first: true, text: true}) = %#v\nthe script's = %#v", got[1], got[0])
	}
}

func TestPropertyMap_Shape(t *testing.T) {
	shape, err := NewSession(propsStore()).ShapeOf(`g.V("<st/1>").PropertyMap()`)
	if err != nil {
		t.Fatal(err)
	}
	if nodes, _ := shape.(map[string]interface{})["nodes"].([]iterator.Node); len(nodes) == 0 {
		t.Errorf("ShapeOf(PropertyMap) = %#v, want the path's nodes", shape)
	}
}

// cancellingStore ends the query's context when a node's quads are first
// asked for, as a deadline would in the middle of a PropertyMap, and counts
// the nodes read (atomically: the script runs on the session's goroutine,
// which may still be unwinding when the cancelled query returns).
type cancellingStore struct {
	*memstore.QuadStore
	cancel context.CancelFunc
	read   atomic.Int32
}

func (c *cancellingStore) QuadIterator(d quad.Direction, v graph.Ref) graph.Iterator {
	c.read.Add(1) // before cancel, which lets the test look
	c.cancel()
	return c.QuadStore.QuadIterator(d, v)
}

// A PropertyMap of many nodes stops reading them when its context ends: the
// VM's interrupt cannot stop a loop in Go.
func TestPropertyMap_StopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &cancellingStore{QuadStore: propsStore(), cancel: cancel}
	got, err := run(ctx, store, `g.Emit(g.V("<st/1>", "<st/2>").PropertyMap());`)
	if len(got) > 0 {
		t.Errorf("emitted %#v after its context ended", got)
	}
	if err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Errorf("err = %v, want the context's cancellation", err)
	}
	if n := store.read.Load(); n != 1 {
		t.Errorf("read the quads of %d nodes, want 1 of 2: the first, during which the context ended", n)
	}
}

func TestInCounts(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		want       map[string]interface{}
	}{
		{"one predicate", `g.V("<leaf>").InCounts("<about>")`, map[string]interface{}{"<leaf>": int64(2)}},
		{"each node once", `g.V("<src/a>", "<src/b>", "<src/a>").InCounts("<source>")`,
			map[string]interface{}{"<src/a>": int64(1), "<src/b>": int64(1)}},
		{"a list of predicates", `g.V("<leaf>", "<src/a>").InCounts(["<about>", "<source>"])`,
			map[string]interface{}{"<leaf>": int64(2), "<src/a>": int64(1)}},
		{"every predicate", `g.V("<leaf>").InCounts()`, map[string]interface{}{"<leaf>": int64(2)}},
		{"null is every predicate", `g.V("<leaf>").InCounts(null)`, map[string]interface{}{"<leaf>": int64(2)}},
		{"a predicate the store lacks", `g.V("<leaf>").InCounts("<nothing>")`, map[string]interface{}{"<leaf>": int64(0)}},
		{"no such links", `g.V("<st/1>").InCounts("<about>")`, map[string]interface{}{"<st/1>": int64(0)}},
		{"a node the store lacks", `g.V("<nowhere>").InCounts("<about>")`, map[string]interface{}{}},
		{"end of a traversal, a typed literal", `g.V("<st/1>").Out("<figure>").InCounts("<figure>")`,
			map[string]interface{}{"60": int64(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(context.Background(), propsStore(), `g.Emit(`+tc.path+`);`)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("%s = %#v, want %#v", tc.path, got, tc.want)
			}
		})
	}
	if _, err := run(context.Background(), propsStore(), `g.V("<leaf>").InCounts("<about>", "<source>")`); err == nil {
		t.Error("InCounts with two arguments: no error, want one (a list takes several predicates)")
	}
}

// InCounts gives each node what In(...).Count() from it gives.
func TestInCounts_MatchesCount(t *testing.T) {
	const src = `var nodes = g.V().ToArray().filter(function (n) { return typeof n === "string" && n[0] === "<"; });
[["<about>"], ["<source>", "<about>"], null].forEach(function (preds) {
	var counts = g.V.apply(g, nodes).InCounts(preds);
	nodes.forEach(function (n) { g.Emit([n, String(preds), counts[n], g.V(n).In(preds).Count()]); });
});`
	got, err := run(context.Background(), propsStore(), src)
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, r := range got {
		row := r.([]interface{})
		if !reflect.DeepEqual(row[2], row[3]) {
			t.Errorf("node %v, predicates %v: InCounts %v, In().Count() %v", row[0], row[1], row[2], row[3])
		}
		if row[3] != int64(0) {
			nonzero++
		}
	}
	if len(got) < 15 || nonzero < 4 {
		t.Errorf("%d comparisons, %d of them nonzero: too few to test anything", len(got), nonzero)
	}
}
