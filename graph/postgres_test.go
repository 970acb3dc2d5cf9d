package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
)

func openPostgres(t *testing.T, url string) *graph.Store {
	t.Helper()
	cfg := graph.ParseDB(url)
	if cfg.Backend != graph.Postgres {
		t.Fatalf("ParseDB(%q) = %v, want the postgres backend", url, cfg)
	}
	s, err := graph.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	return s
}

// A load into PostgreSQL adds the file's quads, counts them like memory does,
// skips them as duplicates the second time, and survives closing the store.
func TestPostgres_LoadStatsReopen(t *testing.T) {
	url := graphtest.PostgresDB(t)
	ctx := context.Background()
	s := openPostgres(t, url)
	defer func() { s.Close() }()
	if n := quadCount(t, s); n != 0 {
		t.Fatalf("new database holds %d quads", n)
	}
	res, err := load(t, s, "../testdata/load/good.nq")
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != goodQuads || res.Added != goodQuads || res.Duplicates != 0 {
		t.Errorf("first load = %+v, want %d read and added", res, goodQuads)
	}
	res, err = load(t, s, "../testdata/load/good.nq.gz")
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Duplicates != goodQuads {
		t.Errorf("second load = %+v, want %d duplicates", res, goodQuads)
	}

	mem := openMemory(t)
	if _, err := load(t, mem, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	want, err := mem.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want.Backend, want.Address = graph.Postgres, s.Config().String()

	s.Close()
	s = openPostgres(t, url)
	got, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Address, "postgres://") {
		t.Errorf("stats address = %q", got.Address)
	}
	got.Address = want.Address
	if got != want {
		t.Errorf("reopened postgres stats = %+v, memory holding the same file %+v", got, want)
	}
	if g, w := allQuads(t, s), allQuads(t, mem); strings.Join(g, "") != strings.Join(w, "") {
		t.Errorf("postgres holds\n%s\nmemory holds\n%s", strings.Join(g, ""), strings.Join(w, ""))
	}
}

// A syntax error far into the second input leaves the database as it was.
func TestPostgres_LoadIsAtomic(t *testing.T) {
	s := openPostgres(t, graphtest.PostgresDB(t))
	defer s.Close()
	if _, err := load(t, s, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	ins := failingInputs(20_000, "<n> <p> <o> \"g\" .\n")
	before := quadCount(t, s)
	_, err := s.Load(context.Background(), ins, graph.LoadOptions{})
	if graph.Code(err) != graph.EINVALID || !strings.HasPrefix(err.Error(), "big.nq:20001:13: ") {
		t.Fatalf("err = %v, want a syntax error at big.nq:20001:13", err)
	}
	if after := quadCount(t, s); after != before || before != goodQuads {
		t.Errorf("quads before the failed load %d, after %d; want %d", before, after, goodQuads)
	}
	// The store still takes a good load afterwards.
	more := graph.ReaderInput("more.nq", strings.NewReader("<x> <y> <z> .\n"))
	res, err := s.Load(context.Background(), []graph.Input{more}, graph.LoadOptions{})
	if err != nil || res.Added != 1 {
		t.Errorf("load after failure = %+v, %v; want 1 added", res, err)
	}
}
