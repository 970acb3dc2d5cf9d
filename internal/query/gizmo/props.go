package gizmo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/quad"
	"github.com/dop251/goja"
)

// PropertyMap returns, for each node at the end of the path, its outgoing
// values by predicate: {node: {predicate: [value, …]}}, names and values as
// ToArray gives them (the map's keys as JavaScript spells them: 60 as "60"),
// each node's values in the order Tag("n").Out(null, "p").TagArray() gives
// them. It is an addition to Cayley's Gizmo.
//
// An optional object of options changes what each predicate maps to:
// first: true keeps only its first value, {node: {predicate: value}}; text:
// true gives a typed literal, which Gizmo spells "text"^^<datatype>, as the
// text between its quotes. Any other key is an error.
//
// It exists because reading an entity's assertions means reading ten-odd
// properties of each of hundreds of nodes: as TagArray rows grouped by a
// script loop, some 5 µs a row in goja, that was most of a cold saved
// query's time. Here the grouping is done in Go, from each node's quads.
// The options exist for the same reason: a saved query reads one value of
// each property as text, and picking it out of a list and trimming its
// datatype in the script cost a quarter of `deputizations`.
func (p *pathObject) PropertyMap(call goja.FunctionCall) goja.Value {
	s := p.s
	opt, err := propertyOptions(exportArgs(call.Arguments))
	if err != nil {
		return throwErr(s.vm, err)
	}
	nodes, ok, err := p.endNodes()
	if !ok || err != nil {
		return s.nullOrThrow(err)
	}
	out := make(map[string]interface{}, len(nodes))
	add := func(n nodeLinks) {
		name := s.key(n.node)
		if _, seen := out[name]; seen {
			return
		}
		props := make(map[string]interface{})
		for _, l := range n.links {
			opt.add(props, s.native(l[0]), l[1], s.native)
		}
		out[name] = props
	}
	if s.batch == nil {
		err = pipelined(func(f func(nodeLinks)) error { return s.eachLinks(nodes, f) }, add)
	} else {
		err = s.batchLinks(nodes, add)
	}
	if err != nil {
		return throwErr(s.vm, err)
	}
	return s.vm.ToValue(out)
}

// nodeLinks is a node and the predicate and object of each quad with it as
// subject.
type nodeLinks struct {
	node  graph.Ref
	links [][2]graph.Ref
}

// linkChunk is how many nodes' links eachLinks reads at a time.
const linkChunk = 512

// eachLinks hands f each of nodes with its links, read linkChunk nodes at
// a time, so that PropertyMap names one part (pipelined) while the next is
// read.
func (s *Session) eachLinks(nodes []graph.Ref, f func(nodeLinks)) error {
	for at := 0; at < len(nodes); at += linkChunk {
		part := nodes[at:min(at+linkChunk, len(nodes))]
		links, err := s.linksOf(part)
		if err != nil {
			return err
		}
		for i, n := range part {
			f(nodeLinks{n, links[i]})
		}
	}
	return nil
}

// batchLinks hands f each of nodes with its links, read and named by the
// batch reader all at once.
func (s *Session) batchLinks(nodes []graph.Ref, f func(nodeLinks)) error {
	links, err := s.batch.Links(s.context(), nodes)
	if err != nil {
		return err
	}
	refs := slices.Clone(nodes)
	for _, ls := range links {
		for _, l := range ls {
			refs = append(refs, l[0], l[1])
		}
	}
	if err := s.prefetch(refs); err != nil {
		return err
	}
	for i, n := range nodes {
		f(nodeLinks{n, links[i]})
	}
	return nil
}

// propertyOpts are PropertyMap's options.
type propertyOpts struct{ first, text bool }

