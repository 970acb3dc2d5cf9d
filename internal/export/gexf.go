package export

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"gonum.org/v1/gonum/graph/formats/gexf12"
)

// gexfWriter writes GEXF 1.2 with gonum's gexf12 element types, encoding
// the <gexf>, <graph>, <nodes> and <edges> wrappers by hand so that each
// node and edge is written as it comes instead of in one gexf12.Content.
type gexfWriter struct {
	w     *bufio.Writer
	enc   *xml.Encoder
	edges int
	state int // 0 before Begin, 1 writing nodes, 2 writing edges
}

// NewGEXFWriter returns a writer of GEXF 1.2 to w.
func NewGEXFWriter(w io.Writer) GraphWriter {
	bw := bufio.NewWriter(w)
	return &gexfWriter{w: bw, enc: xml.NewEncoder(bw)}
}

// GEXF attribute IDs, per class.
var (
	gexfNodeAttrs = []gexf12.Attribute{
		{ID: "type", Title: "type", Type: "string"},
		{ID: "colour", Title: "colour", Type: "string"},
		{ID: "quote", Title: "quote", Type: "string"},
		{ID: "status", Title: "status", Type: "string"},
		{ID: "source", Title: "source", Type: "string"},
	}
	gexfEdgeAttrs = []gexf12.Attribute{
		{ID: "relationship", Title: "relationship", Type: "string"},
		{ID: "predicate", Title: "predicate", Type: "string"},
		{ID: "sources", Title: "sources", Type: "integer"},
		{ID: "date", Title: "date", Type: "string"},
	}
)

const gexfHeader = `<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" version="1.2">
  <meta><creator>agencygraph</creator><description>US government agencies and how they work with one another, every edge backed by evidence</description></meta>
  <graph defaultedgetype="directed" mode="static">
`

func (g *gexfWriter) encode(indent string, v any, name string) error {
	g.w.WriteString(indent)
	if err := g.enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
		return err
	}
	_, err := g.w.WriteString("\n")
	return err
}

func (g *gexfWriter) Begin(nodes, edges int) error {
	g.w.WriteString(gexfHeader)
	if err := g.encode("    ", gexf12.Attributes{Class: "node", Attributes: gexfNodeAttrs}, "attributes"); err != nil {
		return err
	}
	if err := g.encode("    ", gexf12.Attributes{Class: "edge", Attributes: gexfEdgeAttrs}, "attributes"); err != nil {
		return err
	}
	g.edges, g.state = edges, 1
	if nodes < 0 { // streamed: counts are optional in GEXF
		_, err := g.w.WriteString("    <nodes>\n")
		return err
	}
	_, err := fmt.Fprintf(g.w, "    <nodes count=\"%d\">\n", nodes)
	return err
}

func attValues(pairs ...string) *gexf12.AttValues {
	var av gexf12.AttValues
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			av.AttValues = append(av.AttValues, gexf12.AttValue{For: pairs[i], Value: pairs[i+1]})
		}
	}
	return &av
}

// rgb parses "#rrggbb".
func rgb(hex string) *gexf12.Color {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		return nil
	}
	return &gexf12.Color{R: byte(v >> 16), G: byte(v >> 8), B: byte(v)}
}

func (g *gexfWriter) WriteNode(n *Node) error {
	return g.encode("      ", gexf12.Node{
		ID:        n.ID,
		Label:     n.Name,
		AttValues: attValues("type", n.Type, "colour", n.Colour, "quote", n.Quote, "status", n.Status, "source", n.Source),
		Color:     rgb(n.Colour),
	}, "node")
}

func (g *gexfWriter) endNodes() {
	if g.state == 1 {
		if g.edges < 0 {
			g.w.WriteString("    </nodes>\n    <edges>\n")
		} else {
			fmt.Fprintf(g.w, "    </nodes>\n    <edges count=\"%d\">\n", g.edges)
		}
		g.state = 2
	}
}

func (g *gexfWriter) WriteEdge(e *Edge) error {
	g.endNodes()
	edge := gexf12.Edge{
		ID:        e.ID,
		Type:      "directed",
		Label:     e.Relationship,
		Source:    e.Source,
		Target:    e.Target,
		AttValues: attValues("relationship", e.Relationship, "predicate", e.Predicate, "sources", strconv.Itoa(e.Sources), "date", e.Date),
	}
	if e.Sources > 0 {
		edge.Weight = float64(e.Sources)
	}
	return g.encode("      ", edge, "edge")
}

func (g *gexfWriter) Close() error {
	g.endNodes()
	g.w.WriteString("    </edges>\n  </graph>\n</gexf>\n")
	return g.w.Flush()
}
