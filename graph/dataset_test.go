package graph_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/quads"
)

// These tests load the bundled dataset (quads.FS) into a memory store and
// walk it through Cayley paths, as the saved queries do: an agency's
// helpers, a person's post, a quote's source, a kept disagreement, and the
// rule that every relationship edge is backed by quoted evidence. They check
// facts the articles state (quads/README.md), so a change to the data that
// loses one fails here.
//
//	<IRS-CI> --assists--> <ICE>               edge, graph <src/001>
//	<st/001-irs-ci-assists-ice> --rdf:subject--> <IRS-CI>
//	                            --rdf:predicate--> <assists>
//	                            --rdf:object--> <ICE>
//	                            --prov:wasDerivedFrom--> <src/001> --schema:identifier--> "001_….txt"
//	                            --quote--> "The transfer got here after …"

const classArticle = quad.IRI("Article")

// openDataset loads quads.FS into a fresh memory store.
func openDataset(t *testing.T) cgraph.QuadStore {
	t.Helper()
	s := openMemory(t)
	ins, err := graph.FSInputs(quads.FS)
	if err != nil {
		t.Fatalf("dataset inputs: %v", err)
	}
	if len(ins) == 0 {
		t.Fatal("quads.FS holds no .nq files")
	}
	if _, err := s.Load(context.Background(), ins, graph.LoadOptions{}); err != nil {
		t.Fatalf("load dataset: %v", err)
	}
	return s.QuadStore() // only after Load, which may replace it
}

// values runs p and returns its results.
func values(t *testing.T, qs cgraph.QuadStore, p *path.Path) []quad.Value {
	t.Helper()
	vs, err := p.Iterate(context.Background()).AllValues(qs)
	if err != nil {
		t.Fatalf("iterate: %v", err)
	}
	return vs
}

// lexical returns a literal's text (a typed literal without its datatype),
// or an IRI as <iri>.
func lexical(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.TypedString:
		return string(v.Value)
	case quad.LangString:
		return string(v.Value)
	case quad.Int:
		return strconv.FormatInt(int64(v), 10)
	case quad.Bool:
		return strconv.FormatBool(bool(v))
	}
	return quad.StringOf(v)
}

func lexicals(vs []quad.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = lexical(v)
	}
	slices.Sort(out)
	return out
}

// assertions returns the assertion nodes stating subject predicate object.
func assertions(t *testing.T, qs cgraph.QuadStore, s quad.Value, p quad.IRI, o quad.Value) []quad.Value {
	t.Helper()
	return values(t, qs, path.StartPath(qs, s).In(graph.Subject).Has(graph.Predicate, p).Has(graph.Object, o))
}

func TestDataset_Assisters(t *testing.T) {
	qs := openDataset(t)
	tests := []struct {
		name   string
		agency quad.IRI
		via    []interface{}
		want   []quad.IRI
	}{
		{"lend officers to ICE", "ICE", []interface{}{quad.IRI("assists")},
			[]quad.IRI{"IRS-CI", "IRS", "DEA", "ATF", "FBI", "USMS", "USCBP", "USBP", "DSS"}},
		{"detail staff to ICE", "ICE", []interface{}{quad.IRI("detailsStaffTo")}, []quad.IRI{"USCIS", "FDNS"}},
		{"lend facilities to ICE", "ICE", []interface{}{quad.IRI("providesFacilityTo")}, []quad.IRI{"DOD", "BOP"}},
		{"help CBP", "USCBP", []interface{}{quad.IRI("assists")}, []quad.IRI{"DOD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := values(t, qs, path.StartPath(qs, tt.agency).In(tt.via...))
			for _, w := range tt.want {
				if !slices.Contains(got, quad.Value(w)) {
					t.Errorf("%s: helpers %v lack %s", tt.agency, got, w)
				}
			}
		})
	}
}

