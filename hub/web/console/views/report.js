// The credit report: one page per enterprise that an officer can print and file (`#/report/<uscc>`).
// It reads the hub in a few independent requests (registry, credit, measures, trade, repairs) so
// that what the caller may not read leaves out one section, with a note saying so, never the page.
// Every label comes from the `report` namespace, enum values through te(), money and dates through
// the i18n formatters; evidence ids link to the row of the report that holds the record.

import { h, navigate } from "../shell.js";
import { t, te, language, money, moneyShort, date, dateTime, number } from "../i18n.js";
import { request, errorText, HubError } from "../api.js";
import { session } from "../session.js";

/** The department each signed-in kind acts for; `ALL` reads every department's measures. */
const ALL = "ALL";
const KIND_DEPARTMENT = {
  customs: "CUSTOMS", tax: "TAX", safe: "SAFE", commerce: "COMMERCE", samr: "SAMR",
  bank: "BANK", regulator: ALL, admin: ALL, enterprise: ALL,
};
const DEPARTMENTS = ["CUSTOMS", "TAX", "SAFE", "COMMERCE", "SAMR", "COURT", "BANK", "LOGISTICS",
  "ZONE_ADMIN"];
const REPAIR_STATUSES = ["PENDING", "GRANTED", "REFUSED"];

const REGISTRY = `query Registry($u: String!, $pii: Boolean = false) {
  enterprise(uscc: $u) {
    uscc name nameEn zone industryBelt registeredOn status
    legalRepresentative { person { name idMasked @include(if: $pii) } since }
    officers { person { name } role since until }
    shareholders { person { name } enterprise { uscc name } ratio since until }
    addresses { text since until }
    classifications { id department scheme value effectiveFrom effectiveTo source withdrawnOn
      objectionStatus }
    listEntries { id list department listedOn expiresOn removedOn reason basis withdrawnOn
      objectionStatus }
    penalties { id department caseNo severity amountCny decidedOn publicUntil repairedOn
      withdrawnOn objectionStatus }
  }
}`;

const STATUS = `query Status($u: String!, $name: String!) {
  verifyIdentity(uscc: $u, name: $name) { status statusSince asOf }
}`;

const CREDIT = `query Credit($u: String!) {
  creditProfile(uscc: $u) {
    asOf score grade gradeLabel forcedBy modelVersion base
    treatment { name measures }
    factors { code points reason basis evidence }
    statutoryMeasures { department trigger regime basis }
    objections { id recordId recordKind department reason filedAt status resolvedOn resolution }
    history(first: 60) { score grade asOf computedAt supersededAt modelVersion }
  }
  creditRecord(uscc: $u) {
    asOf
    penalties { id publicUntil basis }
    repairs { penaltyId caseNo department repairedOn applicationId decision }
  }
}`;

const MEASURE_FIELDS = `department asOf grade gradeLabel treatment
  statutory { measure basis scheme value regime trigger since }
  measures { kind list cause relation validUntil items { measure basis } }`;

const TRADE = `query Trade($u: String!) {
  enterprise(uscc: $u) {
    declarations(first: 1) { totalCount totalValueCny }
    returns(first: 1) { totalCount totalValueCny }
    exportReceipts(first: 1) { totalCount totalAmountCny }
    taxRefunds(first: 1) { totalCount totalAmountCny byStatus { status count amountCny } }
    orders(first: 1) { totalCount totalGoodsCny byMatchStatus { status count goodsCny }
      unmatchedByReason }
  }
  tradeReconciliation(uscc: $u, months: 12) {
    firstDay asOf
    refundsAgainstExports { exportedCny claimedCny paidCny refundRatio ceilingCny overCeilingCny
      question signals { kind severity reason } }
    refundsAgainstReceipts { receivedCny claimedCny paidCny refundRatio question }
    receiptsAgainstExports { exportedCny receivedCny countedCny collectionRatio question
      signals { kind severity reason } }
  }
}`;

const FINANCING = `query Financing($u: String!) {
  financingProfile(uscc: $u) {
    asOf purpose returnRate collectionRatio threeDocumentMatchRate
    exports { month valueCny declarations }
    exportReceipts { month valueCny receipts }
    refunds { claimedCny paidCny pendingCny rejectedCny }
    loans { current overdue default }
  }
}`;

const APPLICATION_FIELDS = `id recordId department uscc filedAt status eligibleFrom regime
  decidedOn decision`;

let charts = [];
const pendingDrawers = []; // chart drawers of the sections being built (see `section`)

// --- reading ---------------------------------------------------------------------------------

/** A request's answer, or `{ failure }` when the hub answered nothing for it. */
async function settle(query, variables) {
  try {
    return await request(query, variables);
  } catch (failure) {
    if (failure instanceof HubError && failure.code === "SESSION_EXPIRED") throw failure;
    return { data: {}, errors: [], failure };
  }
}

