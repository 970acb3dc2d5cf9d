package export

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Options select part of the graph. The zero value selects all of it.
type Options struct {
	// Around is the entity (an IRI such as "ICE", or a name or alias that
	// Lookup resolves) whose neighbourhood of Hops steps is exported.
	Around string
	Hops   int // 1 when zero and Around is set
	// Nodes are entity IRIs to export with the relationships among them (a
	// saved query's entities, the page's current view). IRIs that are not
	// entities of the store are ignored.
	Nodes []string
	// Since and Until (YYYY, YYYY-MM or YYYY-MM-DD, inclusive) keep an edge
	// when any of its assertions has a date in range.
	Since, Until string
	// Predicates keep only these relationship kinds, by IRI or label.
	Predicates []string
	// EvidenceNodes keeps assertions and their sources as nodes, linked to
	// what they are about, instead of folding them into edge attributes.
	EvidenceNodes bool
	// Lookup resolves an Around that is not an entity IRI; the CLI and the
	// server pass (*graph.Store).Lookup.
	Lookup func(ctx context.Context, name string) (quad.IRI, error)
}

func (o Options) filtered() bool {
	return o.Around != "" || o.Nodes != nil || o.Since != "" || o.Until != "" || len(o.Predicates) > 0
}

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// selection is the part of the model one export writes.
type selection struct {
	nodes     []ref      // entities, then evidence nodes; sorted by ID within each
	edges     []*edgeRec // sorted by ID
	evEdges   []Edge     // assertion → subject/object/source links (EvidenceNodes)
	keepNode  []bool     // by ref: subject of quads an N-Quads export keeps
	keepEdges map[edgeKey]bool
}

// selectGraph applies opt to m.
func selectGraph(ctx context.Context, m *model, opt Options) (*selection, error) {
	for _, d := range []string{opt.Since, opt.Until} {
		if d != "" && !dateRE.MatchString(d) {
			return nil, graph.Errorf(graph.EINVALID, "bad date %q: want YYYY, YYYY-MM or YYYY-MM-DD", d)
		}
	}
	if opt.Around != "" && opt.Nodes != nil {
		return nil, graph.Errorf(graph.EINVALID, "choose one of around and a node list (query, nodes)")
	}
	if opt.Hops < 0 {
		return nil, graph.Errorf(graph.EINVALID, "hops must be 0 or more, not %d", opt.Hops)
	}
	preds, err := m.predicates(opt.Predicates)
	if err != nil {
		return nil, err
	}
	var kept []*edgeRec
	for _, e := range m.edges {
		if (preds == nil || preds[e.key.p]) && m.inRange(e, opt.Since, opt.Until) {
			kept = append(kept, e)
		}
	}

	in := make([]bool, len(m.nodes))
	switch {
	case opt.Around != "":
		seed, err := m.resolve(ctx, opt)
		if err != nil {
			return nil, err
		}
		hops := opt.Hops
		if hops == 0 {
			hops = 1
		}
		adj := map[ref][]ref{}
		for _, e := range kept {
			adj[e.key.s] = append(adj[e.key.s], e.key.o)
			adj[e.key.o] = append(adj[e.key.o], e.key.s)
		}
		in[seed] = true
		frontier := []ref{seed}
		for h := 0; h < hops && len(frontier) > 0; h++ {
			var next []ref
			for _, r := range frontier {
				for _, n := range adj[r] {
					if !in[n] {
						in[n] = true
						next = append(next, n)
					}
				}
			}
			frontier = next
		}
	case opt.Nodes != nil:
		for _, id := range opt.Nodes {
			if r, ok := m.index[id]; ok && m.isEntity(r) {
				in[r] = true
			}
		}
	case opt.filtered():
		for _, e := range kept {
			in[e.key.s], in[e.key.o] = true, true
		}
	default:
		for r := range m.nodes {
			if m.isEntity(ref(r)) && m.nodes[r].category != "" {
				in[r] = true
			}
		}
		for _, e := range kept {
			in[e.key.s], in[e.key.o] = true, true
		}
	}

	sel := &selection{keepNode: in, keepEdges: map[edgeKey]bool{}}
	for _, e := range kept {
		if in[e.key.s] && in[e.key.o] {
			sel.edges = append(sel.edges, e)
			sel.keepEdges[e.key] = true
		}
	}
	for r, ok := range in {
		if ok {
			sel.nodes = append(sel.nodes, ref(r))
		}
	}
	m.sortRefs(sel.nodes)
	ids := make(map[*edgeRec]string, len(sel.edges))
	for _, e := range sel.edges {
		ids[e] = m.nodes[e.key.s].id + " " + string(e.key.p) + " " + m.nodes[e.key.o].id
	}
	sort.Slice(sel.edges, func(i, j int) bool { return ids[sel.edges[i]] < ids[sel.edges[j]] })

	// Assertions and sources of the kept edges: quads about them travel with
	// an N-Quads export, and with EvidenceNodes they become nodes.
	var evNodes []ref
	for _, e := range sel.edges {
		for _, a := range e.ev {
			if !in[a] {
				in[a] = true
				evNodes = append(evNodes, a)
			}
			if rec := m.nodes[a].ev; rec.hasSource && !in[rec.source] {
				in[rec.source] = true
				evNodes = append(evNodes, rec.source)
			}
		}
	}
	if opt.EvidenceNodes {
		m.sortRefs(evNodes)
		sel.nodes = append(sel.nodes, evNodes...)
		for _, e := range sel.edges {
			for _, a := range e.ev {
				sel.evEdges = append(sel.evEdges, m.evidenceLinks(a)...)
			}
		}
		sort.Slice(sel.evEdges, func(i, j int) bool { return sel.evEdges[i].ID < sel.evEdges[j].ID })
		sel.evEdges = dedupEdges(sel.evEdges)
	}
	return sel, nil
}

