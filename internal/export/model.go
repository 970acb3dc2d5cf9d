// Package export turns the store's quads into a drawable graph (entities as
// nodes, relationships as edges, evidence folded into attributes) and writes
// it as DOT, GraphML, GEXF, Cytoscape.js JSON, plain JSON, N-Quads or JSON-LD.
//
// Building the graph takes one pass over the quads that keeps per-node and
// per-edge attributes as small interned records, never the quad list; the
// writers then stream nodes and edges out of those records. N-Quads and
// JSON-LD of the whole graph skip the model and copy the quads as they come.
package export

import (
	"context"
	"sort"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Type categories of nodes. Every rdf:type class of the data model maps to
// one of them (see classCategory); a node with no known class is "other".
const (
	catAgency       = "agency"
	catUnit         = "unit"
	catPerson       = "person"
	catOrganisation = "organisation"
	catFacility     = "facility"
	catProgram      = "program"
	catDocument     = "document"
	catPost         = "post"
	catSource       = "source"
	catEvidence     = "evidence"
	catOther        = "other"
)

// classCategory maps the dataset's classes to categories. Assertion and
// Status are not entities: their nodes are folded into edge attributes.
var classCategory = map[quad.IRI]string{
	"Department":   catAgency,
	"Agency":       catAgency,
	"Unit":         catUnit,
	"Person":       catPerson,
	"Organization": catOrganisation,
	"Facility":     catFacility,
	"Program":      catProgram,
	"Document":     catDocument,
	"Post":         catPost,
	"Article":      catSource,
	"Dataset":      catSource,
	"Assertion":    catEvidence,
	"Status":       kindStatus,
}

// kindStatus marks status terms (<status/stated>, …): never nodes.
const kindStatus = "status"

// colours gives each category its colour: a qualitative palette (d3's
// category10 order) so that neighbouring types stay distinguishable.
var colours = map[string]string{
	catAgency:       "#1f77b4",
	catUnit:         "#6baed6",
	catPerson:       "#ff7f0e",
	catOrganisation: "#2ca02c",
	catFacility:     "#8c564b",
	catProgram:      "#9467bd",
	catDocument:     "#7f7f7f",
	catPost:         "#e377c2",
	catSource:       "#bcbd22",
	catEvidence:     "#d62728",
	catOther:        "#c7c7c7",
}

// Node is an entity, or with Options.EvidenceNodes an assertion or source.
type Node struct {
	ID     string // the IRI as written in the data: "ICE", "person/kika-scott"
	Name   string // schema:name (a source's headline); the ID when there is none
	Type   string // category: Agency, Unit, …
	Colour string // "#rrggbb" of the category
	// Assertion nodes only (Options.EvidenceNodes).
	Quote, Status, Source string
}

// Edge is one relationship (subject, predicate, object), however many
// sources state it, or with Options.EvidenceNodes a link from an assertion to
// what it is about.
type Edge struct {
	ID           string // Source + " " + Predicate + " " + Target: stable across exports
	Source       string // node IDs
	Target       string
	Predicate    string // the predicate IRI
	Relationship string // the predicate's rdfs:label, or its IRI
	Sources      int    // distinct prov:wasDerivedFrom of its assertions
	Date         string // earliest evidence date, as precise as the data ("2025-03")
	Evidence     []Evidence
}

// Evidence is one assertion behind an edge.
type Evidence struct {
	ID         string `json:"id"`
	Quote      string `json:"quote,omitempty"`
	Source     string `json:"source,omitempty"`     // the source IRI, "src/002"
	SourceName string `json:"sourceName,omitempty"` // its headline
	Publisher  string `json:"publisher,omitempty"`
	Status     string `json:"status,omitempty"` // "anonymous", from <status/anonymous>
	Date       string `json:"date,omitempty"`   // earliest date of the assertion
	DateText   string `json:"dateText,omitempty"`
	Figure     string `json:"figure,omitempty"`
}

// nodeID is a node's ID string: relative IRIs as written, blank nodes as _:x.
func nodeID(v quad.Value) string {
	if iri, ok := v.(quad.IRI); ok {
		return string(iri)
	}
	return v.String()
}

// isNodeValue reports whether v can be a node (an IRI or blank node, not a literal).
func isNodeValue(v quad.Value) bool {
	switch v.(type) {
	case quad.IRI, quad.BNode:
		return true
	}
	return false
}

// literal returns the text of a literal value, "" for anything else.
func literal(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.TypedString:
		return string(v.Value)
	case quad.LangString:
		return string(v.Value)
	case quad.IRI, quad.BNode, nil:
		return ""
	}
	return v.String()
}

