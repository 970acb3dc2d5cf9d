package generate_test

import (
	"bytes"
	"errors"
	"io"
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
	r := nquads.NewReader(bytes.NewReader(data), "generated.nq", nquads.Options{})
	var qs []quad.Quad
	for {
		q, err := r.ReadQuad()
		if errors.Is(err, io.EOF) {
			return qs
		}
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
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
