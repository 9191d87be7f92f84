// The relationship graph explorer, `#/graph/<uscc>[/<depth>]`: the network around an
// enterprise (relationshipGraph), drawn with Cytoscape.js and fcose so that no two labels
// overlap (fcose counts labels in node sizes, then a separation pass removes what overlap is
// left). A node is selected by click or from the node list (the keyboard and screen-reader
// way in); the detail panel says what it is, expands and collapses it, and picks the two ends
// of a path (paths), which is highlighted by style only: positions and sizes never change.
// The root's ultimate owners (ultimateOwners) get a gold ring and a star; enterprises that
// share an address or a phone form a cluster, drawn as a halo of one colour.

import { session } from "../session.js";
import { h, notify } from "../shell.js";
import { request, strict, errorOf, errorText } from "../api.js";
import { t, te, number } from "../i18n.js";

/** The relationships the hub draws networks with (hub/network/reads.py TIE_TYPES). */
const TIE_TYPES = ["LEGAL_REPRESENTATIVE_OF", "OFFICER_OF", "SHAREHOLDER_OF", "REGISTERED_AT",
  "USES_PHONE", "OPERATES"];
const KINDS = {
  Enterprise: { shape: "round-rectangle", colour: "#e2e8f0" },
  Person: { shape: "ellipse", colour: "#fbb6ce" },
  Address: { shape: "diamond", colour: "#fefcbf" },
  Phone: { shape: "triangle", colour: "#bee3f8" },
  OverseasWarehouse: { shape: "hexagon", colour: "#e9d8fd" },
};
const OTHER_KIND = { shape: "ellipse", colour: "#edf2f7" };
const GRADES = { A: "#2f855a", B: "#3182ce", C: "#d69e2e", D: "#c53030", M: "#718096" };
const UNRATED = "#e2e8f0";
const CLUSTER_COLOURS = ["#ed8936", "#38b2ac", "#805ad5", "#d53f8c", "#4299e1", "#48bb78",
  "#e53e3e", "#718096"];
const PATH_COLOUR = "#d53f8c";
const OWNER_COLOUR = "#b7791f";
const LINKING = new Set(["REGISTERED_AT", "USES_PHONE"]); // ties that make clusters
const DEFAULT_DEPTH = 2;
const NODE_LIMIT = 300;
const EXPAND_LIMIT = 120;
const LABEL_WIDTH = 16; // in half-width units: 8 Chinese characters or 16 Latin letters
const EDGE_LABEL_ZOOM = 1.4; // edge labels show by themselves from this zoom on

/** Chosen relation types outlive a re-render (a depth change, a language switch). */
const chosen = new Set(TIE_TYPES);

const GRAPH_FIELDS = `truncated root { id label key }
  nodes { id label key name zone status grade listed idMasked @include(if: $pii) }
  edges { id type source target since until ratio role }`;
const GRAPH_QUERY = `query Graph($u: String!, $d: Int, $t: [String!], $l: Int, $pii: Boolean = false) {
  relationshipGraph(uscc: $u, depth: $d, relationTypes: $t, limit: $l) { ${GRAPH_FIELDS} }
  ultimateOwners(uscc: $u) { key label name share ultimate }
}`;
const EXPAND_QUERY = `query Expand($u: String!, $t: [String!], $l: Int, $pii: Boolean = false) {
  relationshipGraph(uscc: $u, depth: 1, relationTypes: $t, limit: $l) { ${GRAPH_FIELDS} }
}`;
const PATH_QUERY = `query Path($f: String!, $to: String!, $t: [String!], $pii: Boolean = false) {
  paths(from: $f, to: $to, relationTypes: $t) {
    nodes { id label key name zone status grade listed idMasked @include(if: $pii) }
    edges { id type source target since until ratio role }
  }
}`;

/** fcose, spread so that labels (counted in the node sizes) keep apart. */
function layoutOptions(randomize) {
  return {
    name: "fcose", quality: "proof", randomize, animate: false, fit: true, padding: 30,
    nodeDimensionsIncludeLabels: true, uniformNodeDimensions: false, packComponents: true,
    nodeRepulsion: () => 45000, idealEdgeLength: () => 90, edgeElasticity: () => 0.35,
    nodeSeparation: 120, gravity: 0.2, gravityRange: 3.8, numIter: 2500, tile: true,
  };
}

// --- data ---------------------------------------------------------------------------------

/** "Enterprise:<uscc>": the same node in every read (element ids are per read). */
function nodeId(node) {
  return node.key ? `${node.label}:${node.key}` : `${node.label}#${node.id}`;
}

