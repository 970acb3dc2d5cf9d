package query_test

import (
	"context"
	"maps"
	"slices"
	"testing"
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
// binding, the script, collecting rows) on the bundled dataset:
//
//	go test ./internal/query -run '^$' -bench Saved -benchtime 20x
func BenchmarkSaved(b *testing.B) {
	r := bundled(b)
	saved := mustSaved(b)
	for _, name := range slices.Sorted(maps.Keys(saved)) {
		q := saved[name]
		args, ok := benchArgs[name]
		if !ok {
			b.Errorf("saved query %q has no benchmark arguments", name)
			continue
		}
		b.Run(name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				res, err := r.Run(context.Background(), q, args)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(res.Rows)
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
