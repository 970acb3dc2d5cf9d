// name: sources
// description: The source documents (articles and datasets) and how many assertions each supports.
// columns: source, type, publisher, published, headline, assertions

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

var TYPE = "<" + RDF + "type>";
var found = g.V("<Article>", "<Dataset>").Tag("type").In(TYPE).TagArray();
var all = propsOf(found.map(function (r) { return r.id; }));
var rows = found.map(function (r) {
  var p = all[r.id], published = first(p, "<http://schema.org/datePublished>");
  if (published !== null && first(p, "<dateEstimated>") === true) published += " (estimated)";
  return {
    source: r.id, type: r.type, publisher: first(p, "<http://schema.org/publisher>"),
    published: published,
    headline: first(p, "<http://schema.org/headline>"),
    assertions: g.V(r.id).In(SOURCE).Count()
  };
});
rows.sort(byKeys(["source"]));
rows.forEach(function (r) { g.Emit(r); });
