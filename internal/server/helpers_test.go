package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/internal/server"
)

const fixture = "../../testdata/server/fixture.nq"

// testToken is the write token of writable test servers.
const testToken = "s3cret-token-for-tests"

// setup says how a test server differs from the default one.
type setup struct {
	cfg     server.Config
	timeout time.Duration // query timeout; 2s when zero
	limit   int           // row cap; 1000 when zero
	data    string        // N-Quads file; fixture when empty
	store   graph.Config  // memory when empty
}

// testServer is an httptest server over a store.
type testServer struct {
	*httptest.Server
	store *graph.Store
	log   *syncBuffer
}

// newServer starts a server over a memory store (or st.store) holding the
// fixture (or st.data) with the saved queries of testdata/server/queries.
func newServer(t testing.TB, st setup) *testServer {
	t.Helper()
	ctx := context.Background()
	if st.store.Backend == "" {
		st.store.Backend = graph.Memory
	}
	s, err := graph.Open(ctx, st.store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	data := st.data
	if data == "" {
		data = fixture
	}
	ins, err := graph.Inputs([]string{data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	saved, err := query.LoadSaved(os.DirFS("../../testdata/server/queries"))
	if err != nil {
		t.Fatal(err)
	}
	if st.timeout == 0 {
		st.timeout = 2 * time.Second
	}
	if st.limit == 0 {
		st.limit = 1000
	}
	if st.cfg.MaxConcurrent == 0 {
		st.cfg.MaxConcurrent = 8
	}
	logBuf := &syncBuffer{}
	st.cfg.Log = slog.New(slog.NewJSONHandler(logBuf, nil))
	runner := &query.Runner{Store: s, Timeout: st.timeout, Limit: st.limit}
	ts := httptest.NewServer(server.New(runner, saved, st.cfg))
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, store: s, log: logBuf}
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request; headers are "Name: value" strings.
func (ts *testServer) do(t testing.TB, method, path, body string, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// syncBuffer is a bytes.Buffer that concurrent handlers may log to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
