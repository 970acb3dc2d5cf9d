package server

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"
	_ "github.com/cayleygraph/quad/dot" // the formats Cayley's read and write endpoints offer
	_ "github.com/cayleygraph/quad/gml"
	_ "github.com/cayleygraph/quad/graphml"
	_ "github.com/cayleygraph/quad/json"
	_ "github.com/cayleygraph/quad/jsonld"
	_ "github.com/cayleygraph/quad/nquads"
	_ "github.com/cayleygraph/quad/pquads"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/nquads"
)

// gizmoLang is the one query language served; Cayley's MQL, GraphQL and
// S-expressions are not.
const gizmoLang = "gizmo"

func checkLang(lang string) error {
	switch lang {
	case gizmoLang:
		return nil
	case "":
		return graph.Errorf(graph.EINVALID, "query language not specified")
	}
	return graph.Errorf(graph.EINVALID, "unknown query language %q: this server speaks gizmo", lang)
}

// limitFrom returns the row limit a query asks for with ?limit=: Cayley's
// 100 when it names none, and never more than the runner's cap (a negative
// limit, unlimited in Cayley, is the cap).
func (s *Server) limitFrom(r *http.Request) (int, error) {
	n := defaultLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return 0, graph.Errorf(graph.EINVALID, "limit %q is not a number", v)
		}
		if n == 0 {
			n = defaultLimit
		}
	}
	if max := s.runner.Limit; max > 0 && (n < 0 || n > max) {
		n = max
	}
	return n, nil
}

// gizmo runs src under the runner's deadline with the given row limit.
func (s *Server) gizmo(r *http.Request, src string, limit int) ([]any, error) {
	rr := *s.runner
	rr.Limit = limit
	res, err := rr.Gizmo(r.Context(), src, nil)
	if err != nil {
		return nil, err
	}
	setRows(r, len(res))
	return res, nil
}

// writeResult writes results as Cayley does: {"result": [...]}, null when
// there are none, and a newline. Cayley's v1 query endpoint escapes <, > and
// & in strings (\u003cICE\u003e), its v2 endpoint does not; escapeHTML says
// which to imitate. Either way a JSON decoder reads the same values.
func writeResult(w http.ResponseWriter, contentType string, res []any, escapeHTML bool) {
	if len(res) == 0 {
		res = nil
	}
	w.Header().Set("Content-Type", contentType)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(map[string]any{"result": res})
}

// handleV1Query is Cayley's POST /api/v1/query/gizmo: the script is the
// body, ?limit= caps the rows.
func (s *Server) handleV1Query(w http.ResponseWriter, r *http.Request) {
	if err := checkLang(r.PathValue("lang")); err != nil {
		s.errorAs(w, r, err, framingPlain)
		return
	}
	limit, err := s.limitFrom(r)
	if err != nil {
		s.errorAs(w, r, err, framingV1Query)
		return
	}
	src, err := io.ReadAll(r.Body)
	if err != nil {
		s.errorAs(w, r, err, framingV1Query)
		return
	}
	res, err := s.gizmo(r, string(src), limit)
	if err != nil {
		s.errorAs(w, r, err, framingV1Query)
		return
	}
	writeResult(w, contentTypeJSON, res, true)
}

// handleV2Query is Cayley's /api/v2/query?lang=gizmo: the script is ?qu= on
// GET and the body on POST; Accept: application/ld+json asks for JSON-LD
// values.
func (s *Server) handleV2Query(w http.ResponseWriter, r *http.Request) {
	if err := checkLang(r.URL.Query().Get("lang")); err != nil {
		s.errorAs(w, r, err, framingPlain)
		return
	}
	limit, err := s.limitFrom(r)
	if err != nil {
		s.errorAs(w, r, err, framingPlain)
		return
	}
	src, err := querySource(r)
	if err != nil {
		f := framingPlain // Cayley: jsonResponse for an empty query
		if graph.Code(err) != graph.EINVALID {
			f = framingV2Query // a body too large or cut off
		}
		s.errorAs(w, r, err, f)
		return
	}
	ctype := contentTypeJSON
	if firstMediaType(r.Header.Get("Accept")) == contentTypeJSONLD {
		ctype = contentTypeJSONLD
	}
	var res []any
	if ctype == contentTypeJSONLD {
		res, err = s.gizmoLD(r, src, limit)
	} else {
		res, err = s.gizmo(r, src, limit)
	}
	if err != nil {
		s.errorAs(w, r, err, framingV2Query)
		return
	}
	writeResult(w, ctype, res, false)
}

