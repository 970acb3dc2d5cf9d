package nquads

import (
	"unicode/utf8"

	"github.com/cayleygraph/quad"
)

// Byte classes for the ASCII fast paths. Bytes >= 0x80 are never "plain":
// they go through UTF-8 decoding.
var (
	// iriPlain: ASCII allowed verbatim in an IRIREF, i.e. not #x00-#x20 <>"{}|^`\.
	iriPlain [256]bool
	// strPlain: ASCII allowed verbatim in STRING_LITERAL_QUOTE, i.e. not " \ LF CR.
	strPlain [256]bool
	// bnodeASCII: ASCII in PN_CHARS, plus '.', allowed inside a blank node label.
	bnodeASCII [256]bool
)

func init() {
	for c := 0x21; c < 0x7f; c++ {
		switch c {
		case '<', '>', '"', '{', '}', '|', '^', '`', '\\':
		default:
			iriPlain[c] = true
		}
	}
	for c := 0; c < 0x80; c++ {
		strPlain[c] = c != '"' && c != '\\' && c != '\n' && c != '\r'
	}
	for c := 0; c < 0x80; c++ {
		bnodeASCII[c] = isLetter(byte(c)) || isDigit(byte(c)) || c == '_' || c == ':' || c == '-' || c == '.'
	}
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// iriValue scans an IRIREF at pos and returns it as a quad.IRI.
func (r *Reader) iriValue() (quad.Value, error) {
	b, at, err := r.iri()
	if err != nil {
		return nil, err
	}
	return r.intern(kindIRI, b, at).val, nil
}

// iri scans an IRIREF starting with '<' at pos and returns its text with
// UCHAR escapes decoded. The text aliases the input, at index at, or the
// scratch buffer (at is -1), and is valid only until the next scan.
func (r *Reader) iri() (text []byte, at int, err error) {
	open := r.pos
	b := r.buf
	start := open + 1
	i := start
	for i < len(b) && iriPlain[b[i]] {
		i++
	}
	at = start
	if i < len(b) && b[i] == '>' {
		text = b[start:i]
	} else {
		at = -1
		r.scratch = append(r.scratch[:0], b[start:i]...)
	slow:
		for {
			if i >= len(b) {
				return nil, 0, r.errorf(i, "unterminated IRI: expected '>' before end of line")
			}
			c := b[i]
			switch {
			case iriPlain[c]:
				r.scratch = append(r.scratch, c)
				i++
			case c == '>':
				break slow
			case c == '\\':
				if i+1 < len(b) && b[i+1] != 'u' && b[i+1] != 'U' {
					return nil, 0, r.errorf(i, `invalid escape %s in IRI: only \uXXXX and \UXXXXXXXX are allowed`, r.escapeText(i))
				}
				ch, n, err := r.uchar(i)
				if err != nil {
					return nil, 0, err
				}
				r.scratch = utf8.AppendRune(r.scratch, ch)
				i += n
			case c >= utf8.RuneSelf:
				ch, n := utf8.DecodeRune(b[i:])
				if ch == utf8.RuneError && n == 1 {
					return nil, 0, r.errorf(i, "invalid UTF-8 byte 0x%02x in IRI", c)
				}
				r.scratch = append(r.scratch, b[i:i+n]...)
				i += n
			case c == '\n' || c == '\r':
				return nil, 0, r.errorf(i, "unterminated IRI: expected '>' before end of line")
			case c == ' ':
				return nil, 0, r.errorf(i, "space is not allowed in an IRI (write it as %%20)")
			default:
				return nil, 0, r.errorf(i, "character %q is not allowed in an IRI", rune(c))
			}
		}
		text = r.scratch
	}
	if len(text) == 0 {
		return nil, 0, r.errorf(start, "empty IRI <> is not allowed: it names no resource a quad store can hold")
	}
	if r.strict && !hasScheme(text) {
		return nil, 0, r.errorf(start, "relative IRI <%s> is not allowed in strict mode; an IRI must start with a scheme such as http:", text)
	}
	r.pos = i + 1
	return text, at, nil
}

// hasScheme reports whether an IRI is absolute: scheme ::= [A-Za-z][A-Za-z0-9+.-]* ':'.
func hasScheme(b []byte) bool {
	if len(b) == 0 || !isLetter(b[0]) {
		return false
	}
	for _, c := range b[1:] {
		switch {
		case c == ':':
			return true
		case isLetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return false
}

// escapeText quotes the escape sequence at i for an error message.
func (r *Reader) escapeText(i int) string {
	if i+1 >= len(r.buf) || r.buf[i+1] == '\n' || r.buf[i+1] == '\r' {
		return `'\' at end of line`
	}
	ch, _ := utf8.DecodeRune(r.buf[i+1:])
	return `'\` + string(ch) + `'`
}

// uchar decodes \uXXXX or \UXXXXXXXX at i and returns the rune and the
// length of the escape.
func (r *Reader) uchar(i int) (rune, int, error) {
	b := r.buf
	if i+1 >= len(b) {
		return 0, 0, r.errorf(i, `invalid escape '\' at end of line`)
	}
	digits := 4
	if b[i+1] == 'U' {
		digits = 8
	}
	var ch rune
	for k := i + 2; k < i+2+digits; k++ {
		if k >= len(b) {
			return 0, 0, r.errorf(k, `invalid \%c escape: expected %d hex digits, found end of line`, b[i+1], digits)
		}
		c := b[k]
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = c | 0x20 - 'a' + 10
		default:
			return 0, 0, r.errorf(k, `invalid \%c escape: expected %d hex digits, found %s`, b[i+1], digits, r.describe(k))
		}
		ch = ch<<4 | rune(d)
	}
	if ch > utf8.MaxRune || ch >= 0xD800 && ch <= 0xDFFF {
		return 0, 0, r.errorf(i, `invalid escape %s: U+%04X is not a Unicode scalar value`, b[i:i+2+digits], uint32(ch))
	}
	return ch, 2 + digits, nil
}

// bnode scans a BLANK_NODE_LABEL starting with '_' at pos:
// '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?
func (r *Reader) bnode() (quad.Value, error) {
	b := r.buf
	if r.pos+1 >= len(b) || b[r.pos+1] != ':' {
		return nil, r.errorf(r.pos+1, "expected ':' after '_' in blank node label, found %s", r.describe(r.pos+1))
	}
	start := r.pos + 2
	i := start
	if i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if !(isLetter(c) || isDigit(c) || c == '_' || c == ':') {
				return nil, r.errorf(i, "invalid start of blank node label: %s", r.describe(i))
			}
			i++
		} else {
			ch, n := utf8.DecodeRune(b[i:])
			if ch == utf8.RuneError && n == 1 {
				return nil, r.errorf(i, "invalid UTF-8 byte 0x%02x in blank node label", c)
			}
			if !isPNCharsBase(ch) {
				return nil, r.errorf(i, "invalid start of blank node label: %s", r.describe(i))
			}
			i += n
		}
	} else {
		return nil, r.errorf(i, "empty blank node label")
	}
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if !bnodeASCII[c] {
				break
			}
			i++
			continue
		}
		ch, n := utf8.DecodeRune(b[i:])
		if ch == utf8.RuneError && n == 1 {
			return nil, r.errorf(i, "invalid UTF-8 byte 0x%02x in blank node label", c)
		}
		if !isPNChars(ch) {
			break
		}
		i += n
	}
	// A label cannot end with '.': a trailing dot ends the statement.
	for b[i-1] == '.' {
		i--
	}
	r.pos = i
	return r.intern(kindBNode, b[start:i], start).val, nil
}

