// Who is signed in, and how: OAuth 2.0 authorization code with PKCE (RFC 7636) against the
// hub's own /oauth/authorize, as the public client `hub-console`. The access token lives in
// memory; the refresh token in localStorage, shared by the person's tabs, and it rotates on
// every use, so tabs refresh one at a time under a Web Lock and each uses the token the last
// one stored (two tabs using the same token would look like theft and end the session).
// Signing out revokes the refresh and the access token at /oauth/revoke.

import { HubError } from "./errors.js";

export const CLIENT_ID = "hub-console";
const STORE = "hub.console.session";
const PENDING = "hub.console.pending";
const PURPOSE = "hub.console.purpose";

function redirectUri() {
  return `${location.origin}/console/`;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(size) {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

function claimsOf(accessToken) {
  const payload = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(Array.from(atob(payload),
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
  return JSON.parse(json);
}

const listeners = new Set();
let current = null; // { accessToken, refreshToken, claims }
let refreshing = null;

function store(tokens) {
  current = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token || null,
    claims: claimsOf(tokens.access_token) };
  if (current.refreshToken) localStorage.setItem(STORE, current.refreshToken);
  for (const listener of listeners) listener(current, null);
}

/** The token endpoint's answer: { ok, status, body }; status 0 when the hub was not reached. */
async function tokenCall(form) {
  let response;
  try {
    response = await fetch("/oauth/token", { method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: CLIENT_ID, ...form }).toString() });
  } catch {
    return { ok: false, status: 0, body: {} };
  }
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

/** Run `work` while no other tab of this origin refreshes (where the browser has Web Locks). */
function oneTabAtATime(work) {
  return navigator.locks ? navigator.locks.request("hub.console.refresh", work) : work();
}

export const session = {
  /** `listener(session or null, reason)` whenever the session changes (signed in, refreshed, ended). */
  onChange(listener) { listeners.add(listener); },

  signedIn() { return current !== null; },
  claims() { return current ? current.claims : null; },
  kind() { return current ? current.claims.kind : null; },
  /** Whether the token grants `scope` (a view leaves out, rather than asks for, what it may not). */
  has(scope) {
    return current !== null && String(current.claims.scope || "").split(" ").includes(scope);
  },
  /** The person's name, or the client id for a machine client's token. */
  who() {
    if (!current) return "";
    const c = current.claims;
    return c.name || c.preferred_username || c.client_id;
  },

  purpose() { return sessionStorage.getItem(PURPOSE) || ""; },
  setPurpose(purpose) { sessionStorage.setItem(PURPOSE, purpose); },

  async accessToken() { return current ? current.accessToken : null; },

  /** Go to the hub's sign-in page (authorization code with PKCE). */
  async begin(language) {
    const verifier = randomText(48);
    const challenge = base64url(await crypto.subtle.digest("SHA-256",
      new TextEncoder().encode(verifier)));
    const state = randomText(16);
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
    const query = new URLSearchParams({ response_type: "code", client_id: CLIENT_ID,
      redirect_uri: redirectUri(), code_challenge: challenge, code_challenge_method: "S256",
      state, ui_locales: language || "zh-CN" });
    location.assign(`/oauth/authorize?${query}`);
  },

  /**
   * On load: finish a sign-in coming back with ?code=, or resume from the stored refresh
   * token. Returns an error code (errors: catalogue) when a sign-in came back refused.
   */
  async resume() {
    const params = new URLSearchParams(location.search);
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
    if (params.has("code") || params.has("error")) {
      sessionStorage.removeItem(PENDING);
      history.replaceState(null, "", `/console/${(pending && pending.hash) || ""}`);
      if (params.has("error")) return params.get("error") === "access_denied" ? null
        : "SIGN_IN_FAILED";
      if (!pending || pending.state !== params.get("state")) return "SIGN_IN_FAILED";
      const answer = await tokenCall({ grant_type: "authorization_code",
        code: params.get("code"), redirect_uri: redirectUri(), code_verifier: pending.verifier });
      if (!answer.ok) return answer.status === 0 ? "NETWORK" : "SIGN_IN_FAILED";
      store(answer.body);
      return null;
    }
    // a tab reloaded after its session ended is told so (not shown a bare sign-in panel)
    try {
      if (localStorage.getItem(STORE) && !(await this.refresh())) return "SESSION_EXPIRED";
    } catch (error) {
      return error instanceof HubError ? error.code : "UNEXPECTED";
    }
    return null;
  },

  /**
   * Trade the refresh token for new tokens (it rotates). False when the session is over (the
   * hub refused the token); a hub that is unreachable or busy throws a HubError and the
   * session stays, to be tried again.
   */
  async refresh() {
    refreshing = refreshing || oneTabAtATime(async () => {
      const token = localStorage.getItem(STORE); // the newest, whichever tab stored it
      if (!token) return { ok: false, status: 400, body: {} };
      return tokenCall({ grant_type: "refresh_token", refresh_token: token });
    }).finally(() => { refreshing = null; });
    const answer = await refreshing;
    if (answer.ok) {
      if (!current || current.refreshToken !== answer.body.refresh_token) store(answer.body);
      return true;
    }
    if (answer.status === 400 || answer.status === 401) {
      this.clear("SESSION_EXPIRED");
      return false;
    }
    throw new HubError(answer.status === 0 ? "NETWORK" : answer.status === 429 ? "RATE_LIMITED"
      : `HTTP_${answer.status}`);
  },

  /** The hub refused the session: forget it (the page then asks to sign in again). */
  expired() { this.clear("SESSION_EXPIRED"); },

  /** End the session here; `reason` (an errors: key, or null) is what the page tells the user. */
  clear(reason) {
    current = null;
    localStorage.removeItem(STORE);
    for (const listener of listeners) listener(null, reason || null);
  },

  /** Revoke the session's refresh token (ending the session) and its access token. */
  async signOut() {
    const refresh = localStorage.getItem(STORE) || (current && current.refreshToken);
    const revoke = (token, hint) => fetch("/oauth/revoke", { method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: CLIENT_ID, token, token_type_hint: hint })
        .toString() }).catch(() => null);
    if (refresh) await revoke(refresh, "refresh_token");
    if (current) await revoke(current.accessToken, "access_token");
    sessionStorage.removeItem(PURPOSE);
    this.clear(null);
  },

  /** Use tokens obtained elsewhere (a token endpoint answer); for tools and tests. */
  adopt(tokens) { store(tokens); },
};
