// name: conflicts
// description: Things on which sources disagree, each side with its value, source and quote.
// columns: kind, subject, predicate, value, source, quote, other-value, other-source, other-quote
// order: kind, subject, predicate, source, other-source, quote, other-quote
//
// Two kinds: "linked" pairs of assertions the data marks with conflictsWith,
// and "differing" ones that give the same subject and predicate different
// literal values (a count, a date) in different sources and are not linked.

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
// first returns the value of pred in p, or null.
function first(p, pred) { var v = p[pred]; return v === undefined ? null : v; }

var TYPE = "<" + RDF + "type>";
// Only two kinds of assertion can take part: those linked by conflictsWith
// and those whose object is a value, not an entity. Two bulk queries find
// them, so that only they have their properties read.
var all = {}, linked = {}, pairs = [];
// A link's far end counts if it is an assertion too: only those ends are
// checked, not every assertion listed (a sixth of the query's time on a
// million quads).
var links = g.V("<Assertion>").In(TYPE).Tag("st").Out("<conflictsWith>").TagArray(), ends = {};
links.forEach(function (r) { ends[r.id] = true; });
var isAssertion = {};
ends = Object.keys(ends);
if (ends.length > 0) {
  g.V.apply(g, ends).Has(TYPE, "<Assertion>").ToArray().forEach(function (st) { isAssertion[st] = true; });
}
// linksOf holds each linking assertion's conflictsWith ends, all of them:
// propsOf gives only a property's first value.
var linksOf = {};
links.forEach(function (r) {
  all[r.st] = true;
  if (isAssertion[r.id]) all[r.id] = true;
  (linksOf[r.st] = linksOf[r.st] || []).push(r.id);
});
// Filter(literal()), this tool's addition to Gizmo, drops entity objects
// before anything is named: most assertions link two entities, and naming
// both ends of each for a row the script then threw away was two fifths
// of the query's time on a million quads (0.46 s cold against 0.27 s).
g.V("<Assertion>").In(TYPE).Tag("st").Out(OBJECT).Filter(literal()).TagArray().forEach(function (r) {
  all[r.st] = true;
});
all = propsOf(Object.keys(all));
Object.keys(linksOf).sort().forEach(function (a) {
  linksOf[a].forEach(function (b) {
    linked[a + " " + b] = linked[b + " " + a] = true;
    if (a < b && all[b]) pairs.push(["linked", a, b]);
  });
});
var groups = {};
Object.keys(all).sort().forEach(function (st) {
  var p = all[st], o = first(p, OBJECT);
  if (typeof o === "string" && o.charAt(0) === "<") return; // relationships, not values
  var key = first(p, SUBJECT) + " " + first(p, PREDICATE);
  (groups[key] = groups[key] || []).push(st);
});
Object.keys(groups).sort().forEach(function (key) {
  var g1 = groups[key];
  for (var i = 0; i < g1.length; i++) {
    for (var j = i + 1; j < g1.length; j++) {
      var a = all[g1[i]], b = all[g1[j]];
      if (linked[g1[i] + " " + g1[j]] || first(a, SOURCE) === first(b, SOURCE) || first(a, OBJECT) === first(b, OBJECT)) continue;
      pairs.push(["differing", g1[i], g1[j]]);
    }
  }
});
var rows = pairs.map(function (x) {
  var a = all[x[1]], b = all[x[2]];
  return {
    kind: x[0], subject: first(a, SUBJECT), predicate: first(a, PREDICATE),
    value: first(a, OBJECT), source: first(a, SOURCE), quote: first(a, "<quote>"),
    "other-value": first(b, OBJECT), "other-source": first(b, SOURCE), "other-quote": first(b, "<quote>")
  };
});
rows.forEach(function (r) { g.Emit(r); });