/** The first error about the field at exactly `path` (not one of its subfields). */
function errorAt(answer, ...path) {
  return (answer.errors || []).find((e) => e.path && e.path.length === path.length
    && path.every((part, i) => e.path[i] === part)) || null;
}

/**
 * The note standing for a section the caller may not read, or null when it may. `what` is a
 * report: key naming the section.
 */
function refusal(answer, what, ...path) {
  if (answer.failure) return note(errorText(answer.failure), "failed");
  const error = errorAt(answer, ...path);
  if (!error) return null;
  const ext = error.extensions || {};
  const name = t(`report:${what}`);
  if (ext.code === "FORBIDDEN" && ext.reason === "no_consent") {
    return note(t("report:refused.consent", { what: name }), "consent", what);
  }
  if (ext.code === "FORBIDDEN") return note(t("report:refused.scope", { what: name }), "scope", what);
  return note(`${name}: ${errorText(new HubError(ext.code || "UNEXPECTED"))}`, "failed", what);
}

function note(text, why, what) {
  return h("p", { class: "report-note", role: "note", dataset: { refused: why, section: what || "" } },
    text);
}

// --- formatting ------------------------------------------------------------------------------

function label(groups, value) {
  if (value === null || value === undefined || value === "") return "";
  for (const group of groups) {
    if (i18next.exists(`enums:${group}.${value}`)) return te(group, value);
  }
  return te(groups[0], value);
}

const dept = (v) => label(["Department", "department"], v);
const listKind = (v) => label(["ListKind", "listKind"], v);
const severity = (v) => label(["Severity", "severity"], v);
const scheme = (v) => label(["ClassificationScheme", "classificationScheme"], v);
const objectionStatus = (v) => label(["ObjectionStatus"], v);
const repairStatus = (v) => label(["RepairStatus"], v);
const status = (v) => label(["EnterpriseStatus", "registryStatus"], v);

function percent(ratio) {
  if (ratio === null || ratio === undefined) return t("report:none");
  return new Intl.NumberFormat(language(), { style: "percent", maximumFractionDigits: 1 })
    .format(Number(ratio));
}

function period(from, to) {
  if (!from && !to) return "";
  return t("report:period", { from: date(from) || "…", to: to ? date(to) : t("report:openEnded") });
}

function anchorId(id) {
  return `rec-${String(id).replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** A link to the row holding record `id`, scrolled to in place (the hash is the router's). */
function recordLink(id, known) {
  if (known.has(id)) {
    return h("a", { href: `#${anchorId(id)}`, class: "evidence", dataset: { evidence: id },
      onclick: (event) => {
        event.preventDefault();
        const row = document.getElementById(anchorId(id));
        row.scrollIntoView({ block: "center" });
        row.classList.add("flash");
        row.focus({ preventScroll: true });
      } }, id);
  }
  if (/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(id)) {
    return h("a", { href: `#/report/${encodeURIComponent(id)}`, class: "evidence" }, id);
  }
  return h("code", { class: "evidence" }, id);
}

function table(caption, headers, rows, attributes) {
  return h("table", { class: "report-table", ...(attributes || {}) },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows));
}

/** A section of the report; a function among `content` draws a chart once the page holds it. */
function section(id, titleKey, ...content) {
  const drawers = content.filter((c) => typeof c === "function");
  pendingDrawers.push(...drawers);
  return h("section", { id, class: "report-section", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, t(titleKey)),
    ...content.filter((c) => typeof c !== "function"));
}

function facts(pairs) {
  return h("dl", { class: "report-facts" }, pairs.filter(([, value]) => value !== null
    && value !== undefined && value !== "")
    .map(([key, value]) => h("div", {}, h("dt", {}, t(key)), h("dd", {}, value))));
}

function empty(key) {
  return h("p", { class: "report-empty" }, t(key));
}

function objectionText(record) {
  if (record.withdrawnOn) return t("report:withdrawn", { on: date(record.withdrawnOn) });
  if (record.objectionStatus) return t("report:objection", { status: objectionStatus(record.objectionStatus) });
  return "";
}

// --- sections --------------------------------------------------------------------------------

function holderCell(holding) {
  if (holding.person) return holding.person.name;
  // an enterprise holder the caller may not see (a bank without its consent) stays unnamed
  if (!holding.enterprise) return t("report:identity.hiddenHolder");
  return h("a", { href: `#/report/${encodeURIComponent(holding.enterprise.uscc)}` },
    holding.enterprise.name);
}

