package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/lint"
)

type verifyOptions struct {
	Sources string
	Paths   []string
}

func newVerifyCmd(app *App) *cobra.Command {
	opts := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --sources DIR [FILE|DIR|-]...",
		Short: "Check that every quote occurs in its source document",
		Long: `verify checks every <quote> of the dataset (default: the bundled one) against
the text of the document its assertion cites: the file in DIR named by the
source's schema:identifier. Curly and straight quotes, dashes and runs of
white space compare equal. Each quote not found is printed as FILE:LINE with
the closest passage of the source; the exit status is non-zero if any is.
Quotes whose source has no file in DIR (the reference datasets) are skipped.`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			return runVerify(c.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Sources, "sources", "", "folder holding the source documents (required)")
	cmd.MarkFlagRequired("sources")
	return cmd
}

func runVerify(ctx context.Context, app *App, opts *verifyOptions) error {
	fi, err := os.Stat(opts.Sources)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return graph.Errorf(graph.EINVALID, "--sources %s: not a directory", opts.Sources)
	}
	files, err := lintFiles(opts.Paths, app)
	if err != nil {
		return err
	}
	res, err := lint.Verify(ctx, files, os.DirFS(opts.Sources))
	if err != nil {
		return err
	}
	for _, m := range res.Misses {
		fmt.Fprintf(app.Stdout, "%s:%d: quote not in %s: %q\n    closest: %q\n", m.File, m.Line, m.Source, m.Quote, m.Closest)
	}
	fmt.Fprintf(app.Stderr, "%d quotes checked, %d not found, %d skipped (source not in %s)\n",
		res.Checked, len(res.Misses), res.Skipped, opts.Sources)
	if len(res.Misses) > 0 {
		return graph.Errorf(graph.EINVALID, "verify: %d quotes not found in their sources", len(res.Misses))
	}
	return nil
}
