package query_test

import (
	"context"
	"encoding/json"
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
// store and on a Bolt store, whichever order the bundled dataset's quads
// were loaded in. Node IDs, and so the order in which Cayley's iterators
// return nodes, follow load order: an answer whose rows tie on every key a
// query sorts by, or that keeps the first of several values, would change
// with it.
func TestSaved_SameAnswerOnEveryStoreAndLoadOrder(t *testing.T) {
	ctx := context.Background()
	lines := bundledLines(t)
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
			s, err := graph.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			ins, err := graph.Inputs([]string{file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
				t.Fatal(err)
			}
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
		for _, args := range argSets(saved[name]) {
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

// argSets are the arguments a saved query is run with here: for its first
// entity parameter each of a few agencies with many links, and a committee
// whose parent edge no source states; for its second, if it has one,
// another agency.
func argSets(q *query.Saved) []map[string]string {
	var entities []string
	for _, p := range q.Params {
		if p.Kind == "entity" {
			entities = append(entities, p.Name)
		}
	}
	if len(entities) == 0 {
		return []map[string]string{nil}
	}
	var sets []map[string]string
	for _, e := range []string{"ICE", "USCIS", "DHS", "CBP", "IRS", "Senate Judiciary Committee"} {
		args := map[string]string{entities[0]: e}
		if len(entities) > 1 {
			args[entities[1]] = "ICE"
			if e == "ICE" {
				args[entities[1]] = "DHS"
			}
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
