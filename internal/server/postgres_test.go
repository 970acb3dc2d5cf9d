package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/internal/server"
)

// A server over a PostgreSQL store answers a saved query and a raw Gizmo
// query over HTTP as it does over a memory store holding the same file.
func TestServer_Postgres(t *testing.T) {
	url := graphtest.PostgresDB(t)
	ctx := context.Background()
	saved, err := query.LoadSaved(os.DirFS("../../testdata/server/queries"))
	if err != nil {
		t.Fatal(err)
	}
	start := func(cfg graph.Config) *httptest.Server {
		s, err := graph.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		ins, err := graph.Inputs([]string{fixture}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
			t.Fatalf("load into %s: %v", cfg, err)
		}
		runner := &query.Runner{Store: s, Timeout: 10 * time.Second, Limit: 1000}
		ts := httptest.NewServer(server.New(runner, saved, server.Config{MaxConcurrent: 4}))
		t.Cleanup(ts.Close)
		return ts
	}
	pg, mem := start(graph.ParseDB(url)), start(graph.Config{Backend: graph.Memory})

	get := func(ts *httptest.Server, method, path, body string) string {
		t.Helper()
		r := (&testServer{Server: ts}).do(t, method, path, body)
		if r.status != http.StatusOK {
			t.Fatalf("%s %s: %d\n%s", method, path, r.status, r.body)
		}
		return r.body
	}
	requests := []struct{ method, path, body, field string }{
		{"GET", "/api/v1/saved/helpers?agency=ICE", "", "rows"},
		{"POST", "/api/v1/query/gizmo", `g.V("<ICE>").In("<assists>").All()`, "result"},
	}
	for _, rq := range requests {
		got, want := pgRows(t, get(pg, rq.method, rq.path, rq.body), rq.field), pgRows(t, get(mem, rq.method, rq.path, rq.body), rq.field)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s %s: postgres answered %v, memory %v", rq.method, rq.path, got, want)
		}
	}
}

// pgRows returns the elements of a JSON answer's field, each as JSON, sorted.
func pgRows(t *testing.T, body, field string) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(m[field], &list); err != nil {
		t.Fatalf("field %q: %v: %s", field, err, body)
	}
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = string(r)
	}
	slices.Sort(out)
	return out
}
