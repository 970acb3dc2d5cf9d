// name: timeline
// description: Assertions in date order, about one entity or (without one) from every article.
// param: entity entity optional -- only assertions about this entity
// columns: date, dated-by, when, subject, predicate, object, status, source, quote
// order: date, subject, predicate, object, source, quote, status, dated-by, when
//
// An assertion is dated by its own start date, else its as-of date, else its
// end date, else the date its source was published; dated-by says which.
// Without an entity only articles count: datasets are undated registries.

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
// inChunks calls fn with each part of nodes, a few thousand at a time, and
// their propsOf: a whole-graph answer then never holds every node's
// properties at once (timeline of every article on a 1M-quad graph peaked
// at 640 MB holding them, 410 MB in parts). Parts are whole thousands:
// PostgreSQL reads properties a thousand nodes to a query.
function inChunks(nodes, fn) {
  for (var at = 0; at < nodes.length; at += 4000) {
    var part = nodes.slice(at, at + 4000);
    fn(part, propsOf(part));
  }
}
// first returns the value of pred in p, or null.
function first(p, pred) { var v = p[pred]; return v === undefined ? null : v; }
// text is a typed literal read by TagArray ("text"^^<type>) as its text.
function text(v) {
  // "text"^^<type>, read with string calls: a regular expression costs
  // here. The last "^^< is the datatype's, whose IRI holds no ">".
  if (typeof v !== "string" || v[0] !== '"' || v[v.length - 1] !== ">") return v;
  var i = v.lastIndexOf('"^^<');
  return i > 0 && v.indexOf(">", i) === v.length - 1 ? v.slice(1, i) : v;
}

var TYPE = "<" + RDF + "type>", PUBLISHED = "<http://schema.org/datePublished>";
// published and isArticle hold, by source, its publication date and
// whether it is an article.
var published = {}, isArticle = {};
// readPublished records the publication dates of those of srcs that are
// articles or datasets. It reads only the sources at hand (a large graph
// has tens of thousands, and an entity's assertions cite few) and only
// their type and date links: reading every property of a source, its
// title and address among them, took a third of the query's time.
function readPublished(srcs) {
  var typed = [];
  ["<Article>", "<Dataset>"].forEach(function (type) {
    if (srcs.length > 0) typed = typed.concat(g.V.apply(g, srcs).Has(TYPE, type).ToArray());
  });
  if (typed.length === 0) return;
  g.V.apply(g, typed).Tag("src").Out(PUBLISHED).TagArray().forEach(function (r) {
    if (published[r.src] === undefined) published[r.src] = text(r.id);
  });
}

var sts;
if (entity === null) {
  // The articles' own assertions: the datasets hold many more, all undated.
  sts = [];
  var articles = g.V("<Article>").In(TYPE);
  articles.ToArray().forEach(function (src) { isArticle[src] = true; });
  articles.Tag("src").Out(PUBLISHED).TagArray().forEach(function (r) { published[r.src] = text(r.id); });
  // One traversal from every article (on PostgreSQL one query of the
  // sources' links, checked against the articles), each article's
  // assertions kept together and the articles in order.
  var list = Object.keys(isArticle).sort(), bySrc = {};
  if (list.length > 0) {
    g.V.apply(g, list).Tag("src").In(SOURCE).TagArray().forEach(function (r) {
      (bySrc[r.src] = bySrc[r.src] || []).push(r.id);
    });
  }
  list.forEach(function (src) { (bySrc[src] || []).forEach(function (st) { sts.push(st); }); });
} else {
  var seen = {};
  sts = g.V(entity).In(SUBJECT).ToArray().concat(g.V(entity).In(OBJECT).ToArray()).filter(function (st) {
    return seen[st] ? false : (seen[st] = true);
  });
}
var asked = {}; // the sources readPublished has been given
inChunks(sts, function (part, all) {
  if (entity !== null) {
    // A row is dated by its (first) source, so only those are read, each once.
    var srcs = [];
    part.forEach(function (st) {
      var src = all[st][SOURCE];
      if (src !== undefined && !asked[src]) { asked[src] = true; srcs.push(src); }
    });
    readPublished(srcs);
  }
  part.forEach(function (st) {
    var p = all[st], src = first(p, SOURCE);
    if (entity === null && !isArticle[src]) return;
    var dated = [["<http://schema.org/startDate>", "start"], ["<asOf>", "as of"], ["<http://schema.org/endDate>", "end"]];
    var date = null, by = null;
    for (var i = 0; i < dated.length && date === null; i++) {
      if (p[dated[i][0]] !== undefined) { date = first(p, dated[i][0]); by = dated[i][1]; }
    }
    if (date === null && published[src] !== undefined) { date = published[src]; by = "published"; }
    g.Emit({
      date: date, "dated-by": by, when: first(p, "<dateText>"),
      subject: first(p, SUBJECT), predicate: first(p, PREDICATE), object: first(p, OBJECT),
      status: first(p, "<status>"), source: src, quote: first(p, "<quote>")
    });
  });
});
