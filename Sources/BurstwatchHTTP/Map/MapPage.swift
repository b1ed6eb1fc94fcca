/// The map page: one self-contained HTML file (inline CSS, JS and SVG, no CDN, so it
/// works without internet), served at `/` by `burstwatch map`. It polls `api/events`
/// every few seconds and reloads `api/network` and `api/loggers` when a network is
/// registered again. When rendered it sets `document.title` and `data-rendered`,
/// `data-open-events` and `data-highlighted-pipes` on `<body>` (the headless-browser
/// test reads them). Area pipes are `<path class="aoi band-N" data-pipe=ID data-rank=R>`.
public enum MapPage {
    public static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>burstwatch map</title>
<style>
  :root { --panel: 340px; --ink: #1d2630; --muted: #5f6b78; --line: #d5dbe1; }
  * { box-sizing: border-box; }
  html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); }
  body { display: grid; grid-template-rows: auto 1fr; grid-template-columns: 1fr var(--panel); height: 100vh; }
  header { grid-column: 1 / 3; display: flex; align-items: baseline; gap: 16px; padding: 8px 14px; background: #17324d; color: #fff; }
  header h1 { font-size: 17px; margin: 0; font-weight: 600; }
  header .status { font-size: 12px; opacity: .85; }
  header .status.bad { color: #ffb4a8; opacity: 1; font-weight: 600; }
  #map { position: relative; background: #f6f8fa; overflow: hidden; }
  #map svg { position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; }
  #map .hint { position: absolute; left: 10px; bottom: 8px; font-size: 11px; color: var(--muted); }
  #map .empty { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: var(--muted); }
  aside { border-left: 1px solid var(--line); overflow-y: auto; padding: 12px 14px; background: #fff; }
  aside h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 14px 0 8px; }
  aside h2:first-child { margin-top: 0; }
  .event { border: 1px solid var(--line); border-left: 5px solid #b30000; border-radius: 6px; padding: 8px 10px; margin-bottom: 10px; cursor: pointer; }
  .event.focused { box-shadow: 0 0 0 2px #17324d inset; }
  .event .top { display: flex; justify-content: space-between; font-weight: 600; }
  .event .state { font-size: 11px; text-transform: uppercase; padding: 1px 6px; border-radius: 8px; background: #fde0dd; color: #7a0000; }
  .event dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0 4px; font-size: 13px; }
  .event dt { color: var(--muted); }
  .event dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-all; }
  .event ol { margin: 4px 0 0; padding-left: 22px; font-size: 12px; }
  .event .problem { color: #9a3b00; font-size: 12px; margin-top: 4px; }
  .none { color: var(--muted); }
  .legend div { display: flex; align-items: center; gap: 8px; margin: 3px 0; font-size: 12.5px; }
  .legend svg { flex: none; }
  .networks { font-size: 12.5px; color: var(--muted); }
  .networks .error { color: #9a3b00; }
</style>
</head>
<body data-rendered="0">
<header><h1>burstwatch map</h1><span id="status" class="status">loading…</span></header>
<div id="map"><svg id="svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="network map"></svg>
  <div class="hint">scroll to zoom, drag to pan, double-click to fit</div></div>
<aside>
  <h2>Open burst events</h2>
  <div id="events"><p class="none">loading…</p></div>
  <h2>Legend</h2>
  <div class="legend" id="legend"></div>
  <h2>Networks</h2>
  <div class="networks" id="networks"></div>
</aside>
<script>
"use strict";
// Everything the page needs is in this file: the map role serves it without a CDN.
const POLL_MS = 3000;
const BAND_COLOURS = ["#b30000", "#e34a33", "#fc8d59", "#fdbb84"];
const BAND_NAMES = ["most likely quarter", "second quarter", "third quarter", "least likely quarter"];
const SVGNS = "http://www.w3.org/2000/svg";
const state = { networks: [], loggers: [], events: [], version: null, focus: null, view: { zoom: 1, dx: 0, dy: 0 } };

function el(name, attrs, text) {
  const node = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function html(name, attrs, text) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || (path + ": HTTP " + response.status));
  return body;
}

// Coordinates are in the network's own units (metres, feet or arbitrary): fit the
// box around every drawn network into the map area, y up as in EPANET.
function projection(width, height) {
  let box = null;
  for (const n of state.networks) {
    if (!n.bounds) continue;
    const b = n.bounds;
    box = box ? { minX: Math.min(box.minX, b.min_x), minY: Math.min(box.minY, b.min_y), maxX: Math.max(box.maxX, b.max_x), maxY: Math.max(box.maxY, b.max_y) }
              : { minX: b.min_x, minY: b.min_y, maxX: b.max_x, maxY: b.max_y };
  }
  if (!box) return null;
  // Wider at the sides: logger labels extend to the right of their symbols.
  const padX = 56, padY = 28;
  const w = Math.max(box.maxX - box.minX, 1e-9), h = Math.max(box.maxY - box.minY, 1e-9);
  const k = Math.min((width - 2 * padX) / w, (height - 2 * padY) / h) * state.view.zoom;
  const ox = (width - w * k) / 2 + state.view.dx, oy = (height - h * k) / 2 + state.view.dy;
  return { k, x: x => ox + (x - box.minX) * k, y: y => oy + (box.maxY - y) * k };
}
function pathOf(points, p) {
  return points.map((pt, i) => (i ? "L" : "M") + p.x(pt[0]).toFixed(1) + " " + p.y(pt[1]).toFixed(1)).join("");
}

function draw() {
  const svg = document.getElementById("svg");
  const width = svg.clientWidth || 800, height = svg.clientHeight || 600;
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.replaceChildren();
  const p = projection(width, height);
  if (!p) {
    svg.appendChild(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", fill: "#5f6b78" },
      "no network with coordinates registered (burstwatch register --network FILE.inp)"));
    return;
  }
  const pipes = el("g", { id: "pipes", fill: "none", "stroke-linecap": "round" });
  for (const n of state.networks) for (const link of n.links) {
    const stroke = link.kind === "pipe" ? "#8d99a6" : (link.kind === "pump" ? "#6a3d9a" : "#1f78b4");
    const path = el("path", { d: pathOf(link.points, p), stroke, "stroke-width": link.kind === "pipe" ? 1.6 : 3, "data-link": link.id });
    path.appendChild(el("title", {}, link.kind + " " + link.id + " (" + Math.round(link.length_m) + " m)"));
    pipes.appendChild(path);
  }
  svg.appendChild(pipes);

  // Areas of interest: least likely first so that the most likely pipes end on top;
  // a focused event is drawn last and the others faded.
  const areas = el("g", { id: "areas", fill: "none", "stroke-linecap": "round", "stroke-linejoin": "round" });
  const events = state.events.slice().sort((a, b) => (a.event_id === state.focus) - (b.event_id === state.focus));
  for (const event of events) {
    if (!event.area) continue;
    const faded = state.focus && state.focus !== event.event_id;
    const group = el("g", { class: "area", "data-event": event.event_id, opacity: faded ? 0.35 : 1 });
    const ranked = event.area.pipes.filter(pipe => pipe.points).slice().reverse();
    for (const pipe of ranked) group.appendChild(el("path", { d: pathOf(pipe.points, p), stroke: "#ffffff", "stroke-width": 9 }));
    for (const pipe of ranked) {
      const path = el("path", { d: pathOf(pipe.points, p), stroke: BAND_COLOURS[pipe.band] || BAND_COLOURS[3], "stroke-width": 6,
        class: "aoi band-" + pipe.band, "data-pipe": pipe.id, "data-rank": pipe.rank });
      path.appendChild(el("title", {}, "pipe " + pipe.id + ": rank " + pipe.rank + " of " + event.area.pipes.length + " (" + event.dma + ")"));
      group.appendChild(path);
    }
    areas.appendChild(group);
  }
  svg.appendChild(areas);

  const nodes = el("g", { id: "nodes" });
  for (const n of state.networks) for (const node of n.nodes) {
    const x = p.x(node.x), y = p.y(node.y);
    const shape = node.kind === "junction"
      ? el("circle", { cx: x, cy: y, r: 2, fill: "#5f6b78" })
      : el("rect", { x: x - 6, y: y - 6, width: 12, height: 12, fill: node.kind === "reservoir" ? "#2b8cbe" : "#7bccc4", stroke: "#17324d" });
    shape.appendChild(el("title", {}, node.kind + " " + node.id));
    nodes.appendChild(shape);
  }
  svg.appendChild(nodes);

  const loggers = el("g", { id: "loggers" });
  for (const logger of state.loggers) {
    if (logger.x == null || logger.y == null) continue;
    const x = p.x(logger.x), y = p.y(logger.y);
    const symbol = logger.quantity === "flow"
      ? el("rect", { x: x - 6, y: y - 6, width: 12, height: 12, transform: "rotate(45 " + x + " " + y + ")", fill: "#1f78b4", stroke: "#fff", "stroke-width": 1.5 })
      : el("path", { d: "M" + x + " " + (y - 8) + "L" + (x + 7) + " " + (y + 5) + "L" + (x - 7) + " " + (y + 5) + "Z", fill: "#238443", stroke: "#fff", "stroke-width": 1.5 });
    symbol.setAttribute("class", "logger " + logger.quantity);
    symbol.setAttribute("data-logger", logger.logger_id);
    symbol.appendChild(el("title", {}, logger.logger_id + "/" + logger.channel + ": " + logger.quantity + " on " + logger.element + " (" + logger.dma + ", " + logger.unit + ")"));
    loggers.appendChild(symbol);
    loggers.appendChild(el("text", { x: x + 9, y: y - 7, "font-size": 11, fill: "#17324d", "paint-order": "stroke", stroke: "#fff", "stroke-width": 3 }, logger.logger_id));
  }
  svg.appendChild(loggers);

  const marks = el("g", { id: "estimates" });
  for (const event of events) {
    if (!event.estimated_position) continue;
    const x = p.x(event.estimated_position.x), y = p.y(event.estimated_position.y);
    marks.appendChild(el("circle", { cx: x, cy: y, r: 11, fill: "none", stroke: "#49006a", "stroke-width": 3, class: "estimate", "data-node": event.estimated_node }));
    marks.appendChild(el("text", { x: x + 14, y: y + 18, "font-size": 12, "font-weight": 600, fill: "#49006a", "paint-order": "stroke", stroke: "#fff", "stroke-width": 3 }, event.estimated_node));
  }
  svg.appendChild(marks);
}

function row(list, term, value) {
  if (value == null || value === "") return;
  list.appendChild(html("dt", {}, term));
  list.appendChild(html("dd", {}, value));
}
function renderPanel() {
  const box = document.getElementById("events");
  box.replaceChildren();
  if (!state.events.length) { box.appendChild(html("p", { class: "none" }, "No open burst events.")); return; }
  for (const event of state.events) {
    const card = html("div", { class: "event" + (state.focus === event.event_id ? " focused" : ""), "data-event": event.event_id });
    const top = html("div", { class: "top" });
    top.appendChild(html("span", {}, event.dma));
    top.appendChild(html("span", { class: "state" }, event.state));
    card.appendChild(top);
    const list = html("dl");
    row(list, "estimated node", event.estimated_node || "unknown");
    row(list, "flow increase", event.flow_display);
    row(list, "started", event.start_estimate ? event.start_estimate.replace("T", " ").replace("Z", " UTC") : null);
    row(list, "detected", event.detected_at.replace("T", " ").replace("Z", " UTC"));
    row(list, "confidence", event.confidence != null ? Math.round(event.confidence * 100) + " %" : null);
    if (event.area) row(list, "area", event.area.pipes.length + " pipes, " + event.area.length_display);
    row(list, "event", event.event_id);
    card.appendChild(list);
    if (event.area && event.area.pipes.length) {
      const ranked = html("ol");
      for (const pipe of event.area.pipes.slice(0, 5)) {
        const item = html("li", {}, pipe.id);
        item.style.color = BAND_COLOURS[pipe.band] || BAND_COLOURS[3];
        ranked.appendChild(item);
      }
      if (event.area.pipes.length > 5) ranked.appendChild(html("li", { style: "list-style: none" }, "… " + (event.area.pipes.length - 5) + " more"));
      card.appendChild(ranked);
    }
    if (event.problem) card.appendChild(html("div", { class: "problem" }, event.problem));
    card.addEventListener("click", () => { state.focus = state.focus === event.event_id ? null : event.event_id; render(); });
    box.appendChild(card);
  }
}
function renderLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  const item = (symbol, text) => { const d = html("div"); const s = el("svg", { width: 26, height: 16 }); s.appendChild(symbol); d.appendChild(s); d.appendChild(html("span", {}, text)); legend.appendChild(d); };
  BAND_COLOURS.forEach((colour, band) => item(el("path", { d: "M2 8H24", stroke: colour, "stroke-width": 6, "stroke-linecap": "round" }), "area pipe, " + BAND_NAMES[band]));
  item(el("circle", { cx: 13, cy: 8, r: 6, fill: "none", stroke: "#49006a", "stroke-width": 2.5 }), "estimated burst node");
  item(el("rect", { x: 8, y: 3, width: 10, height: 10, transform: "rotate(45 13 8)", fill: "#1f78b4" }), "flow logger");
  item(el("path", { d: "M13 1L20 14H6Z", fill: "#238443" }), "pressure logger");
  item(el("path", { d: "M2 8H24", stroke: "#8d99a6", "stroke-width": 2 }), "pipe");
  item(el("rect", { x: 7, y: 2, width: 12, height: 12, fill: "#2b8cbe", stroke: "#17324d" }), "reservoir or tank");
}
function renderNetworks() {
  const box = document.getElementById("networks");
  box.replaceChildren();
  if (!state.networks.length) box.appendChild(html("div", {}, "none registered"));
  for (const n of state.networks) {
    if (n.error) { box.appendChild(html("div", { class: "error" }, n.name + ": " + n.error)); continue; }
    const text = n.name + ": " + n.nodes.length + " nodes, " + n.links.length + " links, units " + n.flow_units + " (" + n.unit_system + ")"
      + (n.dmas.length ? ", DMA " + n.dmas.join(", ") : "") + (n.unplaced_nodes ? ", " + n.unplaced_nodes + " nodes without coordinates" : "");
    box.appendChild(html("div", {}, text));
  }
}
function render() {
  draw();
  renderPanel();
  const open = state.events.length;
  const highlighted = document.querySelectorAll("path.aoi").length;
  document.title = "burstwatch map: " + open + " open burst event" + (open === 1 ? "" : "s");
  document.body.dataset.rendered = "1";
  document.body.dataset.openEvents = String(open);
  document.body.dataset.highlightedPipes = String(highlighted);
}

function setStatus(text, bad) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = "status" + (bad ? " bad" : "");
}
async function refresh() {
  try {
    const events = await getJSON("api/events");
    if (events.network_version !== state.version) {
      const [network, loggers] = await Promise.all([getJSON("api/network"), getJSON("api/loggers")]);
      state.networks = network.networks;
      state.loggers = loggers.loggers;
      state.version = events.network_version;
      renderNetworks();
    }
    state.events = events.events;
    if (state.focus && !state.events.some(e => e.event_id === state.focus)) state.focus = null;
    render();
    setStatus("live: updated " + new Date().toISOString().slice(11, 19) + " UTC, every " + POLL_MS / 1000 + " s");
  } catch (error) {
    setStatus("not updating: " + error.message + " (retrying)", true);
  }
}

// Zoom with the wheel around the pointer, pan by dragging, double-click to fit.
(function interact() {
  const svg = document.getElementById("svg");
  svg.addEventListener("wheel", e => {
    e.preventDefault();
    const factor = e.deltaY < 0 ? 1.2 : 1 / 1.2;
    const r = svg.getBoundingClientRect(), cx = e.clientX - r.left - r.width / 2, cy = e.clientY - r.top - r.height / 2;
    state.view.dx = cx - (cx - state.view.dx) * factor;
    state.view.dy = cy - (cy - state.view.dy) * factor;
    state.view.zoom *= factor;
    draw();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", e => { drag = { x: e.clientX, y: e.clientY, dx: state.view.dx, dy: state.view.dy }; });
  window.addEventListener("mousemove", e => { if (!drag) return; state.view.dx = drag.dx + e.clientX - drag.x; state.view.dy = drag.dy + e.clientY - drag.y; draw(); });
  window.addEventListener("mouseup", () => { drag = null; });
  svg.addEventListener("dblclick", () => { state.view = { zoom: 1, dx: 0, dy: 0 }; draw(); });
  window.addEventListener("resize", draw);
})();

renderLegend();
refresh();
setInterval(refresh, POLL_MS);
</script>
</body>
</html>
"""#
}
