// name: facilities
// description: Detention facilities and bases made available to an agency: which, by whom, with detainee and capacity figures.
// param: agency entity default=ICE -- the agency using them
// columns: facility, provider, relation, detainees, capacity, figure, status, source, quote
//
// Two shapes of statement: provider providesFacilityTo agency (the facility
// may be unnamed), and agency usesFacility facility, whose provider is
// whoever operates it.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

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
function add(st, facility, provider) {
  var p = props(st);
  rows.push({
    facility: facility, provider: provider, relation: first(p, PREDICATE),
    detainees: first(p, "<detaineeCount>"), capacity: first(p, "<capacity>"), figure: first(p, "<figure>"),
    status: first(p, "<status>"), source: first(p, SOURCE), quote: first(p, "<quote>")
  });
}
g.V(agency).In(OBJECT).Has(PREDICATE, "<providesFacilityTo>").ToArray().forEach(function (st) {
  add(st, null, g.V(st).Out(SUBJECT).ToValue());
});
g.V(agency).In(SUBJECT).Has(PREDICATE, "<usesFacility>").ToArray().forEach(function (st) {
  var facility = g.V(st).Out(OBJECT).ToValue();
  var operators = g.V(facility).In("<operates>").ToArray().sort();
  if (operators.length === 0) operators = [null];
  operators.forEach(function (op) { add(st, facility, op); });
});
rows.sort(byKeys(["facility", "provider", "relation", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
