// name: entity
// description: One entity: its IRI, type, names and aliases, parents and sub-units, and how many assertions mention it.
// param: entity entity -- the entity
// columns: field, value

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// props returns a node's outgoing values by predicate, typed literals as text.
function props(node) {
  var out = {};
  g.V(node).Out(null, "p").TagArray().forEach(function (r) {
    (out[r.p] = out[r.p] || []).push(text(r.id));
  });
  return out;
}
function text(v) {
  var m = typeof v === "string" && /^"([\s\S]*)"\^\^<[^>]*>$/.exec(v);
  return m ? m[1] : v;
}
function first(p, pred) { return p[pred] ? p[pred][0] : null; }
// byKeys sorts rows by the given keys in turn.
function byKeys(keys) {
  return function (a, b) {
    for (var i = 0; i < keys.length; i++) {
      var x = a[keys[i]], y = b[keys[i]];
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
}

var TYPE = "<" + RDF + "type>", SUB_OF = "<http://www.w3.org/ns/org#subOrganizationOf>";
var p = props(entity);
// list emits each value once: an edge stated in several graphs (a parent
// the Federal Register, CISA and an article all give) comes back per graph.
function list(field, values) {
  (values || []).slice().sort().forEach(function (v, i, all) {
    if (i === 0 || v !== all[i - 1]) g.Emit({ field: field, value: v });
  });
}
// The IRI as text ("ICE", not "<ICE>"): what a user types, which a table
// would otherwise replace by the name.
g.Emit({ field: "iri", value: entity.slice(1, -1) });
list("type", p[TYPE]);
list("name", p["<http://schema.org/name>"]);
list("alias", p["<http://www.w3.org/2004/02/skos/core#altLabel>"]);
list("parent", p[SUB_OF]);
list("sub-unit", g.V(entity).In(SUB_OF).ToArray());
g.Emit({ field: "assertions", value: g.V(entity).In(SUBJECT).Count() + g.V(entity).In(OBJECT).Count() });
