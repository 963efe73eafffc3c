// The tracker of one application. Everything it shows about the application's life comes from
// the core: the service's `status` (the core's `Status`) goes through `statusView` — title,
// deadline and time left, what the person can do now, what the system does next — and the
// public register's verified entries are replayed by `verifyRegister` into the status the
// register proves, which must equal the service's. The queue number comes from the verified
// snapshot (or the service's `position`); the free places to choose from are the service's
// `seats`, each saying whether this access to referrals may take it (`claimable`). Nothing here
// computes a deadline, a fit or a time of day.
//
// Countdowns tick every second by changing the text of their own elements only: nothing else is
// re-rendered and no live region announces the ticks (a screen reader would hear one per second).
// When a deadline passes on the page's clock (the view's state changes), the tracker asks the
// service again.
//
// Beyond the service's own view: the queue number seen on an earlier day (`seen.js`) says how
// it moved, and `estimateAccess` turns it, or the bulletins' places for the child's pool, into
// a likely range of dates with its method. Without a network the tracker keeps the last
// verified state on screen and says as of when; opened offline, it shows what this browser last
// verified.
import { QueueSnapshot, StatusTicker, describeQueue, estimateAccess, formatDate, kazakhstanTime, statusView } from "/pkg/kezek.js";
import { checkRegister } from "./register.js";
import { recall, remember } from "./seen.js";

const $ = (id) => document.getElementById(id);
/** Refusals after which the next chance is worth saying. */
const NEXT_CHANCE = new Set(["window.closed", "status.window_closed", "status.referral_expired", "referral.not_active"]);
const STEPS = ["awaiting_originals", "queued", "window_open", "referred", "admitted"];
const STEP_LABELS = ["timeline.awaiting_originals", "timeline.queued", "timeline.window_open", "timeline.referral_issued", "timeline.admitted"];
/** The step of each state on the usual path; the others (stop-list, archived, withdrawn,
 * refused) are said in words by the status title and notes. */
const STEP_OF = { awaiting_originals: 0, queued: 1, temporary_stay: 1, window_open: 2, referred: 3, admitted: 4 };

/** JSON with sorted keys, to compare two statuses by value. */
const canonical = (value) => JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v)
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

/** A local ISO instant (`kazakhstanTime`) as people read it: `30.11.2026, 10:05 (Astana time)`. */
export function moment(page, local) {
  return page.t("time.moment", { date: formatDate(local.slice(0, 10)), time: local.slice(11, 16) });
}

