package cli_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"
)

// exportData is the export tests' graph, drawn in internal/export's tests:
// 9 entities and 7 relationships backed by 6 assertions from 2 sources.
const exportData = "../../testdata/export/small.nq"

// exportDB loads exportData into a new Bolt file.
func exportDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "ag.bolt")
	if code, _, errs := run(t, "", "load", "-q", "--db", db, exportData); code != 0 {
		t.Fatalf("load: %s", errs)
	}
	return db
}

// counts reads an export back with a parser of its own format and returns
// its node and edge counts.
func counts(t *testing.T, format string, data []byte) (nodes, edges int) {
	t.Helper()
	switch format {
	case "graphml":
		var doc struct {
			Graph struct {
				Nodes []struct{} `xml:"node"`
				Edges []struct{} `xml:"edge"`
			} `xml:"graph"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("graphml: %v", err)
		}
		return len(doc.Graph.Nodes), len(doc.Graph.Edges)
	case "gexf":
		var doc struct {
			Graph struct {
				Nodes struct {
					Node []struct{} `xml:"node"`
				} `xml:"nodes"`
				Edges struct {
					Edge []struct{} `xml:"edge"`
				} `xml:"edges"`
			} `xml:"graph"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("gexf: %v", err)
		}
		return len(doc.Graph.Nodes.Node), len(doc.Graph.Edges.Edge)
	case "cytoscape":
		var doc struct {
			Elements struct{ Nodes, Edges []json.RawMessage }
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("cytoscape: %v", err)
		}
		return len(doc.Elements.Nodes), len(doc.Elements.Edges)
	case "json":
		var doc struct{ Nodes, Links []json.RawMessage }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("json: %v", err)
		}
		return len(doc.Nodes), len(doc.Links)
	case "dot":
		f, err := dot.ParseBytes(data)
		if err != nil {
			t.Fatalf("dot: %v", err)
		}
		for _, st := range f.Graphs[0].Stmts {
			switch st.(type) {
			case *ast.NodeStmt:
				nodes++
			case *ast.EdgeStmt:
				edges++
			}
		}
		return nodes, edges
	}
	t.Fatalf("no reader for %s", format)
	return 0, 0
}

func TestExport_Formats(t *testing.T) {
	db := exportDB(t)
	tests := []struct {
		name         string
		args         []string
		format       string
		nodes, edges int
	}{
		{"graphml whole graph", nil, "graphml", 9, 7},
		{"gexf whole graph", nil, "gexf", 9, 7},
		{"cytoscape whole graph", nil, "cytoscape", 9, 7},
		{"json whole graph", nil, "json", 9, 7},
		{"dot whole graph", nil, "dot", 9, 7},
		{"around by name", []string{"--around", "IRS Criminal Investigation"}, "json", 2, 1},
		{"around two hops", []string{"--around", "IRS-CI", "--hops", "2"}, "graphml", 8, 7},
		{"saved query", []string{"--query", "neighbors", "IRS-CI", "--param", "hops=1"}, "json", 2, 1},
		{"since", []string{"--since", "2025-04"}, "gexf", 3, 2},
		{"until", []string{"--until", "2025-02-01"}, "json", 2, 1},
		{"predicates", []string{"--predicate", "assists", "--predicate", "criticizes"}, "cytoscape", 4, 3},
		// 9 entities, 6 assertions and 2 sources; 7 relationships and 18
		// links from assertions to their subject, object and source.
		{"evidence nodes", []string{"--evidence-nodes"}, "graphml", 17, 25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"export", "--db", db, "--format", tc.format, "-o", out}, tc.args...)
			code, stdout, errs := run(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if stdout != "" {
				t.Errorf("stdout %q: -o should take everything", stdout)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if n, e := counts(t, tc.format, data); n != tc.nodes || e != tc.edges {
				t.Errorf("%d nodes and %d edges, want %d and %d:\n%s", n, e, tc.nodes, tc.edges, data)
			}
		})
	}
}

// N-Quads load back through the loader; JSON-LD is JSON with an @context.
func TestExport_QuadFormats(t *testing.T) {
	db := exportDB(t)
	code, nq, errs := run(t, "", "export", "--db", db, "--format", "nquads", "--around", "IRS-CI")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	back := filepath.Join(t.TempDir(), "back.bolt")
	if code, _, errs := run(t, nq, "load", "-q", "--db", back, "-"); code != 0 {
		t.Fatalf("reload: %s", errs)
	}
	code, out, _ := run(t, "", "export", "--db", back, "--format", "json")
	if code != 0 {
		t.Fatal(out)
	}
	if n, e := counts(t, "json", []byte(out)); n != 2 || e != 1 {
		t.Errorf("reloaded subgraph has %d nodes and %d edges, want 2 and 1", n, e)
	}
	code, ld, errs := run(t, "", "export", "--db", db, "--format", "jsonld")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(ld), &doc); err != nil || doc["@context"] == nil {
		t.Errorf("JSON-LD: %v, @context %v", err, doc["@context"])
	}
}

// DOT names its layout and renders with Graphviz when it is installed.
func TestExport_DOTRenders(t *testing.T) {
	db := exportDB(t)
	code, out, errs := run(t, "", "export", "--db", db, "--format", "dot")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "layout=dot") {
		t.Errorf("a 9-node graph should use the dot layout:\n%s", out)
	}
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz dot is not installed (apt-get install graphviz): not rendering")
	}
	cmd := exec.Command("dot", "-Tsvg")
	cmd.Stdin = strings.NewReader(out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	svg, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("dot -Tsvg: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(string(svg), `class="node"`); n != 9 {
		t.Errorf("rendered %d nodes, want 9", n)
	}
	if n := strings.Count(string(svg), `class="edge"`); n != 7 {
		t.Errorf("rendered %d edges, want 7", n)
	}
}

func TestExport_Errors(t *testing.T) {
	db := exportDB(t)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown format", []string{"--format", "svg"}, `unknown export format "svg"`},
		{"bad date", []string{"--since", "last spring"}, `bad date "last spring"`},
		{"unknown entity", []string{"--around", "Nobody At All"}, `unknown entity "Nobody At All"`},
		{"around and query", []string{"--around", "ICE", "--query", "neighbors"}, "choose one of --around and --query"},
		{"unknown query", []string{"--query", "nope"}, `no saved query "nope"`},
		{"query argument missing", []string{"--query", "neighbors"}, "missing ENTITY"},
		{"bad param", []string{"--query", "neighbors", "ICE", "--param", "hops"}, `--param "hops": want NAME=VALUE`},
		{"too many arguments", []string{"--query", "neighbors", "ICE", "DHS"}, "too many arguments"},
		{"argument without query", []string{"ICE"}, `unexpected argument "ICE"`},
		{"unknown relationship", []string{"--predicate", "befriends"}, `no relationship "befriends"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"export", "--db", db, "-o", out}, tc.args...)
			code, _, errs := run(t, "", args...)
			if code != 1 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 1 and one line with %q", code, errs, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("-o file exists after a failed export (%v)", err)
			}
		})
	}
}
