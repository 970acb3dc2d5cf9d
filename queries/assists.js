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

// propsOf returns the outgoing values by predicate of each of nodes, typed
// literals as text, read in one traversal: a query over hundreds of
// assertions builds one Gizmo path, not one per assertion.
function propsOf(nodes) {
  var out = {};
  nodes.forEach(function (n) { out[n] = {}; });
  var list = Object.keys(out);
  // A thousand nodes at a time, so that the rows read stay few in memory;
  // an empty chunk never comes (g.V() of nothing would be every node).
  for (var i = 0; i < list.length; i += 1000) {
    g.V.apply(g, list.slice(i, i + 1000)).Tag("node").Out(null, "p").TagArray().forEach(function (r) {
      var p = out[r.node], k = r.p, vals = p[k];
      if (vals) vals.push(text(r.id));
      else p[k] = [text(r.id)];
    });
  }
  return out;
}
function text(v) {
  // The first character first: a regular expression call costs here.
  if (typeof v !== "string" || v[0] !== '"') return v;
  var m = /^"([\s\S]*)"\^\^<[^>]*>$/.exec(v);
  return m ? m[1] : v;
}
function first(p, pred) { return p[pred] ? p[pred][0] : null; }

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
rows.sort(function (a, b) {
  return a.helper < b.helper ? -1 : a.helper > b.helper ? 1 :
    a.help < b.help ? -1 : a.help > b.help ? 1 :
    a.source < b.source ? -1 : a.source > b.source ? 1 :
    a.quote < b.quote ? -1 : a.quote > b.quote ? 1 : 0;
});
rows.forEach(function (r) { g.Emit(r); });
