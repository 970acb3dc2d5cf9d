package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/queries"
)

type queryOptions struct {
	runFlags
	List   bool
	Dir    string   // --queries: a folder of saved queries instead of the bundled ones
	Params []string // --param NAME=VALUE, in order
	// FlagParams holds the --NAME flags given: each parameter name of the
	// bundled queries (--max-hops) is also a flag.
	FlagParams map[string]string
	Name       string
	Args       []string
}

func newQueryCmd(app *App) *cobra.Command {
	opts := &queryOptions{FlagParams: map[string]string{}}
	paramFlags := map[string]*string{}
	bundled, err := query.LoadSaved(queries.FS)
	if err != nil {
		panic(err) // the embedded files are tested; a bad one is a build error
	}
	cmd := &cobra.Command{
		Use:   "query NAME [ARGS...] [--param NAME=VALUE]...",
		Short: "Run a saved query (agencygraph query --list shows them)",
		Long: `query runs one of the saved Gizmo queries of queries/ (embedded in the
binary; --queries DIR reads another folder) and prints its rows.

Arguments fill the query's parameters in the order its synopsis shows them
(integer parameters are flags: --max-hops 3); --param NAME=VALUE or
--NAME VALUE sets any parameter by name. An entity parameter takes
an IRI, name, acronym or alias in any case ("ice", "Immigration and Customs
Enforcement", "IRS-CI"); an unknown one fails listing the closest entities.
Values are bound to the script as data, never spliced into its text.

Saved queries:
` + savedList(bundled) + `
` + outputHelp,
		Example: `  agencygraph query assists ICE
  agencygraph query path "Kika Scott" DEA --max-hops 3 -o json
  agencygraph query leaders --param entity=uscis -o csv`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Name, opts.Args = args[0], args[1:]
			}
			for name, v := range paramFlags {
				if c.Flags().Changed(name) {
					opts.FlagParams[name] = *v
				}
			}
			return runQuery(c.Context(), app, opts)
		},
	}
	opts.runFlags.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.List, "list", false, "list the saved queries and their parameters")
	f.StringVar(&opts.Dir, "queries", "", "read saved queries (*.js) from this folder instead of the bundled ones")
	f.StringArrayVar(&opts.Params, "param", nil, "set a parameter: NAME=VALUE (repeatable)")
	for name, users := range paramUsers(bundled) {
		if f.Lookup(name) != nil || cmd.PersistentFlags().Lookup(name) != nil || name == "db" || name == "help" {
			continue // --param NAME=VALUE still reaches it
		}
		paramFlags[name] = f.String(name, "", "parameter "+name+" of "+strings.Join(users, ", "))
	}
	return cmd
}

// paramUsers maps each parameter name to the queries declaring it.
func paramUsers(saved map[string]*query.Saved) map[string][]string {
	out := map[string][]string{}
	for _, name := range sortedNames(saved) {
		for _, p := range saved[name].Params {
			out[p.Name] = append(out[p.Name], name)
		}
	}
	return out
}

func sortedNames(saved map[string]*query.Saved) []string {
	return slices.Sorted(maps.Keys(saved))
}

// savedList is the help's list of queries: usage, then description.
func savedList(saved map[string]*query.Saved) string {
	var b strings.Builder
	for _, name := range sortedNames(saved) {
		q := saved[name]
		fmt.Fprintf(&b, "  %s\n      %s\n", q.Usage(), q.Description)
	}
	return b.String()
}

func runQuery(ctx context.Context, app *App, opts *queryOptions) error {
	format, err := opts.format(app.Stdout)
	if err != nil {
		return err
	}
	var fsys fs.FS = queries.FS
	if opts.Dir != "" {
		if _, err := os.Stat(opts.Dir); err != nil {
			return fmt.Errorf("load saved queries: %w", err)
		}
		fsys = os.DirFS(opts.Dir)
	}
	saved, err := query.LoadSaved(fsys)
	if err != nil {
		return fmt.Errorf("load saved queries: %w", err)
	}
	if len(saved) == 0 {
		return graph.Errorf(graph.EINVALID, "load saved queries: no *.js files in %s", opts.Dir)
	}
	if opts.List {
		if opts.Name != "" {
			return graph.Errorf(graph.EINVALID, "--list takes no query name")
		}
		return writeList(app, format, saved)
	}
	if opts.Name == "" {
		return graph.Errorf(graph.EINVALID, "no query named; the saved queries are %s (see agencygraph query --list)",
			strings.Join(sortedNames(saved), ", "))
	}
	q := saved[opts.Name]
	if q == nil {
		return graph.Errorf(graph.EINVALID, "unknown saved query %q; the saved queries are %s",
			opts.Name, strings.Join(sortedNames(saved), ", "))
	}
	args, err := savedArgs(q, opts)
	if err != nil {
		return err
	}
	s, err := app.openStore(ctx, oneQuery)
	if err != nil {
		return err
	}
	defer s.Close()
	runner := &query.Runner{Store: s, Timeout: opts.Timeout, Limit: opts.Limit}
	res, err := runner.Run(ctx, q, args)
	if err != nil {
		return timeoutHint(err)
	}
	rs := *res
	return printRows(ctx, app, s, format, rs, opts.Limit)
}