// isPNCharsBase reports whether a non-ASCII rune is in PN_CHARS_BASE.
func isPNCharsBase(c rune) bool {
	switch {
	case c >= 0xC0 && c <= 0xD6, c >= 0xD8 && c <= 0xF6, c >= 0xF8 && c <= 0x2FF,
		c >= 0x370 && c <= 0x37D, c >= 0x37F && c <= 0x1FFF, c >= 0x200C && c <= 0x200D,
		c >= 0x2070 && c <= 0x218F, c >= 0x2C00 && c <= 0x2FEF, c >= 0x3001 && c <= 0xD7FF,
		c >= 0xF900 && c <= 0xFDCF, c >= 0xFDF0 && c <= 0xFFFD, c >= 0x10000 && c <= 0xEFFFF:
		return true
	}
	return false
}

// isPNChars reports whether a non-ASCII rune is in PN_CHARS.
func isPNChars(c rune) bool {
	return isPNCharsBase(c) || c == 0xB7 || c >= 0x300 && c <= 0x36F || c >= 0x203F && c <= 0x2040
}

// literal scans STRING_LITERAL_QUOTE ('^^' IRIREF | LANGTAG)? at pos.
// The grammar makes these separate terminals, so spaces and tabs may
// separate them.
func (r *Reader) literal() (quad.Value, error) {
	open := r.pos
	b := r.buf
	start := open + 1
	i := start
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	var value string
	if i < len(b) && b[i] == '"' {
		value = r.substr(start, i)
	} else {
		r.scratch = append(r.scratch[:0], b[start:i]...)
	slow:
		for {
			if i >= len(b) {
				return nil, r.errorf(i, "unterminated string literal (opened at column %d): expected '\"' before end of line", r.column(open))
			}
			c := b[i]
			switch {
			case strPlain[c]:
				r.scratch = append(r.scratch, c)
				i++
			case c == '"':
				break slow
			case c == '\\':
				if i+1 < len(b) && b[i+1] != 'u' && b[i+1] != 'U' {
					e, ok := echar(b[i+1])
					if !ok {
						return nil, r.errorf(i, `invalid escape %s in string literal: allowed are \t \b \n \r \f \" \' \\ \uXXXX \UXXXXXXXX`, r.escapeText(i))
					}
					r.scratch = append(r.scratch, e)
					i += 2
					continue
				}
				ch, n, err := r.uchar(i)
				if err != nil {
					return nil, err
				}
				r.scratch = utf8.AppendRune(r.scratch, ch)
				i += n
			case c >= utf8.RuneSelf:
				ch, n := utf8.DecodeRune(b[i:])
				if ch == utf8.RuneError && n == 1 {
					return nil, r.errorf(i, "invalid UTF-8 byte 0x%02x in string literal", c)
				}
				r.scratch = append(r.scratch, b[i:i+n]...)
				i += n
			default: // LF or CR
				return nil, r.errorf(i, "unterminated string literal (opened at column %d): expected '\"' before end of line", r.column(open))
			}
		}
		value = string(r.scratch)
	}
	r.pos = i + 1

	after := r.pos
	r.skipWS()
	switch r.peek() {
	case '@':
		lang, err := r.langTag()
		if err != nil {
			return nil, err
		}
		return quad.LangString{Value: quad.String(value), Lang: lang}, nil
	case '^':
		if r.pos+1 >= len(b) || b[r.pos+1] != '^' {
			return nil, r.errorf(r.pos+1, "expected '^^' before datatype IRI, found '^' followed by %s", r.describe(r.pos+1))
		}
		r.pos += 2
		r.skipWS()
		if r.peek() != '<' {
			return nil, r.unexpected("datatype IRI after '^^'")
		}
		dt, at, err := r.iri()
		if err != nil {
			return nil, err
		}
		return quad.TypedString{Value: quad.String(value), Type: quad.IRI(r.intern(kindIRI, dt, at).key)}, nil
	}
	r.pos = after
	return quad.String(value), nil
}