// notRelationship reports whether a node-to-node predicate is structure
// rather than a relationship: RDF, RDFS, OWL, SKOS and PROV terms, and the
// evidence model's own links.
func notRelationship(p quad.IRI) bool {
	s := string(p)
	for _, ns := range []string{graph.NSRDF, graph.NSRDFS, graph.NSOWL, graph.NSSKOS, graph.NSProv} {
		if strings.HasPrefix(s, ns) {
			return true
		}
	}
	return p == graph.Status || p == graph.ConflictsWith
}

// ref is an interned node: an index into model.nodes.
type ref = int32

type nodeRec struct {
	id       string
	name     string
	category string // "" until a class is seen
	// Sources.
	headline, publisher, published string
	publisherNode                  ref // publisher when it is an entity, else -1
	// Assertions.
	ev *evRec
}

type evRec struct {
	s, o      ref
	p         quad.IRI
	source    ref // -1 when none
	dates     []string
	quote     string
	status    string
	figure    string
	dateText  string
	hasSubj   bool
	hasObj    bool
	hasPred   bool
	hasSource bool
}

type edgeKey struct {
	s, o ref
	p    quad.IRI
}

type edgeRec struct {
	key edgeKey
	ev  []ref // assertion nodes
}

// model is what one pass over the store learns.
type model struct {
	index  map[string]ref
	nodes  []nodeRec
	labels map[quad.IRI]string // predicate → rdfs:label
	vocab  map[string]bool     // subjects of the <vocab> graph
	edges  map[edgeKey]*edgeRec
	// evidence says whether quotes and other evidence text are kept.
	evidence bool
}

func (m *model) ref(v quad.Value) ref {
	id := nodeID(v)
	if r, ok := m.index[id]; ok {
		return r
	}
	r := ref(len(m.nodes))
	m.index[id] = r
	m.nodes = append(m.nodes, nodeRec{id: id, publisherNode: -1})
	return r
}

func (m *model) assertion(v quad.Value) *evRec {
	n := &m.nodes[m.ref(v)]
	if n.ev == nil {
		n.ev = &evRec{source: -1}
	}
	return n.ev
}