// propertyOptions reads PropertyMap's arguments: none, or one object of
// options.
func propertyOptions(args []interface{}) (propertyOpts, error) {
	var o propertyOpts
	if len(args) == 0 || len(args) == 1 && args[0] == nil {
		return o, nil
	}
	m, ok := args[0].(map[string]interface{})
	if len(args) > 1 || !ok {
		return o, errors.New("PropertyMap takes no argument or one object of options ({first: true, text: true})")
	}
	for _, k := range slices.Sorted(maps.Keys(m)) { // the same error for the same script
		v := m[k]
		b, isBool := v.(bool)
		switch {
		case !isBool:
			return o, fmt.Errorf("PropertyMap option %q: want true or false, got %v", k, v)
		case k == "first":
			o.first = b
		case k == "text":
			o.text = b
		default:
			return o, fmt.Errorf("PropertyMap has no option %q (it has first and text)", k)
		}
	}
	return o, nil
}

// endNodes lists the nodes at the end of the path, once per result, for the
// finals that read each node (PropertyMap, InCounts). When the session
// only wants the query's shape, it records it and returns false.
func (p *pathObject) endNodes() ([]graph.Ref, bool, error) {
	s := p.s
	it := p.buildIteratorTree()
	if s.shape != nil {
		iterator.OutputQueryShapeForIterator(it, s.qs, s.shape)
		return nil, false, nil
	}
	var nodes []graph.Ref
	err := graph.Iterate(s.context(), it).Paths(false).Each(func(r graph.Ref) {
		nodes = append(nodes, r)
	})
	return nodes, true, err
}

// nullOrThrow is null for the script, or err thrown into it.
func (s *Session) nullOrThrow(err error) goja.Value {
	if err != nil {
		return throwErr(s.vm, err)
	}
	return goja.Null()
}

// linksOf reads the predicate and object of each quad with one of nodes as
// subject, a node given twice once: all at once if the store can
// (linkReader), else a scan per node.
func (s *Session) linksOf(nodes []graph.Ref) ([][][2]graph.Ref, error) {
	ctx := s.context()
	if r, ok := s.qs.(linkReader); ok {
		links, ok, err := r.Links(ctx, nodes)
		if ok || err != nil {
			return links, err
		}
	}
	links := make([][][2]graph.Ref, len(nodes))
	read := make(map[interface{}]bool, len(nodes))
	for i, n := range nodes {
		if read[n.Key()] {
			continue
		}
		read[n.Key()] = true
		qi := s.qs.QuadIterator(quad.Subject, n)
		for qi.Next(ctx) {
			q := qi.Result()
			links[i] = append(links[i], [2]graph.Ref{s.qs.QuadDirection(q, quad.Predicate), s.qs.QuadDirection(q, quad.Object)})
		}
		err := qi.Err()
		qi.Close()
		if err == nil {
			err = ctx.Err() // a deadline stops the loop between nodes
		}
		if err != nil {
			return nil, err
		}
	}
	return links, nil
}

// linkReader is a store that can read many nodes' links at once (graph's
// Bolt store, in one read transaction); ok false: it cannot, and the
// session reads each node's quads.
type linkReader interface {
	Links(ctx context.Context, nodes []graph.Ref) (links [][][2]graph.Ref, ok bool, err error)
}

// add adds the object's value to props[pred]: appended to its list, or
// with first as its value unless it has one. A predicate that is not a
// name (a literal), or an object that has none, is left out, and the
// object is named only for a predicate that is.
func (o propertyOpts) add(props map[string]interface{}, pred interface{}, obj graph.Ref, native func(graph.Ref) interface{}) {
	p, ok := pred.(string)
	if !ok {
		return
	}
	if _, has := props[p]; has && o.first {
		return
	}
	v := native(obj)
	if v == nil {
		return
	}
	if o.text {
		v = literalText(v)
	}
	if o.first {
		props[p] = v
		return
	}
	vals, _ := props[p].([]interface{})
	props[p] = append(vals, v)
}

