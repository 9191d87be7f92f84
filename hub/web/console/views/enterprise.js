// `#/enterprise`: an enterprise's own page. It decides who may read its data (consents to banks
// and insurers: grant, revoke), disputes the records held against it (objections), applies for
// the credit repair of its penalties, and reads who read its data (its access log, paged by
// afterSeq). The enterprise is the token's institution (its USCC); the hub keeps it to itself.

import { h, notify } from "../shell.js";
import { t, te, date, dateTime } from "../i18n.js";
import { strict, errorText } from "../api.js";
import { session } from "../session.js";
import { createTable, wholeList } from "../table.js";

const PURPOSES = ["WORKING_CAPITAL", "TAX_REFUND_ADVANCE", "RECEIVABLES", "WAREHOUSE_RECEIPT",
  "CREDIT_INSURANCE"];
const CONSENT_SCOPES = ["enterprise:read", "credit:read", "financing:read"];

const CONSENTS = `{ myConsents(includeEnded: true) { id institution purpose scopes grantedAt
  expiresAt revokedAt active } }`;
const GRANT = `mutation ($institution: String!, $purpose: ConsentPurpose!, $scopes: [String!]!,
  $expiresAt: DateTime!) { grantConsent(institution: $institution, purpose: $purpose,
  scopes: $scopes, expiresAt: $expiresAt) { id } }`;
const REVOKE = "mutation ($id: String!) { revokeConsent(id: $id) { id revokedAt } }";
const OBJECTIONS = `{ myObjections { id recordId recordKind department reason filedAt status
  resolvedOn resolution } }`;
const FILE_OBJECTION = `mutation ($recordId: String!, $reason: String!) {
  fileObjection(recordId: $recordId, reason: $reason) { id status } }`;
const REPAIRS = `{ myRepairApplications { id recordId department correction commitment filedAt
  status eligibleFrom decidedOn decision } }`;
const APPLY = `mutation ($recordId: String!, $correction: String!, $commitment: String!) {
  applyForRepair(recordId: $recordId, correction: $correction, commitment: $commitment) {
    id status } }`;
const RECORDS = `query ($uscc: String!) { enterprise(uscc: $uscc) { name
  penalties { id department caseNo decidedOn amountCny }
  listEntries { id list department listedOn }
  classifications { id department scheme value effectiveFrom } } }`;
const ACCESS_LOG = `query ($first: Int, $afterSeq: Int) { myAccessLog(first: $first,
  afterSeq: $afterSeq) { seq at clientId kind institution operation purpose outcome fields } }`;

function consentState(c) {
  if (c.revokedAt) return t("enterprise:consent.revoked", { at: dateTime(c.revokedAt) });
  return c.active ? t("enterprise:consent.active") : t("enterprise:consent.expired");
}

/** A small form with its own inline error; `run(form)` does the work, `done()` afterwards. */
function form(id, title, fields, submit, run, done) {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const el = h("form", { id, class: "self-form", "aria-labelledby": `${id}-title` },
    h("h3", { id: `${id}-title` }, title), fields, error,
    h("button", { type: "submit", class: "primary" }, submit));
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = el.querySelector("button[type=submit]");
    button.disabled = true;
    error.hidden = true;
    try {
      await run(el);
      el.reset();
      await done();
    } catch (failure) {
      error.textContent = errorText(failure);
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

function field(id, label, control) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function defaultExpiry() {
  const until = new Date();
  until.setUTCDate(until.getUTCDate() + 180);
  return until.toISOString().slice(0, 10);
}

function consentSection() {
  const table = createTable({
    id: "consent-table",
    caption: t("enterprise:consent.title"),
    csvName: "consents.csv",
    columns: [
      { key: "institution", label: t("enterprise:consent.institution"), value: (c) => c.institution },
      { key: "purpose", label: t("enterprise:consent.purpose"),
        value: (c) => te("ConsentPurpose", c.purpose) },
      { key: "scopes", label: t("enterprise:consent.scopes"),
        value: (c) => c.scopes.map((s) => t(`enterprise:scope.${s.replace(":", "_")}`,
          { defaultValue: s })).join("、") },
      { key: "grantedAt", label: t("enterprise:consent.grantedAt"),
        value: (c) => dateTime(c.grantedAt), sort: (c) => c.grantedAt },
      { key: "expiresAt", label: t("enterprise:consent.expiresAt"),
        value: (c) => dateTime(c.expiresAt), sort: (c) => c.expiresAt },
      { key: "state", label: t("enterprise:consent.state"), value: consentState },
      { key: "revoke", label: t("enterprise:consent.action"), value: () => "",
        cell: (c) => (c.active ? h("button", { type: "button", class: "revoke",
          dataset: { id: c.id }, "aria-label": t("enterprise:consent.revokeOne",
            { institution: c.institution }),
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              await strict(REVOKE, { id: c.id });
              notify(t("enterprise:consent.revokedDone", { institution: c.institution }), "info");
              await table.reload();
            } catch (failure) {
              notify(errorText(failure));
              event.target.disabled = false;
            }
          } }, t("enterprise:consent.revoke")) : "") },
    ],
    empty: t("enterprise:consent.empty"),
    source: wholeList(async () => (await strict(CONSENTS)).myConsents),
  });
  const grant = form("grant-consent", t("enterprise:consent.grant"), [
    field("grant-institution", t("enterprise:consent.institution"),
      h("input", { id: "grant-institution", name: "institution", required: true })),
    field("grant-purpose", t("enterprise:consent.purpose"),
      h("select", { id: "grant-purpose", name: "purpose", required: true },
        PURPOSES.map((p) => h("option", { value: p }, te("ConsentPurpose", p))))),
    h("fieldset", { class: "scopes" }, h("legend", {}, t("enterprise:consent.scopes")),
      CONSENT_SCOPES.map((s) => h("label", {}, h("input", { type: "checkbox", name: "scope",
        value: s, checked: s !== "financing:read" }),
      t(`enterprise:scope.${s.replace(":", "_")}`)))),
    field("grant-expires", t("enterprise:consent.expiresOn"),
      h("input", { id: "grant-expires", name: "expires", type: "date", required: true,
        value: defaultExpiry() })),
    h("p", { class: "hint" }, t("enterprise:consent.expiryHint")),
  ], t("enterprise:consent.grantSubmit"), async (el) => {
    const scopes = [...el.querySelectorAll("input[name=scope]:checked")].map((i) => i.value);
    await strict(GRANT, { institution: el.elements.institution.value.trim(),
      purpose: el.elements.purpose.value, scopes,
      // the consent runs to the end of the chosen day, China time
      expiresAt: `${el.elements.expires.value}T23:59:59+08:00` });
    notify(t("enterprise:consent.granted"), "info");
  }, () => table.reload());
  return { element: h("section", { id: "consents", "aria-labelledby": "consents-title" },
    h("h2", { id: "consents-title" }, t("enterprise:consent.title")),
    h("p", { class: "hint" }, t("enterprise:consent.explain")), table.element, grant),
  reload: table.reload };
}