/** Cut to LABEL_WIDTH half-width units (a Chinese character counts two). */
export function shortLabel(text) {
  const chars = Array.from(text || "");
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    width += /[\u2e80-\uffff]/.test(chars[i]) ? 2 : 1;
    if (width > LABEL_WIDTH) return `${chars.slice(0, i).join("")}…`;
  }
  return chars.join("");
}

function edgeLabel(edge) {
  const name = te("relation", edge.type);
  return edge.ratio ? `${name} ${number(edge.ratio * 100, 1)}%` : name;
}

/** Cytoscape elements of a graph read; `ids` maps the read's element ids to ours. */
function elementsOf(read) {
  const ids = new Map(read.nodes.map((n) => [n.id, nodeId(n)]));
  const nodes = read.nodes.map((n) => {
    const kind = KINDS[n.label] || OTHER_KIND;
    const full = n.name || n.key || n.label;
    return { group: "nodes", data: {
      id: ids.get(n.id), kind: n.label, key: n.key, name: full, short: shortLabel(full),
      label: shortLabel(full), zone: n.zone, status: n.status, grade: n.grade,
      listed: Boolean(n.listed), idMasked: n.idMasked, shape: kind.shape,
      fill: n.label === "Enterprise" ? (GRADES[n.grade] || UNRATED) : kind.colour,
      textColour: n.label === "Enterprise" && GRADES[n.grade] ? "#fff" : "#1a202c" } };
  });
  const edges = read.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => {
    const source = ids.get(e.source);
    const target = ids.get(e.target);
    return { group: "edges", data: {
      id: [e.type, source, target, e.role || "", e.since || ""].join("|"),
      source, target, type: e.type, ratio: e.ratio, since: e.since, until: e.until,
      role: e.role, label: edgeLabel(e) } };
  });
  return { nodes, edges };
}

// --- the view's state ----------------------------------------------------------------------

function freshState(uscc, depth) {
  return {
    uscc, depth, cy: null, rootId: `Enterprise:${uscc}`, owners: [], truncated: false,
    expansions: new Map(), // node id -> { nodes: [ids], edges: [ids] } it added
    pathEnds: { from: null, to: null }, path: null, selected: null, pngUrl: null,
  };
}

let state = freshState("", DEFAULT_DEPTH);
let ui = {};

function expose() {
  if (window.hubConsole) window.hubConsole.graph = state;
}

// --- styles --------------------------------------------------------------------------------

function graphStyle() {
  return [
    { selector: "node", style: {
      label: "data(label)", shape: "data(shape)", "background-color": "data(fill)",
      width: 28, height: 28, "border-width": 1, "border-color": "#4a5568",
      "font-size": 11, color: "#1a202c", "text-valign": "bottom", "text-halign": "center",
      "text-margin-y": 4, "text-background-color": "#fff", "text-background-opacity": 0.85,
      "text-background-padding": 2, "text-background-shape": "roundrectangle",
      "min-zoomed-font-size": 7, "overlay-opacity": 0 } },
    { selector: "node[kind = 'Enterprise']", style: { width: 34, height: 26 } },
    { selector: "node.root", style: { width: 46, height: 36, "font-weight": "bold",
      "font-size": 12 } },
    { selector: "node[?listed]", style: { "border-width": 5, "border-color": "#1a202c" } },
    { selector: "node.owner", style: { "outline-width": 3, "outline-color": OWNER_COLOUR,
      "outline-offset": 3, "outline-opacity": 1 } },
    { selector: "node[clusterColour]", style: { "underlay-color": "data(clusterColour)",
      "underlay-opacity": 0.4, "underlay-padding": 7, "underlay-shape": "ellipse" } },
    { selector: "node:selected", style: { "overlay-color": "#2b6cb0", "overlay-opacity": 0.25,
      "overlay-padding": 6 } },
    { selector: "node.path-end", style: { "border-color": PATH_COLOUR, "border-style": "double",
      "border-width": 5 } },
    { selector: "edge", style: {
      width: 1.5, "line-color": "#a0aec0", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#a0aec0", "arrow-scale": 0.8,
      "font-size": 9, color: "#2d3748", "text-background-color": "#fff",
      "text-background-opacity": 0.9, "text-background-padding": 1,
      "text-rotation": "autorotate", "min-zoomed-font-size": 7, "overlay-opacity": 0 } },
    { selector: "edge[type = 'SHAREHOLDER_OF']", style: { "line-color": "#805ad5",
      "target-arrow-color": "#805ad5" } },
    { selector: "edge[type = 'LEGAL_REPRESENTATIVE_OF'], edge[type = 'OFFICER_OF']",
      style: { "line-color": "#dd6b20", "target-arrow-color": "#dd6b20" } },
    { selector: "edge[type = 'REGISTERED_AT'], edge[type = 'USES_PHONE']",
      style: { "line-style": "dashed" } },
    { selector: "edge.labelled, edge.zoomed, edge:selected", style: { label: "data(label)" } },
    { selector: ".faded", style: { opacity: 0.18 } },
    { selector: "edge.on-path", style: { "line-color": PATH_COLOUR, "target-arrow-color":
      PATH_COLOUR, width: 5, "z-index": 999, label: "data(label)" } },
    { selector: "node.on-path", style: { "border-color": PATH_COLOUR, "border-width": 4,
      "z-index": 999, "font-weight": "bold", color: PATH_COLOUR } },
  ];
}

