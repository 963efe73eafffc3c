// The citizen page against the real backend in demo mode: the form filled wrongly and rightly in
// each language, submission, the position from the snapshot, the demo clock moved to the 07:00
// window, a claim, the referral countdown, and a cancel. axe-core checks every state; the whole
// flow is also done by keyboard alone. Screenshots go to test-output/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, launch, openPage, screenshot, startServer } from "./harness.mjs";

let server, chrome;
before(async () => { server = await startServer(); chrome = await launch(); });
after(async () => { await chrome?.close(); server?.stop(); });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** A synthetic IIN (never a real one): `yymmdd`, century/sex digit, a serial, and its check digit. */
function iin(yymmdd, centurySex, serial = 0) {
  for (let s = serial; s < serial + 1000; s++) {
    const first = `${yymmdd}${centurySex}${String(s).padStart(4, "0")}`;
    const d = [...first].map(Number);
    let sum = d.reduce((acc, x, i) => acc + x * (i + 1), 0) % 11;
    if (sum === 10) sum = d.reduce((acc, x, i) => acc + x * [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2][i], 0) % 11;
    if (sum !== 10) return `${first}${sum}`;
  }
  throw new Error("no IIN");
}

const TITLES = { en: "Error:", ru: "Ошибка:", kk: "Қате:" };
const SUMMARY = { en: "There is a problem", ru: "Есть ошибки", kk: "Қате бар" };

async function ready(viewport = DESKTOP) {
  const { page, errors } = await openPage(chrome.browser, server.url, viewport);
  await page.waitForSelector("#apply:not([hidden])");
  return { page, errors };
}

const field = (name) => `#f-${name.replaceAll(".", "-")}`;

