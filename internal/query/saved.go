package query

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/agencygraph/agencygraph/internal/query/gizmo"
)

// Saved is one saved query, parsed from its file header.
type Saved struct {
	Name, Description, File, Source string
	Params                          []Param
	Columns                         []string
	// Order lists the columns the rows are sorted by, in turn (sortRows);
	// none keeps the order the script emits them in.
	Order []string
}

// Param is one parameter of a saved query.
type Param struct {
	Name    string // lower-case words joined by '-': "agency", "max-hops"
	Kind    string // entity | integer | date | string
	Default string // used when no value is given
	Help    string
	// Optional parameters without a value reach the script as null.
	Optional bool
}

// Global is the JavaScript global the parameter is bound to: its name in
// camelCase ("max-hops" → maxHops), since '-' cannot appear in a JS name.
func (p Param) Global() string {
	parts := strings.Split(p.Name, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// Kinds of parameter values.
const (
	KindEntity  = "entity"  // a name, alias or IRI, resolved to "<iri>"
	KindInteger = "integer" // a whole number ≥ 0
	KindDate    = "date"    // YYYY, YYYY-MM or YYYY-MM-DD
	KindString  = "string"  // any text
)

var (
	headerLine = regexp.MustCompile(`^//\s*([a-z]+):\s*(.*?)\s*$`)
	paramName  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
)

// LoadSaved reads every *.js in fsys (queries.FS, or os.DirFS for a user's
// own folder) and returns them by name. Each file starts with a header of
// `// key: value` lines: name, description, param (one per parameter:
// "NAME KIND [default=VALUE] [optional] [-- help]"), columns and order
// (the columns that sort the rows, in turn).
func LoadSaved(fsys fs.FS) (map[string]*Saved, error) {
	files, err := fs.Glob(fsys, "*.js")
	if err != nil {
		return nil, err
	}
	out := map[string]*Saved{}
	for _, file := range files {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		q, err := parseSaved(file, string(src))
		if err != nil {
			return nil, err
		}
		if prev, ok := out[q.Name]; ok {
			return nil, fmt.Errorf("saved query %q is defined in both %s and %s", q.Name, prev.File, file)
		}
		out[q.Name] = q
	}
	return out, nil
}

func parseSaved(file, src string) (*Saved, error) {
	q := &Saved{File: file, Source: src}
	orderAt := 0 // the order line, checked against the columns at the end
	sc := bufio.NewScanner(strings.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "//") {
			break // the header ends at the first line of code
		}
		m := headerLine.FindStringSubmatch(line)
		if m == nil {
			continue // prose in the header
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...))
		}
		switch key, val := m[1], m[2]; key {
		case "name":
			q.Name = val
		case "description":
			q.Description = val
		case "columns":
			q.Columns = append(q.Columns, list(val)...)
		case "order":
			q.Order, orderAt = append(q.Order, list(val)...), n
		case "param":
			p, err := parseParam(val)
			if err != nil {
				return nil, bad("%v", err)
			}
			if slices.ContainsFunc(q.Params, func(x Param) bool { return x.Name == p.Name }) {
				return nil, bad("parameter %q declared twice", p.Name)
			}
			q.Params = append(q.Params, p)
		}
	}
	if q.Name == "" {
		q.Name = strings.TrimSuffix(file, path.Ext(file))
	}
	for _, k := range q.Order {
		if !slices.Contains(q.Columns, k) {
			return nil, fmt.Errorf("%s:%d: order: %q is not one of the columns (%s)", file, orderAt, k, strings.Join(q.Columns, ", "))
		}
	}
	return q, nil
}

// list splits a header's comma-separated list.
func list(val string) []string {
	var out []string
	for _, c := range strings.Split(val, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func parseParam(s string) (Param, error) {
	var p Param
	if i := strings.Index(s, "--"); i >= 0 {
		s, p.Help = s[:i], strings.TrimSpace(s[i+2:])
	}
	f := strings.Fields(s)
	if len(f) < 2 {
		return p, fmt.Errorf("param %q: want NAME KIND", s)
	}
	p.Name, p.Kind = f[0], f[1]
	if !paramName.MatchString(p.Name) {
		return p, fmt.Errorf("param %q: name must be lower-case words joined by '-'", p.Name)
	}
	if gizmo.Reserved(p.Global()) {
		// Binding it would replace the graph object the script needs.
		return p, fmt.Errorf("param %q: the name is reserved by Gizmo", p.Name)
	}
	switch p.Kind {
	case KindEntity, KindInteger, KindDate, KindString:
	default:
		return p, fmt.Errorf("param %s: unknown kind %q (want entity, integer, date or string)", p.Name, p.Kind)
	}
	for _, opt := range f[2:] {
		switch {
		case strings.HasPrefix(opt, "default="):
			p.Default = strings.TrimPrefix(opt, "default=")
		case opt == "optional":
			p.Optional = true
		default:
			return p, fmt.Errorf("param %s: unknown option %q", p.Name, opt)
		}
	}
	return p, nil
}

// Usage is the query's synopsis: "path FROM TO [--max-hops N]".
func (q *Saved) Usage() string {
	var b strings.Builder
	b.WriteString(q.Name)
	for _, p := range q.Params {
		word := strings.ToUpper(p.Name)
		switch {
		case p.Kind == KindInteger:
			fmt.Fprintf(&b, " [--%s N]", p.Name)
		case p.Optional || p.Default != "":
			fmt.Fprintf(&b, " [%s]", word)
		default:
			fmt.Fprintf(&b, " %s", word)
		}
	}
	return b.String()
}
