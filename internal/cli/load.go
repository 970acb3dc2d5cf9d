package cli

import (
	"context"
	"fmt"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
)

type loadOptions struct {
	Paths  []string
	Strict bool
	Quiet  bool
}

func newLoadCmd(app *App) *cobra.Command {
	opts := &loadOptions{}
	cmd := &cobra.Command{
		Use:   "load FILE|DIR|- ...",
		Short: "Load N-Quads files (.nq, .nq.gz, directories, - for stdin) into the store, all or nothing",
		Long: `load parses N-Quads strictly (the W3C grammar, plus relative IRIs such as
<IRS-CI> unless --strict) and adds every quad in one transaction: an error on any
line names file:line:column and leaves the store as it was. Duplicates are skipped.
Without --db the quads go into a throwaway in-memory copy of the bundled
dataset, which checks them without keeping them.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			return runLoad(c.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "full W3C conformance: reject relative IRIs too")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress bar")
	return cmd
}

func runLoad(ctx context.Context, app *App, opts *loadOptions) error {
	ins, err := graph.Inputs(opts.Paths, app.Stdin)
	if err != nil {
		return err
	}
	s, err := app.openStore(ctx, writing)
	if err != nil {
		return err
	}
	defer s.Close()
	lo := graph.LoadOptions{Strict: opts.Strict}
	if !opts.Quiet && isTerminal(app.Stderr) {
		bar := newLoadBar(app, ins)
		defer bar.Finish()
		lo.Progress = func(bytes, quads int64) {
			bar.Describe(fmt.Sprintf("%d quads", quads))
			bar.Set64(bytes)
		}
	}
	res, err := s.Load(ctx, ins, lo)
	if err != nil {
		return err
	}
	rate := float64(res.Read) / res.Elapsed.Seconds()
	fmt.Fprintf(app.Stdout, "%d quads added, %d duplicates skipped, %.2fs (%.0f quads/s) into %s\n",
		res.Added, res.Duplicates, res.Elapsed.Seconds(), rate, s.Config())
	if s.Config().Backend == graph.Memory {
		fmt.Fprintln(app.Stderr, "note: no --db given: the quads were checked against an in-memory copy and not kept")
	}
	return nil
}

// newLoadBar shows bytes read, quads and rate, with an ETA when the total
// size is known (it is not for stdin).
func newLoadBar(app *App, ins []graph.Input) *progressbar.ProgressBar {
	total := int64(0)
	for _, in := range ins {
		if in.Size == 0 {
			total = -1
			break
		}
		total += in.Size
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(app.Stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
}
