// The citizen page: boots the package, owns the language and the clock, and switches between the
// application form and the tracker. Every text comes from the package's catalogs (uiText), so a
// language switch changes everything, validation messages included.
import init, { kazakhstanTime, uiText } from "/pkg/kezek.js";
import { api, BackendError } from "./api.js";
import { createForm } from "./form.js";
import { createTracker } from "./tracker.js";

const LANGS = ["kk", "ru", "en"];
const $ = (id) => document.getElementById(id);

export const page = {
  lang: "kk",
  /** Milliseconds to add to the device clock to get the service's clock (the demo moves it). */
  clockOffset: 0,
  demo: false,
  t(key, args = {}) {
    let text = uiText(key, page.lang);
    for (const [name, value] of Object.entries(args)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  },
  now: () => new Date(Date.now() + page.clockOffset),
  nowIso: () => page.now().toISOString(),
  /** Today's date in Kazakhstan: the page's clock is the only clock, the package never reads one. */
  today: () => kazakhstanTime(page.nowIso()).slice(0, 10),
  listeners: new Set(),
  onLanguage(f) { page.listeners.add(f); },
  /** Shows a backend failure with a retry that repeats exactly the failed step. */
  fail(error, retry) {
    const kind = error instanceof BackendError ? error.kind : "server";
    $("notice-text").textContent = page.t(`backend.${kind}`);
    $("notice").hidden = false;
    const button = $("notice-retry");
    button.hidden = !retry;
    button.onclick = async () => {
      $("notice").hidden = true;
      await retry();
    };
  },
  clearFailure() { $("notice").hidden = true; },
  show(view) {
    for (const id of ["apply", "track"]) $(id).hidden = id !== view;
  },
};

function translate() {
  document.documentElement.lang = page.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = page.t(el.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === page.lang));
  for (const f of page.listeners) f();
}

export function setLanguage(lang) {
  page.lang = LANGS.includes(lang) ? lang : "kk";
  translate();
}

async function syncClock() {
  try {
    const clock = await api.clock();
    page.clockOffset = Date.parse(clock.now) - Date.now();
    page.demo = Boolean(clock.demo);
  } catch {
    page.clockOffset = 0; // no backend clock: the device's own is the best we have
  }
}

async function main() {
  await init();
  await syncClock();
  const tracker = createTracker(page);
  const form = createForm(page, async (receipt, facts) => {
    page.show("track");
    await tracker.start(receipt, facts);
  });
  for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLanguage(b.dataset.lang));
  const preferred = navigator.language?.slice(0, 2);
  setLanguage(LANGS.includes(preferred) ? preferred : "kk");
  form.ready();
  $("loading").hidden = true;
  page.show("apply");
  // The page is usable: package fetched and instantiated, first validation run (bench/page_load.mjs).
  performance.mark("kezek:usable");
}

main().catch((e) => {
  $("loading").textContent = `Қате · Ошибка · Error: ${e?.message ?? e}`;
});
