// name: leaders
// description: Who heads or headed an entity: the person, the post as the source words it, acting or former, dates, source.
// param: entity entity -- the agency, unit or organization
// columns: person, title, acting, former, start, end, status, source, quote
//
// A head is stated as person org:headOf entity, or as person org:holds a
// post that is org:postIn the entity.

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

var ORG = "http://www.w3.org/ns/org#";
var rows = [];
function collect(st) {
  var p = props(st);
  rows.push({
    person: first(p, SUBJECT),
    title: first(p, "<title>"),
    acting: first(p, "<acting>") === true,
    former: first(p, "<former>") === true,
    start: first(p, "<http://schema.org/startDate>"),
    end: first(p, "<http://schema.org/endDate>"),
    status: first(p, "<status>"),
    source: first(p, SOURCE),
    quote: first(p, "<quote>")
  });
}
// assertionsAbout returns the assertions whose object is node and whose
// predicate is pred.
function assertionsAbout(node, pred) {
  return g.V(node).In(OBJECT).Has(PREDICATE, pred).ToArray();
}
assertionsAbout(entity, "<" + ORG + "headOf>").forEach(collect);
g.V(entity).In("<" + ORG + "postIn>").ToArray().forEach(function (post) {
  assertionsAbout(post, "<" + ORG + "holds>").forEach(collect);
});
rows.sort(byKeys(["former", "person", "source", "quote"]));
rows.forEach(function (r) { g.Emit(r); });