/** A legend swatch that looks like the node or edge it stands for. */
function swatch(kind, colour, extra) {
  return h("span", { class: `swatch swatch-${kind}${extra ? ` ${extra}` : ""}`,
    style: colour ? `--swatch: ${colour}` : null, "aria-hidden": "true" });
}

function legend() {
  const item = (mark, text) => h("li", {}, mark, h("span", {}, text));
  return h("section", { class: "graph-legend", "aria-labelledby": "graph-legend-title" },
    h("h2", { id: "graph-legend-title" }, t("graph:legend.title")),
    h("h3", {}, t("graph:legend.kinds")),
    h("ul", {}, Object.entries(KINDS).map(([kind, style]) =>
      item(swatch(style.shape, kind === "Enterprise" ? UNRATED : style.colour),
        t(`graph:kind.${kind}`)))),
    h("h3", {}, t("graph:legend.grades")),
    h("ul", {}, [...Object.entries(GRADES), ["", UNRATED]].map(([grade, colour]) =>
      item(swatch("round-rectangle", colour),
        grade ? t("graph:legend.grade", { grade: te("grade", grade) }) : t("graph:unrated")))),
    h("h3", {}, t("graph:legend.marks")),
    h("ul", {},
      item(swatch("round-rectangle", UNRATED, "listed"), t("graph:legend.listed")),
      item(swatch("round-rectangle", UNRATED, "owner"), t("graph:legend.owner")),
      item(swatch("ellipse", CLUSTER_COLOURS[0], "cluster"), t("graph:legend.cluster")),
      item(swatch("line", PATH_COLOUR), t("graph:legend.path")),
      item(swatch("line", "#805ad5"), te("relation", "SHAREHOLDER_OF")),
      item(swatch("line", "#dd6b20"), t("graph:legend.people")),
      item(swatch("line", "#a0aec0", "dashed"), t("graph:legend.places"))),
    h("p", { class: "hint" }, t("graph:legend.howTo")));
}

// --- building and changing the graph -------------------------------------------------------

function types() {
  return TIE_TYPES.filter((type) => chosen.has(type));
}

/** Push apart nodes whose boxes (node and label) overlap, until none do. */
export function separate(cy, gap = 4, rounds = 300) {
  const nodes = cy.nodes();
  for (let round = 0; round < rounds; round++) {
    const boxes = nodes.map((n) => ({ n, b: n.boundingBox({ includeLabels: true,
      includeOverlays: false, includeUnderlays: false, includeOutlines: false }) }));
    boxes.sort((a, b) => a.b.x1 - b.b.x1);
    const shifts = new Map();
    const shift = (n, dx, dy) => {
      const s = shifts.get(n) || { x: 0, y: 0 };
      s.x += dx; s.y += dy; shifts.set(n, s);
    };
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i].b;
      for (let j = i + 1; j < boxes.length && boxes[j].b.x1 < a.x2 + gap; j++) {
        const b = boxes[j].b;
        if (b.y1 >= a.y2 + gap || a.y1 >= b.y2 + gap) continue;
        const overX = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
        const overY = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
        const [ni, nj] = [boxes[i].n, boxes[j].n];
        if (overX < overY) {
          const d = overX / 2 + 0.5;
          const sign = (a.x1 + a.x2) <= (b.x1 + b.x2) ? 1 : -1;
          shift(ni, -sign * d, 0); shift(nj, sign * d, 0);
        } else {
          const d = overY / 2 + 0.5;
          const sign = (a.y1 + a.y2) <= (b.y1 + b.y2) ? 1 : -1;
          shift(ni, 0, -sign * d); shift(nj, 0, sign * d);
        }
      }
    }
    if (!shifts.size) return round;
    cy.batch(() => {
      for (const [n, s] of shifts) {
        const p = n.position();
        n.position({ x: p.x + s.x, y: p.y + s.y });
      }
    });
  }
  return rounds;
}

