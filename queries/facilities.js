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
provided.forEach(function (st) {
  add(st, null, g.V(st).Out(SUBJECT).ToValue());
});
used.forEach(function (st) {
  var facility = g.V(st).Out(OBJECT).ToValue();
  var operators = g.V(facility).In("<operates>").ToArray().sort();
  if (operators.length === 0) operators = [null];
  operators.forEach(function (op) { add(st, facility, op); });
});
rows.sort(byKeys(["facility", "provider", "relation", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
