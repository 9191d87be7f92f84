// The console's frame: sign-in state, the language switch, the navigation and a router over
// `#/<route>/<params>`. Each view is a module in views/ (see views/index.js); this file only
// decides which one to render and shows what went wrong, in the user's language.

import { initI18n, setLanguage, t, translatePage, language } from "./i18n.js";
import { session } from "./session.js";
import { errorText, HubError } from "./api.js";
import { h, notify } from "./shell.js";
import { VIEWS } from "./views/index.js";

cytoscape.use(cytoscapeFcose);

// The consent purposes of auth/consents.py (ConsentPurpose): a bank states the one it reads for.
const PURPOSES = ["WORKING_CAPITAL", "TAX_REFUND_ADVANCE", "RECEIVABLES", "WAREHOUSE_RECEIPT",
  "CREDIT_INSURANCE"];

// Views whose every answer needs one scope: a person without it does not get the view at all
// (absent, not a link that always ends in a refusal). Other views show refusals per section.
const NEEDS = { graph: "graph:read", alerts: "risk:read", stats: "stats:read" };

function scopesOf(claims) {
  return new Set(String((claims && (claims.scope || claims.scopes)) || "").split(/[\s,]+/));
}

function viewsFor(kind) {
  const scopes = scopesOf(session.claims());
  return VIEWS.filter((v) => (!v.kinds || v.kinds.includes(kind))
    && (!NEEDS[v.route] || scopes.has(NEEDS[v.route])));
}

function drawNav() {
  const nav = document.getElementById("nav");
  nav.replaceChildren();
  if (!session.signedIn()) return;
  for (const view of viewsFor(session.kind()).filter((v) => v.nav)) {
    nav.append(h("a", { href: `#/${view.route}`, dataset: { route: view.route } }, t(view.nav)));
  }
}

function drawAccount() {
  const box = document.getElementById("account");
  box.hidden = !session.signedIn();
  if (!session.signedIn()) return;
  const claims = session.claims();
  document.getElementById("who").textContent = t("common:signedInAs", {
    name: session.who(), kind: t(`enums:kind.${claims.kind}`),
    institution: claims.institution || "" });
  const purposeBox = document.getElementById("purpose-box");
  const banking = claims.kind === "bank" || claims.kind === "insurer";
  purposeBox.hidden = !banking;
  if (banking) {
    const select = document.getElementById("purpose");
    select.replaceChildren(h("option", { value: "" }, t("common:purpose.choose")),
      ...PURPOSES.map((p) => h("option", { value: p, selected: session.purpose() === p },
        t(`enums:purpose.${p}`))));
  }
}

function signInPanel(reason) {
  const main = document.getElementById("main");
  main.replaceChildren(h("section", { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, t("common:signIn.title")),
    reason ? h("p", { class: "error", role: "alert" }, t(`errors:${reason}`)) : null,
    h("p", {}, t("common:signIn.explain")),
    h("button", { type: "button", id: "signin", class: "primary",
      onclick: () => session.begin(language()) }, t("common:signIn.button"))));
}

function currentRoute() {
  const [route, ...params] = location.hash.replace(/^#\/?/, "").split("/")
    .map((part) => decodeURIComponent(part));
  return { route, params };
}

let rendering = 0;

async function render() {
  const main = document.getElementById("main");
  drawNav();
  drawAccount();
  if (!session.signedIn()) { signInPanel(); return; }
  const views = viewsFor(session.kind());
  const { route, params } = currentRoute();
  const view = views.find((v) => v.route === route) || views.find((v) => v.nav);
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === view.route) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const mine = ++rendering;
  notify("");
  main.replaceChildren();
  main.setAttribute("aria-busy", "true");
  try {
    await view.render(main, route === view.route ? params : []);
  } catch (error) {
    if (mine !== rendering) return;
    if (error instanceof HubError && error.code === "SESSION_EXPIRED") return;
    notify(errorText(error));
    console.error(error);
  } finally {
    if (mine === rendering) main.removeAttribute("aria-busy");
  }
}

async function boot() {
  await initI18n();
  translatePage(document);
  for (const button of document.querySelectorAll("#language button")) {
    button.addEventListener("click", async () => {
      await setLanguage(button.dataset.lang);
      markLanguage();
      await render();
    });
  }
  markLanguage();
  document.getElementById("signout").addEventListener("click", async () => {
    await session.signOut();
    location.hash = "";
  });
  document.getElementById("purpose").addEventListener("change", (event) => {
    session.setPurpose(event.target.value);
    render();
  });
  session.onChange((now, reason) => {
    if (now === null) { drawNav(); drawAccount(); signInPanel(reason); }
  });
  window.addEventListener("hashchange", render);
  const failure = await session.resume();
  if (failure) signInPanel(failure);
  else await render();
  document.body.dataset.ready = "true";
}

function markLanguage() {
  for (const button of document.querySelectorAll("#language button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language()));
  }
}

window.hubConsole = { session, render };
boot();
