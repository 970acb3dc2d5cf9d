package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/internal/server"
	"github.com/agencygraph/agencygraph/queries"
)

type serveOptions struct {
	Addr          string
	Load          []string
	QueryTimeout  time.Duration
	MaxResults    int
	MaxBody       int64
	MaxConcurrent int
	MaxMemory     int64
	CORSOrigin    string
	Writable      bool
	TokenFile     string
	Preload       bool
}

func newServeCmd(app *App) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Answer Gizmo and saved queries over HTTP (Cayley-compatible API)",
		Long: `serve answers Cayley v0.7.7's HTTP API (/api/v1/query/gizmo,
/api/v2/query?lang=gizmo, /api/v2/read, …) plus saved queries
(/api/v1/saved), entity lookup (/api/v1/entities?q=), /api/v1/stats,
/healthz and /readyz. It listens on loopback unless --addr says otherwise.
Every query runs under --query-timeout and returns at most --max-results rows;
at most --max-concurrent run at once and the rest are told to retry (503);
queries running when the heap has grown by --max-query-memory are stopped.
--load serves only the given N-Quads files from memory instead of the store.
Writes (/api/v1/write, /api/v2/write, the delete endpoints) need --writable
and a bearer token read from --token-file. SIGINT or SIGTERM stop it: requests
in flight get up to --query-timeout to finish, then the store is closed.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runServe(c.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.StringSliceVar(&opts.Load, "load", nil, "serve only these N-Quads files or directories, from memory")
	f.DurationVar(&opts.QueryTimeout, "query-timeout", 30*time.Second, "deadline of each query; also the shutdown grace period")
	f.IntVar(&opts.MaxResults, "max-results", 10000, "most rows a query returns")
	f.Int64Var(&opts.MaxBody, "max-body", server.DefaultMaxBody, "largest request body in bytes (413 beyond)")
	f.IntVar(&opts.MaxConcurrent, "max-concurrent", 2*runtime.GOMAXPROCS(0), "most queries running at once (503 beyond)")
	f.Int64Var(&opts.MaxMemory, "max-query-memory", server.DefaultMaxQueryMemory, "bytes the heap may grow by while queries run before they are stopped (503)")
	f.StringVar(&opts.CORSOrigin, "cors-origin", "", "the one browser origin allowed to call the API (default none)")
	f.BoolVar(&opts.Preload, "preload", false, "serve a read-only copy of the --db store held in memory, for start-up time and memory")
	f.BoolVar(&opts.Writable, "writable", false, "enable the write and delete endpoints (needs --token-file)")
	f.StringVar(&opts.TokenFile, "token-file", "", "file holding the bearer token writes must present")
	return cmd
}

func runServe(ctx context.Context, app *App, opts *serveOptions) error {
	if opts.QueryTimeout <= 0 || opts.MaxResults <= 0 || opts.MaxBody <= 0 || opts.MaxConcurrent <= 0 || opts.MaxMemory <= 0 {
		return graph.Errorf(graph.EINVALID, "--query-timeout, --max-results, --max-body, --max-concurrent and --max-query-memory must be positive")
	}
	if err := checkPreload(app, opts); err != nil {
		return err
	}
	token, err := readToken(opts)
	if err != nil {
		return err
	}
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		return fmt.Errorf("load saved queries: %w", err)
	}
	s, err := serveStore(ctx, app, opts)
	if err != nil {
		return err
	}
	served := s
	if opts.Preload {
		served, err = preload(ctx, app, s)
	}
	if err == nil {
		// After the store is loaded, so that the memory guard's baseline
		// takes in the garbage the tuned collector lets accumulate.
		tuneGC()
		runtime.GC()
		err = serveOn(ctx, app, opts, served, saved, token)
	}
	if served != s {
		served.Close()
	}
	// Closed after the server has drained, so a Bolt file is left clean.
	// A preloaded store stays open (locked against writers) meanwhile, so that no other
	// process writes to what is being served.
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	return err
}

// checkPreload refuses --preload where it means nothing or would lose
// writes.
func checkPreload(app *App, opts *serveOptions) error {
	switch {
	case !opts.Preload:
		return nil
	case app.DB == "":
		return graph.Errorf(graph.EINVALID, "--preload copies a --db store into memory; without --db the data is in memory already")
	case opts.Writable:
		return graph.Errorf(graph.EINVALID, "--preload serves a read-only copy: it cannot be combined with --writable")
	}
	return nil
}

// preload copies s into memory, saying how long it took.
func preload(ctx context.Context, app *App, s *graph.Store) (*graph.Store, error) {
	start := time.Now()
	m, err := s.InMemory(ctx)
	if err != nil {
		return nil, err
	}
	st, err := m.Stats(ctx)
	if err != nil {
		m.Close()
		return nil, err
	}
	fmt.Fprintf(app.Stderr, "preloaded %d quads into memory in %.1fs\n", st.Quads, time.Since(start).Seconds())
	return m, nil
}

func serveOn(ctx context.Context, app *App, opts *serveOptions, s *graph.Store, saved map[string]*query.Saved, token string) error {
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
	// Spare Ps, so that scripts spinning until their deadline cannot starve
	// the rest of the server.
	runtime.GOMAXPROCS(server.Procs(opts.MaxConcurrent))
	runner := &query.Runner{Store: s, Timeout: opts.QueryTimeout, Limit: opts.MaxResults}
	srv := server.New(runner, saved, server.Config{
		MaxBody:        opts.MaxBody,
		MaxConcurrent:  opts.MaxConcurrent,
		MaxQueryMemory: opts.MaxMemory,
		CORSOrigin:     opts.CORSOrigin,
		Writable:       opts.Writable,
		Token:          token,
		Log:            slog.New(slog.NewTextHandler(app.Stderr, nil)),
	})
	addr := ln.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() {
		fmt.Fprintf(app.Stderr, "warning: %s is reachable from other machines\n", addr)
	}
	fmt.Fprintf(app.Stderr, "listening on http://%s\n", addr)
	return srv.Serve(ctx, ln, opts.QueryTimeout)
}

// serveStore opens the store to serve: --load's files alone in memory, or
// the --db store (the bundled dataset when there is none).
func serveStore(ctx context.Context, app *App, opts *serveOptions) (*graph.Store, error) {
	if len(opts.Load) == 0 {
		use := serving
		if opts.Writable {
			use = writing
		}
		return app.openStore(ctx, use)
	}
	if app.DB != "" {
		return nil, graph.Errorf(graph.EINVALID, "--load serves its files from memory: it cannot be combined with --db")
	}
	ins, err := graph.Inputs(opts.Load, app.Stdin)
	if err != nil {
		return nil, err
	}
	s, err := graph.Open(ctx, graph.Config{Backend: graph.Memory})
	if err != nil {
		return nil, err
	}
	if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// readToken reads the write token: required with --writable, and only then.
func readToken(opts *serveOptions) (string, error) {
	if !opts.Writable {
		if opts.TokenFile != "" {
			return "", graph.Errorf(graph.EINVALID, "--token-file is only used with --writable")
		}
		return "", nil
	}
	if opts.TokenFile == "" {
		return "", graph.Errorf(graph.EINVALID, "--writable needs --token-file: writes must be authenticated")
	}
	b, err := os.ReadFile(opts.TokenFile)
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(b))
	if len(token) < 16 {
		return "", graph.Errorf(graph.EINVALID, "%s: the token must be at least 16 characters", opts.TokenFile)
	}
	return token, nil
}
