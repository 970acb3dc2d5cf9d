package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
)

// Output formats of the query and gizmo commands.
const (
	formatTable  = "table"
	formatJSON   = "json"
	formatNDJSON = "ndjson"
	formatCSV    = "csv"
)

// runFlags are the flags query and gizmo share: how to print, how long to
// run, how many rows.
type runFlags struct {
	Output  string
	Timeout time.Duration
	Limit   int
}

// outputHelp goes into the Long help of both commands, since it is the
// contract scripts rely on.
const outputHelp = `Output (-o): table on a terminal, json otherwise, so that a pipe into jq or
a file gets every value in full.
  table   aligned columns; entities by name instead of IRI (<ICE> shows as
          "U.S. Immigration and Customs Enforcement"), well-known vocabulary
          IRIs shortened (org:headOf), statuses bare (stated). On a terminal
          each cell is cut to 60 characters; -o table into a pipe cuts nothing.
  json    one document: IRIs as "<iri>" strings, numbers and booleans typed.
  ndjson  one JSON object per row, one row per line.
  csv     a header of column names, then one line per row; IRIs as "<iri>".
--timeout stops a query that runs too long (a runaway script included);
--limit caps the rows, and says so on stderr when it cut any.`

func (f *runFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.Output, "output", "o", "", "output format: table|json|ndjson|csv (default: table on a terminal, else json)")
	fl.DurationVar(&f.Timeout, "timeout", 30*time.Second, "stop the query after this long (0 = never)")
	fl.IntVar(&f.Limit, "limit", 0, "return at most this many rows (0 = all)")
}

// format resolves the output format for w and checks the numbers.
func (f *runFlags) format(w io.Writer) (string, error) {
	if f.Timeout < 0 || f.Limit < 0 {
		return "", graph.Errorf(graph.EINVALID, "--timeout and --limit cannot be negative")
	}
	switch f.Output {
	case "":
		if isTerminal(w) {
			return formatTable, nil
		}
		return formatJSON, nil
	case formatTable, formatJSON, formatNDJSON, formatCSV:
		return f.Output, nil
	}
	return "", graph.Errorf(graph.EINVALID, "unknown output format %q (want table, json, ndjson or csv)", f.Output)
}

// rows is what every format prints: named columns, rows keyed by column,
// and whether --limit cut them short.
type rows = query.Result

