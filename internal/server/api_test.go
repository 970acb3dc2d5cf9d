package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/server"
)

// The fixture (testdata/server/fixture.nq):
//
//	         org:subOrganizationOf
//	<ICE> ─────────────────────────▶ <DHS>
//	  ▲  ▲
//	  │  └──── <detailsStaffTo> ──── <USCBP>   (in <src/002>)
//	  └─────── <assists> ─────────── <IRS-CI>  (in <src/001>)
const fixtureQuads = 33

// decode unmarshals a response body into v, failing the test if it is not
// JSON.
func decode(t testing.TB, resp response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(resp.body), v); err != nil {
		t.Fatalf("body is not JSON (%v): %q", err, resp.body)
	}
}

// wantError checks that resp is an error with the given status whose
// message contains each of parts.
func wantError(t testing.TB, resp response, status int, parts ...string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status %d, want %d; body %s", resp.status, status, resp.body)
	}
	var e struct{ Error string }
	decode(t, resp, &e)
	if e.Error == "" {
		t.Errorf("no error message in %s", resp.body)
	}
	for _, p := range parts {
		if !strings.Contains(e.Error, p) {
			t.Errorf("error %q does not mention %q", e.Error, p)
		}
	}
}

func TestServer_Query(t *testing.T) {
	ts := newServer(t, setup{})
	const src = `g.V("<ICE>").In(["<assists>", "<detailsStaffTo>"], "p").All()`
	want := []any{
		map[string]any{"id": "<IRS-CI>", "p": "<assists>"},
		map[string]any{"id": "<USCBP>", "p": "<detailsStaffTo>"},
	}
	tests := []struct {
		name, method, path, body string
		headers                  []string
		ctype                    string
		want                     []any
	}{
		{"v1", "POST", "/api/v1/query/gizmo", src, nil, "application/json", want},
		{"v1 limit", "POST", "/api/v1/query/gizmo?limit=1", src, nil, "application/json", want[:1]},
		{"v2 GET", "GET", "/api/v2/query?lang=gizmo&qu=" + url.QueryEscape(src), "", nil, "application/json", want},
		{"v2 POST", "POST", "/api/v2/query?lang=gizmo", src, nil, "application/json", want},
		{"v2 JSON-LD", "POST", "/api/v2/query?lang=gizmo", src, []string{"Accept: application/ld+json"},
			"application/ld+json", []any{
				map[string]any{"id": map[string]any{"@id": "IRS-CI"}, "p": map[string]any{"@id": "assists"}},
				map[string]any{"id": map[string]any{"@id": "USCBP"}, "p": map[string]any{"@id": "detailsStaffTo"}},
			}},
		{"v2 no results", "POST", "/api/v2/query?lang=gizmo", `g.V("<nobody>").All()`, nil, "application/json", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := ts.do(t, tc.method, tc.path, tc.body, tc.headers...)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			if got := resp.header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			var got struct{ Result []any }
			decode(t, resp, &got)
			slices.SortFunc(got.Result, func(a, b any) int { return strings.Compare(jsonText(a), jsonText(b)) })
			if !reflect.DeepEqual(got.Result, tc.want) {
				t.Errorf("result %v, want %v", got.Result, tc.want)
			}
		})
	}

	errTests := []struct {
		name, method, path, body string
		status                   int
		parts                    []string
	}{
		{"syntax error", "POST", "/api/v1/query/gizmo", "g.V(", 400, []string{"line 1"}},
		{"unknown language", "POST", "/api/v1/query/sparql", "x", 400, []string{"sparql"}},
		{"v2 no language", "GET", "/api/v2/query?qu=x", "", 400, []string{"language"}},
		{"v2 empty", "GET", "/api/v2/query?lang=gizmo", "", 400, []string{"empty"}},
		{"bad limit", "POST", "/api/v1/query/gizmo?limit=many", "g.V().All()", 400, []string{"limit"}},
		{"wrong method", "GET", "/api/v1/query/gizmo", "", 405, nil},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			resp := ts.do(t, tc.method, tc.path, tc.body)
			if tc.status == 405 {
				if resp.status != 405 {
					t.Errorf("status %d, want 405", resp.status)
				}
				return
			}
			wantError(t, resp, tc.status, tc.parts...)
		})
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestServer_Shape(t *testing.T) {
	ts := newServer(t, setup{})
	const src = `g.V("<ICE>").In("<assists>").All()`
	for _, resp := range []response{
		ts.do(t, "GET", "/api/v1/shape/gizmo?qu="+url.QueryEscape(src), ""),
		ts.do(t, "POST", "/api/v1/shape/gizmo", src),
	} {
		if resp.status != http.StatusOK {
			t.Fatalf("status %d: %s", resp.status, resp.body)
		}
		// Cayley's own handler's answer is compared byte for byte in
		// TestServer_CayleyCompat; here: GET and POST give the same tree.
		var shape struct {
			Nodes []struct {
				ID   int      `json:"id"`
				Tags []string `json:"tags"`
			} `json:"nodes"`
		}
		decode(t, resp, &shape)
		if len(shape.Nodes) == 0 || !slices.ContainsFunc(shape.Nodes, func(n struct {
			ID   int      `json:"id"`
			Tags []string `json:"tags"`
		}) bool {
			return slices.Contains(n.Tags, "id")
		}) {
			t.Errorf("shape has no nodes or no tagged result node: %s", resp.body)
		}
	}
	if a, b := ts.do(t, "GET", "/api/v1/shape/gizmo?qu="+url.QueryEscape(src), ""), ts.do(t, "POST", "/api/v1/shape/gizmo", src); a.body != b.body {
		t.Errorf("GET and POST shapes differ:\n%s\n%s", a.body, b.body)
	}
	wantError(t, ts.do(t, "POST", "/api/v1/shape/gizmo", "g.V("), 400)
}

