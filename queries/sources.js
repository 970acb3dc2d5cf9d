// name: sources
// description: The source documents (articles and datasets) and how many assertions each supports.
// columns: source, type, publisher, published, headline, assertions
// order: source, type

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// propsOf returns the first outgoing value by predicate of each of nodes,
// as ToArray names them but a typed literal as its text ({node:
// {predicate: value}}), read by PropertyMap, this tool's addition to Gizmo:
// grouping a TagArray row per property in the script was most of a saved
// query's time, and picking the first value and trimming its datatype a
// quarter of what was left. An empty list never reaches g.V (g.V() of
// nothing would be every node).
function propsOf(nodes) { return nodes.length > 0 ? g.V.apply(g, nodes).PropertyMap({first: true, text: true}) : {}; }
// inChunks calls fn with each part of nodes, a few thousand at a time, and
// their propsOf: a whole-graph answer then never holds every node's
// properties at once (timeline of every article on a 1M-quad graph peaked
// at 640 MB holding them, 410 MB in parts). Parts are whole thousands:
// PostgreSQL reads properties a thousand nodes to a query.
function inChunks(nodes, fn) {
  for (var at = 0; at < nodes.length; at += 4000) {
    var part = nodes.slice(at, at + 4000);
    fn(part, propsOf(part));
  }
}
// first returns the value of pred in p, or null.
function first(p, pred) { var v = p[pred]; return v === undefined ? null : v; }

var TYPE = "<" + RDF + "type>";
// One walk per type, untagged: each is a single query on PostgreSQL, where
// Cayley's SQL backend made a hop from a tagged start a query per quad.
// How many assertions cite each source: InCounts, this tool's addition to
// Gizmo, counts every source of a part in one step (a Count per source was
// a query each on PostgreSQL).
["<Article>", "<Dataset>"].forEach(function (type) {
  inChunks(g.V(type).In(TYPE).ToArray(), function (part, all) {
    var cited = g.V.apply(g, part).InCounts(SOURCE);
    part.forEach(function (id) {
      var p = all[id], published = first(p, "<http://schema.org/datePublished>");
      if (published !== null && first(p, "<dateEstimated>") === true) published += " (estimated)";
      g.Emit({
        source: id, type: type, publisher: first(p, "<http://schema.org/publisher>"),
        published: published,
        headline: first(p, "<http://schema.org/headline>"),
        assertions: cited[id]
      });
    });
  });
});