// querySource returns the script of a v2 query or shape request.
func querySource(r *http.Request) (string, error) {
	src := r.URL.Query().Get("qu")
	if r.Method == http.MethodPost {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return "", err
		}
		src = string(b)
	}
	if src == "" {
		return "", graph.Errorf(graph.EINVALID, "query is empty")
	}
	return src, nil
}

// handleV1Shape is Cayley's /api/v1/shape/gizmo: the iterator tree the
// script builds, as nodes and links, without running it. POST takes the
// script as the body, as Cayley does; GET (which Cayley lacks) takes it as
// ?qu=. The body is json.Marshal's, without a newline, as Cayley writes it.
func (s *Server) handleV1Shape(w http.ResponseWriter, r *http.Request) {
	if err := checkLang(r.PathValue("lang")); err != nil {
		s.errorAs(w, r, err, framingPlain)
		return
	}
	src, err := querySource(r)
	if err != nil {
		s.errorAs(w, r, err, framingEncoder)
		return
	}
	shape, err := s.shape(r.Context(), src)
	if err != nil {
		s.errorAs(w, r, err, framingEncoder)
		return
	}
	data, err := json.Marshal(shape)
	if err != nil {
		s.errorAs(w, r, err, framingEncoder)
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Write(data)
}

// firstMediaType returns the first media type of an Accept or Content-Type
// header, without parameters; Cayley also looks only at the first.
func firstMediaType(h string) string {
	first, _, _ := strings.Cut(h, ",")
	mt, _, err := mime.ParseMediaType(first)
	if err != nil {
		return ""
	}
	return mt
}

// readFormat picks the format of GET /api/v2/read as Cayley does: ?format=
// by name (nil if unknown), else the first MIME type of Accept if it names
// a format, else N-Quads, so that curl's */* and a browser's text/html get
// N-Quads.
func readFormat(r *http.Request) *quad.Format {
	if name := r.FormValue("format"); name != "" {
		return quad.FormatByName(name)
	}
	if f := quad.FormatByMime(firstMediaType(r.Header.Get("Accept"))); f != nil {
		return f
	}
	return quad.FormatByName("nquads")
}

// quadFilter keeps the quads whose subject, predicate, object and label are
// among the values given for each (any value when none are), like Cayley's
// ?sub=&pred=&obj=&label= lists.
type quadFilter [4]map[string]bool

func newQuadFilter(r *http.Request) quadFilter {
	var f quadFilter
	for i, key := range []string{"sub", "pred", "obj", "label"} {
		v := r.FormValue(key)
		if v == "" {
			continue
		}
		f[i] = map[string]bool{}
		for _, s := range strings.Split(v, ",") {
			f[i][quad.StringToValue(s).String()] = true
		}
	}
	return f
}

func (f quadFilter) match(q quad.Quad) bool {
	for i, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if f[i] == nil {
			continue
		}
		if v == nil || !f[i][v.String()] {
			return false
		}
	}
	return true
}

