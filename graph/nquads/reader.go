package nquads

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
)

// Options control the dialect.
type Options struct {
	// Strict rejects relative IRIs, for full W3C N-Quads conformance. Without it,
	// relative IRIs such as <alice> or <IRS-CI> are accepted (Cayley's own data uses them).
	Strict bool
}

// bufSize is large enough that almost every line fits in the bufio buffer
// and is parsed in place; longer lines are gathered into Reader.long.
const bufSize = 64 << 10

// The value cache is direct-mapped: a slot keeps the last IRI, blank node or
// language tag that hashed to it. Predicates, types and graph labels repeat on
// nearly every line, so most terms are returned without allocating a string or
// boxing a new quad.Value.
const (
	cacheBits = 11
	cacheMask = 1<<cacheBits - 1
)

const (
	kindIRI byte = 1 + iota
	kindBNode
	kindLang
)

type cacheEntry struct {
	key  string
	kind byte // 0 marks an empty slot
	val  quad.Value
}

// Reader reads N-Quads (and therefore N-Triples) one statement at a time.
// It implements [quad.ReadCloser].
type Reader struct {
	br     *bufio.Reader
	name   string
	strict bool

	buf       []byte // current chunk: input up to and including the next '\n'
	pos       int    // next unread byte of buf
	lineStart int    // index in buf where line lineNo begins; a lone CR starts a line mid-chunk
	lineNo    int    // 1-based line number at pos
	quadLine  int    // line of the quad last returned
	bufOffset int64  // input offset of buf[0]
	eof       bool   // the underlying reader is exhausted
	err       error  // sticky: once set, every ReadQuad returns it

	// line holds the text of the current statement once a term needs a
	// string: terms written without escapes become substrings of it, one
	// allocation per line instead of one per term. It starts at buf[lineAt].
	line   string
	lineAt int // -1: line not made yet for this statement

	long    []byte // a line that did not fit in the bufio buffer
	scratch []byte // unescaped text of the token being scanned
	cache   []cacheEntry
}

var _ quad.ReadCloser = (*Reader)(nil)

// NewReader returns a reader of N-Quads from r; name is used in error messages (a file path, or "-" / "stdin").
func NewReader(r io.Reader, name string, opt Options) *Reader {
	return &Reader{
		br:     bufio.NewReaderSize(r, bufSize),
		name:   name,
		strict: opt.Strict,
		cache:  make([]cacheEntry, 1<<cacheBits),
	}
}

// ReadQuad returns the next quad, io.EOF at the end, or a *SyntaxError. After an error the reader is done.
// A failure of the underlying reader is returned wrapped, with the input's name.
func (r *Reader) ReadQuad() (quad.Quad, error) {
	if r.err != nil {
		return quad.Quad{}, r.err
	}
	q, err := r.next()
	if err != nil {
		r.err = err
		return quad.Quad{}, err
	}
	return q, nil
}

// Close releases nothing: the caller owns the underlying reader. It exists so
// that *Reader satisfies quad.ReadCloser.
func (r *Reader) Close() error { return nil }

// Line returns the 1-based line of the quad last returned.
func (r *Reader) Line() int { return r.quadLine }

// Offset returns the number of input bytes consumed so far, for progress reporting.
func (r *Reader) Offset() int64 { return r.bufOffset + int64(r.pos) }

// next skips blank lines and comments and parses one statement.
func (r *Reader) next() (quad.Quad, error) {
	for {
		if r.pos >= len(r.buf) {
			if err := r.fill(); err != nil {
				return quad.Quad{}, err
			}
		}
		r.skipWS()
		if r.pos >= len(r.buf) {
			continue
		}
		switch r.buf[r.pos] {
		case '\n', '\r':
			r.eol()
			continue
		case '#':
			if err := r.comment(); err != nil {
				return quad.Quad{}, err
			}
			continue
		}
		r.quadLine = r.lineNo
		r.lineAt = -1
		return r.statement()
	}
}

