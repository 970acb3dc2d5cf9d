package export

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
)

// graphMLWriter writes GraphML with encoding/xml, one element per node and
// edge. quad's graphml writer cannot be wrapped: its header declares a
// single "description" key per node and edge, holding the raw N-Quads value,
// and it has no way to add keys for name, type, colour or edge evidence.
type graphMLWriter struct {
	w   *bufio.Writer
	enc *xml.Encoder
}

// NewGraphMLWriter returns a writer of GraphML to w.
func NewGraphMLWriter(w io.Writer) GraphWriter {
	bw := bufio.NewWriter(w)
	return &graphMLWriter{w: bw, enc: xml.NewEncoder(bw)}
}

// graphMLKey declares one attribute of nodes or edges.
type graphMLKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

// graphMLData is one attribute value.
type graphMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// graphMLNode is a <node> element.
type graphMLNode struct {
	XMLName xml.Name      `xml:"node"`
	ID      string        `xml:"id,attr"`
	Data    []graphMLData `xml:"data"`
}

// graphMLEdge is an <edge> element.
type graphMLEdge struct {
	XMLName xml.Name      `xml:"edge"`
	ID      string        `xml:"id,attr"`
	Source  string        `xml:"source,attr"`
	Target  string        `xml:"target,attr"`
	Data    []graphMLData `xml:"data"`
}

// graphMLKeys are the attributes every export declares; the key IDs are the
// attribute names, so that the file reads well.
var graphMLKeys = []graphMLKey{
	{ID: "name", For: "node", Name: "name", Type: "string"},
	{ID: "type", For: "node", Name: "type", Type: "string"},
	{ID: "colour", For: "node", Name: "colour", Type: "string"},
	{ID: "quote", For: "node", Name: "quote", Type: "string"},
	{ID: "status", For: "node", Name: "status", Type: "string"},
	{ID: "source", For: "node", Name: "source", Type: "string"},
	{ID: "relationship", For: "edge", Name: "relationship", Type: "string"},
	{ID: "predicate", For: "edge", Name: "predicate", Type: "string"},
	{ID: "sources", For: "edge", Name: "sources", Type: "int"},
	{ID: "date", For: "edge", Name: "date", Type: "string"},
}

const graphMLHeader = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
`

func (g *graphMLWriter) Begin(nodes, edges int) error {
	g.w.WriteString(graphMLHeader)
	for _, k := range graphMLKeys {
		g.w.WriteString("  ")
		if err := g.enc.EncodeElement(k, xml.StartElement{Name: xml.Name{Local: "key"}}); err != nil {
			return err
		}
		g.w.WriteString("\n")
	}
	_, err := g.w.WriteString("  <graph id=\"agencygraph\" edgedefault=\"directed\">\n")
	return err
}

func data(out []graphMLData, key, value string) []graphMLData {
	if value == "" {
		return out
	}
	return append(out, graphMLData{Key: key, Value: value})
}

func (g *graphMLWriter) element(v any) error {
	g.w.WriteString("    ")
	if err := g.enc.Encode(v); err != nil {
		return err
	}
	_, err := g.w.WriteString("\n")
	return err
}

func (g *graphMLWriter) WriteNode(n *Node) error {
	d := data(nil, "name", n.Name)
	d = data(d, "type", n.Type)
	d = data(d, "colour", n.Colour)
	d = data(d, "quote", n.Quote)
	d = data(d, "status", n.Status)
	d = data(d, "source", n.Source)
	return g.element(graphMLNode{ID: n.ID, Data: d})
}

func (g *graphMLWriter) WriteEdge(e *Edge) error {
	d := data(nil, "relationship", e.Relationship)
	d = data(d, "predicate", e.Predicate)
	d = data(d, "sources", strconv.Itoa(e.Sources))
	d = data(d, "date", e.Date)
	return g.element(graphMLEdge{ID: e.ID, Source: e.Source, Target: e.Target, Data: d})
}

func (g *graphMLWriter) Close() error {
	g.w.WriteString("  </graph>\n</graphml>\n")
	return g.w.Flush()
}