func TestDataset_Posts(t *testing.T) {
	qs := openDataset(t)
	tests := []struct {
		person quad.IRI
		pred   quad.IRI
		object quad.IRI // the organisation, or the post
		postIn quad.IRI // for org:holds: the post's organisation
		title  string
		acting bool
		former bool
	}{
		{"person/kika-scott", graph.HeadOf, "USCIS", "", "the acting head of USCIS", true, false},
		{"person/matthew-albence", graph.HeadOf, "ICE", "", "Acting ICE Director", true, false},
		{"person/ronald-vitiello", graph.HeadOf, "ICE", "", "Former acting ICE Director", true, true},
		{"person/sarah-saldana", graph.HeadOf, "ICE", "", "former director for ICE", false, true},
		{"person/kristi-noem", graph.HeadOf, "DHS", "", "U.S. Secretary of Homeland Safety", false, false},
		{"person/stephen-miller", graph.Holds, "post/white-house-deputy-chief-of-staff", "fr/the-white-house-office", "White Home deputy chief of workers", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.person), func(t *testing.T) {
			if got := values(t, qs, path.StartPath(qs, tt.person).Out(tt.pred)); !slices.Contains(got, quad.Value(tt.object)) {
				t.Fatalf("%s %s: got %v, want %s", tt.person, tt.pred, got, tt.object)
			}
			if tt.postIn != "" {
				if got := values(t, qs, path.StartPath(qs, tt.object).Out(graph.PostIn)); !slices.Contains(got, quad.Value(tt.postIn)) {
					t.Errorf("%s postIn: got %v, want %s", tt.object, got, tt.postIn)
				}
			}
			sts := assertions(t, qs, tt.person, tt.pred, tt.object)
			if len(sts) == 0 {
				t.Fatalf("no assertion backs %s %s %s", tt.person, tt.pred, tt.object)
			}
			st := path.StartPath(qs, sts...)
			if got := lexicals(values(t, qs, st.Out(graph.Title))); !slices.Contains(got, tt.title) {
				t.Errorf("title: got %q, want %q", got, tt.title)
			}
			for _, f := range []struct {
				pred quad.IRI
				want bool
			}{{graph.Acting, tt.acting}, {graph.Former, tt.former}} {
				got := slices.Contains(lexicals(values(t, qs, st.Out(f.pred))), "true")
				if got != f.want {
					t.Errorf("%s: got %v, want %v", f.pred, got, f.want)
				}
			}
		})
	}
}

func TestDataset_QuoteSource(t *testing.T) {
	qs := openDataset(t)
	// Quotes are found by a fragment; the assertion's source must be the
	// article, whose identifier names the seed file it was taken from.
	tests := []struct {
		fragment string
		source   quad.IRI
		seed     string // seed file name prefix
		subject  quad.IRI
		pred     quad.IRI
		object   quad.Value
	}{
		{"certified officers", "src/001", "001_", "IRS-CI", "assists", quad.IRI("ICE")},
		{"around 500 personnel", "src/002", "002_", "USCBP", "assists", quad.IRI("ICE")},
		{"USCIS actually coordinated schedules and calendars", "src/003", "003_", "USCIS", "coordinatesWith", quad.IRI("ICE")},
		{"made at the request of the National Sheriffs", "src/004", "004_", "org/national-sheriffs-association", "requests", quad.IRI("program/wso")},
		{"assignments lasting 60 days", "src/000", "000_", "USCIS", "detailsStaffTo", quad.IRI("ICE")},
	}
	for _, tt := range tests {
		t.Run(tt.fragment, func(t *testing.T) {
			var found []quad.Value
			for _, st := range assertions(t, qs, tt.subject, tt.pred, tt.object) {
				for _, q := range values(t, qs, path.StartPath(qs, st).Out(graph.Quote)) {
					if strings.Contains(lexical(q), tt.fragment) {
						found = append(found, st)
					}
				}
			}
			if len(found) == 0 {
				t.Fatalf("no assertion of %s %s %s quotes %q", tt.subject, tt.pred, tt.object, tt.fragment)
			}
			st := path.StartPath(qs, found...)
			if got := values(t, qs, st.Out(graph.WasDerivedFrom)); !slices.Equal(got, []quad.Value{tt.source}) {
				t.Errorf("source: got %v, want %s", got, tt.source)
			}
			ids := lexicals(values(t, qs, st.Out(graph.WasDerivedFrom).Out(graph.Identifier)))
			if len(ids) != 1 || !strings.HasPrefix(ids[0], tt.seed) {
				t.Errorf("source identifier: got %q, want %s…", ids, tt.seed)
			}
			// The edge itself lies in the source's graph.
			edge := path.StartPath(qs, tt.subject).LabelContext(tt.source).Out(tt.pred)
			if got := values(t, qs, edge); !slices.Contains(got, tt.object) {
				t.Errorf("edge %s %s %s missing from graph %s (got %v)", tt.subject, tt.pred, tt.object, tt.source, got)
			}
		})
	}
}

