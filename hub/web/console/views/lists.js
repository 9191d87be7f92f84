// `#/lists[/<tab>]`: the joint punishment and incentive lists (jointPunishmentList,
// jointIncentiveList) and, for whoever may read them, the departments' queues of objections and
// repair applications. Each tab is one table (table.js): filters go to the hub, pages come from
// the hub with its total, and each subject links to its credit report.

import { h, navigate } from "../shell.js";
import { t, te, date, dateTime } from "../i18n.js";
import { strict } from "../api.js";
import { session } from "../session.js";
import { createTable, connection } from "../table.js";

const LIST_KINDS = ["SERIOUS_DISHONESTY", "CUSTOMS_DISHONEST", "TAX_MAJOR_VIOLATION",
  "COURT_DISHONEST_DEBTOR", "SAFE_CLASS_C", "ABNORMAL_OPERATION", "RED_LIST"];
export const DEPARTMENTS = ["CUSTOMS", "TAX", "SAFE", "COMMERCE", "SAMR", "COURT", "BANK",
  "LOGISTICS", "ZONE_ADMIN"];
const OBJECTION_STATUSES = ["PENDING", "UPHELD", "CORRECTED", "REMOVED"];
const REPAIR_STATUSES = ["PENDING", "GRANTED", "REFUSED"];

const ROW = `id list cause department subjectType uscc enterpriseName subjectRole relation zone
  depth validFrom validUntil person { name idMasked @include(if: $pii) personKey @include(if: $pii) }
  measures { department items { measure basis } }`;

const JOINT = (field) => `query ($first: Int, $after: String, $filter: JointListFilter,
  $pii: Boolean = false) {
  ${field}(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${ROW} } } } }`;

const OBJECTIONS = `query ($first: Int, $after: String, $status: ObjectionStatus!,
  $department: Department) {
  objections(first: $first, after: $after, status: $status, department: $department) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id recordId recordKind department uscc reason filedAt status resolvedOn
      resolution } } } }`;

const REPAIRS = `query ($first: Int, $after: String, $status: RepairStatus!,
  $department: Department) {
  repairApplications(first: $first, after: $after, status: $status, department: $department) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id recordId department uscc correction commitment filedAt status
      eligibleFrom decidedOn decision } } } }`;

function scopes() {
  const claims = session.claims() || {};
  return new Set(String(claims.scope || "").split(" ").filter(Boolean));
}

/** The tabs this user may open: the queues for the departments and supervisors (penalties:read;
 * banks, insurers and the public have no queue), not for an enterprise (it has its own page). */
function tabs() {
  const mine = [{ key: "punishment", label: t("lists:tabs.punishment") },
    { key: "incentive", label: t("lists:tabs.incentive") }];
  if (session.kind() === "enterprise" || !scopes().has("penalties:read")) return mine;
  mine.push({ key: "objections", label: t("lists:tabs.objections") },
    { key: "repairs", label: t("lists:tabs.repairs") });
  return mine;
}

/** The zones the catalogue names (enums:zoneShort), for a zone filter. */
export function zoneOptions() {
  const zones = (i18next.getResource(i18next.language, "enums", "zoneShort")) || {};
  return Object.keys(zones).map((z) => ({ value: z, label: te("zoneShort", z) }));
}

export function reportLink(uscc, text) {
  if (!uscc) return text || "";
  return h("a", { href: `#/report/${encodeURIComponent(uscc)}` }, text || uscc);
}

function subjectText(row) {
  if (row.subjectType === "PERSON" && row.person) {
    return row.person.idMasked ? `${row.person.name}（${row.person.idMasked}）` : row.person.name;
  }
  return row.enterpriseName || row.uscc || "";
}

function measuresText(row) {
  return row.measures.map((m) => `${te("department", m.department)}：${
    m.items.map((i) => te("measure", i.measure)).join("；")}`).join("\n");
}

function measuresCell(row) {
  if (!row.measures.length) return "";
  return h("ul", { class: "measures" }, row.measures.map((m) => h("li", {},
    h("strong", {}, te("department", m.department)), "：",
    m.items.map((i) => te("measure", i.measure)).join("；"))));
}

function jointTable(field, incentive) {
  const listOptions = (incentive ? ["RED_LIST"] : LIST_KINDS.filter((k) => k !== "RED_LIST"))
    .map((k) => ({ value: k, label: te("ListKind", k) }));
  return createTable({
    id: `${field}-table`,
    caption: incentive ? t("lists:tabs.incentive") : t("lists:tabs.punishment"),
    csvName: incentive ? "joint-incentive-list.csv" : "joint-punishment-list.csv",
    filters: [
      { key: "list", label: t("lists:filter.list"), type: "select", options: listOptions },
      { key: "department", label: t("lists:filter.department"), type: "select",
        options: DEPARTMENTS.map((d) => ({ value: d, label: te("department", d) })) },
      { key: "subjectType", label: t("lists:filter.subjectType"), type: "select",
        options: ["ENTERPRISE", "PERSON"].map((s) => ({ value: s, label: te("SubjectType", s) })) },
      { key: "zone", label: t("lists:filter.zone"), type: "select", options: zoneOptions() },
    ],
    columns: [
      { key: "subject", label: t("lists:col.subject"), value: subjectText,
        cell: (row) => (row.subjectType === "ENTERPRISE" ? reportLink(row.uscc, subjectText(row))
          : subjectText(row)) },
      { key: "uscc", label: t("lists:col.uscc"), value: (row) => row.uscc || "",
        cell: (row) => reportLink(row.uscc) },
      { key: "list", label: t("lists:col.list"), value: (row) => te("ListKind", row.list) },
      { key: "relation", label: t("lists:col.relation"),
        // the listed enterprise's relation only restates the list; a covered one's says how
        value: (row) => te("subjectRole", row.subjectRole)
          + (row.subjectRole !== "ENTERPRISE" && row.relation ? ` — ${row.relation}` : "") },
      { key: "validFrom", label: t("lists:col.validFrom"), value: (row) => date(row.validFrom),
        sort: (row) => row.validFrom || "" },
      { key: "validUntil", label: t("lists:col.validUntil"),
        value: (row) => (row.validUntil ? date(row.validUntil) : t("lists:open")),
        sort: (row) => row.validUntil || "9999" },
      { key: "measures", label: t("lists:col.measures"), value: measuresText,
        cell: measuresCell },
    ],
    empty: t("lists:empty"),
    source: connection((v) => strict(JOINT(field), { ...v, pii: session.has("pii:read") }), field, (filter) => ({
      filter: Object.keys(filter).length ? filter : null })),
  });
}

