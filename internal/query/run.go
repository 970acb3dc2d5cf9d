package query

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/agencygraph/agencygraph/graph"
)

// Result is a saved query's answer. Values are as Gizmo's JSON collation
// gives them: entities as "<iri>" strings (writers of tables show their
// names), numbers, booleans and text.
type Result struct {
	Columns []string         `json:"columns"`
	Rows    []map[string]any `json:"rows"`
	// Truncated says that the Runner's Limit cut the rows short.
	Truncated bool `json:"truncated,omitempty"`
}

var dateValue = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// Run resolves args (by parameter name), binds them and runs the query.
// Entity parameters are looked up by name, alias or IRI; integers and dates
// are validated. A bad value is an EINVALID *graph.Error naming the
// parameter (an unknown entity is ENOTFOUND and lists the closest matches).
func (r *Runner) Run(ctx context.Context, q *Saved, args map[string]string) (*Result, error) {
	params, err := r.Bind(ctx, q, args)
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: q.Columns, Rows: []map[string]any{}}
	seen := map[string]bool{}
	// Rows to be ordered are all read: the limit cuts the ordered rows.
	limit := r.Limit
	if len(q.Order) > 0 {
		limit = 0
	}
	err = r.each(ctx, q.Source, params, limit, func(v any) bool {
		switch v := v.(type) {
		case nil: // the script's final value
			return true
		case map[string]any:
			res.Rows = append(res.Rows, v)
			for k := range v {
				seen[k] = true
			}
		default:
			res.Rows = append(res.Rows, map[string]any{"value": v})
			seen["value"] = true
		}
		if limit > 0 && len(res.Rows) >= limit {
			res.Truncated = true
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(q.Order) > 0 {
		sortRows(res.Rows, q.Order)
		if r.Limit > 0 && len(res.Rows) > r.Limit {
			res.Rows, res.Truncated = res.Rows[:r.Limit], true
		}
	}
	if len(res.Columns) == 0 {
		for k := range seen {
			res.Columns = append(res.Columns, k)
		}
		sort.Strings(res.Columns)
	}
	return res, nil
}

// Bind turns args into the JavaScript globals q's script expects, keyed by
// Param.Global: defaults filled in, entities resolved to "<iri>", integers
// as numbers, missing optional parameters as nil (null).
func (r *Runner) Bind(ctx context.Context, q *Saved, args map[string]string) (map[string]any, error) {
	known := map[string]bool{}
	params := map[string]any{}
	for _, p := range q.Params {
		known[p.Name] = true
		v, ok := args[p.Name]
		if !ok || v == "" {
			v = p.Default
		}
		if v == "" {
			if !p.Optional {
				return nil, graph.Errorf(graph.EINVALID, "%s: missing %s (usage: %s)", q.Name, strings.ToUpper(p.Name), q.Usage())
			}
			params[p.Global()] = nil
			continue
		}
		val, err := r.paramValue(ctx, q, p, v)
		if err != nil {
			return nil, err
		}
		params[p.Global()] = val
	}
	for name := range args {
		if !known[name] {
			return nil, graph.Errorf(graph.EINVALID, "%s has no parameter %q (usage: %s)", q.Name, name, q.Usage())
		}
	}
	return params, nil
}

func (r *Runner) paramValue(ctx context.Context, q *Saved, p Param, v string) (any, error) {
	switch p.Kind {
	case KindEntity:
		iri, err := r.Store.Lookup(ctx, v)
		if err != nil {
			if e, ok := err.(*graph.Error); ok {
				return nil, &graph.Error{Code: e.Code, Message: q.Name + ": " + p.Name + ": " + e.Message, Err: err}
			}
			return nil, err
		}
		return "<" + string(iri) + ">", nil
	case KindInteger:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < 0 {
			return nil, graph.Errorf(graph.EINVALID, "%s: %s: %q is not a whole number ≥ 0", q.Name, p.Name, v)
		}
		return n, nil
	case KindDate:
		v = strings.TrimSpace(v)
		if !dateValue.MatchString(v) {
			return nil, graph.Errorf(graph.EINVALID, "%s: %s: %q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", q.Name, p.Name, v)
		}
		return v, nil
	}
	return v, nil
}
