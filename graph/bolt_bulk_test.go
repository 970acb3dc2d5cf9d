package graph_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// bulkQuads returns n statements over a small vocabulary, so that nodes
// repeat across quads, with every kind of term, quads in the default graph
// and in named graphs, and every tenth statement repeated.
func bulkQuads(n, offset int) string {
	var b strings.Builder
	for i := offset; i < offset+n; i++ {
		s, o := fmt.Sprintf("<e/%d>", i%97), fmt.Sprintf("<e/%d>", (i*7)%89)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "%s <assists> %s <src/%d> .\n", s, o, i%13)
		case 1:
			fmt.Fprintf(&b, "%s <http://schema.org/name> \"name %d\"@en .\n", s, i)
		case 2:
			fmt.Fprintf(&b, "%s <headcount> \"%d\"^^<http://www.w3.org/2001/XMLSchema#integer> <src/%d> .\n", s, i, i%13)
		case 3:
			fmt.Fprintf(&b, "_:b%d <quote> \"line %d\\nwith \\\"quotes\\\"\" .\n", i%31, i)
		default:
			fmt.Fprintf(&b, "%s <deputizes> %s .\n", s, o)
		}
		if i%10 == 0 {
			b.WriteString(b.String()[strings.LastIndex(strings.TrimSuffix(b.String(), "\n"), "\n")+1:])
		}
	}
	return b.String()
}

func loadString(t *testing.T, s *graph.Store, name, text string) graph.LoadResult {
	t.Helper()
	res, err := s.Load(context.Background(), []graph.Input{graph.ReaderInput(name, strings.NewReader(text))}, graph.LoadOptions{})
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return res
}

func allQuads(t *testing.T, s *graph.Store) []string {
	t.Helper()
	var out []string
	err := s.EachQuad(context.Background(), func(q quad.Quad) error {
		out = append(out, q.NQuad())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// The Bolt file a bulk load writes must read back, and take further writes
// from Cayley's own writer, exactly as a memory store that was given the same
// loads.
func TestStore_BoltBulkLoadMatchesMemory(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "bulk.bolt")
	bolt := openBolt(t, dbPath)
	defer func() { bolt.Close() }()
	mem := openMemory(t)

	steps := []struct {
		name string
		text string
	}{
		{"first load into an empty store (rebuild)", bulkQuads(3000, 0)},
		{"small load on top (Cayley's writer)", bulkQuads(200, 2900)},
		{"large load on top (rebuild with the old quads)", bulkQuads(5000, 2500)},
	}
	for _, step := range steps {
		rb := loadString(t, bolt, "b.nq", step.text)
		rm := loadString(t, mem, "m.nq", step.text)
		rb.Elapsed, rm.Elapsed = 0, 0
		if rb != rm {
			t.Errorf("%s: bolt load %+v, memory load %+v", step.name, rb, rm)
		}
		if got, want := allQuads(t, bolt), allQuads(t, mem); !slices.Equal(got, want) {
			t.Fatalf("%s: bolt holds %d quads, memory %d; they differ", step.name, len(got), len(want))
		}
	}

	bolt.Close()
	bolt = openBolt(t, dbPath)
	for _, s := range []*graph.Store{bolt, mem} {
		st, err := s.QuadStore().Stats(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(len(allQuads(t, mem))); st.Quads.Size != want {
			t.Errorf("%s: stats say %d quads, want %d", s.Config(), st.Quads.Size, want)
		}
	}
	// Walk both ways through the indexes: e/0 -assists-> ? <-deputizes- ?
	walk := func(s *graph.Store) []string {
		vals, err := path.StartPath(s.QuadStore(), quad.IRI("e/0")).Out(quad.IRI("assists")).In(quad.IRI("deputizes")).Iterate(ctx).AllValues(s.QuadStore())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vals {
			out = append(out, v.String())
		}
		slices.Sort(out)
		return out
	}
	got, want := walk(bolt), walk(mem)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("two-hop walk on bolt = %v, on memory = %v", got, want)
	}
}
