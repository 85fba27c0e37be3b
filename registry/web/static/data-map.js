// The data map page: lays out the organisation's flows with ELK's layered algorithm (elkjs, served by the
// registry) and draws them as SVG; filters by purpose, data category and destination; details on hover or click.
// The data is in the page (#map-data), in the shape GraphQL's dataMap answers.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var nodes = {}, pinned = null, elk = new ELK();
  data.nodes.forEach(function (n) { nodes[n.id] = n; });
  var form = document.getElementById("filters");
  var mapBox = document.getElementById("map"), details = document.getElementById("details");
  var started = performance.now();

  function el(name, attrs, text) {
    var x = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { x.setAttribute(k, attrs[k]); });
    if (text !== undefined) x.textContent = text;
    return x;
  }
  function fill(select, choices) {
    choices.forEach(function (c) {
      var o = document.createElement("option"); o.value = c.key; o.textContent = c.name; select.appendChild(o);
    });
  }
  fill(form.purpose, data.purposes); fill(form.category, data.dataCategories); fill(form.destination, data.destinations);

  // Which nodes and edges the filters keep: activities with the purpose and the data category; with a
  // destination, only the transfers to it and the flows that lead to them.
  function visible() {
    var purpose = form.purpose.value, category = form.category.value, dest = form.destination.value;
    var keep = {};
    data.nodes.forEach(function (n) {
      if (n.kind !== "ACTIVITY") return;
      if (purpose && n.purposes.indexOf(purpose) < 0) return;
      if (category && n.dataCategories.indexOf(category) < 0) return;
      keep[n.id] = true;
    });
    var filtered = purpose || category;
    var edges = data.edges.filter(function (e) {
      if (e.kind === "TRANSFERS_TO" && dest && e.target !== dest) return false;
      if (!e.activities.length) return !filtered;  // a transfer no activity lists: shown unless filtering by activity
      return e.activities.some(function (a) { return keep[a]; });
    });
    if (dest) {  // only the sharing that leads to a kept transfer
      var via = {};
      edges.forEach(function (e) { if (e.kind === "TRANSFERS_TO") { via[e.source] = true; e.activities.forEach(function (a) { via[a] = true; }); } });
      edges = edges.filter(function (e) { return e.kind === "TRANSFERS_TO" || (via[e.source] && via[e.target]); });
    }
    var ids = {};
    edges.forEach(function (e) { ids[e.source] = true; ids[e.target] = true; });
    if (!dest) Object.keys(keep).forEach(function (k) { ids[k] = true; });
    return { nodes: data.nodes.filter(function (n) { return ids[n.id]; }), edges: edges };
  }

  function width(n) { return Math.min(260, 24 + 6.4 * Math.min(n.label.length, 38)); }
  function short(text) { return text.length > 38 ? text.slice(0, 37) + "…" : text; }

  function show(item, isEdge) {
    details.textContent = "";
    var h = document.createElement("h2");
    h.textContent = isEdge ? (item.kind === "TRANSFERS_TO" ? "Transfer to " + nodes[item.target].label
      : nodes[item.source].label + " shares with " + nodes[item.target].label) : item.label;
    details.appendChild(h);
    var dl = document.createElement("dl");
    var rows = (item.details || []).slice();
    if (item.record) rows.unshift({ label: "Record", value: item.record });
    if (isEdge) rows.push({ label: "Activities", value: item.activities.map(function (a) { return nodes[a].label; }).join(", ") || "none listed" });
    rows.forEach(function (d) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = d.label; dd.textContent = d.value; dl.appendChild(dt); dl.appendChild(dd);
    });
    details.appendChild(dl);
  }

  function highlight(id, on) {
    mapBox.querySelectorAll("[data-ends~='" + CSS.escape(id) + "']").forEach(function (x) {
      x.classList.toggle("lit", on);
    });
  }

  function draw(layout, shown) {
    var svg = el("svg", { width: layout.width + 20, height: layout.height + 20, role: "img",
      "aria-label": "Data map of " + data.name, "class": "data-map" });
    svg.dataset.width = layout.width + 20; svg.dataset.height = layout.height + 20;
    var edgesG = el("g", { "class": "edges" }), nodesG = el("g", { "class": "nodes" });
    svg.appendChild(edgesG); svg.appendChild(nodesG);
    var byId = {};
    shown.edges.forEach(function (e) { byId[e.id] = e; });
    (layout.edges || []).forEach(function (le) {
      var e = byId[le.id];
      (le.sections || []).forEach(function (s) {
        var pts = [s.startPoint].concat(s.bendPoints || [], [s.endPoint]);
        var d = "M" + pts.map(function (p) { return (p.x + 10).toFixed(1) + "," + (p.y + 10).toFixed(1); }).join(" L");
        var cls = e.kind === "TRANSFERS_TO" ? "edge transfer footing-" + e.footing.toLowerCase() : "edge shares";
        var path = el("path", { d: d, "class": cls, "data-id": e.id, "data-ends": e.source + " " + e.target,
          "marker-end": "url(#arrow)" });
        var title = el("title", {}, e.kind === "TRANSFERS_TO" ? e.label + " (" + e.footing.toLowerCase() + ")"
          : nodes[e.source].label + " → " + nodes[e.target].label);
        path.appendChild(title);
        edgesG.appendChild(path);
        var targets = [path];
        if (e.kind === "TRANSFERS_TO") {  // a wider, invisible line over a transfer, so it is easy to point at
          var hit = el("path", { d: d, "class": "hit" });
          hit.appendChild(el("title", {}, title.textContent));
          edgesG.appendChild(hit); targets.push(hit);
        }
        targets.forEach(function (t) {
          t.addEventListener("mouseenter", function () { if (!pinned) show(e, true); });
          t.addEventListener("click", function (ev) { pinned = e.id; show(e, true); ev.stopPropagation(); });
        });
      });
    });
    var defs = el("defs");
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8",
      markerHeight: "6", markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    marker.appendChild(el("path", { d: "M0,0 L10,5 L0,10 z", "class": "arrow" }));
    defs.appendChild(marker); svg.insertBefore(defs, edgesG);
    layout.children.forEach(function (ln) {
      var n = nodes[ln.id];
      var g = el("g", { "class": "node " + n.kind.toLowerCase(), "data-id": n.id, "data-ends": n.id,
        transform: "translate(" + (ln.x + 10) + "," + (ln.y + 10) + ")", tabindex: "0" });
      g.appendChild(el("rect", { width: ln.width, height: ln.height, rx: n.kind === "DESTINATION" ? 12 : 4 }));
      g.appendChild(el("text", { x: 8, y: ln.height / 2 + 4 }, short(n.label)));
      g.appendChild(el("title", {}, n.label));
      g.addEventListener("mouseenter", function () { highlight(n.id, true); if (!pinned) show(n, false); });
      g.addEventListener("mouseleave", function () { highlight(n.id, false); });
      g.addEventListener("click", function (ev) { pinned = n.id; show(n, false); ev.stopPropagation(); });
      g.addEventListener("focus", function () { show(n, false); });
      nodesG.appendChild(g);
    });
    svg.addEventListener("click", function () { pinned = null; });
    mapBox.textContent = "";
    mapBox.appendChild(svg);
    zoom();
  }

  function zoom() {
    var svg = mapBox.querySelector("svg");
    if (!svg) return;
    var f = Number(form.zoom.value) / 100;
    svg.setAttribute("width", svg.dataset.width * f); svg.setAttribute("height", svg.dataset.height * f);
    svg.setAttribute("viewBox", "0 0 " + svg.dataset.width + " " + svg.dataset.height);
  }

  function render() {
    var shown = visible();
    // Up to a few hundred activities: ELK's full layered layout (crossings minimised). A larger map keeps the
    // order of the data (activities, then what each shares with) and skips crossing minimisation, which grows
    // fastest with the number of lines: 2,000 activities are drawn in seconds instead of minutes.
    var big = shown.nodes.length > 1000 || shown.edges.length > 3000;
    var options = { "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.edgeRouting": "POLYLINE",
      "elk.spacing.nodeNode": "6", "elk.layered.spacing.nodeNodeBetweenLayers": "140",
      "elk.layered.spacing.edgeNodeBetweenLayers": "10" };
    if (big) {
      options["elk.layered.layering.strategy"] = "LONGEST_PATH_SOURCE";
      options["elk.layered.crossingMinimization.strategy"] = "NONE";
      options["elk.layered.nodePlacement.strategy"] = "SIMPLE";
    }
    var graph = {
      id: "root",
      layoutOptions: options,
      children: shown.nodes.map(function (n) {
        return { id: n.id, width: width(n), height: 22 };
      }),
      edges: shown.edges.map(function (e) { return { id: e.id, sources: [e.source], targets: [e.target] }; })
    };
    var counts = shown.nodes.filter(function (n) { return n.kind === "ACTIVITY"; }).length + " activities, " +
      shown.edges.filter(function (e) { return e.kind === "TRANSFERS_TO"; }).length + " transfers shown";
    document.getElementById("summary").textContent = counts;
    if (!shown.nodes.length) {
      mapBox.textContent = "Nothing matches these filters.";
      finished();
      return Promise.resolve();
    }
    return elk.layout(graph).then(function (layout) { draw(layout, shown); finished(); }, function (err) {
      mapBox.textContent = "The map could not be laid out: " + err;
      document.documentElement.dataset.error = String(err);
    });
  }

  function finished() {  // read by the benchmark and the browser test
    document.documentElement.dataset.renderMs = String(Math.round(performance.now() - started));
    document.documentElement.dataset.rendered = "true";
  }

  ["purpose", "category", "destination"].forEach(function (name) {
    form[name].addEventListener("change", function () {
      document.documentElement.dataset.rendered = "false"; started = performance.now(); pinned = null; render();
    });
  });
  form.zoom.addEventListener("input", zoom);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  render();
})();
