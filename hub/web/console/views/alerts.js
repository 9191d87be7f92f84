// `#/alerts` and `#/alerts/<id>`: the risk alerts found on the graph, and the disposal of one
// (the seeds' risk system: collection, assessment, warning, disposal). A regulator opens an
// alert, assigns it, records what was verified and closes it with a result; each step is stored
// and audited by the hub and shown here as the alert's history. Which actions are offered
// follows the disposal's status; the hub decides who may take them and its refusals are shown.

import { h, notify } from "../shell.js";
import { t, te, date, dateTime } from "../i18n.js";
import { strict, errorText } from "../api.js";
import { createTable, connection } from "../table.js";
import { reportLink, zoneOptions } from "./lists.js";

const KINDS = ["CIRCULAR_PAYMENTS", "SHARED_ADDRESS", "SHARED_PHONE",
  "SHARED_LEGAL_REPRESENTATIVE", "DOCUMENT_MISMATCH", "COVERED_REPRESENTATIVE", "EXPORT_SPIKE",
  "DECLARATION_AFTER_DEREGISTRATION", "RECEIPTS_WITHOUT_EXPORTS", "EXPORTS_WITHOUT_RECEIPTS",
  "REFUNDS_OUT_OF_PROPORTION"];
const STATUSES = ["OPEN", "ASSIGNED", "VERIFIED", "CLOSED"];
const RESULTS = ["RISK_CONFIRMED", "NO_RISK_FOUND", "REFERRED"];

/** What may be done in each disposal status (the hub enforces the same). */
export const ACTIONS = {
  OPEN: ["assign"],
  ASSIGNED: ["assign", "verify", "close"],
  VERIFIED: ["assign", "verify", "close"],
  CLOSED: [],
};

const ALERT = `id kind severity reason subjects evidence zones basis detectedOn lastSeenOn
  clearedOn disposal { status assignee result
    steps { action by at note assignee result } }`;

const PAGE = `query ($first: Int, $after: String, $filter: RiskAlertFilter,
  $orderBy: RiskAlertOrder! = DETECTED_ON_DESC) {
  riskAlerts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${ALERT} } } } }`;

const ASSIGN = `mutation ($id: String!, $assignee: String!, $note: String!) {
  assignRiskAlert(id: $id, assignee: $assignee, note: $note) { ${ALERT} } }`;
const VERIFY = `mutation ($id: String!, $note: String!) {
  recordRiskAlertVerification(id: $id, note: $note) { ${ALERT} } }`;
const CLOSE = `mutation ($id: String!, $result: DisposalResult!, $note: String!) {
  closeRiskAlert(id: $id, result: $result, note: $note) { ${ALERT} } }`;

/** A disposal enum's label (alerts:<group>.<VALUE>), the raw value when unknown. */
function label(group, value) {
  return value ? t(`alerts:${group}.${value}`, { defaultValue: value }) : "";
}

/** Most alerts a detail page looks through to find one by id (the API has no single read). */
const FIND_CAP = 5000;

