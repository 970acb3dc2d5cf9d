// The graph page: a Cytoscape.js map filled from /api/v1/export (format
// cytoscape, whose edges carry their evidence), entity search through
// /api/v1/entities, and downloads of the current view in every export
// format. Data only ever reaches the page as text (textContent), never as
// markup: quotes and names come from news articles.
"use strict";

(function () {
  // The export formats of internal/export, in its order.
  var FORMATS = ["graphml", "gexf", "dot", "cytoscape", "json", "nquads", "jsonld"];

  var $ = function (id) { return document.getElementById(id); };
  var cy = cytoscape({
    container: $("cy"),
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(name)", "font-size": 10,
        "text-wrap": "ellipsis", "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 3,
        "width": 22, "height": 22, "border-width": 1, "border-color": "#555" } },
      { selector: "node.expanded", style: { "border-width": 3 } },
      { selector: "edge", style: {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#999",
        "target-arrow-color": "#999", "label": "data(relationship)", "font-size": 8, "color": "#555",
        "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8,
        "width": "mapData(sources, 0, 5, 1, 6)" } },
      { selector: ":selected", style: { "line-color": "#d62728", "target-arrow-color": "#d62728", "border-color": "#d62728", "border-width": 3 } },
      { selector: ".filtered", style: { "display": "none" } }
    ]
  });

  // For tests and the browser console.
  window.agencygraph = { cy: cy };

  function status(text) { $("status").textContent = text; }

  function errorText(res, body) {
    try { return JSON.parse(body).error || res.statusText; } catch (e) { return res.statusText; }
  }

  // api fetches url, retrying while the server is busy (503), and returns
  // the response; a failure rejects with the server's error message.
  function api(url, opts, tries) {
    tries = tries || 0;
    return fetch(url, opts).then(function (res) {
      if (res.status === 503 && tries < 5) {
        return new Promise(function (ok) { setTimeout(ok, 300 * (tries + 1)); })
          .then(function () { return api(url, opts, tries + 1); });
      }
      if (!res.ok) {
        return res.text().then(function (body) { throw new Error(errorText(res, body)); });
      }
      return res;
    });
  }

  function params(obj) {
    var p = new URLSearchParams();
    Object.keys(obj).forEach(function (k) {
      [].concat(obj[k]).forEach(function (v) { if (v !== undefined && v !== null && v !== "") p.append(k, v); });
    });
    return p;
  }

  // Above this many nodes the page asks before drawing: Cytoscape.js slows
  // down past a few thousand elements.
  var BIG = 3000;

  // load asks the export endpoint for a cytoscape subgraph and merges it
  // into the map. New nodes start around near (the node being expanded), so
  // that the layout moves the map as little as it can.
  function load(query, near) {
    query.format = "cytoscape";
    status("loading…");
    return api("/api/v1/export", { method: "POST", body: params(query) })
      .then(function (res) { return res.json(); })
      .then(function (doc) {
        var els = doc.elements || {};
        var nodes = els.nodes || [];
        if (nodes.length > BIG && !window.confirm(nodes.length + " nodes: drawing them all may take a while. Draw anyway?")) {
          status("not drawn: " + nodes.length + " nodes");
          return cy.collection();
        }
        var added = cy.collection(), fresh = cy.nodes().empty();
        var at = near ? near.position() : null;
        nodes.concat(els.edges || []).forEach(function (el) {
          if (cy.getElementById(el.data.id).empty()) {
            var def = { group: el.data.source ? "edges" : "nodes", data: el.data };
            if (at && def.group === "nodes") {
              def.position = { x: at.x + 60 * (Math.random() - 0.5), y: at.y + 60 * (Math.random() - 0.5) };
            }
            added = added.union(cy.add(def));
          }
        });
        refreshFilters();
        if (added.nonempty()) runLayout(fresh || !near);
        status(cy.nodes().length + " nodes, " + cy.edges().length + " relationships");
        return added;
      })
      .catch(function (err) { status("error: " + err.message); throw err; });
  }

  // runLayout lays out the visible map; randomize starts cose afresh
  // instead of from the current positions.
  function runLayout(randomize) {
    var name = $("layout").value;
    var opts = { name: name, animate: false, fit: true, padding: 30 };
    if (name === "cose") {
      opts.randomize = randomize !== false;
      opts.nodeDimensionsIncludeLabels = true;
      opts.nodeRepulsion = function () { return 400000; };
      opts.idealEdgeLength = function () { return 100; };
    }
    if (name === "breadthfirst") opts.directed = true;
    cy.elements(":visible").layout(opts).run();
    // A few nodes fitted to the screen would be drawn huge.
    if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); }
  }

  // --- search -------------------------------------------------------------
  var searchTimer = null, searchSeq = 0;
  $("q").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 150);
  });
  $("q").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = $("results").querySelector("li");
      if (first) first.click();
    } else if (ev.key === "Escape") {
      $("results").hidden = true;
    }
  });

  function search() {
    var q = $("q").value.trim(), seq = ++searchSeq, list = $("results");
    if (!q) { list.hidden = true; return; }
    api("/api/v1/entities?" + params({ q: q, limit: 12 }))
      .then(function (res) { return res.json(); })
      .then(function (found) {
        if (seq !== searchSeq) return; // a later keystroke has asked again
        list.replaceChildren();
        found.forEach(function (e) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          li.dataset.iri = e.iri;
          li.append(e.name || e.iri, " ");
          var iri = document.createElement("span");
          iri.className = "iri";
          iri.textContent = e.iri + (e.type ? " · " + e.type : "");
          li.append(iri);
          li.addEventListener("click", function () { pick(e.iri); });
          list.append(li);
        });
        if (!found.length) {
          var li = document.createElement("li");
          li.className = "hint";
          li.textContent = "no entity matches";
          list.append(li);
        }
        list.hidden = false;
      })
      .catch(function (err) { status("search: " + err.message); });
  }

  // pick adds an entity to the map and selects it.
  function pick(iri) {
    $("results").hidden = true;
    load({ nodes: iri }).then(function () {
      var n = cy.getElementById(iri);
      cy.$(":selected").unselect();
      n.select();
      showNode(n);
      cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
    });
  }

  // --- clicks -------------------------------------------------------------
  cy.on("tap", "node", function (ev) { expand(ev.target); });
  cy.on("tap", "edge", function (ev) { showEdge(ev.target); });

  // expand adds a node's neighbours (one hop) within the date and kind filters.
  function expand(n) {
    showNode(n);
    var q = { around: n.id(), hops: 1 };
    var f = filterState();
    if (f.kinds && f.kinds.length) q.predicate = f.kinds;
    if (f.since) q.since = f.since;
    if (f.until) q.until = f.until;
    return load(q, n).then(function () {
      n.addClass("expanded");
      showNode(n);
    }).catch(function () {});
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function defs(pairs) {
    var dl = el("dl");
    for (var i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] === undefined || pairs[i + 1] === null || pairs[i + 1] === "") continue;
      dl.append(el("dt", pairs[i]), el("dd", String(pairs[i + 1])));
    }
    return dl;
  }

  function showNode(n) {
    var d = n.data(), panel = $("panel");
    panel.replaceChildren(el("h2", d.name), defs(["IRI", d.id, "type", d.type,
      "relationships", n.connectedEdges().length + (n.hasClass("expanded") ? "" : " on the map (click to expand)")]));
  }

  function showEdge(e) {
    var d = e.data(), panel = $("panel");
    var src = e.source().data("name"), dst = e.target().data("name");
    panel.replaceChildren(el("h2", src + " — " + d.relationship + " → " + dst),
      defs(["predicate", d.predicate, "sources", d.sources, "earliest", d.date]));
    var ev = d.evidence || [];
    if (!ev.length) panel.append(el("p", "No assertion records this relationship: it comes from reference data without a quote.", "hint"));
    panel.append(el("h2", ev.length + (ev.length === 1 ? " piece" : " pieces") + " of evidence"));
    ev.forEach(function (x) {
      var box = el("div", null, "evidence");
      if (x.quote) box.append(el("blockquote", x.quote));
      box.append(defs([
        "source", x.sourceName ? x.sourceName + " (" + x.source + ")" : x.source,
        "publisher", x.publisher,
        "status", x.status,
        "date", x.date ? x.date + (x.dateText ? " (“" + x.dateText + "”)" : "") : x.dateText,
        "figure", x.figure,
        "assertion", x.id]));
      panel.append(box);
    });
  }

  // --- filters ------------------------------------------------------------
  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
  var knownKinds = {};

  function filterState() {
    var since = $("since").value.trim(), until = $("until").value.trim();
    var bad = [since, until].filter(function (d) { return d && !DATE.test(d); });
    $("date-error").hidden = !bad.length;
    $("date-error").textContent = bad.length ? "Dates are YYYY, YYYY-MM or YYYY-MM-DD." : "";
    var boxes = Array.prototype.slice.call(document.querySelectorAll("#kinds input"));
    var checked = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    return {
      since: DATE.test(since) ? since : "", until: DATE.test(until) ? until : "",
      kinds: checked.length === boxes.length ? null : checked
    };
  }

  // lo and hi are the first and last day a date covers, as in the exporter.
  function lo(d) { return d.length === 4 ? d + "-01-01" : d.length === 7 ? d + "-01" : d.slice(0, 10); }
  function hi(d) { return d.length === 4 ? d + "-12-31" : d.length === 7 ? d + "-31" : d.slice(0, 10); }

  function inRange(e, since, until) {
    if (!since && !until) return true;
    return (e.data("evidence") || []).some(function (x) {
      var d = x.date;
      return d && (!since || hi(d) >= lo(since)) && (!until || lo(d) <= hi(until));
    });
  }

  function applyFilters() {
    var f = filterState();
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        var ok = (!f.kinds || f.kinds.indexOf(e.data("predicate")) >= 0) && inRange(e, f.since, f.until);
        e.toggleClass("filtered", !ok);
      });
    });
  }

  // refreshFilters adds a checkbox for every relationship kind on the map
  // and a legend entry for every node type.
  function refreshFilters() {
    var kinds = $("kinds");
    cy.edges().forEach(function (e) {
      var p = e.data("predicate");
      if (knownKinds[p]) return;
      if (!Object.keys(knownKinds).length) kinds.replaceChildren();
      knownKinds[p] = true;
      var label = el("label"), box = document.createElement("input");
      box.type = "checkbox"; box.checked = true; box.value = p;
      box.addEventListener("change", applyFilters);
      label.append(box, " " + e.data("relationship"));
      label.title = p;
      kinds.append(label);
    });
    var legend = $("legend"), types = {};
    cy.nodes().forEach(function (n) { types[n.data("type")] = n.data("colour"); });
    legend.replaceChildren();
    Object.keys(types).sort().forEach(function (t) {
      var li = el("li"), dot = el("span");
      dot.style.background = types[t];
      li.append(dot, t);
      legend.append(li);
    });
    applyFilters();
  }
  $("since").addEventListener("change", applyFilters);
  $("until").addEventListener("change", applyFilters);
  $("layout").addEventListener("change", function () { runLayout(true); });

  // --- toolbar ------------------------------------------------------------
  $("whole").addEventListener("click", function () { load({}).catch(function () {}); });
  $("clear").addEventListener("click", function () {
    cy.elements().remove();
    knownKinds = {};
    $("kinds").replaceChildren(el("p", "Kinds appear as the map fills.", "hint"));
    refreshFilters();
    status("");
  });

  FORMATS.forEach(function (f) {
    var o = document.createElement("option");
    o.value = o.textContent = f;
    $("format").append(o);
  });

  // download asks the server for the visible part of the map in the chosen
  // format: the visible nodes, the checked relationship kinds and the dates.
  $("download").addEventListener("click", function () {
    var nodes = cy.nodes(":visible").map(function (n) { return n.id(); });
    if (!nodes.length) { status("the map is empty: nothing to download"); return; }
    var f = filterState(), q = { format: $("format").value, nodes: nodes, since: f.since, until: f.until };
    if (f.kinds) q.predicate = f.kinds;
    api("/api/v1/export", { method: "POST", body: params(q) })
      .then(function (res) {
        var cd = res.headers.get("Content-Disposition") || "";
        var m = /filename="?([^";]+)"?/.exec(cd);
        return res.blob().then(function (b) { return { blob: b, name: m ? m[1] : "agencygraph." + q.format }; });
      })
      .then(function (r) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(r.blob);
        a.download = r.name;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
        status("downloaded " + r.name);
      })
      .catch(function (err) { status("download: " + err.message); });
  });

  status("ready");
})();