function identitySection(ent, verified) {
  const statusText = verified && verified.statusSince
    ? t("report:statusSince", { status: status(ent.status), since: date(verified.statusSince) })
    : status(ent.status);
  const rep = ent.legalRepresentative;
  const people = (list) => list.map((o) => h("li", {},
    t("report:officer", { name: o.person.name, role: label(["officerRole", "role"], o.role) }),
    o.since || o.until ? h("span", { class: "report-dates" }, ` ${period(o.since, o.until)}`) : null));
  return section("r-identity", "report:identity.title",
    facts([
      ["report:identity.name", ent.name],
      ["report:identity.nameEn", ent.nameEn],
      ["report:identity.uscc", h("span", { id: "r-uscc" }, ent.uscc)],
      ["report:identity.zone", label(["zone"], ent.zone)],
      ["report:identity.belt", ent.industryBelt],
      ["report:identity.status", h("span", { id: "r-status" }, statusText)],
      ["report:identity.registeredOn", date(ent.registeredOn)],
      ["report:identity.legalRep", rep ? h("span", { id: "r-legal-rep" }, rep.person.name,
        rep.person.idMasked ? ` (${rep.person.idMasked})` : "",
        rep.since ? ` ${t("report:since", { since: date(rep.since) })}` : "") : t("report:none")],
    ]),
    h("h3", {}, t("report:identity.officers")),
    ent.officers.length ? h("ul", { id: "r-officers" }, people(ent.officers))
      : empty("report:identity.noOfficers"),
    h("h3", {}, t("report:identity.shareholders")),
    ent.shareholders.length ? table(t("report:identity.shareholders"),
      [t("report:identity.holder"), t("report:identity.share"), t("report:identity.period")],
      ent.shareholders.map((s) => h("tr", {},
        h("td", {}, holderCell(s)),
        h("td", { class: "num" }, percent(s.ratio)),
        h("td", {}, period(s.since, s.until)))), { id: "r-shareholders" })
      : empty("report:identity.noShareholders"),
    h("h3", {}, t("report:identity.addresses")),
    ent.addresses.length ? h("ul", { id: "r-addresses" }, ent.addresses.map((a) => h("li", {},
      a.text, a.since || a.until ? h("span", { class: "report-dates" }, ` ${period(a.since, a.until)}`)
        : null)))
      : empty("report:identity.noAddresses"));
}

function classificationSection(registry, credit) {
  const refused = refusal(registry, "classifications.title", "enterprise", "classifications");
  if (refused) return section("r-classifications", "report:classifications.title", refused);
  const rows = registry.data.enterprise.classifications || [];
  const profile = credit.data.creditProfile;
  const regimes = new Map(((profile && profile.statutoryMeasures) || [])
    .map((m) => [m.trigger, m]));
  const byDept = [...rows].sort((a, b) => a.department.localeCompare(b.department)
    || String(b.effectiveFrom).localeCompare(String(a.effectiveFrom)));
  return section("r-classifications", "report:classifications.title",
    byDept.length ? table(t("report:classifications.title"),
      [t("report:col.department"), t("report:col.scheme"), t("report:col.value"),
        t("report:col.effective"), t("report:col.basis"), t("report:col.state")],
      byDept.map((c) => {
        const statutory = regimes.get(c.id);
        return h("tr", { id: anchorId(c.id), tabindex: "-1" },
          h("td", {}, dept(c.department)),
          h("td", {}, scheme(c.scheme)),
          h("td", {}, label([`classificationValue.${c.scheme}`], c.value)),
          h("td", {}, period(c.effectiveFrom, c.effectiveTo)),
          h("td", {}, statutory ? `${label(["regime"], statutory.regime)}: ${statutory.basis}`
            : t("report:classifications.source", { source: c.source })),
          h("td", {}, objectionText(c)));
      }), { id: "r-classification-table" })
      : empty("report:classifications.none"));
}