func TestDataset_Conflicts(t *testing.T) {
	qs := openDataset(t)
	tests := []struct {
		name    string
		subject quad.IRI
		pred    quad.IRI
		want    map[string]string // source -> value
	}{
		{"ICE field offices", "ICE", "fieldOfficeCount", map[string]string{"src/001": "20", "src/002": "25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sts := values(t, qs, path.StartPath(qs, tt.subject).In(graph.Subject).Has(graph.Predicate, tt.pred))
			got := map[string]string{}
			for _, st := range sts {
				src := values(t, qs, path.StartPath(qs, st).Out(graph.WasDerivedFrom))
				obj := values(t, qs, path.StartPath(qs, st).Out(graph.Object))
				if len(src) != 1 || len(obj) != 1 {
					t.Fatalf("%v: sources %v, objects %v", st, src, obj)
				}
				got[string(src[0].(quad.IRI))] = lexical(obj[0])
				// Each side links to every other side, in both directions.
				others := values(t, qs, path.StartPath(qs, st).Out(graph.ConflictsWith))
				for _, o := range sts {
					if o != st && !slices.Contains(others, o) {
						t.Errorf("%v does not conflictsWith %v", st, o)
					}
				}
			}
			for src, v := range tt.want {
				if got[src] != v {
					t.Errorf("%s %s in %s: got %q, want %q (all: %v)", tt.subject, tt.pred, src, got[src], v, got)
				}
			}
		})
	}
}

// TestDataset_EveryEdgeHasEvidence checks the evidence model over every
// quad: each relationship edge in a source graph has an assertion in that
// graph with the same subject, predicate and object, citing that source and
// carrying a quote (articles) or a record id (datasets).
func TestDataset_EveryEdgeHasEvidence(t *testing.T) {
	s := openMemory(t)
	ins, err := graph.FSInputs(quads.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), ins, graph.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	var all []quad.Quad
	if err := s.EachQuad(context.Background(), func(q quad.Quad) error { all = append(all, q); return nil }); err != nil {
		t.Fatal(err)
	}
	type key struct{ label, s, p, o quad.Value }
	props := map[quad.Value]map[quad.Value][]quad.Value{} // subject -> predicate -> objects
	isAssertion, isArticle := map[quad.Value]bool{}, map[quad.Value]bool{}
	for _, q := range all {
		if props[q.Subject] == nil {
			props[q.Subject] = map[quad.Value][]quad.Value{}
		}
		props[q.Subject][q.Predicate] = append(props[q.Subject][q.Predicate], q.Object)
		if q.Predicate == graph.Type && q.Object == graph.ClassAssertion {
			isAssertion[q.Subject] = true
		}
		if q.Predicate == graph.Type && q.Object == classArticle {
			isArticle[q.Subject] = true
		}
	}
	// backed holds the edges with a complete assertion in their graph.
	backed := map[key]bool{}
	for _, q := range all {
		if q.Predicate != graph.Subject || !isAssertion[q.Subject] {
			continue
		}
		p := props[q.Subject]
		src := p[graph.WasDerivedFrom]
		if len(src) != 1 || src[0] != q.Label || len(p[graph.Status]) == 0 {
			continue
		}
		evidence := p[graph.RecordID]
		if isArticle[q.Label] {
			evidence = p[graph.Quote]
		}
		if len(evidence) == 0 || len(p[graph.Predicate]) != 1 || len(p[graph.Object]) != 1 {
			continue
		}
		backed[key{q.Label, q.Object, p[graph.Predicate][0], p[graph.Object][0]}] = true
	}
	edges, articleEdges := 0, 0
	for _, q := range all {
		label, ok := q.Label.(quad.IRI)
		if !ok || !strings.HasPrefix(string(label), "src/") || isAssertion[q.Subject] ||
			q.Predicate == graph.Type || q.Predicate == graph.Name || q.Predicate == graph.AltLabel {
			continue
		}
		edges++
		if isArticle[label] {
			articleEdges++
		}
		if !backed[key{q.Label, q.Subject, q.Predicate, q.Object}] {
			t.Errorf("edge %v has no assertion with source, status and quote in its graph", q)
		}
	}
	// The articles alone state over a hundred relationships (README.md).
	if articleEdges < 100 {
		t.Errorf("article graphs hold %d relationship edges, want at least 100", articleEdges)
	}
	if edges <= articleEdges {
		t.Errorf("no reference-dataset edges found (%d edges in all)", edges)
	}
}
