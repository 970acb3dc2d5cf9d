// name: evidence
// description: Every assertion about an entity, or between two entities: statement, status, source, date, figure, quote.
// param: entity entity -- the entity
// param: other entity optional -- only assertions linking the entity to this one
// columns: subject, predicate, object, status, source, date, figure, quote

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

// row is an assertion as a table row: the statement, its status and source,
// its date (start, else as-of) and its figure (the wording, else a number).
var QUANTITIES = ["<headcount>", "<durationDays>", "<detaineeCount>", "<capacity>", "<amountUSD>", "<percent>", "<count>"];
function row(p) {
  var figure = first(p, "<figure>");
  for (var i = 0; figure === null && i < QUANTITIES.length; i++) {
    if (p[QUANTITIES[i]]) figure = QUANTITIES[i].slice(1, -1) + " " + p[QUANTITIES[i]][0];
  }
  var start = first(p, "<http://schema.org/startDate>"), end = first(p, "<http://schema.org/endDate>");
  return {
    subject: first(p, SUBJECT), predicate: first(p, PREDICATE), object: first(p, OBJECT),
    status: first(p, "<status>"), source: first(p, SOURCE),
    date: start !== null ? (end !== null ? start + "/" + end : start) : first(p, "<asOf>"),
    figure: figure, quote: first(p, "<quote>")
  };
}

var sts = [], seen = {};
[SUBJECT, OBJECT].forEach(function (end) {
  g.V(entity).In(end).ToArray().forEach(function (st) {
    if (!seen[st]) { seen[st] = true; sts.push(st); }
  });
});
var all = propsOf(sts), rows = [];
sts.forEach(function (st) {
  var r = row(all[st]);
  if (other !== null && r.subject !== other && r.object !== other) return;
  rows.push(r);
});
rows.sort(byKeys(["subject", "predicate", "object", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
