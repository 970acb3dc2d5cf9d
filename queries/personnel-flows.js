// name: personnel-flows
// description: Staff moving into an agency: from which body, how many, for how long, from when, on whose word.
// param: agency entity default=ICE -- the agency receiving staff
// columns: from, how, headcount, figure, days, start, when, status, source, quote
// order: start, from, how, source, quote, status, when, figure, headcount, days
//
// Staff move in when a body details staff to the agency (from -> agency) or
// when the agency deputizes another body's officers (agency -> from); an
// assists statement counts when it carries a headcount or a duration.

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
function collect(end, other, pred, counted) {
  var sts = g.V(agency).In(end).Has(PREDICATE, pred).ToArray(), all = propsOf(sts);
  sts.forEach(function (st) {
    var p = all[st];
    var row = {
      from: first(p, other),
      how: pred,
      headcount: first(p, "<headcount>"),
      figure: first(p, "<figure>"),
      days: first(p, "<durationDays>"),
      start: first(p, "<http://schema.org/startDate>"),
      when: first(p, "<dateText>"),
      status: first(p, "<status>"),
      source: first(p, SOURCE),
      quote: first(p, "<quote>")
    };
    if (counted && row.headcount === null && row.days === null) return;
    rows.push(row);
  });
}
collect(OBJECT, SUBJECT, "<detailsStaffTo>", false);
collect(SUBJECT, OBJECT, "<deputizes>", false);
collect(OBJECT, SUBJECT, "<assists>", true);
rows.forEach(function (r) { g.Emit(r); });
