// name: facilities
// description: Detention facilities and bases made available to an agency: which, by whom, with detainee and capacity figures.
// param: agency entity default=ICE -- the agency using them
// columns: facility, provider, relation, detainees, capacity, figure, status, source, quote
// order: facility, provider, relation, source, quote, status, figure, detainees, capacity
//
// Two shapes of statement: provider providesFacilityTo agency (the facility
// may be unnamed), and agency usesFacility facility, whose provider is
// whoever operates it.

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

var rows = [];
var provided = g.V(agency).In(OBJECT).Has(PREDICATE, "<providesFacilityTo>").ToArray();
var used = g.V(agency).In(SUBJECT).Has(PREDICATE, "<usesFacility>").ToArray();
var all = propsOf(provided.concat(used));
function add(st, facility, provider) {
  var p = all[st];
  rows.push({
    facility: facility, provider: provider, relation: first(p, PREDICATE),
    detainees: first(p, "<detaineeCount>"), capacity: first(p, "<capacity>"), figure: first(p, "<figure>"),
    status: first(p, "<status>"), source: first(p, SOURCE), quote: first(p, "<quote>")
  });
}
// The operators of every facility used, sorted, read in one traversal (a
// query per facility was most of this query's time on PostgreSQL).
var operators = {};
used.forEach(function (st) { var f = first(all[st], OBJECT); if (f !== null) operators[f] = []; });
var facilities = Object.keys(operators);
if (facilities.length > 0) {
  g.V.apply(g, facilities).Tag("facility").In("<operates>").TagArray().forEach(function (r) { operators[r.facility].push(r.id); });
}
facilities.forEach(function (f) { operators[f].sort(); });
provided.forEach(function (st) { add(st, null, first(all[st], SUBJECT)); });
used.forEach(function (st) {
  var facility = first(all[st], OBJECT), ops = facility === null ? [] : operators[facility];
  if (ops.length === 0) ops = [null];
  ops.forEach(function (op) { add(st, facility, op); });
});
rows.forEach(function (r) { g.Emit(r); });
