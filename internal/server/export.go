package server

import (
	"embed"
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/export"
)

// web holds the graph page and the Cytoscape.js it runs on, vendored so
// that the page works with no network connection (no CDN). refresh-
// cytoscape.sh is left out: it is for maintainers, not browsers.
//
//go:embed web/index.html web/app.js web/style.css web/cytoscape.min.js web/LICENSE web/VERSION
var web embed.FS

// pageCSP lets the page load only what the binary serves: scripts, styles
// and API calls from its own origin, no inline script, no third party.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// registerExportRoutes adds the export endpoint, the graph page at / and
// its assets under /web/.
func (s *Server) registerExportRoutes() {
	s.mux.HandleFunc("GET /api/v1/export", s.query(s.handleExport))
	s.mux.HandleFunc("POST /api/v1/export", s.query(s.handleExport))
	s.mux.HandleFunc("GET /{$}", s.handleIndex)
	assets, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	s.mux.Handle("GET /web/", http.StripPrefix("/web/", s.assets(http.FileServerFS(assets))))
}

// exportKeys are the export's own parameters; any other key is a parameter
// of the saved query that query= names.
var exportKeys = map[string]bool{
	"format": true, "around": true, "hops": true, "query": true, "nodes": true,
	"since": true, "until": true, "predicate": true, "evidence-nodes": true,
}

// handleExport answers GET /api/v1/export?format=F with the graph, or the
// part of it that around=ENTITY&hops=N, query=NAME (with that query's own
// parameters), nodes=IRI (repeatable), since=, until=, predicate=
// (repeatable) select; evidence-nodes=true keeps assertions as nodes. POST
// takes the same parameters as a form body, for node lists too long for a
// URL (the page's "download this view"). The answer carries the format's
// Content-Type and a Content-Disposition file name.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if !errors.As(err, &tooBig) {
			err = &graph.Error{Code: graph.EINVALID, Message: "bad form: " + err.Error(), Err: err}
		}
		s.error(w, r, err)
		return
	}
	form := r.Form
	name := form.Get("format")
	if name == "" {
		name = "graphml"
	}
	f, err := export.ParseFormat(name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r.Context())
	defer cancel()
	opt := export.Options{
		Around:     form.Get("around"),
		Since:      form.Get("since"),
		Until:      form.Get("until"),
		Predicates: nonEmpty(form["predicate"]),
		Nodes:      nonEmpty(form["nodes"]),
		Lookup:     s.store.Lookup,
	}
	if v := form.Get("hops"); v != "" {
		if opt.Hops, err = strconv.Atoi(v); err != nil || opt.Hops < 0 {
			s.error(w, r, graph.Errorf(graph.EINVALID, "hops %q is not a whole number ≥ 0", v))
			return
		}
	}
	if v := form.Get("evidence-nodes"); v != "" {
		if opt.EvidenceNodes, err = strconv.ParseBool(v); err != nil {
			s.error(w, r, graph.Errorf(graph.EINVALID, "evidence-nodes %q is not true or false", v))
			return
		}
	}
	args := map[string]string{}
	for k, v := range form {
		if !exportKeys[k] && len(v) > 0 {
			args[k] = v[0]
		}
	}
	if qname := form.Get("query"); qname != "" {
		if opt.Nodes != nil {
			s.error(w, r, graph.Errorf(graph.EINVALID, "choose one of query and nodes"))
			return
		}
		q, ok := s.saved[qname]
		if !ok {
			s.error(w, r, graph.Errorf(graph.EINVALID, "no saved query %q (there are: %s)", qname, strings.Join(s.savedNames(), ", ")))
			return
		}
		res, err := s.runSaved(ctx, q, args)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if res.Truncated {
			w.Header().Set("X-Result-Truncated", "true")
		}
		opt.Nodes = export.RowNodes(res.Rows)
	} else {
		for k := range args {
			s.error(w, r, graph.Errorf(graph.EINVALID, "unknown parameter %q (a saved query's parameters need query=NAME)", k))
			return
		}
	}
	x, err := export.New(ctx, s.store, f, opt)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if n, _ := x.Counts(); n >= 0 {
		setRows(r, n)
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": exportFileName(form.Get("query"), opt, f)}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := x.WriteTo(ctx, w); err != nil {
		// The status line has gone out: all that is left is to log it
		// and cut the body short, which the client sees as a broken transfer.
		s.log.ErrorContext(ctx, "export", "format", f.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// fileNameUnsafe matches what a file name should not carry.
var fileNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// exportFileName names the download after what it holds:
// agencygraph-ICE-2hops.graphml, agencygraph-neighbors.cyjs, agencygraph.dot.
func exportFileName(query string, opt export.Options, f export.Format) string {
	parts := []string{"agencygraph"}
	switch {
	case opt.Around != "":
		hops := max(opt.Hops, 1)
		parts = append(parts, opt.Around, strconv.Itoa(hops)+"hop")
		if hops > 1 {
			parts[len(parts)-1] += "s"
		}
	case query != "":
		parts = append(parts, query)
	case opt.Nodes != nil:
		parts = append(parts, "view")
	}
	if opt.Since != "" {
		parts = append(parts, "since-"+opt.Since)
	}
	if opt.Until != "" {
		parts = append(parts, "until-"+opt.Until)
	}
	name := fileNameUnsafe.ReplaceAllString(strings.Join(parts, "-"), "_")
	name = strings.Trim(name, "._")
	if len(name) > 100 {
		name = name[:100]
	}
	return name + "." + f.Ext
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// handleIndex answers GET / with the graph page.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	page, err := web.ReadFile("web/index.html")
	if err != nil {
		s.error(w, r, err)
		return
	}
	setPageHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// assets serves the page's scripts and styles with the page's headers.
func (s *Server) assets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w)
		h.ServeHTTP(w, r)
	})
}

func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}
