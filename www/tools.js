// The foundation page: what an IIN says, and working-day arithmetic, over the kezek package.
import init, { validateIin, addWorkingDays, formatDate, isWorkingDay, kazakhstanTime, uiText } from "/pkg/kezek.js";

const $ = (id) => document.getElementById(id);
let lang = "kk";

/** Today's date in Kazakhstan (the page's clock is the only clock; the package never reads it). */
const kazakhstanToday = () => kazakhstanTime(new Date().toISOString()).slice(0, 10);

function translatePage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = uiText(el.dataset.t, lang);
  document.title = uiText("page.title", lang);
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
    const sex = uiText(`page.sex.${r.sex}`, lang);
    show($("iin-result"), uiText("page.iin.ok", lang).replace("{birthDate}", formatDate(r.birthDate)).replace("{sex}", sex), "ok");
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
    const fromKind = uiText(isWorkingDay(from) ? "page.days.working" : "page.days.off", lang);
    show($("days-result"), uiText("page.days.result", lang).replace("{to}", formatDate(to)).replace("{fromKind}", fromKind), "ok");
  } catch (e) {
    show($("days-result"), uiText(e.code ?? "date.format", lang), "error");
  }
}

function setLang(next) {
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
  setLang(["kk", "ru", "en"].includes(navigator.language?.slice(0, 2)) ? navigator.language.slice(0, 2) : "kk");
}

main().catch((e) => {
  $("loading").textContent = String(e);
});
