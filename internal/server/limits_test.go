package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/internal/server"
)

const runaway = `while (true) {}`

// TestServer_Runaway runs two endless scripts and meanwhile measures a
// cheap query: it must stay fast, and the runaways must end at the query
// timeout with a JSON error.
func TestServer_Runaway(t *testing.T) {
	const timeout = 1500 * time.Millisecond
	ts := newServer(t, setup{timeout: timeout, cfg: server.Config{MaxConcurrent: 4}})
	// As agencygraph serve does (with its own --max-concurrent).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(server.Procs(4)))
	const cheap = `g.V("<ICE>").In("<assists>").All()`

	// The cheap query's latency with the server idle, once warm.
	medianLatency(t, ts, cheap, 5)
	baseline := medianLatency(t, ts, cheap, 20)

	type outcome struct {
		resp    response
		elapsed time.Duration
	}
	results := make(chan outcome, 2)
	start := time.Now()
	for _, path := range []string{"/api/v1/query/gizmo", "/api/v2/query?lang=gizmo"} {
		go func() {
			resp := ts.do(t, "POST", path, runaway)
			results <- outcome{resp, time.Since(start)}
		}()
	}
	time.Sleep(100 * time.Millisecond) // both are spinning
	var busy []time.Duration
	for time.Since(start) < timeout-200*time.Millisecond {
		busy = append(busy, latency(t, ts, cheap))
	}
	slices.Sort(busy)
	median, p90, worst := busy[len(busy)/2], busy[len(busy)*9/10], busy[len(busy)-1]
	t.Logf("cheap query: idle median %v; with 2 runaways: median %v, p90 %v, worst %v over %d queries",
		baseline, median, p90, worst, len(busy))
	// Two spinning scripts must not hold the others up. The bounds leave
	// room for a loaded CI machine; without Procs' spare Ps, on 2 CPUs, the
	// median is tens of milliseconds and p90 hundreds.
	if len(busy) < 10 || median > 5*baseline+10*time.Millisecond || p90 > 20*baseline+100*time.Millisecond {
		t.Errorf("cheap query slowed down: %d queries, median %v, p90 %v (idle median %v)", len(busy), median, p90, baseline)
	}
	for range 2 {
		o := <-results
		wantError(t, o.resp, http.StatusGatewayTimeout, "timed out")
		if o.elapsed < timeout || o.elapsed > timeout+2*time.Second {
			t.Errorf("runaway answered after %v, want about %v", o.elapsed, timeout)
		}
	}
	// A runaway shape and JSON-LD query (separate code paths) stop too.
	var wg sync.WaitGroup
	for _, req := range [][]string{
		{"/api/v1/shape/gizmo"},
		{"/api/v2/query?lang=gizmo", "Accept: application/ld+json"},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wantError(t, ts.do(t, "POST", req[0], runaway, req[1:]...), http.StatusGatewayTimeout, "timed out")
		}()
	}
	wg.Wait()
}

func latency(t testing.TB, ts *testServer, src string) time.Duration {
	t.Helper()
	start := time.Now()
	resp := ts.do(t, "POST", "/api/v2/query?lang=gizmo", src)
	d := time.Since(start)
	if resp.status != http.StatusOK {
		t.Fatalf("cheap query: %d %s", resp.status, resp.body)
	}
	return d
}

func medianLatency(t testing.TB, ts *testServer, src string, n int) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = latency(t, ts, src)
	}
	slices.Sort(ds)
	return ds[n/2]
}

