// The citizen page to a government-service standard (issue 13), against the real backend in demo
// mode: from an empty form through "check your answers" (with "Change" links that come back)
// to a printable confirmation, in each language; the Appendix 3 refusal receipt; the
// accessibility statement; queues and dates in words; the referral explained on the position
// card; "access closed" saying when the next chance comes; a failed load and a busy service
// said in the chosen language; how the queue number moved and when access is likely to come,
// with the method; and the page offline (the network cut in Playwright, the service worker
// serving the page and the package). axe-core checks every state; phone and desktop
// screenshots (and PDFs of the printed receipts) go to test-output/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OUTPUT, ROOT, axeViolations, chooseLanguage, launch, openPage, screenshot, startServer, field, fillValid } from "./harness.mjs";

let server, chrome;
before(async () => { server = await startServer(); chrome = await launch(); });
after(async () => { await chrome?.close(); server?.stop(); });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const size = (viewport) => (viewport === PHONE ? "phone" : "desktop");

/** Demo people (server/demo/people.json) and a child the demo civil registry links to each.
 * This file runs its own server, so one application per child and queue holds per test. */
const PEOPLE = {
  aigul: { name: ["Омарова", "Айгүл"], child: "220310541020" },
  olga: { name: ["Смирнова", "Ольга"], child: "221104645220" },
  marat: { name: ["Жақсылықов", "Марат"], child: "230305545127" },
  daniyar: { name: ["Оспанов", "Данияр"], child: "230912545325" },
  zhanna: { name: ["Ким", "Жанна"], child: "240402545423" },
  dmitry: { name: ["Ким", "Дмитрий"], child: "211201642023" },
  aliya: { name: ["Nurlanova", "Aliya"], child: "220915543026" },
};

const MOMENT = /\d\d\.\d\d\.\d{4}, \d\d:\d\d \((Astana time|время Астаны|Астана уақыты)\)/;

