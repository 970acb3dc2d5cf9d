// name: assists
// description: Who assists, supports, is deputized for, details staff to, or lends facilities or authority to an agency.
// param: agency entity default=ICE -- the agency being helped
// columns: helper, help, source, quote, status
// order: helper, help, source, quote, status
//
// Help given TO the agency is an edge helper -> agency (assists,
// detailsStaffTo, grantsAuthorityTo, providesFacilityTo); deputizes runs the
// other way (the agency deputizes the helper's officers). One row per
// assertion, so a statement made by two sources gives two rows.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";
var TO_AGENCY = ["<assists>", "<detailsStaffTo>", "<grantsAuthorityTo>", "<providesFacilityTo>"];
var BY_AGENCY = ["<deputizes>"];

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
function collect(end, preds, helperEnd) {
  preds.forEach(function (pred) {
    var sts = g.V(agency).In(end).Has(PREDICATE, pred).ToArray(), all = propsOf(sts);
    sts.forEach(function (st) { add(all[st], helperEnd); });
  });
}
function add(p, helperEnd) {
  rows.push({
    helper: first(p, helperEnd),
    help: first(p, PREDICATE),
    source: first(p, SOURCE),
    quote: first(p, "<quote>"),
    status: first(p, "<status>")
  });
}
collect(OBJECT, TO_AGENCY, SUBJECT);
collect(SUBJECT, BY_AGENCY, OBJECT);
rows.forEach(function (r) { g.Emit(r); });