// TestServer_Sandbox tries to reach files, the network and the process from
// Gizmo: nothing of the kind exists in its VM.
func TestServer_Sandbox(t *testing.T) {
	ts := newServer(t, setup{})
	attempts := []struct{ name, src string }{
		{"require", `var fs = require("fs"); g.Emit(fs.readFileSync("/etc/passwd"))`},
		{"process", `g.Emit(process.env)`},
		{"process exit", `process.exit(1)`},
		{"fetch", `fetch("http://127.0.0.1/")`},
		{"XMLHttpRequest", `var x = new XMLHttpRequest(); x.open("GET", "http://127.0.0.1/")`},
		{"import", `import fs from "fs"`},
		{"dynamic import", `import("fs").then(function (m) { g.Emit(m) })`},
		{"eval require", `eval("require('child_process')").exec("id")`},
		{"Function constructor", `Function("return process")().exit(1)`},
		{"constructor escape", `this.constructor.constructor("return process")().kill()`},
		{"load", `load("/etc/passwd")`},
		{"setTimeout", `setTimeout(function () {}, 1)`},
		{"Deno", `Deno.readTextFileSync("/etc/passwd")`},
		{"os", `os.exit(1)`},
		{"Go reflection", `g.V().constructor.constructor("return require")()("os")`},
	}
	for _, a := range attempts {
		for _, path := range []string{"/api/v1/query/gizmo", "/api/v2/query?lang=gizmo"} {
			t.Run(a.name+path, func(t *testing.T) {
				wantError(t, ts.do(t, "POST", path, a.src), http.StatusBadRequest)
			})
		}
	}
	// What the global object holds: none of the host objects of Node,
	// browsers or Deno.
	resp := ts.do(t, "POST", "/api/v2/query?lang=gizmo", `
var names = ["require", "process", "fetch", "XMLHttpRequest", "WebSocket", "load", "readFile",
  "setTimeout", "setInterval", "Deno", "os", "module", "exports", "Buffer", "global", "window",
  "importScripts", "console"];
var found = [];
names.forEach(function (n) { if (typeof this[n] !== "undefined") found.push(n) }, this);
g.Emit(found)`)
	var got struct{ Result [][]string }
	decode(t, resp, &got)
	if resp.status != 200 || len(got.Result) != 1 || len(got.Result[0]) != 0 {
		t.Errorf("host objects visible to Gizmo: %s", resp.body)
	}
}

// TestServer_Limits covers the body cap, the row cap, the cap on queries at
// once and CORS.
func TestServer_Limits(t *testing.T) {
	t.Run("body", func(t *testing.T) {
		ts := newServer(t, setup{cfg: server.Config{MaxBody: 1024}})
		big := `g.V("<ICE>").All() // ` + strings.Repeat("x", 2048)
		for _, path := range []string{"/api/v1/query/gizmo", "/api/v2/query?lang=gizmo", "/api/v1/shape/gizmo", "/api/v1/saved/helpers"} {
			big := big
			if strings.Contains(path, "saved") {
				big = `{"agency": "` + strings.Repeat("x", 2048) + `"}`
			}
			wantError(t, ts.do(t, "POST", path, big), http.StatusRequestEntityTooLarge, "1024")
			// Without a Content-Length the cap cuts the body off as it comes.
			req, _ := http.NewRequest("POST", ts.URL+path, io.MultiReader(strings.NewReader(big)))
			req.ContentLength = -1
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantError(t, response{resp.StatusCode, resp.Header, string(b)}, http.StatusRequestEntityTooLarge, "1024")
		}
		if n := count(t, ts, `g.V("<ICE>").All() // `+strings.Repeat("x", 900)); n != 1 {
			t.Errorf("a body under the cap: %d results", n)
		}
	})
	t.Run("rows", func(t *testing.T) {
		ts := newServer(t, setup{limit: 5})
		for _, src := range []string{
			`g.V().All()`, `g.V().GetLimit(1000)`,
			`for (var i = 0; i < 1000; i++) g.Emit(i)`,
			`g.V().ForEach(function (d) { g.Emit(d) })`,
		} {
			for _, path := range []string{"/api/v1/query/gizmo?limit=1000", "/api/v1/query/gizmo?limit=-1", "/api/v2/query?lang=gizmo"} {
				resp := ts.do(t, "POST", path, src)
				var got struct{ Result []any }
				decode(t, resp, &got)
				if len(got.Result) != 5 {
					t.Errorf("%s %s: %d results, want the cap of 5", path, src, len(got.Result))
				}
			}
		}
		ts2 := newServer(t, setup{limit: 1})
		resp := ts2.do(t, "GET", "/api/v1/saved/helpers", "")
		var got struct {
			Rows      []any
			Truncated bool
		}
		decode(t, resp, &got)
		if len(got.Rows) != 1 || !got.Truncated || resp.header.Get("X-Result-Truncated") != "true" {
			t.Errorf("saved query over the cap: %s (X-Result-Truncated %q)", resp.body, resp.header.Get("X-Result-Truncated"))
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		ts := newServer(t, setup{timeout: time.Second, cfg: server.Config{MaxConcurrent: 2}})
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ts.do(t, "POST", "/api/v2/query?lang=gizmo", runaway)
			}()
		}
		time.Sleep(200 * time.Millisecond)
		for _, path := range []string{"/api/v2/query?lang=gizmo", "/api/v1/query/gizmo", "/api/v1/saved/helpers", "/api/v1/entities?q=ICE"} {
			resp := ts.do(t, "POST", path, `g.V().All()`)
			if path == "/api/v1/entities?q=ICE" {
				resp = ts.do(t, "GET", path, "")
			}
			wantError(t, resp, http.StatusServiceUnavailable, "busy")
			if resp.header.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without Retry-After", path)
			}
		}
		// Health checks and the list of saved queries run no query.
		for _, path := range []string{"/healthz", "/api/v1/saved"} {
			if resp := ts.do(t, "GET", path, ""); resp.status != 200 {
				t.Errorf("%s while busy: %d", path, resp.status)
			}
		}
		wg.Wait()
		if n := count(t, ts, `g.V("<ICE>").All()`); n != 1 {
			t.Errorf("after the runaways: %d results", n)
		}
	})
	t.Run("CORS", func(t *testing.T) {
		const origin = "https://notebook.example"
		tests := []struct {
			name, allowed, origin string
			want                  string // Access-Control-Allow-Origin
		}{
			{"off by default", "", origin, ""},
			{"allowed origin", origin, origin, origin},
			{"other origin", origin, "https://evil.example", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ts := newServer(t, setup{cfg: server.Config{CORSOrigin: tc.allowed}})
				resp := ts.do(t, "POST", "/api/v2/query?lang=gizmo", `g.V("<ICE>").All()`, "Origin: "+tc.origin)
				if got := resp.header.Get("Access-Control-Allow-Origin"); got != tc.want {
					t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.want)
				}
				pre := ts.do(t, "OPTIONS", "/api/v2/query?lang=gizmo", "", "Origin: "+tc.origin,
					"Access-Control-Request-Method: POST")
				if tc.want == "" {
					wantError(t, pre, http.StatusForbidden, tc.origin)
					if pre.header.Get("Access-Control-Allow-Origin") != "" {
						t.Error("preflight of a refused origin allows it")
					}
				} else if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != tc.want ||
					!strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "POST") {
					t.Errorf("preflight: %d %v", pre.status, pre.header)
				}
			})
		}
	})
}

