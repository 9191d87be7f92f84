// The hub's console: a thin page over the hub's own GraphQL API. Every read goes to the
// same origin with the signed-in token; what the token may not see is left out, not shown
// broken (a FORBIDDEN field comes back null and its section stays hidden).
"use strict";

cytoscape.use(cytoscapeFcose);

const state = { token: null, graph: null, picked: [] };
const $ = (id) => document.getElementById(id);
const GRADE_COLOURS = { A: "#2f855a", B: "#3182ce", C: "#d69e2e", D: "#c53030", M: "#718096" };

function say(text) { $("message").textContent = text || ""; }

async function gql(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
    body: JSON.stringify({ query, variables: variables || {} }),
  });
  const body = await response.json();
  if (response.status === 401) throw new Error("the token was refused: sign in again");
  return body; // { data, errors }: callers show what came back and skip what did not
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  row.appendChild(td);
  return td;
}

function fill(table, rows) {
  const body = table.querySelector("tbody");
  body.innerHTML = "";
  for (const values of rows) {
    const tr = document.createElement("tr");
    values.forEach((v) => cell(tr, v));
    body.appendChild(tr);
  }
}

// --- sign in ---------------------------------------------------------------------------------

async function offerDemoClients() {
  const response = await fetch("/console/demo-clients");
  if (!response.ok) return; // not a demo hub: tokens only
  const clients = await response.json();
  const select = $("demo");
  select.innerHTML = '<option value="">Sign in as a demo client...</option>';
  for (const c of clients) {
    const option = document.createElement("option");
    option.value = JSON.stringify(c);
    option.textContent = c.kind;
    select.appendChild(option);
  }
  select.hidden = false;
  select.addEventListener("change", async () => {
    if (!select.value) return;
    const c = JSON.parse(select.value);
    const response = await fetch("/oauth/token", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: "Basic " + btoa(`${c.clientId}:${c.clientSecret}`),
      },
      body: "grant_type=client_credentials",
    });
    const body = await response.json();
    signIn(body.access_token, c.kind);
  });
}

function signIn(token, who) {
  state.token = token;
  $("who").textContent = who ? `signed in (${who})` : "signed in";
  $("tabs").hidden = false;
  show(location.hash.slice(1) || "search");
}

$("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("token").value.trim(), null);
});

// --- pages -----------------------------------------------------------------------------------

function show(page) {
  for (const id of ["search", "profile", "lists", "alerts", "stats"]) $(id).hidden = id !== page;
  say("");
  if (page === "lists") loadLists();
  if (page === "alerts") loadAlerts();
  if (page === "stats") loadStats();
}

window.addEventListener("hashchange", () => state.token && show(location.hash.slice(1)));

$("find").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("query").value.trim();
  const body = await gql(
    `query($q: String!, $u: String!, $isCode: Boolean!) {
      byCode: enterprise(uscc: $u) @include(if: $isCode) { uscc name zone }
      enterprises(filter: { nameContains: $q }, first: 20) { edges { node { uscc name zone } } }
    }`,
    { q: text, u: text.toUpperCase(), isCode: /^[0-9A-Z]{18}$/i.test(text) },
  );
  const found = [];
  if (body.data && body.data.byCode) found.push(body.data.byCode);
  if (body.data && body.data.enterprises) {
    for (const edge of body.data.enterprises.edges) found.push(edge.node);
  }
  const list = $("results");
  list.innerHTML = "";
  for (const e of found) {
    const li = document.createElement("li");
    li.textContent = `${e.name} (${e.uscc}, ${e.zone})`;
    li.dataset.uscc = e.uscc;
    li.addEventListener("click", () => openProfile(e.uscc));
    list.appendChild(li);
  }
  if (!found.length) say("nothing found");
});

let factorChart = null;

async function openProfile(uscc) {
  show("profile");
  const body = await gql(
    `query($u: String!) {
      enterprise(uscc: $u) { uscc name zone status }
      creditProfile(uscc: $u) { grade score forcedBy treatment { name }
        factors { code points reason evidence } }
    }`,
    { u: uscc },
  );
  const e = body.data && body.data.enterprise;
  if (!e) { say("this enterprise is not yours to see"); return; }
  $("profile-name").textContent = `${e.name} (${e.uscc})`;
  const profile = body.data.creditProfile;
  $("profile-summary").textContent = profile
    ? `Grade ${profile.grade}, score ${profile.score}, ${profile.treatment.name}` +
      (profile.forcedBy ? ` (forced by ${profile.forcedBy})` : "")
    : "";
  const factors = (profile && profile.factors) || [];
  fill($("factors"), factors.map((f) => [f.code, f.points, `${f.reason} [${f.evidence.join(", ")}]`]));
  $("factors").hidden = !factors.length;
  if (factorChart) factorChart.destroy();
  factorChart = factors.length
    ? new Chart($("factor-chart"), {
        type: "bar",
        data: {
          labels: factors.map((f) => f.code),
          datasets: [{ label: "points", data: factors.map((f) => f.points),
            backgroundColor: factors.map((f) => (f.points < 0 ? "#c53030" : "#2f855a")) }],
        },
        options: { animation: false, maintainAspectRatio: false, indexAxis: "y" },
      })
    : null;
  $("factor-chart").parentElement.hidden = !factors.length;
  await drawGraph(uscc);
}

// --- relationship graph ----------------------------------------------------------------------

// two relationships: the enterprises that share a person or an address with this one
const GRAPH_QUERY = `query($u: String!, $t: [String!]) {
  relationshipGraph(uscc: $u, depth: 2, relationTypes: $t, limit: 300) {
    nodes { id label key name grade listed } edges { id type source target ratio }
  }
}`;
const TYPES = ["LEGAL_REPRESENTATIVE_OF", "OFFICER_OF", "SHAREHOLDER_OF", "REGISTERED_AT",
  "USES_PHONE", "OPERATES"];