function gradeSection(credit, known) {
  const refused = refusal(credit, "grade.title", "creditProfile");
  if (refused) return section("r-grade", "report:grade.title", refused);
  const profile = credit.data.creditProfile;
  if (!profile) return section("r-grade", "report:grade.title", empty("report:grade.none"));
  const badge = h("div", { class: `grade-badge grade-${profile.grade}`, id: "r-grade-badge",
    role: "img", "aria-label": t("report:grade.aria", { grade: profile.gradeLabel }) },
  h("span", { class: "grade-letter" }, profile.grade),
  h("span", { class: "grade-label" }, profile.gradeLabel));
  const summary = facts([
    ["report:grade.score", number(profile.score)],
    ["report:grade.base", number(profile.base)],
    ["report:grade.forcedBy", profile.forcedBy ? label(["factor"], profile.forcedBy) : ""],
    ["report:grade.asOf", date(profile.asOf)],
    ["report:grade.model", profile.modelVersion],
    ["report:grade.treatment", label(["treatment"], profile.treatment.name)],
  ]);
  const content = [h("div", { class: "grade-head" }, badge, summary)];
  const factorsRefused = refusal(credit, "grade.factors", "creditProfile", "factors");
  if (factorsRefused) content.push(factorsRefused);
  else if (profile.factors && profile.factors.length) {
    const canvas = h("canvas", { id: "r-factor-chart", role: "img",
      "aria-label": t("report:grade.chartLabel") });
    content.push(h("div", { class: "report-chart",
      style: `height: ${Math.max(120, 34 * profile.factors.length + 40)}px` }, canvas));
    content.push(table(t("report:grade.factors"),
      [t("report:col.factor"), t("report:col.points"), t("report:col.reason"),
        t("report:col.basis"), t("report:col.evidence")],
      profile.factors.map((f) => h("tr", { dataset: { factor: f.code } },
        h("td", {}, label(["factor"], f.code)),
        h("td", { class: `num ${f.points < 0 ? "neg" : "pos"}` },
          f.points > 0 ? `+${number(f.points)}` : number(f.points)),
        h("td", {}, f.reason),
        h("td", { class: "basis" }, f.basis),
        h("td", {}, f.evidence.length ? f.evidence.flatMap((id) => [recordLink(id, known), " "])
          : t("report:none")))), { id: "r-factors" }));
    content.push(() => factorChart(canvas, profile.factors));
  } else content.push(empty("report:grade.noFactors"));
  return section("r-grade", "report:grade.title", ...content);
}

function factorChart(canvas, factors) {
  charts.push(new Chart(canvas, {
    type: "bar",
    data: {
      labels: factors.map((f) => label(["factor"], f.code)),
      datasets: [{ label: t("report:col.points"), data: factors.map((f) => f.points),
        backgroundColor: factors.map((f) => (f.points < 0 ? "#c0392b" : "#2e7d4f")) }],
    },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
      devicePixelRatio: 2, plugins: { legend: { display: false } } },
  }));
}

function listSection(registry, known) {
  const refused = refusal(registry, "lists.title", "enterprise", "listEntries");
  if (refused) return section("r-lists", "report:lists.title", refused);
  const rows = registry.data.enterprise.listEntries || [];
  return section("r-lists", "report:lists.title",
    rows.length ? table(t("report:lists.title"),
      [t("report:col.list"), t("report:col.department"), t("report:col.publicity"),
        t("report:col.reason"), t("report:col.basis"), t("report:col.state")],
      rows.map((e) => h("tr", { id: anchorId(e.id), tabindex: "-1", dataset: { record: e.id } },
        h("td", {}, listKind(e.list), h("div", { class: "record-id" }, e.id)),
        h("td", {}, dept(e.department)),
        h("td", {}, period(e.listedOn, e.removedOn || e.expiresOn)),
        h("td", {}, e.reason),
        h("td", { class: "basis" }, e.basis),
        h("td", {}, e.removedOn ? t("report:lists.removed", { on: date(e.removedOn) })
          : objectionText(e) || t("report:lists.inForce")))), { id: "r-list-table" })
      : empty("report:lists.none"));
}

function penaltySection(registry, credit, applications, known) {
  const refused = refusal(registry, "penalties.title", "enterprise", "penalties");
  if (refused) return section("r-penalties", "report:penalties.title", refused);
  const rows = registry.data.enterprise.penalties || [];
  const record = credit.data.creditRecord;
  const publicity = new Map(((record && record.penalties) || []).map((p) => [p.id, p]));
  const repairs = new Map(((record && record.repairs) || []).map((r) => [r.penaltyId, r]));
  const pending = new Map((applications || []).filter((a) => a.status === "PENDING")
    .map((a) => [a.recordId, a]));
  const repairText = (p) => {
    if (p.repairedOn) return t("report:penalties.repaired", { on: date(p.repairedOn) });
    if (repairs.has(p.id)) return t("report:penalties.repaired", { on: date(repairs.get(p.id).repairedOn) });
    if (pending.has(p.id)) return t("report:penalties.repairPending", { on: dateTime(pending.get(p.id).filedAt) });
    return t("report:penalties.notRepaired");
  };
  return section("r-penalties", "report:penalties.title",
    rows.length ? table(t("report:penalties.title"),
      [t("report:col.caseNo"), t("report:col.department"), t("report:col.severity"),
        t("report:col.amount"), t("report:col.decidedOn"), t("report:col.publicUntil"),
        t("report:col.repair"), t("report:col.state")],
      rows.map((p) => {
        const until = p.publicUntil || (publicity.get(p.id) || {}).publicUntil;
        const basis = (publicity.get(p.id) || {}).basis;
        return h("tr", { id: anchorId(p.id), tabindex: "-1", dataset: { record: p.id } },
          h("td", {}, p.caseNo, h("div", { class: "record-id" }, p.id)),
          h("td", {}, dept(p.department)),
          h("td", {}, severity(p.severity)),
          h("td", { class: "num" }, money(p.amountCny)),
          h("td", {}, date(p.decidedOn)),
          h("td", { class: "public-until" }, until ? date(until)
            : t(p.severity === "MINOR" ? "report:penalties.notPublished" : "report:none"),
          basis ? h("div", { class: "basis" }, basis) : null),
          h("td", { class: "repair" }, repairText(p)),
          h("td", {}, objectionText(p)));
      }), { id: "r-penalty-table" })
      : empty("report:penalties.none"));
}