// TestServer_ErrorsAreJSON checks that failures outside the handlers (an
// unknown path, a wrong method) do not leak Go's text answers where a
// handler's would be JSON.
func TestServer_ErrorsAreJSON(t *testing.T) {
	ts := newServer(t, setup{})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/v1/nope", 404},
		{"DELETE", "/api/v2/query", 405},
	} {
		resp := ts.do(t, tc.method, tc.path, "")
		if resp.status != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.status, tc.status)
		}
		var e map[string]any
		if json.Unmarshal([]byte(resp.body), &e) != nil || e["error"] == nil {
			t.Errorf("%s %s: body %q is not a JSON error", tc.method, tc.path, resp.body)
		}
	}
}

// TestServer_MemoryBomb runs a script that allocates as fast as it can: the
// memory guard stops it long before its deadline (and before the process
// runs out of memory), and the server goes on answering.
func TestServer_MemoryBomb(t *testing.T) {
	const limit = 64 << 20
	ts := newServer(t, setup{timeout: 20 * time.Second, cfg: server.Config{MaxQueryMemory: limit}})
	for _, bomb := range []string{
		`var s = "x"; for (var i = 0; i < 20; i++) s += s; var a = []; while (true) a.push(s + a.length)`,
		`var a = []; while (true) a.push(g.V().ToArray())`,
	} {
		start := time.Now()
		resp := ts.do(t, "POST", "/api/v2/query?lang=gizmo", bomb)
		wantError(t, resp, http.StatusServiceUnavailable, "--max-query-memory")
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("bomb stopped after %v, want well before its 20s deadline", d)
		}
	}
	if n := count(t, ts, `g.V("<ICE>").All()`); n != 1 {
		t.Errorf("after the bombs: %d results", n)
	}
}
