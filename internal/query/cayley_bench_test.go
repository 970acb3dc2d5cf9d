package query_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cayleygraph/cayley/graph/memstore"
	cquery "github.com/cayleygraph/cayley/query"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/nquads"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/internal/query/gizmo"
)

// BenchmarkSaved_BoltAgainstCayleysMemstore times saved queries' scripts
// on a read-only Bolt store, as a server holds it, and on Cayley's own
// memstore holding the same quads, in one process: the bar for a
// persisted store is Cayley's memstore, which `cayley http` cannot pit
// against a saved query (they use this tool's additions to Gizmo). The
// parameters are bound once, from the Bolt store; both sides must give the
// same number of rows. It wants a generated graph:
//
//	agencygraph generate --quads 1000000 -o /tmp/g1m.nq
//	AGENCYGRAPH_BENCH_NQ=/tmp/g1m.nq go test ./internal/query -run '^$' \
//	    -bench BoltAgainstCayleysMemstore -count 5
func BenchmarkSaved_BoltAgainstCayleysMemstore(b *testing.B) {
	file := os.Getenv("AGENCYGRAPH_BENCH_NQ")
	if file == "" {
		b.Skip("set AGENCYGRAPH_BENCH_NQ to an N-Quads file (agencygraph generate --quads 1000000 -o FILE)")
	}
	ctx := context.Background()
	boltFile := filepath.Join(b.TempDir(), "g.bolt")
	ins, err := graph.Inputs([]string{file}, nil)
	if err != nil {
		b.Fatal(err)
	}
	loadedStore(b, graph.Config{Backend: graph.Bolt, Address: boltFile}, ins).Close()
	bolt, err := graph.Open(ctx, graph.Config{Backend: graph.Bolt, Address: boltFile, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bolt.Close() })
	r := &query.Runner{Store: bolt}
	saved := mustSaved(b)
	cases := []struct {
		name   string
		args   map[string]string
		params map[string]any
		rows   [2]int // on each side; -1 until run
	}{
		{name: "entity", args: map[string]string{"entity": "ICE"}},
		{name: "assists", args: map[string]string{"agency": "ICE"}},
		{name: "personnel-flows", args: map[string]string{"agency": "ICE"}},
		{name: "path", args: map[string]string{"from": "ICE", "to": "IRS"}},
		{name: "conflicts"},
		{name: "deputizations"},
		{name: "sources"},
	}
	for i := range cases {
		c := &cases[i]
		if c.params, err = r.Bind(ctx, saved[c.name], c.args); err != nil {
			b.Fatal(err)
		}
		c.rows = [2]int{-1, -1}
	}
	// Cayley's memstore first, then Bolt without the memstore's heap
	// (1.4 GB for a million quads), which every collection during Bolt's
	// runs would otherwise mark: a server holds one store, not both.
	mem := memstore.New(readQuads(b, file)...)
	for side, session := range []func() *gizmo.Session{
		func() *gizmo.Session { return gizmo.NewSession(mem) },
		func() *gizmo.Session { return query.NewSession(bolt) },
	} {
		if side == 1 {
			mem = nil
			runtime.GC()
		}
		for i := range cases {
			c := &cases[i]
			b.Run([]string{"cayley-memstore", "bolt"}[side]+"/"+c.name, func(b *testing.B) {
				// One untimed run first, as the script's servers get two:
				// on 10M quads Bolt's first reads its quads from the file.
				runScript(b, session(), saved[c.name].Source, c.params)
				for b.Loop() {
					c.rows[side] = runScript(b, session(), saved[c.name].Source, c.params)
				}
				b.ReportMetric(float64(c.rows[side]), "rows")
			})
		}
	}
	for _, c := range cases {
		if c.rows[0] >= 0 && c.rows[1] >= 0 && c.rows[0] != c.rows[1] {
			b.Errorf("%s: %d rows on Cayley's memstore, %d on Bolt", c.name, c.rows[0], c.rows[1])
		}
	}
}

// readQuads reads every quad of file as the loader does.
func readQuads(b *testing.B, file string) []quad.Quad {
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	qs, err := quad.ReadAll(nquads.NewReader(f, file, nquads.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	return qs
}

// runScript runs src on sess with params bound and counts its results.
func runScript(b *testing.B, sess *gizmo.Session, src string, params map[string]any) int {
	ctx := context.Background()
	for name, v := range params {
		if err := sess.Bind(name, v); err != nil {
			b.Fatal(err)
		}
	}
	it, err := sess.Execute(ctx, src, cquery.Options{Collation: cquery.JSON, Limit: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer it.Close()
	n := 0
	for it.Next(ctx) {
		n++
	}
	if err := it.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
