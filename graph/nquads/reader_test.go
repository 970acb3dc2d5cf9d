package nquads_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

const xsd = "http://www.w3.org/2001/XMLSchema#"

func TestReader_Values(t *testing.T) {
	s, p, o, g := quad.IRI("http://ex/s"), quad.IRI("http://ex/p"), quad.IRI("http://ex/o"), quad.IRI("http://ex/g")
	tests := []struct {
		name string
		in   string
		want []quad.Quad
	}{
		{"triple", "<http://ex/s> <http://ex/p> <http://ex/o> .\n",
			[]quad.Quad{{Subject: s, Predicate: p, Object: o}}},
		{"quad", "<http://ex/s> <http://ex/p> <http://ex/o> <http://ex/g> .",
			[]quad.Quad{{Subject: s, Predicate: p, Object: o, Label: g}}},
		{"minimal whitespace", "<http://ex/s><http://ex/p><http://ex/o><http://ex/g>.\n_:a<http://ex/p>\"x\".\n",
			[]quad.Quad{{Subject: s, Predicate: p, Object: o, Label: g}, {Subject: quad.BNode("a"), Predicate: p, Object: quad.String("x")}}},
		{"blank nodes everywhere", "_:s <http://ex/p> _:o _:g .",
			[]quad.Quad{{Subject: quad.BNode("s"), Predicate: p, Object: quad.BNode("o"), Label: quad.BNode("g")}}},
		{"blank node label with dots, trailing dot ends statement", "_:a.b.c <http://ex/p> _:x.y.",
			[]quad.Quad{{Subject: quad.BNode("a.b.c"), Predicate: p, Object: quad.BNode("x.y")}}},
		{"blank node label characters", "_:1-a_b:c\u00b7\u00e9 <http://ex/p> _:\u00c0 .",
			[]quad.Quad{{Subject: quad.BNode("1-a_b:c\u00b7\u00e9"), Predicate: p, Object: quad.BNode("\u00c0")}}},
		{"IRI escapes decoded", `<http://ex/\u0053\U0001F600> <http://ex/p> <http://ex/o> .`,
			[]quad.Quad{{Subject: quad.IRI("http://ex/S\U0001F600"), Predicate: p, Object: o}}},
		{"non-ASCII IRI", "<http://ex/caf\u00e9> <http://ex/p> <http://ex/o> .",
			[]quad.Quad{{Subject: quad.IRI("http://ex/caf\u00e9"), Predicate: p, Object: o}}},
		{"string escapes decoded", `<http://ex/s> <http://ex/p> "t\tb\bn\nr\rf\fq\"a\'s\\u\u00e9U\U0001F600" .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("t\tb\bn\nr\rf\fq\"a's\\u\u00e9U\U0001F600")}}},
		{"raw control characters and UTF-8 in a string", "<http://ex/s> <http://ex/p> \"\x00\t\x7f\u00e9\u4e16\" .",
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("\x00\t\x7f\u00e9\u4e16")}}},
		{"empty string", `<http://ex/s> <http://ex/p> "" .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.String("")}}},
		{"language tag", `<http://ex/s> <http://ex/p> "chat"@fr-Latn-FR .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.LangString{Value: "chat", Lang: "fr-Latn-FR"}}}},
		{"typed literal kept as written", `<http://ex/s> <http://ex/p> "01"^^<` + xsd + `integer> <http://ex/g> .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.TypedString{Value: "01", Type: xsd + "integer"}, Label: g}}},
		{"xsd:string stays typed", `<http://ex/s> <http://ex/p> "a"^^<` + xsd + `string> .`,
			[]quad.Quad{{Subject: s, Predicate: p, Object: quad.TypedString{Value: "a", Type: xsd + "string"}}}},
		{"white space between literal parts", "<http://ex/s> <http://ex/p> \"a\" ^^\t<http://ex/t> .\n<http://ex/s> <http://ex/p> \"b\" @en .",
			[]quad.Quad{
				{Subject: s, Predicate: p, Object: quad.TypedString{Value: "a", Type: "http://ex/t"}},
				{Subject: s, Predicate: p, Object: quad.LangString{Value: "b", Lang: "en"}},
			}},
		{"comments, blank lines, tabs", "# head\n\n \t\n\t<http://ex/s>\t<http://ex/p> <http://ex/o>\t.\t# tail\n#end",
			[]quad.Quad{{Subject: s, Predicate: p, Object: o}}},
		{"CR, CRLF and LF line ends", "<http://ex/s> <http://ex/p> \"1\" .\r<http://ex/s> <http://ex/p> \"2\" .\r\n<http://ex/s> <http://ex/p> \"3\" .\n",
			[]quad.Quad{
				{Subject: s, Predicate: p, Object: quad.String("1")},
				{Subject: s, Predicate: p, Object: quad.String("2")},
				{Subject: s, Predicate: p, Object: quad.String("3")},
			}},
		{"relative IRIs without Strict", "<alice> <follows> <IRS-CI> .",
			[]quad.Quad{{Subject: quad.IRI("alice"), Predicate: quad.IRI("follows"), Object: quad.IRI("IRS-CI")}}},
		{"empty input", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ourQuads([]byte(tc.in), nquads.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestReader_Errors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		strict bool
		line   int
		col    int
		msg    string
	}{
		{"space in IRI", "<http://ex/a b> <http://ex/p> <http://ex/o> .", false, 1, 13, "space is not allowed in an IRI"},
		{"forbidden IRI character", "<http://ex/s> <http://ex/p> <http://ex/{o}> .", false, 1, 40, "character '{' is not allowed in an IRI"},
		{"unterminated IRI", "<http://ex/s> <http://ex/p> <http://ex/o\n", false, 1, 41, "unterminated IRI"},
		{"character escape in IRI", `<http://ex/\n> <http://ex/p> <http://ex/o> .`, false, 1, 12, `invalid escape '\n' in IRI`},
		{"literal as graph label", "<http://ex/s> <http://ex/p> <http://ex/o> \"g\" .", false, 1, 43, "a literal cannot be a graph label"},
		{"literal as subject", "\"s\" <http://ex/p> <http://ex/o> .", false, 1, 1, "a literal cannot be the subject"},
		{"literal as predicate", "<http://ex/s> \"p\" <http://ex/o> .", false, 1, 15, "a literal cannot be a predicate"},
		{"blank node as predicate", "<http://ex/s> _:p <http://ex/o> .", false, 1, 15, "a blank node cannot be a predicate"},
		{"number as subject", "1 <http://ex/p> <http://ex/o> .", false, 1, 1, "expected subject (IRI or blank node), found '1'"},
		{"unterminated string", "<http://ex/s> <http://ex/p> \"abc .\n", false, 1, 35, "unterminated string literal (opened at column 29)"},
		{"unterminated string at end of input", "<http://ex/s> <http://ex/p> \"ab\u00e9", false, 1, 33, "unterminated string literal"},
		{"bad escape", `<http://ex/s> <http://ex/p> "a\zb" .`, false, 1, 31, `invalid escape '\z' in string literal`},
		{"short \\u escape", `<http://ex/s> <http://ex/p> "\u12G4" .`, false, 1, 34, `invalid \u escape: expected 4 hex digits, found 'G'`},
		{"surrogate escape", `<http://ex/s> <http://ex/p> "\uD800" .`, false, 1, 30, "U+D800 is not a Unicode scalar value"},
		{"escape beyond Unicode", `<http://ex/s> <http://ex/p> "\U00110000" .`, false, 1, 30, "U+110000 is not a Unicode scalar value"},
		{"missing dot", "<http://ex/s> <http://ex/p> <http://ex/o>\n", false, 1, 42, "expected '.' at end of statement, found end of line"},
		{"quint", "<http://ex/s> <http://ex/p> <http://ex/o> <http://ex/g> <http://ex/h> .", false, 1, 57, "expected '.' at end of statement, found '<'"},
		{"second statement on the line", "<http://ex/s> <http://ex/p> <http://ex/o> . <http://ex/s> <http://ex/p> <http://ex/o> .", false, 1, 45, "unexpected '<' after '.'"},
		{"bad language tag", `<http://ex/s> <http://ex/p> "x"@1 .`, false, 1, 33, "invalid language tag: expected a letter after '@', found '1'"},
		{"language subtag missing", `<http://ex/s> <http://ex/p> "x"@en- .`, false, 1, 36, "invalid language tag: expected a letter or digit after '-'"},
		{"underscore in language tag", `<http://ex/s> <http://ex/p> "x"@en_US .`, false, 1, 35, "invalid language tag: '_' is not allowed"},
		{"bare number object", "<http://ex/s> <http://ex/p> 1.0 .", false, 1, 29, "found '1'; write numbers as typed literals"},
		{"bare word object", "<http://ex/s> <http://ex/p> true .", false, 1, 29, "expected object (IRI, blank node or literal), found 't'"},
		{"single-quoted string", "<http://ex/s> <http://ex/p> 'x' .", false, 1, 29, "string literals use double quotes"},
		{"single caret", `<http://ex/s> <http://ex/p> "x"^<http://ex/t> .`, false, 1, 33, "expected '^^'"},
		{"relative IRI in strict mode", "<http://ex/s> <http://ex/p> <o> .", true, 1, 30, "relative IRI <o> is not allowed in strict mode"},
		{"relative datatype in strict mode", `<http://ex/s> <http://ex/p> "x"^^<dt> .`, true, 1, 35, "relative IRI <dt>"},
		{"empty IRI", "<http://ex/s> <http://ex/p> <> .", false, 1, 30, "empty IRI <> is not allowed"},
		{"blank node without colon", "_a <http://ex/p> <http://ex/o> .", false, 1, 2, "expected ':' after '_'"},
		{"blank node label starting with '-'", "_:-a <http://ex/p> <http://ex/o> .", false, 1, 3, "invalid start of blank node label: '-'"},
		{"invalid UTF-8 in string", "<http://ex/s> <http://ex/p> \"a\xffb\" .", false, 1, 31, "invalid UTF-8 byte 0xff in string literal"},
		{"invalid UTF-8 in IRI", "<http://ex/\xc3> <http://ex/p> <http://ex/o> .", false, 1, 12, "invalid UTF-8 byte 0xc3 in IRI"},
		{"invalid UTF-8 in comment", "# caf\xe9\n", false, 1, 6, "invalid UTF-8 byte 0xe9 in comment"},
		{"byte order mark", "\ufeff<http://ex/s> <http://ex/p> <http://ex/o> .", false, 1, 1, "byte order mark"},
		{"Turtle directive", "@prefix ex: <http://ex/> .", false, 1, 1, "expected subject (IRI or blank node), found '@'"},
		{"column counts characters, line counts CR", "# x\r\n\n<http://ex/s> <http://ex/p> \"\u00e9\u00e9\" .\r<http://ex/s>  <http://ex/p> \"x\" <http://ex/g> <http://ex/h> .", false, 4, 48, "expected '.' at end of statement, found '<'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := nquads.NewReader(strings.NewReader(tc.in), "bad.nq", nquads.Options{Strict: tc.strict})
			var err error
			for err == nil {
				_, err = r.ReadQuad()
			}
			var se *nquads.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v (%T), want a *SyntaxError", err, err)
			}
			if se.File != "bad.nq" || se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("got %q\nwant bad.nq:%d:%d: ...%s...", se.Error(), tc.line, tc.col, tc.msg)
			}
			if !strings.HasPrefix(se.Error(), se.File+":") {
				t.Fatalf("Error() = %q, want FILE:LINE:COL: MSG", se.Error())
			}
			if _, again := r.ReadQuad(); again != err {
				t.Fatalf("after an error ReadQuad returned %v, want the same error", again)
			}
		})
	}
}

// TestReader_Position checks Line and Offset as quads are read: Offset
// stands just past each statement's '.'.
func TestReader_Position(t *testing.T) {
	in := "# c\n<a> <b> <c> .\n\n<a> <b> \"x\" .\r<a> <b> <c> .\r\n"
	r := nquads.NewReader(strings.NewReader(in), "pos.nq", nquads.Options{})
	wantLines := []int{2, 4, 5}
	wantOffsets := []int64{int64(strings.Index(in, "\n\n")), int64(strings.Index(in, "\r<")), int64(len(in) - 2)}
	for i := range wantLines {
		if _, err := r.ReadQuad(); err != nil {
			t.Fatal(err)
		}
		if r.Line() != wantLines[i] || r.Offset() != wantOffsets[i] {
			t.Fatalf("quad %d: Line %d Offset %d, want %d and %d", i, r.Line(), r.Offset(), wantLines[i], wantOffsets[i])
		}
	}
	if _, err := r.ReadQuad(); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
	if r.Offset() != int64(len(in)) {
		t.Fatalf("Offset at EOF = %d, want %d", r.Offset(), len(in))
	}
}

// TestReader_LongLines covers lines longer than the read buffer and input
// that arrives one byte at a time.
func TestReader_LongLines(t *testing.T) {
	long := strings.Repeat("x\u00e9", 100_000)
	in := "<http://ex/s> <http://ex/p> \"" + long + "\" .\n<http://ex/" + long + "> <http://ex/p> _:b .\n"
	r := nquads.NewReader(iotest.OneByteReader(strings.NewReader(in)), "long.nq", nquads.Options{Strict: true})
	q, err := r.ReadQuad()
	if err != nil || q.Object != quad.String(long) {
		t.Fatalf("first quad: %v, object of length %d", err, len(quad.StringOf(q.Object)))
	}
	q, err = r.ReadQuad()
	if err != nil || q.Subject != quad.IRI("http://ex/"+long) || r.Line() != 2 {
		t.Fatalf("second quad: %v on line %d", err, r.Line())
	}
	if _, err := r.ReadQuad(); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
}

// TestReader_ReadError checks that a failing source is reported with the
// input's name, not as a syntax error.
func TestReader_ReadError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader("<a> <b> <c> .\n"), iotest.ErrReader(boom))
	r := nquads.NewReader(src, "in.nq", nquads.Options{})
	if _, err := r.ReadQuad(); err != nil {
		t.Fatal(err)
	}
	_, err := r.ReadQuad()
	var se *nquads.SyntaxError
	if !errors.Is(err, boom) || errors.As(err, &se) || !strings.Contains(err.Error(), "in.nq") {
		t.Fatalf("got %v, want the read error wrapped with the file name", err)
	}
}

// TestReader_QuadReader checks that *Reader works with quad's helpers.
func TestReader_QuadReader(t *testing.T) {
	in := bytes.Repeat([]byte("<a> <b> <c> .\n"), 3)
	qs, err := quad.ReadAll(nquads.NewReader(bytes.NewReader(in), "x", nquads.Options{}))
	if err != nil || len(qs) != 3 {
		t.Fatalf("quad.ReadAll: %d quads, %v", len(qs), err)
	}
}