// scan reads every quad once.
func scan(ctx context.Context, s *graph.Store, keepEvidence bool) (*model, error) {
	m := &model{
		index:    map[string]ref{},
		labels:   map[quad.IRI]string{},
		vocab:    map[string]bool{},
		edges:    map[edgeKey]*edgeRec{},
		evidence: keepEvidence,
	}
	err := s.EachQuad(ctx, func(q quad.Quad) error {
		m.add(q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.link()
	return m, nil
}

func (m *model) add(q quad.Quad) {
	p, _ := q.Predicate.(quad.IRI)
	if q.Label == graph.VocabGraph {
		m.vocab[nodeID(q.Subject)] = true
		if p == graph.Label {
			if iri, ok := q.Subject.(quad.IRI); ok {
				m.labels[iri] = literal(q.Object)
			}
		}
		return
	}
	if !isNodeValue(q.Subject) {
		return
	}
	switch p {
	case graph.Type:
		if c, ok := classCategory[asIRI(q.Object)]; ok {
			n := &m.nodes[m.ref(q.Subject)]
			if n.category == "" {
				n.category = c
			}
		}
	case graph.Name:
		if t := literal(q.Object); t != "" {
			m.nodes[m.ref(q.Subject)].name = t
		}
	case graph.Headline:
		m.nodes[m.ref(q.Subject)].headline = literal(q.Object)
	case graph.Publisher:
		if t := literal(q.Object); t != "" {
			m.nodes[m.ref(q.Subject)].publisher = t
		} else if isNodeValue(q.Object) {
			o := m.ref(q.Object)
			m.nodes[m.ref(q.Subject)].publisherNode = o
		}
	case graph.DatePublished:
		m.nodes[m.ref(q.Subject)].published = literal(q.Object)
	case graph.Subject:
		if isNodeValue(q.Object) {
			o := m.ref(q.Object)
			a := m.assertion(q.Subject)
			a.s, a.hasSubj = o, true
		}
	case graph.Object:
		if isNodeValue(q.Object) {
			o := m.ref(q.Object)
			a := m.assertion(q.Subject)
			a.o, a.hasObj = o, true
		}
	case graph.Predicate:
		if iri, ok := q.Object.(quad.IRI); ok {
			a := m.assertion(q.Subject)
			a.p, a.hasPred = iri, true
		}
	case graph.WasDerivedFrom:
		if isNodeValue(q.Object) {
			o := m.ref(q.Object)
			a := m.assertion(q.Subject)
			a.source, a.hasSource = o, true
		}
	case graph.StartDate, graph.EndDate, graph.AsOf:
		if d := literal(q.Object); d != "" {
			a := m.assertion(q.Subject)
			a.dates = append(a.dates, d)
		}
	case graph.Status:
		if m.evidence {
			m.assertion(q.Subject).status = strings.TrimPrefix(nodeID(q.Object), "status/")
		}
	case graph.Quote:
		if m.evidence {
			m.assertion(q.Subject).quote = literal(q.Object)
		}
	case graph.Figure:
		if m.evidence {
			m.assertion(q.Subject).figure = literal(q.Object)
		}
	case graph.DateText:
		if m.evidence {
			m.assertion(q.Subject).dateText = literal(q.Object)
		}
	default:
		if p == "" || !isNodeValue(q.Object) || notRelationship(p) {
			return
		}
		k := edgeKey{s: m.ref(q.Subject), p: p, o: m.ref(q.Object)}
		if m.edges[k] == nil {
			m.edges[k] = &edgeRec{key: k}
		}
	}
}

func asIRI(v quad.Value) quad.IRI {
	iri, _ := v.(quad.IRI)
	return iri
}

// isEntity reports whether node r may be an end of a relationship: not an
// assertion, a status, a source or a vocabulary term.
func (m *model) isEntity(r ref) bool {
	n := &m.nodes[r]
	if n.ev != nil || m.vocab[n.id] {
		return false
	}
	switch n.category {
	case catEvidence, kindStatus, catSource:
		return false
	}
	return true
}

// link drops candidate edges that touch non-entities and attaches each
// complete assertion to its edge, creating the edge if no plain quad states it.
func (m *model) link() {
	for k := range m.edges {
		if !m.isEntity(k.s) || !m.isEntity(k.o) {
			delete(m.edges, k)
		}
	}
	for i := range m.nodes {
		a := m.nodes[i].ev
		if a == nil || !a.hasSubj || !a.hasObj || !a.hasPred || notRelationship(a.p) {
			continue
		}
		if !m.isEntity(a.s) || !m.isEntity(a.o) {
			continue
		}
		k := edgeKey{s: a.s, p: a.p, o: a.o}
		e := m.edges[k]
		if e == nil {
			e = &edgeRec{key: k}
			m.edges[k] = e
		}
		e.ev = append(e.ev, ref(i))
	}
}

// category returns the node's category, catOther for an untyped IRI.
func (m *model) category(r ref) string {
	if c := m.nodes[r].category; c != "" {
		return c
	}
	return catOther
}

// relationship names a predicate by its rdfs:label or, without one, by
// the last part of its IRI ("subOrganizationOf" for org:subOrganizationOf),
// which is what a map has room for; the full IRI stays in Edge.Predicate.
func (m *model) relationship(p quad.IRI) string {
	if l := m.labels[p]; l != "" {
		return l
	}
	s := string(p)
	if i := strings.LastIndexAny(s, "#/"); i >= 0 && i < len(s)-1 {
		return s[i+1:]
	}
	return s
}

// evidenceDates are an assertion's own dates or, when it has none, its
// source's publication date.
func (m *model) evidenceDates(a *evRec) []string {
	if len(a.dates) > 0 || !a.hasSource {
		return a.dates
	}
	if d := m.nodes[a.source].published; d != "" {
		return []string{d}
	}
	return nil
}

func (m *model) node(r ref) Node {
	n := &m.nodes[r]
	out := Node{ID: n.id, Name: n.name, Type: m.category(r)}
	if out.Name == "" {
		out.Name = n.headline
	}
	if out.Name == "" {
		out.Name = n.id
	}
	if a := n.ev; a != nil {
		out.Quote, out.Status = a.quote, a.status
		if a.hasSource {
			out.Source = m.nodes[a.source].id
		}
	}
	out.Colour = colours[out.Type]
	return out
}

func (m *model) edge(e *edgeRec) Edge {
	s, o := m.nodes[e.key.s].id, m.nodes[e.key.o].id
	out := Edge{
		ID:           s + " " + string(e.key.p) + " " + o,
		Source:       s,
		Target:       o,
		Predicate:    string(e.key.p),
		Relationship: m.relationship(e.key.p),
	}
	sources := map[ref]bool{}
	for _, r := range e.ev {
		a := m.nodes[r].ev
		if a.hasSource {
			sources[a.source] = true
		}
		date := earliest(m.evidenceDates(a))
		if date != "" && (out.Date == "" || dateLow(date) < dateLow(out.Date)) {
			out.Date = date
		}
		if m.evidence {
			ev := Evidence{ID: m.nodes[r].id, Quote: a.quote, Status: a.status, Date: date, DateText: a.dateText, Figure: a.figure}
			if a.hasSource {
				src := &m.nodes[a.source]
				ev.Source, ev.SourceName, ev.Publisher = src.id, src.headline, src.publisher
				if ev.SourceName == "" {
					ev.SourceName = src.name
				}
				if src.publisherNode >= 0 {
					ev.Publisher = m.nodes[src.publisherNode].label()
				}
			}
			out.Evidence = append(out.Evidence, ev)
		}
	}
	out.Sources = len(sources)
	sort.Slice(out.Evidence, func(i, j int) bool { return out.Evidence[i].ID < out.Evidence[j].ID })
	return out
}

// earliest returns the date with the earliest start.
func earliest(dates []string) string {
	best := ""
	for _, d := range dates {
		if best == "" || dateLow(d) < dateLow(best) {
			best = d
		}
	}
	return best
}

// dateLow and dateHigh give the first and last day an xsd:date, gYearMonth
// or gYear covers, as comparable YYYY-MM-DD strings: "2025-03" spans
// 2025-03-01 to 2025-03-31 (every month is given 31 days, which only matters
// for comparison and keeps it exact).
func dateLow(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	if len(d) > 10 {
		return d[:10]
	}
	return d
}

func dateHigh(d string) string {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		return d + "-31"
	}
	if len(d) > 10 {
		return d[:10]
	}
	return d
}

// label is what a reader sees for a node: its name, else its IRI.
func (n *nodeRec) label() string {
	if n.name != "" {
		return n.name
	}
	return n.id
}
