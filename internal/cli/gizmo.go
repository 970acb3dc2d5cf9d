package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

type gizmoOptions struct {
	runFlags
	File string // --file: the script's file, - for stdin
	Expr string
}

func newGizmoCmd(app *App) *cobra.Command {
	opts := &gizmoOptions{}
	cmd := &cobra.Command{
		Use:   "gizmo EXPR | gizmo --file FILE",
		Short: "Run an ad-hoc Gizmo (JavaScript) query",
		Long: `gizmo runs a Gizmo query, Cayley's JavaScript path language, given as its
one argument or read from --file (- for stdin). Results are what Cayley's
/api/v1/query/gizmo answers: a map of tag to value for each path of .All()
(IRIs as "<iri>"), and whatever g.Emit() emits. An error in the script names
its line: FILE:LINE:COL for --file, "(line L:C)" otherwise.

-o json prints Cayley's answer as it is, {"result": [...]}; table, ndjson and
csv print one row per result, a map's keys as columns ("id" first) and any
other value in a "value" column.

` + outputHelp,
		Example: `  agencygraph gizmo 'g.V("<ICE>").In("<assists>").All()'
  agencygraph gizmo --file my-query.js -o csv --timeout 5s`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Expr = args[0]
			}
			return runGizmo(c.Context(), app, opts)
		},
	}
	opts.runFlags.add(cmd)
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "read the query from this file (- for stdin)")
	return cmd
}

func runGizmo(ctx context.Context, app *App, opts *gizmoOptions) error {
	format, err := opts.format(app.Stdout)
	if err != nil {
		return err
	}
	src := opts.Expr
	switch {
	case opts.File != "" && opts.Expr != "":
		return graph.Errorf(graph.EINVALID, "give the query as an argument or with --file, not both")
	case opts.File == "-":
		b, err := io.ReadAll(app.Stdin)
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		src = string(b)
	case opts.File != "":
		b, err := os.ReadFile(opts.File)
		if err != nil {
			return err
		}
		src = string(b)
	case opts.Expr == "":
		return graph.Errorf(graph.EINVALID, "no query: give one as an argument or with --file")
	}
	s, err := app.openStore(ctx, oneQuery)
	if err != nil {
		return err
	}
	defer s.Close()
	runner := &query.Runner{Store: s, Timeout: opts.Timeout, Limit: opts.Limit}
	results, err := runner.Gizmo(ctx, src, nil)
	if err != nil {
		return timeoutHint(atFile(err, opts.File))
	}
	if format == formatJSON {
		return writeJSON(app.Stdout, map[string]any{"result": results}, true)
	}
	rs := resultRows(results)
	rs.Truncated = opts.Limit > 0 && len(results) >= opts.Limit
	return printRows(ctx, app, s, format, rs, opts.Limit)
}

// atFile rewrites a script error positioned in file as "FILE:LINE:COL: …".
func atFile(err error, file string) error {
	var se *query.ScriptError
	if file == "" || !errors.As(err, &se) || se.Line == 0 {
		return err
	}
	return &graph.Error{Code: graph.EINVALID, Err: err,
		Message: fmt.Sprintf("%s:%d:%d: gizmo: %s", file, se.Line, se.Column, se.Msg)}
}