/**
 * Separate the labels; where pushing pairs apart keeps making new overlaps (a dense star),
 * spread the whole drawing out from its centre and separate again: labels keep their size, so
 * a wide enough spread always leaves none. Returns the rounds of separation it took.
 */
function spreadUntilApart(cy) {
  let total = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const rounds = separate(cy);
    total += rounds;
    if (rounds < 300) return total;
    const box = cy.nodes().boundingBox();
    const cx = (box.x1 + box.x2) / 2;
    const cyy = (box.y1 + box.y2) / 2;
    cy.batch(() => cy.nodes().forEach((n) => {
      const p = n.position();
      n.position({ x: cx + (p.x - cx) * 1.2, y: cyy + (p.y - cyy) * 1.2 });
    }));
  }
  return total;
}

/** Once the clusters, owners and the selection have styled the nodes (a ring or halo moves a
 * label), separate again what they made overlap; nothing moves when nothing does. */
function settle() {
  const cy = state.cy;
  const rounds = spreadUntilApart(cy);
  state.separationRounds += rounds;
  if (rounds) cy.fit(undefined, 30);
}

function layout(randomize) {
  const cy = state.cy;
  cy.layout(layoutOptions(randomize)).run();
  state.separationRounds = spreadUntilApart(cy); // 0: fcose alone left no overlap
  cy.fit(undefined, 30);
}

/** Enterprises sharing an address or a phone (and that address or phone): one halo colour. */
function markClusters() {
  const cy = state.cy;
  const parent = new Map();
  const find = (x) => {
    while (parent.get(x) !== x) { parent.set(x, parent.get(parent.get(x))); x = parent.get(x); }
    return x;
  };
  const union = (a, b) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    parent.set(find(a), find(b));
  };
  cy.nodes().filter((n) => n.data("kind") === "Address" || n.data("kind") === "Phone")
    .forEach((place) => {
      const firms = place.connectedEdges().filter((e) => LINKING.has(e.data("type")))
        .connectedNodes().filter((n) => n.data("kind") === "Enterprise");
      if (firms.length < 2) return;
      firms.forEach((firm) => union(place.id(), firm.id()));
    });
  const groups = new Map();
  for (const id of parent.keys()) {
    const top = find(id);
    if (!groups.has(top)) groups.set(top, []);
    groups.get(top).push(id);
  }
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
  cy.batch(() => {
    cy.nodes().removeData("cluster clusterColour");
    ordered.forEach((ids, index) => {
      for (const id of ids) {
        cy.getElementById(id).data({ cluster: index + 1,
          clusterColour: CLUSTER_COLOURS[index % CLUSTER_COLOURS.length] });
      }
    });
  });
}

function markOwners() {
  const cy = state.cy;
  cy.nodes().removeClass("owner");
  for (const owner of state.owners) {
    const node = cy.getElementById(`${owner.label}:${owner.key}`);
    node.addClass("owner");
    if (node.length) node.data("label", `★ ${node.data("short")}`);
  }
}

function afterChange() {
  markClusters();
  markOwners();
  fillNodeList();
  describeCanvas();
  expose();
}

async function load(root) {
  const { data, errors } = await request(GRAPH_QUERY, { pii: session.has("pii:read"), u: state.uscc, d: state.depth,
    t: types(), l: NODE_LIMIT });
  const failure = errors.find((e) => e.path && e.path[0] === "relationshipGraph");
  if (failure) throw errorOf(failure);
  const read = data.relationshipGraph;
  if (!read) {
    ui.canvas.hidden = true;
    notify(t("graph:notFound"));
    return;
  }
  state.owners = data.ultimateOwners || [];
  state.ownersHidden = data.ultimateOwners === null || data.ultimateOwners === undefined;
  state.truncated = read.truncated;
  state.expansions.clear();
  clearPath();
  const { nodes, edges } = elementsOf(read);
  if (state.cy) state.cy.destroy();
  state.cy = cytoscape({ container: ui.canvas, elements: [...nodes, ...edges],
    style: graphStyle(), wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4,
    boxSelectionEnabled: false, selectionType: "single" });
  state.cy.getElementById(state.rootId).addClass("root");
  wire(state.cy);
  markOwners();
  layout(true);
  afterChange();
  ui.truncated.hidden = !read.truncated;
  showOwners();
  select(state.cy.getElementById(state.rootId));
  settle();
  root.dataset.graphReady = "true";
}