// echar decodes the character after '\' in ECHAR ::= '\' [tbnrf"'\].
func echar(c byte) (byte, bool) {
	switch c {
	case 't':
		return '\t', true
	case 'b':
		return '\b', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 'f':
		return '\f', true
	case '"', '\'', '\\':
		return c, true
	}
	return 0, false
}

// langTag scans LANGTAG ::= '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)* at pos and
// returns it without '@'.
func (r *Reader) langTag() (string, error) {
	b := r.buf
	start := r.pos + 1
	i := start
	for i < len(b) && isLetter(b[i]) {
		i++
	}
	if i == start {
		return "", r.errorf(i, "invalid language tag: expected a letter after '@', found %s", r.describe(i))
	}
	for i < len(b) && b[i] == '-' {
		i++
		j := i
		for i < len(b) && (isLetter(b[i]) || isDigit(b[i])) {
			i++
		}
		if i == j {
			return "", r.errorf(i, "invalid language tag: expected a letter or digit after '-', found %s", r.describe(i))
		}
	}
	if i < len(b) && (b[i] == '_' || isDigit(b[i]) || b[i] >= utf8.RuneSelf) {
		return "", r.errorf(i, "invalid language tag: %s is not allowed (subtags are letters and digits separated by '-')", r.describe(i))
	}
	r.pos = i
	return r.intern(kindLang, b[start:i], start).key, nil
}

// column returns the 1-based character column of byte i on the current line.
func (r *Reader) column(i int) int {
	return utf8.RuneCount(r.buf[r.lineStart:i]) + 1
}
