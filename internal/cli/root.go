// Package cli is agencygraph's command line: one cobra command per file, each
// handing off to a plain function that tests call without cobra.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/quads"
)

// App carries what every command needs: its streams and the store flag.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// DB is the --db flag: empty for the bundled dataset in memory.
	DB string
	// CPUProfile is the hidden --cpuprofile flag: where to write a pprof CPU
	// profile of the command, for the performance work BENCHMARKS.md reports.
	CPUProfile  string
	stopProfile func()
}

// Main runs the command line and returns the process exit code. Errors are
// printed here, once.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	root := newRootCmd(app)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if app.stopProfile != nil {
		app.stopProfile()
	}
	if err == nil {
		return 0
	}
	var e *graph.Error
	if errors.As(err, &e) {
		fmt.Fprintln(stderr, "agencygraph:", e.Message)
	} else {
		fmt.Fprintln(stderr, "agencygraph:", err)
	}
	return 1
}

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "agencygraph",
		Short: "An evidence-backed graph of how US government agencies work with one another",
		Long: `agencygraph keeps a graph of US government agencies, their units and their
people, and of how they lend staff, authority and facilities to one another,
every edge backed by the sentence that states it. Without --db it answers from
the bundled dataset in memory; --db PATH uses a Bolt file, --db postgres://…
a PostgreSQL database.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(*cobra.Command, []string) error { return app.startProfile() },
	}
	root.PersistentFlags().StringVar(&app.DB, "db", "", "store: a Bolt file path, postgres://… or cockroach://… (default: bundled dataset in memory)")
	root.PersistentFlags().StringVar(&app.CPUProfile, "cpuprofile", "", "write a pprof CPU profile of the command to this file")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.AddCommand(
		newLoadCmd(app),
		newStatsCmd(app),
		newLintCmd(app),
		newVerifyCmd(app),
		newImportCmd(app),
		newServeCmd(app),
		newGenerateCmd(app),
		newExportCmd(app),
		newVersionCmd(app),
		newQueryCmd(app),
		newGizmoCmd(app),
	)
	return root
}

func (app *App) startProfile() error {
	if app.CPUProfile == "" {
		return nil
	}
	f, err := os.Create(app.CPUProfile)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("cpu profile: %w", err)
	}
	app.stopProfile = func() {
		pprof.StopCPUProfile()
		f.Close()
	}
	return nil
}

// storeUse is what a command does with its store.
type storeUse int

const (
	oneQuery storeUse = iota // reads it for one query or pass, then exits
	serving                  // reads it for many queries
	writing                  // writes to it
)

// openStore opens the store --db names; with no --db it is a memory store
// holding the bundled dataset. Unless writing, a Bolt file is opened
// shared with other readers, and must exist.
func (app *App) openStore(ctx context.Context, use storeUse) (*graph.Store, error) {
	cfg := graph.ParseDB(app.DB)
	cfg.ReadOnly = use != writing
	cfg.OneQuery = use == oneQuery
	s, err := graph.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Backend != graph.Memory {
		return s, nil
	}
	ins, err := graph.FSInputs(quads.FS)
	if err == nil {
		_, err = s.Load(ctx, ins, graph.LoadOptions{})
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("load bundled dataset: %w", err)
	}
	return s, nil
}

// isTerminal reports whether w is a terminal, for progress bars and tables.
// It asks the terminal driver: /dev/null is a character device too, and a
// command sent there is not talking to a person.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
