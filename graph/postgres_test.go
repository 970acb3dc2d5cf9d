package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/generate"
	"github.com/agencygraph/agencygraph/quads"
)

func openPostgres(t testing.TB, url string) *graph.Store {
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

// A load into PostgreSQL by COPY leaves the tables as Cayley's own writer
// leaves them for the same quads: the same nodes with the same reference
// counts and values, the same quads in the same order, and the same
// indexes and foreign keys, whether the load rebuilt the quads table's
// indexes (an empty store) or wrote into them (a load small next to the
// store). Quads the store holds, and repeats within a load, are skipped
// and counted once.
func TestPostgres_BulkLoadMatchesCayleysWriter(t *testing.T) {
	ctx := context.Background()
	bulkURL, writerURL := graphtest.PostgresDB(t), graphtest.PostgresDB(t)
	bulk := openPostgres(t, bulkURL)
	defer bulk.Close()
	ins, err := graph.FSInputs(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	res, err := bulk.Load(ctx, ins, graph.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// One quad the store holds, one new quad twice, one new node.
	more := `<ICE> <http://www.w3.org/2004/02/skos/core#altLabel> "Immigration and Customs Enforcement" .
<ICE> <partnersWith> <New_Node> .
<ICE> <partnersWith> <New_Node> .
<USCIS> <fieldOfficeCount> "88"^^<http://www.w3.org/2001/XMLSchema#integer> <src/test> .
`
	if got := loadString(t, bulk, "more.nq", more); got.Added != 2 || got.Duplicates != 2 {
		t.Errorf("second load = %+v, want 2 added and 2 duplicates", got)
	}

	// The same quads through Cayley's writer, each once: it counts a
	// skipped duplicate among a node's references.
	mem := openMemory(t)
	if _, err := mem.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	var first []quad.Quad
	if err := mem.EachQuad(ctx, func(q quad.Quad) error { first = append(first, q); return nil }); err != nil {
		t.Fatal(err)
	}
	if int64(len(first)) != res.Added {
		t.Fatalf("memory holds %d quads, the bulk load added %d", len(first), res.Added)
	}
	writer := openPostgres(t, writerURL)
	defer writer.Close()
	if err := writer.Add(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := writer.Add(ctx, []quad.Quad{
		quad.Make(quad.IRI("ICE"), quad.IRI("partnersWith"), quad.IRI("New_Node"), nil),
		quad.Make(quad.IRI("USCIS"), quad.IRI("fieldOfficeCount"), quad.TypedString{Value: "88", Type: "http://www.w3.org/2001/XMLSchema#integer"}, quad.IRI("src/test")),
	}); err != nil {
		t.Fatal(err)
	}

	got, want := pgDump(t, bulkURL), pgDump(t, writerURL)
	for _, part := range []string{"nodes", "quads", "schema"} {
		if g, w := got[part], want[part]; !slices.Equal(g, w) {
			t.Errorf("%s after the bulk load (%d rows) differ from Cayley's writer's (%d rows); first difference:\n%s", part, len(g), len(w), firstDiff(g, w))
		}
	}
	if len(got["quads"]) != int(res.Added)+2 {
		t.Errorf("%d quads in the table, want %d", len(got["quads"]), res.Added+2)
	}
}

// A bulk load that fails in the database leaves the tables, their indexes
// and foreign keys as they were. Here it fails late, after it has dropped
// the quads table's indexes: a check on the nodes table (a rule a database
// administrator might add) refuses one of its values.
func TestPostgres_BulkLoadFailureLosesNothing(t *testing.T) {
	ctx := context.Background()
	url := graphtest.PostgresDB(t)
	s := openPostgres(t, url)
	defer s.Close()
	if _, err := load(t, s, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `ALTER TABLE nodes ADD CONSTRAINT no_refusal CHECK (value_string IS DISTINCT FROM 'refused')`); err != nil {
		t.Fatal(err)
	}
	before := pgDump(t, url)

	// Much larger than the store: the load drops the quads table's indexes.
	var b strings.Builder
	for i := range 1_000 {
		fmt.Fprintf(&b, "<n%d> <http://schema.org/name> \"v%d\" .\n", i, i)
	}
	b.WriteString("<n> <http://schema.org/name> \"refused\" .\n")
	_, err = s.Load(ctx, []graph.Input{graph.ReaderInput("big.nq", strings.NewReader(b.String()))}, graph.LoadOptions{})
	// "merge": the indexes were dropped by then.
	if err == nil || !strings.Contains(err.Error(), "merge into the store: ") || !strings.Contains(err.Error(), "no_refusal") {
		t.Fatalf("load of a refused value: err = %v, want the check's refusal while merging", err)
	}
	after := pgDump(t, url)
	for _, part := range []string{"nodes", "quads", "schema"} {
		if !slices.Equal(after[part], before[part]) {
			t.Errorf("%s changed by a failed load; first difference:\n%s", part, firstDiff(after[part], before[part]))
		}
	}
	if got := loadString(t, s, "next.nq", "<x> <y> <z> .\n"); got.Added != 1 {
		t.Errorf("load after the failure = %+v, want 1 added", got)
	}
}

// pgDump reads a database's nodes (by hash), quads (in the order they were
// added) and the quads and nodes tables' indexes and constraints, each row
// as text.
func pgDump(t *testing.T, url string) map[string][]string {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	queries := map[string]string{
		"nodes": `SELECT concat_ws(' ', encode(hash, 'hex'), refs, encode(value, 'hex'), value_string, datatype, language,
			iri, bnode, value_int, value_bool, value_float, value_time) FROM nodes ORDER BY hash`,
		"quads": `SELECT concat_ws(' ', encode(subject_hash, 'hex'), encode(predicate_hash, 'hex'),
			encode(object_hash, 'hex'), encode(label_hash, 'hex')) FROM quads ORDER BY horizon`,
		"schema": `SELECT indexdef FROM pg_indexes WHERE tablename IN ('nodes', 'quads')
			UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid IN ('nodes'::regclass, 'quads'::regclass) ORDER BY 1`,
	}
	out := map[string][]string{}
	for part, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[part] = append(out[part], s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q\n  vs %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%d rows vs %d", len(a), len(b))
}

// BenchmarkPostgres_Load loads 20,000 generated quads into a new
// PostgreSQL database per iteration, by this package's COPY load and by
// Cayley's own writer (ApplyDeltas, as `cayley load` does), in one run:
//
//	source .ci/postgres.sh && pg_start
//	go test ./graph -run '^$' -bench Postgres_Load -benchtime 3x
func BenchmarkPostgres_Load(b *testing.B) {
	ctx := context.Background()
	var text strings.Builder
	if err := (generate.Generator{Quads: 20_000, Seed: 1}).Write(&text); err != nil {
		b.Fatal(err)
	}
	mem := openMemory(b)
	if _, err := mem.Load(ctx, []graph.Input{graph.ReaderInput("g.nq", strings.NewReader(text.String()))}, graph.LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	var all []quad.Quad
	if err := mem.EachQuad(ctx, func(q quad.Quad) error { all = append(all, q); return nil }); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		load func(s *graph.Store) error
	}{
		{"copy", func(s *graph.Store) error {
			_, err := s.Load(ctx, []graph.Input{graph.ReaderInput("g.nq", strings.NewReader(text.String()))}, graph.LoadOptions{})
			return err
		}},
		{"cayley-writer", func(s *graph.Store) error {
			return s.Add(ctx, all)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := openPostgres(b, graphtest.PostgresDB(b))
				b.StartTimer()
				if err := bc.load(s); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
			}
			b.ReportMetric(float64(len(all))*float64(b.N)/b.Elapsed().Seconds(), "quads/s")
		})
	}
}

// BatchReads names PostgreSQL nodes of every kind as Cayley's NameOf does,
// in batches (here past one query's thousand), a ref given twice twice,
// and a ref naming nothing as nil.
func TestPostgres_BatchReadsNamesAsCayley(t *testing.T) {
	ctx := context.Background()
	s := openPostgres(t, graphtest.PostgresDB(t))
	defer s.Close()
	values := []quad.Value{
		quad.IRI("a"), quad.BNode("b1"), quad.String("plain"), quad.String("nul\x00byte and \\x00"),
		quad.LangString{Value: "hola", Lang: "es"},
		quad.TypedString{Value: "5", Type: "http://www.w3.org/2001/XMLSchema#integer"},
		quad.Int(42), quad.Bool(true), quad.Float(2.5), quad.Time(time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)),
	}
	var quads []quad.Quad
	for i, v := range values {
		quads = append(quads, quad.Make(quad.IRI(fmt.Sprintf("s%d", i)), quad.IRI("p"), v, nil))
	}
	if err := s.Add(ctx, quads); err != nil {
		t.Fatal(err)
	}
	qs := s.QuadStore()
	var refs []cgraph.Ref
	for range 150 {
		for _, v := range values {
			refs = append(refs, qs.ValueOf(v))
		}
	}
	refs = append(refs, qs.ValueOf(quad.IRI("missing")), nil)
	reads := s.BatchReads()
	if reads == nil {
		t.Fatal("no batch reader on PostgreSQL")
	}
	got, err := reads.Names(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(refs) {
		t.Fatalf("%d values for %d refs", len(got), len(refs))
	}
	for i, r := range refs {
		var want quad.Value
		if r != nil {
			want = qs.NameOf(r)
		}
		if quad.StringOf(got[i]) != quad.StringOf(want) {
			t.Errorf("ref %d: batch %#v, Cayley's NameOf %#v", i, got[i], want)
		}
	}
	if got[0] != quad.IRI("a") || got[len(got)-2] != nil {
		t.Errorf("batch named %v first and %v for a missing node", got[0], got[len(got)-2])
	}
}

// A reader opening a database that holds no store is told so and leaves
// the database as it found it; a writer creates the store.
func TestPostgres_ReadOnlyOpenCreatesNothing(t *testing.T) {
	url := graphtest.PostgresDB(t)
	cfg := graph.ParseDB(url)
	cfg.ReadOnly = true
	_, err := graph.Open(context.Background(), cfg)
	if graph.Code(err) != graph.ENOTFOUND || !strings.Contains(err.Error(), "no store in") {
		t.Fatalf("read-only open of an empty database: %v, want %s saying there is no store", err, graph.ENOTFOUND)
	}
	if tables := pgTables(t, url); len(tables) != 0 {
		t.Fatalf("read-only open left tables %v", tables)
	}
	s := openPostgres(t, url)
	s.Close()
	if tables := pgTables(t, url); !slices.Equal(tables, []string{"nodes", "quads"}) {
		t.Fatalf("after a writer's open the database holds tables %v, want nodes and quads", tables)
	}
	s, err = graph.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("read-only open of a store: %v", err)
	}
	s.Close()
}

// pgTables lists the tables of the database at url, sorted.
func pgTables(t *testing.T, url string) []string {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// A failed open is reported once, by the error Open returns, with the
// password masked: Cayley's own log line of it, which printed the URL as
// given, is not written. (Needs no server: nothing listens on port 1.)
func TestPostgres_FailedOpenHidesPassword(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	const url = "postgres://agencygraph:s3cret@127.0.0.1:1/nosuch?sslmode=disable"
	for _, readOnly := range []bool{false, true} {
		cfg := graph.ParseDB(url)
		cfg.ReadOnly = readOnly
		_, err := graph.Open(context.Background(), cfg)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "agencygraph:***@127.0.0.1:1") {
			t.Errorf("open (read-only %v) of a server that is not there: %v, want an error naming the address, password masked", readOnly, err)
		}
	}
	if logged.Len() > 0 {
		t.Errorf("open logged %q", logged.String())
	}
}
