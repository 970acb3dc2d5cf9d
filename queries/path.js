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

// props returns a node's outgoing values by predicate, typed literals as text.
function props(node) {
  var out = {};
  g.V(node).Out(null, "p").TagArray().forEach(function (r) {
    (out[r.p] = out[r.p] || []).push(text(r.id));
  });
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
  parents[node].slice().sort(byKeys(["node", "predicate", "subject", "object"])).forEach(function (e) {
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
    hopRows.sort(byKeys(["source", "quote"]));
    hopRows.forEach(function (r) {
      g.Emit({ path: i + 1, hop: j + 1, subject: e.subject, predicate: e.predicate, object: e.object,
        status: r.status, source: r.source, quote: r.quote });
    });
  });
});
