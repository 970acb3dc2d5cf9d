package query_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/quads"
)

// Every saved query gives the same rows in the same order on a memory
// store and on a Bolt store, whichever order the quads were loaded in: the
// bundled dataset's, and pairs of assertions that differ only in status
// (as a generated million-quad graph has three times). Node IDs, and
// so the order in which Cayley's iterators return nodes, follow load
// order: an answer whose rows tie on every key a query sorts by, or that
// keeps the first of several values, would change with it.
func TestSaved_SameAnswerOnEveryStoreAndLoadOrder(t *testing.T) {
	for _, data := range []struct {
		name     string
		lines    []string
		entities []string // for argSets
	}{
		// A committee whose parent edge no source states.
		{"bundled", bundledLines(t), []string{"ICE", "USCIS", "DHS", "CBP", "IRS", "Senate Judiciary Committee"}},
		{"ties", tiedAssertions(), []string{"A", "B", "P"}},
	} {
		t.Run(data.name, func(t *testing.T) { sameAnswers(t, data.lines, data.entities) })
	}
}

func sameAnswers(t *testing.T, lines, entities []string) {
	ctx := context.Background()
	reversed := slices.Clone(lines)
	slices.Reverse(reversed)
	dir := t.TempDir()
	type store struct {
		name string
		r    *query.Runner
	}
	var stores []store
	for _, order := range []struct {
		name  string
		lines []string
	}{{"file order", lines}, {"reversed", reversed}} {
		file := filepath.Join(dir, strings.ReplaceAll(order.name, " ", "-")+".nq")
		if err := os.WriteFile(file, []byte(strings.Join(order.lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cfg := range []graph.Config{
			{Backend: graph.Memory},
			{Backend: graph.Bolt, Address: strings.TrimSuffix(file, ".nq") + ".bolt"},
		} {
			ins, err := graph.Inputs([]string{file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			s := loadedStore(t, cfg, ins)
			stores = append(stores, store{string(cfg.Backend) + ", " + order.name, &query.Runner{Store: s}})
		}
	}

	saved := mustSaved(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range saved {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		for _, args := range argSets(saved[name], entities...) {
			var want []byte
			for i, s := range stores {
				res, err := s.r.Run(ctx, saved[name], args)
				if err != nil {
					t.Fatalf("%s %v on %s: %v", name, args, s.name, err)
				}
				got, err := json.Marshal(res.Rows)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					want = got
					continue
				}
				if string(got) != string(want) {
					t.Errorf("%s %v: %s answers\n%s\n%s answers\n%s", name, args, stores[0].name, want, s.name, got)
				}
			}
		}
	}
}

// tiedAssertions is two agencies, a person and a source, and for each
// relationship a saved query lists two assertions of it from that source
// with the same quote that differ in status, date and figure only.
func tiedAssertions() []string {
	const rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	lines := []string{
		`<A> <` + rdf + `type> <Agency> .`, `<A> <http://schema.org/name> "Alpha Agency" .`,
		`<B> <` + rdf + `type> <Agency> .`, `<B> <http://schema.org/name> "Beta Agency" .`,
		`<P> <` + rdf + `type> <http://schema.org/Person> .`, `<P> <http://schema.org/name> "Pat Doe" .`,
		`<src/x> <` + rdf + `type> <Article> .`, `<src/x> <http://schema.org/headline> "Headline" .`,
		`<src/x> <http://schema.org/datePublished> "2025-05-01"^^<http://www.w3.org/2001/XMLSchema#date> .`,
	}
	for _, rel := range [][3]string{
		{"A", "assists", "B"}, {"A", "detailsStaffTo", "B"}, {"A", "deputizes", "B"},
		{"A", "providesFacilityTo", "B"}, {"A", "grantsAuthorityTo", "B"},
		{"P", "http://www.w3.org/ns/org#headOf", "A"},
	} {
		s, p, o := "<"+rel[0]+">", "<"+rel[1]+">", "<"+rel[2]+">"
		lines = append(lines, s+" "+p+" "+o+" <src/x> .")
		for i, status := range []string{"stated", "alleged"} {
			st := fmt.Sprintf("<st/%s-%d>", rel[1][strings.LastIndex(rel[1], "#")+1:], i)
			lines = append(lines,
				st+" <"+rdf+"type> <Assertion> <src/x> .",
				st+" <"+rdf+"subject> "+s+" <src/x> .",
				st+" <"+rdf+"predicate> "+p+" <src/x> .",
				st+" <"+rdf+"object> "+o+" <src/x> .",
				st+" <http://www.w3.org/ns/prov#wasDerivedFrom> <src/x> <src/x> .",
				st+` <quote> "The same sentence." <src/x> .`,
				st+" <status> <status/"+status+"> <src/x> .",
				st+fmt.Sprintf(` <figure> "%d officers" <src/x> .`, 10*(i+1)),
				st+fmt.Sprintf(` <dateText> "in %s" <src/x> .`, []string{"May", "June"}[i]),
			)
		}
	}
	return lines
}

// argSets are the arguments a saved query is run with here: for its first
// entity parameter each of entities, and for its second, if it has one,
// the entity after it in the list (the first after the last).
func argSets(q *query.Saved, entities ...string) []map[string]string {
	var params []string
	for _, p := range q.Params {
		if p.Kind == "entity" {
			params = append(params, p.Name)
		}
	}
	if len(params) == 0 {
		return []map[string]string{nil}
	}
	var sets []map[string]string
	for i, e := range entities {
		args := map[string]string{params[0]: e}
		if len(params) > 1 {
			args[params[1]] = entities[(i+1)%len(entities)]
		}
		sets = append(sets, args)
	}
	return sets
}

// bundledLines is every line of the bundled dataset's N-Quads files.
func bundledLines(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(quads.FS, "*.nq")
	if err != nil || len(files) == 0 {
		t.Fatalf("bundled N-Quads files: %v, %v", files, err)
	}
	var lines []string
	for _, f := range files {
		b, err := fs.ReadFile(quads.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(b)), "\n")...)
	}
	return lines
}