async function noAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe: ${state}`);
}

async function ready(viewport = DESKTOP, path = "", options = {}) {
  const { page, errors } = await openPage(chrome.browser, `${server.url}${path}`, viewport, options);
  await page.waitForSelector("#apply:not([hidden]), #track:not([hidden])");
  return { page, errors };
}

async function signIn(page, account) {
  await page.click((await page.isVisible("#sign-in-form")) ? "#sign-in-form" : "#sign-in");
  await page.waitForSelector("select#login");
  await page.selectOption("#login", account);
  await page.click('form[action$="/login"] button[type=submit]');
  await page.waitForSelector("#who:not([hidden])");
  await page.waitForSelector("#apply:not([hidden]), #track:not([hidden])");
}

/** Signs in, applies for the person's child through "check your answers", waits for the tracker. */
async function apply(page, account) {
  await signIn(page, account);
  await fillValid(page, PEOPLE[account].child);
  await page.click("#submit");
  await page.waitForSelector("#check:not([hidden])");
  await page.click("#send");
  await page.waitForSelector("#track:not([hidden]) #register.confirmed");
  return page.textContent("#track-number");
}

/** Moves the demo clock to the next access to referrals until this application has it. */
async function untilAccess(page) {
  for (let i = 0; i < 8; i++) {
    if (await page.isVisible("#vacancies-panel:not([hidden]) .vacancy button:not([disabled])")) return;
    const before = await page.textContent("#demo-now");
    await page.click('[data-advance="next_window"]');
    await page.waitForFunction((b) => document.querySelector("#demo-now")?.textContent !== b, before);
  }
  assert.fail("no access to referrals after 8 working days");
}

/** The page as printed (the browser's "save as PDF"), written to test-output/NAME.pdf. */
async function printed(page, name, check) {
  await page.emulateMedia({ media: "print" });
  try {
    await check();
    mkdirSync(OUTPUT, { recursive: true });
    await page.pdf({ path: join(OUTPUT, `${name}.pdf`), format: "A4", printBackground: true });
  } finally {
    await page.emulateMedia({ media: "screen" });
  }
}

const TEXT = {
  check: { kk: "Өтінішті жібермес бұрын жауаптарыңызды тексеріңіз", ru: "Проверьте ответы перед отправкой заявления", en: "Check your answers before sending your application" },
  change: { kk: "Өзгерту", ru: "Изменить", en: "Change" },
  yes: { kk: "Иә", ru: "Да", en: "Yes" },
  received: { kk: "Өтініш қабылданды", ru: "Заявление принято", en: "Application received" },
  next: { kk: "Бұдан әрі не болады", ru: "Что будет дальше", en: "What happens next" },
  refusal: { kk: "Құжаттарды қабылдаудан бас тарту туралы қолхат", ru: "Расписка об отказе в приёме документов", en: "Receipt of refusal to accept documents" },
  statement: {
    kk: "Балабақшаға кезек қызметінің қолжетімділігі туралы мәлімдеме",
    ru: "Заявление о доступности услуги постановки на очередь в детский сад",
    en: "Accessibility statement for the kindergarten queue service",
  },
};

for (const [lang, account, viewport, queue] of [
  ["kk", "aigul", PHONE, "Алматы, 2022 жылы туған балалар, жалпы кезек"],
  ["ru", "olga", DESKTOP, "Алматы, дети 2022 года рождения, общая очередь"],
  ["en", "marat", PHONE, "Almaty, children born in 2023, general queue"],
]) {
  test(`from an empty form through checking the answers to a printable confirmation, in ${lang}`, async () => {
    const { page, errors } = await ready(viewport, `?lang=${lang}`);
    await signIn(page, account);
    // Localities are named in the page's language.
    const localities = await page.$$eval(`${field("applicant.locality")} option`, (os) => os.slice(1).map((o) => o.textContent));
    assert.deepEqual(localities, lang === "en" ? ["Almaty", "Astana", "Shymkent"] : ["Алматы", "Астана", "Шымкент"]);
    await fillValid(page, PEOPLE[account].child);

    // "Continue" leads to "check your answers", in the URL (so Back returns to the form).
    await page.click("#submit");
    await page.waitForSelector("#check:not([hidden])");
    assert.match(page.url(), /[?&]step=check/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "check-title");
    assert.equal(await page.textContent("#check-title"), TEXT.check[lang]);
    assert.equal(await page.title(), TEXT.check[lang]);
    assert.equal(await page.isVisible("#form"), false);
    assert.equal(await page.isVisible("#mine"), false, "nothing beside the answers");
    const row = (name) => `#check-lists [data-field="${name}"]`;
    assert.equal(await page.textContent(`${row("child.iin")} dd`), PEOPLE[account].child);
    assert.equal(await page.textContent(`${row("applicant.locality")} dd`), lang === "en" ? "Almaty" : "Алматы");
    assert.equal(await page.textContent(`${row("consent")} dd`), TEXT.yes[lang]);
    // The applicant's name and IIN come from the sign-in: shown, not changeable here.
    assert.equal(await page.$(`${row("applicant.iin")} a`), null);
    assert.match(await page.textContent(`${row("child.firstName")} a`), new RegExp(`^${TEXT.change[lang]}`));
    await noAxeViolations(page, `check your answers ${lang}`);
    await screenshot(page, `check-answers-${lang}-${size(viewport)}`);

    // "Change" opens the form at that answer; "Continue" comes back with the new answer.
    await page.click(`${row("child.firstName")} a`);
    await page.waitForSelector("#form:visible");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "f-child-firstName");
    await page.fill(field("child.firstName"), "Нұрлан");
    await page.click("#submit");
    await page.waitForSelector("#check:not([hidden])");
    assert.equal(await page.textContent(`${row("child.firstName")} dd`), "Нұрлан");
    // Back returns to the form, Forward to the answers.
    await page.goBack();
    await page.waitForSelector("#form:visible");
    await page.goForward();
    await page.waitForSelector("#check:not([hidden])");

    // Sent: the confirmation with the number, what happens next and when, help and print.
    await page.click("#send");
    await page.waitForSelector("#track:not([hidden]) #register.confirmed");
    const number = await page.textContent("#track-number");
    assert.match(number, /^\d{13}$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "receipt");
    assert.equal(await page.textContent("#receipt h2"), TEXT.received[lang]);
    assert.equal(await page.textContent("#receipt-number"), number);
    assert.match(await page.textContent("#next-steps h2"), new RegExp(TEXT.next[lang]));
    const next = await page.$$eval("#next-list li", (lis) => lis.map((li) => li.textContent));
    assert.ok(next.length >= 2 && next.every((line) => MOMENT.test(line)), next.join(" | "));
    assert.match(await page.textContent("#next-steps"), /1414/);
    assert.equal(await page.getAttribute("#feedback", "href"), "mailto:feedback@example.org?subject=kezek");
    assert.equal(await page.textContent("#track-queue"), queue);
    await page.waitForSelector("#positions .position .big");
    await noAxeViolations(page, `confirmation ${lang}`);
    await screenshot(page, `confirmation-${lang}-${size(viewport)}`);
    await printed(page, `confirmation-${lang}`, async () => {
      assert.equal(await page.isVisible("#receipt"), true);
      assert.equal(await page.isVisible("#next-list"), true);
      for (const hidden of [".bar", "[data-print]", "#demo-panel", "#actions-panel", ".foot"]) {
        assert.equal(await page.isVisible(hidden), false, `${hidden} is not printed`);
      }
    });
    // A reload shows the tracker without the confirmation.
    await page.reload();
    await page.waitForSelector("#track:not([hidden]) #register.confirmed");
    assert.equal(await page.isVisible("#receipt"), false);
    assert.equal(await page.isVisible("#next-steps"), false);
    assert.deepEqual(errors, []);
  });
}

