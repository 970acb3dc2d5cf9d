package query_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/quads"
	"github.com/agencygraph/agencygraph/queries"
)

// Every saved query answers the same on PostgreSQL as on a memory store
// holding the same bundled dataset, rows in the same order, for each of
// the arguments argSets gives it (a committee among them whose parent edge
// no source states).
func TestSaved_PostgresMatchesMemory(t *testing.T) {
	ctx := context.Background()
	pg, mem := bundledOnPostgresAndMemory(t)
	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(saved))
	for name := range saved {
		names = append(names, name)
	}
	slices.Sort(names)
	answered := 0
	for _, name := range names {
		q := saved[name]
		t.Run(name, func(t *testing.T) {
			found := false
			for _, args := range argSets(q, "ICE", "USCIS", "DHS", "CBP", "IRS", "Senate Judiciary Committee") {
				want, err := mem.Run(ctx, q, args)
				if err != nil {
					t.Fatalf("memory: %v", err)
				}
				got, err := pg.Run(ctx, q, args)
				if err != nil {
					t.Fatalf("postgres: %v", err)
				}
				if g, w := rowsJSON(t, got), rowsJSON(t, want); !slices.Equal(g, w) {
					t.Errorf("%s %v on postgres: %d rows\n%v\non memory: %d rows\n%v", name, args, len(g), g, len(w), w)
				}
				found = found || len(want.Rows) > 0
			}
			if found {
				answered++
			}
		})
	}
	if answered < len(names)/2 {
		t.Errorf("only %d of %d saved queries found anything on the bundled dataset: the comparison is hollow", answered, len(names))
	}
}

// ToArray and TagArray, which name their results in batches on
// PostgreSQL, give what they give on a memory store holding the same
// dataset (as sets: raw Gizmo does not sort), and stop at their limit.
func TestGizmo_PostgresArraysMatchMemory(t *testing.T) {
	ctx := context.Background()
	pg, mem := bundledOnPostgresAndMemory(t)
	runners := map[string]*query.Runner{"postgres": pg, "memory": mem}
	const typ, subject = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"
	const subOf = "<http://www.w3.org/ns/org#subOrganizationOf>"
	for _, c := range []struct {
		src  string
		want int // rows; 0: as many as memory gives, at least one
	}{
		// Hundreds of results, and 4,176 rows: past one batch (4,096).
		{`g.Emit(g.V("<Assertion>").In("` + typ + `").ToArray())`, 0},
		{`g.Emit(g.V("<Assertion>").In("` + typ + `").Tag("st").Out("` + subject + `").TagArray())`, 0},
		{`g.Emit(g.V("<Assertion>").In("` + typ + `").Tag("st").Out().Tag("o").TagArray())`, 0},
		// Hops from several nodes, or from tagged ones, which the
		// PostgreSQL planner splits into one query per node (and per
		// predicate): nodes given twice, a node the store lacks, a
		// tagged list of predicates, two tagged hops in a row.
		{`g.Emit(g.V("<ICE>", "<USCIS>", "<DHS>").Tag("t").In().TagArray())`, 0},
		{`g.Emit(g.V("<ICE>", "<ICE>", "<USCIS>").Tag("t").Out("` + subOf + `").TagArray())`, 0},
		{`g.Emit(g.V("<ICE>", "<no-such-node>").Tag("t").Out().TagArray())`, 0},
		{`g.Emit(g.V("<ICE>", "<USCIS>").Tag("t").Out(["` + subOf + `", "<assists>", "` + typ + `"], "p").TagArray())`, 0},
		{`g.Emit(g.V("<ICE>", "<USCIS>").Out(["` + subOf + `", "` + typ + `"]).ToArray())`, 0},
		{`g.Emit(g.V("<ICE>", "<DHS>").Tag("a").In("` + subOf + `").Tag("b").In("` + subOf + `").TagArray())`, 0},
		{`g.Emit([g.V("<ICE>", "<USCIS>", "<ICE>").In().Count()])`, 1},
		{`g.Emit(g.V("<Assertion>").In("` + typ + `").ToArray(3))`, 3},
		{`g.Emit(g.V("<Assertion>").In("` + typ + `").Tag("st").Out("` + subject + `").TagArray(2))`, 2},
	} {
		var answers [2][]string
		for i, name := range []string{"memory", "postgres"} {
			res, err := runners[name].Gizmo(ctx, c.src, nil)
			if err != nil {
				t.Fatalf("%s on %s: %v", c.src, name, err)
			}
			if len(res) != 1 {
				t.Fatalf("%s on %s: %d results, want one emitted list", c.src, name, len(res))
			}
			// A list of rows comes back as whatever Go type the session made.
			var list []json.RawMessage
			b, _ := json.Marshal(res[0])
			if err := json.Unmarshal(b, &list); err != nil {
				t.Fatalf("%s on %s: %v: %s", c.src, name, err, b)
			}
			for _, v := range list {
				answers[i] = append(answers[i], string(v))
			}
			slices.Sort(answers[i])
		}
		mem, pg := answers[0], answers[1]
		switch {
		case c.want > 0 && (len(pg) != c.want || len(mem) != c.want):
			t.Errorf("%s: %d rows on postgres, %d on memory, want %d", c.src, len(pg), len(mem), c.want)
		case c.want == 0 && (len(mem) == 0 || !slices.Equal(pg, mem)):
			t.Errorf("%s: postgres gives %d rows, memory %d; first difference:\n%s", c.src, len(pg), len(mem), firstDifference(pg, mem))
		}
	}
}

