// The foundation page in headless Chromium: the IIN and working-day widgets, in each language,
// hostile calls from JavaScript that must not trap the module, and axe-core checks.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, chooseLanguage, launch, openPage, screenshot, startServer } from "./harness.mjs";

let server, chrome;
before(async () => { server = await startServer(); chrome = await launch(); });
after(async () => { await chrome?.close(); server?.stop(); });

async function ready(viewport) {
  const { page, errors } = await openPage(chrome.browser, `${server.url}tools.html`, viewport);
  await page.waitForSelector("#iin:not([disabled])");
  return { page, errors };
}

test("the IIN widget says what an IIN means, in each language", async () => {
  const { page, errors } = await ready();
  const cases = [
    ["en", "Born 29.02.2020, female", "Check the IIN for a typing mistake"],
    ["ru", "Дата рождения 29.02.2020, пол: женский", "Проверьте ИИН на опечатку"],
    ["kk", "Туған күні 29.02.2020, жынысы: әйел", "ЖСН-нің дұрыс терілгенін тексеріңіз"],
  ];
  for (const [lang, ok, wrong] of cases) {
    await chooseLanguage(page, lang);
    await page.fill("#iin", "200229-600-006");
    assert.equal(await page.textContent("#iin-result"), ok);
    await page.fill("#iin", "200229 600 007");
    assert.ok((await page.textContent("#iin-result")).startsWith(wrong), lang);
    await screenshot(page, `foundation-iin-error-${lang}-desktop`);
  }
  assert.deepEqual(errors, []);
});

test("the working-day widget adds working days across holidays", async () => {
  const { page, errors } = await ready({ width: 390, height: 844 });
  await chooseLanguage(page, "en");
  await page.fill("#from", "2025-03-20");
  await page.fill("#count", "1");
  assert.equal(await page.textContent("#days-result"), "Result: 26.03.2025. The start date is a working day.");
  await page.fill("#from", "2026-12-16");
  await page.fill("#count", "3");
  assert.equal(await page.textContent("#days-result"), "Result: 21.12.2026. The start date is a day off.");
  await page.fill("#count", "99999");
  assert.match(await page.textContent("#days-result"), /at most 10,000 working days/);
  await screenshot(page, "foundation-days-phone");
  assert.deepEqual(errors, []);
});

test("a second language chosen while the first one's texts are on their way wins", async () => {
  const { page, errors } = await ready();
  await chooseLanguage(page, "en");
  // Russian's catalog takes a second to come; English is chosen meanwhile.
  let delivered;
  const ruArrived = new Promise((resolve) => { delivered = resolve; });
  await page.route("**/pkg/i18n/ru.json", async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
    delivered();
  });
  await page.click("[data-lang=ru]");
  await page.click("[data-lang=kk]");
  await page.waitForFunction(() => document.documentElement.lang === "kk");
  await ruArrived;
  await page.waitForTimeout(300); // the Russian switch's own ending, had it applied
  assert.equal(await page.evaluate(() => document.documentElement.lang), "kk");
  await page.fill("#iin", "200229-600-006");
  assert.equal(await page.textContent("#iin-result"), "Туған күні 29.02.2020, жынысы: әйел");
  assert.deepEqual(errors, []);
});

test("hostile calls from JavaScript never trap the module", async () => {
  const { page, errors } = await ready();
  const outcome = await page.evaluate(async () => {
    const k = await import("/pkg/kezek.js");
    const results = [];
    const attempt = (name, f) => {
      try { results.push([name, "returned", JSON.stringify(f())]); } catch (e) { results.push([name, "threw", e.code ?? String(e)]); }
    };
    attempt("iin number", () => k.validateIin(200229600006, "2026-11-22"));
    attempt("iin undefined", () => k.validateIin(undefined, "2026-11-22"));
    attempt("iin object", () => k.validateIin({}, "2026-11-22"));
    attempt("iin 10MB", () => k.validateIin("1".repeat(10_000_000), "2026-11-22"));
    attempt("today number", () => k.validateIin("200229600006", 20261122));
    attempt("add NaN", () => k.addWorkingDays("2026-11-20", NaN));
    attempt("add string", () => k.addWorkingDays("2026-11-20", "five"));
    attempt("add huge", () => k.addWorkingDays("2026-11-20", 1e300));
    attempt("add bigint-ish", () => k.addWorkingDays("2026-11-20", 2 ** 53));
    attempt("between bad", () => k.workingDaysBetween("2026-11-20", null));
    attempt("load junk", () => k.loadCalendar("{\"format\": 1}"));
    attempt("load array", () => k.loadCalendar("[1,2,3]"));
    attempt("load 10MB", () => k.loadCalendar("[" + "1,".repeat(5_000_000) + "1]"));
    // The module still answers afterwards: no trap happened.
    attempt("after", () => k.addWorkingDays("2026-11-20", 5));
    return results;
  });
  const byName = Object.fromEntries(outcome.map(([n, kind, v]) => [n, [kind, v]]));
  // wasm-bindgen's plain string glue traps on a number; kezek's exports answer with a coded error.
  for (const n of ["iin number", "iin undefined", "iin object"]) assert.deepEqual(byName[n], ["threw", "arg.type"], n);
  assert.equal(JSON.parse(byName["iin 10MB"][1]).code, "iin.length");
  assert.deepEqual(byName["today number"], ["threw", "arg.type"]);
  for (const n of ["add NaN", "add string", "add huge", "add bigint-ish"]) assert.deepEqual(byName[n], ["threw", "calendar.range"], n);
  assert.deepEqual(byName["between bad"], ["threw", "arg.type"]);
  for (const n of ["load junk", "load array", "load 10MB"]) assert.deepEqual(byName[n], ["threw", "calendar.json"], n);
  assert.deepEqual(byName["after"], ["returned", JSON.stringify("2026-11-27")]);
  assert.deepEqual(errors, []);
});

test("axe-core finds no WCAG 2.2 AA violation", async () => {
  const { page } = await ready();
  assert.deepEqual(await axeViolations(page), []);
  await page.fill("#iin", "123");
  assert.deepEqual(await axeViolations(page), []);
});
