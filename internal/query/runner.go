// Package query runs Gizmo scripts against a graph.Store with a deadline and
// a row cap, and runs the saved queries of queries/ with their parameters
// resolved and bound. The CLI and the HTTP server share one Runner.
package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	cquery "github.com/cayleygraph/cayley/query"
	"github.com/dop251/goja"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query/gizmo"
)

// Runner runs Gizmo with a deadline and a row cap; one Runner is shared by
// CLI and HTTP. It holds no per-query state, so concurrent calls are safe.
type Runner struct {
	Store   *graph.Store
	Timeout time.Duration // 0 = no deadline
	Limit   int           // max result rows, 0 = no cap
}

// Gizmo runs src and returns its results in Cayley's JSON collation, exactly
// what Cayley v0.7.7's /api/v1/query/gizmo puts in "result": a map of tag to
// value for each path of .All(), IRIs as "<iri>" strings, emitted values as
// they were emitted, and null for a script's non-null final value.
//
// params become JavaScript globals (never spliced into src). A compile or
// runtime error is an EINVALID *graph.Error carrying Gizmo's message and
// position; a deadline is ETIMEOUT.
func (r *Runner) Gizmo(ctx context.Context, src string, params map[string]any) ([]any, error) {
	out := []any{}
	err := r.each(ctx, src, params, func(v any) bool {
		out = append(out, v)
		return r.Limit <= 0 || len(out) < r.Limit
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each runs src and calls fn with every result until fn returns false.
func (r *Runner) each(ctx context.Context, src string, params map[string]any, fn func(any) bool) error {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	// A Session holds per-query state (its VM, limit and count): one per call.
	sess := gizmo.NewSession(r.Store.QuadStore())
	for name, v := range params {
		if err := sess.Bind(name, v); err != nil {
			return &graph.Error{Code: graph.EINVALID, Message: err.Error(), Err: err}
		}
	}
	it, err := sess.Execute(ctx, src, cquery.Options{Collation: cquery.JSON, Limit: r.Limit})
	if err != nil {
		return scriptError(err)
	}
	defer it.Close()
	for it.Next(ctx) {
		if !fn(it.Result()) {
			return nil
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &graph.Error{Code: graph.ETIMEOUT, Err: ctx.Err(),
			Message: fmt.Sprintf("query timed out after %v", r.Timeout)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := it.Err(); err != nil {
		return scriptError(err)
	}
	return nil
}

// evalPos matches goja's "<eval>" file name: scripts are compiled unnamed.
var evalPos = regexp.MustCompile(`\s*at (?:<eval>|\(anonymous\)|):(\d+):(\d+)\(\d+\)`)

// scriptError classifies a Gizmo compile or runtime error as EINVALID and
// rewrites goja's position (" at :3:7(12)") as "line 3:7".
func scriptError(err error) error {
	msg := err.Error()
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return fmt.Errorf("gizmo interrupted: %w", err)
	}
	msg = evalPos.ReplaceAllString(msg, " (line $1:$2)")
	return &graph.Error{Code: graph.EINVALID, Message: "gizmo: " + msg, Err: err}
}
