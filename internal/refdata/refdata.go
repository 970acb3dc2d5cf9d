// Package refdata converts the reference lists of federal agencies in
// ../shared/data (the Federal Register's agency list and CISA's .gov list of
// agencies and bureaus) into N-Quads in the dataset's vocabulary, so that the
// agencies named in articles sit in the official hierarchy. The output is
// reproducible: the same input gives byte-identical, sorted output.
package refdata

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// SourceFederalRegister and SourceCISA are the graphs (and source
// entities) of the two lists.
const (
	SourceFederalRegister = quad.IRI("src/federalregister")
	SourceCISA            = quad.IRI("src/cisa")
)

// writeQuads writes the header lines as comments, then the quads one per
// line, sorted and without repeats, so that output does not depend on the
// order in which facts were produced.
func writeQuads(w io.Writer, header []string, qs []quad.Quad) error {
	lines := make([]string, 0, len(qs))
	for _, q := range qs {
		lines = append(lines, q.NQuad())
	}
	sort.Strings(lines)
	bw := bufio.NewWriter(w)
	for _, h := range header {
		fmt.Fprintf(bw, "# %s\n", h)
	}
	for i, l := range lines {
		if i > 0 && l == lines[i-1] {
			continue
		}
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// assertion returns the quads of an evidence node for the edge s p o in
// graph src: the same shape as an article's, with a record id (and a URL when
// the record has one) where an article has a quote.
func assertion(node, s, p, o, src quad.IRI, recordID, url string) []quad.Quad {
	qs := []quad.Quad{
		quad.Make(node, graph.Type, graph.ClassAssertion, src),
		quad.Make(node, graph.Subject, s, src),
		quad.Make(node, graph.Predicate, p, src),
		quad.Make(node, graph.Object, o, src),
		quad.Make(node, graph.WasDerivedFrom, src, src),
		quad.Make(node, graph.RecordID, quad.String(recordID), src),
		quad.Make(node, graph.Status, graph.StatusStated, src),
	}
	if url != "" {
		qs = append(qs, quad.Make(node, graph.URL, quad.String(url), src))
	}
	return qs
}

// slug lowercases s and joins its runs of letters and digits with '-':
// "U.S. Mint" → "u-s-mint".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// nameKey reduces an agency name to the form under which the two lists'
// spellings of one agency compare equal: case and punctuation are dropped,
// "&" is "and", "U.S." / "United States", "the" and a trailing "of" are
// dropped ("X, Office of United States" is "X Office"), and a leading
// "Department of X" / "Bureau of X" / "Office of X" / "Commission on X"
// becomes the Federal Register's "X Department" / "X Bureau" / "X Office" /
// "X Commission".
func nameKey(name string) string {
	s := strings.ToLower(name)
	s = strings.ReplaceAll(s, "&", " and ")
	s = strings.ReplaceAll(s, "u.s.", " ")
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		switch {
		case w == "the", w == "us":
		case w == "states" && len(words) > 0 && words[len(words)-1] == "united":
			words = words[:len(words)-1]
		default:
			words = append(words, w)
		}
	}
	isHead := func(w string) bool {
		return w == "department" || w == "bureau" || w == "office" || w == "commission"
	}
	isPrep := func(w string) bool { return w == "of" || w == "on" || w == "for" }
	if len(words) > 2 && isHead(words[0]) && isPrep(words[1]) {
		words = append(words[2:], words[0])
	}
	if n := len(words); n > 1 && words[n-1] == "of" {
		words = words[:n-1]
	}
	return strings.Join(words, " ")
}

// cleanName collapses runs of whitespace and drops stray leading and
// trailing spaces and commas ("Department of State    , ").
func cleanName(s string) string {
	return strings.Trim(strings.Join(strings.Fields(s), " "), " ,")
}
