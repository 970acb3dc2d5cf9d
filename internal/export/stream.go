package export

import (
	"context"
	"sort"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// streamer writes the whole graph from a Bolt or SQL store without holding
// it: the model of a million quads takes hundreds of megabytes, while this
// takes memory in proportion to the largest node's degree.
//
// It makes two passes over the store's nodes. The first writes every node
// that is an entity with a type, or an untyped end of a relationship. The
// second writes, for each entity X, the relationships X is the subject of:
// from X's own quads and from the assertions whose rdf:subject is X (an
// index lookup), with their sources. Each step feeds those few quads to a
// small model, so that the rules of which quads make nodes and edges, and
// how evidence is folded in, are the model's own (model.add, link, node and
// edge); output is in the store's node order rather than sorted.
type streamer struct {
	store    *graph.Store
	qs       cgraph.QuadStore
	evidence bool
	// entity caches whether a node may end a relationship; it is cleared
	// when full, so it stays small whatever the graph.
	entity map[any]bool
	// labels caches the <vocab> quads of each predicate (a few dozen).
	labels map[quad.IRI][]quad.Quad
	// names caches the values of node refs: predicates, classes, sources
	// and hubs recur in most quads, and each miss is a store lookup.
	names map[any]quad.Value
	// subjectRef is rdf:subject's ref, nil when the store has none.
	subjectRef cgraph.Ref
}

// cacheSize bounds each cache; a full cache is emptied and refilled.
const cacheSize = 1 << 15

func newStreamer(s *graph.Store, evidence bool) *streamer {
	qs := s.ScanQuadStore()
	return &streamer{store: s, qs: qs, evidence: evidence,
		entity: map[any]bool{}, labels: map[quad.IRI][]quad.Quad{}, names: map[any]quad.Value{},
		subjectRef: qs.ValueOf(graph.Subject)}
}

// name returns the value of a node ref.
func (st *streamer) name(r cgraph.Ref) quad.Value {
	if r == nil {
		return nil
	}
	k := r.Key()
	if v, ok := st.names[k]; ok {
		return v
	}
	v := st.qs.NameOf(r)
	if len(st.names) >= cacheSize {
		clear(st.names)
	}
	st.names[k] = v
	return v
}

// quad returns the quad of a quad ref, its values through the cache.
func (st *streamer) quad(r cgraph.Ref) quad.Quad {
	var q quad.Quad
	for _, d := range quad.Directions {
		q.Set(d, st.name(st.qs.QuadDirection(r, d)))
	}
	return q
}

// streamable reports whether x is best written by a streamer: the whole
// graph, in a format that needs no counts up front, from a store that does
// not already hold everything in memory.
func streamable(s *graph.Store, f Format, opt Options) bool {
	return f.stream && !opt.filtered() && !opt.EvidenceNodes && s.Config().Backend != graph.Memory
}

// subjectQuads calls fn with every quad whose subject is ref.
func (st *streamer) subjectQuads(ctx context.Context, ref cgraph.Ref, fn func(quad.Quad)) error {
	it := st.qs.QuadIterator(quad.Subject, ref)
	defer it.Close()
	for it.Next(ctx) {
		fn(st.quad(it.Result()))
	}
	return it.Err()
}

// objectQuads calls fn with every quad whose object is ref.
func (st *streamer) objectQuads(ctx context.Context, ref cgraph.Ref, fn func(quad.Quad)) error {
	it := st.qs.QuadIterator(quad.Object, ref)
	defer it.Close()
	for it.Next(ctx) {
		fn(st.quad(it.Result()))
	}
	return it.Err()
}

func newModel(evidence bool) *model {
	return &model{index: map[string]ref{}, labels: map[quad.IRI]string{}, vocab: map[string]bool{},
		edges: map[edgeKey]*edgeRec{}, evidence: evidence}
}

// addNode adds v's own quads to m.
func (st *streamer) addNode(ctx context.Context, m *model, v quad.Value) error {
	ref := st.qs.ValueOf(v)
	if ref == nil {
		return nil
	}
	return st.subjectQuads(ctx, ref, m.add)
}

// isEntity reports whether v may end a relationship, by the model's rule on
// v's own quads.
func (st *streamer) isEntity(ctx context.Context, v quad.Value) (bool, error) {
	ref := st.qs.ValueOf(v)
	if ref == nil {
		return true, nil // a node with no quads of its own is an untyped entity
	}
	if ok, found := st.entity[ref.Key()]; found {
		return ok, nil
	}
	m := newModel(false)
	if err := st.subjectQuads(ctx, ref, m.add); err != nil {
		return false, err
	}
	ok := m.isEntity(m.ref(v))
	if len(st.entity) >= cacheSize {
		clear(st.entity)
	}
	st.entity[ref.Key()] = ok
	return ok, nil
}

// addLabels adds the <vocab> quads of predicate p to m, for its rdfs:label.
func (st *streamer) addLabels(ctx context.Context, m *model, p quad.IRI) error {
	qs, ok := st.labels[p]
	if !ok {
		ref := st.qs.ValueOf(p)
		if ref != nil {
			err := st.subjectQuads(ctx, ref, func(q quad.Quad) {
				if q.Label == graph.VocabGraph && q.Predicate == graph.Label {
					qs = append(qs, q)
				}
			})
			if err != nil {
				return err
			}
		}
		st.labels[p] = qs
	}
	for _, q := range qs {
		m.add(q)
	}
	return nil
}

// edgesOf returns the relationships whose subject is x, sorted by ID.
func (st *streamer) edgesOf(ctx context.Context, x quad.Value) ([]Edge, error) {
	m := newModel(st.evidence)
	if err := st.addNode(ctx, m, x); err != nil {
		return nil, err
	}
	xr := m.ref(x)
	if !m.isEntity(xr) {
		return nil, nil
	}
	// The assertions about x (the quads with object x and predicate
	// rdf:subject: a prefix of the object index), and their sources.
	var assertions []quad.Value
	if ref := st.qs.ValueOf(x); ref != nil && st.subjectRef != nil {
		it := st.qs.QuadIterator(quad.Object, ref)
		for it.Next(ctx) {
			// Only the predicate is compared: a hub is the object of many quads.
			if p := st.qs.QuadDirection(it.Result(), quad.Predicate); p != nil && p.Key() == st.subjectRef.Key() {
				if a := st.name(st.qs.QuadDirection(it.Result(), quad.Subject)); isNodeValue(a) {
					assertions = append(assertions, a)
				}
			}
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
	}
	sources := map[string]bool{}
	for _, a := range assertions {
		if err := st.addNode(ctx, m, a); err != nil {
			return nil, err
		}
		if rec := m.nodes[m.ref(a)].ev; rec != nil && rec.hasSource {
			src := m.nodes[rec.source].id
			if !sources[src] {
				sources[src] = true
				if err := st.addNode(ctx, m, quadValue(src)); err != nil {
					return nil, err
				}
			}
		}
	}
	// The other ends are judged on their own quads, which m has not seen.
	n := len(m.nodes)
	for r := range n {
		if ref(r) == xr || m.nodes[r].ev != nil || m.nodes[r].category != "" || m.vocab[m.nodes[r].id] {
			continue
		}
		ok, err := st.isEntity(ctx, quadValue(m.nodes[r].id))
		if err != nil {
			return nil, err
		}
		if !ok {
			m.nodes[r].category = catEvidence // anything isEntity rejects
		}
	}
	m.link()
	var out []Edge
	for k, e := range m.edges {
		if k.s != xr {
			continue
		}
		if err := st.addLabels(ctx, m, k.p); err != nil {
			return nil, err
		}
		out = append(out, m.edge(e))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// quadValue turns a node ID back into its value: "_:x" is a blank node.
func quadValue(id string) quad.Value {
	if len(id) > 2 && id[:2] == "_:" {
		return quad.BNode(id[2:])
	}
	return quad.IRI(id)
}

// node returns the node to write for v, if any: an entity with a type, or
// an untyped entity that ends a relationship.
func (st *streamer) node(ctx context.Context, v quad.Value) (*Node, error) {
	m := newModel(false)
	if err := st.addNode(ctx, m, v); err != nil {
		return nil, err
	}
	r := m.ref(v)
	if !m.isEntity(r) {
		return nil, nil
	}
	if m.nodes[r].category == "" {
		linked, err := st.linked(ctx, v)
		if err != nil || !linked {
			return nil, err
		}
	}
	n := m.node(r)
	return &n, nil
}

// linked reports whether an untyped entity v ends a relationship.
func (st *streamer) linked(ctx context.Context, v quad.Value) (bool, error) {
	out, err := st.edgesOf(ctx, v)
	if err != nil || len(out) > 0 {
		return len(out) > 0, err
	}
	ref := st.qs.ValueOf(v)
	if ref == nil {
		return false, nil
	}
	// Relationships into v: a plain quad, or an assertion whose object is v.
	var subjects []quad.Value
	err = st.objectQuads(ctx, ref, func(q quad.Quad) {
		p, _ := q.Predicate.(quad.IRI)
		switch {
		case q.Label == graph.VocabGraph || !isNodeValue(q.Subject):
		case p == graph.Object:
			subjects = append(subjects, q.Subject) // the assertion: checked below
		default:
			m := newModel(false)
			m.add(q)
			if len(m.edges) > 0 {
				subjects = append(subjects, q.Subject)
			}
		}
	})
	if err != nil {
		return false, err
	}
	for _, s := range subjects {
		m := newModel(false)
		if err := st.addNode(ctx, m, s); err != nil {
			return false, err
		}
		if rec := m.nodes[m.ref(s)].ev; rec != nil {
			// An assertion: it makes an edge into v if it is whole.
			if !rec.hasSubj || !rec.hasPred || !rec.hasObj || notRelationship(rec.p) {
				continue
			}
			s = quadValue(m.nodes[rec.s].id)
		}
		edges, err := st.edgesOf(ctx, s)
		if err != nil {
			return false, err
		}
		for _, e := range edges {
			if e.Target == nodeID(v) {
				return true, nil
			}
		}
	}
	return false, nil
}

// write makes the two passes.
func (st *streamer) write(ctx context.Context, gw GraphWriter) error {
	if err := gw.Begin(-1, -1); err != nil {
		return err
	}
	if err := st.eachNode(ctx, func(v quad.Value) error {
		n, err := st.node(ctx, v)
		if err != nil || n == nil {
			return err
		}
		return gw.WriteNode(n)
	}); err != nil {
		return err
	}
	if err := st.eachNode(ctx, func(v quad.Value) error {
		edges, err := st.edgesOf(ctx, v)
		if err != nil {
			return err
		}
		for i := range edges {
			if err := gw.WriteEdge(&edges[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return gw.Close()
}

// eachNode calls fn with every IRI and blank node of the store.
func (st *streamer) eachNode(ctx context.Context, fn func(quad.Value) error) error {
	it := st.qs.NodesAllIterator()
	defer it.Close()
	for it.Next(ctx) {
		v := st.qs.NameOf(it.Result())
		if !isNodeValue(v) {
			continue
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	return ctx.Err()
}
