package query_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

func TestRunner_GizmoErrorsNameTheLine(t *testing.T) {
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq")}
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "g.V(\n  .All()", "gizmo: SyntaxError: Unexpected token . (line 2:3)"},
		{"thrown", "var x = 1;\n\nthrow new Error('boom');", "gizmo: Error: boom (line 3:"},
		{"type error", "var a;\na.b.c = 1;", "gizmo: TypeError: Cannot read property 'b' of undefined (line 2:1)"},
		{"undefined", "\n\nnosuch()", "gizmo: ReferenceError: nosuch is not defined (line 3:"},
		{"Go panic in a Gizmo function", "g.V('<ICE>').Out({}).All()", "gizmo: unsupported type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Gizmo(context.Background(), tc.src, nil)
			if graph.Code(err) != graph.EINVALID || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v (code %s), want EINVALID starting %q", err, graph.Code(err), tc.want)
			}
		})
	}
}

func TestRunner_GizmoLimit(t *testing.T) {
	s := openStore(t, "../../testdata/small.nq")
	// ICE's outgoing values: type, name, alias, subOf DHS, usesFacility,
	// fieldOfficeCount 25 and 20, employeeCount 20000 and 20800 = 9.
	for _, tc := range []struct{ limit, want int }{{0, 9}, {3, 3}, {100, 9}} {
		r := &query.Runner{Store: s, Limit: tc.limit}
		got, err := r.Gizmo(context.Background(), "g.V('<ICE>').Out().All()", nil)
		if err != nil || len(got) != tc.want {
			t.Errorf("limit %d: %d results, %v; want %d", tc.limit, len(got), err, tc.want)
		}
	}
}

