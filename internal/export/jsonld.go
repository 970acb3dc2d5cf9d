package export

import (
	"io"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
)

// JSONLDBase is the IRI the dataset's relative IRIs (<ICE>, <assists>)
// resolve against in JSON-LD. RDF in JSON-LD has no relative IRIs: a
// processor drops an "@id" or property it cannot make absolute, so quad's
// writer alone yields a document that reads back as nothing. The export
// makes IRIs absolute against this base and compacts with {"@base",
// "@vocab"} set to it, so the document still shows "ICE" and "assists" and
// any JSON-LD processor expands them to JSONLDBase+"ICE".
const JSONLDBase = "https://github.com/agencygraph/agencygraph/"

// jsonldWriter wraps quad's JSON-LD writer, which holds the quads until
// Close (JSON-LD's fromRdf algorithm groups a node's statements together).
type jsonldWriter struct {
	*jsonld.Writer
}

func newJSONLDWriter(w io.Writer) quad.WriteCloser {
	jw := jsonld.NewWriter(w)
	jw.SetLdContext(map[string]any{"@base": JSONLDBase, "@vocab": JSONLDBase})
	return jsonldWriter{jw}
}

func absolute(v quad.Value) quad.Value {
	switch v := v.(type) {
	case quad.IRI:
		if !strings.Contains(string(v), ":") {
			return quad.IRI(JSONLDBase + string(v))
		}
	case quad.TypedString:
		if !strings.Contains(string(v.Type), ":") {
			v.Type = quad.IRI(JSONLDBase + string(v.Type))
			return v
		}
	}
	return v
}

func (w jsonldWriter) WriteQuad(q quad.Quad) error {
	q.Subject, q.Predicate, q.Object = absolute(q.Subject), absolute(q.Predicate), absolute(q.Object)
	if q.Label != nil {
		q.Label = absolute(q.Label)
	}
	return w.Writer.WriteQuad(q)
}

func (w jsonldWriter) WriteQuads(buf []quad.Quad) (int, error) {
	for i, q := range buf {
		if err := w.WriteQuad(q); err != nil {
			return i, err
		}
	}
	return len(buf), nil
}