func TestServer_Read(t *testing.T) {
	ts := newServer(t, setup{})
	tests := []struct {
		name, path string
		headers    []string
		ctype      string
		quads      int
	}{
		{"default N-Quads", "/api/v2/read", nil, "application/n-quads", fixtureQuads},
		{"format param", "/api/v2/read?format=json", nil, "application/json", fixtureQuads},
		{"Accept", "/api/v2/read", []string{"Accept: application/json"}, "application/json", fixtureQuads},
		{"format beats Accept", "/api/v2/read?format=nquads", []string{"Accept: application/json"}, "application/n-quads", fixtureQuads},
		{"subject filter", "/api/v2/read?sub=" + url.QueryEscape("<ICE>"), nil, "application/n-quads", 4},
		{"two objects", "/api/v2/read?obj=" + url.QueryEscape("<Agency>,<Unit>"), nil, "application/n-quads", 3},
		{"label filter", "/api/v2/read?label=" + url.QueryEscape("<src/002>"), nil, "application/n-quads", 9},
		{"gzip", "/api/v2/read", []string{"Accept-Encoding: gzip"}, "application/n-quads", fixtureQuads},
		{"browser Accept", "/api/v2/read", []string{"Accept: text/html,application/xhtml+xml,*/*;q=0.8"}, "application/n-quads", fixtureQuads},
		{"curl Accept", "/api/v2/read", []string{"Accept: */*"}, "application/n-quads", fixtureQuads},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := ts.do(t, "GET", tc.path, "", tc.headers...)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			if got := resp.header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			body := resp.body
			if resp.header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
			} else if slices.Contains(tc.headers, "Accept-Encoding: gzip") {
				t.Error("asked for gzip, got no Content-Encoding")
			}
			var n int
			if tc.ctype == "application/json" {
				var qs []map[string]string
				if err := json.Unmarshal([]byte(body), &qs); err != nil {
					t.Fatalf("not a JSON array of quads: %v", err)
				}
				n = len(qs)
			} else {
				n = strings.Count(body, " .\n")
			}
			if n != tc.quads {
				t.Errorf("%d quads, want %d:\n%s", n, tc.quads, body)
			}
		})
	}
	wantError(t, ts.do(t, "GET", "/api/v2/read?format=nonsense", ""), 400, "format")
}

func TestServer_Formats(t *testing.T) {
	ts := newServer(t, setup{})
	resp := ts.do(t, "GET", "/api/v2/formats", "")
	var formats []struct {
		ID          string `json:"id"`
		Read, Write bool
		Mime        []string
	}
	decode(t, resp, &formats)
	ids := map[string]bool{}
	for _, f := range formats {
		ids[f.ID] = f.Read && f.Write
	}
	for _, id := range []string{"nquads", "json", "jsonld", "pquads"} {
		if !ids[id] {
			t.Errorf("format %s missing or not readable and writable: %s", id, resp.body)
		}
	}
	if !slices.IsSortedFunc(formats, func(a, b struct {
		ID          string `json:"id"`
		Read, Write bool
		Mime        []string
	}) int {
		return strings.Compare(a.ID, b.ID)
	}) {
		t.Errorf("formats not sorted by id: %s", resp.body)
	}
}

