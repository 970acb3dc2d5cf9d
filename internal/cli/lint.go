package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/lint"
	"github.com/agencygraph/agencygraph/quads"
)

func newLintCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "lint [FILE|DIR|-]...",
		Short: "Check the dataset against its vocabulary and evidence model",
		Long: `lint checks N-Quads files (default: the bundled dataset) as one dataset
against the vocabulary in graph <vocab> (schema.nq) and the evidence model of
quads/README.md: undeclared predicates and classes, entities without type or
name, relationship edges without an assertion, assertions without source,
quote or record id, dangling IRIs, malformed dates and quantities, undeclared
statuses, aliases two entities claim (errors), and domain/range mismatches
(warnings). Each problem is printed as FILE:LINE: SEVERITY: MESSAGE; the exit
status is non-zero when there is an error.`,
		RunE: func(c *cobra.Command, args []string) error {
			return runLint(c.Context(), app, args)
		},
	}
}

func runLint(ctx context.Context, app *App, paths []string) error {
	files, err := lintFiles(paths, app)
	if err != nil {
		return err
	}
	problems, err := lint.Check(ctx, files)
	if err != nil {
		return err
	}
	errs := 0
	for _, p := range problems {
		fmt.Fprintln(app.Stdout, p)
		if p.Severity == lint.Error {
			errs++
		}
	}
	fmt.Fprintf(app.Stderr, "%d files: %d errors, %d warnings\n", len(files), errs, len(problems)-errs)
	if errs > 0 {
		return graph.Errorf(graph.EINVALID, "lint found %d errors", errs)
	}
	return nil
}

// lintFiles returns the files paths names, or the bundled dataset when there
// are none.
func lintFiles(paths []string, app *App) ([]lint.File, error) {
	if len(paths) == 0 {
		return lint.FSFiles(quads.FS)
	}
	return lint.PathFiles(paths, app.Stdin)
}
