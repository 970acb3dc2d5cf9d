package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
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
