// The hub's GraphQL API for every view: same origin, the session's access token, the bank's
// purpose as X-Purpose. A refused token is refreshed once and the call retried; a session
// that cannot be refreshed ends and the console says so. GraphQL errors come back with their
// `extensions.code` so views show them in the user's language (errors:<CODE>).

import { session } from "./session.js";
import { t, language } from "./i18n.js";
import { HubError } from "./errors.js";

export { HubError };

/** The user's-language text for an error, with what to do. */
export function errorText(error) {
  const code = error instanceof HubError ? error.code : "UNEXPECTED";
  // a broken validation rule (e.g. a USCC's check character) has its own text, which says it all
  const rule = error instanceof HubError ? error.extensions.rule : undefined;
  if (rule && i18next.exists(`errors:rule.${rule}`)) return t(`errors:rule.${rule}`);
  const key = `errors:${code}`;
  const known = i18next.exists(key);
  const text = known ? t(key) : t("errors:UNEXPECTED");
  // the hub words its details in English: shown in English, or where the catalogue has no text
  const detail = error.detail && (language() === "en" || !known) ? error.detail : "";
  return detail ? `${text} (${detail})` : text;
}

async function post(query, variables) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = await session.accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (session.purpose()) headers["X-Purpose"] = session.purpose();
  try {
    return await fetch("/graphql", { method: "POST", headers,
      body: JSON.stringify({ query, variables: variables || {} }) });
  } catch (failure) {
    throw new HubError("NETWORK", String(failure.message || failure));
  }
}

/**
 * Run one GraphQL operation. Returns `{ data, errors }`: a field the caller may not see is
 * null with a FORBIDDEN error beside it, and the view leaves it out. Throws HubError when
 * nothing came back (session over, hub down, a request the hub refused as a whole).
 */
export async function request(query, variables) {
  let response = await post(query, variables);
  if (response.status === 401 && (await session.refresh())) response = await post(query, variables);
  if (response.status === 401) {
    session.expired();
    throw new HubError("SESSION_EXPIRED");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    // a body that is not JSON (a proxy's error page): the status says what happened
    throw new HubError(response.status === 429 ? "RATE_LIMITED" : `HTTP_${response.status}`,
      `HTTP ${response.status}`);
  }
  if (!body.data && body.errors && body.errors.length) throw errorOf(body.errors[0]);
  if (!response.ok && !body.data) throw new HubError(`HTTP_${response.status}`);
  return { data: body.data || {}, errors: body.errors || [] };
}

export function errorOf(error) {
  const code = (error.extensions && error.extensions.code) || "UNEXPECTED";
  return new HubError(code, error.message, error.extensions);
}

/** The first error about `field` (by path head), as a HubError, or null. */
export function fieldError(errors, field) {
  const found = errors.find((e) => e.path && e.path[0] === field);
  return found ? errorOf(found) : null;
}

/** Like `request`, but any error at all is thrown (for mutations and single-purpose reads). */
export async function strict(query, variables) {
  const { data, errors } = await request(query, variables);
  if (errors.length) throw errorOf(errors[0]);
  return data;
}
