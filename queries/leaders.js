// name: leaders
// description: Who heads or headed an entity: the person, the post as the source words it, acting or former, dates, source.
// param: entity entity -- the agency, unit or organization
// columns: person, title, acting, former, start, end, status, source, quote
// order: former, person, source, quote, title, status, start, end
//
// A head is stated as person org:headOf entity, or as person org:holds a
// post that is org:postIn the entity.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// props returns the first outgoing value by predicate of node, as ToArray
// names them but a typed literal as its text, read by PropertyMap, this
// tool's addition to Gizmo.
function props(node) { return g.V(node).PropertyMap({first: true, text: true})[node] || {}; }
// first returns the value of pred in p, or null.
function first(p, pred) { var v = p[pred]; return v === undefined ? null : v; }

var ORG = "http://www.w3.org/ns/org#";
var rows = [];
function collect(st) {
  var p = props(st);
  rows.push({
    person: first(p, SUBJECT),
    title: first(p, "<title>"),
    acting: first(p, "<acting>") === true,
    former: first(p, "<former>") === true,
    start: first(p, "<http://schema.org/startDate>"),
    end: first(p, "<http://schema.org/endDate>"),
    status: first(p, "<status>"),
    source: first(p, SOURCE),
    quote: first(p, "<quote>")
  });
}
// assertionsAbout returns the assertions whose object is node and whose
// predicate is pred.
function assertionsAbout(node, pred) {
  return g.V(node).In(OBJECT).Has(PREDICATE, pred).ToArray();
}
assertionsAbout(entity, "<" + ORG + "headOf>").forEach(collect);
g.V(entity).In("<" + ORG + "postIn>").ToArray().forEach(function (post) {
  assertionsAbout(post, "<" + ORG + "holds>").forEach(collect);
});
rows.forEach(function (r) { g.Emit(r); });
