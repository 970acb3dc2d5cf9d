package nquads

import "fmt"

// SyntaxError reports where and why the input is not valid N-Quads.
type SyntaxError struct {
	File   string
	Line   int    // 1-based
	Column int    // 1-based, in characters (runes) from line start, pointing at the offending character
	Msg    string // what was expected / what is wrong, e.g. `expected '.' at end of statement, found '<'`
}

// Error formats the error as "FILE:LINE:COL: MSG", the form editors and
// compilers use, so a terminal or IDE can jump to the spot.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}
