package server_test

import (
	"encoding/json"
	"encoding/xml"
	"mime"
	"net/url"
	"strings"
	"testing"
)

// exportData is the export tests' graph (drawn in internal/export's tests):
// IRS-CI and USCBP assist ICE, ICE sits in DHS, HSI in ICE, and so on.
const exportData = "../../testdata/export/small.nq"

func TestServer_HandleExport(t *testing.T) {
	ts := newServer(t, setup{data: exportData})
	tests := []struct {
		name, path  string
		status      int
		contentType string
		filename    string
		nodes       int // -1: not checked
	}{
		{"graphml whole graph", "/api/v1/export?format=graphml", 200, "application/graphml+xml", "agencygraph.graphml", 9},
		{"default is graphml", "/api/v1/export", 200, "application/graphml+xml", "agencygraph.graphml", 9},
		{"gexf around, two hops", "/api/v1/export?format=gexf&around=IRS-CI&hops=2", 200, "application/gexf+xml", "agencygraph-IRS-CI-2hops.gexf", 8},
		{"cytoscape around by name", "/api/v1/export?format=cytoscape&around=" + url.QueryEscape("IRS Criminal Investigation"), 200, "application/json", "agencygraph-IRS_Criminal_Investigation-1hop.cyjs", 2},
		{"json from a saved query", "/api/v1/export?format=json&query=helpers&agency=ICE", 200, "application/json", "agencygraph-helpers.json", 2}, // IRS-CI and USCBP: the helpers, not ICE,
		{"json node list", "/api/v1/export?format=json&nodes=ICE&nodes=DHS", 200, "application/json", "agencygraph-view.json", 2},
		{"dot since", "/api/v1/export?format=dot&since=2025-04", 200, "text/vnd.graphviz", "agencygraph-since-2025-04.dot", -1},
		{"nquads", "/api/v1/export?format=nquads&around=ICE", 200, "application/n-quads", "agencygraph-ICE-1hop.nq", -1},
		{"jsonld", "/api/v1/export?format=jsonld", 200, "application/ld+json", "agencygraph.jsonld", -1},
		{"unknown format", "/api/v1/export?format=svg", 400, "application/json", "", -1},
		{"unknown entity", "/api/v1/export?around=Nobody", 404, "application/json", "", -1},
		{"bad hops", "/api/v1/export?around=ICE&hops=two", 400, "application/json", "", -1},
		{"bad date", "/api/v1/export?since=yesterday", 400, "application/json", "", -1},
		{"unknown saved query", "/api/v1/export?query=nope", 400, "application/json", "", -1},
		{"query parameter without query", "/api/v1/export?agency=ICE", 400, "application/json", "", -1},
		{"query with an unknown entity", "/api/v1/export?query=helpers&agency=Nobody", 400, "application/json", "", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do(t, "GET", tc.path, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if tc.status != 200 {
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
					t.Errorf("error body %q is not {\"error\": …}", r.body)
				}
				return
			}
			_, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition"))
			if err != nil || params["filename"] != tc.filename {
				t.Errorf("Content-Disposition %q (%v), want filename %q", r.header.Get("Content-Disposition"), err, tc.filename)
			}
			if tc.nodes >= 0 {
				if got := countNodes(t, r.header.Get("Content-Type"), r.body); got != tc.nodes {
					t.Errorf("%d nodes, want %d", got, tc.nodes)
				}
			}
		})
	}
}

// The page downloads its view with a POST form: the same parameters.
func TestServer_HandleExportPOST(t *testing.T) {
	ts := newServer(t, setup{data: exportData})
	form := url.Values{"format": {"json"}, "nodes": {"ICE", "IRS-CI", "USCBP"}, "predicate": {"assists"}}
	r := ts.do(t, "POST", "/api/v1/export", form.Encode(), "Content-Type: application/x-www-form-urlencoded")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var doc struct {
		Nodes []struct{ ID string }
		Links []struct{ Source, Target, Relationship string }
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Nodes) != 3 || len(doc.Links) != 2 {
		t.Errorf("%d nodes and %d links, want 3 and 2: %s", len(doc.Nodes), len(doc.Links), r.body)
	}
}

func countNodes(t *testing.T, contentType, body string) int {
	t.Helper()
	switch {
	case strings.Contains(contentType, "graphml"):
		var doc struct {
			Graph struct {
				Nodes []struct{} `xml:"node"`
			} `xml:"graph"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		return len(doc.Graph.Nodes)
	case strings.Contains(contentType, "gexf"):
		var doc struct {
			Graph struct {
				Nodes struct {
					Node []struct{} `xml:"node"`
				} `xml:"nodes"`
			} `xml:"graph"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		return len(doc.Graph.Nodes.Node)
	}
	var doc struct {
		Nodes    []json.RawMessage
		Elements struct{ Nodes []json.RawMessage }
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	return len(doc.Nodes) + len(doc.Elements.Nodes)
}

func TestServer_HandleIndex(t *testing.T) {
	ts := newServer(t, setup{data: exportData})
	page := ts.do(t, "GET", "/", "")
	if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", page.status, page.header.Get("Content-Type"))
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("no CSP limiting scripts to the server: %q", csp)
	}
	// Everything the page loads comes from the server itself.
	for _, ref := range []string{"/web/cytoscape.min.js", "/web/app.js", "/web/style.css", "/web/LICENSE"} {
		if ref != "/web/LICENSE" && !strings.Contains(page.body, `"`+ref+`"`) {
			t.Errorf("page does not load %s", ref)
		}
		if r := ts.do(t, "GET", ref, ""); r.status != 200 || r.body == "" {
			t.Errorf("GET %s = %d", ref, r.status)
		}
	}
	if strings.Contains(page.body, "http://") || strings.Contains(page.body, "https://") {
		t.Errorf("page refers to another host:\n%s", page.body)
	}
	if r := ts.do(t, "GET", "/web/refresh-cytoscape.sh", ""); r.status != 404 {
		t.Errorf("GET refresh-cytoscape.sh = %d, want 404", r.status)
	}
}