function measureBlock(found) {
  const items = [];
  if (found.treatment && found.treatment.length) {
    items.push(h("h4", {}, t("report:measures.zoneServices")),
      h("ul", {}, found.treatment.map((m) => h("li", {}, label(["treatment", "measure"], m)))));
  }
  const rows = [
    ...found.statutory.map((s) => h("tr", {},
      h("td", {}, label(["measure"], s.measure)),
      h("td", { class: "basis" }, s.basis),
      h("td", {}, t("report:measures.byClassification", { scheme: scheme(s.scheme),
        value: label([`classificationValue.${s.scheme}`], s.value), since: date(s.since) })))),
    ...found.measures.flatMap((m) => m.items.map((item) => h("tr", {},
      h("td", {}, label(["measure"], item.measure)),
      h("td", { class: "basis" }, item.basis),
      h("td", {}, t(m.kind === "INCENTIVE" ? "report:measures.byIncentive"
        : "report:measures.byList", { list: listKind(m.list),
        until: m.validUntil ? date(m.validUntil) : t("report:openEnded") }))))),
  ];
  if (rows.length) {
    items.push(table(t("report:measures.title"),
      [t("report:col.measure"), t("report:col.basis"), t("report:col.cause")], rows,
      { dataset: { department: found.department } }));
  } else items.push(empty("report:measures.noneForDepartment"));
  return items;
}

function measuresSection(measures, department) {
  if (!department) {
    return section("r-measures", "report:measures.title",
      note(t("report:measures.noDepartment"), "scope", "measures.title"));
  }
  const names = department === ALL ? DEPARTMENTS : [department];
  const blocks = [];
  const refusedAll = names.every((d) => errorAt(measures, `m_${d}`)) || measures.failure;
  if (refusedAll) {
    return section("r-measures", "report:measures.title",
      refusal(measures, "measures.title", `m_${names[0]}`));
  }
  for (const name of names) {
    const found = measures.data[`m_${name}`];
    if (!found) continue;
    if (department === ALL && !found.statutory.length && !found.measures.length
      && !(found.treatment && found.treatment.length)) continue;
    blocks.push(h("div", { class: "measure-block", dataset: { department: name } },
      h("h3", {}, dept(name)), ...measureBlock(found)));
  }
  const intro = department === ALL ? t("report:measures.allDepartments")
    : t("report:measures.forDepartment", { department: dept(department) });
  return section("r-measures", "report:measures.title", h("p", {}, intro),
    ...(blocks.length ? blocks : [empty("report:measures.none")]));
}

