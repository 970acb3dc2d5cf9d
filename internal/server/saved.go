package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

type savedParam struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Default  string `json:"default,omitempty"`
	Optional bool   `json:"optional,omitempty"`
	Help     string `json:"help,omitempty"`
}

type savedInfo struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Params      []savedParam `json:"params"`
	Columns     []string     `json:"columns,omitempty"`
	Order       []string     `json:"order,omitempty"` // the columns that sort the rows, in turn
}

// handleSavedList answers GET /api/v1/saved: every saved query with its
// parameters, by name.
func (s *Server) handleSavedList(w http.ResponseWriter, r *http.Request) {
	out := make([]savedInfo, 0, len(s.saved))
	for _, name := range s.savedNames() {
		q := s.saved[name]
		info := savedInfo{Name: q.Name, Description: q.Description, Params: []savedParam{}, Columns: q.Columns, Order: q.Order}
		for _, p := range q.Params {
			info.Params = append(info.Params, savedParam{Name: p.Name, Kind: p.Kind, Default: p.Default, Optional: p.Optional, Help: p.Help})
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) savedNames() []string {
	names := make([]string, 0, len(s.saved))
	for name := range s.saved {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// handleSavedRun answers GET|POST /api/v1/saved/{name}: parameters come
// from the URL query and, on POST, from a JSON object body; ?format= picks
// json (default), csv or ndjson.
func (s *Server) handleSavedRun(w http.ResponseWriter, r *http.Request) {
	q, ok := s.saved[r.PathValue("name")]
	if !ok {
		s.error(w, r, graph.Errorf(graph.ENOTFOUND, "no saved query %q (there are: %s)",
			r.PathValue("name"), strings.Join(s.savedNames(), ", ")))
		return
	}
	format := r.URL.Query().Get("format")
	switch format {
	case "", "json", "csv", "ndjson":
	default:
		s.error(w, r, graph.Errorf(graph.EINVALID, "unknown format %q (want json, csv or ndjson)", format))
		return
	}
	args, err := savedArgs(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	res, err := s.runSaved(r.Context(), q, args)
	if err != nil {
		s.error(w, r, err)
		return
	}
	setRows(r, len(res.Rows))
	if res.Truncated {
		w.Header().Set("X-Result-Truncated", "true")
	}
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		res.WriteCSV(w)
	case "ndjson":
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, row := range res.Rows {
			enc.Encode(row)
		}
	default:
		rows := res.Rows
		if rows == nil {
			rows = []map[string]any{}
		}
		writeJSON(w, http.StatusOK, struct {
			Columns   []string         `json:"columns"`
			Rows      []map[string]any `json:"rows"`
			Truncated bool             `json:"truncated,omitempty"`
		}{res.Columns, rows, res.Truncated})
	}
}

// savedArgs collects a saved query's parameters: the URL query's (but for
// format), overridden by a POSTed JSON object's, whose numbers and booleans
// are taken as written.
func savedArgs(r *http.Request) (map[string]string, error) {
	args := map[string]string{}
	for k, v := range r.URL.Query() {
		if k != "format" && len(v) > 0 {
			args[k] = v[0]
		}
	}
	if r.Method != http.MethodPost {
		return args, nil
	}
	body := map[string]any{}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, &graph.Error{Code: graph.EINVALID, Message: "body is not a JSON object of parameters: " + err.Error(), Err: err}
	}
	for k, v := range body {
		switch v := v.(type) {
		case nil:
		case string:
			args[k] = v
		case json.Number, bool:
			args[k] = fmt.Sprint(v)
		default:
			return nil, graph.Errorf(graph.EINVALID, "parameter %q: want a string, number or boolean", k)
		}
	}
	return args, nil
}

// runSaved runs a saved query for a request. The query exists, so an entity
// a parameter names that is not found is the request's fault: 400, not 404.
func (s *Server) runSaved(ctx context.Context, q *query.Saved, args map[string]string) (*query.Result, error) {
	res, err := s.runner.Run(ctx, q, args)
	if graph.Code(err) == graph.ENOTFOUND {
		var e *graph.Error
		errors.As(err, &e)
		err = &graph.Error{Code: graph.EINVALID, Message: e.Message, Err: err}
	}
	return res, err
}