test("the answers are checked and changed with the keyboard alone", async () => {
  const { page, errors } = await ready(PHONE, "?lang=en");
  await signIn(page, "daniyar");
  await fillValid(page, PEOPLE.daniyar.child);
  await page.focus("#submit");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#check:not([hidden])");
  // Tab from the title to the child's first name's "Change", Enter, type, Enter again.
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate(() => document.activeElement?.closest("[data-field]")?.dataset.field === "child.firstName")) break;
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "A");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-child-firstName");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Дамир");
  await page.keyboard.press("Enter"); // submits the form: "Continue"
  await page.waitForSelector("#check:not([hidden])");
  assert.equal(await page.textContent('#check-lists [data-field="child.firstName"] dd'), "Дамир");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "check-title");
  assert.deepEqual(errors, []);
});

test("missing documents give the Appendix 3 receipt, printable, in three languages", async () => {
  const { page, errors } = await ready(DESKTOP, "?lang=en");
  await signIn(page, "daniyar");
  await fillValid(page, PEOPLE.daniyar.child);
  // The service refuses for documents only it can see missing (rules 5-6).
  const refused = "Certificate from the teacher's workplace, signed and stamped by the head of the education organisation: no longer valid";
  await page.route("**/api/applications", (route) => route.fulfill({
    status: 422, json: { errors: [{ field: "documents", code: "documents.missing", message: refused }] },
  }));
  await page.click("#submit");
  await page.waitForSelector("#check:not([hidden])");
  await page.click("#send");
  await page.waitForSelector("#refusal:not([hidden])");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "refusal-title");
  assert.equal(await page.textContent("#refusal-applicant"), PEOPLE.daniyar.name.join(" "));
  assert.match(await page.textContent("#refusal-at"), MOMENT);
  assert.deepEqual(await page.$$eval("#refusal-list li", (lis) => lis.map((li) => li.textContent)), [refused]);
  assert.equal(await page.isVisible("#track"), false, "nothing was submitted");
  for (const lang of ["en", "ru", "kk"]) {
    await chooseLanguage(page, lang);
    assert.equal((await page.innerText("#refusal-title")).trim(), TEXT.refusal[lang]);
    await noAxeViolations(page, `refusal receipt ${lang}`);
  }
  await screenshot(page, "refusal-receipt-kk-desktop");
  await printed(page, "refusal-receipt-kk", async () => {
    assert.equal(await page.isVisible("#refusal-list"), true);
    assert.equal(await page.isVisible("#refusal-back"), false);
    assert.equal(await page.isVisible(".bar"), false);
  });
  // Back to the application: every answer is still there.
  await page.click("#refusal-back");
  await page.waitForSelector("#form:visible");
  assert.equal(await page.inputValue(field("child.iin")), PEOPLE.daniyar.child);
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
});

test("the accessibility statement, from the footer, in three languages", async () => {
  const { page, errors } = await ready(PHONE, "?lang=ru");
  await page.click("#accessibility-link");
  await page.waitForSelector("article h1:visible");
  assert.match(page.url(), /\/accessibility\.html\?lang=ru$/);
  for (const lang of ["ru", "kk", "en"]) {
    await chooseLanguage(page, lang);
    assert.equal(await page.textContent("article:visible h1"), TEXT.statement[lang]);
    const text = await page.textContent("article:visible");
    for (const part of ["WCAG 2.2", "axe-core", "1414", "2.2.2"]) assert.ok(text.includes(part), `${lang}: ${part}`);
    assert.equal(await page.$$eval("article:visible", (as) => as.length), 1);
    await noAxeViolations(page, `accessibility statement ${lang}`);
    await screenshot(page, `accessibility-${lang}-phone`);
  }
  await page.click("#back-to-service");
  await page.waitForSelector("#apply:not([hidden])");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.deepEqual(errors, []);
});