function recordOptions(records, withClassifications) {
  if (!records) return [];
  const options = [];
  for (const p of records.penalties || []) {
    options.push(h("option", { value: p.id }, t("enterprise:record.penalty", {
      department: te("department", p.department), caseNo: p.caseNo, date: date(p.decidedOn) })));
  }
  if (!withClassifications) return options;
  for (const l of records.listEntries || []) {
    options.push(h("option", { value: l.id }, t("enterprise:record.listEntry", {
      list: te("ListKind", l.list), department: te("department", l.department),
      date: date(l.listedOn) })));
  }
  for (const c of records.classifications || []) {
    options.push(h("option", { value: c.id }, t("enterprise:record.classification", {
      department: te("department", c.department), scheme: te("ClassificationScheme", c.scheme),
      value: te(`classificationValue.${c.scheme}`, c.value), date: date(c.effectiveFrom) })));
  }
  return options;
}

function objectionSection(records) {
  const table = createTable({
    id: "objection-table",
    caption: t("enterprise:objection.title"),
    csvName: "objections.csv",
    columns: [
      { key: "record", label: t("enterprise:objection.record"),
        value: (o) => `${t(`lists:recordKind.${o.recordKind}`, { defaultValue: o.recordKind })} ${o.recordId}` },
      { key: "department", label: t("lists:col.department"),
        value: (o) => te("department", o.department) },
      { key: "reason", label: t("enterprise:objection.reason"), value: (o) => o.reason },
      { key: "filedAt", label: t("lists:col.filedAt"), value: (o) => dateTime(o.filedAt),
        sort: (o) => o.filedAt },
      { key: "status", label: t("lists:col.status"), value: (o) => te("ObjectionStatus", o.status) },
      { key: "resolution", label: t("lists:col.resolution"),
        value: (o) => [o.resolvedOn ? date(o.resolvedOn) : "", o.resolution || ""]
          .filter(Boolean).join(" ") },
    ],
    empty: t("enterprise:objection.empty"),
    source: wholeList(async () => (await strict(OBJECTIONS)).myObjections),
  });
  const options = recordOptions(records, true);
  const file = options.length ? form("file-objection", t("enterprise:objection.file"), [
    field("objection-record", t("enterprise:objection.record"),
      h("select", { id: "objection-record", name: "record", required: true }, options)),
    field("objection-reason", t("enterprise:objection.reason"),
      h("textarea", { id: "objection-reason", name: "reason", rows: 3, required: true })),
  ], t("enterprise:objection.submit"), async (el) => {
    await strict(FILE_OBJECTION, { recordId: el.elements.record.value,
      reason: el.elements.reason.value.trim() });
    notify(t("enterprise:objection.filed"), "info");
  }, () => table.reload()) : h("p", { class: "hint" }, t("enterprise:objection.nothing"));
  return { element: h("section", { id: "objections", "aria-labelledby": "objections-title" },
    h("h2", { id: "objections-title" }, t("enterprise:objection.title")), table.element, file),
  reload: table.reload };
}