// writeRows prints rs in format to w. show turns a value into table text;
// cut (> 0) is the most characters a table cell shows.
func writeRows(w io.Writer, format string, rs rows, show func(any) string, cut int) error {
	switch format {
	case formatJSON, formatNDJSON:
		return writeRowsJSON(w, rs, format == formatJSON)
	case formatCSV:
		return rs.WriteCSV(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := make([]string, len(rs.Columns))
	for i, c := range rs.Columns {
		head[i] = strings.ToUpper(c)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	cells := make([]string, len(rs.Columns))
	for _, r := range rs.Rows {
		for i, c := range rs.Columns {
			cells[i] = clip(tableSafe(show(r[c])), cut)
		}
		fmt.Fprintln(tw, strings.TrimRight(strings.Join(cells, "\t"), "\t"))
	}
	return tw.Flush()
}

// rowIndent is where a row's keys start in the indented document:
// {"rows": [{…}]} nests them three deep.
const rowIndent = "      "

// writeRowsJSON writes rs as one indented document {"columns": […],
// "rows": […], "truncated": true} (doc), or one compact object per line,
// each row's keys in column order (then any others, sorted), as a reader
// of the table would expect; a Go map would sort them all. The bytes are
// what json.Encoder (HTML left unescaped) writes of that document. The
// frame is written here and each value encoded alone, plain strings
// directly: encoding each row through MarshalJSON, which the encoder then
// checked and indented again, took 37 ms of the 340 ms a cold `evidence
// ICE` takes on a million quads (2,565 rows); this takes about 3. As the
// encoder did, it writes all or, on a value it cannot encode, nothing.
func writeRowsJSON(w io.Writer, rs rows, doc bool) error {
	j := newJSONWriter(doc)
	if doc {
		j.WriteString("{\n  \"columns\": ")
		switch {
		case rs.Columns == nil:
			j.WriteString("null")
		case len(rs.Columns) == 0:
			j.WriteString("[]")
		default:
			j.WriteString("[")
			for i, c := range rs.Columns {
				j.separate(i, "\n    ")
				if err := j.str(c); err != nil {
					return err
				}
			}
			j.WriteString("\n  ]")
		}
		j.WriteString(",\n  \"rows\": [")
	}
	for i, r := range rs.Rows {
		if doc {
			j.separate(i, "\n    ")
		}
		if err := j.row(rowKeys(rs.Columns, r), r); err != nil {
			return err
		}
	}
	if doc {
		if len(rs.Rows) > 0 {
			j.WriteString("\n  ")
		}
		j.WriteString("]")
		if rs.Truncated {
			j.WriteString(",\n  \"truncated\": true")
		}
		j.WriteString("\n}\n")
	}
	_, err := w.Write(j.Bytes())
	return err
}

// jsonWriter writes JSON values as json.Encoder (HTML left unescaped)
// does, indented as a row's values in writeRowsJSON's document or compact.
type jsonWriter struct {
	bytes.Buffer
	indent  bool
	enc     *json.Encoder
	scratch bytes.Buffer
}

func newJSONWriter(indent bool) *jsonWriter {
	j := &jsonWriter{indent: indent}
	j.enc = json.NewEncoder(&j.scratch)
	j.enc.SetEscapeHTML(false)
	if indent {
		j.enc.SetIndent(rowIndent, "  ")
	}
	return j
}

// row writes the object of row's keys, in order: indented, or compact and
// on a line of its own.
func (j *jsonWriter) row(keys []string, row map[string]any) error {
	newline, colon := "", ":"
	if j.indent {
		newline, colon = "\n"+rowIndent, ": "
	}
	j.WriteString("{")
	for i, k := range keys {
		j.separate(i, newline)
		if err := j.str(k); err != nil {
			return err
		}
		j.WriteString(colon)
		if err := j.value(row[k]); err != nil {
			return err
		}
	}
	switch {
	case !j.indent:
		j.WriteString("}\n")
	case len(keys) > 0:
		j.WriteString("\n    }")
	default:
		j.WriteString("}")
	}
	return nil
}

// separate starts the i-th member of an array or object: a comma after
// the first, then newline (and its indent) or nothing.
func (j *jsonWriter) separate(i int, newline string) {
	if i > 0 {
		j.WriteByte(',')
	}
	j.WriteString(newline)
}

func (j *jsonWriter) value(v any) error {
	switch v := v.(type) {
	case nil:
		j.WriteString("null")
		return nil
	case string:
		return j.str(v)
	}
	return j.encode(v)
}

func (j *jsonWriter) str(s string) error {
	if !plainJSON(s) {
		return j.encode(s)
	}
	j.WriteByte('"')
	j.WriteString(s)
	j.WriteByte('"')
	return nil
}

// encode writes v as the encoder does, without its newline.
func (j *jsonWriter) encode(v any) error {
	j.scratch.Reset()
	if err := j.enc.Encode(v); err != nil {
		return err
	}
	j.Write(j.scratch.Bytes()[:j.scratch.Len()-1])
	return nil
}

// plainJSON says s needs no escaping in JSON: printable ASCII without a
// quote or backslash. Others are left to the encoder, which knows the rest
// (control characters, invalid UTF-8, U+2028).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// rowKeys lists row's keys: the columns it has, in order, then the rest,
// sorted.
func rowKeys(columns []string, row map[string]any) []string {
	keys := make([]string, 0, len(row))
	for _, c := range columns {
		if _, ok := row[c]; ok && !slices.Contains(keys, c) {
			keys = append(keys, c)
		}
	}
	if len(keys) == len(row) {
		return keys
	}
	var rest []string
	for k := range row {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// writeJSON writes v as JSON with "<ICE>" left as it is (not \u003cICE\u003e).
func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// tableSafe keeps a cell on one line and keeps control characters (a
// terminal escape sequence hidden in a quote, say) off the terminal.
func tableSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return utf8.RuneError
		}
		return r
	}, s)
}

// clip cuts s to n characters, the last an ellipsis; n ≤ 0 keeps it whole.
func clip(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// vocabPrefixes shorten the W3C and schema.org IRIs of quads/README.md.
var vocabPrefixes = []struct{ prefix, iri string }{
	{"rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
	{"rdfs:", "http://www.w3.org/2000/01/rdf-schema#"},
	{"owl:", "http://www.w3.org/2002/07/owl#"},
	{"xsd:", "http://www.w3.org/2001/XMLSchema#"},
	{"org:", "http://www.w3.org/ns/org#"},
	{"prov:", "http://www.w3.org/ns/prov#"},
	{"schema:", "http://schema.org/"},
	{"skos:", "http://www.w3.org/2004/02/skos/core#"},
}

// namer returns how a table shows a value: an entity or source by its name,
// a vocabulary IRI by its prefixed form, a status without "status/",
// numbers without exponents. Each IRI is named once: the thousands of rows
// of a large answer repeat a few hundred sources, statuses and agencies, and
// naming one reads the store (6–20 % of the heavier saved queries on a
// 1M-quad Bolt store before the memo).
func namer(ctx context.Context, s *graph.Store) func(any) string {
	named := map[string]string{}
	return func(v any) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			if len(v) < 2 || v[0] != '<' || v[len(v)-1] != '>' {
				return v
			}
			name, ok := named[v]
			if !ok {
				name = iriName(ctx, s, v[1:len(v)-1])
				named[v] = name
			}
			return name
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case float32:
			return strconv.FormatFloat(float64(v), 'f', -1, 32)
		case bool, int, int64, int32:
			return fmt.Sprint(v)
		}
		return query.CellText(v)
	}
}

// iriName is an entity's or source's name, else the IRI in its prefixed
// form, a status without "status/".
func iriName(ctx context.Context, s *graph.Store, iri string) string {
	if name := s.Name(ctx, quad.IRI(iri)); name != iri {
		return name
	}
	for _, p := range vocabPrefixes {
		if strings.HasPrefix(iri, p.iri) {
			return p.prefix + iri[len(p.iri):]
		}
	}
	return strings.TrimPrefix(iri, "status/")
}

// resultRows turns Gizmo's results into rows: a map (a path's tags, an
// emitted object) is a row as it is, any other value a row with one
// "value" column; the null Cayley adds for a script's final value is
// dropped. Columns: "id" first, then the others in order.
func resultRows(results []any) rows {
	var rs rows
	seen := map[string]bool{}
	for _, v := range results {
		switch v := v.(type) {
		case nil:
			continue
		case map[string]any:
			rs.Rows = append(rs.Rows, v)
			for k := range v {
				seen[k] = true
			}
		default:
			rs.Rows = append(rs.Rows, map[string]any{"value": v})
			seen["value"] = true
		}
	}
	for k := range seen {
		rs.Columns = append(rs.Columns, k)
	}
	sort.Slice(rs.Columns, func(i, j int) bool {
		a, b := rs.Columns[i], rs.Columns[j]
		return a == "id" || b != "id" && a < b
	})
	if rs.Rows == nil {
		rs.Rows = []map[string]any{}
	}
	return rs
}
