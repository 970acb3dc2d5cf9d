// name: deputizations
// description: Every deputization: who deputized whom, how many officers, from when, on whose word.
// columns: by, deputized, figure, date, status, source, quote
// order: date, by, deputized, source, quote, status, figure

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

// row is an assertion as a table row: the statement, its status and source,
// its date (start, else as-of) and its figure (the wording, else a number).
var QUANTITIES = ["<headcount>", "<durationDays>", "<detaineeCount>", "<capacity>", "<amountUSD>", "<percent>", "<count>"];
function row(p) {
  var figure = first(p, "<figure>");
  for (var i = 0; figure === null && i < QUANTITIES.length; i++) {
    if (p[QUANTITIES[i]] !== undefined) figure = QUANTITIES[i].slice(1, -1) + " " + first(p, QUANTITIES[i]);
  }
  var start = first(p, "<http://schema.org/startDate>"), end = first(p, "<http://schema.org/endDate>");
  return {
    subject: first(p, SUBJECT), predicate: first(p, PREDICATE), object: first(p, OBJECT),
    status: first(p, "<status>"), source: first(p, SOURCE),
    date: start !== null ? (end !== null ? start + "/" + end : start) : first(p, "<asOf>"),
    figure: figure, quote: first(p, "<quote>")
  };
}

var sts = g.V("<deputizes>").In(PREDICATE).ToArray();
inChunks(sts, function (part, all) {
  part.forEach(function (st) {
    var r = row(all[st]);
    g.Emit({ by: r.subject, deputized: r.object, figure: r.figure, date: r.date,
      status: r.status, source: r.source, quote: r.quote });
  });
});
