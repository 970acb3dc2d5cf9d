package nquads_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// FuzzReader feeds arbitrary input to the reader, seeded with the W3C
// suites. The reader must not panic, must stop, must report failures as
// positioned *SyntaxErrors, and must return only valid quads of valid UTF-8.
// Whatever it accepts must read back identically after a write with quad's
// String forms, unless a decoded escape produced a character that the
// written form cannot carry.
func FuzzReader(f *testing.F) {
	for _, s := range suites {
		for _, tc := range loadSuite(f, s.tarball, s.positive, s.negative) {
			f.Add(tc.data, true)
		}
	}
	f.Add([]byte("<a> <b> \"x\"@en-GB <g> .\r_:x.y <p> \"\\u00e9\"^^<t>.\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		opt := nquads.Options{Strict: strict}
		r := nquads.NewReader(bytes.NewReader(data), "fuzz.nq", opt)
		var qs []quad.Quad
		for n := 0; ; n++ {
			// Each quad needs at least a '.' and an IRI, so more quads
			// than bytes means the reader is not making progress.
			if n > len(data) {
				t.Fatalf("more than %d quads from %d bytes", n, len(data))
			}
			q, err := r.ReadQuad()
			if err == io.EOF {
				break
			}
			if err != nil {
				var se *nquads.SyntaxError
				if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 || se.Msg == "" {
					t.Fatalf("error %v (%T) is not a positioned *SyntaxError", err, err)
				}
				if _, again := r.ReadQuad(); again != err {
					t.Fatalf("after error %v ReadQuad returned %v", err, again)
				}
				return
			}
			if !q.IsValid() {
				t.Fatalf("invalid quad %#v", q)
			}
			for _, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
				if v != nil && !utf8.ValidString(v.String()) {
					t.Fatalf("value %#v is not valid UTF-8", v)
				}
			}
			if off := r.Offset(); off < 1 || off > int64(len(data)) {
				t.Fatalf("Offset %d outside 1..%d", off, len(data))
			}
			qs = append(qs, q)
		}
		var buf bytes.Buffer
		for _, q := range qs {
			if q.Label == nil {
				buf.WriteString(q.Subject.String() + " " + q.Predicate.String() + " " + q.Object.String() + " .\n")
			} else {
				buf.WriteString(q.Subject.String() + " " + q.Predicate.String() + " " + q.Object.String() + " " + q.Label.String() + " .\n")
			}
		}
		again, err := ourQuads(buf.Bytes(), opt)
		if err != nil {
			if unwritable(qs) {
				return
			}
			t.Fatalf("rereading %q: %v", buf.Bytes(), err)
		}
		if len(again) != len(qs) {
			t.Fatalf("reread %d quads, want %d", len(again), len(qs))
		}
		for i := range qs {
			if qs[i] != again[i] {
				t.Fatalf("quad %d reread as %#v, want %#v", i, again[i], qs[i])
			}
		}
	})
}

// unwritable reports whether some IRI or blank node holds a character that
// its String form writes raw but the grammar forbids there (quad's IRI
// String does not escape, so <a\u0020b> reads as "a b" but writes as <a b>).
func unwritable(qs []quad.Quad) bool {
	bad := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r) })
	}
	for _, q := range qs {
		for _, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
			switch v := v.(type) {
			case quad.IRI:
				if bad(string(v)) {
					return true
				}
			case quad.TypedString:
				if bad(string(v.Type)) {
					return true
				}
			}
		}
	}
	return false
}
