package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/export"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/queries"
)

type exportOptions struct {
	Format string
	Out    string
	Query  string
	Args   []string // the saved query's positional arguments
	Params []string // its --param k=v
	export.Options
}

func newExportCmd(app *App) *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export --format F [-o FILE] [--around ENTITY [--hops N] | --query NAME [ARGS…] [--param k=v]…]",
		Short: "Write the graph, or part of it, for Graphviz, Gephi, yEd, Cytoscape or a JSON/RDF tool",
		Long: `export writes the graph for drawing tools: entities as nodes (name, type,
colour per type), relationships as edges (their name, how many sources support
them, their earliest date), with the evidence folded into edge attributes
unless --evidence-nodes keeps assertions and sources as nodes.

Formats: dot (Graphviz), graphml (yEd, Gephi, Cytoscape), gexf (Gephi),
cytoscape (Cytoscape.js and Cytoscape desktop JSON), json (plain nodes and
links), nquads (the selected quads, loadable again) and jsonld.

DOT of more than ` + fmt.Sprint(export.SFDPThreshold) + ` nodes asks for Graphviz's sfdp layout, which
draws thousands of nodes in seconds; dot's own layout takes minutes past a few
hundred nodes.

The whole graph by default, or a subgraph: --around ENTITY --hops N (the
entity by IRI, name or alias, and everything N relationships away), or --query
NAME [ARGS] (the entities a saved query returns and the relationships among
them; ARGS fill its parameters in order, --param k=v by name). --since and
--until keep relationships with evidence dated in range; --predicate keeps
some relationship kinds (by IRI or label, repeatable).`,
		Example: `  agencygraph export --format graphml -o agencies.graphml
  agencygraph export --format dot --around ICE --hops 2 | dot -Tsvg > ice.svg
  agencygraph export --format gexf --since 2025-01 --predicate assists -o assists.gexf
  agencygraph export --format cytoscape --query neighbors ICE --param hops=2`,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 && opts.Query == "" {
				return graph.Errorf(graph.EINVALID, "unexpected argument %q: arguments are for a saved query (--query NAME ARGS…)", args[0])
			}
			opts.Args = args
			return runExport(c.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "graphml", strings.Join(export.FormatNames(), "|"))
	f.StringVarP(&opts.Out, "output", "o", "", "write to this file instead of stdout")
	f.StringVar(&opts.Around, "around", "", "export the neighbourhood of this entity (IRI, name or alias)")
	f.IntVar(&opts.Hops, "hops", 1, "how many relationships away from --around to go")
	f.StringVar(&opts.Query, "query", "", "export the entities this saved query returns and the relationships among them")
	f.StringArrayVar(&opts.Params, "param", nil, "a saved query parameter, k=v (repeatable)")
	f.StringVar(&opts.Since, "since", "", "keep relationships with evidence dated on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)")
	f.StringVar(&opts.Until, "until", "", "keep relationships with evidence dated on or before this date")
	f.StringArrayVar(&opts.Predicates, "predicate", nil, "keep only this relationship kind, by IRI or label (repeatable)")
	f.BoolVar(&opts.EvidenceNodes, "evidence-nodes", false, "keep assertions and sources as nodes instead of edge attributes")
	return cmd
}

func runExport(ctx context.Context, app *App, opts *exportOptions) error {
	format, err := export.ParseFormat(opts.Format)
	if err != nil {
		return err
	}
	if opts.Around != "" && opts.Query != "" {
		return graph.Errorf(graph.EINVALID, "choose one of --around and --query")
	}
	if opts.Around == "" {
		opts.Hops = 0
	}
	s, err := app.openStore(ctx, oneQuery)
	if err != nil {
		return err
	}
	defer s.Close()
	opt := opts.Options
	opt.Lookup = s.Lookup
	if opts.Query != "" {
		if opt.Nodes, err = queryNodes(ctx, s, opts); err != nil {
			return err
		}
	}
	// All that can fail on the user's input fails here, before -o creates
	// or truncates a file.
	x, err := export.New(ctx, s, format, opt)
	if err != nil {
		return err
	}
	var w io.Writer = app.Stdout
	var file *os.File
	if opts.Out != "" {
		if file, err = os.Create(opts.Out); err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := x.WriteTo(ctx, bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		return file.Close()
	}
	return nil
}

// queryNodes runs the saved query opts.Query and returns the entities it
// mentions.
func queryNodes(ctx context.Context, s *graph.Store, opts *exportOptions) ([]string, error) {
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		return nil, fmt.Errorf("load saved queries: %w", err)
	}
	q, ok := saved[opts.Query]
	if !ok {
		names := make([]string, 0, len(saved))
		for name := range saved {
			names = append(names, name)
		}
		slices.Sort(names)
		return nil, graph.Errorf(graph.EINVALID, "no saved query %q (there are: %s)", opts.Query, strings.Join(names, ", "))
	}
	args, err := queryArgs(q, opts.Args, opts.Params)
	if err != nil {
		return nil, err
	}
	res, err := (&query.Runner{Store: s}).Run(ctx, q, args)
	if err != nil {
		return nil, err
	}
	return export.RowNodes(res.Rows), nil
}

// queryArgs maps positional arguments to q's parameters in the order of its
// synopsis (every parameter but the integer ones, which are --param flags),
// then applies --param k=v.
func queryArgs(q *query.Saved, positional, params []string) (map[string]string, error) {
	args := map[string]string{}
	i := 0
	for _, p := range q.Params {
		if i < len(positional) && p.Kind != query.KindInteger {
			args[p.Name] = positional[i]
			i++
		}
	}
	if i < len(positional) {
		return nil, graph.Errorf(graph.EINVALID, "%s: too many arguments (usage: %s)", q.Name, q.Usage())
	}
	for _, kv := range params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, graph.Errorf(graph.EINVALID, "--param %q: want NAME=VALUE", kv)
		}
		args[k] = v
	}
	return args, nil
}
