// Package query runs Gizmo scripts against a graph.Store with a deadline and
// a row cap, and runs the saved queries of queries/ with their parameters
// resolved and bound. The CLI and the HTTP server share one Runner.
//
// Go code inside this module asks a saved query the same way (see
// ExampleRunner_Run), so the .js file stays the one definition of a query:
//
//	saved, err := query.LoadSaved(queries.FS) // or os.DirFS(dir)
//	r := &query.Runner{Store: s, Timeout: 30 * time.Second}
//	res, err := r.Run(ctx, saved["assists"], map[string]string{"agency": "ICE"})
//	for _, row := range res.Rows { … row["helper"] … } // columns: res.Columns
//
// Parameter values are bound as JavaScript globals (Param.Global), never
// spliced into the script's text; entity values are resolved by
// graph.Store.Lookup first, so a hostile value is an unknown entity.
package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
	err := r.each(ctx, src, params, r.Limit, func(v any) bool {
		out = append(out, v)
		return r.Limit <= 0 || len(out) < r.Limit
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NewSession is a Gizmo session on store, reading nodes in batches and
// planning with a planner of its own where the store has them
// (graph.Store.BatchReads, Planner).
func NewSession(store *graph.Store) *gizmo.Session {
	sess := gizmo.NewSession(store.QuadStore())
	if b := store.BatchReads(); b != nil { // not a nil *BatchReads in the interface
		sess.SetBatchReader(b)
	}
	sess.SetPlanner(store.Planner())
	return sess
}

// each runs src and calls fn with every result until fn returns false or
// limit results (0: no limit).
func (r *Runner) each(ctx context.Context, src string, params map[string]any, limit int, fn func(any) bool) error {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	// A Session holds per-query state (its VM, limit and count): one per call.
	sess := NewSession(r.Store)
	for name, v := range params {
		if err := sess.Bind(name, v); err != nil {
			return &graph.Error{Code: graph.EINVALID, Message: err.Error(), Err: err}
		}
	}
	it, err := sess.Execute(ctx, src, cquery.Options{Collation: cquery.JSON, Limit: limit})
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

// Positions as goja writes them; scripts are compiled unnamed. A runtime
// error ends " at :3:7(12)" (line:column(pc)), a syntax error reads
// "(anonymous): Line 2:3 Unexpected token", and a Go panic inside a Gizmo
// function "Panic at 8: …", where 8 is a bytecode offset no user can read.
var (
	evalPos   = regexp.MustCompile(`\s*at (?:<eval>|\(anonymous\)|):(\d+):(\d+)\(\d+\)`)
	syntaxPos = regexp.MustCompile(`\(anonymous\): Line (\d+):(\d+) (.*?)( \(and \d+ more errors\))?$`)
	panicPC   = regexp.MustCompile(`^Panic at \d+: `)
)

// ScriptError is a Gizmo script's compile or runtime error, with the
// position goja reports, so that a caller holding the script's file name
// can say "file:line:col". The Runner returns it wrapped in an EINVALID
// *graph.Error whose Message reads "gizmo: MSG (line L:C)".
type ScriptError struct {
	Msg          string // goja's message without its position
	Line, Column int    // 1-based; 0 when goja gave none
	Err          error
}

func (e *ScriptError) Error() string { return e.Msg }
func (e *ScriptError) Unwrap() error { return e.Err }

// scriptError classifies a Gizmo compile or runtime error as EINVALID and
// rewrites goja's positions in one form: "… (line 3:7)".
func scriptError(err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return fmt.Errorf("gizmo interrupted: %w", err)
	}
	se := &ScriptError{Msg: panicPC.ReplaceAllString(err.Error(), ""), Err: err}
	if m := evalPos.FindStringSubmatchIndex(se.Msg); m != nil {
		se.Line, _ = strconv.Atoi(se.Msg[m[2]:m[3]])
		se.Column, _ = strconv.Atoi(se.Msg[m[4]:m[5]])
		se.Msg = se.Msg[:m[0]] + se.Msg[m[1]:]
	} else if m := syntaxPos.FindStringSubmatch(se.Msg); m != nil {
		se.Line, _ = strconv.Atoi(m[1])
		se.Column, _ = strconv.Atoi(m[2])
		se.Msg = strings.Replace(se.Msg, m[0], m[3], 1)
	}
	msg := "gizmo: " + se.Msg
	if se.Line > 0 {
		msg += fmt.Sprintf(" (line %d:%d)", se.Line, se.Column)
	}
	return &graph.Error{Code: graph.EINVALID, Message: msg, Err: se}
}
