// The tracker: the position computed in the browser from the published snapshot, the status
// timeline, live countdowns, and, while the access window is open, the vacancies and a claim
// button; after a claim, the referral with its countdown, cancel and extend.
//
// Countdowns tick every second by changing the text of their own elements only: nothing else is
// re-rendered and no live region announces the ticks (a screen reader would hear one per second).
import { QueueSnapshot, kazakhstanTime, nextWorkingDay, isWorkingDay, statusView } from "/pkg/kezek.js";
import { api, newKey } from "./api.js";
import { checkRegister } from "./register.js";

const $ = (id) => document.getElementById(id);
const STEPS = ["submitted", "queued", "window_open", "referral_issued", "admitted"];

/** The day before a `YYYY-MM-DD` date. */
function dayBefore(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The backend's status as the core's `Status` (what `statusView` reads), and the timeline step. */
export function coreStatus(s, localDateOf) {
  const referral = s.referral?.state === "active" ? s.referral : null;
  if (s.state === "admitted") return { status: { state: "admitted", at: s.submittedAt }, step: "admitted" };
  if (referral) {
    const status = { state: "referred", issuedAt: referral.issuedAt };
    if (referral.extended) {
      // validUntilLocal is the exclusive end (00:00 of the next day): the last valid day is the one before.
      status.extension = { reason: referral.extensionReason ?? "illness", until: dayBefore(referral.validUntilLocal.slice(0, 10)) };
    }
    return { status, step: "referral_issued" };
  }
  if (s.state === "withdrawn") return { status: { state: "withdrawn", at: s.submittedAt }, step: "queued" };
  if (s.window?.open) return { status: { state: "window_open", openedOn: localDateOf(s.window.opensAt) }, step: "window_open" };
  if (!s.originalsConfirmed) return { status: { state: "submitted", submittedAt: s.submittedAt }, step: "submitted" };
  return { status: { state: "queued" }, step: "queued" };
}

/** Whole years from `birth` to `on` (both `YYYY-MM-DD`). */
function fullYears(birth, on) {
  let years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(5) < birth.slice(5)) years -= 1;
  return years;
}

