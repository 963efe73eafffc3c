// The citizen page: boots the package, owns the language, the clock and the signed-in person,
// and switches between "my applications" with the application form, and the tracker of one
// application. Every text comes from the page's own labels (labels.js: www/i18n/<lang>.json) or
// the package's catalogs (uiText), so a language switch changes everything, validation messages
// included.
//
// What the page keeps: nothing personal in storage (the public register's last checkpoint and
// the queue numbers seen, `seen.js`), and in memory only what the current view shows. The view is in the URL (`?application=N`, `&lang=`), so a reload, a new browser or the
// way back from sign-in opens the same view; the person's applications come from the server
// by the session cookie. Only where sign-in is not set up does an application's token live in
// page memory (it is lost on reload, as it must be: it is the only proof of the right to act).
import { kazakhstanTime, loadPolicy, loadTracker, setCatalog, uiText } from "/pkg/kezek.js";
import { LANGS, asked, started } from "./boot.js";
import { createForm } from "./form.js";
import { catalogText, hasLabels, label, loadLabels } from "./labels.js";

/** A failure of the package's client (`BackendError` in its `.d.ts`). */
export const isBackendError = (error) => error?.name === "BackendError" && typeof error.kind === "string";
const $ = (id) => document.getElementById(id);

export const page = {
  lang: "kk",
  /** Milliseconds to add to the device clock to get the service's clock (the demo moves it). */
  clockOffset: 0,
  demo: false,
  /** Whether the service signs citizens in (then only a signed-in person applies). */
  signIn: false,
  /** The signed-in person (`GET /api/me`), or null. */
  me: null,
  /** The package's backend client (`Client`): every request the page makes. Its failures are
   * `BackendError`s, their message already in the page's language. */
  client: null,
  t(key, args = {}) {
    let text = label(key, page.lang) ?? uiText(key, page.lang);
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
    if (isBackendError(error) && error.status === 401 && page.signIn) {
      // The session ended (unused too long, or signed out elsewhere): sign in again and come
      // back to this very view.
      location.assign(page.loginHref());
      return;
    }
    // The client says why in the page's language (a known refusal's code, else what kind of
    // failure); anything else is the page's own failure.
    $("notice-text").textContent = isBackendError(error) ? error.message : page.t("backend.server");
    $("back-online").hidden = true;
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
    page.view = view;
    $("apply").hidden = view !== "apply";
    $("mine").hidden = view !== "apply" || !page.me || page.step !== "form";
    $("track").hidden = view !== "track";
  },
  view: null,
  /** The form's step ("form", "check", "refusal"): "My applications" shows beside the form only. */
  step: "form",
  stepChanged(step) {
    page.step = step;
    $("mine").hidden = page.view !== "apply" || !page.me || step !== "form";
  },
  /** Whether the last attempt to reach the service found no network (the page then shows what
   * it last verified, with its date). */
  offline: false,
  /** Sign-in that comes back to the view on screen. */
  loginHref: () => `/auth/login?return=${encodeURIComponent(`${location.pathname}${location.search}`)}`,
  /** `path` with the page's language, for links and history entries. */
  href(params = {}) {
    const query = new URLSearchParams({ ...params, lang: page.lang });
    return `/?${query}`;
  },
  /** Moves to another view without reloading (the URL says which). */
  async go(params = {}) {
    history.pushState(null, "", page.href(params));
    await route();
  },
  /** Re-reads the service's clock (the demo moves it), or takes the answer already asked for. */
  async syncClock(answer = page.client.clock()) {
    try {
      const clock = await answer;
      page.clockOffset = Date.parse(clock.now) - Date.now();
      page.demo = Boolean(clock.demo);
      page.signIn = Boolean(clock.signIn);
      page.offline = false;
    } catch (error) {
      page.clockOffset = 0; // no backend clock: the device's own is the best we have
      page.offline = isBackendError(error) && error.kind === "offline";
    }
  },
};

/** Application tokens, in memory, only where sign-in is not set up (see the module note). */
const tokens = new Map();
let tracker, form, mine;

/** The tracker and "my applications", with the package's tracker part: fetched when a view first
 * needs them or a little after the form is usable, never before the form (issue 14: cold load). */
let views;
function loadViews() {
  views ??= Promise.all([import("./tracker.js"), import("./mine.js"), loadTracker({ module_or_path: "/pkg/kezek_tracker_bg.wasm" })]).then(([t, m]) => {
    tracker = t.createTracker(page);
    mine = m.createMine(page);
  });
  // A failed fetch is tried again by the next view that needs them.
  views.catch(() => { views = undefined; });
  return views;
}

function translate() {
  document.documentElement.lang = page.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = page.t(el.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === page.lang));
  $("accessibility-link").href = `/accessibility.html?lang=${page.lang}`;
  renderAccount();
  for (const f of page.listeners) f();
}

const loaded = new Set();
let switches = 0;

export async function setLanguage(lang) {
  lang = LANGS.includes(lang) ? lang : "kk";
  const switch_ = ++switches;
  if (!loaded.has(lang) || !hasLabels(lang)) {
    // The package's catalog and the page's labels, fetched side by side. Until they arrive the
    // texts in force stay on screen; without them the page falls back to Kazakh (then to the
    // keys), never to a blank.
    const [catalog] = await Promise.allSettled([loaded.has(lang) ? null : catalogText(lang), loadLabels(lang)]);
    try {
      if (!loaded.has(lang) && catalog.status === "fulfilled") {
        setCatalog(lang, catalog.value);
        loaded.add(lang);
      }
    } catch {
      // Shown in the language that is there.
    }
    // A later switch (a second click while this catalog was on its way) wins.
    if (switch_ !== switches) return;
  }
  page.lang = lang;
  page.client?.setLanguage(lang);
  const query = new URLSearchParams(location.search);
  if (query.get("lang") !== page.lang) {
    query.set("lang", page.lang);
    history.replaceState(null, "", `${location.pathname}?${query}`);
  }
  translate();
}

