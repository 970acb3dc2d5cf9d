// name: assists
// description: Who assists, supports, is deputized for, details staff to, or lends facilities or authority to an agency.
// param: agency entity default=ICE -- the agency being helped
// columns: helper, help, source, quote, status
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

var rows = [];
function collect(end, preds, helperEnd) {
  preds.forEach(function (pred) {
    g.V(agency).In(end).Has(PREDICATE, pred).ToArray().forEach(function (st) { add(st, helperEnd); });
  });
}
function add(st, helperEnd) {
  var p = props(st);
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
rows.sort(function (a, b) {
  return a.helper < b.helper ? -1 : a.helper > b.helper ? 1 :
    a.help < b.help ? -1 : a.help > b.help ? 1 :
    a.source < b.source ? -1 : a.source > b.source ? 1 :
    a.quote < b.quote ? -1 : a.quote > b.quote ? 1 : 0;
});
rows.forEach(function (r) { g.Emit(r); });
