package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
	"gonum.org/v1/gonum/graph/formats/cytoscapejs"
	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"
	"gonum.org/v1/gonum/graph/formats/gexf12"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/export/golden")

// small is ../../testdata/export/small.nq: 9 entities and 7 relationships,
// 6 assertions from 2 sources (src/001, src/002), 99 quads.
//
//	HSI ──sub-organization of──▶ ICE ──sub-organization of──▶ DHS
//	IRS-CI ──assists (st/001 2025-03-10, st/002 2025-02)──▶ ICE
//	USCBP ──assists (st/002, no date: src/002 published 2025-04-02)──▶ ICE
//	org/aclu ──criticizes (st/002 asOf 2025-04)──▶ ICE
//	person/todd-lyons ──head of (st/001, no date: src/001 2025-03-12)──▶ ICE
//	ICE ──uses facility (st/001 2025-02-04)──▶ facility/guantanamo
//	program/wso (no relationships)
//
// The two sub-organization edges sit in the default graph with no assertion.
const small = "../../testdata/export/small.nq"

const smallQuads = 99

func openStore(tb testing.TB, files ...string) *graph.Store {
	tb.Helper()
	return openStoreIn(tb, graph.Config{Backend: graph.Memory}, files...)
}

// openStoreIn loads files into a new store of cfg.
func openStoreIn(tb testing.TB, cfg graph.Config, files ...string) *graph.Store {
	tb.Helper()
	s, err := graph.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	ins, err := graph.Inputs(files, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Load(context.Background(), ins, graph.LoadOptions{}); err != nil {
		tb.Fatal(err)
	}
	return s
}

func run(tb testing.TB, s *graph.Store, format string, opt export.Options) []byte {
	tb.Helper()
	f, err := export.ParseFormat(format)
	if err != nil {
		tb.Fatal(err)
	}
	x, err := export.New(context.Background(), s, f, opt)
	if err != nil {
		tb.Fatalf("export %s %+v: %v", format, opt, err)
	}
	var buf bytes.Buffer
	if err := x.WriteTo(context.Background(), &buf); err != nil {
		tb.Fatalf("write %s: %v", format, err)
	}
	return buf.Bytes()
}

// parsed is what every graph format reads back as.
type parsed struct {
	nodes map[string]string // id → name
	edges map[string]int    // "source relationship target" → sources
}

type graphMLDoc struct {
	Keys  []struct{ ID, For string } `xml:"key"`
	Graph struct {
		Nodes []struct {
			ID   string         `xml:"id,attr"`
			Data []graphMLDatum `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string         `xml:"source,attr"`
			Target string         `xml:"target,attr"`
			Data   []graphMLDatum `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type graphMLDatum struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func datum(ds []graphMLDatum, key string) string {
	for _, d := range ds {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

type plainJSON struct {
	Nodes []struct{ ID, Name, Type, Colour string }
	Links []struct {
		Source, Target, Relationship string
		Sources                      int
		Evidence                     []export.Evidence
	}
}

func attr(attrs []*ast.Attr, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return strings.Trim(a.Val, `"`)
		}
	}
	return ""
}

// parse reads a graph format back with an independent reader.
func parse(t *testing.T, format string, data []byte) parsed {
	t.Helper()
	p := parsed{nodes: map[string]string{}, edges: map[string]int{}}
	atoi := func(s string) int {
		var n int
		fmt.Sscan(s, &n)
		return n
	}
	switch format {
	case "dot":
		f, err := dot.ParseBytes(data)
		if err != nil {
			t.Fatalf("parse dot: %v", err)
		}
		for _, st := range f.Graphs[0].Stmts {
			switch st := st.(type) {
			case *ast.NodeStmt:
				p.nodes[strings.Trim(st.Node.ID, `"`)] = attr(st.Attrs, "label")
			case *ast.EdgeStmt:
				from := strings.Trim(st.From.(*ast.Node).ID, `"`)
				to := strings.Trim(st.To.Vertex.(*ast.Node).ID, `"`)
				p.edges[from+" "+attr(st.Attrs, "label")+" "+to] = atoi(attr(st.Attrs, "sources"))
			}
		}
	case "graphml":
		var doc graphMLDoc
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("parse graphml: %v", err)
		}
		for _, n := range doc.Graph.Nodes {
			p.nodes[n.ID] = datum(n.Data, "name")
		}
		for _, e := range doc.Graph.Edges {
			p.edges[e.Source+" "+datum(e.Data, "relationship")+" "+e.Target] = atoi(datum(e.Data, "sources"))
		}
	case "gexf":
		var doc gexf12.Content
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("parse gexf: %v", err)
		}
		// Counts are optional, and left out of a streamed export.
		if doc.Version != "1.2" || (doc.Graph.Nodes.Count != 0 && doc.Graph.Nodes.Count != len(doc.Graph.Nodes.Nodes)) ||
			(doc.Graph.Edges.Count != 0 && doc.Graph.Edges.Count != len(doc.Graph.Edges.Edges)) {
			t.Errorf("gexf version %q, counts %d/%d nodes %d/%d edges", doc.Version,
				doc.Graph.Nodes.Count, len(doc.Graph.Nodes.Nodes), doc.Graph.Edges.Count, len(doc.Graph.Edges.Edges))
		}
		for _, n := range doc.Graph.Nodes.Nodes {
			if n.Color == nil {
				t.Errorf("gexf node %s has no viz:color", n.ID)
			}
			p.nodes[n.ID] = n.Label
		}
		for _, e := range doc.Graph.Edges.Edges {
			n := 0
			for _, av := range e.AttValues.AttValues {
				if av.For == "sources" {
					n = atoi(av.Value)
				}
			}
			p.edges[e.Source+" "+e.Label+" "+e.Target] = n
		}
	case "cytoscape":
		var doc cytoscapejs.GraphNodeEdge
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("parse cytoscape: %v", err)
		}
		for _, n := range doc.Elements.Nodes {
			p.nodes[n.Data.ID], _ = n.Data.Attributes["name"].(string)
		}
		for _, e := range doc.Elements.Edges {
			rel, _ := e.Data.Attributes["relationship"].(string)
			n, _ := e.Data.Attributes["sources"].(float64)
			p.edges[e.Data.Source+" "+rel+" "+e.Data.Target] = int(n)
		}
	case "json":
		var doc plainJSON
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("parse json: %v", err)
		}
		for _, n := range doc.Nodes {
			p.nodes[n.ID] = n.Name
		}
		for _, l := range doc.Links {
			p.edges[l.Source+" "+l.Relationship+" "+l.Target] = l.Sources
		}
	default:
		t.Fatalf("no parser for %s", format)
	}
	return p
}

