package gizmo

import (
	"slices"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/quad"
	"github.com/dop251/goja"
)

// PropertyMap returns, for each node at the end of the path, its outgoing
// values by predicate: {node: {predicate: [value, …]}}, names and values as
// ToArray gives them (the map's keys as JavaScript spells them: 60 as "60"),
// each node's values in the order Tag("n").Out(null, "p").TagArray() gives
// them. It is an addition to Cayley's Gizmo.
//
// It exists because reading an entity's assertions means reading ten-odd
// properties of each of hundreds of nodes: as TagArray rows grouped by a
// script loop, some 5 µs a row in goja, that was most of a cold saved
// query's time. Here the grouping is done in Go, from each node's quads.
func (p *pathObject) PropertyMap() goja.Value {
	s := p.s
	it := p.buildIteratorTree()
	if s.shape != nil {
		iterator.OutputQueryShapeForIterator(it, s.qs, s.shape)
		return goja.Null()
	}
	ctx := s.context()
	var nodes []graph.Ref
	if err := graph.Iterate(ctx, it).Paths(false).Each(func(r graph.Ref) {
		nodes = append(nodes, r)
	}); err != nil {
		return throwErr(s.vm, err)
	}
	if s.batch != nil {
		return s.batchPropertyMap(nodes)
	}
	out := make(map[string]interface{}, len(nodes))
	for _, n := range nodes {
		name := s.key(n)
		if _, seen := out[name]; seen {
			continue
		}
		props, err := s.propertiesOf(n)
		if err != nil {
			return throwErr(s.vm, err)
		}
		out[name] = props
	}
	return s.vm.ToValue(out)
}

// batchPropertyMap is PropertyMap reading every node's quads first, then
// naming the nodes, predicates and values they hold in one batch.
func (s *Session) batchPropertyMap(nodes []graph.Ref) goja.Value {
	ctx := s.context()
	links := make([][][2]graph.Ref, len(nodes)) // per node: predicate, object
	refs := slices.Clone(nodes)
	for i, n := range nodes {
		qi := s.qs.QuadIterator(quad.Subject, n)
		for qi.Next(ctx) {
			q := qi.Result()
			l := [2]graph.Ref{s.qs.QuadDirection(q, quad.Predicate), s.qs.QuadDirection(q, quad.Object)}
			links[i] = append(links[i], l)
			refs = append(refs, l[0], l[1])
		}
		err := qi.Err()
		qi.Close()
		if err != nil {
			return throwErr(s.vm, err)
		}
	}
	if err := s.prefetch(refs); err != nil {
		return throwErr(s.vm, err)
	}
	out := make(map[string]interface{}, len(nodes))
	for i, n := range nodes {
		name := s.key(n)
		if _, seen := out[name]; seen {
			continue
		}
		props := make(map[string]interface{})
		for _, l := range links[i] {
			addProperty(props, s.native(l[0]), s.native(l[1]))
		}
		out[name] = props
	}
	return s.vm.ToValue(out)
}

// addProperty appends obj to props[pred]: a predicate that is not a name
// (a literal), or a value that has none, is left out.
func addProperty(props map[string]interface{}, pred, obj interface{}) {
	p, ok := pred.(string)
	if !ok || obj == nil {
		return
	}
	vals, _ := props[p].([]interface{})
	props[p] = append(vals, obj)
}

// key is the node's name as a script's property lookup spells it: a string
// as is, other values (a typed number, a boolean) as String(value) makes them.
func (s *Session) key(node graph.Ref) string {
	v := s.native(node)
	if name, ok := v.(string); ok {
		return name
	}
	return s.vm.ToValue(v).String()
}

// propertiesOf reads the quads with node as subject.
func (s *Session) propertiesOf(node graph.Ref) (map[string]interface{}, error) {
	ctx := s.context()
	qi := s.qs.QuadIterator(quad.Subject, node)
	defer qi.Close()
	props := make(map[string]interface{})
	for qi.Next(ctx) {
		q := qi.Result()
		pred, ok := s.native(s.qs.QuadDirection(q, quad.Predicate)).(string)
		if !ok {
			continue
		}
		addProperty(props, pred, s.native(s.qs.QuadDirection(q, quad.Object)))
	}
	if err := qi.Err(); err != nil {
		return nil, err
	}
	return props, ctx.Err()
}

func (p *pathObject) CapitalizedPropertyMap() goja.Value { return p.PropertyMap() }
