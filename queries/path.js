// name: path
// description: Shortest connections between two entities, over relationship edges in either direction, each hop with its evidence.
// param: from entity -- where the path starts
// param: to entity -- where it ends
// param: max-hops integer default=4 -- the longest path to look for
// columns: path, hop, subject, predicate, object, status, source, quote
//
// A breadth-first search from FROM that keeps every shortest way into each
// node, then lists up to 10 of the shortest paths to TO. Each hop is the
// edge as the data states it (so it may point backwards along the path), one
// row per assertion backing it.

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

// props returns the first outgoing value by predicate of node, as ToArray
// names them but a typed literal as its text, read by PropertyMap, this
// tool's addition to Gizmo.
function props(node) { return g.V(node).PropertyMap({first: true, text: true})[node] || {}; }
// first returns the value of pred in p, or null.
function first(p, pred) { var v = p[pred]; return v === undefined ? null : v; }
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

// Relationship edges join two entities: not rdf:type, names, assertion
// links (rdf:subject…), provenance, status or conflict links, nor literals.
var NOT_RELATION = /^<(http:\/\/www\.w3\.org\/(1999\/02\/22-rdf-syntax-ns#|2000\/01\/rdf-schema#|2002\/07\/owl#|2004\/02\/skos\/core#|ns\/prov#)|http:\/\/schema\.org\/|status>$|quote>$|conflictsWith>$)/;

function relations(predicates) {
  return predicates.ToArray().filter(function (p) { return !NOT_RELATION.test(p); });
}

// step returns the relationship edges touching any of nodes, once each:
// {node, other, subject, predicate, object}.
function step(nodes) {
  var out = [], seen = {};
  function add(node, other, s, p, o) {
    var key = s + " " + p + " " + o;
    if (typeof other !== "string" || other.charAt(0) !== "<" || NOT_RELATION.test(p) || seen[key]) return;
    seen[key] = true;
    out.push({ node: node, other: other, subject: s, predicate: p, object: o });
  }
  // Only relationship predicates are followed: a hub agency is the object
  // of thousands of assertion links (rdf:subject…), and reading the far end
  // of each would be most of the query's time.
  var outP = relations(g.V.apply(g, nodes).OutPredicates()), inP = relations(g.V.apply(g, nodes).InPredicates());
  if (outP.length > 0) g.V.apply(g, nodes).Tag("node").Out(outP, "p").TagArray().forEach(function (r) { add(r.node, r.id, r.node, r.p, r.id); });
  if (inP.length > 0) g.V.apply(g, nodes).Tag("node").In(inP, "p").TagArray().forEach(function (r) { add(r.node, r.id, r.id, r.p, r.node); });
  return out;
}

var MAX_PATHS = 10;
var rows = [];
var dist = {}, parents = {}, frontier = [from];
dist[from] = 0;
for (var h = 1; h <= maxHops && frontier.length > 0 && dist[to] === undefined; h++) {
  var next = [];
  step(frontier).forEach(function (e) {
    if (dist[e.other] === undefined) {
      dist[e.other] = h;
      parents[e.other] = [];
      next.push(e.other);
    }
    if (dist[e.other] === h) parents[e.other].push(e);
  });
  frontier = next;
}

// paths walks back from node to FROM along parents, shortest first.
var paths = [];
function walk(node, tail) {
  if (paths.length >= MAX_PATHS) return;
  if (node === from) { paths.push(tail); return; }
  sortBy(parents[node], ["node", "predicate", "subject", "object"]).forEach(function (e) {
    walk(e.node, [e].concat(tail));
  });
}
if (from !== to && dist[to] !== undefined) walk(to, []);

paths.forEach(function (p, i) {
  p.forEach(function (e, j) {
    var sts = g.V(e.subject).In(SUBJECT).Has(PREDICATE, e.predicate).Has(OBJECT, e.object).ToArray();
    var hopRows = sts.map(function (st) {
      var pr = props(st);
      return { status: first(pr, "<status>"), source: first(pr, SOURCE), quote: first(pr, "<quote>") };
    });
    if (hopRows.length === 0) hopRows = [{ status: null, source: null, quote: null }];
    // status only breaks ties: the order never depends on the store's.
    hopRows = sortBy(hopRows, ["source", "quote", "status"]);
    hopRows.forEach(function (r) {
      g.Emit({ path: i + 1, hop: j + 1, subject: e.subject, predicate: e.predicate, object: e.object,
        status: r.status, source: r.source, quote: r.quote });
    });
  });
});
