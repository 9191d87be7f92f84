// Zone statistics for those who may read them (stats:read in auth/catalog.json: commerce, the
// zone regulator, admin): declared trade over a period grouped by month, mode, destination or
// belt (a chart and its table), the composite grades, the CBEC operators of each zone and each
// zone against its plan targets. The period lives in the address:
// `#/stats/<from>/<to>/<groupBy>/<zone>`.

import { h, navigate } from "../shell.js";
import { t, te, money, moneyShort, number, date } from "../i18n.js";
import { strict } from "../api.js";

const GROUPS = ["MONTH", "MODE", "DESTINATION", "INDUSTRY_BELT"];
const ZONES = ["ZHENGZHOU", "KAIFENG", "XINXIANG"];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const STATISTICS = `query Statistics($from: Date!, $to: Date!, $groupBy: StatsGroupBy!, $zone: String) {
  statistics(from: $from, to: $to, groupBy: $groupBy, zone: $zone) {
    zone from to groupBy
    groups { key declarations valueCny }
    gradeDistribution { grade count }
    operators { zone count registered }
    plans { zone source issued targetCount note }
    targets { zone metric label kind unit comparison target actual progress met deadline proxy
      source periodFrom asOf }
  }
}`;

let chart = null;

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/** The last twelve months to today, when the address names no period. */
function defaultPeriod() {
  const today = new Date();
  const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth() + 1, 1));
  return { from: isoDay(from), to: isoDay(today) };
}

function groupLabel(groupBy, key) {
  if (groupBy === "MODE") return te("tradeMode", key);
  if (groupBy === "INDUSTRY_BELT") return te("industryBelt", key);
  return key;
}

function form(state) {
  const field = (name, control) => h("div", { class: "field" },
    h("label", { for: `stats-${name}` }, t(`stats:form.${name}`)), control);
  const from = h("input", { id: "stats-from", type: "date", value: state.from, required: true });
  const to = h("input", { id: "stats-to", type: "date", value: state.to, required: true });
  const groupBy = h("select", { id: "stats-groupBy" }, GROUPS.map((g) =>
    h("option", { value: g, selected: g === state.groupBy }, te("StatsGroupBy", g))));
  const zone = h("select", { id: "stats-zone" },
    h("option", { value: "" }, t("stats:form.allZones")),
    ZONES.map((z) => h("option", { value: z, selected: z === state.zone }, te("zoneShort", z))));
  return h("form", { class: "filters", "aria-label": t("stats:form.label"),
    onsubmit: (event) => {
      event.preventDefault();
      navigate("stats", from.value, to.value, groupBy.value, ...(zone.value ? [zone.value] : []));
    } },
  field("from", from), field("to", to), field("groupBy", groupBy), field("zone", zone),
  h("div", { class: "field" }, h("button", { type: "submit", class: "primary" },
    t("stats:form.submit"))));
}

function table(id, caption, headers, rows, numeric) {
  return h("table", { class: "data", id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((label, i) =>
      h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, label)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => i === 0
      ? h("th", { scope: "row" }, cell)
      : h("td", { class: numeric.includes(i) ? "num" : null }, cell))))));
}

function tradeSection(stats) {
  const section = h("section", { class: "panel", "aria-labelledby": "stats-trade" },
    h("h2", { id: "stats-trade" }, t("stats:trade.title")));
  if (!stats.groups.length) {
    section.append(h("p", { class: "empty" }, t("stats:trade.empty")));
    return section;
  }
  const labels = stats.groups.map((g) => groupLabel(stats.groupBy, g.key));
  const canvas = h("canvas", { id: "stats-chart", role: "img",
    "aria-label": t("stats:trade.chartLabel") });
  section.append(h("div", { class: "chart" }, canvas));
  const total = stats.groups.reduce((sum, g) => ({ declarations: sum.declarations + g.declarations,
    value: sum.value + Number(g.valueCny) }), { declarations: 0, value: 0 });
  const rows = stats.groups.map((g, i) => [labels[i], number(g.declarations), money(g.valueCny)]);
  rows.push([t("stats:trade.total"), number(total.declarations), money(total.value)]);
  section.append(table("stats-groups", te("StatsGroupBy", stats.groupBy),
    [t("stats:trade.key"), t("stats:trade.declarations"), t("stats:trade.value")], rows, [1, 2]));
  queueMicrotask(() => {
    if (chart) chart.destroy();
    chart = new Chart(canvas, {
      type: "bar",
      data: { labels, datasets: [{ label: t("stats:trade.value"),
        data: stats.groups.map((g) => Number(g.valueCny)),
        backgroundColor: "#2f6db5", borderColor: "#1d4f8f", borderWidth: 1 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false },
          tooltip: { callbacks: { label: (item) => money(item.raw) } } },
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => moneyShort(value) } } },
      },
    });
  });
  return section;
}

