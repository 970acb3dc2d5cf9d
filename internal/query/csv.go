package query

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
)

// WriteCSV writes the result as CSV: the columns as a header, then one line
// per row, each cell as CellText gives it. The CLI and the HTTP server write
// the same CSV.
func (res *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(res.Columns)
	line := make([]string, len(res.Columns))
	for _, row := range res.Rows {
		for i, c := range res.Columns {
			line[i] = CellText(row[c])
		}
		cw.Write(line)
	}
	cw.Flush()
	return cw.Error()
}

// CellText is a value as CSV text: strings as they are, nothing for null,
// anything else as JSON ("<ICE>" stays "<ICE>", not "\u003cICE\u003e").
func CellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
