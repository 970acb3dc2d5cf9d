package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/agencygraph/agencygraph/graph"
)

// Codes the server adds to graph's for failures only HTTP has.
const (
	eForbidden = "forbidden" // writes disabled, or a missing or wrong token
	eTooLarge  = "too_large" // a body over Config.MaxBody
)

// statusClientClosed is logged when the client went away before the answer
// (nginx's convention); nobody receives it.
const statusClientClosed = 499

// statusOf maps an error to the status and the message a client sees. It is
// the only place that does: handlers return errors, never statuses.
func statusOf(err error) (int, string) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)
	}
	code := graph.Code(err)
	msg := "internal error"
	var e *graph.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	switch {
	case code == graph.EINVALID:
		return http.StatusBadRequest, msg
	case code == graph.ENOTFOUND:
		return http.StatusNotFound, msg
	case code == graph.ETIMEOUT:
		return http.StatusGatewayTimeout, msg
	case code == graph.EBUSY:
		return http.StatusServiceUnavailable, msg
	case code == eForbidden:
		return http.StatusForbidden, msg
	case code == eTooLarge:
		return http.StatusRequestEntityTooLarge, msg
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "query timed out"
	case errors.Is(err, context.Canceled):
		return statusClientClosed, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

// error answers a request that failed with err, as Cayley does: a JSON
// object {"error": message}. Internal errors are logged with their detail
// and shown to the client only as "internal error".
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.status(w, r, err)
	writeJSON(w, status, errorBody{msg})
}

// errorBody is this server's own error answer: {"error": message}.
type errorBody struct {
	Error string `json:"error"`
}

// status is statusOf, plus what answering with it entails: an internal
// error is logged with its detail, a 503 says when to retry.
func (s *Server) status(w http.ResponseWriter, r *http.Request, err error) (int, string) {
	if errors.Is(context.Cause(r.Context()), errMemory) {
		// A query that needs more on its own (conflicts on ten million
		// quads) cannot ask for less: the operator's flag is named.
		err = graph.Errorf(graph.EBUSY, "query stopped: the server's memory grew by more than %d MiB (its --max-query-memory) while it ran; retry, ask for less, or have the server started with more",
			s.cfg.MaxQueryMemory>>20)
	}
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	return status, msg
}

// framing is how an endpoint of Cayley's writes an error object: the bytes
// around the JSON string of the message. Cayley's v1 and v2 handlers each
// write their own by hand, and clients written for Cayley may compare bytes.
type framing struct{ before, after string }

var (
	// framingV1Query is Cayley's v1 query errors (internal/http query.go
	// defaultErrorFunc): a space before the colon, no newline.
	framingV1Query = framing{`{"error" : `, `}`}
	// framingPlain is Cayley's jsonResponse (unknown language, empty query,
	// bad format): no newline.
	framingPlain = framing{`{"error": `, `}`}
	// framingV2Query is Cayley's v2 query errors (server/http api_v2.go
	// defaultErrorFunc): with a newline.
	framingV2Query = framing{`{"error": `, "}\n"}
	// framingEncoder is json.Encoder's {"error":"…"} and a newline, as
	// Cayley's v1 shape errors (WriteError) and this server's own endpoints.
	framingEncoder = framing{`{"error":`, "}\n"}
)

// errorAs answers a failed request like error, in the framing f of the
// Cayley endpoint it imitates. The message is escaped as encoding/json
// escapes by default (<, > and & as \u003c…), as Cayley's are.
func (s *Server) errorAs(w http.ResponseWriter, r *http.Request, err error, f framing) {
	status, msg := s.status(w, r, err)
	data, _ := json.Marshal(msg)
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	io.WriteString(w, f.before+string(data)+f.after)
}

// writeJSON writes v as the whole response, without escaping <, > and & as
// Cayley does not: IRIs such as <ICE> stay readable.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) // the client may have gone; nothing to do about it
}

const (
	contentTypeJSON   = "application/json"
	contentTypeJSONLD = "application/ld+json"
)
