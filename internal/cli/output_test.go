package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// encoderRow is a row as encoding/json writes it with keys in rowKeys
// order: the reference writeRowsJSON must match byte for byte.
type encoderRow struct {
	columns []string
	row     map[string]any
}

func (r encoderRow) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range rowKeys(r.columns, r.row) {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, k, false); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // the encoder's newline
		b.WriteByte(':')
		if err := writeJSON(&b, r.row[k], false); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encoderRows writes rs as encoding/json does: the document indented, or a
// compact row per line.
func encoderRows(t *testing.T, rs rows, doc bool) string {
	t.Helper()
	var b bytes.Buffer
	ordered := make([]encoderRow, len(rs.Rows))
	for i, r := range rs.Rows {
		ordered[i] = encoderRow{rs.Columns, r}
	}
	var err error
	if doc {
		err = writeJSON(&b, struct {
			Columns   []string     `json:"columns"`
			Rows      []encoderRow `json:"rows"`
			Truncated bool         `json:"truncated,omitempty"`
		}{rs.Columns, ordered, rs.Truncated}, true)
	}
	for _, r := range ordered {
		if err == nil && !doc {
			err = writeJSON(&b, r, false)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteRowsJSON_AsEncodingJSON(t *testing.T) {
	cols := []string{"helper", "help", "count"}
	tests := []struct {
		name string
		rs   rows
	}{
		{"no rows", rows{Columns: cols, Rows: []map[string]any{}}},
		{"no columns", rows{Columns: []string{}, Rows: []map[string]any{{"a": "x"}}}},
		{"nil columns", rows{Rows: []map[string]any{{"b": 1.5, "a": "x"}}}},
		{"empty row", rows{Columns: cols, Rows: []map[string]any{{}, {"help": "<assists>"}}}},
		{"column order, extra keys sorted, missing columns left out", rows{Columns: cols, Rows: []map[string]any{
			{"count": int64(935), "zeta": true, "helper": "<ATF>", "alpha": nil},
		}}},
		{"a column given twice", rows{Columns: []string{"a", "b", "a"}, Rows: []map[string]any{{"a": "1", "b": "2"}}}},
		{"scalars", rows{Columns: cols, Rows: []map[string]any{
			{"helper": nil, "help": false, "count": 1e21},
			{"helper": float64(60), "help": 0.000001, "count": int64(-3)},
			{"helper": json.Number("12"), "help": int(7), "count": 1.25},
		}}},
		{"strings the encoder escapes", rows{Columns: cols, Rows: []map[string]any{
			{"helper": `say "hi" \ there`, "help": "tab\there\nnew\rline\b\f\x01\x1f", "count": "<a href='x'>&amp;</a>"},
			{"helper": "bad \xff utf-8", "help": "line\u2028sep\u2029", "count": "“ICE” — the café\x7f"},
			{"helper": "", "help": "\U0001F600", "count": "plain text, nothing to escape"},
			{"helper": `back\slash`, "help": `a "quote"`, "count": "control\x00"},
			{"helper": "delete\x7f", "help": "<ICE> & <DHS>", "count": "caf\u00e9"},
		}}},
		{"nested values", rows{Columns: cols, Rows: []map[string]any{
			{"helper": map[string]any{"b": []any{1.0, "x", map[string]any{}}, "a": []any{}}, "help": []any{"<a>", nil}},
		}}},
		{"truncated", rows{Columns: cols, Rows: []map[string]any{{"helper": "<ATF>"}}, Truncated: true}},
		{"truncated with no rows", rows{Columns: cols, Rows: []map[string]any{}, Truncated: true}},
	}
	for _, tc := range tests {
		for _, doc := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/doc=%v", tc.name, doc), func(t *testing.T) {
				var got bytes.Buffer
				if err := writeRowsJSON(&got, tc.rs, doc); err != nil {
					t.Fatal(err)
				}
				if want := encoderRows(t, tc.rs, doc); got.String() != want {
					t.Errorf("writeRowsJSON wrote\n%s\nencoding/json writes\n%s", got.String(), want)
				}
			})
		}
	}
}

// A value the encoder cannot write (a script can emit a function) is an
// error, and nothing is written: not the rows before it either.
func TestWriteRowsJSON_Unencodable(t *testing.T) {
	rs := rows{Columns: []string{"a"}, Rows: []map[string]any{{"a": "fine"}, {"a": make(chan int)}}}
	for _, doc := range []bool{true, false} {
		var out bytes.Buffer
		if err := writeRowsJSON(&out, rs, doc); err == nil || out.Len() > 0 {
			t.Errorf("doc=%v: error %v, wrote %q", doc, err, out.String())
		}
	}
}

// BenchmarkWriteRowsJSON writes an answer the size of a cold `evidence
// ICE` on the million-quad store: 2,565 rows of eight columns.
func BenchmarkWriteRowsJSON(b *testing.B) {
	cols := []string{"subject", "predicate", "object", "status", "source", "date", "figure", "quote"}
	rs := rows{Columns: cols}
	for i := range 2565 {
		rs.Rows = append(rs.Rows, map[string]any{
			"subject": fmt.Sprintf("<agency/g%d>", i), "predicate": "<assists>", "object": "<ICE>",
			"status": "<status/stated>", "source": fmt.Sprintf("<src/g%d>", i*7), "date": "2025-06-01",
			"figure": nil, "quote": strings.Repeat("The agency is assisting the ICE, officials said. ", 2),
		})
	}
	for _, doc := range []bool{true, false} {
		b.Run(fmt.Sprintf("doc=%v", doc), func(b *testing.B) {
			for b.Loop() {
				if err := writeRowsJSON(io.Discard, rs, doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