function repairSection(records) {
  const table = createTable({
    id: "repair-table",
    caption: t("enterprise:repair.title"),
    csvName: "repair-applications.csv",
    columns: [
      { key: "record", label: t("enterprise:repair.penalty"), value: (r) => r.recordId },
      { key: "department", label: t("lists:col.department"),
        value: (r) => te("department", r.department) },
      { key: "filedAt", label: t("lists:col.filedAt"), value: (r) => dateTime(r.filedAt),
        sort: (r) => r.filedAt },
      { key: "eligibleFrom", label: t("lists:col.eligibleFrom"),
        value: (r) => date(r.eligibleFrom), sort: (r) => r.eligibleFrom },
      { key: "status", label: t("lists:col.status"), value: (r) => te("RepairStatus", r.status) },
      { key: "decision", label: t("lists:col.decision"),
        value: (r) => [r.decidedOn ? date(r.decidedOn) : "", r.decision || ""]
          .filter(Boolean).join(" ") },
    ],
    empty: t("enterprise:repair.empty"),
    source: wholeList(async () => (await strict(REPAIRS)).myRepairApplications),
  });
  const options = recordOptions(records, false);
  const apply = options.length ? form("apply-repair", t("enterprise:repair.apply"), [
    field("repair-record", t("enterprise:repair.penalty"),
      h("select", { id: "repair-record", name: "record", required: true }, options)),
    field("repair-correction", t("enterprise:repair.correction"),
      h("textarea", { id: "repair-correction", name: "correction", rows: 3, required: true })),
    field("repair-commitment", t("enterprise:repair.commitment"),
      h("textarea", { id: "repair-commitment", name: "commitment", rows: 3, required: true })),
  ], t("enterprise:repair.submit"), async (el) => {
    await strict(APPLY, { recordId: el.elements.record.value,
      correction: el.elements.correction.value.trim(),
      commitment: el.elements.commitment.value.trim() });
    notify(t("enterprise:repair.applied"), "info");
  }, () => table.reload()) : h("p", { class: "hint" }, t("enterprise:repair.nothing"));
  return { element: h("section", { id: "repairs", "aria-labelledby": "repairs-title" },
    h("h2", { id: "repairs-title" }, t("enterprise:repair.title")),
    h("p", { class: "hint" }, t("enterprise:repair.explain")), table.element, apply),
  reload: table.reload };
}

function accessLogSection() {
  const table = createTable({
    id: "access-log-table",
    caption: t("enterprise:log.title"),
    csvName: "access-log.csv",
    exportPageSize: 199,
    columns: [
      { key: "at", label: t("enterprise:log.at"), value: (e) => dateTime(e.at), sort: (e) => e.seq },
      { key: "who", label: t("enterprise:log.who"),
        value: (e) => [te("kind", e.kind), e.institution || e.clientId].join(" ") },
      { key: "operation", label: t("enterprise:log.operation"), value: (e) => e.operation },
      { key: "fields", label: t("enterprise:log.fields"), value: (e) => e.fields.join("、") },
      { key: "purpose", label: t("enterprise:log.purpose"),
        value: (e) => (e.purpose ? te("purpose", e.purpose) : "") },
      { key: "outcome", label: t("enterprise:log.outcome"),
        value: (e) => t(`enterprise:outcome.${e.outcome}`, { defaultValue: e.outcome }) },
    ],
    empty: t("enterprise:log.empty"),
    // newest first; the next page is the entries before the last seq shown
    source: async ({ first, after }) => {
      const rows = (await strict(ACCESS_LOG, { first: first + 1,
        afterSeq: after ? Number(after) : null })).myAccessLog || [];
      const shown = rows.slice(0, first);
      return { rows: shown, total: null, hasNext: rows.length > first,
        endCursor: shown.length ? String(shown[shown.length - 1].seq) : null };
    },
  });
  return { element: h("section", { id: "access-log", "aria-labelledby": "access-log-title" },
    h("h2", { id: "access-log-title" }, t("enterprise:log.title")),
    h("p", { class: "hint" }, t("enterprise:log.explain")), table.element),
  reload: table.reload };
}

export default {
  route: "enterprise",
  nav: "common:nav.enterprise",
  kinds: ["enterprise"],
  async render(root) {
    const uscc = (session.claims() || {}).institution;
    let records = null;
    let recordsError = null;
    try {
      records = uscc ? (await strict(RECORDS, { uscc })).enterprise : null;
    } catch (failure) {
      recordsError = failure;
    }
    root.append(h("h1", {}, t("enterprise:title", { name: (records && records.name) || uscc || "" })));
    if (recordsError) root.append(h("p", { class: "error", role: "alert" }, errorText(recordsError)));
    const sections = [consentSection(), objectionSection(records), repairSection(records),
      accessLogSection()];
    root.append(h("nav", { class: "section-links", "aria-label": t("enterprise:sections") },
      ["consents", "objections", "repairs", "access-log"].map((id) => h("a", { href: `#${id}`,
        onclick: (event) => { event.preventDefault(); document.getElementById(id).scrollIntoView(); } },
      t(`enterprise:section.${id}`)))), ...sections.map((s) => s.element));
    await Promise.all(sections.map((s) => s.reload()));
  },
};