// fill reads the next chunk of input, which ends with '\n' unless it is the last.
func (r *Reader) fill() error {
	if r.eof {
		return io.EOF
	}
	b, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = r.br.ReadSlice('\n')
			r.long = append(r.long, b...)
		}
		b = r.long
	}
	if err != nil {
		if err != io.EOF {
			return fmt.Errorf("read %s: %w", r.name, err)
		}
		r.eof = true
		if len(b) == 0 {
			return io.EOF
		}
	}
	r.bufOffset += int64(len(r.buf))
	r.buf, r.pos, r.lineStart = b, 0, 0
	r.lineNo++
	return nil
}

// eol consumes one end of line: LF, CR LF, or a lone CR. Only a lone CR
// followed by more text starts a new line inside the current chunk; after
// LF the next fill counts the line.
func (r *Reader) eol() {
	c := r.buf[r.pos]
	r.pos++
	if c != '\r' || r.pos >= len(r.buf) {
		return
	}
	if r.buf[r.pos] == '\n' {
		r.pos++
		return
	}
	r.lineNo++
	r.lineStart = r.pos
}

func (r *Reader) skipWS() {
	for r.pos < len(r.buf) && (r.buf[r.pos] == ' ' || r.buf[r.pos] == '\t') {
		r.pos++
	}
}

// peek returns the byte at pos, or -1 at the end of the chunk.
func (r *Reader) peek() int {
	if r.pos < len(r.buf) {
		return int(r.buf[r.pos])
	}
	return -1
}

// comment skips a comment up to (not including) the end of line. Comments
// are text too, so they must be valid UTF-8.
func (r *Reader) comment() error {
	i := r.pos + 1
	for i < len(r.buf) && r.buf[i] != '\n' && r.buf[i] != '\r' {
		c := r.buf[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		ch, n := utf8.DecodeRune(r.buf[i:])
		if ch == utf8.RuneError && n == 1 {
			return r.errorf(i, "invalid UTF-8 byte 0x%02x in comment", c)
		}
		i += n
	}
	r.pos = i
	return nil
}

// statement parses subject predicate object graphLabel? '.' and what may
// follow on the line: white space and a comment.
func (r *Reader) statement() (quad.Quad, error) {
	var (
		q   quad.Quad
		err error
	)
	switch r.peek() {
	case '<':
		q.Subject, err = r.iriValue()
	case '_':
		q.Subject, err = r.bnode()
	case '"':
		return q, r.errorf(r.pos, "a literal cannot be the subject of a statement")
	default:
		return q, r.unexpected("subject (IRI or blank node)")
	}
	if err != nil {
		return q, err
	}

	r.skipWS()
	switch r.peek() {
	case '<':
		q.Predicate, err = r.iriValue()
	case '_':
		return q, r.errorf(r.pos, "a blank node cannot be a predicate")
	case '"':
		return q, r.errorf(r.pos, "a literal cannot be a predicate")
	default:
		return q, r.unexpected("predicate (IRI)")
	}
	if err != nil {
		return q, err
	}

	r.skipWS()
	switch c := r.peek(); {
	case c == '<':
		q.Object, err = r.iriValue()
	case c == '_':
		q.Object, err = r.bnode()
	case c == '"':
		q.Object, err = r.literal()
	case c == '\'':
		return q, r.errorf(r.pos, "expected object (IRI, blank node or literal), found '\\''; string literals use double quotes")
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		return q, r.errorf(r.pos, `expected object (IRI, blank node or literal), found %s; write numbers as typed literals such as "1"^^<http://www.w3.org/2001/XMLSchema#integer>`, r.describe(r.pos))
	default:
		return q, r.unexpected("object (IRI, blank node or literal)")
	}
	if err != nil {
		return q, err
	}

	r.skipWS()
	switch r.peek() {
	case '<':
		q.Label, err = r.iriValue()
	case '_':
		q.Label, err = r.bnode()
	case '"':
		return q, r.errorf(r.pos, "a literal cannot be a graph label")
	}
	if err != nil {
		return q, err
	}

	r.skipWS()
	if r.peek() != '.' {
		return q, r.errorf(r.pos, "expected '.' at end of statement, found %s", r.describe(r.pos))
	}
	r.pos++
	r.skipWS()
	switch r.peek() {
	case '#':
		return q, r.comment()
	case '\n', '\r', -1:
		return q, nil
	}
	return q, r.errorf(r.pos, "unexpected %s after '.'; each statement must be on a line of its own", r.describe(r.pos))
}

// unexpected reports the character at pos where want was expected.
func (r *Reader) unexpected(want string) error {
	return r.errorf(r.pos, "expected %s, found %s", want, r.describe(r.pos))
}

// describe names the character at i for an error message.
func (r *Reader) describe(i int) string {
	if i >= len(r.buf) || r.buf[i] == '\n' || r.buf[i] == '\r' {
		return "end of line"
	}
	ch, n := utf8.DecodeRune(r.buf[i:])
	if ch == utf8.RuneError && n == 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02x", r.buf[i])
	}
	if ch == '\uFEFF' {
		return "byte order mark U+FEFF (N-Quads files must not start with one)"
	}
	return fmt.Sprintf("%q", ch)
}