// A saved query with an order header gets its rows sorted, ties in the
// order emitted, and the limit takes the first rows of that order: the
// script's rows are all read, and the answer says it was cut only when it
// was.
func TestRunner_OrderThenLimit(t *testing.T) {
	src := "// columns: n, s\n// order: n\n" +
		`[[3, "a"], [1, "b"], [null, "c"], [2, "d"], [1, "e"]].forEach(function (r) { g.Emit({n: r[0], s: r[1]}); });`
	saved, err := query.LoadSaved(fstest.MapFS{"q.js": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, "../../testdata/small.nq")
	for _, tc := range []struct {
		limit     int
		want      string
		truncated bool
	}{
		{0, "b e d a c", false},
		{2, "b e", true},
		{4, "b e d a", true},
		{5, "b e d a c", false},
	} {
		res, err := (&query.Runner{Store: s, Limit: tc.limit}).Run(context.Background(), saved["q"], nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Rows {
			got = append(got, r["s"].(string))
		}
		if strings.Join(got, " ") != tc.want || res.Truncated != tc.truncated {
			t.Errorf("limit %d: rows %v, truncated %v; want %s, %v", tc.limit, got, res.Truncated, tc.want, tc.truncated)
		}
	}
}

// Every row a script emits arrives, in order, however far the script runs
// ahead of the reader and however soon after its last row it ends; a
// script that then throws fails the run.
func TestRunner_GizmoEveryRowInOrder(t *testing.T) {
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq")}
	for _, n := range []int{1, 255, 256, 257, 5000} {
		src := fmt.Sprintf("for (var i = 0; i < %d; i++) { g.Emit(i); }", n)
		for range 20 {
			got, err := r.Gizmo(context.Background(), src, nil)
			if err != nil || len(got) != n {
				t.Fatalf("%d rows emitted: %d read, %v", n, len(got), err)
			}
			for i, v := range got {
				if v != int64(i) {
					t.Fatalf("%d rows emitted: row %d is %v", n, i, v)
				}
			}
		}
		_, err := r.Gizmo(context.Background(), src+" throw new Error('after the rows');", nil)
		if err == nil || !strings.Contains(err.Error(), "after the rows") {
			t.Errorf("%d rows, then a throw: err = %v", n, err)
		}
	}
}

// A runaway script is stopped by the deadline wherever it spins: in plain
// JavaScript or inside a Gizmo callback.
func TestRunner_Timeout(t *testing.T) {
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq"), Timeout: 200 * time.Millisecond}
	for _, src := range []string{
		"while(true){}",
		"g.V().ForEach(function (x) { while(true){} })",
		"var a = []; for (;;) { a.push(g.V('<ICE>').ToArray()); }",
	} {
		start := time.Now()
		_, err := r.Gizmo(context.Background(), src, nil)
		if took := time.Since(start); graph.Code(err) != graph.ETIMEOUT || took > 5*time.Second {
			t.Errorf("%s: err %v (code %s) after %v; want ETIMEOUT soon after 200ms", src, err, graph.Code(err), took)
		}
	}
	// The caller's own cancellation stops it too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := (&query.Runner{Store: r.Store}).Gizmo(ctx, "while(true){}", nil); err == nil {
		t.Error("a cancelled context did not stop the script")
	}
}

// hostile values are what an attacker might put in a parameter hoping it
// is spliced into the script's text.
var hostile = []string{
	`"); g.V().all(); ("`,
	`'); g.V().All(); ('`,
	`"; while(true){}; "`,
	"`${g.V().All()}`",
	`ICE"); g.Emit("pwned`,
	`<ICE> <assists> <DEA>`,
	`</script><script>alert(1)</script>`,
	"ICE\x00",
	"ICE\n; g.V().All()",
	strings.Repeat("A", 100000),
}

// Hostile entity values match nothing: Lookup says so and no script runs.
func TestRunner_InjectionIntoEntity(t *testing.T) {
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq"), Timeout: 5 * time.Second}
	saved := mustSaved(t)
	for _, v := range hostile {
		for _, name := range []string{"assists", "evidence", "leaders", "path"} {
			q := saved[name]
			args := map[string]string{q.Params[0].Name: v}
			if name == "path" {
				args = map[string]string{"from": "ICE", "to": v}
			}
			res, err := r.Run(context.Background(), q, args)
			if graph.Code(err) != graph.ENOTFOUND || res != nil {
				t.Errorf("%s %.40q: %v, %v; want ENOTFOUND", name, v, res, err)
				continue
			}
			if msg := err.Error(); !strings.Contains(msg, "unknown entity") || strings.Count(msg, "\n") > 0 {
				t.Errorf("%s %.40q: message %.200q", name, v, msg)
			}
		}
	}
}

// Hostile values of the other kinds: integers and dates are refused by
// their syntax; strings reach the script as data and come back verbatim.
func TestRunner_InjectionIntoOtherKinds(t *testing.T) {
	fsys := fstest.MapFS{"echo.js": {Data: []byte(
		"// name: echo\n// param: text string -- any text\n// param: n integer default=1\n// param: day date default=2025\n" +
			"g.Emit({text: text, n: n, day: day, typ: typeof text});\n")}}
	saved, err := query.LoadSaved(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq"), Timeout: 5 * time.Second}
	for _, v := range hostile {
		res, err := r.Run(context.Background(), saved["echo"], map[string]string{"text": v})
		if err != nil {
			t.Errorf("string %.40q: %v", v, err)
			continue
		}
		if len(res.Rows) != 1 || res.Rows[0]["text"] != v || res.Rows[0]["typ"] != "string" {
			t.Errorf("string %.40q came back as %.200v", v, res.Rows)
		}
		for _, p := range []string{"n", "day"} {
			_, err := r.Run(context.Background(), saved["echo"], map[string]string{"text": "x", p: v})
			if graph.Code(err) != graph.EINVALID || !strings.Contains(err.Error(), "echo: "+p+": ") {
				t.Errorf("%s %.40q: %v; want EINVALID naming the parameter", p, v, err)
			}
		}
	}
}

func TestRunner_BindErrors(t *testing.T) {
	r := &query.Runner{Store: openStore(t, "../../testdata/small.nq")}
	saved := mustSaved(t)
	tests := []struct {
		name  string
		query string
		args  map[string]string
		code  string
		want  string
	}{
		{"missing", "leaders", nil, graph.EINVALID, "leaders: missing ENTITY (usage: leaders ENTITY)"},
		{"unknown parameter", "leaders", map[string]string{"entity": "ICE", "color": "red"}, graph.EINVALID, `leaders has no parameter "color"`},
		{"bad integer", "path", map[string]string{"from": "ICE", "to": "DEA", "max-hops": "-1"}, graph.EINVALID, `path: max-hops: "-1" is not a whole number`},
		{"unknown entity", "leaders", map[string]string{"entity": "USCSI"}, graph.ENOTFOUND,
			`leaders: entity: unknown entity "USCSI"; closest: U.S. Citizenship and Immigration Services (USCIS)`},
		{"ambiguous entity", "leaders", map[string]string{"entity": "security service"}, graph.EINVALID,
			`leaders: entity: ambiguous entity "security service": it names Defense Counterintelligence and Security Agency (DCSA), Diplomatic Security Service (DSS)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Run(context.Background(), saved[tc.query], tc.args)
			if graph.Code(err) != tc.code || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v (%s), want %s starting %q", err, graph.Code(err), tc.code, tc.want)
			}
		})
	}
}

func TestLoadSaved_BadHeaders(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown kind", "// param: agency thing\n", `q.js:1: param agency: unknown kind "thing"`},
		{"bad name", "// name: q\n// param: Agency entity\n", `q.js:2: param "Agency": name must be lower-case`},
		{"reserved", "// param: g string\n", `q.js:1: param "g": the name is reserved by Gizmo`},
		{"twice", "// param: a string\n// param: a integer\n", `q.js:2: parameter "a" declared twice`},
		{"unknown option", "// param: a string required\n", `q.js:1: param a: unknown option "required"`},
		{"order by no column", "// columns: a, b\n// order: b, c\n", `q.js:2: order: "c" is not one of the columns (a, b)`},
		{"order without columns", "// order: a\n", `q.js:1: order: "a" is not one of the columns ()`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := query.LoadSaved(fstest.MapFS{"q.js": {Data: []byte(tc.src + "g.V().All()\n")}})
			if err == nil || err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// A number or boolean a script reads from the graph names its node again,
// as on Cayley's stores: g.V(20), Has(p, true) and Is(25) find the
// literals "20"^^<xsd:integer> and "true"^^<xsd:boolean>, which the
// bundled dataset writes with the datatype's full IRI, on every store.
func TestRunner_GizmoFindsNumbersAndBooleans(t *testing.T) {
	const (
		xsd    = "http://www.w3.org/2001/XMLSchema#"
		object = `"<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"`
	)
	tests := []struct{ got, want string }{
		{`g.V().Has("<fieldOfficeCount>", 20).All()`,
			`g.V().Has("<fieldOfficeCount>", "\"20\"^^<` + xsd + `integer>").All()`},
		{`g.V().Has("<acting>", true).All()`,
			`g.V().Has("<acting>", "\"true\"^^<` + xsd + `boolean>").All()`},
		{`g.V(20, 25).In(` + object + `).All()`,
			`g.V("\"20\"^^<` + xsd + `integer>", "\"25\"^^<` + xsd + `integer>").In(` + object + `).All()`},
		{`g.V("<ICE>").Out("<fieldOfficeCount>").Is(25).All()`,
			`g.V("<ICE>").Out("<fieldOfficeCount>").Is("\"25\"^^<` + xsd + `integer>").All()`},
		// What a script reads, given back.
		{`g.V.apply(g, g.V("<ICE>").Out("<fieldOfficeCount>").ToArray()).In("<fieldOfficeCount>").All()`,
			`g.V("<ICE>", "<ICE>").All()`},
	}
	ins, err := graph.Inputs([]string{"../../quads"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []graph.Config{
		{Backend: graph.Memory},
		{Backend: graph.Bolt, Address: filepath.Join(t.TempDir(), "b.bolt")},
	} {
		r := &query.Runner{Store: loadedStore(t, cfg, ins)}
		for _, tc := range tests {
			got, err := r.Gizmo(context.Background(), tc.got, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := r.Gizmo(context.Background(), tc.want, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s gives %v, want %v (%s)", cfg.Backend, tc.got, got, want, tc.want)
			}
		}
	}
}

// On a Bolt store, InCounts comes from the index's keys while the store
// holds no deleted quad, and from walking the quads after one is deleted;
// either way each node's count is what In(...).Count() from it gives.
func TestRunner_BoltInCountsMatchCount(t *testing.T) {
	ins, err := graph.Inputs([]string{"../../quads"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	store := loadedStore(t, graph.Config{Backend: graph.Bolt, Address: filepath.Join(t.TempDir(), "b.bolt")}, ins)
	r := &query.Runner{Store: store}
	const src = `var nodes = g.V().ToArray().filter(function (n) { return typeof n === "string" && n[0] === "<"; });
[["<http://www.w3.org/ns/prov#wasDerivedFrom>"], ["<assists>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"], null].forEach(function (preds) {
	var counts = g.V.apply(g, nodes).InCounts(preds);
	nodes.forEach(function (n) { if (counts[n] !== g.V(n).In(preds).Count()) g.Emit(n + " " + preds + ": " + counts[n] + " against " + g.V(n).In(preds).Count()); });
});
g.Emit(nodes.length);`
	for _, step := range []string{"as loaded", "after a delete"} {
		got, err := r.Gizmo(context.Background(), src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Errorf("%s: %v; want only the node count", step, got)
		} else if n, ok := got[0].(int64); !ok || n < 1000 {
			t.Errorf("%s: %v nodes; want over 1,000", step, got[0])
		}
		del := quad.Make(quad.IRI("ICE"), quad.IRI("http://www.w3.org/ns/org#subOrganizationOf"), quad.IRI("DHS"), quad.IRI("src/000"))
		if err := store.Remove(context.Background(), []quad.Quad{del}); err != nil {
			t.Fatal(err)
		}
	}
}
