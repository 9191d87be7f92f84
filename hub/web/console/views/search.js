// Find an enterprise: by a part of its name (a page at a time, with the hub's total) or by its
// unified social credit code (the hub checks the code; a wrong check character is the hub's
// error, shown in the user's language, never "nothing found"). Each row links to the credit
// report and the relationship graph. The query and the page live in the address
// (`#/search/<query>/<page>`), so the back button and a reload keep them.

import { h, navigate, notify } from "../shell.js";
import { t, te, number } from "../i18n.js";
import { request, strict, errorText, HubError } from "../api.js";
import { session } from "../session.js";

// a bank or insurer sees only the enterprises that consented to it: an empty answer says so
const CONSENT_BOUND = new Set(["bank", "insurer"]);

function emptyNote(text) {
  return h("p", { class: "empty", id: "search-empty" }, text,
    CONSENT_BOUND.has(session.kind()) ? h("span", { class: "hint" }, " ", t("search:consentBound"))
      : null);
}

export const PAGE_SIZE = 20;
const USCC_SHAPE = /^[0-9A-Z]{18}$/;

const FIELDS = "uscc name nameEn zone status";

const BY_NAME = `query SearchByName($filter: EnterpriseFilter, $first: Int, $after: String) {
  enterprises(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} } }
  }
}`;

const BY_USCC = `query SearchByUscc($uscc: String!) { enterprise(uscc: $uscc) { ${FIELDS} } }`;

// cursors of the pages seen, per query: the API pages forward only (first/after)
const cursors = new Map();

function asUscc(text) {
  const folded = text.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
  return USCC_SHAPE.test(folded) ? folded : null;
}

export function gradeBadge(grade) {
  if (!grade) return null;
  const known = ["A", "B", "C", "D", "M"].includes(grade) ? grade : "N";
  return h("span", { class: `badge grade-${known}`, title: te("grade", grade) }, te("grade", grade));
}

function form(query) {
  const input = h("input", { id: "search-query", name: "q", type: "search", value: query,
    autocomplete: "off", spellcheck: "false", "aria-describedby": "search-hint",
    placeholder: t("search:placeholder") });
  return h("form", { class: "search-form", role: "search",
    onsubmit: (event) => {
      event.preventDefault();
      const text = input.value.trim();
      const before = location.hash;
      if (text) navigate("search", text);
      else navigate("search");
      // the same search again (after the data changed, or an error): run it again
      if (location.hash === before) window.dispatchEvent(new HashChangeEvent("hashchange"));
    } },
  h("label", { for: "search-query" }, t("search:label")),
  h("div", { class: "search-row" }, input,
    h("button", { type: "submit", class: "primary" }, t("search:submit"))),
  h("p", { id: "search-hint", class: "hint" }, t("search:hint")));
}

function resultTable(enterprises) {
  const rows = enterprises.map((e) => h("tr", { dataset: { uscc: e.uscc } },
    h("th", { scope: "row" }, h("span", { lang: "zh-CN" }, e.name),
      e.nameEn ? h("span", { class: "name-en", lang: "en" }, e.nameEn) : null),
    h("td", { class: "code" }, e.uscc),
    h("td", {}, te("zoneShort", e.zone)),
    h("td", {}, te("EnterpriseStatus", e.status)),
    h("td", { class: "grade-cell" }),
    h("td", { class: "actions" },
      h("a", { href: `#/report/${encodeURIComponent(e.uscc)}`,
        "aria-label": t("search:openReportOf", { name: e.name }) }, t("search:openReport")),
      session.has("graph:read") ? h("a", { href: `#/graph/${encodeURIComponent(e.uscc)}`,
        "aria-label": t("search:openGraphOf", { name: e.name }) }, t("search:openGraph"))
        : null)));
  return h("table", { class: "data", id: "search-results" },
    h("caption", { class: "visually-hidden" }, t("search:resultsCaption")),
    h("thead", {}, h("tr", {},
      ...["name", "uscc", "zone", "status", "grade", "actions"].map((c) =>
        h("th", { scope: "col" }, t(`search:column.${c}`))))),
    h("tbody", {}, rows));
}

