package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/internal/generate"
)

type generateOptions struct {
	Quads int
	Seed  int64
	Out   string
}

func newGenerateCmd(app *App) *cobra.Command {
	opts := &generateOptions{}
	cmd := &cobra.Command{
		Use:   "generate [--quads N] [--seed S] [-o FILE]",
		Short: "Write a synthetic agency-relationship graph of a chosen size as N-Quads",
		Long: `generate writes a synthetic graph in the dataset's own vocabulary: departments,
agencies, units and field offices, people and posts, facilities, and articles
whose graphs hold relationship edges (details, deputizations, facilities …)
each with an assertion node carrying a quote, a status, counts and dates,
and now and then an agency's size (employees, field offices) on which the
articles do not all agree, some disagreements linked with conflictsWith.
It is for load tests and benchmarks: the same --seed and --quads always give
the same bytes. Output goes to stdout unless -o names a file.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runGenerate(c.Context(), app, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Quads, "quads", 100_000, "number of quads to write")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "random seed")
	cmd.Flags().StringVarP(&opts.Out, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

func runGenerate(_ context.Context, app *App, opts *generateOptions) error {
	var w io.Writer = app.Stdout
	var f *os.File
	if opts.Out != "" {
		var err error
		if f, err = os.Create(opts.Out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := (generate.Generator{Quads: opts.Quads, Seed: opts.Seed}).Write(w); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	if f != nil {
		return f.Close()
	}
	return nil
}