function wire(cy) {
  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (event.originalEvent && event.originalEvent.shiftKey) pickEnd(node);
    else select(node);
  });
  cy.on("dbltap", "node", (event) => toggle(event.target));
  cy.on("tap", (event) => { if (event.target === cy) select(null); });
  cy.on("mouseover", "node", (event) => event.target.connectedEdges().addClass("labelled"));
  cy.on("mouseout", "node", (event) => {
    if (!event.target.selected()) event.target.connectedEdges().removeClass("labelled");
  });
  cy.on("mouseover", "edge", (event) => event.target.addClass("labelled"));
  cy.on("mouseout", "edge", (event) => event.target.removeClass("labelled"));
  cy.on("zoom", () => {
    const near = cy.zoom() >= EDGE_LABEL_ZOOM;
    if (near !== cy.scratch("near")) {
      cy.scratch("near", near);
      if (near) cy.edges().addClass("zoomed"); else cy.edges().removeClass("zoomed");
    }
  });
}

/** Add the enterprise's neighbourhood; remember what was new so collapse can take it back. */
async function expand(node) {
  if (node.data("kind") !== "Enterprise" || state.expansions.has(node.id())) return;
  const data = await strict(EXPAND_QUERY, { pii: session.has("pii:read"), u: node.data("key"), t: types(), l: EXPAND_LIMIT });
  const read = data.relationshipGraph;
  if (!read) return;
  const cy = state.cy;
  const { nodes, edges } = elementsOf(read);
  const newNodes = nodes.filter((n) => !cy.getElementById(n.data.id).length);
  const newEdges = edges.filter((e) => !cy.getElementById(e.data.id).length);
  const around = node.position();
  newNodes.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / Math.max(newNodes.length, 1);
    n.position = { x: around.x + 80 * Math.cos(angle), y: around.y + 80 * Math.sin(angle) };
  });
  cy.add([...newNodes, ...newEdges]);
  if (state.path) cy.elements().not(".on-path").addClass("faded");
  state.expansions.set(node.id(), { nodes: newNodes.map((n) => n.data.id),
    edges: newEdges.map((e) => e.data.id) });
  markOwners();
  if (newNodes.length) layout(false);
  afterChange();
  select(node);
  settle();
  notify(t("graph:expanded", { n: newNodes.length }), "info");
}

/** Take back what an expansion added, except nodes still tied to the root another way. */
function collapse(node) {
  const added = state.expansions.get(node.id());
  if (!added) return;
  const cy = state.cy;
  // expansions made from nodes this one added go first
  for (const id of added.nodes) {
    const inner = cy.getElementById(id);
    if (inner.length && state.expansions.has(id)) collapse(inner);
  }
  state.expansions.delete(node.id());
  const edges = cy.collection(added.edges.map((id) => cy.getElementById(id)).filter((e) => e.length));
  const removedEdges = edges.remove();
  const reached = cy.getElementById(state.rootId).component();
  const gone = cy.collection(added.nodes.map((id) => cy.getElementById(id))
    .filter((n) => n.length && !reached.has(n)));
  gone.remove();
  removedEdges.filter((e) => cy.getElementById(e.data("source")).length
    && cy.getElementById(e.data("target")).length).restore();
  afterChange();
  select(node);
  notify(t("graph:collapsed", { n: gone.length }), "info");
}

async function toggle(node) {
  try {
    if (state.expansions.has(node.id())) collapse(node);
    else await expand(node);
  } catch (error) {
    notify(errorText(error));
  }
}

// --- path ------------------------------------------------------------------------------------

function clearPath() {
  state.path = null;
  if (state.cy) state.cy.elements().removeClass("on-path faded path-end");
  for (const end of ["from", "to"]) {
    const id = state.pathEnds[end];
    if (id && state.cy) state.cy.getElementById(id).addClass("path-end");
  }
  if (ui.pathResult) ui.pathResult.replaceChildren();
  expose();
}

function pickEnd(node, end) {
  if (node.data("kind") !== "Enterprise") {
    notify(t("graph:path.enterprisesOnly"), "info");
    return;
  }
  const which = end || (state.pathEnds.from && !state.pathEnds.to ? "to" : "from");
  if (which === "from" && !end) state.pathEnds.to = null;
  state.pathEnds[which] = node.id();
  clearPath();
  showPathEnds();
  if (state.pathEnds.from && state.pathEnds.to) findPath();
  select(node);
}