function objectionTable() {
  return createTable({
    id: "objections-table",
    caption: t("lists:tabs.objections"),
    csvName: "objections.csv",
    pageSize: 50,
    filters: [
      { key: "status", label: t("lists:filter.status"), type: "select", value: "PENDING",
        options: OBJECTION_STATUSES.map((s) => ({ value: s, label: te("ObjectionStatus", s) })) },
      { key: "department", label: t("lists:filter.department"), type: "select",
        options: DEPARTMENTS.map((d) => ({ value: d, label: te("department", d) })) },
    ],
    columns: [
      { key: "uscc", label: t("lists:col.uscc"), value: (r) => r.uscc,
        cell: (r) => reportLink(r.uscc) },
      { key: "record", label: t("lists:col.record"),
        value: (r) => `${t(`lists:recordKind.${r.recordKind}`, { defaultValue: r.recordKind })} ${r.recordId}` },
      { key: "department", label: t("lists:col.department"),
        value: (r) => te("department", r.department) },
      { key: "reason", label: t("lists:col.reason"), value: (r) => r.reason },
      { key: "filedAt", label: t("lists:col.filedAt"), value: (r) => dateTime(r.filedAt),
        sort: (r) => r.filedAt },
      { key: "status", label: t("lists:col.status"), value: (r) => te("ObjectionStatus", r.status) },
      { key: "resolution", label: t("lists:col.resolution"),
        value: (r) => [r.resolvedOn ? date(r.resolvedOn) : "", r.resolution || ""]
          .filter(Boolean).join(" ") },
    ],
    source: connection((v) => strict(OBJECTIONS, v), "objections", (filter) => ({
      status: filter.status || "PENDING", department: filter.department || null })),
  });
}

function repairTable() {
  return createTable({
    id: "repairs-table",
    caption: t("lists:tabs.repairs"),
    csvName: "repair-applications.csv",
    filters: [
      { key: "status", label: t("lists:filter.status"), type: "select", value: "PENDING",
        options: REPAIR_STATUSES.map((s) => ({ value: s, label: te("RepairStatus", s) })) },
      { key: "department", label: t("lists:filter.department"), type: "select",
        options: DEPARTMENTS.map((d) => ({ value: d, label: te("department", d) })) },
    ],
    columns: [
      { key: "uscc", label: t("lists:col.uscc"), value: (r) => r.uscc,
        cell: (r) => reportLink(r.uscc) },
      { key: "record", label: t("lists:col.record"), value: (r) => r.recordId },
      { key: "department", label: t("lists:col.department"),
        value: (r) => te("department", r.department) },
      { key: "correction", label: t("lists:col.correction"), value: (r) => r.correction },
      { key: "commitment", label: t("lists:col.commitment"), value: (r) => r.commitment },
      { key: "eligibleFrom", label: t("lists:col.eligibleFrom"),
        value: (r) => date(r.eligibleFrom), sort: (r) => r.eligibleFrom },
      { key: "filedAt", label: t("lists:col.filedAt"), value: (r) => dateTime(r.filedAt),
        sort: (r) => r.filedAt },
      { key: "status", label: t("lists:col.status"), value: (r) => te("RepairStatus", r.status) },
      { key: "decision", label: t("lists:col.decision"),
        value: (r) => [r.decidedOn ? date(r.decidedOn) : "", r.decision || ""]
          .filter(Boolean).join(" ") },
    ],
    source: connection((v) => strict(REPAIRS, v), "repairApplications", (filter) => ({
      status: filter.status || "PENDING", department: filter.department || null })),
  });
}

const BUILD = {
  punishment: () => jointTable("jointPunishmentList", false),
  incentive: () => jointTable("jointIncentiveList", true),
  objections: objectionTable,
  repairs: repairTable,
};

export default {
  route: "lists",
  nav: "common:nav.lists",
  kinds: null,
  async render(root, params) {
    const available = tabs();
    const current = available.find((tab) => tab.key === params[0]) || available[0];
    const panelId = "lists-panel";
    root.append(h("h1", {}, t("lists:title")),
      h("div", { class: "tabs", role: "tablist", "aria-label": t("lists:title") },
        available.map((tab) => h("a", { href: `#/lists/${tab.key}`, role: "tab",
          id: `tab-${tab.key}`, "aria-controls": panelId,
          "aria-selected": String(tab === current), tabindex: tab === current ? "0" : "-1",
          onkeydown: (event) => {
            const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
            if (!step) return;
            const i = (available.indexOf(tab) + step + available.length) % available.length;
            navigate("lists", available[i].key);
          } }, tab.label))));
    const table = BUILD[current.key]();
    root.append(h("div", { id: panelId, role: "tabpanel", "aria-labelledby": `tab-${current.key}` },
      table.element));
    await table.reload();
  },
};
