// Command agencygraph keeps an evidence-backed graph of how US government
// agencies, their units and their people work with one another, and answers
// questions about it from the command line and over HTTP.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/cayleygraph/cayley/graph/sql/cockroach" // --db cockroach://…
	_ "github.com/cayleygraph/cayley/graph/sql/postgres"  // --db postgres://…

	"github.com/agencygraph/agencygraph/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
