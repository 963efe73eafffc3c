// The tracker: the position computed in the browser from the published snapshot, the status
// timeline, live countdowns, and, while the access window is open, the vacancies and a claim
// button; after a claim, the referral with its countdown, cancel and extend.
//
// Countdowns tick every second by changing the text of their own elements only: nothing else is
// re-rendered and no live region announces the ticks (a screen reader would hear one per second).
import { QueueSnapshot, statusView } from "/pkg/kezek.js";
import { api, newKey } from "./api.js";

const $ = (id) => document.getElementById(id);
const STEPS = ["submitted", "queued", "window_open", "referral_issued", "admitted"];

export function createTracker(page) {
  let receipt = null;
  let status = null;
  let timer = null;
  let claiming = false;

  page.onLanguage(() => { if (receipt) render(); });

  async function start(r) {
    receipt = r;
    $("receipt-number").textContent = r.number;
    $("receipt-originals").textContent = r.originalsDue;
    $("receipt").focus();
    await reload();
    if (page.demo) $("demo-panel").hidden = false;
    for (const b of document.querySelectorAll("[data-advance]")) b.onclick = () => advance(b.dataset.advance);
    $("cancel-referral").onclick = cancel;
    $("extend-referral").onclick = extend;
  }

  async function reload() {
    try {
      const [s, positions] = await Promise.all([api.status(receipt.number, receipt.token), loadPositions()]);
      status = s;
      receipt.positions = positions;
      if (s.windowOpen) receipt.vacancies = await api.bulletin();
      page.clearFailure();
      render();
    } catch (error) {
      page.fail(error, reload);
    }
  }

  async function loadPositions() {
    const out = [];
    for (const queue of receipt.queues) {
      const bytes = await api.snapshot(queue.key ?? queue);
      const snapshot = QueueSnapshot.fromBytes(bytes);
      out.push({ queue, total: snapshot.len(), position: snapshot.position(receipt.number) });
      snapshot.free();
    }
    return out;
  }

  function render() {
    $("receipt-queues").textContent = receipt.queues.map((q) => q.label ?? q.key ?? q).join("; ");
    renderPositions();
    renderTimeline();
    renderCountdowns();
    renderVacancies();
    renderReferral();
    if (page.demo) $("demo-now").textContent = page.nowIso().slice(0, 16).replace("T", " ");
    clearInterval(timer);
    timer = setInterval(tick, 1000);
  }

  function renderPositions() {
    const box = $("positions");
    box.replaceChildren();
    for (const { queue, total, position } of receipt.positions ?? []) {
      const card = document.createElement("div");
      card.className = "panel position";
      const h = document.createElement("h3");
      h.textContent = queue.label ?? queue.key ?? queue;
      card.append(h);
      if (!position) {
        const p = document.createElement("p");
        p.textContent = page.t("tracker.no_place");
        card.append(p);
      } else {
        const big = document.createElement("p");
        big.className = "big";
        big.textContent = page.t("tracker.position", { n: position.queueNumber, total });
        const ahead = document.createElement("p");
        ahead.textContent = page.t("tracker.ahead", position.ahead);
        // The progress picture: how far along the queue the place is, and where the next window ends.
        const bar = document.createElement("div");
        bar.className = "progress";
        bar.setAttribute("role", "img");
        bar.setAttribute("aria-label", page.t("tracker.progress_label", { n: position.queueNumber, total }));
        const fill = document.createElement("div");
        fill.className = "fill";
        fill.style.width = `${Math.max(2, 100 * (1 - (position.queueNumber - 1) / Math.max(total, 1)))}%`;
        bar.append(fill);
        const win = document.createElement("p");
        win.textContent = page.t(position.inNextWindow ? "tracker.in_window" : "tracker.not_in_window");
        card.append(big, ahead, bar, win);
      }
      box.append(card);
    }
  }

  function view() {
    return statusView(status.status, page.nowIso(), page.lang);
  }

  function renderTimeline() {
    const list = $("timeline");
    list.replaceChildren();
    const current = STEPS.indexOf(status.step ?? "queued");
    STEPS.forEach((step, i) => {
      const li = document.createElement("li");
      li.textContent = page.t(`timeline.${step}`);
      li.className = i < current ? "done" : i === current ? "current" : "todo";
      if (i === current) li.setAttribute("aria-current", "step");
      list.append(li);
    });
  }

  function renderCountdowns() {
    const list = $("countdowns");
    list.replaceChildren();
    const v = view();
    for (const deadline of v.deadlines ?? []) {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = `${deadline.title}: `;
      const left = document.createElement("span");
      left.className = "countdown";
      left.dataset.key = deadline.kind;
      left.textContent = deadline.timeLeft;
      const until = document.createElement("span");
      until.className = "hint";
      until.textContent = ` (${page.t("tracker.until", { at: deadline.deadlineLocal })})`;
      li.append(label, left, until);
      list.append(li);
    }
    for (const event of v.nextEvents ?? []) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = event.text;
      list.append(li);
    }
  }

  function tick() {
    if (!status) return;
    const v = view();
    for (const deadline of v.deadlines ?? []) {
      const el = document.querySelector(`.countdown[data-key="${deadline.kind}"]`);
      if (el && el.textContent !== deadline.timeLeft) el.textContent = deadline.timeLeft;
    }
  }

  function renderVacancies() {
    $("vacancies-panel").hidden = !status.windowOpen || Boolean(status.referral);
    const list = $("vacancies");
    list.replaceChildren();
    for (const v of receipt.vacancies?.vacancies ?? []) {
      const li = document.createElement("li");
      li.className = "vacancy";
      const text = document.createElement("span");
      text.textContent = page.t("tracker.vacancy", { kindergarten: v.kindergarten, group: v.ageGroup, free: v.free });
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = page.t("tracker.claim");
      button.setAttribute("aria-describedby", "");
      button.disabled = v.free <= 0 || claiming;
      button.addEventListener("click", () => claim(v.id, button));
      li.append(text, button);
      list.append(li);
    }
  }

  /** One claim at a time: the buttons lock on the first click, so a double click sends one. */
  async function claim(vacancyId, button) {
    if (claiming) return;
    claiming = true;
    for (const b of document.querySelectorAll(".vacancy button")) b.disabled = true;
    button.setAttribute("aria-busy", "true");
    $("track-status").textContent = page.t("tracker.claiming");
    const key = newKey();
    const attemptClaim = async () => {
      try {
        await api.claim(receipt.number, receipt.token, vacancyId, key);
        $("track-status").textContent = page.t("tracker.claimed");
        claiming = false;
        await reload();
      } catch (error) {
        $("track-status").textContent = "";
        claiming = false;
        button.removeAttribute("aria-busy");
        if (error.kind === "rejected") {
          $("track-status").textContent = error.body?.errors?.[0]?.message ?? page.t("backend.rejected");
          await reload();
        } else {
          page.fail(error, async () => { claiming = true; await attemptClaim(); });
        }
      }
    };
    await attemptClaim();
  }

  function renderReferral() {
    const referral = status.referral;
    $("referral-panel").hidden = !referral;
    if (!referral) return;
    const facts = $("referral-facts");
    facts.replaceChildren();
    for (const [key, value] of [["referral.kindergarten", referral.kindergarten], ["referral.valid_until", referral.validUntilLocal]]) {
      const dt = document.createElement("dt");
      dt.textContent = page.t(key);
      const dd = document.createElement("dd");
      dd.textContent = value;
      facts.append(dt, dd);
    }
    $("cancel-referral").hidden = !referral.canCancel;
    $("extend-referral").disabled = !referral.canExtend;
  }

  async function cancel() {
    try {
      await api.cancel(receipt.number, receipt.token);
      $("track-status").textContent = page.t("referral.cancelled");
      await reload();
    } catch (error) {
      if (error.kind === "rejected") $("track-status").textContent = error.body?.errors?.[0]?.message ?? page.t("backend.rejected");
      else page.fail(error, cancel);
    }
  }

  async function extend() {
    try {
      await api.extend(receipt.number, receipt.token, $("extend-reason").value);
      $("track-status").textContent = page.t("referral.extended");
      await reload();
    } catch (error) {
      if (error.kind === "rejected") $("track-status").textContent = error.body?.errors?.[0]?.message ?? page.t("backend.rejected");
      else page.fail(error, extend);
    }
  }

  async function advance(how) {
    try {
      await api.advanceClock(how === "next_window" ? { to: "next_window" } : { advance: how });
      const clock = await api.clock();
      page.clockOffset = Date.parse(clock.now) - Date.now();
      await reload();
    } catch (error) {
      page.fail(error, () => advance(how));
    }
  }

  return { start };
}
