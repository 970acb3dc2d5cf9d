// Package nquads reads N-Quads, the line-based RDF dataset syntax of the
// W3C Recommendation (https://www.w3.org/TR/n-quads/), and with it
// N-Triples, its subset. agencygraph uses it instead of Cayley's own reader
// so that a bad line in a data file is rejected with its file, line and
// column rather than loaded as a wrong quad, and so that loading is fast.
//
// The reader follows the grammar exactly and passes every test of the W3C
// N-Quads and N-Triples syntax suites. The one relaxation, taken unless
// [Options.Strict] is set, is that IRIs may be relative (<alice>), as in
// Cayley's sample data; even then the empty IRI <> is rejected, as a quad
// holding it is invalid (quad.IsValid) and Cayley would drop it. Values are the ordinary quad types: quad.IRI,
// quad.BNode, quad.String, quad.LangString and quad.TypedString. Typed
// literals are kept as written, never converted to native Go values, so data
// reads back the way it was written.
//
// Cayley's stock reader (github.com/cayleygraph/quad/nquads, v1.2.5) differs
// from the grammar in these ways; TestCayleyReader_Differences checks each:
//
//   - It accepts invalid input and loads something else: a literal as graph
//     label; bare numbers and words as objects (1.0, true, Turtle's triple-quoted strings);
//     Turtle directives (@prefix) and object lists (<o>, <o2>); IRIs with
//     spaces (split into string terms), with character escapes such as \n,
//     or with the characters {}|^`; unpaired surrogate escapes and invalid
//     UTF-8 (both become U+FFFD); a leading byte order mark (glued to the
//     subject); blank node labels starting with '-'; and, by design,
//     relative IRIs. A statement with the empty IRI <> is skipped without
//     a word.
//   - It rejects valid input: statements with minimal white space, such as
//     <s><p><o>. or _:b<p>"x". , and lines ended by a lone CR.
//   - It misreads valid input: with white space before ^^ or a language tag,
//     as in "x" ^^<t> or "x" @en, the datatype or tag becomes a string graph
//     label.
//   - By default (AutoConvertTypedString) it converts typed literals to Go
//     values, so "01"^^xsd:integer is read as 1.
//   - Its errors carry the offending line's text and a byte offset in it,
//     but no line number.
package nquads
