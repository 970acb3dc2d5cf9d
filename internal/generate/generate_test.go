package generate_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/nquads"
	"github.com/agencygraph/agencygraph/internal/generate"
)

func gen(t *testing.T, n int, seed int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (generate.Generator{Quads: n, Seed: seed}).Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func parse(t *testing.T, data []byte) []quad.Quad {
	t.Helper()
	qs, err := quad.ReadAll(nquads.NewReader(bytes.NewReader(data), "generated.nq", nquads.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func TestGenerator_SizeAndDeterminism(t *testing.T) {
	for _, n := range []int{0, 1, 17, 99, 100, 5_000, 40_000} {
		a, b := gen(t, n, 7), gen(t, n, 7)
		if !bytes.Equal(a, b) {
			t.Errorf("%d quads: two runs with seed 7 differ", n)
		}
		if got := len(parse(t, a)); got != n {
			t.Errorf("asked for %d quads, got %d", n, got)
		}
	}
	if bytes.Equal(gen(t, 5_000, 1), gen(t, 5_000, 2)) {
		t.Error("seeds 1 and 2 give the same graph")
	}
}

const (
	rdfType    = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
	rdfSubject = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
	rdfPred    = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
	rdfObject  = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
	derived    = quad.IRI("http://www.w3.org/ns/prov#wasDerivedFrom")
)

// Every edge in an article's graph has an assertion node in the same graph
// naming its subject, predicate and object, derived from that article, with a
// quote and a status; and every subject in the default graph has a type.
func TestGenerator_FollowsTheEvidenceModel(t *testing.T) {
	qs := parse(t, gen(t, 30_000, 3))
	type triple struct{ s, p, o, g quad.Value }
	props := map[quad.Value]map[quad.Value]quad.Value{} // assertion → predicate → value
	var edges []triple
	typed := map[quad.Value]bool{}
	for _, q := range qs {
		if q.Label == nil {
			if q.Predicate == rdfType {
				typed[q.Subject] = true
			}
			continue
		}
		if props[q.Subject] == nil {
			props[q.Subject] = map[quad.Value]quad.Value{}
		}
		props[q.Subject][q.Predicate] = q.Object
		props[q.Subject][quad.IRI("graph")] = q.Label
	}
	for _, q := range qs {
		if q.Label != nil && props[q.Subject][rdfType] != quad.IRI("Assertion") {
			edges = append(edges, triple{q.Subject, q.Predicate, q.Object, q.Label})
		}
	}
	if len(edges) < 1000 {
		t.Fatalf("only %d edges in 30,000 quads", len(edges))
	}
	type key struct{ s, p, o, g quad.Value }
	evidenced := map[key]bool{}
	for st, p := range props {
		if p[rdfType] != quad.IRI("Assertion") {
			continue
		}
		if p[derived] != p[quad.IRI("graph")] || p[quad.IRI("quote")] == nil || p[quad.IRI("status")] == nil {
			t.Errorf("assertion %v lacks source, quote or status: %v", st, p)
		}
		evidenced[key{p[rdfSubject], p[rdfPred], p[rdfObject], p[quad.IRI("graph")]}] = true
	}
	for _, e := range edges {
		if !evidenced[key(e)] {
			t.Errorf("edge %v has no assertion", e)
		}
		if !typed[e.s] {
			t.Errorf("edge subject %v has no rdf:type", e.s)
		}
	}
}

// Some articles state an agency's size; sources disagree on some figures,
// and some of those disagreements are linked both ways with conflictsWith,
// each link in the graph of the article whose assertion it starts from,
// between assertions of one subject and predicate with different figures.
func TestGenerator_SizesDisagreeAndSomeAreLinked(t *testing.T) {
	const figure = "http://www.w3.org/2001/XMLSchema#integer"
	type stated struct{ s, p, o, g quad.Value }
	assertions := map[quad.Value]*stated{}
	links := map[[2]quad.Value]quad.Value{} // from, to → graph
	for _, q := range parse(t, gen(t, 400_000, 5)) {
		st := assertions[q.Subject]
		if st == nil {
			st = &stated{}
			assertions[q.Subject] = st
		}
		switch q.Predicate {
		case rdfSubject:
			st.s = q.Object
		case rdfPred:
			st.p = q.Object
		case rdfObject:
			st.o, st.g = q.Object, q.Label
		case quad.IRI("conflictsWith"):
			links[[2]quad.Value{q.Subject, q.Object}] = q.Label
		}
	}
	figures := map[[2]quad.Value]map[quad.Value]bool{} // subject, predicate → figures
	for _, st := range assertions {
		if v, ok := st.o.(quad.TypedString); ok && v.Type == figure && (st.p == quad.IRI("employeeCount") || st.p == quad.IRI("fieldOfficeCount")) {
			k := [2]quad.Value{st.s, st.p}
			if figures[k] == nil {
				figures[k] = map[quad.Value]bool{}
			}
			figures[k][st.o] = true
			if n, err := strconv.Atoi(string(v.Value)); err != nil || n < 1 {
				t.Errorf("%v is stated as %q: want a positive whole number", k, v.Value)
			}
		}
	}
	disagree := 0
	for _, f := range figures {
		if len(f) > 1 {
			disagree++
		}
	}
	if len(figures) == 0 || disagree == 0 {
		t.Fatalf("%d sizes stated, %d with differing figures; want some of each", len(figures), disagree)
	}
	if len(links) == 0 {
		t.Fatal("no conflictsWith link")
	}
	for l, g := range links {
		a, b := assertions[l[0]], assertions[l[1]]
		switch {
		case a == nil || b == nil || a.o == nil || b.o == nil:
			t.Errorf("link %v joins something that is not an assertion", l)
		case a.s != b.s || a.p != b.p || a.o == b.o:
			t.Errorf("link %v joins %v and %v: want one subject and predicate, different figures", l, *a, *b)
		case g != a.g:
			t.Errorf("link %v is in graph %v, not its assertion's %v", l, g, a.g)
		}
		if _, ok := links[[2]quad.Value{l[1], l[0]}]; !ok {
			t.Errorf("link %v has no link back", l)
		}
	}
}
