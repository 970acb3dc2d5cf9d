// name: leaders
// description: Who heads or headed an entity: the person, the post as the source words it, acting or former, dates, source.
// param: entity entity -- the agency, unit or organization
// columns: person, title, acting, former, start, end, status, source, quote
//
// A head is stated as person org:headOf entity, or as person org:holds a
// post that is org:postIn the entity.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// props returns the outgoing values by predicate of node, as ToArray names
// them, read by PropertyMap, this tool's addition to Gizmo.
function props(node) { return g.V(node).PropertyMap()[node] || {}; }
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
// The last keys only break ties: the order never depends on the store's.
rows = sortBy(rows, ["former", "person", "source", "quote", "title", "status", "start", "end"]);
rows.forEach(function (r) { g.Emit(r); });