function alertTable() {
  return createTable({
    id: "alert-table",
    caption: t("alerts:title"),
    csvName: "risk-alerts.csv",
    exportPageSize: 500,
    filters: [
      { key: "kind", label: t("alerts:filter.kind"), type: "select",
        options: KINDS.map((k) => ({ value: k, label: te("riskKind", k) })) },
      { key: "zone", label: t("alerts:filter.zone"), type: "select", options: zoneOptions() },
      { key: "since", label: t("alerts:filter.since"), type: "date" },
      { key: "disposalStatus", label: t("alerts:filter.disposalStatus"), type: "select",
        options: STATUSES.map((s) => ({ value: s, label: label("status", s) })) },
      { key: "includeCleared", label: t("alerts:filter.includeCleared"), type: "checkbox" },
    ],
    columns: [
      { key: "id", label: t("alerts:col.id"), value: (a) => a.id,
        cell: (a) => h("a", { href: `#/alerts/${encodeURIComponent(a.id)}` }, a.id) },
      { key: "kind", label: t("alerts:col.kind"), value: (a) => te("riskKind", a.kind) },
      { key: "severity", label: t("alerts:col.severity"), value: (a) => te("severity", a.severity),
        serverOrder: "SEVERITY_DESC" },
      { key: "subjects", label: t("alerts:col.subjects"), value: (a) => a.subjects.join(" "),
        cell: (a) => h("span", {}, a.subjects.flatMap((u, i) => [i ? " " : "", reportLink(u)])) },
      { key: "zones", label: t("alerts:col.zones"),
        value: (a) => a.zones.map((z) => te("zoneShort", z)).join("、") },
      { key: "detectedOn", label: t("alerts:col.detectedOn"), value: (a) => date(a.detectedOn),
        serverOrder: "DETECTED_ON_DESC" },
      { key: "lastSeenOn", label: t("alerts:col.lastSeenOn"), value: (a) => date(a.lastSeenOn),
        sort: (a) => a.lastSeenOn },
      { key: "status", label: t("alerts:col.status"),
        value: (a) => (a.disposal ? label("status", a.disposal.status) : "") },
      { key: "assignee", label: t("alerts:col.assignee"),
        value: (a) => (a.disposal && a.disposal.assignee) || "" },
    ],
    empty: t("alerts:empty"),
    order: "detectedOn",
    source: connection((v) => strict(PAGE, v), "riskAlerts", (filter, order) => ({
      filter: { ...filter, includeCleared: Boolean(filter.includeCleared) },
      orderBy: order || "DETECTED_ON_DESC" })),
  });
}

async function findAlert(id) {
  let after = null;
  for (let seen = 0; seen < FIND_CAP;) {
    const data = await strict(PAGE, { first: 500, after, filter: { includeCleared: true } });
    const page = data.riskAlerts;
    const found = page.edges.find((e) => e.node.id === id);
    if (found) return found.node;
    seen += page.edges.length;
    if (!page.pageInfo.hasNextPage) return null;
    after = page.pageInfo.endCursor;
  }
  return null;
}