var graphFormats = []string{"dot", "graphml", "gexf", "cytoscape", "json"}

func TestExport_GraphFormatsParseBack(t *testing.T) {
	s := openStore(t, small)
	tests := []struct {
		name       string
		opt        export.Options
		nodes      int
		edges      map[string]int // every edge, with its number of sources
		extraNodes []string       // nodes that must be there besides the edge ends
	}{
		{"whole graph", export.Options{}, 9, map[string]int{
			"HSI sub-organization of ICE":           0,
			"ICE sub-organization of DHS":           0,
			"IRS-CI assists ICE":                    2,
			"USCBP assists ICE":                     1,
			"org/aclu criticizes ICE":               1,
			"person/todd-lyons head of ICE":         1,
			"ICE uses facility facility/guantanamo": 1,
		}, []string{"program/wso"}},
		{"around IRS-CI, 1 hop", export.Options{Around: "IRS-CI", Hops: 1}, 2, map[string]int{
			"IRS-CI assists ICE": 2,
		}, nil},
		{"around IRS-CI, 2 hops", export.Options{Around: "<IRS-CI>", Hops: 2}, 8, map[string]int{
			"HSI sub-organization of ICE":           0,
			"ICE sub-organization of DHS":           0,
			"IRS-CI assists ICE":                    2,
			"USCBP assists ICE":                     1,
			"org/aclu criticizes ICE":               1,
			"person/todd-lyons head of ICE":         1,
			"ICE uses facility facility/guantanamo": 1,
		}, nil},
		{"predicate by label", export.Options{Predicates: []string{"assists"}}, 3, map[string]int{
			"IRS-CI assists ICE": 2,
			"USCBP assists ICE":  1,
		}, nil},
		{"predicate by IRI", export.Options{Predicates: []string{"http://www.w3.org/ns/org#subOrganizationOf", "criticizes"}}, 4, map[string]int{
			"HSI sub-organization of ICE": 0,
			"ICE sub-organization of DHS": 0,
			"org/aclu criticizes ICE":     1,
		}, nil},
		// USCBP's assertion has no date of its own: its source's publication date counts.
		{"since April", export.Options{Since: "2025-04"}, 3, map[string]int{
			"USCBP assists ICE":       1,
			"org/aclu criticizes ICE": 1,
		}, nil},
		// 2025-02 (a gYearMonth) overlaps a range ending on 2025-02-01.
		{"until 1 February", export.Options{Until: "2025-02-01"}, 2, map[string]int{
			"IRS-CI assists ICE": 2,
		}, nil},
		{"node list", export.Options{Nodes: []string{"ICE", "DHS", "HSI", "src/001", "no-such-thing"}}, 3, map[string]int{
			"HSI sub-organization of ICE": 0,
			"ICE sub-organization of DHS": 0,
		}, nil},
		// 9 entities + 6 assertions + 2 sources; 7 relationships + 6×3 links
		// from assertions to subject, object and source.
		{"evidence nodes", export.Options{EvidenceNodes: true}, 17, nil, []string{"st/002-cbp-assists-ice", "src/002"}},
	}
	for _, tc := range tests {
		for _, format := range graphFormats {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				p := parse(t, format, run(t, s, format, tc.opt))
				if len(p.nodes) != tc.nodes {
					t.Errorf("%d nodes, want %d: %v", len(p.nodes), tc.nodes, p.nodes)
				}
				if tc.edges != nil && fmt.Sprint(p.edges) != fmt.Sprint(tc.edges) {
					t.Errorf("edges = %v\nwant %v", p.edges, tc.edges)
				}
				if tc.opt.EvidenceNodes && len(p.edges) != 7+6*3 {
					t.Errorf("%d edges with evidence nodes, want 25", len(p.edges))
				}
				for e := range p.edges {
					f := strings.Fields(e)
					if _, ok := p.nodes[f[0]]; !ok {
						t.Errorf("edge %q starts at a node not in the export", e)
					}
					if _, ok := p.nodes[f[len(f)-1]]; !ok {
						t.Errorf("edge %q ends at a node not in the export", e)
					}
				}
				for _, n := range tc.extraNodes {
					if _, ok := p.nodes[n]; !ok {
						t.Errorf("node %s missing", n)
					}
				}
				if name := p.nodes["ICE"]; name != "" && name != "U.S. Immigration and Customs Enforcement" {
					t.Errorf("ICE is named %q", name)
				}
			})
		}
	}
}

