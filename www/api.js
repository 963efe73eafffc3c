// The backend, as the page sees it: submissions, claims and the published reads. Every call has a
// timeout and comes back as { ok, status, body } or throws a BackendError the page can show with a
// retry. Writes carry an Idempotency-Key, so a retry after a lost answer never does the work twice.

const TIMEOUT_MS = 15_000;

export class BackendError extends Error {
  constructor(kind, status = 0, body = null) {
    super(kind);
    this.kind = kind; // "offline" | "timeout" | "server" | "rejected"
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, { json, headers = {}, binary = false } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: json !== undefined ? JSON.stringify(json) : undefined,
      signal: controller.signal,
      credentials: "same-origin",
      // Revalidate every time (ETag → 304): a snapshot or status must never be read stale.
      cache: "no-cache",
    });
  } catch (e) {
    throw new BackendError(controller.signal.aborted ? "timeout" : "offline");
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) throw new BackendError("server", response.status);
  const type = response.headers.get("content-type") ?? "";
  const body = binary && response.ok
    ? new Uint8Array(await response.arrayBuffer())
    : type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new BackendError("rejected", response.status, body);
  return body;
}

/** A fresh idempotency key. */
export const newKey = () => crypto.randomUUID();

const auth = (token) => ({ authorization: `Bearer ${token}` });
const lang = () => ({ "accept-language": document.documentElement.lang || "kk" });

export const api = {
  submit: (application, key) =>
    call("POST", "/api/applications", { json: application, headers: { "idempotency-key": key, ...lang() } }),
  status: (number, token) => call("GET", `/api/applications/${encodeURIComponent(number)}/status`, { headers: auth(token) }),
  snapshot: (queueKey) => call("GET", `/api/queues/${encodeURIComponent(queueKey)}/snapshot`, { binary: true }),
  bulletin: () => call("GET", "/api/bulletin"),
  register: (number, token, from) =>
    call("GET", `/api/applications/${encodeURIComponent(number)}/register${from === undefined ? "" : `?from=${from}`}`, { headers: auth(token) }),
  claim: (number, token, vacancyId, key) =>
    call("POST", "/api/claims", { json: { number, token, vacancyId }, headers: { "idempotency-key": key, ...lang() } }),
  cancel: (number, token, referralId) =>
    call("POST", `/api/referrals/${encodeURIComponent(referralId)}/cancel`, { json: { number, token }, headers: lang() }),
  extend: (number, token, referralId, reason) =>
    call("POST", `/api/referrals/${encodeURIComponent(referralId)}/extend`, { json: { number, token, reason }, headers: lang() }),
  clock: () => call("GET", "/api/time"),
  advanceClock: (body) => call("POST", "/api/demo/clock", { json: body }),
  confirmOriginals: (number) => call("POST", `/api/demo/applications/${encodeURIComponent(number)}/originals`, { json: {} }),
};