/** Fill the grade column where the caller may read ratings; any refusal leaves it empty. */
async function fillGrades(table, usccs) {
  if (!usccs.length) return;
  const fields = usccs.map((u, i) => `g${i}: creditProfile(uscc: ${JSON.stringify(u)}) { grade }`);
  let data;
  try {
    ({ data } = await request(`query SearchGrades { ${fields.join(" ")} }`));
  } catch {
    return; // the grade is a convenience here; the report shows it with its reasons
  }
  usccs.forEach((uscc, i) => {
    const profile = data[`g${i}`];
    const cell = table.querySelector(`tr[data-uscc="${uscc}"] .grade-cell`);
    if (profile && cell) cell.replaceChildren(gradeBadge(profile.grade));
  });
}

function pager(query, page, totalCount, hasNextPage) {
  const pages = Math.max(1, Math.ceil(totalCount / PAGE_SIZE));
  return h("nav", { class: "pager", "aria-label": t("search:pager.label") },
    h("button", { type: "button", disabled: page === 0,
      onclick: () => navigate("search", query, String(page - 1)) }, t("search:pager.previous")),
    h("span", { class: "pager-status", "aria-live": "polite" },
      t("search:pager.status", { page: number(page + 1), pages: number(pages) })),
    h("button", { type: "button", disabled: !hasNextPage,
      onclick: () => navigate("search", query, String(page + 1)) }, t("search:pager.next")));
}

async function byUscc(results, uscc) {
  let data;
  try {
    data = await strict(BY_USCC, { uscc });
  } catch (error) {
    if (error instanceof HubError && error.code === "SESSION_EXPIRED") throw error;
    results.replaceChildren(h("p", { class: "error", id: "search-error" }, errorText(error)));
    notify(errorText(error));
    return;
  }
  if (!data.enterprise) {
    results.replaceChildren(emptyNote(t("search:noSuchCode", { uscc })));
    return;
  }
  const table = resultTable([data.enterprise]);
  results.replaceChildren(h("p", { class: "result-count" }, t("search:countOne")), table);
  fillGrades(table, [data.enterprise.uscc]);
}

async function byName(results, query, page) {
  const seen = cursors.get(query) || [null];
  cursors.set(query, seen);
  const at = page < seen.length ? page : 0; // a reload on page 3 starts again at page 1
  let data;
  try {
    data = await strict(BY_NAME, { filter: { nameContains: query }, first: PAGE_SIZE,
      after: seen[at] });
  } catch (error) {
    if (error instanceof HubError && error.code === "SESSION_EXPIRED") throw error;
    results.replaceChildren(h("p", { class: "error", id: "search-error" }, errorText(error)));
    notify(errorText(error));
    return;
  }
  const connection = data.enterprises;
  if (!connection || connection.totalCount === 0) {
    results.replaceChildren(emptyNote(t("search:nothingFound", { query })));
    return;
  }
  if (connection.pageInfo.hasNextPage) seen[at + 1] = connection.pageInfo.endCursor;
  const enterprises = connection.edges.map((edge) => edge.node);
  const first = at * PAGE_SIZE + 1;
  const table = resultTable(enterprises);
  results.replaceChildren(
    h("p", { class: "result-count" }, t("search:countRange", {
      total: number(connection.totalCount), first: number(first),
      last: number(first + enterprises.length - 1) })),
    table, pager(query, at, connection.totalCount, connection.pageInfo.hasNextPage));
  // no grades on a page of names: rating 20 enterprises at once holds the hub up for seconds
  // (measured: page 2 waited behind them); the code search and the report show the grade
}

export default {
  route: "search",
  nav: "common:nav.search",
  kinds: null,
  async render(root, params) {
    const query = (params[0] || "").trim();
    const page = Math.max(0, Number.parseInt(params[1] || "0", 10) || 0);
    const results = h("div", { id: "search-output", "aria-live": "polite" });
    root.append(h("h1", {}, t("search:title")), form(query),
      h("section", { class: "results", "aria-labelledby": "search-results-title" },
        h("h2", { id: "search-results-title", class: "visually-hidden" }, t("search:results")),
        results));
    if (!query) {
      results.append(h("p", { class: "hint" }, t("search:start")));
      return;
    }
    results.append(h("p", { class: "hint" }, t("search:searching")));
    const uscc = asUscc(query);
    if (uscc) await byUscc(results, uscc);
    else await byName(results, query, page);
  },
};
