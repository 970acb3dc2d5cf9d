// name: timeline
// description: Assertions in date order, about one entity or (without one) from every article.
// param: entity entity optional -- only assertions about this entity
// columns: date, dated-by, when, subject, predicate, object, status, source, quote
//
// An assertion is dated by its own start date, else its as-of date, else its
// end date, else the date its source was published; dated-by says which.
// Without an entity only articles count: datasets are undated registries.

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
var published = {}, isArticle = {};
g.V("<Article>", "<Dataset>").Tag("type").In(TYPE).Tag("src").Out("<http://schema.org/datePublished>").TagArray()
  .forEach(function (r) { published[r.src] = text(r.id); isArticle[r.src] = r.type === "<Article>"; });

var sts;
if (entity === null) {
  // The articles' own assertions: the datasets hold many more, all undated.
  sts = [];
  Object.keys(isArticle).sort().forEach(function (src) {
    if (isArticle[src]) g.V(src).In(SOURCE).ToArray().forEach(function (st) { sts.push(st); });
  });
} else {
  var seen = {};
  sts = g.V(entity).In(SUBJECT).ToArray().concat(g.V(entity).In(OBJECT).ToArray()).filter(function (st) {
    return seen[st] ? false : (seen[st] = true);
  });
}
var rows = [], all = propsOf(sts);
sts.forEach(function (st) {
  var p = all[st], src = first(p, SOURCE);
  if (entity === null && !isArticle[src]) return;
  var dated = [["<http://schema.org/startDate>", "start"], ["<asOf>", "as of"], ["<http://schema.org/endDate>", "end"]];
  var date = null, by = null;
  for (var i = 0; i < dated.length && date === null; i++) {
    if (p[dated[i][0]]) { date = p[dated[i][0]][0]; by = dated[i][1]; }
  }
  if (date === null && published[src] !== undefined) { date = published[src]; by = "published"; }
  rows.push({
    date: date, "dated-by": by, when: first(p, "<dateText>"),
    subject: first(p, SUBJECT), predicate: first(p, PREDICATE), object: first(p, OBJECT),
    status: first(p, "<status>"), source: src, quote: first(p, "<quote>")
  });
});
rows.sort(byKeys(["date", "subject", "predicate", "object", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