// timeoutHint adds to a query's timeout how to lift it: an answer of the
// whole graph on a large store (timeline of every article on 10M quads)
// takes longer than the default.
func timeoutHint(err error) error {
	var e *graph.Error
	if !errors.As(err, &e) || e.Code != graph.ETIMEOUT {
		return err
	}
	return &graph.Error{Code: e.Code, Err: err, Message: e.Message + " (--timeout raises the limit, 0 for none)"}
}

// printRows writes rs and tells stderr what a table cannot show: that
// there were no rows, or that --limit cut them.
func printRows(ctx context.Context, app *App, s *graph.Store, format string, rs rows, limit int) error {
	cut := 0
	if format == formatTable && isTerminal(app.Stdout) {
		cut = 60
	}
	if err := writeRows(app.Stdout, format, rs, namer(ctx, s), cut); err != nil {
		return err
	}
	switch {
	case rs.Truncated:
		fmt.Fprintf(app.Stderr, "note: stopped at --limit %d rows; there may be more\n", limit)
	case len(rs.Rows) == 0 && format == formatTable:
		fmt.Fprintln(app.Stderr, "no results")
	}
	return nil
}

// savedArgs gathers the parameter values: positional arguments fill the
// parameters in the order of the synopsis (declared order, integers left
// to their --NAME flags: "path FROM TO [--max-hops N]"), then --param and
// --NAME; a parameter given twice is an error.
func savedArgs(q *query.Saved, opts *queryOptions) (map[string]string, error) {
	var positional []query.Param
	for _, p := range q.Params {
		if p.Kind != query.KindInteger {
			positional = append(positional, p)
		}
	}
	if len(opts.Args) > len(positional) {
		return nil, graph.Errorf(graph.EINVALID, "%s takes at most %d arguments, got %d (usage: %s)",
			q.Name, len(positional), len(opts.Args), q.Usage())
	}
	args := map[string]string{}
	set := func(name, v string) error {
		if _, dup := args[name]; dup {
			return graph.Errorf(graph.EINVALID, "%s: %s given twice", q.Name, name)
		}
		args[name] = v
		return nil
	}
	for i, v := range opts.Args {
		args[positional[i].Name] = v
	}
	for _, kv := range opts.Params {
		name, v, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, graph.Errorf(graph.EINVALID, "--param %q: want NAME=VALUE", kv)
		}
		if err := set(name, v); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(opts.FlagParams)) {
		if err := set(name, opts.FlagParams[name]); err != nil {
			return nil, err
		}
	}
	return args, nil // Runner.Bind reports unknown names and missing values
}

// writeList prints the saved queries: as a table of name, usage and
// description, or as data with every parameter.
func writeList(app *App, format string, saved map[string]*query.Saved) error {
	type param struct {
		Name     string `json:"name"`
		Kind     string `json:"kind"`
		Default  string `json:"default,omitempty"`
		Optional bool   `json:"optional,omitempty"`
		Help     string `json:"help,omitempty"`
	}
	rs := rows{Columns: []string{"name", "usage", "description", "params"}, Rows: []map[string]any{}}
	for _, name := range sortedNames(saved) {
		q := saved[name]
		ps := []param{}
		for _, p := range q.Params {
			ps = append(ps, param{p.Name, p.Kind, p.Default, p.Optional, p.Help})
		}
		rs.Rows = append(rs.Rows, map[string]any{"name": q.Name, "usage": q.Usage(), "description": q.Description, "params": ps})
	}
	if format == formatTable {
		rs.Columns = rs.Columns[:3]
	}
	if format == formatJSON {
		return writeJSON(app.Stdout, rs.Rows, true)
	}
	return writeRows(app.Stdout, format, rs, query.CellText, 0)
}
