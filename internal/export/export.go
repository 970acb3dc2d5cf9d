package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/agencygraph/agencygraph/graph"
)

// GraphWriter writes a graph in one format. Begin is called once with the
// counts (-1 when the graph is streamed and they are not known), then WriteNode for every node, then WriteEdge for every edge, then
// Close, which finishes the document. Writers hold no nodes or edges.
//
// The graph formats are not [quad.WriteCloser]s: a quad is one predicate
// between two values, while these formats need each node's name, type and
// colour before the node is written, and each edge's evidence folded in.
type GraphWriter interface {
	Begin(nodes, edges int) error
	WriteNode(n *Node) error
	WriteEdge(e *Edge) error
	Close() error
}

// Format is one export format.
type Format struct {
	Name        string // as given to --format and ?format=
	Ext         string // file extension, without the dot
	ContentType string
	graph       func(io.Writer) GraphWriter
	quads       func(io.Writer) quad.WriteCloser
	// evidence says whether edges carry their evidence text.
	evidence bool
	// stream says whether the writer can start before the counts are known,
	// so that the whole graph can be written by a streamer.
	stream bool
}

// Formats lists every format, in the order help text shows them.
var Formats = []Format{
	{Name: "dot", Ext: "dot", ContentType: "text/vnd.graphviz; charset=utf-8", graph: NewDOTWriter},
	{Name: "graphml", Ext: "graphml", ContentType: "application/graphml+xml; charset=utf-8", graph: NewGraphMLWriter, stream: true},
	{Name: "gexf", Ext: "gexf", ContentType: "application/gexf+xml; charset=utf-8", graph: NewGEXFWriter, stream: true},
	{Name: "cytoscape", Ext: "cyjs", ContentType: "application/json", graph: NewCytoscapeWriter, evidence: true, stream: true},
	{Name: "json", Ext: "json", ContentType: "application/json", graph: NewJSONWriter, evidence: true, stream: true},
	{Name: "nquads", Ext: "nq", ContentType: "application/n-quads", quads: func(w io.Writer) quad.WriteCloser { return nquads.NewWriter(w) }},
	{Name: "jsonld", Ext: "jsonld", ContentType: "application/ld+json", quads: newJSONLDWriter},
}

// FormatNames returns the names of Formats, for help and error text.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// ParseFormat returns the format called name.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, graph.Errorf(graph.EINVALID, "unknown export format %q (want one of %s)", name, strings.Join(FormatNames(), ", "))
}

// Export is a selection ready to be written. New does all the work that can
// fail on the user's input, so that a server can still answer with an error
// status before the first byte of the export.
type Export struct {
	store  *graph.Store
	format Format
	opt    Options
	m      *model // nil when the whole graph is copied quad by quad or streamed
	sel    *selection
	stream *streamer // the whole graph from a Bolt or SQL store
}

// New prepares the export of the part of s that opt selects, in format f.
// It returns EINVALID for a bad option and ENOTFOUND for an unknown entity.
func New(ctx context.Context, s *graph.Store, f Format, opt Options) (*Export, error) {
	x := &Export{store: s, format: f, opt: opt}
	if f.quads != nil && !opt.filtered() {
		return x, nil
	}
	if streamable(s, f, opt) {
		x.stream = newStreamer(s, f.evidence)
		return x, nil
	}
	m, err := scan(ctx, s, f.evidence || opt.EvidenceNodes)
	if err != nil {
		return nil, err
	}
	sel, err := selectGraph(ctx, m, opt)
	if err != nil {
		return nil, err
	}
	x.m, x.sel = m, sel
	return x, nil
}

// Counts returns how many nodes and edges a graph format will write: zero
// for quad formats, -1 for a streamed graph, whose counts are not known
// before it is written.
func (x *Export) Counts() (nodes, edges int) {
	if x.stream != nil {
		return -1, -1
	}
	if x.sel == nil || x.format.graph == nil {
		return 0, 0
	}
	return len(x.sel.nodes), len(x.sel.edges) + len(x.sel.evEdges)
}

// WriteTo writes the export to w.
func (x *Export) WriteTo(ctx context.Context, w io.Writer) error {
	if x.format.quads != nil {
		return x.writeQuads(ctx, w)
	}
	gw := x.format.graph(w)
	if x.stream != nil {
		if err := x.stream.write(ctx, gw); err != nil {
			return fmt.Errorf("write %s: %w", x.format.Name, err)
		}
		return nil
	}
	n, e := x.Counts()
	if err := gw.Begin(n, e); err != nil {
		return fmt.Errorf("write %s: %w", x.format.Name, err)
	}
	for _, r := range x.sel.nodes {
		node := x.m.node(r)
		if err := gw.WriteNode(&node); err != nil {
			return fmt.Errorf("write %s: %w", x.format.Name, err)
		}
	}
	for i, rec := range x.sel.edges {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		edge := x.m.edge(rec)
		if err := gw.WriteEdge(&edge); err != nil {
			return fmt.Errorf("write %s: %w", x.format.Name, err)
		}
	}
	for i := range x.sel.evEdges {
		if err := gw.WriteEdge(&x.sel.evEdges[i]); err != nil {
			return fmt.Errorf("write %s: %w", x.format.Name, err)
		}
	}
	if err := gw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", x.format.Name, err)
	}
	return nil
}

// writeQuads copies the selected quads: all of them when nothing is
// filtered, else the vocabulary, the selected entities' own quads, the
// relationship quads among them, and the quads of their assertions and
// sources, so that the file loads again as a self-contained graph.
func (x *Export) writeQuads(ctx context.Context, w io.Writer) error {
	qw := x.format.quads(w)
	err := x.store.EachQuad(ctx, func(q quad.Quad) error {
		if x.m != nil && !x.keepQuad(q) {
			return nil
		}
		return qw.WriteQuad(q)
	})
	if cerr := qw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", x.format.Name, err)
	}
	return nil
}

func (x *Export) keepQuad(q quad.Quad) bool {
	if q.Label == graph.VocabGraph {
		return true
	}
	m := x.m
	s, ok := m.index[nodeID(q.Subject)]
	if !ok {
		return false
	}
	if p, ok := q.Predicate.(quad.IRI); ok && isNodeValue(q.Object) {
		if o, ok := m.index[nodeID(q.Object)]; ok {
			k := edgeKey{s: s, p: p, o: o}
			if m.edges[k] != nil {
				return x.sel.keepEdges[k]
			}
		}
	}
	return x.sel.keepNode[s]
}