/** Highlight the shortest path by classes only: no node moves or changes size. */
async function findPath() {
  const cy = state.cy;
  const [from, to] = [state.pathEnds.from, state.pathEnds.to].map((id) => cy.getElementById(id));
  if (from.id() === to.id()) return;
  let found;
  try {
    found = await strict(PATH_QUERY, { pii: session.has("pii:read"), f: from.data("key"), to: to.data("key"), t: types() });
  } catch (error) {
    notify(errorText(error));
    return;
  }
  clearPath();
  const path = found.paths[0];
  if (!path) {
    ui.pathResult.append(h("p", {}, t("graph:path.none")));
    return;
  }
  const { nodes, edges } = elementsOf(path);
  const missing = nodes.filter((n) => !cy.getElementById(n.data.id).length);
  // a path node outside the drawing goes between its path neighbours; nothing else moves
  nodes.forEach((n, i) => {
    if (!missing.includes(n)) return;
    const near = [nodes[i - 1], nodes[i + 1]].filter(Boolean)
      .map((m) => cy.getElementById(m.data.id)).filter((m) => m.length);
    const centre = near.length ? near.reduce((s, m) => ({ x: s.x + m.position().x / near.length,
      y: s.y + m.position().y / near.length }), { x: 0, y: 0 }) : { x: 0, y: 0 };
    n.position = { x: centre.x + 40, y: centre.y + 40 };
    cy.add(n);
  });
  cy.add(edges.filter((e) => !cy.getElementById(e.data.id).length));
  const on = cy.collection([...nodes, ...edges].map((el) => cy.getElementById(el.data.id)));
  cy.batch(() => {
    cy.elements().addClass("faded");
    on.removeClass("faded").addClass("on-path");
  });
  state.path = { nodes: nodes.map((n) => n.data.id), edges: edges.map((e) => e.data.id) };
  if (missing.length) afterChange();
  const steps = h("ol", { class: "path-steps" }, nodes.map((n, i) => h("li", {},
    nodeButton(cy.getElementById(n.data.id)),
    edges[i] ? h("span", { class: "hint" }, ` — ${edges[i].data.label} — `) : null)));
  ui.pathResult.append(h("p", {}, t("graph:path.found", { n: edges.length,
    total: found.paths.length })), steps);
  expose();
}

function showPathEnds() {
  const name = (id) => (id && state.cy.getElementById(id).length
    ? state.cy.getElementById(id).data("name") : t("graph:path.unset"));
  ui.pathEnds.replaceChildren(
    h("li", {}, t("graph:path.from"), ": ", name(state.pathEnds.from)),
    h("li", {}, t("graph:path.to"), ": ", name(state.pathEnds.to)));
}

// --- panels ----------------------------------------------------------------------------------

function nodeButton(node) {
  return h("button", { type: "button", class: "link", onclick: () => select(node, true) },
    node.data("name"));
}

function select(node, centre) {
  const cy = state.cy;
  if (!cy) return;
  cy.edges().removeClass("labelled");
  cy.nodes().unselect();
  state.selected = node && node.length ? node.id() : null;
  if (state.selected) {
    node.select();
    node.connectedEdges().addClass("labelled");
    if (centre) cy.center(node);
  }
  if (ui.nodeList) ui.nodeList.value = state.selected || "";
  detail(state.selected ? node : null);
  expose();
}

function row(term, value) {
  if (value === null || value === undefined || value === "") return [];
  return [h("dt", {}, term), h("dd", {}, value)];
}