// errorf returns a *SyntaxError pointing at byte i of the current chunk.
func (r *Reader) errorf(i int, format string, args ...any) error {
	return &SyntaxError{
		File:   r.name,
		Line:   r.lineNo,
		Column: r.column(min(i, len(r.buf))),
		Msg:    fmt.Sprintf(format, args...),
	}
}

// intern returns the cache slot holding b as a term of the given kind,
// creating it if the slot holds something else. If b is buf[at:at+len(b)]
// (at >= 0) a new key is cut from the statement's line.
func (r *Reader) intern(kind byte, b []byte, at int) *cacheEntry {
	e := &r.cache[hash(b, kind)]
	if e.kind == kind && e.key == string(b) {
		return e
	}
	var s string
	if at >= 0 {
		s = r.substr(at, at+len(b))
	} else {
		s = string(b)
	}
	e.key, e.kind = s, kind
	switch kind {
	case kindIRI:
		e.val = quad.IRI(s)
	case kindBNode:
		e.val = quad.BNode(s)
	default:
		e.val = nil
	}
	return e
}

// hash picks a cache slot for b from its length and up to 24 of its bytes:
// the start, middle and end, where IRIs that share a prefix differ. It is
// much cheaper than hashing every byte, and a collision costs only a miss.
func hash(b []byte, kind byte) uint64 {
	n := len(b)
	h := uint64(n)<<8 | uint64(kind)
	switch {
	case n >= 8:
		h ^= binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 23) ^
			bits.RotateLeft64(binary.LittleEndian.Uint64(b[n/2-4:]), 41)
	case n >= 4:
		h ^= uint64(binary.LittleEndian.Uint32(b))<<16 ^ uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	case n > 0:
		h ^= uint64(b[0])<<16 | uint64(b[n/2])<<24 | uint64(b[n-1])<<32
	}
	return (h * 0x9E3779B97F4A7C15) >> (64 - cacheBits)
}

// substr returns buf[i:j] of the current statement as a string, copying the
// rest of the statement's line on first use. Cutting at the line's end (the
// first CR or LF) keeps a file of CR-ended lines from being copied whole.
func (r *Reader) substr(i, j int) string {
	if r.lineAt < 0 {
		rest := r.buf[r.pos:]
		if k := bytes.IndexByte(rest, '\r'); k >= 0 {
			rest = rest[:k]
		}
		if k := bytes.IndexByte(rest, '\n'); k >= 0 {
			rest = rest[:k]
		}
		r.line, r.lineAt = string(r.buf[i:r.pos+len(rest)]), i
	}
	return r.line[i-r.lineAt : j-r.lineAt]
}
