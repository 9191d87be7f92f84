// One table widget for every list of the console: real column headers, filters sent to the
// hub, server-side paging with cursors (`first`, `after`) and the total, sorting by a header,
// a CSV export of the whole filtered list (capped), and visible empty, loading and error states.
// Most of the hub's lists have no order argument: a header click sorts the page on screen, and
// a note under the table says so; a column the hub can order by (serverOrder) asks the hub. Its strings are in the lists namespace (lists:table.*).

import { h, notify } from "./shell.js";
import { t, number } from "./i18n.js";
import { errorText } from "./api.js";

/** The most rows an export fetches; past it the file is cut and the page says so. */
export const EXPORT_CAP = 10000;

let tables = 0;

/**
 * A table over `source`.
 *
 * options:
 *  - id: the table element's id; caption: its accessible name (text).
 *  - columns: [{ key, label, value(row) -> text (shown, sorted, exported),
 *      cell(row) -> Node (optional, what the cell shows instead of the text),
 *      sort(row) -> comparable (optional, default value),
 *      serverOrder: the hub's order value for this column (optional; the hub sorts every
 *        page, descending only, and a click on it asks the hub again from the first page) }]
 *  - filters: [{ key, label, type: "select" | "text" | "date" | "checkbox",
 *      options: [{ value, label }] (select), value (initial) }]
 *  - source({ first, after, filter, order }) -> { rows, total (number or null), endCursor,
 *      hasNext }
 *  - order: the column key whose serverOrder the hub's default order is (marked sorted).
 *  - pageSize (default 50), exportPageSize (default 200), csvName ("list.csv"),
 *  - empty: text when nothing matches; rowAttributes(row) -> attributes of the <tr>.
 * Returns { element, reload(), filter() }.
 */
