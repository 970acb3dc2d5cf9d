// name: neighbors
// description: The subgraph around an entity: relationship edges up to N hops away.
// param: entity entity -- the centre
// param: hops integer default=1 -- how far to go
// columns: subject, predicate, object, hops
// order: hops, subject, predicate, object
//
// hops is 1 for edges touching the entity, 2 for edges touching a node one
// hop away, and so on. Each edge
// appears once, however many sources state it.


// Relationship edges join two entities: not rdf:type, names, assertion
// links (rdf:subject…), provenance, status or conflict links, nor literals.
var NOT_RELATION = /^<(http:\/\/www\.w3\.org\/(1999\/02\/22-rdf-syntax-ns#|2000\/01\/rdf-schema#|2002\/07\/owl#|2004\/02\/skos\/core#|ns\/prov#)|http:\/\/schema\.org\/|status>$|quote>$|conflictsWith>$)/;

function relations(predicates) {
  return predicates.ToArray().filter(function (p) { return !NOT_RELATION.test(p); });
}

// step returns the relationship edges touching any of nodes that seen
// does not hold yet, once each, and adds them to seen:
// {node, other, subject, predicate, object}.
function step(nodes, seen) {
  var out = [];
  function add(node, other, s, p, o) {
    var key = s + " " + p + " " + o;
    if (typeof other !== "string" || other.charAt(0) !== "<" || seen[key]) return;
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
  step(frontier, seen).forEach(function (e) {
    if (dist[e.other] === undefined) { dist[e.other] = h; next.push(e.other); }
    rows.push({ subject: e.subject, predicate: e.predicate, object: e.object, hops: h });
  });
  frontier = next;
}
rows.forEach(function (r) { g.Emit(r); });
