// name: personnel-flows
// description: Staff moving into an agency: from which body, how many, for how long, from when, on whose word.
// param: agency entity default=ICE -- the agency receiving staff
// columns: from, how, headcount, figure, days, start, when, status, source, quote
//
// Staff move in when a body details staff to the agency (from -> agency) or
// when the agency deputizes another body's officers (agency -> from); an
// assists statement counts when it carries a headcount or a duration.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

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
rows.sort(byKeys(["start", "from", "how", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
