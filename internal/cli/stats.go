package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newStatsCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Count quads, nodes, predicates and sources in the store",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runStats(c.Context(), app)
		},
	}
}

func runStats(ctx context.Context, app *App) error {
	s, err := app.openStore(ctx, oneQuery)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "backend     %s\n", st.Backend)
	if st.Address != "" {
		fmt.Fprintf(app.Stdout, "address     %s\n", st.Address)
	}
	fmt.Fprintf(app.Stdout, "quads       %d\nnodes       %d\npredicates  %d\nsources     %d\n",
		st.Quads, st.Nodes, st.Predicates, st.Labels)
	return nil
}