export function createTable(options) {
  const index = ++tables;
  const pageSize = options.pageSize || 50;
  const columns = options.columns;
  const state = { cursors: [null], page: 0, rows: [], total: null, hasNext: false,
    sortKey: null, sortDir: "ascending", filter: {}, order: null };
  const initial = columns.find((c) => c.key === options.order);
  if (initial) state.order = initial.serverOrder;

  const status = h("p", { class: "table-range", "aria-live": "polite" });
  const note = h("p", { class: "table-note sort-note", hidden: true });
  const exportNote = h("p", { class: "table-note export-note", role: "status", hidden: true });
  const previous = h("button", { type: "button", class: "page-previous", disabled: true,
    onclick: () => go(state.page - 1) }, t("lists:table.previous"));
  const next = h("button", { type: "button", class: "page-next", disabled: true,
    onclick: () => go(state.page + 1) }, t("lists:table.next"));
  const exporter = h("button", { type: "button", class: "export-csv",
    onclick: () => exportCsv() }, t("lists:table.export"));

  const headCells = columns.map((column) => {
    const button = h("button", { type: "button", class: "sort",
      onclick: () => sortBy(column.key) }, column.label);
    return h("th", { scope: "col", dataset: { key: column.key },
      "aria-sort": initial === column ? "descending" : null }, button);
  });
  const body = h("tbody");
  const table = h("table", { id: options.id, class: "data" },
    h("caption", { class: "visually-hidden" }, options.caption || ""),
    h("thead", {}, h("tr", {}, headCells)), body);

  const filterForm = options.filters && options.filters.length ? filterBar() : null;
  const wrapper = h("div", { class: "table-wrap", "aria-busy": "false" }, table);
  const element = h("section", { class: "data-table", "aria-label": options.caption || "" },
    filterForm,
    h("div", { class: "table-tools" }, status, h("span", { class: "spacer" }),
      previous, next, exporter),
    exportNote, wrapper, note);

  function filterBar() {
    const fields = options.filters.map((f) => {
      const id = `t${index}-${f.key}`;
      let input;
      if (f.type === "select") {
        input = h("select", { id, name: f.key },
          h("option", { value: "" }, t("lists:table.any")),
          f.options.map((o) => h("option", { value: o.value, selected: o.value === f.value },
            o.label)));
      } else if (f.type === "checkbox") {
        input = h("input", { id, name: f.key, type: "checkbox", checked: Boolean(f.value) });
        return h("div", { class: "filter checkbox" }, input, h("label", { for: id }, f.label));
      } else {
        input = h("input", { id, name: f.key, type: f.type === "date" ? "date" : "text",
          value: f.value || "" });
      }
      return h("div", { class: "filter" }, h("label", { for: id }, f.label), input);
    });
    const form = h("form", { class: "filters", role: "search",
      "aria-label": t("lists:table.filters"),
      onsubmit: (event) => { event.preventDefault(); reload(); } },
    fields, h("button", { type: "submit", class: "primary" }, t("lists:table.apply")));
    form.addEventListener("change", () => reload());
    return form;
  }

  function readFilter() {
    const filter = {};
    if (!filterForm) return filter;
    for (const f of options.filters) {
      const input = filterForm.elements[f.key];
      if (f.type === "checkbox") filter[f.key] = input.checked;
      else if (input.value.trim() !== "") filter[f.key] = input.value.trim();
    }
    return filter;
  }

  function sortValue(column, row) {
    const value = column.sort ? column.sort(row) : column.value(row);
    return value === null || value === undefined ? "" : value;
  }

  function ordered() {
    const rows = state.rows.slice();
    const column = columns.find((c) => c.key === state.sortKey);
    if (!column) return rows;
    const sign = state.sortDir === "ascending" ? 1 : -1;
    const collator = new Intl.Collator(document.documentElement.lang, { numeric: true });
    rows.sort((a, b) => {
      const x = sortValue(column, a);
      const y = sortValue(column, b);
      if (typeof x === "number" && typeof y === "number") return sign * (x - y);
      return sign * collator.compare(String(x), String(y));
    });
    return rows;
  }

  function mark(key, direction) {
    for (const th of headCells) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", direction);
      else th.removeAttribute("aria-sort");
    }
  }

  function sortBy(key) {
    const column = columns.find((c) => c.key === key);
    if (column.serverOrder) {
      // the hub orders the whole list by this column: ask again from the first page
      state.sortKey = null;
      state.order = column.serverOrder;
      mark(key, "descending");
      note.hidden = true;
      state.cursors = [null];
      state.page = 0;
      return load();
    }
    state.sortDir = state.sortKey === key && state.sortDir === "ascending"
      ? "descending" : "ascending";
    state.sortKey = key;
    mark(key, state.sortDir);
    note.textContent = t("lists:table.sortNote");
    note.hidden = false;
    draw();
  }

  function draw() {
    const rows = ordered();
    if (!rows.length) {
      body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: columns.length },
        options.empty || t("lists:table.empty"))));
    } else {
      body.replaceChildren(...rows.map((row) => h("tr",
        options.rowAttributes ? options.rowAttributes(row) : {},
        columns.map((column) => h("td", { dataset: { key: column.key } },
          column.cell ? column.cell(row) : column.value(row))))));
    }
    const from = state.page * pageSize + 1;
    const to = state.page * pageSize + state.rows.length;
    if (!state.rows.length) status.textContent = t("lists:table.none");
    else if (state.total === null) {
      status.textContent = t("lists:table.rangeOpen", { from: number(from), to: number(to) });
    } else {
      status.textContent = t("lists:table.range", { from: number(from), to: number(to),
        total: number(state.total) });
    }
    previous.disabled = state.page === 0;
    next.disabled = !state.hasNext;
  }

  let loading = 0;

  async function load() {
    // a newer request (another filter, page or order) wins over one still under way
    const mine = ++loading;
    wrapper.setAttribute("aria-busy", "true");
    previous.disabled = true;
    next.disabled = true;
    try {
      const page = await options.source({ first: pageSize, after: state.cursors[state.page],
        filter: state.filter, order: state.order });
      if (mine !== loading) return;
      state.rows = page.rows;
      state.total = page.total === undefined ? null : page.total;
      state.hasNext = Boolean(page.hasNext);
      state.cursors[state.page + 1] = page.endCursor || null;
      draw();
    } catch (error) {
      if (mine !== loading) return;
      state.rows = [];
      state.hasNext = false;
      body.replaceChildren(h("tr", { class: "error" }, h("td", { colspan: columns.length },
        errorText(error))));
      status.textContent = "";
      notify(errorText(error));
    } finally {
      if (mine === loading) wrapper.setAttribute("aria-busy", "false");
    }
  }

  function go(page) {
    if (page < 0 || page >= state.cursors.length) return;
    state.page = page;
    return load();
  }

  function reload() {
    state.filter = readFilter();
    state.cursors = [null];
    state.page = 0;
    return load();
  }

  async function exportCsv() {
    exporter.disabled = true;
    exporter.setAttribute("aria-busy", "true");
    exportNote.hidden = true;
    const rows = [];
    let after = null;
    let capped = false;
    try {
      for (;;) {
        const size = Math.min(options.exportPageSize || 200, EXPORT_CAP - rows.length);
        const page = await options.source({ first: size, after, filter: state.filter,
          order: state.order });
        rows.push(...page.rows);
        if (!page.hasNext) break;
        if (rows.length >= EXPORT_CAP) { capped = true; break; }
        after = page.endCursor;
      }
      download(rows.slice(0, EXPORT_CAP));
      exportNote.textContent = capped
        ? t("lists:table.capped", { cap: number(EXPORT_CAP) })
        : t("lists:table.exported", { count: number(rows.length) });
      exportNote.hidden = false;
    } catch (error) {
      notify(errorText(error));
    } finally {
      exporter.disabled = false;
      exporter.removeAttribute("aria-busy");
    }
  }

  function download(rows) {
    const lines = [columns.map((c) => csvField(c.label)).join(",")];
    for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(","));
    // the byte order mark makes Excel read the file as UTF-8 (Chinese names intact)
    const blob = new Blob(["\uFEFF", lines.join("\r\n"), "\r\n"],
      { type: "text/csv;charset=utf-8" });
    const link = h("a", { href: URL.createObjectURL(blob), download: options.csvName || "list.csv",
      hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  }

  return { element, reload, filter: () => state.filter, rows: () => state.rows };
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  // a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d[\d,.]*$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A source for a list the hub answers whole (myConsents, myObjections, ...): paged on screen,
 * with the hub's list fetched again on each reload. `fetchAll(filter)` -> rows.
 */
export function wholeList(fetchAll) {
  return async ({ first, after, filter }) => {
    const all = await fetchAll(filter);
    const start = after ? Number(after) : 0;
    const rows = all.slice(start, start + first);
    return { rows, total: all.length, endCursor: String(start + rows.length),
      hasNext: start + rows.length < all.length };
  };
}

/**
 * A source over a Relay connection at `data[field]`: `run(variables)` -> data, with `first`,
 * `after` and what `variables(filter, order)` adds.
 */
export function connection(run, field, variables) {
  return async ({ first, after, filter, order }) => {
    const data = await run({ first, after, ...variables(filter, order) });
    const page = data[field];
    return { rows: page.edges.map((e) => e.node), total: page.totalCount,
      endCursor: page.pageInfo.endCursor, hasNext: page.pageInfo.hasNextPage };
  };
}
