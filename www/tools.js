// The foundation page: what an IIN says, and working-day arithmetic, over the kezek package.
import init, { validateIin, addWorkingDays, formatDate, isWorkingDay, kazakhstanTime, setCatalog, uiText } from "/pkg/kezek.js";
import { catalogText, label, loadLabels } from "./labels.js";

const $ = (id) => document.getElementById(id);
let lang = "kk";
/** The page's own label (www/i18n), else the package's text. */
const text = (key) => label(key, lang) ?? uiText(key, lang);

/** Today's date in Kazakhstan (the page's clock is the only clock; the package never reads it). */
const kazakhstanToday = () => kazakhstanTime(new Date().toISOString()).slice(0, 10);

function translatePage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = text(el.dataset.t);
  document.title = text("page.title");
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
}

function show(el, text, kind) {
  el.textContent = text;
  el.className = `result ${kind}`;
}

function checkIin() {
  const value = $("iin").value;
  if (!value.trim()) return show($("iin-result"), "", "");
  const r = validateIin(value, kazakhstanToday(), lang);
  if (r.ok) {
    const sex = text(`page.sex.${r.sex}`);
    show($("iin-result"), text("page.iin.ok").replace("{birthDate}", formatDate(r.birthDate)).replace("{sex}", sex), "ok");
  } else {
    show($("iin-result"), r.message, "error");
  }
}

function countDays() {
  const from = $("from").value;
  const n = Number($("count").value);
  if (!from) return show($("days-result"), "", "");
  try {
    const to = addWorkingDays(from, n);
    const fromKind = text(isWorkingDay(from) ? "page.days.working" : "page.days.off");
    show($("days-result"), text("page.days.result").replace("{to}", formatDate(to)).replace("{fromKind}", fromKind), "ok");
  } catch (e) {
    show($("days-result"), text(e.code ?? "date.format"), "error");
  }
}

/** Each language's catalog (the package's i18n/<lang>.json) and the page's labels are fetched
 * side by side when the language is first shown. */
const loaded = new Set();

/** Language switches so far: a switch whose texts arrive after a later one's does not apply. */
let switches = 0;

async function setLang(next) {
  const switch_ = ++switches;
  const labels = loadLabels(next).catch(() => {});
  if (!loaded.has(next)) {
    try {
      setCatalog(next, await catalogText(next));
      loaded.add(next);
    } catch {
      // Shown with the texts that are there (Kazakh, else the keys).
    }
  }
  await labels;
  // A later switch (a second click while this catalog was on its way) wins.
  if (switch_ !== switches) return;
  lang = next;
  translatePage();
  checkIin();
  countDays();
}

async function main() {
  await init();
  $("from").value = kazakhstanToday();
  for (const id of ["iin", "from", "count"]) $(id).disabled = false;
  $("loading").hidden = true;
  $("iin").addEventListener("input", checkIin);
  $("from").addEventListener("input", countDays);
  $("count").addEventListener("input", countDays);
  for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLang(b.dataset.lang));
  await setLang(["kk", "ru", "en"].includes(navigator.language?.slice(0, 2)) ? navigator.language.slice(0, 2) : "kk");
}

main().catch((e) => {
  $("loading").textContent = String(e);
});
