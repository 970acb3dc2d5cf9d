// name: hierarchy
// description: Where an entity sits: its chain of parents (org:subOrganizationOf) up to the top, and its direct sub-units.
// param: entity entity -- the agency or unit
// columns: relation, level, unit, parent, source
// order: relation, level, unit, parent, source
//
// Sources disagree at times (the Federal Register and CISA file a bureau
// under different parents), so a unit can have several parents; each edge is
// listed with the sources that state it. Each row is one edge "unit
// subOrganizationOf parent"; level counts steps up (1 = the entity's own
// parent edge, 2 = its parent's…) or down (-1 = a direct sub-unit).

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";


var SUB_OF = "<http://www.w3.org/ns/org#subOrganizationOf>";
// edgeSources lists the sources stating child org:subOrganizationOf parent:
// those of its assertions, else the labels of the graphs holding the edge
// itself. LabelContext over every node tags the label of the quad each step
// follows, so only the child's org:subOrganizationOf quads are read, not
// every quad around it (a hub agency is in thousands).
function edgeSources(child, parent) {
  var found = {};
  g.V(child).In(SUBJECT).Has(PREDICATE, SUB_OF).Has(OBJECT, parent).Out(SOURCE).ToArray().forEach(function (s) { found[s] = true; });
  if (Object.keys(found).length === 0) {
    // On PostgreSQL g.V() as a label context also matches the default
    // graph, leaving the tag unset: that is no source.
    g.V(child).LabelContext(g.V(), "graph").Out(SUB_OF).Is(parent).TagArray().forEach(function (r) {
      if (r.graph) found[r.graph] = true;
    });
  }
  var list = Object.keys(found).sort();
  // An edge only the entity file states (the default graph) has no source;
  // it is still the structure, so it is listed with none.
  return list.length > 0 ? list : [null];
}

var rows = [], listed = {};
function edge(relation, level, unit, parent) {
  if (listed[unit + " " + parent]) return;
  listed[unit + " " + parent] = true;
  edgeSources(unit, parent).forEach(function (s) {
    rows.push({ relation: relation, level: level, unit: unit, parent: parent, source: s });
  });
}
var seen = {}, level = 0, frontier = [entity];
seen[entity] = true;
while (frontier.length > 0) {
  level++;
  var next = [];
  // One node at a time, untagged: the chain is short, and Cayley's SQL
  // backend turns a tagged hop into a query per quad of the predicate.
  frontier.forEach(function (child) {
    g.V(child).Out(SUB_OF).ToArray().forEach(function (parent) {
      edge("parent", level, child, parent);
      if (!seen[parent]) { seen[parent] = true; next.push(parent); }
    });
  });
  frontier = next;
}
g.V(entity).In(SUB_OF).ToArray().forEach(function (u) { edge("sub-unit", -1, u, entity); });
rows.forEach(function (r) { g.Emit(r); });