// evidenceLinks are an assertion's edges to its subject, object and source.
func (m *model) evidenceLinks(a ref) []Edge {
	rec := m.nodes[a].ev
	id := m.nodes[a].id
	link := func(p quad.IRI, to ref) Edge {
		t := m.nodes[to].id
		return Edge{ID: id + " " + string(p) + " " + t, Source: id, Target: t,
			Predicate: string(p), Relationship: m.relationship(p)}
	}
	out := []Edge{link(graph.Subject, rec.s), link(graph.Object, rec.o)}
	if rec.hasSource {
		out = append(out, link(graph.WasDerivedFrom, rec.source))
	}
	return out
}

func dedupEdges(es []Edge) []Edge {
	out := es[:0]
	for i, e := range es {
		if i == 0 || e.ID != es[i-1].ID {
			out = append(out, e)
		}
	}
	return out
}

func (m *model) sortRefs(rs []ref) {
	sort.Slice(rs, func(i, j int) bool { return m.nodes[rs[i]].id < m.nodes[rs[j]].id })
}

// predicates resolves the Predicates option to a set of IRIs; nil keeps all.
func (m *model) predicates(names []string) (map[quad.IRI]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	used := map[quad.IRI]bool{}
	for k := range m.edges {
		used[k.p] = true
	}
	set := map[quad.IRI]bool{}
	for _, name := range names {
		name = strings.TrimSuffix(strings.TrimPrefix(name, "<"), ">")
		found := false
		for p := range used {
			if string(p) == name || strings.EqualFold(m.labels[p], name) {
				set[p], found = true, true
			}
		}
		if !found {
			return nil, graph.Errorf(graph.EINVALID, "no relationship %q in the graph", name)
		}
	}
	return set, nil
}

// inRange reports whether any assertion of e has a date in [since, until].
func (m *model) inRange(e *edgeRec, since, until string) bool {
	if since == "" && until == "" {
		return true
	}
	lo, hi := dateLow(since), dateHigh(until)
	for _, a := range e.ev {
		for _, d := range m.evidenceDates(m.nodes[a].ev) {
			if (since == "" || dateHigh(d) >= lo) && (until == "" || dateLow(d) <= hi) {
				return true
			}
		}
	}
	return false
}

// resolve finds the Around entity: an entity IRI as it is, anything else
// through Lookup.
func (m *model) resolve(ctx context.Context, opt Options) (ref, error) {
	name := strings.TrimSuffix(strings.TrimPrefix(opt.Around, "<"), ">")
	if r, ok := m.index[name]; ok && m.isEntity(r) {
		return r, nil
	}
	if opt.Lookup == nil {
		return 0, graph.Errorf(graph.ENOTFOUND, "no entity %q", opt.Around)
	}
	iri, err := opt.Lookup(ctx, opt.Around)
	if err != nil {
		return 0, err
	}
	if r, ok := m.index[string(iri)]; ok && m.isEntity(r) {
		return r, nil
	}
	return 0, graph.Errorf(graph.ENOTFOUND, "no entity %q", opt.Around)
}

// RowNodes returns the entities that rows (a saved query's result, values in
// Gizmo's JSON collation) mention: every "<iri>" string, in columns or in
// arrays. It never returns nil, so that a query with no rows selects nothing
// rather than the whole graph; IRIs that are not entities (predicates,
// sources) are dropped by New.
func RowNodes(rows []map[string]any) []string {
	out := []string{}
	seen := map[string]bool{}
	var visit func(v any)
	visit = func(v any) {
		switch v := v.(type) {
		case string:
			if len(v) > 2 && v[0] == '<' && v[len(v)-1] == '>' {
				if iri := v[1 : len(v)-1]; !seen[iri] {
					seen[iri] = true
					out = append(out, iri)
				}
			}
		case []any:
			for _, x := range v {
				visit(x)
			}
		case map[string]any:
			for _, x := range v {
				visit(x)
			}
		}
	}
	for _, row := range rows {
		visit(row)
	}
	sort.Strings(out)
	return out
}