// Writes through the API, on a memory store and on PostgreSQL (where an
// N-Quads write is a bulk load that replaces the Cayley store queries use).
func TestServer_Write(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testWrite(t, graph.Config{}) })
	t.Run("postgres", func(t *testing.T) { testWrite(t, graph.ParseDB(graphtest.PostgresDB(t))) })
}

func testWrite(t *testing.T, store graph.Config) {
	const (
		auth  = "Authorization: Bearer " + testToken
		v1Add = `[{"subject": "<FBI>", "predicate": "<assists>", "object": "<ICE>", "label": "<src/003>"}]`
		nq    = "<FBI> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Agency> .\n" +
			"<FBI> <http://schema.org/name> \"Federal Bureau of Investigation\" .\n" +
			"<FBI> <assists> <ICE> <src/003> .\n"
	)
	endpoints := []struct{ path, body string }{
		{"/api/v1/write", v1Add}, {"/api/v1/delete", v1Add},
		{"/api/v2/write", nq}, {"/api/v2/delete", nq},
	}
	t.Run("read-only", func(t *testing.T) {
		ts := newServer(t, setup{store: store})
		for _, e := range endpoints {
			wantError(t, ts.do(t, "POST", e.path, e.body, auth), http.StatusForbidden, "--writable")
		}
	})
	ts := newServer(t, setup{cfg: server.Config{Writable: true, Token: testToken}, store: store})
	t.Run("no or wrong token", func(t *testing.T) {
		for _, e := range endpoints {
			for _, h := range []string{"X-None: x", "Authorization: Bearer wrong", "Authorization: " + testToken,
				"Authorization: Bearer " + testToken + "x", "Authorization: Basic " + testToken} {
				wantError(t, ts.do(t, "POST", e.path, e.body, h), http.StatusForbidden, "Bearer")
			}
		}
		if n := count(t, ts, `g.V("<FBI>").Out().All()`); n != 0 {
			t.Errorf("a refused write wrote %d links from <FBI>", n)
		}
	})
	helpers := `g.V("<ICE>").In("<assists>").All()`
	steps := []struct {
		name, path, body, ctype string
		status                  int
		result                  string
		helpers                 int
	}{
		{"v1 write", "/api/v1/write", v1Add, "", 200, "Successfully wrote 1 quads.", 2},
		{"v1 delete", "/api/v1/delete", v1Add, "", 200, "Successfully deleted 1 quads.", 1},
		{"v1 bad JSON", "/api/v1/write", `[{"subject": "<a>"`, "", 400, "", 1},
		{"v1 incomplete quad", "/api/v1/write", `[{"subject": "<a>", "predicate": "<b>"}]`, "", 400, "", 1},
		{"v1 bad term", "/api/v1/write", `[{"subject": "<a>", "predicate": "<assists>", "object": "<ICE>"},
			{"subject": "<b>", "predicate": "<assists>", "object": "ICE"}]`, "", 400, "quad 1:1:", 1},
		{"v1 two lines", "/api/v1/write", `[{"subject": "<a>", "predicate": "<assists>", "object": "<ICE> .\n<b> <assists> <ICE>"}]`, "", 400, "one line", 1},
		{"v2 write", "/api/v2/write", nq, "", 200, "Successfully wrote 3 quads.", 2},
		{"v2 delete", "/api/v2/delete", nq, "", 200, "Successfully deleted 3 quads.", 1},
		// A syntax error on line 2 leaves line 1 unwritten: all or nothing.
		{"v2 bad N-Quads", "/api/v2/write", "<X> <assists> <ICE> .\n<Y> <assists> ICE .\n", "", 400, "2:", 1},
		{"v2 JSON", "/api/v2/write", `[{"subject": "<GSA>", "predicate": "<assists>", "object": "<ICE>"}]`,
			"application/json", 200, "Successfully wrote 1 quads.", 2},
		{"v2 unknown format", "/api/v2/write", "x", "text/x-nonsense", 400, "", 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			headers := []string{auth}
			if st.ctype != "" {
				headers = append(headers, "Content-Type: "+st.ctype)
			}
			resp := ts.do(t, "POST", st.path, st.body, headers...)
			if st.status != 200 {
				wantError(t, resp, st.status, st.result)
			} else {
				var got struct{ Result string }
				decode(t, resp, &got)
				if resp.status != 200 || got.Result != st.result {
					t.Errorf("%d %s, want 200 %q", resp.status, resp.body, st.result)
				}
			}
			if n := count(t, ts, helpers); n != st.helpers {
				t.Errorf("ICE has %d helpers after %s, want %d", n, st.name, st.helpers)
			}
		})
	}
	// Written names are found by lookup at once.
	resp := ts.do(t, "POST", "/api/v2/write", nq, auth)
	if resp.status != 200 {
		t.Fatal(resp.body)
	}
	var found []struct{ IRI string }
	decode(t, ts.do(t, "GET", "/api/v1/entities?q=Federal+Bureau", ""), &found)
	if len(found) != 1 || found[0].IRI != "FBI" {
		t.Errorf("entities after write: %v, want FBI", found)
	}
}