function detail(node) {
  const panel = ui.detail;
  if (!node) {
    panel.replaceChildren(h("h2", {}, t("graph:detail.title")),
      h("p", { class: "hint" }, t("graph:detail.empty")));
    return;
  }
  const d = node.data();
  const enterprise = d.kind === "Enterprise";
  const owner = state.owners.find((o) => `${o.label}:${o.key}` === d.id);
  const expanded = state.expansions.has(d.id);
  const ties = node.connectedEdges().map((e) => {
    const other = e.source().id() === d.id ? e.target() : e.source();
    return h("li", {}, h("span", {}, `${e.data("label")}: `), nodeButton(other));
  });
  panel.replaceChildren(...[
    h("h2", {}, t("graph:detail.title")),
    h("p", { class: "node-name" }, d.name),
    h("dl", {},
      row(enterprise ? t("graph:detail.uscc") : t("graph:detail.key"), d.key),
      row(t("graph:detail.kind"), t(`graph:kind.${d.kind}`, { defaultValue: d.kind })),
      enterprise ? row(t("graph:detail.grade"), d.grade ? te("grade", d.grade) : t("graph:unrated")) : [],
      enterprise ? row(t("graph:detail.listed"), d.listed ? t("graph:yes") : t("graph:no")) : [],
      row(t("graph:detail.zone"), d.zone ? te("zone", d.zone) : ""),
      row(t("graph:detail.status"), d.status ? te("EnterpriseStatus", d.status) : ""),
      row(t("graph:detail.id"), d.idMasked),
      row(t("graph:detail.owner"), owner ? t("graph:detail.ownerShare",
        { share: number(owner.share * 100, 1) }) : ""),
      row(t("graph:detail.cluster"), d.cluster ? t("graph:detail.clusterOf", {
        number: d.cluster, n: state.cy.nodes().filter((n) => n.data("cluster") === d.cluster
          && n.data("kind") === "Enterprise").length }) : "")),
    h("div", { class: "detail-actions" },
      enterprise ? h("a", { href: `#/report/${encodeURIComponent(d.key)}`, class: "button" },
        t("graph:detail.report")) : null,
      enterprise ? h("button", { type: "button", id: "graph-toggle", "aria-pressed": String(expanded),
        onclick: () => toggle(node) }, expanded ? t("graph:collapse") : t("graph:expand")) : null,
      enterprise ? h("button", { type: "button", id: "graph-path-from",
        onclick: () => pickEnd(node, "from") }, t("graph:path.setFrom")) : null,
      enterprise ? h("button", { type: "button", id: "graph-path-to",
        onclick: () => pickEnd(node, "to") }, t("graph:path.setTo")) : null),
    enterprise ? null : h("p", { class: "hint" }, t("graph:detail.notExpandable")),
    h("h3", {}, t("graph:detail.ties", { n: ties.length })),
    h("ul", { class: "ties" }, ties)].filter(Boolean));
}

function showOwners() {
  const box = ui.owners;
  if (state.ownersHidden) { box.hidden = true; return; }
  box.hidden = false;
  const cy = state.cy;
  box.replaceChildren(h("h2", {}, t("graph:owners.title")),
    state.owners.length ? h("ul", {}, state.owners.map((o) => {
      const node = cy.getElementById(`${o.label}:${o.key}`);
      return h("li", {}, node.length ? nodeButton(node) : h("span", {}, o.name),
        ` ${t("graph:owners.share", { share: number(o.share * 100, 1) })}`,
        o.ultimate ? ` · ${t("graph:owners.ultimate")}` : "",
        node.length ? "" : ` · ${t("graph:owners.outside")}`);
    })) : h("p", { class: "hint" }, t("graph:owners.none")));
}

function fillNodeList() {
  const cy = state.cy;
  const nodes = cy.nodes().sort((a, b) => (a.data("kind") + a.data("name"))
    .localeCompare(b.data("kind") + b.data("name")));
  ui.nodeList.replaceChildren(h("option", { value: "" }, t("graph:nodeList.choose")),
    ...nodes.map((n) => h("option", { value: n.id() },
      `${n.data("name")} (${t(`graph:kind.${n.data("kind")}`, { defaultValue: n.data("kind") })})`)));
  ui.nodeList.value = state.selected || "";
}

function describeCanvas() {
  const cy = state.cy;
  ui.canvas.setAttribute("aria-label", t("graph:canvasLabel", {
    name: cy.getElementById(state.rootId).data("name") || state.uscc,
    nodes: cy.nodes().length, edges: cy.edges().length }));
}

// --- controls --------------------------------------------------------------------------------