/** The queue in words; a special or sanatorium queue names its kindergarten from the bulletin. */
export function queueName(page, key, bulletin) {
  const id = String(key).split("-")[3];
  const kindergarten = id ? bulletin?.vacancies?.find((v) => v.kindergartenId === id)?.kindergarten : undefined;
  try {
    return describeQueue(key, page.lang, kindergarten);
  } catch {
    return String(key);
  }
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function createTracker(page) {
  let number = null;
  let view = null; // the service's ApplicationView
  let register = null; // verifyRegister's result
  let snapshot = null; // { total, position } from the verified snapshot
  let bulletin = null; // the bulletin of free places: kindergarten names, places for the estimate
  let previous = null; // the sighting of an earlier day (seen.js), to say how the number moved
  let verifiedAt = null; // when the state on screen was last verified (local ISO)
  let offlineSighting = null; // opened without a network: what this browser last verified
  let shown = null; // the state on screen
  let ticker = null; // the package's StatusTicker over the status on screen (the countdowns)
  let busy = false;
  let loading = null; // the read under way
  let again = null; // a read asked for during it, to run after it

  page.onLanguage(() => {
    if (view && !$("track").hidden) render();
    else if (offlineSighting && !$("track").hidden) renderOffline();
  });
  // Back online: read the service again (the state on screen is the last verified one).
  window.addEventListener("online", () => { if (number && !$("track").hidden) reload(); });
  for (const b of document.querySelectorAll("[data-advance]")) b.onclick = () => advance(b.dataset.advance);
  $("cancel-referral").onclick = () => cancel();
  $("extend-form").addEventListener("submit", (event) => { event.preventDefault(); extend(); });
  $("withdraw-yes").onclick = () => withdraw();
  $("withdraw-no").onclick = () => { $("withdraw-confirm").hidden = true; $("withdraw")?.focus(); };
  $("notify-form").addEventListener("submit", (event) => { event.preventDefault(); saveNotifications(); });

  async function open(n, { token: t = null, receipt = false } = {}) {
    const same = n === number;
    number = n;
    // The application's token goes with the client's calls only where there is no session.
    page.client.setToken(t);
    offlineSighting = null;
    $("register").hidden = false;
    $("track-offline").hidden = true;
    if (!same) {
      view = register = snapshot = bulletin = shown = previous = verifiedAt = null;
      $("track-status").textContent = "";
      $("withdraw-confirm").hidden = true;
      $("extend-until").value = "";
      $("notify-form").hidden = true;
    }
    $("receipt").hidden = !receipt;
    $("next-steps").hidden = !receipt;
    $("receipt-number").textContent = n;
    $("back").hidden = !page.me;
    $("demo-panel").hidden = !page.demo;
    $("track-title").textContent = page.t("mine.number", { number: n });
    $("track-number").textContent = n;
    if (!same) (receipt ? $("receipt") : $("track-title")).focus();
    await reload();
    loadNotifications();
  }

  function close() {
    ticker?.free();
    ticker = null;
    page.client.setToken(null);
    number = null;
    view = null;
  }

  /** Reads the application and checks the register; one at a time. Asked for during another
   * (after a write, say), it reads again once that one ends: a read begun before the write
   * would show the state before it. */
  function reload() {
    if (loading) {
      again ??= loading.then(() => { again = null; return reload(); });
      return again;
    }
    const asked = number;
    loading = (async () => {
      try {
        const v = await page.client.status(number);
        // The register is checked against the snapshot shown, so it is fetched after it; only
        // while the application has a queue number (else the register confirms its record).
        const bytes = v.position ? await page.client.snapshot(v.publicQueue).catch(() => null) : null;
        // A browser whose WebCrypto has no Ed25519 cannot confirm anything: it says so.
        const r = await checkRegister(page, number, bytes)
          .catch((error) => error?.code === "register.unverifiable" ? { verdict: "unverifiable", message: page.t("register.unverifiable") } : null);
        snapshot = null;
        if (bytes && r?.verdict === "confirmed" && r.asOf) {
          const s = QueueSnapshot.fromBytes(bytes);
          try {
            snapshot = { total: s.len(), position: s.position(number) ?? null };
          } finally {
            s.free();
          }
        }
        bulletin = await page.client.bulletin().catch(() => bulletin);
        if (asked !== number) return; // another view was opened meanwhile
        if (r?.verdict === "confirmed") {
          // What the register proves, kept for "how it moved" and for the page offline.
          const seen = await recall(number);
          const today = page.today();
          previous = seen.last && seen.last.on !== today ? seen.last : seen.earlier ?? null;
          verifiedAt = kazakhstanTime(page.nowIso());
          const n = snapshot?.position?.queueNumber ?? null;
          await remember(number, { queue: v.queue, n, total: snapshot?.total ?? null, on: today, at: verifiedAt, status: v.status });
        }
        view = v;
        register = r;
        page.clearFailure();
        $("track-offline").hidden = true;
        render();
      } catch (error) {
        if (error.kind === "offline" && view) {
          // The state on screen stays, said to be the last verified one.
          $("track-offline").textContent = page.t("tracker.offline", { at: moment(page, verifiedAt ?? kazakhstanTime(page.nowIso())) });
          $("track-offline").hidden = false;
        } else {
          page.fail(error, reload);
        }
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  const statusNow = () => statusView(view.status, page.nowIso(), page.lang);

  function render() {
    if (!view) return;
    const v = statusNow();
    shown = v.state;
    $("track-title").textContent = page.t("mine.number", { number });
    $("track-queue").textContent = queueName(page, view.queue, bulletin);
    renderRegister(v);
    renderPositions(v);
    renderEstimate(v);
    renderNextSteps(v);
    $("status-title").textContent = v.title;
    renderTimeline(v.state);
    renderCountdowns(v);
    renderActions(v);
    renderVacancies(v);
    renderReferral(v);
    $("demo-originals").hidden = v.state !== "awaiting_originals";
    if (page.demo) $("demo-now").textContent = moment(page, kazakhstanTime(page.nowIso()));
    // The countdowns: the package's ticker gives the view at the page's clock once a second.
    ticker?.free();
    ticker = new StatusTicker(view.status, page.lang, page.clockOffset, tick);
  }

  /** The register's verdict in plain words, and a warning when the status it proves is not the
   * one the service shows. A position is shown only from a confirmed register. */
  function renderRegister(v) {
    const box = $("register");
    box.className = `register ${register?.verdict ?? "unchecked"}`;
    box.textContent = register ? register.message : page.t("register.unchecked");
    const differs = $("register-differs");
    const replayed = register?.verdict === "confirmed" && register.status ? statusView(register.status, page.nowIso(), page.lang) : null;
    box.dataset.replayed = replayed?.state ?? "";
    differs.hidden = !replayed || canonical(replayed.status) === canonical(v.status);
    if (!differs.hidden) differs.textContent = page.t("register.differs", { status: replayed.title });
  }

  const confirmed = () => register?.verdict === "confirmed";

  function renderPositions(v) {
    const box = $("positions");
    box.replaceChildren();
    if (!confirmed()) return; // never a position from a log that may have been rewritten
    const card = el("div", "panel position");
    const fromSnapshot = snapshot?.position;
    const p = fromSnapshot
      ? { n: fromSnapshot.queueNumber, ...fromSnapshot.ahead }
      : view.position && { n: view.position.queueNumber, extraordinary: view.position.aheadExtraordinary,
        priority: view.position.aheadPriority, general: view.position.aheadGeneral };
    if (!p) {
      // No queue number: say why (a referral holds a place; originals come first).
      const why = { referred: "queue.referred", awaiting_originals: "queue.after_originals" }[v.state] ?? "queue.no_place";
      card.append(el("p", "", page.t(why)));
      card.dataset.why = why;
      box.append(card);
      return;
    }
    if (fromSnapshot) {
      const total = snapshot.total;
      const bar = el("div", "progress");
      bar.setAttribute("role", "img");
      bar.setAttribute("aria-label", page.t("tracker.progress_label", { n: p.n, total }));
      const fill = el("div", "fill");
      fill.style.width = `${Math.max(2, 100 * (1 - (p.n - 1) / Math.max(total, 1)))}%`;
      bar.append(fill);
      card.append(el("p", "big", page.t("tracker.position", { n: p.n, total })), el("p", "", page.t("tracker.ahead", p)), bar,
        el("p", "", page.t(fromSnapshot.inNextWindow ? "tracker.in_window" : "tracker.not_in_window")));
      if (previous?.n && previous.n !== p.n) card.append(el("p", "moved", page.t("queue.moved", { date: formatDate(previous.on), from: previous.n, to: p.n })));
    } else {
      card.append(el("p", "big", page.t("mine.position", { n: p.n })), el("p", "", page.t("tracker.ahead", p)));
    }
    box.append(card);
  }

  /** When access to referrals is likely to come, with how it was estimated (waiting states only). */
  function renderEstimate(v) {
    const box = $("estimate");
    const n = snapshot?.position?.queueNumber;
    box.hidden = !(confirmed() && n && (v.state === "queued" || v.state === "temporary_stay"));
    if (box.hidden) return;
    let e;
    try {
      e = estimateAccess({
        queue: view.queue, queueNumber: n, ageGroup: view.pool?.ageGroup, stayMode: view.pool?.stayMode,
        vacancies: bulletin?.vacancies ?? [],
        earlier: previous?.n ? { on: previous.on, queueNumber: previous.n } : undefined,
      }, page.today(), page.lang);
    } catch {
      box.hidden = true;
      return;
    }
    box.dataset.kind = e.kind;
    box.dataset.basis = e.basis ?? "";
    $("estimate-text").textContent = e.text;
    $("estimate-method").textContent = e.method;
    for (const id of ["estimate-text", "estimate-method", "estimate-caveat"]) $(id).hidden = e.kind === "unknown";
    $("estimate-unknown").hidden = e.kind !== "unknown";
  }

  /** The confirmation's "what happens next", from the status: deadlines, remarks, next events. */
  function renderNextSteps(v) {
    if ($("next-steps").hidden) return;
    const lines = [v.deadlineLabel, v.state === "awaiting_originals" ? page.t("queue.after_originals") : null, ...v.notes,
      ...v.nextEvents.map((e) => e.label)].filter(Boolean);
    $("next-list").replaceChildren(...lines.map((text) => el("li", "", text)));
  }

  function renderTimeline(state) {
    const list = $("timeline");
    list.replaceChildren();
    const current = STEP_OF[state];
    list.hidden = current === undefined;
    if (current === undefined) return;
    STEPS.forEach((step, i) => {
      const li = el("li", i < current ? "done" : i === current ? "current" : "todo", page.t(STEP_LABELS[i]));
      li.dataset.step = step;
      if (i === current) li.setAttribute("aria-current", "step");
      list.append(li);
    });
  }

  /** A live "h:mm:ss" when less than a day is left: the core's text counts days and hours. */
  function clockLeft(deadline) {
    const ms = Date.parse(deadline) - page.now().getTime();
    if (!(ms > 0) || ms >= 86_400_000) return "";
    const s = Math.floor(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return ` (${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)})`;
  }

  function renderCountdowns(v) {
    const list = $("countdowns");
    list.replaceChildren();
    if (v.deadline) {
      const li = el("li");
      li.append(el("span", "", `${v.deadlineLabel}: `));
      const left = el("span", "countdown", "");
      left.id = "countdown-main";
      li.append(left, el("span", "hint", ` (${v.deadlineText})`));
      list.append(li);
    }
    for (const note of v.notes) list.append(el("li", "note", note));
    for (const event of v.nextEvents) list.append(el("li", "hint", event.label));
    list.hidden = list.childElementCount === 0;
    // The countdown's text comes with the ticker's first view (render, just after).
  }

  function tick(v) {
    if (!view) return;
    if (v.state !== shown && !busy) {
      // A deadline passed on this page's clock: the service has moved on too.
      shown = v.state;
      reload();
      return;
    }
    const main = $("countdown-main");
    if (main && v.deadline) {
      const text = `${v.timeLeft?.text ?? ""}${clockLeft(v.deadline)}`;
      if (main.textContent !== text) main.textContent = text;
    }
  }

  /** What the person can do now, from the view's actions. */
  function renderActions(v) {
    const todo = $("todo");
    const buttons = $("actions");
    todo.replaceChildren();
    buttons.replaceChildren();
    const has = (action) => v.actions.some((a) => a.action === action);
    for (const a of v.actions) {
      if (a.action === "bring_originals" || a.action === "bring_documents") {
        todo.append(el("li", "", a.untilText ? `${a.label} — ${page.t("tracker.by", { at: a.untilText })}` : a.label));
      }
    }
    const button = (id, label, className, onClick) => {
      const b = el("button", `button ${className}`, label);
      b.type = "button";
      b.id = id;
      b.disabled = busy;
      b.addEventListener("click", onClick);
      buttons.append(b);
    };
    for (const a of v.actions) {
      if (a.action === "confirm_interest") button("confirm-interest", a.label, "", () => interest(true));
      if (a.action === "decline_seats") button("decline-seats", a.label, "secondary", () => interest(false));
    }
    if (has("withdraw")) {
      button("withdraw", v.actions.find((a) => a.action === "withdraw").label, "warning", () => {
        $("withdraw-confirm").hidden = false;
        $("withdraw-yes").focus();
      });
    } else {
      $("withdraw-confirm").hidden = true;
    }
    $("withdraw-yes").disabled = $("withdraw-no").disabled = busy;
    todo.hidden = todo.childElementCount === 0;
    $("actions-panel").hidden = todo.childElementCount === 0 && buttons.childElementCount === 0;
  }

  function renderVacancies(v) {
    const open = v.actions.some((a) => a.action === "claim_seat");
    $("vacancies-panel").hidden = !open;
    const list = $("vacancies");
    list.replaceChildren();
    if (!open) return;
    if (view.seats.length === 0) list.append(el("li", "hint", page.t("tracker.no_vacancies")));
    for (const seat of view.seats) {
      const li = el("li", "vacancy");
      const text = el("span", "", page.t("tracker.vacancy", { kindergarten: seat.kindergarten, group: seat.ageGroup, free: seat.free }));
      text.id = `vacancy-${seat.vacancyId}`;
      const button = el("button", "button", page.t("tracker.claim"));
      button.type = "button";
      button.dataset.vacancy = seat.vacancyId;
      button.setAttribute("aria-describedby", text.id);
      button.disabled = !seat.claimable || seat.free <= 0 || busy;
      button.addEventListener("click", () => claim(seat.vacancyId, button));
      li.append(text, button);
      list.append(li);
    }
  }

  function renderReferral(v) {
    const referral = view.referral?.state === "active" && v.state === "referred" ? view.referral : null;
    $("referral-panel").hidden = !referral;
    if (!referral) return;
    const facts = $("referral-facts");
    facts.replaceChildren();
    const vacancy = bulletin?.vacancies?.find((x) => x.id === referral.vacancyId);
    const rows = [["referral.kindergarten", vacancy?.kindergarten ?? referral.vacancyId]];
    if (v.deadlineText) rows.push(["referral.valid_until", v.deadlineText]);
    if (referral.extensionReason) rows.push(["referral.extend_reason", page.t(`referral.reason_${referral.extensionReason}`)]);
    for (const [key, value] of rows) facts.append(el("dt", "", page.t(key)), el("dd", "", value));
    const cancelAction = v.actions.find((a) => a.action === "cancel_referral");
    $("cancel-referral").hidden = !cancelAction;
    $("cancel-referral").title = cancelAction?.untilText ? page.t("tracker.by", { at: cancelAction.untilText }) : "";
    $("extend-form").hidden = !v.actions.some((a) => a.action === "extend_referral");
    for (const id of ["cancel-referral", "extend-referral"]) $(id).disabled = busy;
  }

  /** A backend refusal in the page's language: the catalog's text for its code. */
  function refusal(error) {
    // The client's message: the catalog's text for the code, else the service's own words.
    return error.message;
  }

  /** Runs one write at a time: the buttons lock on the first click, so a double click sends one.
   * `done` is what to say after it worked. */
  async function act(write, done, { focus } = {}) {
    if (busy) return;
    busy = true;
    for (const b of $("track").querySelectorAll("#actions button, #vacancies button, #referral-panel button, #withdraw-confirm button")) b.disabled = true;
    const attempt = async () => {
      try {
        await write();
        busy = false;
        $("track-status").textContent = typeof done === "function" ? done() : done;
        await reload();
        focus?.()?.focus();
      } catch (error) {
        if (error.kind === "rejected") {
          busy = false;
          // Refused for time (access closed, a referral run out): the service's clock is the
          // one that counts, so the page takes it again before saying what comes next.
          if (NEXT_CHANCE.has(error.code)) await page.syncClock().catch(() => {});
          await reload();
          // Said once, after the reload (a live region read twice is noise). Access closed or a
          // referral ran out: say when the next chance comes (the core's next access, or the
          // note on confirming interest).
          let said = refusal(error);
          if (NEXT_CHANCE.has(error.code) && view) {
            const v = statusNow();
            const next = v.nextEvents.find((e) => e.event === "access_window")?.label ?? v.notes[0];
            if (next) said = `${said.replace(/[.!]?$/, ".")} ${next}`;
          }
          $("track-status").textContent = said;
          return error;
        }
        $("track-status").textContent = "";
        page.fail(error, attempt);
      }
      return null;
    };
    return attempt();
  }

  function claim(vacancyId, button) {
    button.setAttribute("aria-busy", "true");
    $("track-status").textContent = page.t("tracker.claiming");
    const key = crypto.randomUUID(); // the same key for every retry of this claim
    return act(() => page.client.claim({ number, vacancyId }, key), () => page.t("tracker.claimed"), { focus: () => $("referral-panel") });
  }

  const cancel = () => act(() => page.client.cancel(view.referral.id, { number }), () => page.t("referral.cancelled"));

  async function extend() {
    const until = $("extend-until").value || undefined;
    const request = until ? { number, reason: $("extend-reason").value, until } : { number, reason: $("extend-reason").value };
    const error = await act(() => page.client.extend(view.referral.id, request), () => page.t("referral.extended"));
    const slot = $("extend-until-error");
    const field = $("extend-until-field");
    const onDate = error?.code?.startsWith("status.extension_too");
    slot.hidden = !onDate;
    field.classList.toggle("has-error", Boolean(onDate));
    if (onDate) {
      slot.textContent = refusal(error);
      $("extend-until").setAttribute("aria-invalid", "true");
      $("extend-until").focus();
    } else {
      $("extend-until").removeAttribute("aria-invalid");
    }
  }

  const interest = (interested) => act(() => page.client.interest(number, { interested }), () => statusNow().title);

  const withdraw = () => act(() => page.client.withdraw(number), () => page.t("tracker.withdrawn"), { focus: () => $("status-title") });

  /** The notification settings, when the service has them (hidden otherwise). */
  async function loadNotifications() {
    const form = $("notify-form");
    const asked = number;
    try {
      const choice = await page.client.notifications(number);
      if (asked !== number) return;
      $("notify-email").checked = Boolean(choice.email);
      $("notify-sms").checked = Boolean(choice.sms);
      $("notify-lang").value = ["kk", "ru", "en"].includes(choice.lang) ? choice.lang : page.lang;
      form.hidden = false;
    } catch {
      form.hidden = true;
    }
  }

  async function saveNotifications() {
    const choice = { email: $("notify-email").checked, sms: $("notify-sms").checked, lang: $("notify-lang").value };
    $("notify-save").disabled = true;
    try {
      const saved = await page.client.saveNotifications(number, choice);
      $("notify-email").checked = Boolean(saved?.email ?? choice.email);
      $("notify-sms").checked = Boolean(saved?.sms ?? choice.sms);
      $("notify-status").textContent = page.t("notify.saved");
    } catch (error) {
      if (error.kind === "rejected") $("notify-status").textContent = refusal(error);
      else page.fail(error, saveNotifications);
    } finally {
      $("notify-save").disabled = false;
    }
  }

  /** The next access to referrals, as the core computes it (a queued, interested status's next
   * event): the demo clock moves just past it. */
  function nextAccess() {
    const next = statusView({ state: "queued", interested: true }, page.nowIso(), page.lang).nextEvents.find((e) => e.event === "access_window");
    return new Date(Date.parse(next.at) + 30_000).toISOString();
  }

  async function advance(how) {
    try {
      await page.client.advanceClock(how === "next_window" ? { to: nextAccess() } : { advance: how });
      await page.syncClock();
      await reload();
    } catch (error) {
      page.fail(error, () => advance(how));
    }
  }

  /** The tracker opened without a network: what this browser last verified, with its date. */
  async function openOffline(n) {
    number = n;
    view = register = snapshot = null;
    for (const id of ["receipt", "next-steps", "actions-panel", "vacancies-panel", "referral-panel", "notify-form", "demo-panel", "register",
      "register-differs", "estimate", "back"]) $(id).hidden = true;
    $("positions").replaceChildren();
    $("timeline").replaceChildren();
    $("countdowns").replaceChildren();
    offlineSighting = (await recall(n)).last ?? {};
    renderOffline();
  }

  function renderOffline() {
    const last = offlineSighting;
    $("track-title").textContent = page.t("mine.number", { number });
    $("track-number").textContent = number;
    $("track-offline").hidden = false;
    $("track-offline").textContent = last.at ? page.t("tracker.offline", { at: moment(page, last.at) }) : page.t("backend.offline");
    $("track-queue").textContent = last.queue ? queueName(page, last.queue, null) : "";
    let title = "";
    try {
      if (last.status) title = statusView(last.status, last.at, page.lang).title;
    } catch {
      // A status this package cannot read: the date and number still say something.
    }
    $("status-title").textContent = title;
    $("positions").replaceChildren();
    if (last.n) {
      const card = el("div", "panel position");
      card.append(el("p", "big", page.t("tracker.position", { n: last.n, total: last.total })));
      $("positions").append(card);
    }
  }

  return { open, openOffline, close, reload };
}