function relationTypes() {
  return TYPES.filter((t) => { const box = $(`rel-${t}`); return !box || box.checked; });
}

function elementsOf(graph) {
  const nodes = graph.nodes.map((n) => ({ group: "nodes", data: {
    id: n.id, label: n.name || n.key || n.label, kind: n.label, key: n.key,
    colour: n.label === "Enterprise" ? (GRADE_COLOURS[n.grade] || "#a0aec0") : "#e2e8f0",
    border: n.listed ? "#000" : "#718096", width: n.listed ? 4 : 1 } }));
  const edges = graph.edges.map((e) => ({ group: "edges", data: {
    id: e.id, source: e.source, target: e.target,
    label: e.ratio ? `${e.type} ${Math.round(e.ratio * 100)}%` : e.type } }));
  return [...nodes, ...edges];
}

async function drawGraph(uscc) {
  const boxes = $("relations");
  if (!boxes.childElementCount) {
    for (const t of TYPES) {
      const label = document.createElement("label");
      label.innerHTML = `<input type="checkbox" id="rel-${t}" checked> ${t} `;
      label.querySelector("input").addEventListener("change", () => drawGraph(state.root));
      boxes.appendChild(label);
    }
  }
  state.root = uscc;
  const body = await gql(GRAPH_QUERY, { u: uscc, t: relationTypes() });
  const graph = body.data && body.data.relationshipGraph;
  $("graph").hidden = !graph;
  $("relations").hidden = !graph;
  if (!graph) return;
  if (state.graph) state.graph.destroy();
  state.graph = cytoscape({
    container: $("graph"),
    elements: elementsOf(graph),
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": "data(colour)",
        "border-color": "data(border)", "border-width": "data(width)", "font-size": 9 } },
      { selector: "edge", style: { label: "data(label)", "font-size": 7, width: 1.5,
        "curve-style": "bezier", "line-color": "#a0aec0" } },
      { selector: ".path", style: { "line-color": "#d53f8c", "background-color": "#d53f8c",
        width: 4 } },
    ],
    layout: { name: "fcose", animate: false },
  });
  state.graph.on("tap", "node", (event) => expandOrPick(event.target));
}

async function expandOrPick(node) {
  if (node.data("kind") !== "Enterprise") return;
  const body = await gql(GRAPH_QUERY, { u: node.data("key"), t: relationTypes() });
  const graph = body.data && body.data.relationshipGraph;
  if (graph) {
    const fresh = elementsOf(graph).filter((el) => !state.graph.getElementById(el.data.id).length);
    state.graph.add(fresh);
    state.graph.layout({ name: "fcose", animate: false }).run();
  }
  state.picked = [...state.picked, node.id()].slice(-2);
  if (state.picked.length === 2) {
    state.graph.elements().removeClass("path");
    const [a, b] = state.picked.map((id) => state.graph.getElementById(id));
    const found = state.graph.elements().aStar({ root: a, goal: b });
    if (found.found) found.path.addClass("path");
  }
}

// --- lists, alerts, statistics ---------------------------------------------------------------

async function loadLists() {
  const body = await gql(`{
    punishment: jointPunishmentList(first: 100) { edges { node { list uscc enterpriseName
      person { name } subjectRole relation validUntil measures { department measures } } } }
    incentive: jointIncentiveList(first: 100) { edges { node { list uscc enterpriseName
      relation measures { department measures } } } }
  }`);
  const row = (n) => [n.list, n.enterpriseName || (n.person && n.person.name) || "", n.uscc || "",
    n.relation, n.measures.map((m) => `${m.department}: ${m.measures.join("; ")}`).join(" | ")];
  for (const kind of ["punishment", "incentive"]) {
    const data = body.data && body.data[kind];
    $(kind).hidden = !data;
    if (data) fill($(kind), data.edges.map((e) => row(e.node)));
  }
}

async function loadAlerts() {
  const body = await gql(`{ riskAlerts(first: 200) { edges { node {
    kind severity reason subjects detectedOn } } } }`);
  const data = body.data && body.data.riskAlerts;
  $("alert-table").hidden = !data;
  if (data) fill($("alert-table"), data.edges.map((e) => [e.node.severity, e.node.kind,
    e.node.reason, e.node.subjects.join(", "), e.node.detectedOn]));
}

let statsChart = null;

async function loadStats() {
  const to = new Date().toISOString().slice(0, 10);
  const from = `${Number(to.slice(0, 4)) - 2}${to.slice(4)}`;
  const body = await gql(
    `query($f: Date!, $t: Date!) { statistics(from: $f, to: $t, groupBy: MONTH) {
      groups { key declarations valueCny } targets { zone label target actual } } }`,
    { f: from, t: to },
  );
  const stats = body.data && body.data.statistics;
  $("stats").querySelectorAll("h2, .chart, table").forEach((el) => { el.hidden = !stats; });
  if (!stats) return;
  if (statsChart) statsChart.destroy();
  statsChart = new Chart($("stats-chart"), {
    type: "bar",
    data: { labels: stats.groups.map((g) => g.key),
      datasets: [{ label: "declared value (CNY)", data: stats.groups.map((g) => Number(g.valueCny)),
        backgroundColor: "#3182ce" }] },
    options: { animation: false, maintainAspectRatio: false },
  });
  fill($("targets"), stats.targets.map((t) => [t.zone, t.label, t.target,
    t.actual === null ? "no data" : t.actual]));
}

offerDemoClients();
