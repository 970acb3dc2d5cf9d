// Command agencygraph-bench measures agencygraph against Cayley v0.7.7's own
// cayley command in one run, on the same files and the same machine, and
// prints a Markdown table of the results and their ratios (BENCHMARKS.md).
//
// It builds both binaries into a temporary directory: agencygraph from this
// module, cayley from a writable copy of the Cayley module in the module
// cache (its command needs modules our go.sum does not list, so it is built
// as its own module and nothing of it is committed). The inputs are Cayley's
// data/30kmoviedata.nq.gz and graphs written by `agencygraph generate`.
//
// Run it from the module root:
//
//	go run ./cmd/agencygraph-bench -quads 1000000
//
// Each command is timed as a whole process; peak memory is the kernel's
// account of the process's largest resident set (getrusage ru_maxrss).
//
// With -peers (the default) the movie data's 3-hop question is also put to
// Oxigraph, in-process under Node and over HTTP, and to Virtuoso's SPARQL
// endpoint, which npm and apt install into the work directory and the
// system (peers.go). A peer that cannot be had or fails gets a "failed" row.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type config struct {
	work       string        // temporary directory for binaries, stores, data
	keep       bool          // keep work afterwards
	quads      []int         // generated graph sizes
	movies     bool          // include Cayley's movie data
	loads      int           // timed loads of ours per dataset (Cayley's: one)
	requests   int           // timed requests per latency figure
	slowBudget time.Duration // time allowed for one latency figure on a slow server
	peers      bool          // also ask Oxigraph and Virtuoso (peers.go)
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("agencygraph-bench: ")
	var cfg config
	var sizes string
	flag.StringVar(&cfg.work, "work", "", "work directory (default: a new temporary directory, removed afterwards)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory")
	flag.StringVar(&sizes, "quads", "1000000", "comma-separated sizes of generated graphs (empty for none)")
	flag.BoolVar(&cfg.movies, "movies", true, "include Cayley's data/30kmoviedata.nq.gz")
	flag.IntVar(&cfg.loads, "loads", 3, "timed loads of agencygraph per dataset (cayley: one, it is slow)")
	flag.IntVar(&cfg.requests, "requests", 200, "timed queries per latency figure")
	flag.DurationVar(&cfg.slowBudget, "slow-budget", 30*time.Second, "stop a latency figure after this long (Cayley on Bolt)")
	flag.BoolVar(&cfg.peers, "peers", true, "on the movie data, also ask Oxigraph (npm) and Virtuoso (apt), installing them if missing")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			log.Fatalf("-quads: bad size %q", s)
		}
		cfg.quads = append(cfg.quads, n)
	}
	if err := run(context.Background(), cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.work == "" {
		dir, err := os.MkdirTemp("", "agencygraph-bench-")
		if err != nil {
			return err
		}
		cfg.work = dir
		if !cfg.keep {
			defer os.RemoveAll(dir)
		}
	}
	tools, err := build(ctx, cfg.work)
	if err != nil {
		return err
	}
	var sets []dataset
	if cfg.movies {
		sets = append(sets, dataset{name: "30kmoviedata", path: filepath.Join(tools.cayleyDir, "data", "30kmoviedata.nq.gz"), queries: movieQueries})
	}
	for _, n := range cfg.quads {
		path := filepath.Join(cfg.work, fmt.Sprintf("generated-%d.nq", n))
		log.Printf("generating %d quads", n)
		if _, err := runCmd(ctx, tools.ours, "generate", "--quads", strconv.Itoa(n), "-o", path); err != nil {
			return err
		}
		sets = append(sets, dataset{name: fmt.Sprintf("generated %s", human(n)), path: path, queries: generatedQueries, saved: generatedSaved})
	}
	cpu, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, line := range strings.Split(string(cpu), "\n") {
		if strings.HasPrefix(line, "model name") {
			model = strings.TrimSpace(line[strings.Index(line, ":")+1:])
			break
		}
	}
	fmt.Fprintf(out, "Machine: %d cores (%s), %s/%s, %s. Cayley v0.7.7 built from the module cache.\n\n",
		runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH, runtime.Version())
	for _, ds := range sets {
		r, err := measure(ctx, cfg, tools, ds)
		if err != nil {
			return fmt.Errorf("%s: %w", ds.name, err)
		}
		r.write(out)
	}
	return nil
}

// human writes 1000000 as 1M.
func human(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// tools are the two binaries under test.
type tools struct {
	ours, cayley string
	cayleyDir    string // the Cayley module in the module cache
}

// build compiles agencygraph from this module and cayley from a writable
// copy of its module, both into dir.
func build(ctx context.Context, dir string) (tools, error) {
	t := tools{ours: filepath.Join(dir, "agencygraph"), cayley: filepath.Join(dir, "cayley")}
	log.Printf("building agencygraph")
	if _, err := runCmd(ctx, "go", "build", "-o", t.ours, "./cmd/agencygraph"); err != nil {
		return t, fmt.Errorf("build agencygraph (run this from the module root): %w", err)
	}
	mod, err := runCmd(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/cayleygraph/cayley")
	if err != nil {
		return t, err
	}
	t.cayleyDir = strings.TrimSpace(mod)
	src := filepath.Join(dir, "cayley-src")
	if err := os.CopyFS(src, os.DirFS(t.cayleyDir)); err != nil {
		return t, fmt.Errorf("copy %s: %w", t.cayleyDir, err)
	}
	// The module cache is read-only; the build must write go.sum.
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		return t, err
	}
	log.Printf("building cayley v0.7.7 (the first build takes a few minutes)")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", t.cayley, "./cmd/cayley")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		return t, fmt.Errorf("build cayley: %w\n%s", err, b)
	}
	return t, nil
}

// runCmd runs a command to the end and returns its standard output.
func runCmd(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return string(b), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(b), nil
}
