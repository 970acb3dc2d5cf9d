package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/internal/server"
	"github.com/agencygraph/agencygraph/quads"
	"github.com/agencygraph/agencygraph/queries"
)

// loadWorkers is the most clients the load generator runs at once.
const loadWorkers = 8

// BenchmarkHTTP is a bounded load generator on loopback: 1 client, then
// loadWorkers clients at once, send b.N requests in all to a real server (httptest's, on
// 127.0.0.1) over the bundled dataset, with serve's default limits, and it
// reports throughput and the p50 and p99 latency seen by the clients.
//
//	go test ./internal/server -run '^$' -bench HTTP -benchtime 2000x
func BenchmarkHTTP(b *testing.B) {
	ctx := context.Background()
	st, err := graph.Open(ctx, graph.Config{Backend: graph.Memory})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ins, err := graph.FSInputs(quads.FS)
	if err != nil || len(ins) == 0 {
		b.Skipf("no bundled dataset: %v", err)
	}
	if _, err := st.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		b.Skipf("bundled dataset does not load: %v", err)
	}
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		b.Fatal(err)
	}
	// As serve runs: its default limits, and its Ps.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(server.Procs(2 * loadWorkers)))
	runner := &query.Runner{Store: st, Timeout: 30 * time.Second, Limit: 10000}
	srv := server.New(runner, saved, server.Config{
		MaxConcurrent: 2 * loadWorkers,
		Log:           slog.New(slog.NewJSONHandler(io.Discard, nil)), // the cost of the access log counts
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadWorkers}}

	const gizmo = `g.V("<ICE>").In(["<assists>", "<detailsStaffTo>", "<grantsAuthorityTo>", "<providesFacilityTo>"], "help").` +
		`Save("<http://schema.org/name>", "name").All()`
	cases := []struct {
		name, method, path, body string
	}{
		{"saved-assists-ICE", "GET", "/api/v1/saved/assists?agency=ICE", ""},
		{"gizmo-helpers-of-ICE", "POST", "/api/v2/query?lang=gizmo", gizmo},
	}
	for _, c := range cases {
		for _, workers := range []int{1, loadWorkers} {
			b.Run(fmt.Sprintf("%s/clients=%d", c.name, workers), func(b *testing.B) {
				send := func() error {
					req, err := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
					if err != nil {
						return err
					}
					resp, err := client.Do(req)
					if err != nil {
						return err
					}
					defer resp.Body.Close()
					if _, err := io.Copy(io.Discard, resp.Body); err != nil {
						return err
					}
					if resp.StatusCode != http.StatusOK {
						return fmt.Errorf("status %d", resp.StatusCode)
					}
					return nil
				}
				if err := send(); err != nil { // warm up: the entity index
					b.Fatal(err)
				}
				lat := make([]time.Duration, b.N)
				var next atomic.Int64
				var failed atomic.Value
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := next.Add(1) - 1
							if i >= int64(b.N) {
								return
							}
							t0 := time.Now()
							if err := send(); err != nil {
								failed.Store(err)
								return
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				if err, _ := failed.Load().(error); err != nil {
					b.Fatal(err)
				}
				slices.Sort(lat)
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}
