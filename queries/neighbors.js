// name: neighbors
// description: The subgraph around an entity: relationship edges up to N hops away.
// param: entity entity -- the centre
// param: hops integer default=1 -- how far to go
// columns: subject, predicate, object, hops
//
// hops is 1 for edges touching the entity, 2 for edges touching a node one
// hop away, and so on. Each edge
// appears once, however many sources state it.

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

var rows = [], seen = {}, dist = {}, frontier = [entity];
dist[entity] = 0;
for (var h = 1; h <= hops && frontier.length > 0; h++) {
  var next = [];
  step(frontier).forEach(function (e) {
    var key = e.subject + " " + e.predicate + " " + e.object;
    if (seen[key]) return;
    seen[key] = true;
    if (dist[e.other] === undefined) { dist[e.other] = h; next.push(e.other); }
    rows.push({ subject: e.subject, predicate: e.predicate, object: e.object, hops: h });
  });
  frontier = next;
}
rows.sort(byKeys(["hops", "subject", "predicate", "object"]));
rows.forEach(function (r) { g.Emit(r); });