export function createTracker(page) {
  let receipt = null;
  let child = null; // { birthDate, stayMode, localityCode }
  let status = null;
  let core = null;
  let timer = null;
  let claiming = false;

  page.onLanguage(() => { if (status) render(); });
  const localDate = (instant) => kazakhstanTime(instant).slice(0, 10);

  async function start(r, facts) {
    receipt = r;
    child = facts;
    $("receipt-number").textContent = r.number;
    $("receipt-originals").textContent = r.originalsDue;
    $("receipt-queues").textContent = r.queues.map((q) => q.key).join("; ");
    $("receipt").focus();
    for (const b of document.querySelectorAll("[data-advance]")) b.onclick = () => advance(b.dataset.advance);
    $("demo-originals").onclick = confirmOriginals;
    $("cancel-referral").onclick = cancel;
    $("extend-referral").onclick = extend;
    $("demo-panel").hidden = !page.demo;
    await reload();
  }

  async function reload() {
    try {
      const [s, positions] = await Promise.all([api.status(receipt.number, receipt.token), loadPositions()]);
      // The register is checked against the snapshot just shown, so it is fetched after it.
      receipt.register = await checkRegister(page, receipt.number, receipt.token, positions[0]?.bytes).catch(() => null);
      status = s;
      core = coreStatus(s, localDate);
      receipt.positions = positions;
      receipt.vacancies = ["window_open", "referral_issued"].includes(core.step) ? await api.bulletin() : null;
      page.clearFailure();
      render();
    } catch (error) {
      page.fail(error, reload);
    }
  }

  async function loadPositions() {
    const out = [];
    for (const queue of receipt.queues) {
      const bytes = await api.snapshot(queue.key);
      const snapshot = QueueSnapshot.fromBytes(bytes);
      try {
        out.push({ key: queue.key, bytes, total: snapshot.len(), position: snapshot.position(receipt.number) ?? null });
      } finally {
        snapshot.free();
      }
    }
    return out;
  }

  function render() {
    renderRegister();
    renderPositions();
    renderTimeline();
    renderCountdowns();
    renderVacancies();
    renderReferral();
    if (page.demo) $("demo-now").textContent = kazakhstanTime(page.nowIso()).slice(0, 16).replace("T", " ");
    clearInterval(timer);
    timer = setInterval(tick, 1000);
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The register's verdict in plain words; a position is shown only from a confirmed register. */
  function renderRegister() {
    const box = $("register");
    const r = receipt.register;
    box.className = `register ${r?.verdict ?? "unchecked"}`;
    box.textContent = r ? r.message : page.t("register.unchecked");
  }

  const confirmed = () => receipt.register?.verdict === "confirmed";

  function renderPositions() {
    const box = $("positions");
    box.replaceChildren();
    if (!confirmed()) return; // never a position from a log that may have been rewritten
    for (const { key, total, position } of receipt.positions ?? []) {
      const card = el("div", "panel position");
      card.append(el("h3", "", key));
      if (!position) {
        card.append(el("p", "", page.t("tracker.no_place")));
      } else {
        const bar = el("div", "progress");
        bar.setAttribute("role", "img");
        bar.setAttribute("aria-label", page.t("tracker.progress_label", { n: position.queueNumber, total }));
        const fill = el("div", "fill");
        fill.style.width = `${Math.max(2, 100 * (1 - (position.queueNumber - 1) / Math.max(total, 1)))}%`;
        bar.append(fill);
        card.append(
          el("p", "big", page.t("tracker.position", { n: position.queueNumber, total })),
          el("p", "", page.t("tracker.ahead", position.ahead)),
          bar,
          el("p", "", page.t(position.inNextWindow ? "tracker.in_window" : "tracker.not_in_window")),
        );
      }
      box.append(card);
    }
  }

  function renderTimeline() {
    const list = $("timeline");
    list.replaceChildren();
    const current = STEPS.indexOf(core.step);
    STEPS.forEach((step, i) => {
      const li = el("li", i < current ? "done" : i === current ? "current" : "todo", page.t(`timeline.${step}`));
      if (i === current) li.setAttribute("aria-current", "step");
      list.append(li);
    });
  }

  const view = () => statusView(core.status, page.nowIso(), page.lang);

  /** A live "h:mm:ss" when less than a day is left: the core's text counts working days and hours. */
  function clockLeft(deadline) {
    const ms = Date.parse(deadline) - page.now().getTime();
    if (!(ms > 0) || ms >= 86_400_000) return "";
    const s = Math.floor(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return ` (${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)})`;
  }

  function renderCountdowns() {
    const list = $("countdowns");
    list.replaceChildren();
    const v = view();
    $("status-title").textContent = v.title;
    if (v.deadline) {
      const li = el("li");
      li.append(el("span", "", `${v.deadlineLabel ?? page.t("tracker.deadline")}: `));
      const left = el("span", "countdown", "");
      left.id = "countdown-main";
      li.append(left, el("span", "hint", ` ${page.t("tracker.until", { at: v.deadline.slice(0, 16).replace("T", " ") })}`));
      list.append(li);
    }
    for (const action of v.actions.filter((a) => a.until && a.until !== v.deadline)) {
      list.append(el("li", "", `${action.label}: ${page.t("tracker.until", { at: action.until.slice(0, 16).replace("T", " ") })}`));
    }
    for (const note of v.notes) list.append(el("li", "hint", note));
    for (const event of v.nextEvents) list.append(el("li", "hint", `${event.label}: ${event.at.slice(0, 16).replace("T", " ")}`));
    tick();
  }

  function tick() {
    if (!core) return;
    const v = view();
    const main = $("countdown-main");
    if (main && v.deadline) {
      const text = v.overdue ? page.t("tracker.overdue") : `${v.timeLeft?.text ?? ""}${clockLeft(v.deadline)}`;
      if (main.textContent !== text) main.textContent = text;
    }
  }

  function renderVacancies() {
    const open = core.step === "window_open";
    $("vacancies-panel").hidden = !open;
    const list = $("vacancies");
    list.replaceChildren();
    if (!open) return;
    const today = page.today();
    const schoolYear = `${Number(today.slice(5, 7)) >= 9 ? today.slice(0, 4) : Number(today.slice(0, 4)) - 1}-09-01`;
    const age = fullYears(child.birthDate, schoolYear);
    const fits = (v) => v.localityCode === child.localityCode && v.stayMode === child.stayMode && v.ageGroup === age && v.groupKind === "general";
    const vacancies = (receipt.vacancies?.vacancies ?? []).filter(fits);
    if (vacancies.length === 0) list.append(el("li", "hint", page.t("tracker.no_vacancies")));
    for (const v of vacancies) {
      const li = el("li", "vacancy");
      const text = el("span", "", page.t("tracker.vacancy", { kindergarten: v.kindergarten, group: v.ageGroup, free: v.free }));
      text.id = `vacancy-${v.id}`;
      const button = el("button", "button", page.t("tracker.claim"));
      button.type = "button";
      button.setAttribute("aria-describedby", text.id);
      button.disabled = v.free <= 0 || claiming;
      button.addEventListener("click", () => claim(v.id, button));
      li.append(text, button);
      list.append(li);
    }
  }

  /** A backend refusal in the page's language when the catalog knows its code. */
  function refusal(error) {
    const code = error.body?.errors?.[0]?.code;
    const text = code ? page.t(code) : "";
    return text && text !== code ? text : page.t("backend.rejected");
  }

  /** One claim at a time: the buttons lock on the first click, so a double click sends one. */
  async function claim(vacancyId, button) {
    if (claiming) return;
    claiming = true;
    for (const b of document.querySelectorAll(".vacancy button")) b.disabled = true;
    button.setAttribute("aria-busy", "true");
    $("track-status").textContent = page.t("tracker.claiming");
    const key = newKey(); // the same key for every retry of this claim
    const attempt = async () => {
      try {
        await api.claim(receipt.number, receipt.token, vacancyId, key);
        $("track-status").textContent = page.t("tracker.claimed");
        claiming = false;
        await reload();
        $("referral-panel").focus();
      } catch (error) {
        button.removeAttribute("aria-busy");
        if (error.kind === "rejected") {
          claiming = false;
          $("track-status").textContent = refusal(error);
          await reload();
        } else {
          $("track-status").textContent = "";
          page.fail(error, attempt);
        }
      }
    };
    await attempt();
  }

  function renderReferral() {
    const referral = status.referral?.state === "active" ? status.referral : null;
    $("referral-panel").hidden = !referral;
    if (!referral) return;
    const facts = $("referral-facts");
    facts.replaceChildren();
    const vacancy = receipt.vacancies?.vacancies?.find((v) => v.id === referral.vacancyId);
    const rows = [
      ["referral.kindergarten", vacancy?.kindergarten ?? referral.vacancyId],
      ["referral.valid_until", referral.validUntilLocal.slice(0, 16).replace("T", " ")],
    ];
    for (const [key, value] of rows) facts.append(el("dt", "", page.t(key)), el("dd", "", value));
    const canCancel = page.now().getTime() < Date.parse(referral.cancellableUntil);
    $("cancel-referral").hidden = !canCancel;
    $("extend-referral").disabled = referral.extended;
  }

  async function cancel() {
    try {
      await api.cancel(receipt.number, receipt.token, status.referral.id);
      $("track-status").textContent = page.t("referral.cancelled");
      await reload();
    } catch (error) {
      if (error.kind === "rejected") $("track-status").textContent = refusal(error);
      else page.fail(error, cancel);
    }
  }

  async function extend() {
    try {
      await api.extend(receipt.number, receipt.token, status.referral.id, $("extend-reason").value);
      $("track-status").textContent = page.t("referral.extended");
      await reload();
    } catch (error) {
      if (error.kind === "rejected") $("track-status").textContent = refusal(error);
      else page.fail(error, extend);
    }
  }

  /** The next 07:00 in Kazakhstan on a working day, as an instant. */
  function nextWindowInstant() {
    const local = kazakhstanTime(page.nowIso()); // 2026-11-23T06:55:00+05:00
    let day = local.slice(0, 10);
    if (local.slice(11, 16) >= "07:00" || !isWorkingDay(day)) day = nextWorkingDay(day);
    return new Date(`${day}T07:00:30${local.slice(19)}`).toISOString();
  }

  async function advance(how) {
    try {
      await api.advanceClock(how === "next_window" ? { to: nextWindowInstant() } : { advance: how });
      const clock = await api.clock();
      page.clockOffset = Date.parse(clock.now) - Date.now();
      await reload();
    } catch (error) {
      page.fail(error, () => advance(how));
    }
  }

  async function confirmOriginals() {
    try {
      await api.confirmOriginals(receipt.number);
      await reload();
    } catch (error) {
      page.fail(error, confirmOriginals);
    }
  }

  return { start };
}