function gradesSection(stats) {
  const order = ["A", "B", "C", "D", "M", "N", "UNRATED"];
  const counts = [...stats.gradeDistribution].sort((a, b) =>
    order.indexOf(a.grade) - order.indexOf(b.grade));
  return h("section", { class: "panel", "aria-labelledby": "stats-grades" },
    h("h2", { id: "stats-grades" }, t("stats:grades.title")),
    table("stats-grade-table", t("stats:grades.title"),
      [t("stats:grades.grade"), t("stats:grades.count")],
      counts.map((g) => [h("span", { class: `badge grade-${["A", "B", "C", "D", "M"]
        .includes(g.grade) ? g.grade : "N"}` }, te("grade", g.grade)), number(g.count)]), [1]));
}

function operatorsSection(stats) {
  return h("section", { class: "panel", "aria-labelledby": "stats-operators" },
    h("h2", { id: "stats-operators" }, t("stats:operators.title")),
    table("stats-operator-table", t("stats:operators.title"),
      [t("stats:operators.zone"), t("stats:operators.count"), t("stats:operators.registered")],
      stats.operators.map((o) => [te("zoneShort", o.zone), number(o.count),
        number(o.registered)]), [1, 2]));
}

function amount(target, value) {
  if (value === null || value === undefined) return t("stats:targets.notMeasured");
  return target.unit === "CNY" ? moneyShort(value) : number(value);
}

function targetsSection(stats) {
  const section = h("section", { class: "panel", "aria-labelledby": "stats-targets" },
    h("h2", { id: "stats-targets" }, t("stats:targets.title")));
  if (!stats.targets.length) {
    section.append(h("p", { class: "empty" }, t("stats:targets.empty")));
    return section;
  }
  section.append(table("stats-target-table", t("stats:targets.caption", { to: date(stats.to) }),
    ["zone", "metric", "kind", "target", "actual", "progress", "deadline", "met"]
      .map((c) => t(`stats:targets.${c}`)),
    stats.targets.map((x) => [
      te("zoneShort", x.zone),
      h("span", {}, x.label, x.proxy ? h("span", { class: "hint block" },
        t("stats:targets.proxy", { proxy: x.proxy })) : null),
      te("TargetKind", x.kind),
      `${te("TargetComparison", x.comparison)} ${amount(x, x.target)}`,
      amount(x, x.actual),
      x.progress === null || x.progress === undefined ? "—"
        : h("span", { class: "progress" },
          h("meter", { min: 0, max: 1, value: Math.min(1, x.progress),
            "aria-label": `${number(x.progress * 100, 1)}%` }),
          ` ${number(x.progress * 100, 1)}%`),
      x.deadline ? date(x.deadline) : "—",
      x.met === null || x.met === undefined ? "—"
        : h("span", { class: `badge ${x.met ? "ok" : "pending"}` },
          t(x.met ? "stats:targets.yes" : "stats:targets.no")),
    ]), [3, 4, 5]));
  return section;
}

function plansSection(stats) {
  return h("section", { class: "panel", "aria-labelledby": "stats-plans" },
    h("h2", { id: "stats-plans" }, t("stats:plans.title")),
    table("stats-plan-table", t("stats:plans.title"),
      ["zone", "source", "issued", "targetCount", "note"].map((c) => t(`stats:plans.${c}`)),
      stats.plans.map((p) => [te("zoneShort", p.zone), p.source, date(p.issued),
        number(p.targetCount), p.note]), [3]));
}

export default {
  route: "stats",
  nav: "common:nav.stats",
  // the kinds auth/catalog.json grants stats:read
  kinds: ["commerce", "regulator", "admin"],
  async render(root, params) {
    const fallback = defaultPeriod();
    const state = {
      from: ISO_DAY.test(params[0] || "") ? params[0] : fallback.from,
      to: ISO_DAY.test(params[1] || "") ? params[1] : fallback.to,
      groupBy: GROUPS.includes(params[2]) ? params[2] : "MONTH",
      zone: ZONES.includes(params[3]) ? params[3] : "",
    };
    root.append(h("h1", {}, t("stats:title")), form(state));
    if (state.to < state.from) {
      root.append(h("p", { class: "error", role: "alert" }, t("stats:invalidPeriod")));
      return;
    }
    const data = await strict(STATISTICS, { from: state.from, to: state.to,
      groupBy: state.groupBy, zone: state.zone || null });
    const stats = data.statistics;
    root.append(
      h("p", { class: "period" }, t("stats:period", { from: date(stats.from), to: date(stats.to) }),
        stats.zone ? ` · ${te("zone", stats.zone)}` : ""),
      tradeSection(stats),
      h("div", { class: "columns" }, gradesSection(stats), operatorsSection(stats)),
      targetsSection(stats), plansSection(stats));
  },
};