// count returns how many results src gives.
func count(t testing.TB, ts *testServer, src string) int {
	t.Helper()
	resp := ts.do(t, "POST", "/api/v2/query?lang=gizmo", src)
	var got struct{ Result []any }
	decode(t, resp, &got)
	return len(got.Result)
}

func TestServer_Saved(t *testing.T) {
	ts := newServer(t, setup{})
	t.Run("list", func(t *testing.T) {
		var list []struct {
			Name, Description string
			Params            []struct{ Name, Kind, Default string }
			Columns, Order    []string
		}
		decode(t, ts.do(t, "GET", "/api/v1/saved", ""), &list)
		if len(list) != 1 || list[0].Name != "helpers" || list[0].Description == "" || len(list[0].Params) != 2 ||
			list[0].Params[0].Name != "agency" || list[0].Params[0].Kind != "entity" || list[0].Params[0].Default != "ICE" ||
			!slices.Equal(list[0].Columns, []string{"helper", "help"}) || !slices.Equal(list[0].Order, []string{"helper", "help"}) {
			t.Errorf("list: %+v", list)
		}
	})
	rows := []map[string]any{
		{"helper": "<IRS-CI>", "help": "<assists>"},
		{"helper": "<USCBP>", "help": "<detailsStaffTo>"},
	}
	tests := []struct {
		name, method, path, body string
		want                     []map[string]any
	}{
		{"defaults", "GET", "/api/v1/saved/helpers", "", rows},
		{"by alias", "GET", "/api/v1/saved/helpers?agency=ice", "", rows},
		{"by name", "GET", "/api/v1/saved/helpers?agency=" + url.QueryEscape("U.S. Immigration and Customs Enforcement"), "", rows},
		{"integer", "GET", "/api/v1/saved/helpers?agency=ICE&max=1", "", rows[:1]},
		{"POST JSON", "POST", "/api/v1/saved/helpers", `{"agency": "ICE", "max": 1}`, rows[:1]},
		{"POST overrides URL", "POST", "/api/v1/saved/helpers?max=2", `{"max": 1}`, rows[:1]},
		{"no helpers", "GET", "/api/v1/saved/helpers?agency=DHS", "", []map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := ts.do(t, tc.method, tc.path, tc.body)
			var got struct {
				Columns []string
				Rows    []map[string]any
			}
			decode(t, resp, &got)
			if resp.status != 200 || !reflect.DeepEqual(got.Rows, tc.want) || !slices.Equal(got.Columns, []string{"helper", "help"}) {
				t.Errorf("%d %s, want rows %v", resp.status, resp.body, tc.want)
			}
		})
	}
	t.Run("csv", func(t *testing.T) {
		resp := ts.do(t, "GET", "/api/v1/saved/helpers?format=csv", "")
		if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		recs, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
		want := [][]string{{"helper", "help"}, {"<IRS-CI>", "<assists>"}, {"<USCBP>", "<detailsStaffTo>"}}
		if err != nil || !reflect.DeepEqual(recs, want) {
			t.Errorf("csv %q (%v), want %v", resp.body, err, want)
		}
	})
	t.Run("ndjson", func(t *testing.T) {
		resp := ts.do(t, "GET", "/api/v1/saved/helpers?format=ndjson", "")
		if ct := resp.header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("Content-Type %q", ct)
		}
		dec := json.NewDecoder(strings.NewReader(resp.body))
		var got []map[string]any
		for dec.More() {
			var row map[string]any
			if err := dec.Decode(&row); err != nil {
				t.Fatal(err)
			}
			got = append(got, row)
		}
		if strings.Count(resp.body, "\n") != 2 || !reflect.DeepEqual(got, rows) {
			t.Errorf("ndjson %q, want one line per row %v", resp.body, rows)
		}
	})
	errTests := []struct {
		name, method, path, body string
		status                   int
		parts                    []string
	}{
		{"unknown query", "GET", "/api/v1/saved/nope", "", 404, []string{"nope", "helpers"}},
		{"unknown entity", "GET", "/api/v1/saved/helpers?agency=ICEE", "", 400, []string{"ICEE", "closest", "ICE"}},
		{"unknown parameter", "GET", "/api/v1/saved/helpers?agncy=ICE", "", 400, []string{"agncy", "usage"}},
		{"bad integer", "GET", "/api/v1/saved/helpers?max=-3", "", 400, []string{"max", "-3"}},
		{"bad format", "GET", "/api/v1/saved/helpers?format=xml", "", 400, []string{"xml"}},
		{"bad body", "POST", "/api/v1/saved/helpers", `["ICE"]`, 400, []string{"JSON object"}},
		{"object parameter", "POST", "/api/v1/saved/helpers", `{"agency": {"x": 1}}`, 400, []string{"agency"}},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, ts.do(t, tc.method, tc.path, tc.body), tc.status, tc.parts...)
		})
	}
}