func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\n  vs " + b[i]
		}
	}
	return "one is a prefix of the other"
}

// bundledOnPostgresAndMemory is a runner on a new PostgreSQL database and
// one on a memory store, both holding the bundled dataset.
func bundledOnPostgresAndMemory(t *testing.T) (pg, mem *query.Runner) {
	t.Helper()
	open := func(cfg graph.Config) *query.Runner {
		ins, err := graph.FSInputs(quads.FS)
		if err != nil {
			t.Fatal(err)
		}
		return &query.Runner{Store: loadedStore(t, cfg, ins), Timeout: 30 * time.Second}
	}
	return open(graph.ParseDB(graphtest.PostgresDB(t))), open(graph.Config{Backend: graph.Memory})
}

// rowsJSON is a result's rows as JSON, in order.
func rowsJSON(t *testing.T, res *query.Result) []string {
	t.Helper()
	return jsonEach(t, res.Rows)
}

// jsonEach is each of vs as JSON, in order.
func jsonEach[T any](t *testing.T, vs []T) []string {
	t.Helper()
	var out []string
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// A path that starts at nodes the store does not hold gives on PostgreSQL
// what it gives in memory: nothing for them. Cayley's SQL store gives any
// value a ref without looking it up, and g.V("<no-such-node>") gave a row
// with no id there, and a count of one.
func TestGizmo_PostgresUnknownNodesMatchMemory(t *testing.T) {
	pg, mem := bundledOnPostgresAndMemory(t)
	for _, src := range []string{
		`g.V("<no-such-node>").All()`,
		`g.V("<no-such-node>", "<also-not-here>").All()`,
		`g.V("<ICE>", "<no-such-node>").All()`,
		`g.Emit(g.V("<no-such-node>").Count())`,
		`g.Emit(g.V("<no-such-node>", "<ICE>").Count())`,
		`g.Emit(g.V("<no-such-node>").ToArray())`,
		`g.V("<no-such-node>").Out().All()`,
	} {
		answers := answersJSON(t, src, mem, pg)
		if answers[0] != answers[1] {
			t.Errorf("%s: postgres gives %s, memory %s", src, answers[1], answers[0])
		}
	}
}

// PropertyMap and InCounts, which read their nodes' links (or count them)
// a thousand nodes to a query on PostgreSQL, give what they give in memory,
// each property's values in the same order: over every node of the bundled
// dataset (3,494, four batches; 207 properties have several values), and
// over nodes given twice or not held by the store.
func TestGizmo_PostgresBatchReadsMatchMemory(t *testing.T) {
	pg, mem := bundledOnPostgresAndMemory(t)
	for _, src := range []string{
		`g.Emit(g.V().PropertyMap())`,
		`g.Emit(g.V("<ICE>", "<USCIS>", "<ICE>").PropertyMap())`,
		`g.Emit(g.V("<ICE>", "<no-such-node>").PropertyMap())`,
		`g.Emit(g.V("<Assertion>").In("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>").PropertyMap())`,
		`g.Emit(g.V().InCounts("<http://www.w3.org/ns/prov#wasDerivedFrom>"))`,
		`g.Emit(g.V().InCounts())`,
		`g.Emit(g.V("<ICE>", "<USCIS>", "<ICE>").InCounts(["<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"]))`,
		`g.Emit(g.V("<ICE>", "<no-such-node>").InCounts("<no-such-predicate>"))`,
	} {
		answers := answersJSON(t, src, mem, pg)
		if len(answers[0]) < 20 || answers[0] != answers[1] { // 20: at least one node
			t.Errorf("%s: postgres gives %d bytes, memory %d:\n%.300s\n  vs\n%.300s", src, len(answers[1]), len(answers[0]), answers[1], answers[0])
		}
	}
}

// answersJSON is the answer of each runner to the Gizmo script src, as
// one JSON list each.
func answersJSON(t *testing.T, src string, runners ...*query.Runner) []string {
	t.Helper()
	var out []string
	for _, r := range runners {
		out = append(out, "["+strings.Join(gizmoRows(t, r, src), ",")+"]")
	}
	return out
}

// gizmoRows is r's answer to the Gizmo script src, each result as JSON.
func gizmoRows(t *testing.T, r *query.Runner, src string) []string {
	t.Helper()
	res, err := r.Gizmo(context.Background(), src, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return jsonEach(t, res)
}

// Gizmo shapes give on PostgreSQL what they give in memory (rows compared
// as sets: raw Gizmo does not sort): hops from one node, several and
// tagged ones (which the PostgreSQL planner splits), Both, Has, HasR,
// Save, SaveR, SaveOpt, Unique, And, Or, Except, Follow, FollowRecursive,
// Back, Is, Labels, LabelContext, Filter (literal() too), counts and
// arrays.
func TestGizmo_PostgresShapesMatchMemory(t *testing.T) {
	pg, mem := bundledOnPostgresAndMemory(t)
	const (
		typ     = `"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"`
		subject = `"<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"`
		object  = `"<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"`
		subOf   = `"<http://www.w3.org/ns/org#subOrganizationOf>"`
		name    = `"<http://schema.org/name>"`
		alias   = `"<http://www.w3.org/2004/02/skos/core#altLabel>"`
		sts     = `var sts = g.V("<Assertion>").In(` + typ + `).ToArray(); `
	)
	for _, src := range []string{
		`g.V("<ICE>").In(` + subOf + `).All()`,
		`g.V("<ICE>", "<USCIS>").In(` + subOf + `).All()`,
		`g.V("<ICE>", "<USCIS>").Tag("t").In(` + subOf + `).All()`,
		`g.V("<ICE>").Tag("t").Out().All()`,
		`g.V("<ICE>").Out(null, "p").All()`,
		`g.V("<ICE>", "<DHS>").Out(null, "p").All()`,
		`g.V("<ICE>", "<DHS>").Tag("n").Out([` + subOf + `, "<assists>"], "p").All()`,
		`g.V("<ICE>").Both().All()`,
		`g.V("<ICE>", "<USCIS>").Both(` + subOf + `).All()`,
		`g.V("<ICE>", "<USCIS>", "<DHS>").Tag("x").Both(` + subOf + `).All()`,
		`g.V().Has(` + typ + `, "<Agency>").All()`,
		`g.Emit(g.V().Has(` + typ + `, "<Agency>").Count())`,
		`g.V().Has("<fieldOfficeCount>", 20).All()`,
		`g.V().Has("<acting>", true).All()`,
		`g.V(20, 25).In(` + object + `).All()`,
		`g.V("<ICE>", "<DHS>").HasR(` + subOf + `).All()`,
		`g.V("<ICE>", "<USCIS>").Has(` + subOf + `, "<DHS>").All()`,
		`g.V("<ICE>", "<USCIS>").Tag("a").Has(` + subOf + `, "<DHS>").All()`,
		`g.V("<ICE>", "<USCIS>", "<DHS>", "<no-such-node>").Has(` + typ + `, "<Agency>").All()`,
		`g.V("<ICE>", "<ICE>", "<USCIS>").Has(` + subOf + `, "<DHS>").All()`,
		`g.Emit(g.V("<ICE>", "<USCIS>", "<DHS>").Has(` + typ + `, "<Agency>").Count())`,
		`g.V("<ICE>", "<USCIS>").Save(` + subOf + `, "parent").All()`,
		`g.V("<ICE>", "<USCIS>").SaveR(` + subOf + `, "child").All()`,
		`g.V("<ICE>", "<USCIS>").SaveOpt(` + alias + `, "alias").All()`,
		`g.V("<ICE>", "<USCIS>").In(` + subOf + `).Unique().All()`,
		`g.V("<ICE>", "<USCIS>", "<DHS>").Tag("s").In(` + subOf + `).Tag("u").In(` + subOf + `).All()`,
		`g.V("<ICE>", "<DHS>").In(` + subOf + `).And(g.V("<ICE>").In(` + subOf + `)).All()`,
		`g.V("<ICE>", "<DHS>").In(` + subOf + `).Or(g.V("<USCIS>").In(` + subOf + `)).All()`,
		`g.V("<ICE>", "<DHS>").In(` + subOf + `).Except(g.V("<ICE>").In(` + subOf + `)).All()`,
		`g.V("<ICE>", "<USCIS>").Follow(g.M().Out(` + subOf + `).Out(` + name + `)).All()`,
		`g.V("<ICE>", "<USCIS>").FollowRecursive(` + subOf + `).All()`,
		`g.V("<ICE>", "<USCIS>").Tag("x").Out(` + name + `).Back("x").All()`,
		`g.V("<ICE>", "<USCIS>").Tag("x").Out(` + subOf + `).Is("<DHS>").All()`,
		`g.V("<ICE>", "<USCIS>").Labels().All()`,
		`g.V("<ICE>", "<USCIS>").In(` + object + `).Out("<status>").Filter(regex("stat", true)).All()`,
		`g.Emit(g.V("<ICE>", "<USCIS>").In(` + object + `).Count())`,
		`g.Emit(g.V("<ICE>", "<USCIS>").Tag("t").In(` + object + `).Count())`,
		`g.Emit(g.V("<ICE>", "<USCIS>").In([` + object + `, ` + subject + `]).ToArray())`,
		`g.Emit(g.V("<ICE>", "<USCIS>").Tag("t").In(` + object + `).TagArray())`,
		`g.V("<Agency>").In(` + typ + `).Tag("a").Out(` + name + `).All()`,
		`g.V("<ICE>", "<USCIS>").LabelContext("<src/federalregister>").In().All()`,
		`g.Emit(g.V("<ICE>", "<USCIS>").In(` + object + `).Has("<status>").Count())`,
		// Hops from hundreds of nodes, which the planner reads as one
		// query of the predicate's quads, checked against the nodes.
		sts + `g.V.apply(g, sts).Out("<status>").All()`,
		sts + `g.V.apply(g, sts).Tag("st").Out("<status>").All()`,
		sts + `g.V.apply(g, sts).Tag("st").Out("<quote>", "p").All()`,
		sts + `g.V.apply(g, sts.concat(sts.slice(0, 20))).Tag("st").Out("<status>").All()`,
		sts + `g.Emit(g.V.apply(g, sts).Tag("st").Out(` + subject + `).TagArray())`,
		sts + `g.V.apply(g, g.V.apply(g, sts).Out(` + object + `).ToArray()).Tag("o").In(` + object + `).All()`,
		// A join checking a hop from a few tagged nodes (planned as one
		// hop per node) answers a path through each node, not the first.
		sts + `g.V.apply(g, sts.slice(0, 10)).Tag("a").Out("<status>").And(g.V.apply(g, sts.slice(10, 20)).Tag("b").Out("<status>")).All()`,
		// Filters over anything but every node, their values named in batches.
		`g.V("<Assertion>").In(` + typ + `).Tag("st").Out(` + object + `).Filter(literal()).All()`,
		sts + `g.V.apply(g, sts).Tag("st").Out("<quote>").Filter(regex("ICE")).All()`,
	} {
		var rows [2][]string
		for i, r := range []*query.Runner{mem, pg} {
			rows[i] = gizmoRows(t, r, src)
			slices.Sort(rows[i])
		}
		if len(rows[0]) == 0 || !slices.Equal(rows[0], rows[1]) {
			t.Errorf("%s: postgres gives %d rows, memory %d; first difference:\n%s", src, len(rows[1]), len(rows[0]), firstDifference(rows[1], rows[0]))
		}
	}
}

// A read-only command on PostgreSQL connects at most twice: once for
// Cayley's store, and once more while one of its scans holds the first. It
// creates no schema (which took a connection of its own) and its batch
// reads share the store's connections (they had a pool of their own): four
// connections a command before. The server counts them
// (pg_stat_database.sessions), for every saved query, each run from a store
// opened as a command opens it.
func TestSaved_PostgresReadOnlyConnectsAtMostTwice(t *testing.T) {
	ctx := context.Background()
	dbURL := graphtest.PostgresDB(t)
	ins, err := graph.FSInputs(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	loadedStore(t, graph.ParseDB(dbURL), ins).Close()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("postgres", os.Getenv(graphtest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	sessions := func() int64 { return quietSessions(t, admin, strings.TrimPrefix(u.Path, "/")) }

	saved := mustSaved(t)
	for _, name := range slices.Sorted(maps.Keys(saved)) {
		before := sessions()
		cfg := graph.ParseDB(dbURL)
		cfg.ReadOnly, cfg.OneQuery = true, true
		s, err := graph.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r := &query.Runner{Store: s, Timeout: 30 * time.Second}
		res, err := r.Run(ctx, saved[name], argSets(saved[name], "ICE", "IRS")[0])
		s.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := sessions() - before; n > 2 || n < 1 {
			t.Errorf("%s (%d rows) connected %d times, want 1 or 2", name, len(res.Rows), n)
		}
	}
}

// quietSessions waits until no client is connected to the database db, then
// returns how many sessions the server has counted on it: a connection's
// backend may still be on its way out when the client has closed it.
func quietSessions(t *testing.T, admin *sql.DB, db string) int64 {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var busy, n int64
		err := admin.QueryRow(`SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'),
			(SELECT sessions FROM pg_stat_database WHERE datname = $1)`, db).Scan(&busy, &n)
		if err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections to %s still open after 10 s", busy, db)
		}
	}
}
