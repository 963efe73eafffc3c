// Notifications against the real binary in demo mode with the local services (issue 12, "Done
// when"): sign in through the local OpenID provider in Chromium, submit through the API with
// the session cookie, move the demo clock to the next 07:00 access to referrals and find the
// e-mail in the local SMTP server's directory; then stop the SMTP server, move the clock on to
// the next event (the reminder one working day before the access closes), start the SMTP server
// again, and the reminder arrives exactly once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, startServer, untilAccessOpens } from "./harness.mjs";
import { readMails, startListening, startSmtp, waitForMail } from "./mail.mjs";

// A demo citizen (server/demo/people.json) and a child the demo civil registry links to her.
const AIGUL = { account: "aigul", iin: "920514441016", child: "220310541020" };
const EMAIL = "aigul@example.kz";

let work, smtp, sms, server, chrome;
const mailDir = () => join(work, "mail");

before(async () => {
  work = mkdtempSync(join(tmpdir(), "kezek-e2e-notify-"));
  smtp = await startSmtp(mailDir());
  sms = await startListening("sms", "node", ["scripts/services/sms.mjs", "--port", "0", "--out", join(work, "sms.jsonl"), "--api-key", "e2e"]);
  server = await startServer({
    env: {
      KEZEK_SMTP_HOST: "127.0.0.1",
      KEZEK_SMTP_PORT: String(smtp.port),
      KEZEK_SMTP_TLS: "none",
      KEZEK_MAIL_FROM: "kezek-demo@kezek.test",
      KEZEK_SMS_URL: `${sms.address}/messages`,
      KEZEK_SMS_API_KEY: "e2e",
      // Retries a second apart, so the test does not wait minutes for the next attempt.
      KEZEK_NOTIFY_FIRST_RETRY_SECONDS: "1",
    },
  });
  server.base = server.url.replace(/\/$/, "");
  chrome = await launch();
});

after(async () => {
  await chrome?.close();
  for (const service of [server, sms, smtp]) await service?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Signs `account` in through the provider's form in a fresh browser context; answers the
 * session cookie as a `Cookie` header value. */
async function signIn(account) {
  const context = await chrome.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/auth/login?return=/api/me`);
  await page.waitForSelector("select[name=login]");
  await page.selectOption("select[name=login]", account);
  await Promise.all([page.waitForURL(`${server.base}/api/me`), page.click("button[type=submit]:has-text('Sign in')")]);
  const me = JSON.parse(await page.locator("body").innerText());
  const cookies = await context.cookies(server.base);
  await context.close();
  const session = cookies.find((c) => c.name.endsWith("kezek_session"));
  assert.ok(session, `a session cookie: ${cookies.map((c) => c.name)}`);
  return { me, cookie: `${session.name}=${session.value}` };
}

async function api(method, path, cookie, body) {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { cookie, "accept-language": "en", ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const moveClock = (cookie, move) => api("POST", "/api/demo/clock", cookie, move);
const health = async () => (await fetch(`${server.base}/api/health`)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the server's health satisfies `check` (or gives up after `ms`). */
async function healthUntil(check, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const h = await health();
    if (check(h)) return h;
    if (Date.now() > until) return null;
    await sleep(100);
  }
}

function application(email) {
  return {
    applicant: { lastName: "Омарова", firstName: "Айгүл", middleName: null, iin: AIGUL.iin, address: "Абай даңғылы, 1", locality: { code: "750000000", name: "Астана" } },
    child: { lastName: "Омаров", firstName: "Нұрлан", middleName: null, iin: AIGUL.child },
    category: "none",
    queue: { kind: "general", language: "kk", stayMode: "full_day" },
    notifications: { phones: ["+7 701 123 45 67"], email },
    consent: true,
    channel: "portal",
    documents: [],
  };
}

const mine = (number) => readMails(mailDir()).filter((m) => m.subject.includes(number));

test("a signed-in applicant's mails arrive: accepted, access to referrals, and the reminder exactly once across an SMTP outage", async () => {
  const { me, cookie } = await signIn(AIGUL.account);
  assert.equal(me.iin, AIGUL.iin, JSON.stringify(me));

  // Submitted through the API as the signed-in applicant; the acceptance is mailed.
  const submitted = await api("POST", "/api/applications", cookie, application(EMAIL));
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const number = submitted.body.number;
  const accepted = await waitForMail(mailDir(), (m) => m.subject === `Application ${number} accepted`);
  assert.equal(accepted.to, EMAIL);
  assert.match(accepted.text, new RegExp(`application ${number} is accepted`));

  // The settings the page shows: every channel the application gives, its language.
  const settings = await api("GET", `/api/applications/${number}/notifications`, cookie);
  assert.deepEqual(settings, { status: 200, body: { email: true, sms: true, lang: "en" } });

  // The demo clock to the next 07:00 access to referrals (a working day or two at most).
  const status = await untilAccessOpens(async (advance) => {
    const moved = await moveClock(cookie, { advance });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
  }, async () => (await api("GET", `/api/applications/${number}/status`, cookie)).body.status);
  assert.equal(status.state, "window_open", `access to referrals opened: ${JSON.stringify(status)}`);
  const opened = await waitForMail(mailDir(), (m) => m.subject === `Application ${number}: access to referrals is open`);
  assert.match(opened.text, /Choose a kindergarten and take a referral by \d\d\.\d\d\.\d{4}, 23:59 \(Astana time\)/);

  // The SMTP server stops. The clock moves on until the next event's mail fails to go out:
  // the reminder, due one working day before the access closes.
  await smtp.stop();
  let failing = null;
  for (let step = 0; step < 16 && !failing; step += 1) {
    assert.equal((await moveClock(cookie, { advance: "PT6H" })).status, 200);
    failing = await healthUntil((h) => h.notifications?.retrying >= 1, 3000);
  }
  assert.ok(failing, "a mail waits for a retry while the SMTP server is down");
  assert.equal(failing.status, "degraded");
  assert.equal((await api("GET", `/api/applications/${number}/status`, cookie)).body.status.state, "window_open", "the reminder comes before the access closes");
  assert.equal(mine(number).length, 2, "nothing more arrived while the server was down");

  // It starts again on the same port: the reminder arrives, once.
  smtp = await startSmtp(mailDir(), smtp.port);
  const reminder = await waitForMail(mailDir(), (m) => m.subject === `Application ${number}: access to referrals closes soon`);
  assert.match(reminder.text, /one working day is left/);
  assert.ok(await healthUntil((h) => h.notifications?.retrying === 0, 10_000), "nothing left to retry");
  await sleep(3000); // several sender rounds: a second copy would show
  const all = mine(number);
  assert.deepEqual(all.map((m) => m.subject), [
    `Application ${number} accepted`,
    `Application ${number}: access to referrals is open`,
    `Application ${number}: access to referrals closes soon`,
  ]);
  assert.equal(new Set(all.map((m) => m.messageId)).size, 3, "each message once, with its own Message-ID");
  // The number, never the IIN or a name.
  for (const mail of all) {
    for (const personal of [AIGUL.iin, AIGUL.child, "Омарова", "Айгүл", "Нұрлан"]) {
      assert.ok(!mail.text.includes(personal) && !mail.subject.includes(personal), `${mail.subject} names ${personal}`);
    }
  }
});