func TestServer_Entities(t *testing.T) {
	ts := newServer(t, setup{})
	tests := []struct {
		q     string
		limit string
		want  []string // IRIs, in order
	}{
		{"ICE", "", []string{"ICE", "src/002", "src/001"}}, // alias, then headlines that contain it
		{"cbp", "", []string{"src/002", "USCBP"}},
		{"U.S.", "", []string{"USCBP", "ICE"}},
		{"U.S.", "1", []string{"USCBP"}},
		{"zzz", "", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.q+tc.limit, func(t *testing.T) {
			path := "/api/v1/entities?q=" + url.QueryEscape(tc.q)
			if tc.limit != "" {
				path += "&limit=" + tc.limit
			}
			resp := ts.do(t, "GET", path, "")
			var got []struct {
				IRI, Name string
			}
			decode(t, resp, &got)
			iris := []string{}
			for _, e := range got {
				iris = append(iris, e.IRI)
				if e.Name == "" {
					t.Errorf("entity %s has no name", e.IRI)
				}
			}
			if !slices.Equal(iris, tc.want) {
				t.Errorf("q=%s: %v, want %v (%s)", tc.q, iris, tc.want, resp.body)
			}
		})
	}
	wantError(t, ts.do(t, "GET", "/api/v1/entities", ""), 400, "q")
	wantError(t, ts.do(t, "GET", "/api/v1/entities?q=ICE&limit=0", ""), 400, "limit")
}

func TestServer_StatsAndHealth(t *testing.T) {
	ts := newServer(t, setup{})
	var st struct {
		Backend string
		Quads   int64
		Labels  int64 `json:"graph_labels"`
	}
	decode(t, ts.do(t, "GET", "/api/v1/stats", ""), &st)
	if st.Backend != "memory" || st.Quads != fixtureQuads || st.Labels != 2 {
		t.Errorf("stats %+v, want memory, %d quads, 2 labels", st, fixtureQuads)
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		resp := ts.do(t, "GET", path, "")
		var got struct{ Status string }
		decode(t, resp, &got)
		if resp.status != 200 || got.Status != want {
			t.Errorf("%s: %d %s", path, resp.status, resp.body)
		}
	}
}

// TestServer_AccessLog checks the one structured line each request leaves.
func TestServer_AccessLog(t *testing.T) {
	ts := newServer(t, setup{})
	ts.do(t, "POST", "/api/v2/query?lang=gizmo", `g.V("<ICE>").In(["<assists>", "<detailsStaffTo>"]).All()`)
	ts.do(t, "GET", "/api/v1/saved/nope", "")
	ts.do(t, "GET", "/healthz", "")
	type line struct {
		Msg, Method, Path string
		Status            int
		Duration          *int64
		Rows              *int
	}
	var lines []line
	dec := json.NewDecoder(bytes.NewReader([]byte(ts.log.String())))
	for dec.More() {
		var l line
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("log is not JSON lines: %v\n%s", err, ts.log.String())
		}
		if l.Msg == "request" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d request lines, want 3:\n%s", len(lines), ts.log.String())
	}
	want := []struct {
		method, path string
		status, rows int // rows -1: none logged
	}{
		{"POST", "/api/v2/query", 200, 2},
		{"GET", "/api/v1/saved/nope", 404, -1},
		{"GET", "/healthz", 200, -1},
	}
	for i, w := range want {
		l := lines[i]
		if l.Method != w.method || l.Path != w.path || l.Status != w.status || l.Duration == nil || *l.Duration <= 0 {
			t.Errorf("line %d: %+v, want %s %s %d with a duration", i, l, w.method, w.path, w.status)
		}
		if (w.rows < 0) != (l.Rows == nil) || (l.Rows != nil && *l.Rows != w.rows) {
			t.Errorf("line %d: rows %v, want %d", i, jsonText(l.Rows), w.rows)
		}
	}
}