/** The glossary's forbidden words (docs/glossary.md), by language. */
function forbiddenWords() {
  const glossary = readFileSync(join(ROOT, "docs/glossary.md"), "utf8");
  const table = glossary.split("<!-- glossary-check:forbidden:begin -->")[1].split("<!-- glossary-check:forbidden:end -->")[0];
  const rows = table.split("\n").filter((l) => l.startsWith("|")).slice(2).map((l) => l.split("|").map((c) => c.trim()));
  return rows.map(([, lang, never]) => ({ lang, word: /`([^`]+)`/.exec(never)[1].toLowerCase() }));
}

test("the pages' static texts follow the glossary too", async () => {
  const forbidden = forbiddenWords();
  assert.ok(forbidden.length >= 20, "the glossary's table was read");
  for (const path of ["/?lang=en", "/accessibility.html?lang=en"]) {
    const { page } = await openPage(chrome.browser, `${server.url}${path}`);
    const texts = await page.$$eval("[data-l]", (els) => els.map((e) => [e.dataset.l, e.textContent.replace(/\s+/g, " ")]));
    assert.ok(texts.length >= 9, `${path}: ${texts.length} static texts`);
    const broken = [];
    for (const [lang, text] of texts) {
      for (const f of forbidden.filter((x) => x.lang === lang)) {
        // At the start of a word, as the catalogs' test reads it.
        const at = text.toLowerCase().indexOf(f.word);
        const starts = (i) => i === 0 || !/\p{L}/u.test(text[i - 1]);
        for (let i = at; i >= 0; i = text.toLowerCase().indexOf(f.word, i + 1)) {
          if (starts(i)) broken.push(`${path} [${lang}] says «${f.word}»: ${text.slice(Math.max(0, i - 30), i + 40)}`);
        }
      }
    }
    assert.deepEqual(broken, []);
    // Every static text exists in the three languages (as many of each).
    const count = (l) => texts.filter(([x]) => x === l).length;
    assert.deepEqual([count("kk"), count("ru")], [count("en"), count("en")], path);
  }
});

test("a failed page load and a busy service are explained in the chosen language", async () => {
  const expected = {
    kk: "Бет жүктелмеді. Желіге қосылымды тексеріп, бетті қайта жүктеңіз.",
    ru: "Страница не загрузилась. Проверьте подключение к сети и обновите страницу.",
    en: "The page did not load. Check your connection and reload the page.",
  };
  for (const [lang, viewport] of [["kk", PHONE], ["ru", DESKTOP], ["en", PHONE]]) {
    const page = await chrome.browser.newPage({ viewport, serviceWorkers: "block" });
    await page.route("**/pkg/kezek_bg.wasm", (route) => route.abort("connectionfailed"));
    await page.goto(`${server.url}?lang=${lang}`);
    await page.waitForSelector("#load-failed:not([hidden])");
    assert.equal(await page.getAttribute("html", "lang"), lang);
    assert.ok((await page.innerText("#load-failed")).startsWith(expected[lang]), await page.innerText("#load-failed"));
    assert.equal(await page.isVisible("#loading"), false);
    await noAxeViolations(page, `load failed ${lang}`);
    await screenshot(page, `load-failed-${lang}-${size(viewport)}`);
    await page.close();
  }
  // A busy service says so in the page's language: the backend's own words for its refusal (the
  // package's catalogs leave those texts to the backend, which writes them in the request's
  // language), after the client has tried three times.
  const { page, errors } = await ready(DESKTOP, "?lang=ru");
  const asked = [];
  await page.route("**/api/me/applications", (route) => {
    asked.push(route.request().headers()["accept-language"]);
    return route.fulfill({
      status: 503, headers: { "retry-after": "1" }, json: { errors: [{ field: "", code: "db.busy", message: BUSY_RU }] },
    });
  });
  await signIn(page, "erlan");
  await page.waitForSelector("#notice:not([hidden])");
  assert.equal(await page.textContent("#notice-text"), BUSY_RU);
  assert.deepEqual(asked, ["ru", "ru", "ru"], "three attempts, each asking for Russian");
  await noAxeViolations(page, "busy service");
  assert.deepEqual(errors.filter((e) => !/status of 503/.test(e)), []);
});

/** What the backend says for `db.busy` in Russian (src/i18n/ru.rs). */
const BUSY_RU = "Сервис сейчас занят: повторите через несколько секунд";

test("the position card explains a referral, and a closed access says when the next chance comes", async () => {
  const { page, errors } = await ready(DESKTOP, "?lang=en");
  await apply(page, "aliya");
  await untilAccess(page);
  // The service's clock moves past the 3 working days while this page still offers places.
  await page.evaluate(() => fetch("/api/demo/clock", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: "P7D" }) }));
  await page.click("#vacancies .vacancy button:not([disabled]) >> nth=0");
  await page.waitForFunction(() => /access to referrals/i.test(document.querySelector("#track-status")?.textContent ?? ""));
  const said = await page.textContent("#track-status");
  assert.match(said, /access to referrals/i);
  assert.match(said, MOMENT, `the next chance, with its time: ${said}`);
  await noAxeViolations(page, "access closed");
  await screenshot(page, "access-closed-desktop");

  // Interest confirmed again, the next access, a referral: the card says what it means.
  await page.click("#demo-panel [data-advance=PT1H]");
  await page.waitForSelector("#confirm-interest");
  await page.click("#confirm-interest");
  await page.waitForFunction(() => document.querySelector("#status-title")?.textContent === "In the queue");
  await untilAccess(page);
  await page.click("#vacancies .vacancy button:not([disabled]) >> nth=0");
  await page.waitForSelector("#referral-panel:not([hidden])");
  await page.waitForSelector('#positions [data-why="queue.referred"]');
  assert.match(await page.textContent("#positions"), /^You have a referral: a place in a kindergarten is held for you/);
  assert.equal(await page.isVisible("#estimate"), false, "no estimate once referred");
  await chooseLanguage(page, "kk");
  assert.match(await page.textContent("#positions"), /^Сізге жолдама берілді/);
  await noAxeViolations(page, "referral card kk");
  assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
});

test("how the queue number moved and when access is likely to come, with the method, in three languages", async () => {
  const { page, errors } = await ready(DESKTOP, "?lang=en");
  const number = await apply(page, "zhanna");
  await page.waitForSelector("#estimate:not([hidden])");
  // The demo's bulletins cover a day: too little to estimate, and said so.
  assert.equal(await page.getAttribute("#estimate", "data-kind"), "unknown");
  assert.equal(await page.isVisible("#estimate-unknown"), true);
  const n = Number((await page.textContent("#positions .big")).match(/\d+/)[0]);

  // An earlier visit, 20 working days ago, saw the number 45 higher (kept as the page keeps it).
  const earlier = await page.evaluate(async () => {
    // The page runs its own bundled copy of the package (www/build/citizen.js): this module is a
    // second one, started here.
    const { default: init, addWorkingDays } = await import("/pkg/kezek.js");
    await init({ module_or_path: "/pkg/kezek_bg.wasm" });
    const key = Object.keys(localStorage).find((k) => k.startsWith("kezek.seen:"));
    const record = JSON.parse(localStorage.getItem(key));
    const on = addWorkingDays(record.last.on, -20);
    localStorage.setItem(key, JSON.stringify({ last: { ...record.last, on, n: record.last.n + 45 } }));
    return on;
  });
  await page.reload();
  await page.waitForSelector('#estimate[data-kind="between"]');
  const [y, m, d] = earlier.split("-");
  assert.equal(await page.textContent("#positions .moved"), `Last time you looked (${d}.${m}.${y}) your queue number was ${n + 45}; now it is ${n}.`);
  assert.equal(await page.getAttribute("#estimate", "data-basis"), "snapshots");
  assert.match(await page.textContent("#estimate-text"), /^Access to referrals is likely to reach you between \d\d\.\d\d\.\d{4} and \d\d\.\d\d\.\d{4}\.$/);
  assert.match(await page.textContent("#estimate-method"), /fell by 45 in 20 working days/);
  assert.equal(await page.isVisible("#estimate-caveat"), true);
  await noAxeViolations(page, "estimate from snapshots");
  await screenshot(page, "estimate-en-desktop");
  for (const [lang, words] of [["ru", /^Доступ к получению направления, вероятно, откроется вам в период с/], ["kk", /^Жолдама алуға қолжетімділік сізге шамамен/]]) {
    await chooseLanguage(page, lang);
    assert.match(await page.textContent("#estimate-text"), words);
    assert.match(await page.textContent("#positions .moved"), new RegExp(`${n + 45}.*${n}`));
    await noAxeViolations(page, `estimate ${lang}`);
  }

  // Without an earlier visit: the bulletins of free places, when they cover enough days (a
  // year of history for every group of the locality, as a service that has run a year gives).
  await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith("kezek.seen:")) localStorage.removeItem(k); });
  await page.route("**/api/bulletin", async (route) => {
    const response = await route.fetch();
    const bulletin = await response.json();
    const history = [];
    for (let day = 1; day <= 250; day += 7) {
      const on = new Date(Date.parse(bulletin.publishedOn) - day * 86_400_000).toISOString().slice(0, 10);
      for (const v of bulletin.vacancies.filter((x) => x.groupKind === "general")) history.push({ ...v, id: `${v.id}-h${day}`, publishedOn: on, free: 0 });
    }
    await route.fulfill({ response, json: { ...bulletin, vacancies: [...bulletin.vacancies, ...history] } });
  });
  await page.reload();
  await page.waitForSelector('#estimate[data-basis="bulletins"]');
  assert.match(await page.textContent("#estimate-method"), /бос орындар бюллетендерінде/);
  await chooseLanguage(page, "en");
  assert.match(await page.textContent("#estimate-method"), /^How we estimate: the bulletins of free places published \d+ places for your child's age group and hours of stay in \d+ working days; \d+ are needed to reach you/);
  await noAxeViolations(page, "estimate from bulletins");
  assert.equal(await page.textContent("#track-number"), number);
  assert.deepEqual(errors, []);
});

test("offline: the page and the package from the service worker, the form validates, the tracker shows the last verified state", async () => {
  const { page, errors } = await ready(PHONE, "?lang=en", { serviceWorkers: "allow" });
  const context = page.context();
  await signIn(page, "dmitry");
  await page.waitForFunction(() => navigator.serviceWorker?.controller);
  await fillValid(page, PEOPLE.dmitry.child);

  // The network goes: the form still validates, "check your answers" still works, sending
  // fails with the answers kept; when the network is back, a retry sends them.
  await context.setOffline(true);
  await page.fill(field("child.iin"), "123");
  await page.locator(field("child.iin")).blur();
  await page.waitForSelector(`${field("child.iin")}-error:not([hidden])`);
  await page.fill(field("child.iin"), PEOPLE.dmitry.child);
  await page.click("#submit");
  await page.waitForSelector("#check:not([hidden])");
  await page.click("#send");
  await page.waitForSelector("#notice:not([hidden])");
  assert.match(await page.textContent("#notice-text"), /could not reach the service.*answers are kept/);
  await noAxeViolations(page, "offline send");
  await context.setOffline(false);
  await page.waitForSelector("#back-online:not([hidden])");
  await page.click("#notice-retry");
  await page.waitForSelector("#track:not([hidden]) #register.confirmed");
  const queueNumber = (await page.textContent("#positions .big")).match(/\d+ of \d+/)[0];

  // Offline, a reload comes from the service worker: the last verified state, with its date.
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("#track:not([hidden])");
  await page.waitForSelector("#track-offline:not([hidden])");
  assert.match(await page.textContent("#track-offline"), /^You are offline\. This is the last verified information, as of \d\d\.\d\d\.\d{4}, \d\d:\d\d \(Astana time\)/);
  assert.equal(await page.textContent("#status-title"), "In the queue");
  assert.equal(await page.textContent("#positions .big"), `Queue number ${queueNumber}`);
  assert.equal(await page.textContent("#track-queue"), "Almaty, children born in 2021, general queue");
  await noAxeViolations(page, "tracker offline");
  await screenshot(page, "offline-tracker-en-phone");

  // Offline, the form loads and validates in another language.
  await page.goto(`${server.url}?lang=kk`);
  await page.waitForSelector("#apply:not([hidden]) #form");
  await page.fill(field("child.iin"), "200229600007");
  await page.locator(field("child.iin")).blur();
  await page.waitForSelector(`${field("child.iin")}-error:not([hidden])`);
  assert.match(await page.textContent(`${field("child.iin")}-error`), /ЖСН/);
  await noAxeViolations(page, "form offline kk");
  await screenshot(page, "offline-form-kk-phone");
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|status of 401/.test(e)), []);
});
