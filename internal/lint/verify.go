package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Miss is a quote that does not occur in its source document.
type Miss struct {
	File    string // where the quote is
	Line    int
	Quote   string
	Source  string // the source document's file name
	Closest string // the passage of the source most like the quote
}

// VerifyResult counts the quotes verify looked at.
type VerifyResult struct {
	Checked int // quotes compared with their source
	Skipped int // quotes whose source has no document in the sources folder
	Misses  []Miss
}

// Verify checks that every <quote> in files occurs, after normalize, in the
// text of its source document (an ellipsis in a quote may stand for left-out
// words): the file in sources named by the
// schema:identifier of the assertion's prov:graph.WasDerivedFrom. Quotes whose
// source has no such file (the reference datasets) are skipped and counted.
// A syntax error in files is an EINVALID error.
func Verify(ctx context.Context, files []File, sources fs.FS) (VerifyResult, error) {
	var res VerifyResult
	qs, problems, err := readAll(ctx, files)
	if err != nil {
		return res, err
	}
	if len(problems) > 0 {
		return res, graph.Errorf(graph.EINVALID, "%s", problems[0])
	}
	d := index(qs)
	texts := map[string]string{} // normalized, by file name; "" when absent
	for _, q := range d.quads {
		if q.Predicate != graph.Quote {
			continue
		}
		name := d.documentOf(q.Subject)
		text, ok := texts[name]
		if !ok && name != "" {
			b, err := fs.ReadFile(sources, name)
			switch {
			case err == nil:
				text = normalize(string(b))
			case !errors.Is(err, fs.ErrNotExist):
				return res, fmt.Errorf("read source %s: %w", name, err)
			}
			texts[name] = text
		}
		if text == "" {
			res.Skipped++
			continue
		}
		res.Checked++
		quote := normalize(lexical(q.Object))
		if !occurs(text, quote) {
			res.Misses = append(res.Misses, Miss{File: q.file, Line: q.line, Quote: lexical(q.Object),
				Source: name, Closest: closest(text, quote)})
		}
	}
	return res, nil
}

// occurs reports whether quote occurs in text. An ellipsis in the quote
// marks words left out: the pieces around it must occur in order.
func occurs(text, quote string) bool {
	for _, piece := range strings.Split(quote, "...") {
		piece = strings.TrimSpace(piece)
		i := strings.Index(text, piece)
		if i < 0 {
			return false
		}
		text = text[i+len(piece):]
	}
	return true
}

// documentOf returns the seed file name of the source an assertion cites,
// or "" if it cites none or the source has no schema:identifier.
func (d *dataset) documentOf(assertion quad.Value) string {
	for _, src := range d.objects(assertion, graph.WasDerivedFrom) {
		for _, id := range d.objects(src.Object, graph.Identifier) {
			return lexical(id.Object)
		}
	}
	return ""
}

// normalize makes typographic variants compare equal: curly quotes become
// straight ones, every dash a hyphen, an ellipsis three dots, runs of white
// space (non-breaking too) one space; soft hyphens and zero-width characters
// go, and the ends are trimmed.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		switch {
		case strings.ContainsRune("‘’‚‛′`", r):
			b.WriteByte('\'')
		case strings.ContainsRune("“”„‟″«»", r):
			b.WriteByte('"')
		case r == '…':
			b.WriteString("...")
		case unicode.Is(unicode.Pd, r) || r == '−':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// closest returns the passage of text most like quote: the substring with
// the smallest edit distance to it (Sellers' approximate matching, case
// folded), widened to whole words. It takes O(len(quote)·len(text)) time,
// which is small for sentence-long quotes and sources of a few kilobytes.
func closest(text, quote string) string {
	t, q := []rune(strings.ToLower(text)), []rune(strings.ToLower(quote))
	if len(q) == 0 || len(t) == 0 {
		return ""
	}
	// cost[j] is the distance of q[:i] to the best substring of t ending at
	// j; start[j] is where that substring begins.
	cost, start := make([]int, len(t)+1), make([]int, len(t)+1)
	prevCost, prevStart := make([]int, len(t)+1), make([]int, len(t)+1)
	for j := range prevStart {
		prevStart[j] = j
	}
	for i := 1; i <= len(q); i++ {
		cost[0], start[0] = i, 0
		for j := 1; j <= len(t); j++ {
			sub := prevCost[j-1]
			if q[i-1] != t[j-1] {
				sub++
			}
			cost[j], start[j] = sub, prevStart[j-1]
			if c := prevCost[j] + 1; c < cost[j] {
				cost[j], start[j] = c, prevStart[j]
			}
			if c := cost[j-1] + 1; c < cost[j] {
				cost[j], start[j] = c, start[j-1]
			}
		}
		cost, prevCost = prevCost, cost
		start, prevStart = prevStart, start
	}
	end := 0
	for j := range prevCost {
		if prevCost[j] < prevCost[end] {
			end = j
		}
	}
	from := prevStart[end]
	orig := []rune(text) // same length as t: ToLower keeps the rune count here
	if len(orig) != len(t) {
		return string(t[from:end])
	}
	for from > 0 && !unicode.IsSpace(orig[from-1]) {
		from--
	}
	for end < len(orig) && !unicode.IsSpace(orig[end]) {
		end++
	}
	return string(orig[from:end])
}
