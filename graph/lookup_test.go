package graph_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// openSmall returns a memory store holding ../testdata/small.nq.
func openSmall(tb testing.TB) *graph.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{Backend: graph.Memory})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	ins, err := graph.Inputs([]string{"../testdata/small.nq"}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestStore_Lookup(t *testing.T) {
	s := openSmall(t)
	tests := []struct {
		name string
		in   string
		want quad.IRI
	}{
		{"IRI", "ICE", "ICE"},
		{"IRI in brackets", "<ICE>", "ICE"},
		{"IRI any case", "uscis", "USCIS"},
		{"path IRI", "person/kika-scott", "person/kika-scott"},
		{"name", "Kika Scott", "person/kika-scott"},
		{"name, odd case and spaces", "  kika   SCOTT ", "person/kika-scott"},
		{"alias", "Justice Department", "DOJ"},
		{"alias any case", "pentagon", "DOD"},
		{"straight apostrophe finds curly", "Pat O'Brien", "person/pat-obrien"},
		{"curly apostrophe", "Pat O\u2019Brien", "person/pat-obrien"},
		{"without U.S.", "Immigration and Customs Enforcement", "ICE"},
		{"without the", "the Drug Enforcement Administration", "DEA"},
		{"source", "src/001", "src/001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Lookup(context.Background(), tc.in)
			if err != nil || got != tc.want {
				t.Errorf("Lookup(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestStore_LookupErrors(t *testing.T) {
	s := openSmall(t)
	tests := []struct {
		name, in, code string
		contains       []string
	}{
		{"unknown, closest by prefix", "Drug Enforcement", graph.ENOTFOUND,
			[]string{`unknown entity "Drug Enforcement"; closest: Drug Enforcement Administration (DEA)`}},
		{"unknown, closest by edit distance", "USCSI", graph.ENOTFOUND,
			[]string{"closest: U.S. Citizenship and Immigration Services (USCIS)"}},
		{"unknown, closest by shared words", "Bureau Prisons Federal", graph.ENOTFOUND,
			[]string{"closest: Federal Bureau of Prisons (BOP)"}},
		{"ambiguous alias", "security service", graph.EINVALID,
			[]string{`ambiguous entity "security service"`, "Defense Counterintelligence and Security Agency (DCSA)", "Diplomatic Security Service (DSS)"}},
		{"injection attempt", `"); g.V().all(); ("`, graph.ENOTFOUND,
			[]string{`unknown entity "\"); g.V().all(); (\""`}},
		{"Assertion nodes are not entities", "st/001-dea-assists-ice", graph.ENOTFOUND, nil},
		{"huge value, cut short", strings.Repeat("ab", 50000), graph.ENOTFOUND,
			[]string{`unknown entity "` + strings.Repeat("ab", 20) + `"… (100000 bytes; no entity name is longer than 256)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Lookup(context.Background(), tc.in)
			if graph.Code(err) != tc.code {
				t.Fatalf("Lookup(%q) = %q, %v; want code %s", tc.in, got, err, tc.code)
			}
			for _, c := range tc.contains {
				if !strings.Contains(err.Error(), c) {
					t.Errorf("error %q does not contain %q", err, c)
				}
			}
		})
	}
}

func TestStore_Suggest(t *testing.T) {
	s := openSmall(t)
	tests := []struct {
		prefix string
		n      int
		want   []quad.IRI
	}{
		{"dep", 10, []quad.IRI{"DOD", "DHS", "DOJ", "DOS"}},   // names start with "Department of"
		{"dep", 2, []quad.IRI{"DOD", "DHS"}},                  // capped
		{"sec", 10, []quad.IRI{"DCSA", "DSS", "DHS", "FDNS"}}, // alias prefix, then a word of the name
		{"kika", 10, []quad.IRI{"person/kika-scott"}},         // IRI and name
		{"zzz", 10, nil},
	}
	for _, tc := range tests {
		got, err := s.Suggest(context.Background(), tc.prefix, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		var iris []quad.IRI
		for _, e := range got {
			iris = append(iris, e.IRI)
		}
		if strings.Join(iriStrings(iris), " ") != strings.Join(iriStrings(tc.want), " ") {
			t.Errorf("Suggest(%q, %d) = %v, want %v", tc.prefix, tc.n, iris, tc.want)
		}
	}
}

func iriStrings(iris []quad.IRI) []string {
	out := make([]string, len(iris))
	for i, v := range iris {
		out[i] = string(v)
	}
	return out
}

func TestStore_EntityAndName(t *testing.T) {
	s := openSmall(t)
	ctx := context.Background()
	e, err := s.Entity(ctx, "USCIS")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "U.S. Citizenship and Immigration Services" || e.Type != "Agency" || strings.Join(e.Aliases, ",") != "CIS,USCIS" {
		t.Errorf("Entity(USCIS) = %+v", e)
	}
	names := []struct {
		v    quad.Value
		want string
	}{
		{quad.IRI("person/kika-scott"), "Kika Scott"},
		{quad.IRI("src/002"), "DHS taps other agencies to help ICE"}, // headline: sources have no name
		{quad.IRI("status/stated"), "status/stated"},                 // nothing names it
		{quad.TypedString{Value: "2025-03-10", Type: "http://www.w3.org/2001/XMLSchema#date"}, "2025-03-10"},
		{quad.Int(600), "600"},
		{quad.String("up to 600"), "up to 600"},
	}
	for _, tc := range names {
		if got := s.Name(ctx, tc.v); got != tc.want {
			t.Errorf("Name(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// Concurrent first lookups share one index build (a name in another case
// needs the index), and a later load drops it.
func TestStore_LookupConcurrentAndInvalidate(t *testing.T) {
	s := openSmall(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if iri, err := s.Lookup(ctx, "kika SCOTT"); err != nil || iri != "person/kika-scott" {
				t.Errorf("Lookup = %q, %v", iri, err)
			}
		}()
	}
	wg.Wait()
	in := graph.ReaderInput("more.nq", strings.NewReader(
		"<person/tom-homan> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Person> .\n"+
			"<person/tom-homan> <http://schema.org/name> \"Tom Homan\" .\n"))
	if _, err := s.Load(ctx, []graph.Input{in}, graph.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if iri, err := s.Lookup(ctx, "tom homan"); err != nil || iri != "person/tom-homan" {
		t.Errorf("after load: Lookup = %q, %v", iri, err)
	}
}