function facts(rows) {
  return h("dl", { class: "facts" }, rows.filter(([, value]) => value !== null && value !== "")
    .flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function history(alert) {
  const steps = alert.disposal.steps;
  if (!steps.length) return h("p", { class: "hint" }, t("alerts:history.none"));
  return h("ol", { class: "history", id: "disposal-history" }, steps.map((s) => h("li",
    { dataset: { action: s.action } },
    h("strong", {}, label("action", s.action)), " · ", s.by, " · ",
    h("time", { datetime: s.at }, dateTime(s.at)),
    s.assignee ? [" · ", t("alerts:history.assignee", { assignee: s.assignee })] : null,
    s.result ? [" · ", label("result", s.result)] : null,
    s.note ? h("p", { class: "note" }, s.note) : null)));
}

/** One action's form: its fields, a submit button and an inline error; `run(form)` -> alert. */
function actionForm(name, fields, run, redraw) {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const form = h("form", { class: `disposal-action action-${name}`, id: `action-${name}`,
    "aria-labelledby": `action-${name}-title` },
  h("h3", { id: `action-${name}-title` }, t(`alerts:action.${name}.title`)),
  fields, error,
  h("button", { type: "submit", class: "primary" }, t(`alerts:action.${name}.submit`)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    error.hidden = true;
    try {
      const alert = await run(form);
      notify(t(`alerts:action.${name}.done`), "info");
      redraw(alert);
    } catch (failure) {
      error.textContent = errorText(failure);
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function field(id, label, control) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function actions(alert, redraw) {
  const allowed = ACTIONS[alert.disposal.status] || [];
  if (!allowed.length) return h("p", { class: "hint", id: "disposal-closed" }, t("alerts:closedHint"));
  const forms = [];
  if (allowed.includes("assign")) {
    forms.push(actionForm("assign", [
      field("assign-assignee", t("alerts:action.assign.assignee"),
        h("input", { id: "assign-assignee", name: "assignee", required: true,
          value: alert.disposal.assignee || "" })),
      field("assign-note", t("alerts:action.note"),
        h("textarea", { id: "assign-note", name: "note", rows: 2 })),
    ], (form) => strict(ASSIGN, { id: alert.id, assignee: form.elements.assignee.value.trim(),
      note: form.elements.note.value.trim() }).then((d) => d.assignRiskAlert), redraw));
  }
  if (allowed.includes("verify")) {
    forms.push(actionForm("verify", [
      field("verify-note", t("alerts:action.verify.note"),
        h("textarea", { id: "verify-note", name: "note", rows: 3, required: true })),
    ], (form) => strict(VERIFY, { id: alert.id, note: form.elements.note.value.trim() })
      .then((d) => d.recordRiskAlertVerification), redraw));
  }
  if (allowed.includes("close")) {
    forms.push(actionForm("close", [
      field("close-result", t("alerts:action.close.result"),
        h("select", { id: "close-result", name: "result", required: true },
          h("option", { value: "" }, t("alerts:action.close.choose")),
          RESULTS.map((r) => h("option", { value: r }, label("result", r))))),
      field("close-note", t("alerts:action.note"),
        h("textarea", { id: "close-note", name: "note", rows: 3, required: true })),
    ], (form) => strict(CLOSE, { id: alert.id, result: form.elements.result.value,
      note: form.elements.note.value.trim() }).then((d) => d.closeRiskAlert), redraw));
  }
  return h("div", { class: "disposal-actions" }, forms);
}

function detail(root, alert) {
  const redraw = (updated) => { root.replaceChildren(); detail(root, updated); };
  const d = alert.disposal;
  root.append(
    h("p", {}, h("a", { href: "#/alerts", class: "back" }, t("alerts:back"))),
    h("h1", { id: "alert-title" }, t("alerts:detailTitle", { id: alert.id })),
    h("section", { class: "alert-detail", "aria-labelledby": "alert-title" },
      facts([
        [t("alerts:col.kind"), te("riskKind", alert.kind)],
        [t("alerts:col.severity"), te("severity", alert.severity)],
        [t("alerts:field.reason"), alert.reason],
        [t("alerts:col.subjects"), h("span", {}, alert.subjects.flatMap((u, i) =>
          [i ? "、" : "", reportLink(u)]))],
        [t("alerts:field.evidence"), alert.evidence.join("、")],
        [t("alerts:field.basis"), alert.basis],
        [t("alerts:col.zones"), alert.zones.map((z) => te("zone", z)).join("、")],
        [t("alerts:col.detectedOn"), date(alert.detectedOn)],
        [t("alerts:col.lastSeenOn"), date(alert.lastSeenOn)],
        [t("alerts:field.clearedOn"), alert.clearedOn ? date(alert.clearedOn) : null],
      ])),
    h("section", { class: "disposal", "aria-labelledby": "disposal-title" },
      h("h2", { id: "disposal-title" }, t("alerts:disposal")),
      facts([
        [t("alerts:col.status"), h("span", { id: "disposal-status", dataset: { status: d.status } },
          label("status", d.status))],
        [t("alerts:col.assignee"), d.assignee || null],
        [t("alerts:field.result"), d.result ? label("result", d.result) : null],
      ]),
      h("h3", {}, t("alerts:history.title")), history(alert),
      actions(alert, redraw)));
}

export default {
  route: "alerts",
  nav: "common:nav.alerts",
  kinds: ["regulator", "admin"], // risk:read (auth/catalog.json): supervisors only
  async render(root, params) {
    if (params[0]) {
      const alert = await findAlert(params[0]);
      if (!alert) {
        root.append(h("p", {}, h("a", { href: "#/alerts", class: "back" }, t("alerts:back"))),
          h("p", { class: "error", role: "alert" }, t("alerts:notFound", { id: params[0] })));
        return;
      }
      detail(root, alert);
      return;
    }
    root.append(h("h1", {}, t("alerts:title")), h("p", { class: "hint" }, t("alerts:explain")));
    const table = alertTable();
    root.append(table.element);
    await table.reload();
  },
};
