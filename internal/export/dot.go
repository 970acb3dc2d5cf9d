package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// SFDPThreshold is the node count above which DOT output asks for the sfdp
// layout: Graphviz's dot layout takes minutes past a few hundred nodes (500
// nodes and 1,500 edges did not finish in 240 s) where sfdp takes a fraction
// of a second.
const SFDPThreshold = 150

// dotWriter writes Graphviz DOT. quad's dot writer cannot be wrapped: it
// writes a fixed header (so no layout choice) and labels nodes with their
// raw N-Quads value, with no way to add a name, type or colour. This one
// keeps its shape (a header, one statement per line, a closing brace) and
// its escaping.
type dotWriter struct {
	w *bufio.Writer
}

// NewDOTWriter returns a writer of Graphviz DOT to w.
func NewDOTWriter(w io.Writer) GraphWriter { return &dotWriter{w: bufio.NewWriter(w)} }

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func dotQuote(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

func (d *dotWriter) Begin(nodes, edges int) error {
	d.w.WriteString("digraph agencygraph {\n")
	if nodes > SFDPThreshold {
		d.w.WriteString("\tgraph [layout=sfdp, overlap=prism, outputorder=edgesfirst, splines=false];\n")
	} else {
		d.w.WriteString("\tgraph [layout=dot, rankdir=LR];\n")
	}
	d.w.WriteString("\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n")
	_, err := d.w.WriteString("\tedge [fontname=\"Helvetica\", fontsize=8];\n")
	return err
}

func (d *dotWriter) WriteNode(n *Node) error {
	_, err := fmt.Fprintf(d.w, "\t%s [label=%s, type=%s, fillcolor=%s", dotQuote(n.ID), dotQuote(n.Name), dotQuote(n.Type), dotQuote(n.Colour))
	if n.Quote != "" {
		fmt.Fprintf(d.w, ", quote=%s", dotQuote(n.Quote))
	}
	if n.Status != "" {
		fmt.Fprintf(d.w, ", status=%s", dotQuote(n.Status))
	}
	if n.Source != "" {
		fmt.Fprintf(d.w, ", source=%s", dotQuote(n.Source))
	}
	d.w.WriteString("];\n")
	return err
}

func (d *dotWriter) WriteEdge(e *Edge) error {
	_, err := fmt.Fprintf(d.w, "\t%s -> %s [label=%s, predicate=%s, sources=%d",
		dotQuote(e.Source), dotQuote(e.Target), dotQuote(e.Relationship), dotQuote(e.Predicate), e.Sources)
	if e.Date != "" {
		fmt.Fprintf(d.w, ", date=%s", dotQuote(e.Date))
	}
	d.w.WriteString("];\n")
	return err
}

func (d *dotWriter) Close() error {
	d.w.WriteString("}\n")
	return d.w.Flush()
}
