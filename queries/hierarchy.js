// name: hierarchy
// description: Where an entity sits: its chain of parents (org:subOrganizationOf) up to the top, and its direct sub-units.
// param: entity entity -- the agency or unit
// columns: relation, level, unit, parent, source
//
// Sources disagree at times (the Federal Register and CISA file a bureau
// under different parents), so a unit can have several parents; each edge is
// listed with the sources that state it. Each row is one edge "unit
// subOrganizationOf parent"; level counts steps up (1 = the entity's own
// parent edge, 2 = its parent's…) or down (-1 = a direct sub-unit).

var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
var SUBJECT = "<" + RDF + "subject>", PREDICATE = "<" + RDF + "predicate>", OBJECT = "<" + RDF + "object>";
var SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>";

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
rows = sortBy(rows, ["relation", "level", "unit", "parent", "source"]);
rows.forEach(function (r) { g.Emit(r); });
