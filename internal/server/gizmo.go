package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	cquery "github.com/cayleygraph/cayley/query"
	"github.com/dop251/goja"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

// The two Gizmo calls query.Runner does not offer: JSON-LD results and a
// query's shape. Both use agencygraph's Gizmo session, whose VM a context
// interrupts, under the runner's deadline.

// gizmoLD runs src like gizmo, with Cayley's JSON-LD collation (values as
// JSON-LD objects: {"@id": …}, {"@value": …, "@type": …}).
func (s *Server) gizmoLD(r *http.Request, src string, limit int) ([]any, error) {
	ctx, cancel := s.queryContext(r.Context())
	defer cancel()
	it, err := query.NewSession(s.store).Execute(ctx, src, cquery.Options{Collation: cquery.JSONLD, Limit: limit})
	if err != nil {
		return nil, s.gizmoError(ctx, err)
	}
	defer it.Close()
	var out []any
	for it.Next(ctx) {
		out = append(out, it.Result())
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, s.gizmoError(ctx, err)
	}
	if err := it.Err(); err != nil {
		return nil, s.gizmoError(ctx, err)
	}
	setRows(r, len(out))
	return out, nil
}

// Shape returns the iterator tree src builds, as Cayley's shape endpoint
// does. The script runs (in shape mode, which builds iterators without
// iterating them), so it is interrupted at the deadline like any query:
// Execute arms the session's interrupt on ctx before ShapeOf runs it.
func (s *Server) shape(ctx context.Context, src string) (any, error) {
	ctx, cancel := s.queryContext(ctx)
	defer cancel()
	sess := query.NewSession(s.store)
	it, err := sess.Execute(ctx, src, cquery.Options{Collation: cquery.JSON})
	if err != nil {
		return nil, s.gizmoError(ctx, err)
	}
	defer it.Close()
	shape, err := sess.ShapeOf(src)
	if err != nil {
		return nil, s.gizmoError(ctx, err)
	}
	return shape, nil
}

func (s *Server) queryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.runner.Timeout > 0 {
		return context.WithTimeout(ctx, s.runner.Timeout)
	}
	return context.WithCancel(ctx)
}

// gizmoError classifies a Gizmo failure as query.Runner does: a deadline is
// ETIMEOUT, a script error EINVALID.
func (s *Server) gizmoError(ctx context.Context, err error) error {
	var ie *goja.InterruptedError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &graph.Error{Code: graph.ETIMEOUT, Err: err, Message: fmt.Sprintf("query timed out after %v", s.runner.Timeout)}
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &ie):
		return fmt.Errorf("gizmo interrupted: %w", err)
	}
	return &graph.Error{Code: graph.EINVALID, Message: "gizmo: " + err.Error(), Err: err}
}
