package query_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/quads"
	"github.com/agencygraph/agencygraph/queries"
)

// Every saved query answers the same on PostgreSQL as on a memory store
// holding the same bundled dataset, rows in the same order, for each of
// the arguments argSets gives it (a committee among them whose parent edge
// no source states).
func TestSaved_PostgresMatchesMemory(t *testing.T) {
	url := graphtest.PostgresDB(t)
	ctx := context.Background()
	open := func(cfg graph.Config) *graph.Store {
		s, err := graph.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		ins, err := graph.FSInputs(quads.FS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
			t.Fatalf("load bundled dataset into %s: %v", cfg, err)
		}
		return s
	}
	pg := &query.Runner{Store: open(graph.ParseDB(url)), Timeout: 30 * time.Second}
	mem := &query.Runner{Store: open(graph.Config{Backend: graph.Memory}), Timeout: 30 * time.Second}
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(saved))
	for name := range saved {
		names = append(names, name)
	}
	slices.Sort(names)
	answered := 0
	for _, name := range names {
		q := saved[name]
		t.Run(name, func(t *testing.T) {
			found := false
			for _, args := range argSets(q, "ICE", "USCIS", "DHS", "CBP", "IRS", "Senate Judiciary Committee") {
				want, err := mem.Run(ctx, q, args)
				if err != nil {
					t.Fatalf("memory: %v", err)
				}
				got, err := pg.Run(ctx, q, args)
				if err != nil {
					t.Fatalf("postgres: %v", err)
				}
				if g, w := rowsJSON(t, got), rowsJSON(t, want); !slices.Equal(g, w) {
					t.Errorf("%s %v on postgres: %d rows\n%v\non memory: %d rows\n%v", name, args, len(g), g, len(w), w)
				}
				found = found || len(want.Rows) > 0
			}
			if found {
				answered++
			}
		})
	}
	if answered < len(names)/2 {
		t.Errorf("only %d of %d saved queries found anything on the bundled dataset: the comparison is hollow", answered, len(names))
	}
}

// rowsJSON is a result's rows as JSON, in order.
func rowsJSON(t *testing.T, res *query.Result) []string {
	t.Helper()
	var out []string
	for _, row := range res.Rows {
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