// literalText is a typed literal as Gizmo spells it, "text"^^<datatype>,
// as its text; any other value as it is. The last "^^< is the datatype's,
// whose IRI holds no ">".
func literalText(v interface{}) interface{} {
	s, ok := v.(string)
	if !ok || len(s) < 2 || s[0] != '"' || s[len(s)-1] != '>' {
		return v
	}
	i := strings.LastIndex(s, `"^^<`)
	if i > 0 && strings.IndexByte(s[i:], '>') == len(s)-1-i {
		return s[1:i]
	}
	return v
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

func (p *pathObject) CapitalizedPropertyMap(call goja.FunctionCall) goja.Value {
	return p.PropertyMap(call)
}

// InCounts returns, for each node at the end of the path, how many quads
// with one of the given predicates point to it (have it as object):
// {node: count}, each node once, 0 for none, keys as PropertyMap spells
// them. g.V(n).InCounts(p)[n] is g.V(n).In(p).Count(). Predicates are a
// string or a list of strings; null counts every predicate. It is an
// addition to Cayley's Gizmo.
//
// It exists for counting the links of thousands of nodes (the saved query
// sources counts each source's assertions): a Count per node is a step of
// script and a plan each, and on PostgreSQL a query each, where a batch
// reader (SetBatchReader) counts a thousand nodes with one.
func (p *pathObject) InCounts(call goja.FunctionCall) goja.Value {
	s := p.s
	preds, err := predicateRefs(s, exportArgs(call.Arguments))
	if err != nil {
		return throwErr(s.vm, err)
	}
	nodes, ok, err := p.endNodes()
	if !ok || err != nil {
		return s.nullOrThrow(err)
	}
	counts, err := s.inCounts(nodes, preds)
	if err != nil {
		return throwErr(s.vm, err)
	}
	if s.batch != nil {
		if err := s.prefetch(nodes); err != nil {
			return throwErr(s.vm, err)
		}
	}
	out := make(map[string]interface{}, len(nodes))
	for i, n := range nodes {
		out[s.key(n)] = counts[i]
	}
	return s.vm.ToValue(out)
}

// predicateRefs are the refs of the predicates InCounts was given: nil for
// every predicate, none for predicates the store does not hold.
func predicateRefs(s *Session, args []interface{}) ([]graph.Ref, error) {
	if len(args) > 1 {
		return nil, errArgCount{Got: len(args)}
	}
	if len(args) == 0 || args[0] == nil {
		return nil, nil
	}
	list, ok := args[0].([]interface{})
	if !ok {
		list = []interface{}{args[0]}
	}
	vals, err := toQuadValues(list)
	if err != nil {
		return nil, err
	}
	refs := []graph.Ref{} // not nil: no predicate held counts nothing
	for _, v := range vals {
		if r := s.qs.ValueOf(v); r != nil {
			refs = append(refs, r)
		}
	}
	return refs, nil
}

// indexCounter is a store that can count InCounts' quads from its indexes
// alone (graph's Bolt store, while it holds no deleted quad); ok false: it
// cannot, and the session walks In from each node.
type indexCounter interface {
	InCounts(ctx context.Context, nodes, preds []graph.Ref) (counts []int64, ok bool, err error)
}

// inCounts counts, for each of nodes, the quads with one of preds (any
// predicate if nil) and the node as object, with the batch reader if the
// session has one, else from the store's indexes if it can (indexCounter),
// else walking In from each node as Count would.
func (s *Session) inCounts(nodes, preds []graph.Ref) ([]int64, error) {
	if preds != nil && len(preds) == 0 {
		return make([]int64, len(nodes)), nil
	}
	if s.batch != nil {
		return s.batch.InCounts(s.context(), nodes, preds)
	}
	ctx := s.context()
	if c, ok := s.qs.(indexCounter); ok {
		counts, ok, err := c.InCounts(ctx, nodes, preds)
		if ok || err != nil {
			return counts, err
		}
	}
	out := make([]int64, len(nodes))
	for i, n := range nodes {
		if err := ctx.Err(); err != nil {
			return nil, err // a deadline stops the loop between nodes
		}
		q := shape.Quads{{Dir: quad.Object, Values: shape.Fixed{n}}}
		if preds != nil {
			q = append(q, shape.QuadFilter{Dir: quad.Predicate, Values: shape.Fixed(preds)})
		}
		c, err := graph.Iterate(ctx, s.build(shape.NodesFrom{Dir: quad.Subject, Quads: q})).Paths(true).Count()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func (p *pathObject) CapitalizedInCounts(call goja.FunctionCall) goja.Value { return p.InCounts(call) }
