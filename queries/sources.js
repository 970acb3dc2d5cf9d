// name: sources
// description: The source documents (articles and datasets) and how many assertions each supports.
// columns: source, type, publisher, published, headline, assertions
// order: source, type

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// propsOf returns the outgoing values by predicate of each of nodes, as
// ToArray names them ({node: {predicate: [value, …]}}), read by
// PropertyMap, this tool's addition to Gizmo: grouping a TagArray row per
// property in the script was most of a saved query's time. An empty list
// never reaches g.V (g.V() of nothing would be every node).
function propsOf(nodes) { return nodes.length > 0 ? g.V.apply(g, nodes).PropertyMap() : {}; }
function text(v) {
  // "text"^^<type>, read with string calls: a regular expression costs
  // here. The last "^^< is the datatype's, whose IRI holds no ">".
  if (typeof v !== "string" || v[0] !== '"' || v[v.length - 1] !== ">") return v;
  var i = v.lastIndexOf('"^^<');
  return i > 0 && v.indexOf(">", i) === v.length - 1 ? v.slice(1, i) : v;
}
// first returns the first value of pred in p, a typed literal as its text.
function first(p, pred) { var v = p[pred]; return v ? text(v[0]) : null; }

var TYPE = "<" + RDF + "type>";
// One walk per type, untagged: each is a single query on PostgreSQL, where
// Cayley's SQL backend made a hop from a tagged start a query per quad.
var found = [];
["<Article>", "<Dataset>"].forEach(function (type) {
  g.V(type).In(TYPE).ToArray().forEach(function (id) { found.push({id: id, type: type}); });
});
var ids = found.map(function (r) { return r.id; });
// How many assertions cite each source: InCounts, this tool's addition to
// Gizmo, counts every source in one step (a Count per source was a query
// each on PostgreSQL).
var all = propsOf(ids), cited = ids.length > 0 ? g.V.apply(g, ids).InCounts(SOURCE) : {};
var rows = found.map(function (r) {
  var p = all[r.id], published = first(p, "<http://schema.org/datePublished>");
  if (published !== null && first(p, "<dateEstimated>") === true) published += " (estimated)";
  return {
    source: r.id, type: r.type, publisher: first(p, "<http://schema.org/publisher>"),
    published: published,
    headline: first(p, "<http://schema.org/headline>"),
    assertions: cited[r.id]
  };
});
rows.forEach(function (r) { g.Emit(r); });
