package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/agencygraph/agencygraph/graph"
)

// logEntry collects what a handler knows about its request for the access
// log line: how many result rows it answered with, if it ran a query.
type logEntry struct {
	rows int // -1: not a query
}

type logKey struct{}

// setRows records the number of result rows for the access log.
func setRows(r *http.Request, n int) {
	if le, ok := r.Context().Value(logKey{}).(*logEntry); ok {
		le.rows = n
	}
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(p)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// logRequests writes one structured line per request: method, path,
// status, duration, bytes and, for queries, result rows.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		le := &logEntry{rows: -1}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), logKey{}, le)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", rec.bytes),
			slog.String("remote", r.RemoteAddr),
		}
		if le.rows >= 0 {
			attrs = append(attrs, slog.Int("rows", le.rows))
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// cors lets the one configured origin call the API from a browser and
// answers its preflight requests; every other origin gets no CORS headers,
// so browsers keep their same-origin policy.
func (s *Server) cors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		allowed := s.cfg.CORSOrigin != "" && origin == s.cfg.CORSOrigin
		if s.cfg.CORSOrigin != "" {
			w.Header().Add("Vary", "Origin")
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			if !allowed {
				s.error(w, r, graph.Errorf(eForbidden, "origin %s is not allowed", origin))
				return
			}
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers",
				"Accept, Accept-Encoding, Authorization, Content-Encoding, Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// limitBody refuses a body that says it is over Config.MaxBody and cuts off
// one that turns out to be.
func (s *Server) limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBody {
			s.error(w, r, graph.Errorf(eTooLarge, "request body is larger than %d bytes", s.cfg.MaxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		h.ServeHTTP(w, r)
	})
}

// query runs h in one of Config.MaxConcurrent slots, or answers 503 at once
// when all are taken: a queue would only hold clients until their own
// timeouts while runaway queries finish.
func (s *Server) query(h http.HandlerFunc) http.HandlerFunc { return s.bounded(h, false) }

// write runs h like query, if writes are enabled and the request carries
// the token, holding the store exclusively when it is in memory.
func (s *Server) write(h http.HandlerFunc) http.HandlerFunc {
	bh := s.bounded(h, true)
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.Writable {
			s.error(w, r, graph.Errorf(eForbidden, "database is read-only (start the server with --writable)"))
			return
		}
		if !s.authorized(r) {
			s.error(w, r, graph.Errorf(eForbidden, "writes need the header Authorization: Bearer TOKEN with the server's token"))
			return
		}
		bh(w, r)
	}
}

func (s *Server) bounded(h http.HandlerFunc, exclusive bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			s.error(w, r, graph.Errorf(graph.EBUSY, "server busy: %d queries running; retry shortly", cap(s.slots)))
			return
		}
		ctx, done := s.mem.track(r.Context())
		defer done()
		r = r.WithContext(ctx)
		switch {
		case !s.lockReads:
		case exclusive:
			s.storeMu.Lock()
			defer s.storeMu.Unlock()
		default:
			s.storeMu.RLock()
			defer s.storeMu.RUnlock()
		}
		h(w, r)
	}
}

// authorized reports whether r carries the bearer token. Both sides are
// hashed first so that the comparison takes the same time whatever the
// length of the guess.
func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || s.cfg.Token == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.cfg.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
