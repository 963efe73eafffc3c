// The backend, as the page sees it (server/openapi.yaml): sign-in, submissions, the applicant's
// view of an application and what they can do with it, and the published reads. Every call has
// a timeout and answers the JSON body or throws a BackendError the page can show with a retry.
// Writes carry an Idempotency-Key where the API takes one, so a retry after a lost answer never
// does the work twice.
//
// Who acts on an application: the signed-in applicant, by the session cookie (HttpOnly: the page
// never sees it; `credentials: "same-origin"` sends it). Only where sign-in is not set up does an
// application's token go as `Authorization: Bearer`; the token is passed in by the caller, which
// keeps it in memory only, and is never sent when a session exists.

const TIMEOUT_MS = 15_000;

export class BackendError extends Error {
  constructor(kind, status = 0, body = null) {
    super(kind);
    this.kind = kind; // "offline" | "timeout" | "server" | "rejected"
    this.status = status;
    this.body = body;
  }

  /** The first error code the backend gave, if any. */
  get code() {
    return this.body?.errors?.[0]?.code ?? null;
  }
}

async function call(method, path, { json, headers = {}, binary = false, text = false } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...lang(), ...headers },
      body: json !== undefined ? JSON.stringify(json) : undefined,
      signal: controller.signal,
      credentials: "same-origin",
      // Revalidate every time (ETag → 304): a snapshot or status must never be read stale.
      cache: "no-cache",
    });
  } catch {
    throw new BackendError(controller.signal.aborted ? "timeout" : "offline");
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) {
    // The body names what happened (`db.busy`, `rate.limited`, …): the page says it in words.
    throw new BackendError("server", response.status, await response.json().catch(() => null));
  }
  const type = response.headers.get("content-type") ?? "";
  let body = null;
  if (response.ok && binary) body = new Uint8Array(await response.arrayBuffer());
  else if (response.ok && text) body = await response.text();
  else if (type.includes("json")) body = await response.json().catch(() => null);
  if (!response.ok) throw new BackendError("rejected", response.status, body);
  return body;
}

/** A fresh idempotency key. */
export const newKey = () => crypto.randomUUID();

const lang = () => ({ "accept-language": document.documentElement.lang || "kk" });
/** The application token only where there is no session (sign-in not set up). */
const auth = (token) => (token ? { authorization: `Bearer ${token}` } : {});
const app = (number, rest = "") => `/api/applications/${encodeURIComponent(number)}${rest}`;

export const api = {
  /** The signed-in person, or null when nobody is. */
  me: () => call("GET", "/api/me").catch((error) => {
    if (error instanceof BackendError && error.status === 401) return null;
    throw error;
  }),
  myApplications: () => call("GET", "/api/me/applications"),
  /** Ends the session on the server (the cookie is cleared by the answer). */
  signOut: () => call("POST", "/auth/logout"),
  /** The provider's times (`loadPolicy` takes the text as it is). */
  policy: () => call("GET", "/api/policy", { text: true }),
  clock: () => call("GET", "/api/time"),
  submit: (application, key) => call("POST", "/api/applications", { json: application, headers: { "idempotency-key": key } }),
  status: (number, token) => call("GET", app(number, "/status"), { headers: auth(token) }),
  interest: (number, token, interested) => call("POST", app(number, "/interest"), { json: { interested }, headers: auth(token) }),
  withdraw: (number, token) => call("POST", app(number, "/withdraw"), { json: {}, headers: auth(token) }),
  claim: (number, token, vacancyId, key) =>
    call("POST", "/api/claims", { json: { number, vacancyId }, headers: { "idempotency-key": key, ...auth(token) } }),
  cancel: (number, token, referralId) =>
    call("POST", `/api/referrals/${encodeURIComponent(referralId)}/cancel`, { json: { number }, headers: auth(token) }),
  extend: (number, token, referralId, reason, until) =>
    call("POST", `/api/referrals/${encodeURIComponent(referralId)}/extend`, {
      json: until ? { number, reason, until } : { number, reason }, headers: auth(token),
    }),
  notifications: (number, token) => call("GET", app(number, "/notifications"), { headers: auth(token) }),
  saveNotifications: (number, token, choice) => call("POST", app(number, "/notifications"), { json: choice, headers: auth(token) }),
  register: (number, token, from) => call("GET", app(number, `/register${from === undefined ? "" : `?from=${from}`}`), { headers: auth(token) }),
  snapshot: (queueKey) => call("GET", `/api/queues/${encodeURIComponent(queueKey)}/snapshot`, { binary: true }),
  bulletin: () => call("GET", "/api/bulletin"),
  advanceClock: (body) => call("POST", "/api/demo/clock", { json: body }),
};
