// The operator page against the real backend in demo mode with sign-in through the local OpenID
// provider: the education department (originals with countdowns, the applicant at the desk and
// the 30 minutes, a category change, the stop-list, the monthly check, a kindergarten's special
// queue) and a kindergarten (free places reported and withdrawn, referrals admitted), in each
// language; the citizen demo end to end through staff operations; the whole flow by keyboard.
// axe-core checks every state. Screenshots go to test-output/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, chooseLanguage, launch, screenshot, startServer, untilAccessOpens } from "./harness.mjs";
import { DEMO_STAFF, fetchJson, moveClock, signIn } from "./staff.mjs";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let server, chrome, browser;
before(async () => {
  server = await startServer();
  chrome = await launch();
  browser = chrome.browser;
});
after(async () => { await chrome?.close(); server?.stop(); });

/** A fresh browser context (its own cookies) with a page that records uncaught errors. */
async function fresh(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // A failed request is logged by the browser too; the answers a page expects (401 before sign-in,
  // a refusal it shows) are checked by the tests themselves, so only the page's own errors count.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text()); });
  page.on("response", (r) => { if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`); });
  return { context, page, errors };
}

async function noAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe: ${state}`);
}

/** Signs `account` in and waits for the operator page's workspace in `lang`. */
async function operator(account, lang, viewport) {
  const session = await fresh(viewport);
  await signIn(session.page, server.url, account);
  await session.page.waitForSelector("#workspace:not([hidden])");
  await chooseLanguage(session.page, lang);
  return session;
}

const text = (page, selector) => page.textContent(selector).then((t) => t.trim());

/** The catalogs' text for `key` in `lang`: the staff's from the backend, the pages' own labels
 * (www/i18n), the rest from the package. */
const catalog = (page, key, lang) => page.evaluate(async ([k, l]) => {
  const staff = await (await fetch("/api/texts/staff")).json();
  const labels = await (await fetch(`/i18n/${l}.json`)).json();
  return staff[l][k] ?? labels[k] ?? (await import("/pkg/kezek.js")).uiText(k, l);
}, [key, lang]);

const LANGS = ["kk", "ru", "en"];

test("a visitor is asked to sign in, and a citizen is told the page is for staff", async () => {
  const { context, page, errors } = await fresh();
  await page.goto(`${server.url}operator.html`);
  await page.waitForSelector("#signin:not([hidden])");
  for (const lang of LANGS) {
    await chooseLanguage(page, lang);
    assert.equal(await text(page, "#signin h1"), await catalog(page, "operator.signin_title", lang));
    await noAxeViolations(page, `sign in ${lang}`);
  }
  assert.equal(await page.getAttribute("#signin-link", "href"), "/auth/login?return=/operator.html");
  await signIn(page, server.url, "aigul");
  await page.waitForSelector("#no-role:not([hidden])");
  await chooseLanguage(page, "en");
  assert.equal(await text(page, "#no-role-text"), "This page is for staff");
  await noAxeViolations(page, "no role");
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [i, lang] of LANGS.entries()) {
  test(`the education department in ${lang}: originals with countdowns, confirmed at the desk, a category, the stop-list, the monthly check, a special queue`, async () => {
    const { context, page, errors } = await operator(DEMO_STAFF.department, lang, lang === "en" ? DESKTOP : PHONE);
    const t = (key) => catalog(page, key, lang);
    assert.equal(await text(page, "#workspace-title"), (await t("operator.role.department")).replace("{code}", "750000000"));
    // The desk: applications awaiting originals, each with the core's deadline and a ticking countdown.
    await page.waitForSelector("#originals-list .item");
    // Each test takes the first waiting application (the tests before confirmed theirs).
    const item = page.locator("#originals-list .item").first();
    const number = await item.getAttribute("data-application");
    const countdown = item.locator(".countdown");
    const first = await countdown.textContent();
    assert.match(first, /\d/);
    const status = JSON.parse(await countdown.getAttribute("data-status"));
    assert.equal(status.state, "awaiting_originals");
    await noAxeViolations(page, `originals ${lang}`);
    await screenshot(page, `operator-originals-${lang}`);

    // The applicant is at the desk: the 30 minutes start; then the originals are confirmed.
    await page.click(`#arrival-${number}`);
    await page.waitForFunction((n) => document.querySelector(`#originals-list [data-application="${n}"] p.strong`), number);
    assert.match(await text(page, "#originals-status"), new RegExp(number));
    await page.click(`#confirm-${number}`);
    await page.waitForFunction((n) => !document.querySelector(`#originals-list [data-application="${n}"]`), number);
    assert.ok((await text(page, "#originals-status")).includes(await t("status.title.queued")));
    await noAxeViolations(page, `originals confirmed ${lang}`);

    // The application: a category change refused without a ground, then made.
    await page.fill("#find-number", number);
    await page.click("#find-submit");
    await page.waitForSelector("#application-card:not([hidden])");
    assert.equal(await text(page, "#application-title-text"), await t("status.title.queued"));
    await page.selectOption("#priority-category", "serviceman");
    await page.click("#priority-submit");
    await page.waitForSelector("#priority-ground-error:not([hidden])");
    assert.equal(await text(page, "#priority-ground-error"), await t("priority.ground"));
    assert.equal(await page.evaluate(() => document.activeElement?.id), "priority-ground");
    await noAxeViolations(page, `category error ${lang}`);
    await page.fill("#priority-ground", "Certificate No. 5 of 20.11.2026");
    await page.click("#priority-submit");
    await page.waitForFunction(() => document.querySelector("#application-status")?.textContent.length > 0);
    assert.ok((await text(page, "#application-summary")).includes(await t("option.class.extraordinary")), "the class follows the category");
    // The stop-list and back.
    await page.click("#stop-submit");
    await page.waitForFunction((title) => document.querySelector("#application-title-text")?.textContent === title, await t("status.title.stop_listed"));
    await page.click("#restore-submit");
    await page.waitForFunction((title) => document.querySelector("#application-title-text")?.textContent === title, await t("status.title.queued"));
    await noAxeViolations(page, `application ${lang}`);

    // An unknown number: the backend's message, in this language, at the field.
    await page.fill("#find-number", "123");
    await page.click("#find-submit");
    await page.waitForSelector("#find-error:not([hidden])");
    assert.equal(await text(page, "#find-error"), await t("application.number"));
    await noAxeViolations(page, `find error ${lang}`);

    // The monthly check: the first listed application's grounds confirmed.
    const answer = page.locator("#grounds-list fieldset").first();
    await answer.locator("input[value=yes]").check();
    await page.click("#grounds-submit");
    await page.waitForFunction(() => document.querySelector("#grounds-status")?.textContent.length > 0);
    assert.equal(await text(page, "#grounds-status"), (await t("operator.grounds.done")).replace("{count}", "1"));
    await noAxeViolations(page, `grounds ${lang}`);

    // Kindergarten 2's special group queue, in the order of rule 21.
    await page.selectOption("#queue-kindergarten", "kg2");
    await page.click("#queue-show");
    await page.waitForSelector("#dept-queue-tables table");
    assert.match(await text(page, "#dept-queue-tables caption"), /\d{4}/);
    assert.equal(await text(page, "#dept-queue-tables tbody tr td"), "1");

    // Who did what and when.
    const actions = await page.$$eval("#history-rows th", (cells) => cells.map((c) => c.textContent));
    for (const key of ["operator.action.originals_confirmed", "operator.action.priority_changed", "operator.action.grounds_checked"]) {
      const label = await t(key);
      assert.ok(actions.some((a) => a.startsWith(label)), `${label} in ${actions}`);
    }
    await noAxeViolations(page, `department ${lang}`);
    await screenshot(page, `operator-department-${lang}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a kindergarten in ${lang}: free places reported (an error first), listed for the evening's bulletin, withdrawn with a reason`, async () => {
    const account = i === 1 ? DEMO_STAFF.kindergarten2 : DEMO_STAFF.kindergarten1;
    const { context, page, errors } = await operator(account, lang, lang === "ru" ? PHONE : DESKTOP);
    const t = (key) => catalog(page, key, lang);
    await page.waitForSelector("#seat-rows tr");
    assert.ok((await text(page, "#seats-bulletin")).length > 0);
    assert.ok((await text(page, "#report-hint")).includes("17:00"), "the policy's report time");
    // Early booking without its day: the core's refusal, summarised and at the field.
    await page.selectOption("#seat-mode", "early_booking");
    await page.waitForSelector("#seat-starts-field:not([hidden])");
    await page.click("#report-submit");
    await page.waitForSelector("#report-summary:not([hidden])");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "report-summary");
    assert.equal(await text(page, "#report-summary-list a"), await t("seat.early_booking_date"));
    assert.equal(await page.getAttribute("#seat-starts", "aria-invalid"), "true");
    await noAxeViolations(page, `report error ${lang}`);
    await screenshot(page, `operator-report-error-${lang}`);
    // A special group (kindergarten 2) or a general one, free now.
    await page.selectOption("#seat-mode", "general");
    if (account === DEMO_STAFF.kindergarten2) {
      await page.selectOption("#seat-group", "special");
      await page.selectOption("#seat-detail", "speech");
    }
    await page.fill("#seat-count", "2");
    await page.click("#report-submit");
    await page.waitForFunction(() => document.querySelector("#seats-status")?.textContent.length > 0);
    assert.equal(await page.isVisible("#report-summary"), false);
    const reported = page.locator("#seat-rows tr").first();
    assert.equal(await reported.locator("td").nth(0).textContent(), "2 / 2");
    assert.equal(await reported.locator("td").nth(1).textContent(), await t("option.mode.general"));
    // Withdraw a published group: quarantine.
    const published = page.locator("#seat-rows tr", { has: page.locator("select") }).last();
    const seat = await published.getAttribute("data-seat");
    await published.locator("select").selectOption("quarantine");
    await published.locator("button").click();
    await page.waitForFunction((id) => document.querySelector(`#seat-rows tr[data-seat="${id}"]`) && !document.querySelector(`#seat-rows tr[data-seat="${id}"] select`), seat);
    assert.ok((await text(page, `#seat-rows tr[data-seat="${seat}"]`)).includes(await t("option.withdrawal.quarantine")));
    assert.match(await text(page, "#seats-status"), /\d/);
    await noAxeViolations(page, `kindergarten ${lang}`);
    await screenshot(page, `operator-kindergarten-${lang}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the citizen demo end to end through staff: submit, originals confirmed at the desk, 07:00 access, claim, admission", async () => {
  // A citizen applies for a linked child (a teacher's child: the certificate's original is due).
  const citizen = await fresh();
  await signIn(citizen.page, server.url, "aigul", "/operator.html");
  const time = (await fetchJson(citizen.page, "GET", "/api/time")).body;
  const application = {
    applicant: { lastName: "Омарова", firstName: "Айгүл", iin: "920514441016", address: "Абай даңғылы, 1", locality: { code: "750000000", name: "Алматы" } },
    child: { lastName: "Омаров", firstName: "Нұрлан", iin: "220310541020" },
    category: "teacher",
    queue: { kind: "general", language: "kk", stayMode: "full_day" },
    notifications: { phones: ["+7 701 123 45 67"] },
    consent: true,
    channel: "portal",
    documents: [{ kind: "teacher_workplace_certificate", issuedOn: time.localDate }],
  };
  const submitted = await fetchJson(citizen.page, "POST", "/api/applications", application, { "idempotency-key": "e2e-citizen-1" });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const number = submitted.body.number;
  assert.equal(submitted.body.status.state, "awaiting_originals");

  // The education department confirms the originals at the desk.
  const desk = await operator(DEMO_STAFF.department, "en");
  await desk.page.waitForSelector(`#originals-list [data-application="${number}"]`);
  await desk.page.click(`#arrival-${number}`);
  await desk.page.waitForFunction((n) => document.querySelector(`#originals-list [data-application="${n}"] p.strong`), number);
  await desk.page.click(`#confirm-${number}`);
  await desk.page.waitForFunction(() => /Minutes since the applicant came: \d+/.test(document.querySelector("#originals-status")?.textContent ?? ""));

  // The next 07:00: access to referrals; the citizen takes a place at kindergarten 1.
  let view;
  await untilAccessOpens((advance) => moveClock(citizen.page, { advance }), async () => {
    view = (await fetchJson(citizen.page, "GET", `/api/applications/${number}/status`)).body;
    return view.status;
  });
  assert.equal(view.status.state, "window_open", JSON.stringify(view.status));
  const seat = view.seats.find((s) => s.vacancyId.startsWith("v1-") && s.claimable);
  assert.ok(seat, JSON.stringify(view.seats));
  const claim = await fetchJson(citizen.page, "POST", "/api/claims", { number, vacancyId: seat.vacancyId }, { "idempotency-key": "e2e-claim-1" });
  assert.equal(claim.status, 201, JSON.stringify(claim.body));

  // Kindergarten 1 admits the child on the referral.
  const kg = await operator(DEMO_STAFF.kindergarten1, "en");
  const id = claim.body.id;
  await kg.page.waitForSelector(`#referral-list [data-referral="${id}"]`);
  assert.match(await text(kg.page, `#referral-list [data-referral="${id}"] .countdown`), /\d/);
  await noAxeViolations(kg.page, "referral to admit");
  await screenshot(kg.page, "operator-referrals-en");
  await kg.page.fill(`#admit-certificate-${id}`, "2001-01-01");
  await kg.page.click(`#admit-${id}`);
  await kg.page.waitForFunction(() => document.querySelector("#referrals-status")?.getAttribute("role") === "alert");
  assert.match(await text(kg.page, "#referrals-status"), /three calendar days/);
  await noAxeViolations(kg.page, "admission refused by the rule");
  const today = (await fetchJson(kg.page, "GET", "/api/time")).body.localDate;
  await kg.page.fill(`#admit-certificate-${id}`, today);
  await kg.page.click(`#admit-${id}`);
  await kg.page.waitForFunction((n) => document.querySelector("#referrals-status")?.textContent === `Application ${n}: Admitted to the kindergarten`, number);
  const final = (await fetchJson(citizen.page, "GET", `/api/applications/${number}/status`)).body;
  assert.equal(final.status.state, "admitted");
  await noAxeViolations(kg.page, "admitted");
  for (const s of [citizen, desk, kg]) {
    assert.deepEqual(s.errors, []);
    await s.context.close();
  }
});

test("the whole flow by keyboard: sign in, confirm originals, report free places and withdraw them", async () => {
  const { context, page, errors } = await fresh();
  const press = (key) => page.keyboard.press(key);
  async function tabTo(selector, limit = 200) {
    for (let n = 0; n < limit; n++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await press("Tab");
    }
    throw new Error(`could not reach ${selector} by Tab`);
  }
  await page.goto(`${server.url}operator.html`);
  await page.waitForSelector("#signin:not([hidden])");
  await tabTo('[data-lang="en"]');
  await press("Enter");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  await tabTo("#signin-link");
  await press("Enter");
  // The provider's form, by keyboard: the department's account.
  await page.waitForSelector("select#login");
  await tabTo("select#login");
  const accounts = await page.$$eval("select#login option", (os) => os.map((o) => o.value));
  for (let n = 0; n < accounts.indexOf(DEMO_STAFF.department); n++) await press("ArrowDown");
  assert.equal(await page.inputValue("select#login"), DEMO_STAFF.department);
  await tabTo("form[action$='/login'] button");
  await Promise.all([page.waitForURL(`${server.url}operator.html`), press("Enter")]);
  await page.waitForSelector("#originals-list .item");
  await tabTo('[data-lang="en"]');
  await press("Enter");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  const number = await page.getAttribute("#originals-list .item", "data-application");
  await tabTo(`#arrival-${number}`);
  await press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "originals-status");
  await tabTo(`#confirm-${number}`);
  await press("Enter");
  await page.waitForFunction((n) => !document.querySelector(`#originals-list [data-application="${n}"]`), number);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "originals-status", "focus moves to the outcome");
  await tabTo(".signout");
  await Promise.all([page.waitForURL(`${server.url}operator.html`), press("Enter")]);
  await page.waitForSelector("#signin:not([hidden])");

  await context.close();

  // A kindergarten by keyboard, in a browser of its own (the provider remembers the first
  // sign-in): report, then withdraw.
  const second = await fresh();
  const kg = second.page;
  const pressKg = (key) => kg.keyboard.press(key);
  async function tabToKg(selector, limit = 200) {
    for (let n = 0; n < limit; n++) {
      if (await kg.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await pressKg("Tab");
    }
    throw new Error(`could not reach ${selector} by Tab`);
  }
  await kg.goto(`${server.url}operator.html`);
  await kg.waitForSelector("#signin:not([hidden])");
  await tabToKg("#signin-link");
  await pressKg("Enter");
  await kg.waitForSelector("select#login");
  await tabToKg("select#login");
  for (let n = 0; n < accounts.indexOf(DEMO_STAFF.kindergarten1); n++) await pressKg("ArrowDown");
  await tabToKg("form[action$='/login'] button");
  await Promise.all([kg.waitForURL(`${server.url}operator.html`), pressKg("Enter")]);
  await kg.waitForSelector("#seat-rows tr");
  await tabToKg('[data-lang="en"]');
  await pressKg("Enter");
  await kg.waitForFunction(() => document.documentElement.lang === "en");
  await tabToKg("#seat-age");
  await pressKg("ArrowDown");
  await tabToKg("#seat-count");
  await kg.keyboard.press("Control+A");
  await kg.keyboard.type("3");
  await tabToKg("#report-submit");
  await pressKg("Enter");
  await kg.waitForFunction(() => /Reported: free places 3/.test(document.querySelector("#seats-status")?.textContent ?? ""));
  assert.equal(await kg.evaluate(() => document.activeElement?.id), "seats-status");
  const row = await kg.getAttribute("#seat-rows tr:has(select)", "data-seat");
  await tabToKg(`#withdraw-${row}-reason`);
  await pressKg("ArrowDown");
  await tabToKg(`#withdraw-${row}`);
  await pressKg("Enter");
  await kg.waitForFunction(() => /Free places withdrawn/.test(document.querySelector("#seats-status")?.textContent ?? ""));
  await noAxeViolations(kg, "after the keyboard flow");
  assert.deepEqual([...errors, ...second.errors], []);
  await second.context.close();
});