function historySection(credit) {
  const refused = refusal(credit, "history.title", "creditProfile");
  if (refused) return section("r-history", "report:history.title", refused);
  const profile = credit.data.creditProfile;
  const history = profile ? [...profile.history].reverse() : [];
  if (!history.length) return section("r-history", "report:history.title", empty("report:history.none"));
  const canvas = h("canvas", { id: "r-history-chart", role: "img",
    "aria-label": t("report:history.chartLabel") });
  return section("r-history", "report:history.title",
    h("div", { class: "report-chart", style: "height: 220px" }, canvas),
    table(t("report:history.title"),
      [t("report:col.asOf"), t("report:col.grade"), t("report:col.score"),
        t("report:col.computedAt")],
      [...history].reverse().map((s) => h("tr", {},
        h("td", {}, date(s.asOf)), h("td", {}, s.grade), h("td", { class: "num" }, number(s.score)),
        h("td", {}, dateTime(s.computedAt)))), { id: "r-history-table" }),
    () => charts.push(new Chart(canvas, {
      type: "line",
      data: { labels: history.map((s) => date(s.asOf)),
        datasets: [{ label: t("report:col.score"), data: history.map((s) => s.score),
          borderColor: "#16325c", backgroundColor: "#16325c", stepped: true, pointRadius: 4 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        devicePixelRatio: 2, scales: { y: { suggestedMin: 0, suggestedMax: 100 } },
        plugins: { legend: { display: false }, tooltip: { callbacks: {
          afterLabel: (item) => t("report:history.gradeTip", { grade: history[item.dataIndex].grade }),
        } } } },
    })));
}

function objectionSection(credit, known) {
  const refused = refusal(credit, "objections.title", "creditProfile");
  if (refused) return section("r-objections", "report:objections.title", refused);
  const rows = (credit.data.creditProfile && credit.data.creditProfile.objections) || [];
  return section("r-objections", "report:objections.title",
    rows.length ? table(t("report:objections.title"),
      [t("report:col.record"), t("report:col.department"), t("report:col.reason"),
        t("report:col.filedAt"), t("report:col.state"), t("report:col.resolution")],
      rows.map((o) => h("tr", {},
        h("td", {}, label(["recordKind"], o.recordKind), " ", recordLink(o.recordId, known)),
        h("td", {}, dept(o.department)),
        h("td", {}, o.reason),
        h("td", {}, dateTime(o.filedAt)),
        h("td", {}, objectionStatus(o.status), o.resolvedOn ? ` ${date(o.resolvedOn)}` : ""),
        h("td", {}, o.resolution || ""))), { id: "r-objection-table" })
      : empty("report:objections.none"));
}

function repairSection(repairs, known) {
  if (repairs.skipped) {
    return section("r-repairs", "report:repairs.title",
      note(t("report:refused.scope", { what: t("report:repairs.title") }), "scope", "repairs.title"));
  }
  // the queue is read per status: refused when every status was
  const refusedAll = repairs.failure || (repairs.errors.length
    && repairs.errors.length >= repairs.asked);
  if (refusedAll) {
    const path = repairs.failure ? [] : [repairs.errors[0].path[0]];
    return section("r-repairs", "report:repairs.title", refusal(repairs, "repairs.title", ...path));
  }
  const rows = repairs.applications;
  return section("r-repairs", "report:repairs.title",
    rows.length ? table(t("report:repairs.title"),
      [t("report:col.record"), t("report:col.department"), t("report:col.filedAt"),
        t("report:col.eligibleFrom"), t("report:col.state"), t("report:col.decision")],
      rows.map((a) => h("tr", {},
        h("td", {}, recordLink(a.recordId, known)),
        h("td", {}, dept(a.department)),
        h("td", {}, dateTime(a.filedAt)),
        h("td", {}, date(a.eligibleFrom), h("div", { class: "basis" }, label(["regime"], a.regime))),
        h("td", {}, repairStatus(a.status), a.decidedOn ? ` ${date(a.decidedOn)}` : ""),
        h("td", {}, a.decision || ""))), { id: "r-repair-table" })
      : empty("report:repairs.none"));
}

function financingPart(financing) {
  const refused = refusal(financing, "trade.financing", "financingProfile");
  if (refused) return [refused];
  const fp = financing.data.financingProfile;
  if (!fp) {
    return [note(t("report:refused.consent", { what: t("report:trade.financing") }), "consent",
      "trade.financing")];
  }
  const sum = (rows) => rows.reduce((total, r) => total + Number(r.valueCny), 0);
  return [h("h3", {}, t("report:trade.financing")), facts([
    ["report:trade.purpose", te("purpose", fp.purpose)],
    ["report:trade.exports12", moneyShort(sum(fp.exports))],
    ["report:trade.receipts12", moneyShort(sum(fp.exportReceipts))],
    ["report:trade.collectionRatio", percent(fp.collectionRatio)],
    ["report:trade.returnRate", percent(fp.returnRate)],
    ["report:trade.matchRate", percent(fp.threeDocumentMatchRate)],
    ["report:trade.refundsClaimed", money(fp.refunds.claimedCny)],
    ["report:trade.refundsPaid", money(fp.refunds.paidCny)],
    ["report:trade.loans", t("report:trade.loanCounts", fp.loans)],
  ])];
}

const TRADE_TOTALS = [
  ["declarations", "trade.declarations", (c) => c.totalValueCny],
  ["returns", "trade.returns", (c) => c.totalValueCny],
  ["exportReceipts", "trade.receipts", (c) => c.totalAmountCny],
  ["taxRefunds", "trade.refunds", (c) => c.totalAmountCny],
  ["orders", "trade.orders", (c) => c.totalGoodsCny],
];

function reconciliationPart(recon) {
  const rows = [];
  const ra = recon.refundsAgainstExports;
  if (ra) {
    rows.push([t("report:trade.refundsAgainstExports"), t("report:trade.raLine", {
      exported: money(ra.exportedCny), claimed: money(ra.claimedCny),
      ratio: percent(ra.refundRatio), over: money(ra.overCeilingCny) }), ra.question, ra.signals]);
  }
  const rr = recon.refundsAgainstReceipts;
  if (rr) {
    rows.push([t("report:trade.refundsAgainstReceipts"), t("report:trade.rrLine", {
      received: money(rr.receivedCny), claimed: money(rr.claimedCny),
      ratio: percent(rr.refundRatio) }), rr.question, []]);
  }
  const re = recon.receiptsAgainstExports;
  if (re) {
    rows.push([t("report:trade.receiptsAgainstExports"), t("report:trade.reLine", {
      exported: money(re.exportedCny), counted: money(re.countedCny),
      ratio: percent(re.collectionRatio) }), re.question, re.signals]);
  }
  return [h("h3", {}, t("report:trade.reconciliation"), ` (${period(recon.firstDay, recon.asOf)})`),
    rows.length ? table(t("report:trade.reconciliation"),
      [t("report:col.view"), t("report:col.figures"), t("report:col.signals")],
      rows.map(([name, line, question, signals]) => h("tr", {}, h("td", {}, name),
        h("td", {}, line, h("div", { class: "basis" }, question)),
        h("td", {}, signals.length ? signals.map((s) => h("div", {},
          `${label(["riskKind", "signal"], s.kind)} (${severity(s.severity)}): ${s.reason}`))
          : t("report:trade.noSignals")))), { id: "r-reconciliation" })
      : empty("report:trade.noViews")];
}

function tradeSection(trade, financing, banking) {
  const content = banking ? financingPart(financing) : [];
  if (trade.failure) {
    content.push(refusal(trade, "trade.title"));
    return section("r-trade", "report:trade.title", ...content);
  }
  const ent = trade.data.enterprise || {};
  const refused = [];
  const rows = [];
  for (const [field, key, amount] of TRADE_TOTALS) {
    if (errorAt(trade, "enterprise", field)) { refused.push(t(`report:${key}`)); continue; }
    if (!ent[field]) continue;
    rows.push(h("tr", { dataset: { total: field } }, h("th", { scope: "row" }, t(`report:${key}`)),
      h("td", { class: "num" }, number(ent[field].totalCount)),
      h("td", { class: "num" }, money(amount(ent[field])))));
  }
  if (rows.length) {
    content.push(h("h3", {}, t("report:trade.totals")), table(t("report:trade.totals"),
      [t("report:col.record"), t("report:col.count"), t("report:col.amount")], rows,
      { id: "r-trade-totals" }));
    const orders = ent.orders;
    if (orders && orders.byMatchStatus && orders.byMatchStatus.length) {
      content.push(h("p", { id: "r-order-match" }, orders.byMatchStatus.map((m) =>
        t("report:trade.matchLine", { status: label(["MatchStatus"], m.status),
          count: number(m.count), amount: money(m.goodsCny) })).join(t("report:separator")),
      orders.unmatchedByReason ? ` (${orders.unmatchedByReason})` : ""));
    }
  }
  if (errorAt(trade, "tradeReconciliation")) refused.push(t("report:trade.reconciliation"));
  else if (trade.data.tradeReconciliation) content.push(...reconciliationPart(trade.data.tradeReconciliation));
  if (refused.length) {
    content.push(note(t("report:refused.scope", { what: refused.join(t("report:separator")) }),
      "scope", "trade.title"));
  }
  return section("r-trade", "report:trade.title", ...content);
}

// --- loading ---------------------------------------------------------------------------------

function measuresQuery(department) {
  const names = department === ALL ? DEPARTMENTS : [department];
  return `query Measures($u: String!) { ${names.map((d) =>
    `m_${d}: measuresFor(uscc: $u, department: "${d}") { ${MEASURE_FIELDS} }`).join("\n")} }`;
}

async function loadRepairs(uscc, kind, scopes) {
  if (kind === "enterprise") {
    const answer = await settle(`query { myRepairApplications { ${APPLICATION_FIELDS} } }`);
    return { ...answer, asked: 1, applications: answer.data.myRepairApplications || [] };
  }
  if (!scopes.includes("penalties:read")) return { skipped: true, errors: [], applications: [] };
  const answer = await settle(`query { ${REPAIR_STATUSES.map((s) =>
    `${s.toLowerCase()}: repairApplications(status: ${s}, first: 200) { edges { node { ${APPLICATION_FIELDS} } } }`)
    .join("\n")} }`);
  const applications = REPAIR_STATUSES.flatMap((s) => {
    const page = answer.data[s.toLowerCase()];
    return page ? page.edges.map((e) => e.node) : [];
  }).filter((a) => a.uscc === uscc);
  applications.sort((a, b) => String(b.filedAt).localeCompare(String(a.filedAt)));
  return { ...answer, asked: REPAIR_STATUSES.length, applications };
}

function header(ent, asOf) {
  const claims = session.claims() || {};
  const reader = [te("kind", claims.kind), claims.institution].filter(Boolean).join(" · ");
  return h("header", { class: "report-head", id: "report-head" },
    h("div", { class: "report-title" },
      h("p", { class: "report-kind" }, t("report:title")),
      h("h1", { id: "report-name" }, ent ? ent.name : t("report:title"))),
    facts([
      ["report:head.date", h("span", { id: "report-date" }, date(asOf))],
      ["report:head.reader", h("span", { id: "report-reader" }, reader || session.who())],
      ["report:head.hub", t("common:app.title")],
    ]),
    h("button", { type: "button", class: "primary no-print", id: "report-print",
      onclick: () => window.print() }, t("report:print")));
}

function askForUscc(root) {
  const input = h("input", { id: "report-uscc", name: "uscc", required: true, maxlength: "18",
    autocomplete: "off", spellcheck: "false" });
  root.append(h("section", { class: "report-ask" },
    h("h1", {}, t("report:title")),
    h("form", { onsubmit: (event) => { event.preventDefault();
      navigate("report", input.value.trim().toUpperCase()); } },
    h("label", { for: "report-uscc" }, t("report:askUscc")), " ", input, " ",
    h("button", { type: "submit", class: "primary" }, t("report:openButton")))));
}

/** The printed pages' footer line (an @page margin box), in the reader's language. */
function pageFooter(text) {
  let style = document.getElementById("report-page-style");
  if (!style) {
    style = h("style", { id: "report-page-style", media: "print" });
    document.head.append(style);
  }
  const quoted = JSON.stringify(text).replace(/</g, "\\3c ");
  style.textContent = `@page { @bottom-left { content: ${quoted}; font-size: 8pt; color: #555; } }`;
}

function today() {
  // the report's date is the hub's (the rating's asOf); the reader's own clock is the fallback
  return new Date().toISOString().slice(0, 10);
}

export default {
  route: "report",
  nav: "common:nav.report",
  kinds: null,
  async render(root, params) {
    for (const chart of charts) chart.destroy();
    charts = [];
    const uscc = (params && params[0]) || "";
    if (!uscc) { askForUscc(root); return; }
    const kind = session.kind();
    const claims = session.claims() || {};
    const scopes = String(claims.scope || claims.scopes || "").split(/[\s,]+/);
    const department = KIND_DEPARTMENT[kind] || null;
    const banking = kind === "bank" || kind === "insurer";

    const [registry, credit, measures, trade, financing, repairs] = await Promise.all([
      settle(REGISTRY, { u: uscc, pii: session.has("pii:read") }),
      settle(CREDIT, { u: uscc }),
      department ? settle(measuresQuery(department), { u: uscc })
        : Promise.resolve({ data: {}, errors: [] }),
      settle(TRADE, { u: uscc }),
      banking ? settle(FINANCING, { u: uscc }) : Promise.resolve({ data: {}, errors: [] }),
      loadRepairs(uscc, kind, scopes),
    ]);
    const report = h("article", { class: "report", id: "report", lang: language() });
    root.append(report);
    const ent = registry.data.enterprise;
    if (registry.failure || !ent) {
      report.append(header(null, today()), registry.failure
        ? note(errorText(registry.failure), "failed", "identity.title")
        : note(t("report:notFound", { uscc }), "missing", "identity.title"));
      report.dataset.complete = "true";
      return;
    }
    const verified = ent.name
      ? (await settle(STATUS, { u: uscc, name: ent.name })).data.verifyIdentity : null;
    const asOf = (credit.data.creditProfile && credit.data.creditProfile.asOf)
      || (credit.data.creditRecord && credit.data.creditRecord.asOf)
      || (verified && verified.asOf) || today();

    const known = new Set([
      ...(ent.classifications || []).map((c) => c.id),
      ...(ent.listEntries || []).map((e) => e.id),
      ...(ent.penalties || []).map((p) => p.id),
    ]);
    pendingDrawers.length = 0;
    const parts = [
      header(ent, asOf),
      identitySection(ent, verified),
      classificationSection(registry, credit),
      gradeSection(credit, known),
      listSection(registry, known),
      penaltySection(registry, credit, repairs.applications, known),
      measuresSection(measures, department),
      historySection(credit),
      objectionSection(credit, known),
      repairSection(repairs, known),
      tradeSection(trade, financing, banking),
      h("footer", { class: "report-foot" }, t("report:foot", { hub: t("common:app.title"),
        date: date(asOf), uscc })),
    ];
    report.append(...parts);
    pageFooter(t("report:foot", { hub: t("common:app.title"), date: date(asOf), uscc }));
    for (const draw of pendingDrawers.splice(0)) draw();
    report.dataset.complete = "true";
  },
};