// handleV2Read is Cayley's /api/v2/read: the store's quads (or those the
// filters keep) in the format asked for, gzipped if the client accepts it.
// It streams, so it is bounded by the query deadline rather than the row cap.
func (s *Server) handleV2Read(w http.ResponseWriter, r *http.Request) {
	format := readFormat(r)
	if format == nil || format.Writer == nil {
		s.error(w, r, graph.Errorf(graph.EINVALID, "format is not supported for reading data"))
		return
	}
	filter := newQuadFilter(r)
	ctx, cancel := s.queryContext(r.Context())
	defer cancel()
	cw := &checkWriter{w: w}
	var out io.Writer = cw
	var zw *gzip.Writer
	if firstMediaType(r.Header.Get("Accept-Encoding")) == "gzip" {
		w.Header().Set("Content-Encoding", "gzip")
		zw = gzip.NewWriter(cw)
		out = zw
	}
	if len(format.Mime) != 0 {
		w.Header().Set("Content-Type", format.Mime[0])
	}
	wc := format.Writer(out)
	var qw quad.Writer = wc
	switch r.FormValue("iri") {
	case "short":
		qw = quad.IRIWriter(qw, quad.IRIOptions{Format: quad.IRIShort})
	case "full":
		qw = quad.IRIWriter(qw, quad.IRIOptions{Format: quad.IRIFull})
	}
	n := 0
	err := s.store.EachQuad(ctx, func(q quad.Quad) error {
		if !filter.match(q) {
			return nil
		}
		n++
		return qw.WriteQuad(q)
	})
	if err == nil {
		err = wc.Close()
	}
	if err == nil && zw != nil {
		err = zw.Close()
	}
	setRows(r, n)
	if err != nil && !cw.written {
		w.Header().Del("Content-Encoding")
		s.error(w, r, err)
	} else if err != nil {
		// The status is sent: all that is left is to cut the body short.
		s.log.WarnContext(ctx, "read quads", "err", err)
	}
}

// checkWriter tells whether anything was written, that is, whether an error
// can still become a status.
type checkWriter struct {
	w       io.Writer
	written bool
}

func (c *checkWriter) Write(p []byte) (int, error) {
	c.written = true
	return c.w.Write(p)
}