/** The sign-in link comes back to this very view; the signed-in person's name and sign-out. */
function renderAccount() {
  for (const id of ["sign-in", "sign-in-form"]) $(id).href = page.loginHref();
  const signedIn = Boolean(page.me);
  $("sign-in").hidden = signedIn || !page.signIn;
  $("who").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  if (signedIn) $("who").textContent = page.t("auth.signed_in_as", { name: [page.me.givenName, page.me.familyName].filter(Boolean).join(" ") });
}

async function signOut() {
  try {
    await page.client.signOut();
  } catch (error) {
    page.fail(error, signOut);
    return;
  }
  // A fresh page: nothing of the person stays in memory.
  location.assign(page.href());
}

/** Shows the view the URL names. */
async function route() {
  const query = new URLSearchParams(location.search);
  const number = query.get("application");
  renderAccount();
  page.clearFailure();
  if (number && /^\d{13}$/.test(number) && page.offline && !page.me) {
    // Opened without a network: what this browser last verified, with its date.
    page.show("track");
    await loadViews();
    await tracker.openOffline(number);
    return;
  }
  if (number && /^\d{13}$/.test(number) && (page.me || tokens.has(number))) {
    page.show("track");
    const receipt = query.get("receipt") === "1";
    if (receipt) {
      // "Application received" once: a reload shows the tracker without it.
      query.delete("receipt");
      history.replaceState(null, "", `${location.pathname}?${query}`);
      renderAccount();
    }
    // The package's tracker part (status, queue, register) is loaded before its first use.
    await loadViews();
    await tracker.open(number, { token: page.me ? null : tokens.get(number), receipt });
    return;
  }
  tracker?.close();
  const needsSignIn = page.signIn && !page.me;
  $("sign-in-needed").hidden = !needsSignIn;
  $("apply-layout").hidden = needsSignIn;
  page.show("apply");
  form.show(query.get("step"));
  if (page.me) {
    await loadViews();
    await mine.load();
  }
}

async function main() {
  // The package, its client, the likely language's texts, and the service's clock, the
  // provider's times (07:00, 18:00, …: every deadline and "next" line the page shows) and the
  // signed-in person: all started by boot.js before this module ran.
  const { client, clock, policy, me } = await started;
  page.client = client;
  // The forms, kept out of the parsed page until now (see index.html).
  for (const template of document.querySelectorAll("template[data-added-on-start]")) template.replaceWith(template.content);
  // The form is built while those answers are on their way (it shows once route() runs).
  form = createForm(page, async (receipt) => {
    // With a session the token is not needed: the page never keeps it.
    if (!page.me) tokens.set(receipt.number, receipt.token);
    await page.go({ application: receipt.number, receipt: "1" });
  });
  await page.syncClock(clock);
  try {
    const text = await policy;
    if (text !== null) loadPolicy(text);
  } catch {
    // The Rules' own values stay in force.
  }
  page.me = await me;
  for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLanguage(b.dataset.lang));
  $("sign-out").addEventListener("click", signOut);
  $("back").addEventListener("click", (event) => {
    event.preventDefault();
    page.go();
  });
  window.addEventListener("popstate", () => route());
  // Print buttons (the confirmation, the Appendix 3 receipt): the browser saves as PDF.
  for (const b of document.querySelectorAll("[data-print]")) b.addEventListener("click", () => window.print());
  const feedback = document.querySelector('meta[name="kezek-feedback"]')?.content;
  if (feedback) $("feedback").href = feedback;
  // A failure kept on screen says when the connection is back; the answers are still here.
  window.addEventListener("online", () => { if (!$("notice").hidden) $("back-online").hidden = false; });
  const preferred = navigator.language?.slice(0, 2);
  await setLanguage(LANGS.includes(asked) ? asked : page.me?.lang ?? (LANGS.includes(preferred) ? preferred : "kk"));
  form.ready(page.me);
  $("loading").hidden = true;
  await route();
  // The page is usable: the package started, the form in the page's language with its document
  // checklist, ready to check what is typed (bench/page_load.mjs).
  performance.mark("kezek:usable");
  // The tracker part of the package and the views over it, fetched a little after the form is
  // usable, so that they do not compete with the form's first download (a view that needs them
  // sooner loads them itself, and a failure is tried again then).
  setTimeout(() => loadViews().catch(() => {}), 1500);
  // The page and the package for offline use (www/sw.js).
  navigator.serviceWorker?.register("/sw.js").catch(() => {});
}

/** A page that could not start says so in the language asked for (static text: the catalogs
 * are in the package, which may be what failed to load), with a reload. */
function loadFailed(error) {
  const asked = new URLSearchParams(location.search).get("lang") ?? navigator.language?.slice(0, 2);
  document.documentElement.lang = LANGS.includes(asked) ? asked : "kk";
  $("loading").hidden = true;
  $("load-failed").hidden = false;
  $("load-retry").href = location.href;
  console.warn("kezek: the page did not start", error);
}

main().catch(loadFailed);
