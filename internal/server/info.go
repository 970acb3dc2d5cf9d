package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Entity suggestions: how many by default and at most.
const (
	defaultSuggest = 10
	maxSuggest     = 100
)

// handleEntities answers GET /api/v1/entities?q=TEXT[&limit=N]: entities
// whose IRI, name or alias starts with or contains TEXT, for lookup and
// autocompletion.
func (s *Server) handleEntities(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		s.error(w, r, graph.Errorf(graph.EINVALID, "q is required: the start of a name, alias or IRI"))
		return
	}
	n := defaultSuggest
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			s.error(w, r, graph.Errorf(graph.EINVALID, "limit %q is not a positive number", v))
			return
		}
		n = min(n, maxSuggest)
	}
	ctx, cancel := s.queryContext(r.Context())
	defer cancel()
	found, err := s.store.Suggest(ctx, q, n)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if found == nil {
		found = []graph.Entity{}
	}
	setRows(r, len(found))
	writeJSON(w, http.StatusOK, found)
}

// handleStats answers GET /api/v1/stats with the store's counts.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r.Context())
	defer cancel()
	st, err := s.store.Stats(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// handleHealth answers GET /healthz: the process is up and serving.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds the readiness probe's query.
const readyTimeout = 2 * time.Second

var errStop = errors.New("stop")

// handleReady answers GET /readyz: 200 while the store answers a trivial
// read (its first quad) and the server is not shutting down, else 503.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.shutdown:
		s.error(w, r, graph.Errorf(graph.EBUSY, "shutting down"))
		return
	default:
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if s.lockReads {
		s.storeMu.RLock()
		defer s.storeMu.RUnlock()
	}
	err := s.store.EachQuad(ctx, func(quad.Quad) error { return errStop })
	if err != nil && !errors.Is(err, errStop) {
		s.log.ErrorContext(ctx, "readiness check", "err", err)
		s.error(w, r, &graph.Error{Code: graph.EBUSY, Message: "store is not answering", Err: err})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