async function noAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe: ${state}`);
}

async function fillValid(page, serial) {
  await page.fill(field("applicant.lastName"), "Омарова");
  await page.fill(field("applicant.firstName"), "Айгүл");
  await page.fill(field("applicant.iin"), iin("900510", 4, serial));
  await page.fill(field("applicant.address"), "Абай даңғылы, 1");
  await page.selectOption(field("applicant.locality"), "750000000");
  await page.fill(field("child.lastName"), "Омаров");
  await page.fill(field("child.firstName"), "Nurlan");
  await page.fill(field("child.iin"), iin("220514", 5, serial));
  await page.check(`${field("category")}-none`);
  await page.fill(field("notifications.phones.0"), "8 (701) 123-45-67");
  await page.check(field("consent"));
}

for (const lang of ["en", "ru", "kk"]) {
  test(`the form in ${lang}: errors late, cleared early, summary on submit, then a receipt`, async () => {
    const { page, errors } = await ready(lang === "en" ? DESKTOP : PHONE);
    await page.click(`[data-lang=${lang}]`);
    // Typing alone never shows a new error ("punish late").
    await page.fill(field("applicant.iin"), "123");
    assert.equal(await page.isVisible(`${field("applicant.iin")}-error`), false);
    // Leaving the field does.
    await page.locator(field("applicant.iin")).blur();
    await page.waitForSelector(`${field("applicant.iin")}-error:not([hidden])`);
    assert.equal(await page.getAttribute(field("applicant.iin"), "aria-invalid"), "true");
    assert.match(await page.getAttribute(field("applicant.iin"), "aria-describedby"), /f-applicant-iin-error/);
    // Fixing it clears the error at once, before leaving the field ("reward early").
    await page.fill(field("applicant.iin"), iin("900510", 4, 7));
    assert.equal(await page.isVisible(`${field("applicant.iin")}-error`), false);

    // Submitting an incomplete form: the summary takes focus and links to each field.
    await page.click("#submit");
    await page.waitForSelector("#error-summary:not([hidden])");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "error-summary");
    assert.equal(await page.textContent("#error-summary-title"), SUMMARY[lang]);
    assert.ok((await page.title()).startsWith(TITLES[lang]), await page.title());
    const links = await page.$$eval("#error-summary-list a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.length >= 5, `${links.length} errors`);
    await page.click("#error-summary-list a >> nth=0");
    assert.equal(await page.evaluate(() => document.activeElement?.id), links[0].slice(1));
    await noAxeViolations(page, `errors ${lang}`);
    await screenshot(page, `form-errors-${lang}-${lang === "en" ? "desktop" : "phone"}`);

    // Answers are kept through a language switch, and the messages follow the language.
    const other = lang === "en" ? "ru" : "en";
    await page.click(`[data-lang=${other}]`);
    assert.equal(await page.inputValue(field("applicant.iin")), iin("900510", 4, 7));
    assert.equal(await page.textContent("#error-summary-title"), SUMMARY[other]);
    await page.click(`[data-lang=${lang}]`);

    await fillValid(page, 10 + ["en", "ru", "kk"].indexOf(lang));
    // The live checklist follows the category.
    await page.check(`${field("category")}-teacher`);
    await page.waitForSelector('#checklist-body [data-id="teacher_workplace_certificate"]');
    await page.fill(field("documents.workplace"), "2026-11-10");
    await page.check(`${field("category")}-none`);
    assert.equal(await page.$('#checklist-body [data-id="teacher_workplace_certificate"]'), null);

    await page.click("#submit");
    await page.waitForSelector("#track:not([hidden])");
    assert.match(await page.textContent("#receipt-number"), /^\d{13}$/);
    assert.match(await page.textContent("#receipt-originals"), /^\d{4}-\d{2}-\d{2}$/);
    await page.waitForSelector("#positions .position .big");
    assert.equal((await page.title()).startsWith(TITLES[lang]), false);
    await noAxeViolations(page, `receipt ${lang}`);
    await screenshot(page, `receipt-${lang}-${lang === "en" ? "desktop" : "phone"}`);
    assert.deepEqual(errors, []);
  });
}

test("from receipt to a claimed seat and a cancelled referral, with live countdowns", async () => {
  const { page, errors } = await ready();
  await page.click("[data-lang=en]");
  await fillValid(page, 40);
  await page.click("#submit");
  await page.waitForSelector("#positions .position .big");
  assert.match(await page.textContent("#positions .big"), /^Queue number \d+ of \d+$/);
  assert.match(await page.textContent("#positions .position"), /Applications ahead of you: \d+ out-of-turn, \d+ priority, \d+ general/);
  // Originals are due: the countdown ticks every second without re-rendering the list.
  await page.waitForSelector("#countdown-main");
  const item = await page.$("#countdowns li");
  const before = await page.textContent("#countdown-main");
  assert.match(before, /working day/i);
  await page.waitForTimeout(1200);
  assert.ok(await item.evaluate((li) => li.isConnected), "the countdown updates in place");
  assert.equal(await page.getAttribute("#countdowns", "aria-live"), null, "ticks are not announced");

  // Demo: the provider confirms the originals, then the clock moves to the 07:00 window.
  await page.click("#demo-originals");
  await page.waitForFunction(() => document.querySelector("#timeline .current")?.textContent === "In the queue");
  await page.click('[data-advance="next_window"]');
  await page.waitForSelector("#vacancies-panel:not([hidden]) .vacancy button");
  await noAxeViolations(page, "window open");
  await screenshot(page, "window-open-desktop");

  // A double click sends one claim.
  const claims = [];
  page.on("request", (r) => { if (r.url().endsWith("/api/claims")) claims.push(r); });
  await page.dblclick("#vacancies .vacancy button >> nth=0");
  await page.waitForSelector("#referral-panel:not([hidden])");
  assert.equal(claims.length, 1);
  assert.match(await page.textContent("#countdown-main"), /working day|hour/i);
  assert.equal(await page.textContent("#timeline .current"), "Referral issued");
  await noAxeViolations(page, "referral");
  await screenshot(page, "referral-desktop");

  await page.click("#cancel-referral");
  await page.waitForFunction(() => document.querySelector("#track-status")?.textContent === "The referral is cancelled");
  await page.waitForSelector("#referral-panel", { state: "hidden" });
  await noAxeViolations(page, "cancelled");
  assert.deepEqual(errors, []);
});

test("a failed submission keeps the answers and offers a retry that sends the same request", async () => {
  const { page } = await ready();
  await page.click("[data-lang=en]");
  await fillValid(page, 90);
  const keys = [];
  let failNext = true;
  await page.route("**/api/applications", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    if (failNext) {
      failNext = false;
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  await page.click("#submit");
  await page.waitForSelector("#notice:not([hidden])");
  assert.match(await page.textContent("#notice-text"), /could not reach the service/);
  assert.equal(await page.inputValue(field("child.firstName")), "Nurlan", "answers are kept");
  await noAxeViolations(page, "backend failure");
  await page.click("#notice-retry");
  await page.waitForSelector("#track:not([hidden])");
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], "the retry carries the same Idempotency-Key");
});

test("a referral can be extended once with a reason", async () => {
  const { page, errors } = await ready();
  await page.click("[data-lang=ru]");
  await fillValid(page, 95);
  await page.click("#submit");
  await page.waitForSelector("#positions .position .big");
  await page.click("#demo-originals");
  await page.click('[data-advance="next_window"]');
  await page.waitForSelector("#vacancies .vacancy button");
  await page.click("#vacancies .vacancy button >> nth=0");
  await page.waitForSelector("#referral-panel:not([hidden])");
  await page.selectOption("#extend-reason", "business_trip");
  await page.click("#extend-referral");
  await page.waitForFunction(() => document.querySelector("#track-status")?.textContent === "Срок действия направления продлён");
  await page.waitForSelector("#extend-referral:disabled");
  assert.match(await page.textContent("#countdown-main"), /дн|час/i);
  assert.deepEqual(errors, []);
});

test("the public register confirms the place, and a rewritten register hides it with a warning", async () => {
  const { page, errors } = await ready();
  await page.click("[data-lang=en]");
  await fillValid(page, 120);
  await page.click("#submit");
  await page.waitForSelector("#positions .position .big");
  assert.equal(await page.getAttribute("#register", "class"), "register confirmed");
  assert.match(await page.textContent("#register"), /^Your queue number is confirmed by the public register as of \d{4}-\d{2}-\d{2}/);
  const seen = await page.evaluate(() => localStorage.getItem("kezek.checkpoint:kezek.egov.kz/demo/log"));
  assert.match(seen, /^kezek\.egov\.kz\/demo\/log\n\d+\n/);

  // A second provider run signs with the same key but holds another history: a fork. A browser
  // that saw the first one must refuse to show a position from the second.
  const other = await startServer();
  try {
    const { page: forked } = await openPage(chrome.browser, other.url, DESKTOP);
    await forked.evaluate((cp) => localStorage.setItem("kezek.checkpoint:kezek.egov.kz/demo/log", cp), seen);
    await forked.reload();
    await forked.waitForSelector("#apply:not([hidden])");
    await forked.click("[data-lang=en]");
    await fillValid(forked, 121);
    await forked.click("#submit");
    await forked.waitForSelector("#register.rewritten, #register.invalid");
    assert.match(await forked.textContent("#register"), /^Warning/);
    assert.equal(await forked.$("#positions .position"), null, "no position from a rewritten register");
    await noAxeViolations(forked, "register warning");
    await screenshot(forked, "register-warning-desktop");
    // The remembered checkpoint is kept, so the fork stays visible on the next visit too.
    assert.equal(await forked.evaluate(() => localStorage.getItem("kezek.checkpoint:kezek.egov.kz/demo/log")), seen);
  } finally {
    other.stop();
  }
  assert.deepEqual(errors, []);
});

test("the whole flow by keyboard alone", async () => {
  const { page, errors } = await ready(PHONE);
  const press = (key, times = 1) => page.keyboard.press(key, { delay: 0 }).then(() => (times > 1 ? press(key, times - 1) : undefined));
  /** Tabs until the element matching `selector` has focus. */
  async function tabTo(selector, limit = 80) {
    for (let i = 0; i < limit; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await press("Tab");
    }
    throw new Error(`could not reach ${selector} by Tab`);
  }
  await tabTo('[data-lang="en"]');
  await press("Enter");
  const type = async (name, text) => { await tabTo(field(name)); await page.keyboard.type(text); };
  await type("applicant.lastName", "Омарова");
  await type("applicant.firstName", "Айгүл");
  await type("applicant.iin", iin("900510", 4, 60));
  await type("applicant.address", "Абай даңғылы, 1");
  await tabTo(field("applicant.locality"));
  await press("ArrowDown");
  await type("child.lastName", "Омаров");
  await type("child.firstName", "Нұрлан");
  await type("child.iin", iin("220514", 5, 60));
  await tabTo(`${field("category")}-none`);
  await press("Space");
  await type("notifications.phones.0", "+7 701 123 45 67");
  await tabTo(field("consent"));
  await press("Space");
  await tabTo("#submit");
  await press("Enter");
  await page.waitForSelector("#positions .position .big");
  await tabTo("#demo-originals");
  await press("Enter");
  await page.waitForFunction(() => document.querySelector("#timeline .current")?.textContent === "In the queue");
  await tabTo('[data-advance="next_window"]');
  await press("Enter");
  await page.waitForSelector("#vacancies .vacancy button");
  await tabTo("#vacancies .vacancy button");
  await press("Enter");
  await page.waitForSelector("#referral-panel:not([hidden])");
  await tabTo("#cancel-referral");
  await press("Enter");
  await page.waitForFunction(() => document.querySelector("#track-status")?.textContent === "The referral is cancelled");
  await screenshot(page, "keyboard-cancelled-phone");
  assert.deepEqual(errors, []);
});

test("nothing personal is kept in browser storage", async () => {
  const { page } = await ready();
  await fillValid(page, 80);
  await page.click("#submit");
  await page.waitForSelector("#positions .position .big");
  const stored = await page.evaluate(async () => {
    const dbs = (await indexedDB.databases?.()) ?? [];
    return { local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), dbs: dbs.length };
  });
  assert.equal(stored.dbs, 0);
  for (const text of [stored.local, stored.session]) {
    assert.equal(/Омар|\d{12}/.test(text), false, text);
  }
});
