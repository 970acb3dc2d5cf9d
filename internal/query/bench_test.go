package query_test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/quads"
)

// benchArgs are the arguments each saved query is timed with: the
// questions of the issue, on the bundled dataset.
var benchArgs = map[string]map[string]string{
	"assists":         {"agency": "ICE"},
	"conflicts":       nil,
	"deputizations":   nil,
	"entity":          {"entity": "ICE"},
	"evidence":        {"entity": "ICE"},
	"facilities":      {"agency": "ICE"},
	"hierarchy":       {"entity": "HSI"},
	"leaders":         {"entity": "USCIS"},
	"neighbors":       {"entity": "ICE", "hops": "2"},
	"path":            {"from": "Kika Scott", "to": "DEA"},
	"personnel-flows": {"agency": "ICE"},
	"sources":         nil,
	"timeline":        nil,
}

// BenchmarkSaved times each saved query end to end (parameter lookup,
// binding, the script, collecting rows) on the bundled dataset, in memory
// and in a Bolt file (read through the store's caches, warm after the first
// run):
//
//	go test ./internal/query -run '^$' -bench Saved -benchtime 20x
func BenchmarkSaved(b *testing.B) {
	saved := mustSaved(b)
	stores := []struct {
		name string
		r    *query.Runner
	}{
		{"memory", bundled(b)},
		{"bolt", &query.Runner{Store: bundledBolt(b)}},
	}
	for _, st := range stores {
		for _, name := range slices.Sorted(maps.Keys(saved)) {
			q := saved[name]
			args, ok := benchArgs[name]
			if !ok {
				b.Errorf("saved query %q has no benchmark arguments", name)
				continue
			}
			b.Run(st.name+"/"+name, func(b *testing.B) {
				rows := 0
				for b.Loop() {
					res, err := st.r.Run(context.Background(), q, args)
					if err != nil {
						b.Fatal(err)
					}
					rows = len(res.Rows)
				}
				b.ReportMetric(float64(rows), "rows")
			})
		}
	}
}

// bundledBolt returns a Bolt store in a temporary file holding the bundled
// dataset.
func bundledBolt(b *testing.B) *graph.Store {
	ins, err := graph.FSInputs(quads.FS)
	if err != nil {
		b.Fatal(err)
	}
	return loadedStore(b, graph.Config{Backend: graph.Bolt, Address: filepath.Join(b.TempDir(), "bundled.bolt")}, ins)
}