function zoomBy(factor) {
  const cy = state.cy;
  if (!cy) return;
  cy.zoom({ level: cy.zoom() * factor,
    renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

async function exportPng() {
  const blob = await state.cy.png({ full: true, bg: "#fff", output: "blob-promise", scale: 1 });
  if (state.pngUrl) URL.revokeObjectURL(state.pngUrl);
  state.pngUrl = URL.createObjectURL(blob);
  ui.download.href = state.pngUrl;
  ui.download.download = `graph-${state.uscc}.png`;
  ui.download.hidden = false;
  ui.download.click();
}

function toolbar(root) {
  const depth = h("select", { id: "graph-depth", onchange: (event) => {
    state.depth = Number(event.target.value);
    reload(root);
  } }, [1, 2, 3].map((d) => h("option", { value: d, selected: d === state.depth },
    number(d))));
  const boxes = TIE_TYPES.map((type) => h("label", { class: "relation" },
    h("input", { type: "checkbox", value: type, checked: chosen.has(type),
      dataset: { relation: type }, onchange: (event) => {
        if (event.target.checked) chosen.add(type); else chosen.delete(type);
        reload(root);
      } }), ` ${te("relation", type)}`));
  const button = (id, key, onclick) => h("button", { type: "button", id, onclick,
    title: t(key), "aria-label": t(key) }, t(`${key}Short`));
  ui.download = h("a", { id: "graph-download", hidden: true, class: "button" },
    t("graph:download"));
  return h("div", { class: "graph-toolbar" },
    h("label", {}, t("graph:depth"), " ", depth),
    h("fieldset", { class: "relations" }, h("legend", {}, t("graph:relations")), boxes),
    h("div", { class: "zoom", role: "group", "aria-label": t("graph:zoom.label") },
      button("graph-zoom-in", "graph:zoom.in", () => zoomBy(1.25)),
      button("graph-zoom-out", "graph:zoom.out", () => zoomBy(0.8)),
      button("graph-fit", "graph:zoom.fit", () => state.cy && state.cy.fit(undefined, 30))),
    h("button", { type: "button", id: "graph-export", onclick: () => exportPng() },
      t("graph:export")), ui.download);
}

async function reload(root) {
  delete root.dataset.graphReady;
  try {
    await load(root);
  } catch (error) {
    notify(errorText(error));
  }
}

function chooser(root) {
  const input = h("input", { id: "graph-uscc", name: "uscc", maxlength: 18, required: true,
    autocomplete: "off", spellcheck: "false" });
  root.append(h("h1", {}, t("common:nav.graph")),
    h("form", { class: "graph-chooser", onsubmit: (event) => {
      event.preventDefault();
      location.hash = `#/graph/${encodeURIComponent(input.value.trim().toUpperCase())}`;
    } }, h("label", { for: "graph-uscc" }, t("graph:chooser.label")), " ", input, " ",
    h("button", { type: "submit", class: "primary" }, t("graph:chooser.open"))),
    h("p", { class: "hint" }, t("graph:chooser.hint")));
}

export default {
  route: "graph",
  nav: "common:nav.graph",
  kinds: null,
  async render(root, params) {
    const [uscc, depth] = params || [];
    if (state.cy) state.cy.destroy();
    if (!uscc) { state = freshState("", DEFAULT_DEPTH); chooser(root); return; }
    state = freshState(uscc.toUpperCase(), [1, 2, 3].includes(Number(depth))
      ? Number(depth) : DEFAULT_DEPTH);
    ui = {};
    ui.canvas = h("div", { id: "graph-canvas", class: "graph-canvas", role: "img",
      "aria-describedby": "graph-help" });
    ui.detail = h("section", { id: "graph-detail", class: "graph-detail", "aria-live": "polite" });
    ui.owners = h("section", { id: "graph-owners", class: "graph-owners" });
    ui.nodeList = h("select", { id: "graph-node-list", onchange: (event) => {
      const node = state.cy && state.cy.getElementById(event.target.value);
      select(node && node.length ? node : null, true);
    } });
    ui.pathEnds = h("ul", { class: "path-ends" });
    ui.pathResult = h("div", { class: "path-result", "aria-live": "polite" });
    ui.truncated = h("p", { class: "hint", hidden: true }, t("graph:truncated",
      { n: NODE_LIMIT }));
    const view = h("div", { class: "graph-view" });
    root.append(view);
    view.append(
      h("h1", {}, t("graph:title", { uscc: state.uscc })),
      toolbar(view),
      h("p", { id: "graph-help", class: "hint" }, t("graph:help")),
      ui.truncated,
      h("div", { class: "graph-body" },
        ui.canvas,
        h("aside", { class: "graph-side", "aria-label": t("graph:side") },
          h("label", { for: "graph-node-list" }, t("graph:nodeList.label")), ui.nodeList,
          ui.detail,
          h("section", { class: "graph-path", "aria-labelledby": "graph-path-title" },
            h("h2", { id: "graph-path-title" }, t("graph:path.title")),
            h("p", { class: "hint" }, t("graph:path.help")), ui.pathEnds,
            h("button", { type: "button", id: "graph-path-clear", onclick: () => {
              state.pathEnds = { from: null, to: null };
              clearPath(); showPathEnds();
            } }, t("graph:path.clear")), ui.pathResult),
          ui.owners,
          legend())));
    await load(view);
    if (state.cy) showPathEnds();
  },
};
