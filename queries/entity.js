// name: entity
// description: One entity: its IRI, type, names and aliases, parents and sub-units, and how many assertions mention it.
// param: entity entity -- the entity
// columns: field, value

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", OBJECT = "<" + RDF + "object>";

// text gives a typed literal as its text.
function text(v) {
  // "text"^^<type>, read with string calls: a regular expression costs
  // here. The last "^^< is the datatype's, whose IRI holds no ">".
  if (typeof v !== "string" || v[0] !== '"' || v[v.length - 1] !== ">") return v;
  var i = v.lastIndexOf('"^^<');
  return i > 0 && v.indexOf(">", i) === v.length - 1 ? v.slice(1, i) : v;
}

var TYPE = "<" + RDF + "type>", SUB_OF = "<http://www.w3.org/ns/org#subOrganizationOf>";
// values returns the entity's values of one predicate, typed literals as
// text. It reads only that predicate's quads: a hub agency is the subject of
// a thousand others.
function values(pred) { return g.V(entity).Out(pred).ToArray().map(text); }
// list emits each value once: an edge stated in several graphs (a parent
// the Federal Register, CISA and an article all give) comes back per graph.
function list(field, vals) {
  vals.slice().sort().forEach(function (v, i, all) {
    if (i === 0 || v !== all[i - 1]) g.Emit({ field: field, value: v });
  });
}
// The IRI as text ("ICE", not "<ICE>"): what a user types, which a table
// would otherwise replace by the name.
g.Emit({ field: "iri", value: entity.slice(1, -1) });
list("type", values(TYPE));
list("name", values("<http://schema.org/name>"));
list("alias", values("<http://www.w3.org/2004/02/skos/core#altLabel>"));
list("parent", values(SUB_OF));
list("sub-unit", g.V(entity).In(SUB_OF).ToArray());
g.Emit({ field: "assertions", value: g.V(entity).In(SUBJECT).Count() + g.V(entity).In(OBJECT).Count() });
