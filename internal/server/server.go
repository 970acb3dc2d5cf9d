// Package server is agencygraph's HTTP API: Cayley v0.7.7's query, shape,
// read and write endpoints with the same request and response bodies, plus
// saved queries, entity lookup, statistics and health checks. The Server owns
// its mux and bounds every request: a deadline per query, a row cap, a body
// cap and a cap on queries running at once.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

// Config bounds and opens up the server. The zero value of a field means
// its default (see DefaultConfig), except CORSOrigin, Writable and Token.
type Config struct {
	// MaxBody caps a request body in bytes; beyond it the answer is 413.
	MaxBody int64
	// MaxConcurrent caps requests that run queries at once; beyond it the
	// answer is 503 with Retry-After.
	MaxConcurrent int
	// CORSOrigin is the one origin allowed to call the API from a browser;
	// empty allows none.
	CORSOrigin string
	// Writable enables the write and delete endpoints, for callers that
	// present Token as a bearer token.
	Writable bool
	Token    string
	// MaxQueryMemory is how many bytes the heap may grow by while queries
	// run before they are all stopped with 503 (see memoryGuard).
	MaxQueryMemory int64
	// Log receives one line per request and the detail of internal errors.
	Log *slog.Logger
}

// DefaultMaxBody is Cayley's cap on a query body (1 MiB).
const DefaultMaxBody = 1 << 20

// defaultLimit is the row limit of a Cayley query that names none.
const defaultLimit = 100

// Server answers the HTTP API from one store.
type Server struct {
	mux     *http.ServeMux
	handler http.Handler
	store   *graph.Store
	runner  *query.Runner
	saved   map[string]*query.Saved
	cfg     Config
	log     *slog.Logger
	slots   chan struct{} // one token per query allowed to run
	mem     *memoryGuard

	// When writes are enabled, queries hold storeMu for reading and writes
	// hold it exclusively: a memory store is not safe for a write concurrent
	// with reads, and a load into a small Bolt store (rebuilding the file)
	// or into PostgreSQL replaces the Cayley quad store that running
	// queries hold.
	storeMu   sync.RWMutex
	lockReads bool

	shutdown chan struct{} // closed when Serve starts shutting down
	once     sync.Once
}

// New returns a server that runs queries with runner (whose Timeout and Limit
// bound every query) over runner.Store, and offers the saved queries saved.
func New(runner *query.Runner, saved map[string]*query.Saved, cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 1
	}
	if cfg.MaxQueryMemory <= 0 {
		cfg.MaxQueryMemory = DefaultMaxQueryMemory
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		mux:       http.NewServeMux(),
		store:     runner.Store,
		runner:    runner,
		saved:     saved,
		cfg:       cfg,
		log:       cfg.Log,
		slots:     make(chan struct{}, cfg.MaxConcurrent),
		mem:       newMemoryGuard(cfg.MaxQueryMemory),
		lockReads: cfg.Writable,
		shutdown:  make(chan struct{}),
	}
	s.registerRoutes()
	s.handler = s.logRequests(s.cors(s.limitBody(http.HandlerFunc(s.route))))
	return s
}

func (s *Server) registerRoutes() {
	// Cayley's API, same paths and bodies.
	s.mux.HandleFunc("POST /api/v1/query/{lang}", s.query(s.handleV1Query))
	s.mux.HandleFunc("POST /api/v1/shape/{lang}", s.query(s.handleV1Shape))
	s.mux.HandleFunc("GET /api/v1/shape/{lang}", s.query(s.handleV1Shape))
	s.mux.HandleFunc("GET /api/v2/query", s.query(s.handleV2Query))
	s.mux.HandleFunc("POST /api/v2/query", s.query(s.handleV2Query))
	s.mux.HandleFunc("GET /api/v2/read", s.query(s.handleV2Read))
	s.mux.HandleFunc("POST /api/v2/read", s.query(s.handleV2Read))
	s.mux.HandleFunc("GET /api/v2/formats", s.handleV2Formats)
	s.mux.HandleFunc("POST /api/v1/write", s.write(s.handleV1Write))
	s.mux.HandleFunc("POST /api/v1/delete", s.write(s.handleV1Delete))
	s.mux.HandleFunc("POST /api/v2/write", s.write(s.handleV2Write))
	s.mux.HandleFunc("POST /api/v2/delete", s.write(s.handleV2Delete))

	// agencygraph's own.
	s.mux.HandleFunc("GET /api/v1/saved", s.handleSavedList)
	s.mux.HandleFunc("GET /api/v1/saved/{name}", s.query(s.handleSavedRun))
	s.mux.HandleFunc("POST /api/v1/saved/{name}", s.query(s.handleSavedRun))
	s.mux.HandleFunc("GET /api/v1/entities", s.query(s.handleEntities))
	s.mux.HandleFunc("GET /api/v1/stats", s.query(s.handleStats))
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /readyz", s.handleReady)

	s.registerExportRoutes()
}

// route dispatches r through the mux. A request no route takes gets the
// mux's status (404, or 405 with Allow) but as a JSON error, like every
// other answer of the API, instead of the mux's text.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		// Through the mux again: only its ServeHTTP sets r.PathValue.
		s.mux.ServeHTTP(w, r)
		return
	}
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	if probe.status == http.StatusMethodNotAllowed {
		writeJSON(w, probe.status, errorBody{fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, probe.header.Get("Allow"))})
		return
	}
	writeJSON(w, http.StatusNotFound, errorBody{"no such endpoint: " + r.URL.Path})
}

// statusProbe records the status and headers the mux's own 404 or 405
// handler sets, and drops its text.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.status = code }

// maxExtraProcs bounds the Ps that Procs adds: beyond some number of
// spinning scripts, more OS threads buy nothing on a small machine but GC
// workers.
const maxExtraProcs = 64

// Procs returns the GOMAXPROCS a process serving with maxConcurrent query
// slots should run with: the machine's CPUs plus one P per slot (at most
// maxExtraProcs). A script that spins (while(true){}) holds a P until its
// deadline, and Go preempts it only every 10ms or so for the goroutines
// queued behind it, so with as many runaways as CPUs every other request
// waits in 10ms steps. With spare Ps, other requests run on threads of their
// own, and the operating system, which favours threads that just woke,
// shares the cores among them: cheap queries stay fast (TestServer_Runaway).
func Procs(maxConcurrent int) int {
	return runtime.NumCPU() + min(max(maxConcurrent, 0), maxExtraProcs)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Serve answers requests on ln until ctx ends, then stops accepting, gives
// requests in flight up to grace to finish and returns. It returns nil after
// a shutdown that ctx asked for.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace)
	s.once.Do(func() { close(s.shutdown) })
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Requests still running past the grace period are cut off.
		err = hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