// handleV2Formats is Cayley's /api/v2/formats: the quad formats this server
// reads and writes, sorted by name.
func (s *Server) handleV2Formats(w http.ResponseWriter, r *http.Request) {
	type format struct {
		ID     string   `json:"id"`
		Read   bool     `json:"read,omitempty"`
		Write  bool     `json:"write,omitempty"`
		Nodes  bool     `json:"nodes,omitempty"`
		Ext    []string `json:"ext,omitempty"`
		Mime   []string `json:"mime,omitempty"`
		Binary bool     `json:"binary,omitempty"`
	}
	formats := quad.Formats()
	sort.Slice(formats, func(i, j int) bool { return formats[i].Name < formats[j].Name })
	out := make([]format, 0, len(formats))
	for _, f := range formats {
		out = append(out, format{
			ID: f.Name, Ext: f.Ext, Mime: f.Mime,
			Read: f.Reader != nil, Write: f.Writer != nil,
			Nodes: f.UnmarshalValue != nil, Binary: f.Binary,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// jsonQuads parses the body of Cayley's v1 write and delete: a JSON array of
// {"subject", "predicate", "object", "label"} terms in N-Quads notation.
// Each becomes one N-Quads line read by the loader's strict parser, so the
// terms obey the same rules as a loaded file; an error names the quad by its
// index ("quad 2: …"). Cayley itself reads bare words as string literals.
func jsonQuads(r io.Reader) ([]quad.Quad, error) {
	var in []struct {
		Subject   string `json:"subject"`
		Predicate string `json:"predicate"`
		Object    string `json:"object"`
		Label     string `json:"label"`
	}
	if err := json.NewDecoder(r).Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, &graph.Error{Code: graph.EINVALID, Message: "body is not a JSON array of quads: " + err.Error(), Err: err}
	}
	out := make([]quad.Quad, 0, len(in))
	for i, jq := range in {
		terms := []string{jq.Subject, jq.Predicate, jq.Object}
		if jq.Label != "" {
			terms = append(terms, jq.Label)
		}
		line := strings.Join(terms, " ") + " .\n"
		if jq.Subject == "" || jq.Predicate == "" || jq.Object == "" || strings.ContainsAny(line[:len(line)-1], "\r\n") {
			return nil, graph.Errorf(graph.EINVALID, "quad %d: subject, predicate and object are required, on one line", i)
		}
		qs, err := quad.ReadAll(nquads.NewReader(strings.NewReader(line), fmt.Sprintf("quad %d", i), nquads.Options{}))
		if err != nil {
			return nil, &graph.Error{Code: graph.EINVALID, Message: err.Error(), Err: err}
		}
		out = append(out, qs...)
	}
	return out, nil
}

// handleV1Write is Cayley's POST /api/v1/write: a JSON array of quads,
// added all or nothing.
func (s *Server) handleV1Write(w http.ResponseWriter, r *http.Request) {
	qs, err := jsonQuads(r.Body)
	if err == nil {
		err = s.store.Add(r.Context(), qs)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	setRows(r, len(qs))
	w.Header().Set("Content-Type", contentTypeJSON)
	fmt.Fprintf(w, `{"result": "Successfully wrote %d quads."}`, len(qs))
}

// handleV1Delete is Cayley's POST /api/v1/delete: a JSON array of quads,
// removed all or nothing; quads the store lacks are not an error.
func (s *Server) handleV1Delete(w http.ResponseWriter, r *http.Request) {
	qs, err := jsonQuads(r.Body)
	if err == nil {
		err = s.store.Remove(r.Context(), qs)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	setRows(r, len(qs))
	w.Header().Set("Content-Type", contentTypeJSON)
	fmt.Fprintf(w, `{"result": "Successfully deleted %d quads."}`, len(qs))
}

// writeBody returns the body of a v2 write or delete, ungzipped if its
// Content-Encoding says so, and its format from Content-Type (N-Quads when
// there is none).
func writeBody(r *http.Request) (io.Reader, *quad.Format, error) {
	format := quad.FormatByName("nquads")
	if ct := r.Header.Get("Content-Type"); ct != "" {
		format = quad.FormatByMime(firstMediaType(ct))
	}
	if format == nil || format.Reader == nil {
		return nil, nil, graph.Errorf(graph.EINVALID, "format %q is not supported for writing data", r.Header.Get("Content-Type"))
	}
	var body io.Reader = r.Body
	if firstMediaType(r.Header.Get("Content-Encoding")) == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, nil, &graph.Error{Code: graph.EINVALID, Message: "body is not gzip: " + err.Error(), Err: err}
		}
		body = zr
	}
	return body, format, nil
}

// readQuads parses a whole v2 write or delete body: N-Quads with the same
// parser as load, other formats with quad's.
func readQuads(body io.Reader, format *quad.Format) ([]quad.Quad, error) {
	var qr quad.Reader
	if format.Name == "nquads" {
		qr = nquads.NewReader(body, "body", nquads.Options{})
	} else {
		qc := format.Reader(body)
		defer qc.Close()
		qr = qc
	}
	qs, err := quad.ReadAll(qr)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, &graph.Error{Code: graph.EINVALID, Message: fmt.Sprintf("read %s body: %v", format.Name, err), Err: err}
	}
	return qs, nil
}

// handleV2Write is Cayley's /api/v2/write: quads in any readable format,
// added all or nothing. N-Quads go through the loader itself.
func (s *Server) handleV2Write(w http.ResponseWriter, r *http.Request) {
	body, format, err := writeBody(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var n int64
	if format.Name == "nquads" {
		var res graph.LoadResult
		res, err = s.store.Load(r.Context(), []graph.Input{graph.ReaderInput("body", body)}, graph.LoadOptions{})
		n = res.Read
	} else {
		var qs []quad.Quad
		if qs, err = readQuads(body, format); err == nil {
			err = s.store.Add(r.Context(), qs)
			n = int64(len(qs))
		}
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	setRows(r, int(n))
	w.Header().Set("Content-Type", contentTypeJSON)
	fmt.Fprintf(w, `{"result": "Successfully wrote %d quads.", "count": %d}`+"\n", n, n)
}

// handleV2Delete is Cayley's /api/v2/delete: quads in any readable format,
// removed all or nothing.
func (s *Server) handleV2Delete(w http.ResponseWriter, r *http.Request) {
	body, format, err := writeBody(r)
	var qs []quad.Quad
	if err == nil {
		qs, err = readQuads(body, format)
	}
	if err == nil {
		err = s.store.Remove(r.Context(), qs)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	setRows(r, len(qs))
	w.Header().Set("Content-Type", contentTypeJSON)
	fmt.Fprintf(w, `{"result": "Successfully deleted %d quads.", "count": %d}`+"\n", len(qs), len(qs))
}
