// The service provider's side in the browser tests (issue 11): helpers to sign demo people in
// (server/demo/people.json) through the local OpenID provider (scripts/services/oidc.mjs) and to
// act as demo staff, against the backend that harness.mjs's `startServer()` starts in demo mode.
//
// For other tests: `confirmOriginalsAsStaff(browser, url, number)` where a test used the
// demo-only originals endpoint, which is gone (the education department's staff confirm them).

/** The demo staff of server/demo/people.json, by role. */
export const DEMO_STAFF = { department: "edu-750000000", kindergarten1: "kg1-head", kindergarten2: "kg2-head" };

/**
 * Signs `account` (a demo person's id) in on `page` through the provider's form, starting from
 * `returnPath`'s sign-in link, and waits to be back there.
 */
export async function signIn(page, url, account, returnPath = "/operator.html") {
  await page.goto(`${url}auth/login?return=${encodeURIComponent(returnPath)}`);
  await page.waitForSelector("select#login");
  await page.selectOption("select#login", account);
  await Promise.all([page.waitForURL(`${url}${returnPath.slice(1)}`), page.click("form[action$='/login'] button[type=submit]")]);
}

/** A JSON request from `page` (its session cookie, same origin), answering `{ status, body }`. */
export function fetchJson(page, method, path, body, headers = {}) {
  return page.evaluate(async ({ method, path, body, headers }) => {
    const response = await fetch(path, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }, { method, path, body, headers });
}

/** Moves the demo clock (`{ advance: "PT1H" }` or `{ to: instant }`); the server runs its jobs. */
export async function moveClock(page, body) {
  const answer = await fetchJson(page, "POST", "/api/demo/clock", body);
  if (answer.status !== 200) throw new Error(`demo clock: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * The education department's staff confirm application `number`'s originals (rule 22), in a
 * browser context of their own: what the demo-only endpoint used to do.
 */
export async function confirmOriginalsAsStaff(browser, url, number) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, url, DEMO_STAFF.department);
    const answer = await fetchJson(page, "POST", `/api/staff/applications/${number}/originals/confirm`, {}, { "idempotency-key": `confirm-${number}` });
    if (answer.status !== 200) throw new Error(`confirm originals: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  } finally {
    await context.close();
  }
}
