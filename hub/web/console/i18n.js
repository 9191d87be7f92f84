// One translation catalogue for the whole console (i18next, served by the hub): Simplified
// Chinese first, English by the switch, the choice remembered in localStorage. Each view keeps
// its strings in its own namespace, locales/<language>/<namespace>.json, both languages with
// the same keys (tests/console/test_catalogue.py). Dates, money and numbers are formatted here,
// per language, so every view shows them the same way.

export const LANGUAGES = ["zh-CN", "en"];
export const NAMESPACES = ["common", "enums", "errors", "search", "report", "graph", "lists",
  "alerts", "enterprise", "stats"];
const REMEMBERED = "hub.console.language";

export function language() {
  return i18next.language || LANGUAGES[0];
}

async function bundle(lng, ns) {
  const response = await fetch(`/console/locales/${lng}/${ns}.json`);
  if (!response.ok) throw new Error(`catalogue ${lng}/${ns} is missing (${response.status})`);
  return response.json();
}

export async function initI18n() {
  const stored = localStorage.getItem(REMEMBERED);
  const lng = LANGUAGES.includes(stored) ? stored : LANGUAGES[0];
  const resources = {};
  await Promise.all(LANGUAGES.flatMap((l) => NAMESPACES.map(async (ns) => {
    resources[l] = resources[l] || {};
    resources[l][ns] = await bundle(l, ns);
  })));
  await i18next.init({
    lng, fallbackLng: false, resources, ns: NAMESPACES, defaultNS: "common",
    interpolation: { escapeValue: false }, returnNull: false,
    showSupportNotice: false, // i18next advertises a hosted service in the console otherwise
  });
  document.documentElement.lang = lng;
}

export function t(key, options) {
  return i18next.t(key, options);
}

/**
 * The label of an enum value (`enums:<group>.<VALUE>`), or the raw value when unknown. `group`
 * may be a path ("classificationValue.CUSTOMS_CREDIT"); `value` is looked up whole, so a
 * measure's text with dots or colons in it is one key.
 */
export function te(group, value) {
  if (value === null || value === undefined || value === "") return "";
  const path = [...String(group).split("."), String(value)];
  const found = i18next.getResource(language(), "enums", path);
  return typeof found === "string" && found ? found : String(value);
}

export async function setLanguage(lng) {
  localStorage.setItem(REMEMBERED, lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  translatePage(document);
}

/** Fill every [data-i18n] (text) and [data-i18n-aria-label] under `root`. */
export function translatePage(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  document.title = t("common:app.title");
}

// --- formatting ---------------------------------------------------------------------------

/** Yuan with thousands separators and two decimals: "¥921,637,158.01". */
export function money(value) {
  if (value === null || value === undefined || value === "") return "";
  return new Intl.NumberFormat(language(), { style: "currency", currency: "CNY",
    minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(value));
}

/** Large amounts the way officers read them: 万/亿 in Chinese, millions/billions in English. */
export function moneyShort(value) {
  if (value === null || value === undefined || value === "") return "";
  const n = Number(value);
  if (language() === "zh-CN") {
    const digits = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    if (Math.abs(n) >= 1e8) return `${(n / 1e8).toLocaleString("zh-CN", digits)}亿元`;
    if (Math.abs(n) >= 1e4) return `${(n / 1e4).toLocaleString("zh-CN", digits)}万元`;
    return `${n.toLocaleString("zh-CN", digits)}元`;
  }
  return new Intl.NumberFormat("en", { style: "currency", currency: "CNY", notation: "compact",
    maximumFractionDigits: 2 }).format(n);
}

export function number(value, digits) {
  if (value === null || value === undefined || value === "") return "";
  return Number(value).toLocaleString(language(), digits === undefined ? {}
    : { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** An ISO date ("2025-03-01") as the language writes it; no time zone shift. */
export function date(iso) {
  if (!iso) return "";
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(language(), { year: "numeric", month: "long", day: "numeric",
    timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeStyle: "short",
    timeZone: "Asia/Shanghai" }).format(new Date(iso));
}
