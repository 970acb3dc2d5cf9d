package export

import (
	"bufio"
	"encoding/json"
	"io"

	"gonum.org/v1/gonum/graph/formats/cytoscapejs"
)

// cytoscapeWriter writes Cytoscape.js JSON, {"elements":{"nodes":[…],
// "edges":[…]}}, which cy.add and the Cytoscape desktop app read. Elements
// are gonum's cytoscapejs types, encoded one at a time. Edges carry their
// evidence, so the graph page needs no other endpoint to show it.
type cytoscapeWriter struct {
	jsonStream
}

// NewCytoscapeWriter returns a writer of Cytoscape.js JSON to w.
func NewCytoscapeWriter(w io.Writer) GraphWriter {
	return &cytoscapeWriter{newJSONStream(w, `{"elements":{"nodes":[`, `],"edges":[`, "]}}\n")}
}

func (c *cytoscapeWriter) WriteNode(n *Node) error {
	attrs := map[string]any{"name": n.Name, "type": n.Type, "colour": n.Colour}
	for k, v := range map[string]string{"quote": n.Quote, "status": n.Status, "source": n.Source} {
		if v != "" {
			attrs[k] = v
		}
	}
	return c.item(false, &cytoscapejs.Node{Data: cytoscapejs.NodeData{ID: n.ID, Attributes: attrs}})
}

func (c *cytoscapeWriter) WriteEdge(e *Edge) error {
	attrs := map[string]any{"relationship": e.Relationship, "predicate": e.Predicate, "sources": e.Sources}
	if e.Date != "" {
		attrs["date"] = e.Date
	}
	if e.Evidence != nil {
		attrs["evidence"] = e.Evidence
	}
	return c.item(true, &cytoscapejs.Edge{Data: cytoscapejs.EdgeData{ID: e.ID, Source: e.Source, Target: e.Target, Attributes: attrs}})
}

// jsonNode and jsonLink are the plain JSON format's elements, the
// {"nodes","links"} shape d3-force and NetworkX's node_link_graph read.
type jsonNode struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Colour string `json:"colour"`
	Quote  string `json:"quote,omitempty"`
	Status string `json:"status,omitempty"`
	Source string `json:"source,omitempty"`
}

type jsonLink struct {
	ID           string     `json:"id"`
	Source       string     `json:"source"`
	Target       string     `json:"target"`
	Relationship string     `json:"relationship"`
	Predicate    string     `json:"predicate"`
	Sources      int        `json:"sources"`
	Date         string     `json:"date,omitempty"`
	Evidence     []Evidence `json:"evidence,omitempty"`
}

// plainJSONWriter writes {"nodes":[…],"links":[…]}.
type plainJSONWriter struct {
	jsonStream
}

// NewJSONWriter returns a writer of plain node-link JSON to w.
func NewJSONWriter(w io.Writer) GraphWriter {
	return &plainJSONWriter{newJSONStream(w, `{"nodes":[`, `],"links":[`, "]}\n")}
}

func (p *plainJSONWriter) WriteNode(n *Node) error {
	return p.item(false, jsonNode{ID: n.ID, Name: n.Name, Type: n.Type, Colour: n.Colour, Quote: n.Quote, Status: n.Status, Source: n.Source})
}

func (p *plainJSONWriter) WriteEdge(e *Edge) error {
	return p.item(true, jsonLink{ID: e.ID, Source: e.Source, Target: e.Target, Relationship: e.Relationship,
		Predicate: e.Predicate, Sources: e.Sources, Date: e.Date, Evidence: e.Evidence})
}

// jsonStream writes a JSON object holding two arrays, one element at a time.
type jsonStream struct {
	w                   *bufio.Writer
	enc                 *json.Encoder
	open, middle, close string
	inEdges, first      bool
}

func newJSONStream(w io.Writer, open, middle, close string) jsonStream {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // quotes keep their & and <
	return jsonStream{w: bw, enc: enc, open: open, middle: middle, close: close, first: true}
}

func (j *jsonStream) Begin(nodes, edges int) error {
	_, err := j.w.WriteString(j.open)
	return err
}

// item writes v as the next element of the nodes array, or of the edges
// array when edge is set.
func (j *jsonStream) item(edge bool, v any) error {
	if edge && !j.inEdges {
		j.w.WriteString(j.middle)
		j.inEdges, j.first = true, true
	}
	if !j.first {
		j.w.WriteString(",")
	}
	j.first = false
	return j.enc.Encode(v) // Encode's trailing newline keeps one element per line
}

func (j *jsonStream) Close() error {
	if !j.inEdges {
		j.w.WriteString(j.middle)
	}
	j.w.WriteString(j.close)
	return j.w.Flush()
}
