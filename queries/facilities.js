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

// propsOf returns the outgoing values by predicate of each of nodes, as
// ToArray names them ({node: {predicate: [value, …]}}), read by
// PropertyMap, this tool's addition to Gizmo: grouping a TagArray row per
// property in the script was most of a saved query's time. An empty list
// never reaches g.V (g.V() of nothing would be every node).
function propsOf(nodes) { return nodes.length > 0 ? g.V.apply(g, nodes).PropertyMap() : {}; }
function text(v) {
  // "text"^^<type>, read with string calls: a regular expression costs
  // here. The last "^^< is the datatype's, whose IRI holds no ">".
  if (typeof v !== "string" || v[0] !== '"' || v[v.length - 1] !== ">") return v;
  var i = v.lastIndexOf('"^^<');
  return i > 0 && v.indexOf(">", i) === v.length - 1 ? v.slice(1, i) : v;
}
// first returns the first value of pred in p, a typed literal as its text.
function first(p, pred) { var v = p[pred]; return v ? text(v[0]) : null; }
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
// sortBy returns rows in byKeys(keys) order, rows equal in every key in
// the order they came. Each row's keys are written into one string that
// sorts as they do (numbers zero-padded, nulls after all else), and the
// strings sort without a call into the script per comparison: a
// comparator call costs microseconds here, and a sort of thousands of rows
// makes tens of thousands. Strings then compare by code point, where byKeys
// compares UTF-16 units: the two differ only between a character above
// U+FFFF and one from U+E000 to U+FFFF. Rows it cannot write so (other
// types, a number that is not whole or not below 10^15, numbers and
// strings under one key, a string holding U+0000 to U+0002) are sorted
// with byKeys itself, ties by position.
function sortBy(rows, keys) {
  function fallback() {
    var cmp = byKeys(keys);
    return rows.map(function (r, i) { return [r, i]; })
      .sort(function (a, b) { return cmp(a[0], b[0]) || a[1] - b[1]; })
      .map(function (p) { return p[0]; });
  }
  var n = rows.length, m = keys.length, coded = [], kinds = [], nulls = 0;
  for (var i = 0; i < n; i++) {
    var row = rows[i], code = "";
    for (var j = 0; j < m; j++) {
      var v = row[keys[j]], t = typeof v;
      if (v === null || t === "undefined") { code += "\u0002\u0000"; nulls++; continue; }
      if ((kinds[j] = kinds[j] || t) !== t) return fallback();
      if (t === "number") {
        if (!(v >= 0 && v < 1e15 && v % 1 === 0)) return fallback();
        v = 1e15 + v;
      } else if (t !== "string") {
        return fallback();
      }
      code += "\u0001" + v + "\u0000";
    }
    coded[i] = code + (1e9 + i);
  }
  // A value holding a separator would shift the keys after it: count them.
  var all = coded.join("");
  if (all.split("\u0000").length !== n * m + 1 || all.split("\u0001").length !== n * m - nulls + 1 ||
      all.split("\u0002").length !== nulls + 1) return fallback();
  coded.sort();
  return coded.map(function (c) { return rows[c.slice(-10) - 1e9]; });
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
// The last keys only break ties: the order never depends on the store's.
rows = sortBy(rows, ["facility", "provider", "relation", "source", "quote", "status", "figure", "detainees", "capacity"]);
rows.forEach(function (r) { g.Emit(r); });