// A whole-graph export from a Bolt store is streamed (see stream.go) rather
// than built in memory: it must hold the same nodes and edges, with the same
// attributes and evidence, as the model's export of the same data.
func TestExport_StreamedMatchesModel(t *testing.T) {
	mem := openStore(t, small)
	bolt := openStoreIn(t, graph.Config{Backend: graph.Bolt, Address: filepath.Join(t.TempDir(), "small.db")}, small)
	for _, format := range []string{"graphml", "gexf", "cytoscape", "json"} {
		t.Run(format, func(t *testing.T) {
			want := parse(t, format, run(t, mem, format, export.Options{}))
			got := parse(t, format, run(t, bolt, format, export.Options{}))
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("streamed export differs:\n got %v\nwant %v", got, want)
			}
		})
	}
	// Every attribute and every piece of evidence, in the plain JSON format.
	canonical := func(b []byte) string {
		var doc struct {
			Nodes []map[string]any `json:"nodes"`
			Links []map[string]any `json:"links"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, list := range [][]map[string]any{doc.Nodes, doc.Links} {
			sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]["id"]) < fmt.Sprint(list[j]["id"]) })
		}
		out, _ := json.MarshalIndent(doc, "", " ")
		return string(out)
	}
	got, want := canonical(run(t, bolt, "json", export.Options{})), canonical(run(t, mem, "json", export.Options{}))
	if got != want {
		t.Errorf("streamed JSON differs:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(got, "IRS criminal investigators began assisting ICE on March 10.") {
		t.Errorf("streamed JSON lacks the evidence quotes:\n%s", got)
	}
}

// The cytoscape format carries each edge's evidence for the graph page.
func TestExport_CytoscapeEvidence(t *testing.T) {
	s := openStore(t, small)
	var doc cytoscapejs.GraphNodeEdge
	if err := json.Unmarshal(run(t, s, "cytoscape", export.Options{Around: "IRS-CI"}), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Elements.Edges) != 1 {
		t.Fatalf("%d edges, want 1", len(doc.Elements.Edges))
	}
	e := doc.Elements.Edges[0].Data
	if e.Attributes["date"] != "2025-02" {
		t.Errorf("date = %v, want the earliest, 2025-02", e.Attributes["date"])
	}
	raw, _ := json.Marshal(e.Attributes["evidence"])
	var ev []export.Evidence
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	want := []export.Evidence{
		{ID: "st/001-irs-assists-ice", Quote: "IRS criminal investigators began assisting ICE on March 10.", Source: "src/001",
			SourceName: "IRS agents join immigration enforcement", Publisher: "Example Times", Status: "stated", Date: "2025-03-10", DateText: "March 10"},
		{ID: "st/002-irs-assists-ice", Quote: "Officials said IRS agents had been helping ICE since February.", Source: "src/002",
			SourceName: "Border agents & tax investigators <assist> ICE", Publisher: "Example Post", Status: "anonymous", Date: "2025-02"},
	}
	if fmt.Sprint(ev) != fmt.Sprint(want) {
		t.Errorf("evidence = %+v\nwant %+v", ev, want)
	}
	for _, n := range doc.Elements.Nodes {
		if n.Data.Attributes["type"] != "agency" && n.Data.Attributes["type"] != "unit" {
			t.Errorf("node %s has type %v", n.Data.ID, n.Data.Attributes["type"])
		}
		if c, _ := n.Data.Attributes["colour"].(string); len(c) != 7 || c[0] != '#' {
			t.Errorf("node %s has colour %q", n.Data.ID, c)
		}
	}
}

// N-Quads load back through our own loader; the reloaded store exports the
// same graph.
func TestExport_NQuadsLoadBack(t *testing.T) {
	s := openStore(t, small)
	tests := []struct {
		name  string
		opt   export.Options
		quads int
	}{
		{"whole graph", export.Options{}, smallQuads},
		// 11 vocabulary + IRS-CI's 2 + ICE's 4 (type, name, alias, field
		// office count) + 2 assists quads + the 2 assertions' 10 and 9 + 2
		// sources × 4.
		{"around IRS-CI", export.Options{Around: "IRS-CI"}, 46},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := run(t, s, "nquads", tc.opt)
			path := filepath.Join(t.TempDir(), "out.nq")
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			back := openStore(t, path)
			st, err := back.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Quads != int64(tc.quads) {
				t.Errorf("reloaded %d quads, want %d", st.Quads, tc.quads)
			}
			a := run(t, s, "json", tc.opt)
			b := run(t, back, "json", export.Options{})
			if tc.opt.Around != "" {
				b = run(t, back, "json", tc.opt)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("JSON export of the reloaded store differs:\n%s\nvs\n%s", a, b)
			}
		})
	}
}

func TestExport_JSONLDParsesBack(t *testing.T) {
	s := openStore(t, small)
	qs, err := quad.ReadAll(jsonld.NewReader(bytes.NewReader(run(t, s, "jsonld", export.Options{}))))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != smallQuads {
		t.Errorf("JSON-LD holds %d quads, want %d", len(qs), smallQuads)
	}
	// Back to the relative IRIs of the data, the quads are those of the store.
	rel := func(v quad.Value) quad.Value {
		switch v := v.(type) {
		case quad.IRI:
			return quad.IRI(strings.TrimPrefix(string(v), export.JSONLDBase))
		case quad.TypedString: // the reader turns numbers into quad.Int
			if pv, err := v.ParseValue(); err == nil {
				return pv
			}
		}
		return v
	}
	have := map[string]bool{}
	for _, q := range qs {
		q.Subject, q.Predicate, q.Object = rel(q.Subject), rel(q.Predicate), rel(q.Object)
		if q.Label != nil {
			q.Label = rel(q.Label)
		}
		have[q.NQuad()] = true
	}
	err = s.EachQuad(context.Background(), func(q quad.Quad) error {
		q.Object = rel(q.Object)
		if !have[q.NQuad()] {
			t.Errorf("quad missing from JSON-LD: %s", q.NQuad())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExport_Golden(t *testing.T) {
	s := openStore(t, small)
	for _, f := range export.Formats {
		t.Run(f.Name, func(t *testing.T) {
			got := run(t, s, f.Name, export.Options{})
			path := filepath.Join("../../testdata/export/golden", "small."+f.Ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if f.Name == "nquads" {
				// Quad order follows the backend's iterator: compare as sets of lines.
				got, want = sortedLines(got), sortedLines(want)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update to accept):\n%s", f.Name, path, got)
			}
		})
	}
}

func sortedLines(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n"))
}

// bigGraph returns N-Quads of n entities in a ring, each assisting the next.
func bigGraph(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<a%d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Agency> .\n", i)
		fmt.Fprintf(&b, "<a%d> <http://schema.org/name> \"Agency %d\" .\n", i, i)
		fmt.Fprintf(&b, "<a%d> <assists> <a%d> <src/%d> .\n", i, (i+1)%n, i)
	}
	return b.String()
}

func TestExport_DOTLayoutAndRender(t *testing.T) {
	tests := []struct {
		name, file, layout string
		nodes              int
	}{
		{"small graph uses dot", small, "dot", 9},
		{"large graph uses sfdp", "", "sfdp", export.SFDPThreshold + 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = filepath.Join(t.TempDir(), "big.nq")
				if err := os.WriteFile(file, []byte(bigGraph(tc.nodes)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := run(t, openStore(t, file), "dot", export.Options{})
			f, err := dot.ParseBytes(out)
			if err != nil {
				t.Fatal(err)
			}
			layout := ""
			for _, st := range f.Graphs[0].Stmts {
				if a, ok := st.(*ast.AttrStmt); ok && a.Kind == ast.GraphKind {
					layout = attr(a.Attrs, "layout")
				}
			}
			if layout != tc.layout {
				t.Errorf("layout = %q, want %q", layout, tc.layout)
			}
			if _, err := exec.LookPath("dot"); err != nil {
				t.Skip("Graphviz dot is not on PATH (apt-get install graphviz): not rendering")
			}
			cmd := exec.Command("dot", "-Tsvg")
			cmd.Stdin = bytes.NewReader(out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			svg, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("dot -Tsvg: %v\n%s", err, stderr.String())
			}
			if got := strings.Count(string(svg), `class="node"`); got != tc.nodes {
				t.Errorf("rendered %d nodes, want %d", got, tc.nodes)
			}
		})
	}
}

func TestExport_Errors(t *testing.T) {
	s := openStore(t, small)
	lookupFails := func(ctx context.Context, name string) (quad.IRI, error) {
		return "", graph.Errorf(graph.ENOTFOUND, "no entity named %q", name)
	}
	lookupAlias := func(ctx context.Context, name string) (quad.IRI, error) {
		if name == "Immigration and Customs Enforcement" {
			return "ICE", nil
		}
		return lookupFails(ctx, name)
	}
	tests := []struct {
		name string
		opt  export.Options
		code string
	}{
		{"bad date", export.Options{Since: "March 2025"}, graph.EINVALID},
		{"unknown predicate", export.Options{Predicates: []string{"befriends"}}, graph.EINVALID},
		{"unknown entity without lookup", export.Options{Around: "Nobody"}, graph.ENOTFOUND},
		{"unknown entity", export.Options{Around: "Nobody", Lookup: lookupFails}, graph.ENOTFOUND},
		{"assertion is not an entity", export.Options{Around: "st/002-cbp-assists-ice"}, graph.ENOTFOUND},
		{"around and nodes", export.Options{Around: "ICE", Nodes: []string{"DHS"}}, graph.EINVALID},
		{"negative hops", export.Options{Around: "ICE", Hops: -1}, graph.EINVALID},
		{"name through lookup", export.Options{Around: "Immigration and Customs Enforcement", Lookup: lookupAlias}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := export.ParseFormat("json")
			_, err := export.New(context.Background(), s, f, tc.opt)
			if graph.Code(err) != tc.code {
				t.Errorf("err = %v (code %q), want code %q", err, graph.Code(err), tc.code)
			}
		})
	}
	if _, err := export.ParseFormat("svg"); graph.Code(err) != graph.EINVALID {
		t.Errorf("ParseFormat(svg) = %v, want EINVALID", err)
	}
}
