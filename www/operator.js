// The operator page (issue 11): the service provider's staff — a kindergarten (its free places,
// the referrals to admit, its special and sanatorium queues) and the locality's education
// department (originals, an application's category and the stop-list, the monthly check, the
// queues) — over the staff API (/api/staff/…). Every text comes from the core's catalogs: the
// staff's own from the backend (GET /api/texts/staff: the citizen's package does not carry
// them), the pages' own labels (labels.js: www/i18n/<lang>.json), the rest from the package
// (uiText). Every deadline and countdown comes from the
// package's statusView on the backend's status,
// every time from formatMoment: the page derives nothing. Writes carry an Idempotency-Key that a
// retry after a lost answer reuses, so nothing happens twice.
import init, { formatMoment, loadPolicy, loadTracker, setCatalog, statusView, uiText } from "/pkg/kezek.js";
import { catalogText, hasLabels, label, loadLabels } from "./labels.js";

const LANGS = ["kk", "ru", "en"];
const TIMEOUT_MS = 15_000;
const $ = (id) => document.getElementById(id);

const state = {
  lang: "kk",
  /** Milliseconds to add to the device clock to get the service's clock (the demo moves it). */
  offset: 0,
  policy: null,
  me: null,
  role: null,
  data: {},
  /** The service provider's texts by language, from the backend. */
  texts: {},
};

function t(key, args = {}) {
  let text = state.texts[state.lang]?.[key] ?? label(key, state.lang) ?? uiText(key, state.lang);
  for (const [name, value] of Object.entries(args)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}
const nowIso = () => new Date(Date.now() + state.offset).toISOString();
const moment = (instant) => formatMoment(instant, state.lang);

// --- the backend ---

class BackendError extends Error {
  constructor(kind, status = 0, body = null) {
    super(kind);
    this.kind = kind; // "offline" | "timeout" | "server" | "rejected"
    this.status = status;
    this.body = body;
  }
  /** The backend's errors ({ field, code, message }), in the page's language. */
  get errors() {
    return this.body?.errors ?? [];
  }
}

async function call(method, path, { json, key } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const headers = { "accept-language": state.lang };
  if (json !== undefined) headers["content-type"] = "application/json";
  if (key) headers["idempotency-key"] = key;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin", cache: "no-store", signal: controller.signal,
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
  } catch {
    throw new BackendError(controller.signal.aborted ? "timeout" : "offline");
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) throw new BackendError("server", response.status);
  const body = (response.headers.get("content-type") ?? "").includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new BackendError("rejected", response.status, body);
  return body;
}

const get = (path) => call("GET", path);
const enc = encodeURIComponent;

/**
 * A write with its Idempotency-Key: the same key until the backend answers (a retry after a lost
 * answer gets the first answer), a new one after.
 */
async function write(holder, method, path, json) {
  holder.dataset.key ||= crypto.randomUUID();
  try {
    const answer = await call(method, path, { json, key: holder.dataset.key });
    delete holder.dataset.key;
    return answer;
  } catch (error) {
    if (error.kind === "rejected") delete holder.dataset.key;
    throw error;
  }
}

// --- page chrome ---

function showOnly(id) {
  for (const section of ["signin", "no-role", "workspace"]) $(section).hidden = section !== id;
}

function notice(error, retry) {
  $("notice-text").textContent = t(`backend.${error.kind ?? "server"}`);
  $("notice").hidden = false;
  $("notice-retry").hidden = !retry;
  $("notice-retry").onclick = async () => {
    $("notice").hidden = true;
    await retry();
  };
}

function translate() {
  document.documentElement.lang = state.lang;
  document.title = t("operator.page_title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
  if (state.role && state.data.history) render();
}

/** The package's catalog of each language (i18n/<lang>.json) and the pages' labels, fetched
 * side by side when the language is first shown. */
const catalogs = new Set();
let switches = 0;

async function setLanguage(lang) {
  lang = LANGS.includes(lang) ? lang : "kk";
  const switch_ = ++switches;
  if (!catalogs.has(lang) || !hasLabels(lang)) {
    const labels = loadLabels(lang).catch(() => {});
    try {
      if (!catalogs.has(lang)) {
        setCatalog(lang, await catalogText(lang));
        catalogs.add(lang);
      }
    } catch {
      // Shown with the texts that are there (Kazakh, else the keys).
    }
    await labels;
    if (switch_ !== switches) return;
  }
  state.lang = lang;
  translate();
}

/** Makes an element: `el("li", { class: "x" }, child, "text")`. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function options(select, values, label, chosen) {
  const keep = chosen ?? select.value;
  select.replaceChildren(...values.map((v) => el("option", { value: v, text: label(v) })));
  if (values.includes(keep)) select.value = keep;
}

/** Shows a message in a section's status line and moves focus there (the list under it re-renders). */
function say(id, text, error = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error-message", error);
  node.setAttribute("role", error ? "alert" : "status");
  node.focus();
}

function failure(id, error, retry) {
  if (error.kind === "rejected") say(id, error.errors.map((e) => e.message).join(" ") || t("backend.rejected"), true);
  else notice(error, retry);
}

// --- signing in ---

async function signOut() {
  try {
    await call("POST", "/auth/logout", { json: {} });
  } catch { /* the session ends anyway when it expires */ }
  location.assign("/operator.html");
}

function roleKey(role) {
  return role.role === "kindergarten" ? `kindergarten:${role.kindergarten}` : `education_department:${role.locality}`;
}

/** Kindergartens' names, looked up once. */
const names = {};

async function lookUpNames(roles) {
  for (const role of roles.filter((r) => r.role === "kindergarten")) {
    names[role.kindergarten] ??= (await get(`/api/staff/kindergartens/${enc(role.kindergarten)}`)).name;
  }
}

function roleTitle(role) {
  return role.role === "kindergarten"
    ? t("operator.role.kindergarten", { name: names[role.kindergarten] ?? role.kindergarten })
    : t("operator.role.department", { code: role.locality });
}

// --- loading ---

async function syncClock() {
  try {
    const clock = await get("/api/time");
    state.offset = Date.parse(clock.now) - Date.now();
  } catch {
    state.offset = 0;
  }
}

async function load() {
  await syncClock();
  const role = state.role;
  const data = {};
  data.history = (await get("/api/staff/history?limit=50")).operations;
  if (role.role === "kindergarten") {
    const id = enc(role.kindergarten);
    const [seats, referrals, queues, bulletin, withdrawn] = await Promise.all([
      get(`/api/staff/kindergartens/${id}/seats`), get(`/api/staff/kindergartens/${id}/referrals`),
      get(`/api/staff/kindergartens/${id}/queues`), get("/api/bulletin"), get("/api/bulletin/withdrawn"),
    ]);
    Object.assign(data, { seats, referrals: referrals.referrals, queues: queues.queues, bulletin, withdrawn });
  } else {
    const code = enc(role.locality);
    const [originals, grounds, kindergartens] = await Promise.all([
      get(`/api/staff/localities/${code}/originals`), get(`/api/staff/localities/${code}/grounds-check`),
      get(`/api/staff/localities/${code}/kindergartens`),
    ]);
    Object.assign(data, {
      originals: originals.applications, grounds: grounds.applications, kindergartens: kindergartens.kindergartens,
      application: state.data.application, deptQueues: state.data.deptQueues,
    });
  }
  state.data = data;
  render();
}

async function refresh(statusId, text) {
  try {
    await load();
  } catch (error) {
    notice(error, () => refresh(statusId, text));
    return;
  }
  if (statusId) say(statusId, text);
}

// --- rendering ---

function render() {
  const role = state.role;
  $("signed-in").textContent = t("operator.signed_in", { name: [state.me.givenName, state.me.familyName].filter(Boolean).join(" ") });
  $("clock").textContent = t("operator.now", { at: moment(nowIso()) });
  const kindergarten = role.role === "kindergarten";
  $("kindergarten-view").hidden = !kindergarten;
  $("department-view").hidden = kindergarten;
  const sections = kindergarten ? ["seats", "referrals", "kg-queues", "history"] : ["originals", "application", "grounds", "dept-queues", "history"];
  $("section-links").replaceChildren(...sections.map((id) => el("li", {}, el("a", { href: `#${id}`, text: $(`${id}-title`).textContent }))));
  $("workspace-title").textContent = roleTitle(role);
  for (const option of $("role-choice").options) option.textContent = roleTitle(state.me.roles.find((r) => roleKey(r) === option.value));
  if (kindergarten) {
    renderSeats();
    renderReferrals();
    renderQueues($("kg-queue-tables"), state.data.queues ?? []);
  } else {
    renderOriginals();
    renderApplication();
    renderGrounds();
    renderDeptQueues();
  }
  renderHistory();
}

const groupName = (kind, detail) =>
  kind === "general" ? t("option.group.general")
    : t("operator.group_detail", { group: t(`option.group.${kind}`), detail: t(`option.queue.${kind === "special" ? "disorder" : "profile"}.${detail}`) });

/** `special-speech` → the special group's name. */
const namedGroup = (group) => {
  const [kind, ...rest] = group.split("-");
  return groupName(kind, rest.join("-"));
};

const groupLine = (seat) => t("operator.group_line", {
  group: groupName(seat.groupKind, seat.groupDetail),
  age: seat.ageGroup,
  language: t(`form.lang_${seat.language}`),
  stay: t(`option.queue.stayMode.${seat.stayMode}`),
});

function modeText(seat) {
  if (seat.admissionMode === "early_booking") return t("operator.mode.early_booking_from", { date: seat.admissionStartsOn });
  if (seat.admissionMode === "temporary_stay") return t("operator.mode.temporary_until", { date: seat.stayUntil });
  return t("option.mode.general");
}

// --- a kindergarten ---

function renderSeats() {
  const { seats, bulletin, withdrawn } = state.data;
  const kg = seats.kindergarten.id;
  const free = bulletin.vacancies.filter((v) => v.kindergartenId === kg).reduce((sum, v) => sum + v.free, 0);
  $("seats-bulletin").textContent = bulletin.publishedOn ? t("operator.seats.bulletin", { date: bulletin.publishedOn, count: free }) : t("operator.seats.no_bulletin");
  const taken = withdrawn.seats.filter((s) => s.kindergartenId === kg).length;
  $("seats-withdrawn-bulletin").textContent = withdrawn.publishedOn ? t("operator.seats.withdrawn_bulletin", { date: withdrawn.publishedOn, count: taken }) : "";
  $("report-hint").textContent = t("operator.seats.report_hint", { by: state.policy.seatReportBy, at: state.policy.bulletinAt, date: seats.reportsGoInto });
  options($("seat-age"), ["0", "1", "2", "3", "4", "5", "6", "7"], (v) => v, $("seat-age").value || "3");
  reportFields();
  $("seats-none").hidden = seats.seats.length > 0;
  $("seat-table").hidden = seats.seats.length === 0;
  $("seat-rows").replaceChildren(...seats.seats.map(seatRow));
}

function seatRow(seat) {
  const publication = seat.state === "withdrawn"
    ? t("operator.seat_state.withdrawn", { reason: t(`option.withdrawal.${seat.withdrawalReason}`) })
    : seat.state === "published" ? t("operator.seat_state.published", { date: seat.publishedOn })
      : t("operator.seat_state.reported", { date: seat.bulletinOn });
  let action = "";
  if (seat.state !== "withdrawn") {
    const id = `withdraw-${seat.id}`;
    const select = el("select", { id: `${id}-reason` },
      ["major_repair", "quarantine", "state_order_cancelled", "closure"].map((r) => el("option", { value: r, text: t(`option.withdrawal.${r}`) })));
    const button = el("button", { type: "submit", class: "button warning small", id, text: t("operator.withdraw.submit") });
    const form = el("form", { class: "row-form", novalidate: true },
      el("label", { for: `${id}-reason`, text: t("operator.withdraw.reason") }), select, button);
    form.addEventListener("submit", (event) => { event.preventDefault(); withdraw(form, seat, select.value, button); });
    action = form;
  }
  return el("tr", { "data-seat": seat.id },
    el("th", { scope: "row", text: groupLine(seat) }),
    el("td", { text: `${seat.free} / ${seat.capacity}` }),
    el("td", { text: modeText(seat) }),
    el("td", { text: publication }),
    el("td", {}, action));
}

async function withdraw(form, seat, reason, button) {
  button.disabled = true;
  try {
    const answer = await write(form, "POST", `/api/staff/seats/${enc(seat.id)}/withdraw`, { reason });
    await refresh("seats-status", t("operator.withdraw.done", { count: answer.cancelledReferrals.length }));
  } catch (error) {
    button.disabled = false;
    failure("seats-status", error, () => withdraw(form, seat, reason, button));
  }
}

/** Shows the report fields its choices need: the disorder or profile, the early-booking day, the stay's last day. */
function reportFields() {
  const group = $("seat-group").value;
  $("seat-detail-field").hidden = group === "general";
  if (group !== "general") {
    const kind = group === "special" ? "disorder" : "profile";
    $("seat-detail-label").textContent = t(group === "special" ? "form.disorder" : "form.profile");
    const values = kind === "disorder"
      ? ["hearing", "vision", "speech", "intellectual", "musculoskeletal", "autism", "delayed_development", "other"]
      : ["tuberculosis", "respiratory", "other"];
    options($("seat-detail"), values, (v) => t(`option.queue.${kind}.${v}`));
  }
  const mode = $("seat-mode").value;
  $("seat-starts-field").hidden = mode !== "early_booking";
  $("seat-until-field").hidden = mode !== "temporary_stay";
}

/** Shows the backend's refusal of a form: a summary linking to each field, and the field's own message. */
function formErrors(form, summary, list, errors, fieldIds) {
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("has-error");
    field.querySelector(".error-message.inline")?.remove();
    const input = field.querySelector("input, select");
    input?.removeAttribute("aria-invalid");
  }
  if (!errors.length) {
    summary.hidden = true;
    return;
  }
  list.replaceChildren(...errors.map((e) => {
    const target = fieldIds[e.field];
    return el("li", {}, target ? el("a", { href: `#${target}`, text: e.message }) : e.message);
  }));
  for (const e of errors) {
    const target = fieldIds[e.field];
    if (!target) continue;
    const field = $(target).closest(".field");
    field.classList.add("has-error");
    const message = el("p", { class: "error-message inline", id: `${target}-error`, text: e.message });
    field.querySelector("label").after(message);
    $(target).setAttribute("aria-invalid", "true");
    const described = ($(target).getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && !id.endsWith("-error"));
    $(target).setAttribute("aria-describedby", [...described, `${target}-error`].join(" "));
  }
  summary.hidden = false;
  summary.focus();
}

const REPORT_FIELDS = {
  ageGroup: "seat-age", language: "seat-language", groupKind: "seat-group", groupDetail: "seat-detail", stayMode: "seat-stay",
  admissionMode: "seat-mode", admissionStartsOn: "seat-starts", stayUntil: "seat-until", seats: "seat-count",
};

async function report(event) {
  event?.preventDefault();
  const form = $("report");
  const group = $("seat-group").value;
  const mode = $("seat-mode").value;
  const count = $("seat-count").value.trim();
  const body = {
    ageGroup: Number($("seat-age").value),
    language: $("seat-language").value,
    groupKind: group,
    stayMode: $("seat-stay").value,
    admissionMode: mode,
    // A number the backend reads, or as typed: the core says what is wrong with it.
    seats: /^\d{1,4}$/.test(count) ? Number(count) : 0,
  };
  if (group !== "general") body.groupDetail = $("seat-detail").value;
  const date = (id) => $(id).value.trim() || undefined;
  if (mode === "early_booking") body.admissionStartsOn = date("seat-starts");
  if (mode === "temporary_stay") body.stayUntil = date("seat-until");
  $("report-submit").disabled = true;
  try {
    const answer = await write(form, "POST", `/api/staff/kindergartens/${enc(state.role.kindergarten)}/seats`, body);
    formErrors(form, $("report-summary"), $("report-summary-list"), [], REPORT_FIELDS);
    await refresh("seats-status", t("operator.seats.reported", { count: answer.capacity, date: answer.bulletinOn }));
  } catch (error) {
    if (error.kind === "rejected") {
      const known = error.errors.map((e) => (REPORT_FIELDS[e.field] ? e : { ...e, field: "" }));
      formErrors(form, $("report-summary"), $("report-summary-list"), known, REPORT_FIELDS);
    } else {
      notice(error, report);
    }
  } finally {
    $("report-submit").disabled = false;
  }
}

function countdown(status) {
  const view = statusView(status, nowIso(), state.lang);
  return { view, text: view.deadlineText ?? "", left: view.timeLeft?.text ?? "" };
}

function renderReferrals() {
  const list = state.data.referrals;
  $("referrals-none").hidden = list.length > 0;
  $("referral-list").replaceChildren(...list.map(referralItem));
}

function referralItem({ referral, seat, application }) {
  const id = referral.id;
  const child = [application.child.lastName, application.child.firstName].filter(Boolean).join(" ");
  const { text, left } = countdown(application.status);
  const contract = el("input", { id: `admit-contract-${id}`, class: "w-date", inputmode: "numeric", autocomplete: "off", value: nowIso().slice(0, 10) });
  const certificate = el("input", { id: `admit-certificate-${id}`, class: "w-date", inputmode: "numeric", autocomplete: "off", "aria-describedby": `admit-hint-${id}` });
  const admitForm = el("form", { class: "item-form", novalidate: true },
    el("div", { class: "field" }, el("label", { for: contract.id, text: t("operator.admit.contract") }), contract),
    el("div", { class: "field" }, el("label", { for: certificate.id, text: t("operator.admit.certificate") }),
      el("p", { class: "hint", id: `admit-hint-${id}`, text: `${t("operator.admit.hint")}. ${t("form.doc_date_hint")}` }), certificate),
    el("button", { type: "submit", class: "button", id: `admit-${id}`, text: t("operator.admit.submit") }));
  const reason = el("select", { id: `refuse-reason-${id}` },
    ["missing_documents", "expired_documents", "medical_contraindications"].map((r) => el("option", { value: r, text: t(`option.admission_refusal.${r}`) })));
  const refuseForm = el("form", { class: "item-form", novalidate: true },
    el("div", { class: "field" }, el("label", { for: reason.id, text: t("operator.refuse.reason") }), reason),
    el("button", { type: "submit", class: "button warning", id: `refuse-${id}`, text: t("operator.refuse.submit") }));
  admitForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act(admitForm, "referrals-status", `/api/staff/referrals/${enc(id)}/admit`,
      { contractOn: contract.value.trim(), healthCertificateIssuedOn: certificate.value.trim() }, application.number);
  });
  refuseForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act(refuseForm, "referrals-status", `/api/staff/referrals/${enc(id)}/refuse`, { reason: reason.value }, application.number);
  });
  return el("li", { class: "item", "data-referral": id },
    el("h3", { text: t("operator.referral.heading", { child, number: application.number }) }),
    el("p", { text: t("operator.referral.issued", { at: moment(referral.issuedAt) }) }),
    el("p", {}, t("operator.referral.valid", { at: text }), " ",
      el("span", { class: "countdown", "data-status": JSON.stringify(application.status), text: left })),
    el("p", { text: t("operator.referral.place", { group: `${groupLine(seat)}; ${modeText(seat)}` }) }),
    el("div", { class: "item-actions" }, admitForm, refuseForm));
}

/**
 * Posts an operation on one application and says its outcome: `message(answer)`, else the
 * core's title of the status it answers.
 */
async function act(form, statusId, path, json, number, message) {
  const buttons = form.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    const answer = await write(form, "POST", path, json);
    const text = message ? message(answer) : t("operator.result", { number, title: statusView(answer.status, nowIso(), state.lang).title });
    await refresh(statusId, text);
    return answer;
  } catch (error) {
    failure(statusId, error, () => act(form, statusId, path, json, number, message));
    return null;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function renderQueues(container, queues) {
  if (!queues.length) {
    container.replaceChildren(el("p", { text: t("operator.queues.none") }));
    return;
  }
  container.replaceChildren(...queues.map((queue, i) => el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": `${container.id}-caption-${i}` },
    el("table", { "data-queue": queue.queue },
      el("caption", { id: `${container.id}-caption-${i}`, text: t("operator.queue.caption", { group: namedGroup(queue.group), year: queue.birthYear }) }),
      el("thead", {}, el("tr", {}, ["operator.col.queue_number", "operator.col.number", "operator.col.class", "operator.col.status", "operator.col.submitted"]
        .map((k) => el("th", { scope: "col", text: t(k) })))),
      el("tbody", {}, queue.entries.map((e) => el("tr", {},
        el("td", { text: e.queueNumber ?? "—" }),
        el("th", { scope: "row", text: e.number }),
        el("td", { text: t(`option.class.${e.class}`) }),
        el("td", { text: t(`status.title.${e.state}`) }),
        el("td", { text: moment(e.submittedAt) }))))))));
}

// --- the education department ---

function renderOriginals() {
  const list = state.data.originals;
  $("originals-none").hidden = list.length > 0;
  $("originals-list").replaceChildren(...list.map(originalsItem));
}

const personName = (p) => [p.lastName, p.firstName, p.middleName].filter(Boolean).join(" ");

function originalsItem(application) {
  const number = application.number;
  const { text, left } = countdown(application.status);
  const arrival = el("button", { type: "button", class: "button secondary", id: `arrival-${number}`, text: t("operator.originals.arrival") });
  const confirm = el("button", { type: "button", class: "button", id: `confirm-${number}`, text: t("operator.originals.confirm") });
  const actions = el("form", { class: "item-form", novalidate: true }, arrival, confirm);
  const arrived = (answer) => t("operator.result", { number, title: t("operator.originals.arrived", { at: moment(answer.arrivedAt), by: moment(answer.confirmBy) }) });
  const confirmed = (answer) => {
    const title = t("operator.result", { number, title: statusView(answer.status, nowIso(), state.lang).title });
    return answer.measuredFrom === "arrival" ? `${title}. ${t("operator.originals.confirmed", { minutes: Math.round(answer.elapsedSeconds / 60) })}` : title;
  };
  arrival.addEventListener("click", () => act(actions, "originals-status", `/api/staff/applications/${enc(number)}/originals/arrival`, {}, number, arrived));
  confirm.addEventListener("click", () => act(actions, "originals-status", `/api/staff/applications/${enc(number)}/originals/confirm`, {}, number, confirmed));
  const reasons = ["unreliable_data", "not_eligible"].map((r) => el("div", { class: "checkbox" },
    el("input", { type: "checkbox", id: `refusal-${number}-${r}`, value: r }),
    el("label", { for: `refusal-${number}-${r}`, text: t(`status.refusal.${r}`) })));
  const refuse = el("form", { class: "item-form", novalidate: true },
    el("fieldset", {}, el("legend", { text: t("operator.refusal.reasons") }), reasons),
    el("button", { type: "submit", class: "button warning", id: `refuse-originals-${number}`, text: t("operator.originals.refuse") }));
  refuse.addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = [...refuse.querySelectorAll("input:checked")].map((i) => i.value);
    act(refuse, "originals-status", `/api/staff/applications/${enc(number)}/originals/refuse`, { reasons: chosen }, number);
  });
  const here = application.arrivedAt
    ? el("p", { class: "strong", text: t("operator.originals.arrived", { at: moment(application.arrivedAt), by: moment(application.confirmBy) }) })
    : null;
  return el("li", { class: "item", "data-application": number },
    el("h3", { text: `${t("operator.col.number")}: ${number}` }),
    el("dl", { class: "facts" },
      el("dt", { text: t("operator.applicant") }), el("dd", { text: personName(application.applicant) }),
      el("dt", { text: t("form.child") }), el("dd", { text: `${personName(application.child)}, ${application.childBirthDate}` }),
      el("dt", { text: t("form.category") }), el("dd", { text: t(`option.category.${application.category}`) })),
    el("p", {}, t("operator.originals.due", { at: text }), " ",
      el("span", { class: "countdown", "data-status": JSON.stringify(application.status), text: left })),
    here,
    el("div", { class: "item-actions" }, actions, refuse));
}

async function find(event) {
  event?.preventDefault();
  const number = $("find-number").value.replace(/\s/g, "");
  $("find-error").hidden = true;
  $("find-number").removeAttribute("aria-invalid");
  try {
    state.data.application = await get(`/api/staff/applications/${enc(number)}`);
    renderApplication();
    $("application-heading").focus();
  } catch (error) {
    if (error.kind !== "rejected") return notice(error, find);
    state.data.application = null;
    renderApplication();
    $("find-error").textContent = error.errors.map((e) => e.message).join(" ");
    $("find-error").hidden = false;
    $("find-number").setAttribute("aria-invalid", "true");
    $("find-number").setAttribute("aria-describedby", "find-error");
    $("find-number").focus();
  }
}

function renderApplication() {
  const application = state.data.application;
  $("application-card").hidden = !application;
  if (!application) return;
  $("application-heading").textContent = `${t("operator.col.number")}: ${application.number}`;
  $("application-heading").setAttribute("tabindex", "-1");
  $("application-summary").textContent = `${personName(application.child)}, ${application.childBirthDate}. ${t("operator.application.summary", {
    category: t(`option.category.${application.category}`), class: t(`option.class.${application.class}`),
  })}`;
  $("application-title-text").textContent = statusView(application.status, nowIso(), state.lang).title;
  const categories = ["serviceman", "special_state_body", "disabled_parent", "special_needs", "no_parental_care", "orphan", "large_family", "teacher", "disabled_child_in_family", "none"];
  options($("priority-category"), categories, (c) => t(`option.category.${c}`));
}

async function changeCategory(event) {
  event.preventDefault();
  const application = state.data.application;
  const form = $("priority");
  $("priority-ground-error").hidden = true;
  $("priority-ground").removeAttribute("aria-invalid");
  $("priority-submit").disabled = true;
  try {
    const answer = await write(form, "POST", `/api/staff/applications/${enc(application.number)}/priority`,
      { category: $("priority-category").value, ground: $("priority-ground").value });
    state.data.application = await get(`/api/staff/applications/${enc(application.number)}`);
    $("priority-ground").value = "";
    await refresh("application-status", t("operator.priority.done", { category: t(`option.category.${answer.category}`) }));
  } catch (error) {
    if (error.kind !== "rejected") return notice(error, () => changeCategory(event));
    const ground = error.errors.find((e) => e.field === "ground");
    if (ground) {
      $("priority-ground-error").textContent = ground.message;
      $("priority-ground-error").hidden = false;
      $("priority-ground").setAttribute("aria-invalid", "true");
      $("priority-ground").setAttribute("aria-describedby", "priority-ground-hint priority-ground-error");
      $("priority-ground").focus();
    } else {
      say("application-status", error.errors.map((e) => e.message).join(" "), true);
    }
  } finally {
    $("priority-submit").disabled = false;
  }
}

async function stopOrRestore(path, json) {
  const number = state.data.application.number;
  const answer = await act($("stop"), "application-status", path, json, number);
  if (answer) {
    state.data.application = await get(`/api/staff/applications/${enc(number)}`);
    renderApplication();
  }
}

/** The applications whose grounds have no answer yet for the month being checked. */
function renderGrounds() {
  if (!$("grounds-month").value) $("grounds-month").value = nowIso().slice(0, 7);
  const month = $("grounds-month").value.trim();
  const list = state.data.grounds.filter((g) => g.lastMonth !== month);
  $("grounds-none").hidden = list.length > 0;
  $("grounds-list").hidden = list.length === 0;
  $("grounds-submit").hidden = list.length === 0;
  $("grounds-list").replaceChildren(...list.map(({ application, lastMonth, lastConfirmed }) => {
    const number = application.number;
    const name = `grounds-${number}`;
    const choice = (value, key) => el("div", { class: "radio" },
      el("input", { type: "radio", name, id: `${name}-${value}`, value, checked: value === "skip" }),
      el("label", { for: `${name}-${value}`, text: t(key) }));
    const last = lastMonth ? t("operator.grounds.last", { month: lastMonth, answer: t(lastConfirmed ? "option.grounds.confirmed" : "option.grounds.not_confirmed") }) : "";
    return el("fieldset", { class: "answer", "data-application": number },
      el("legend", { text: t("operator.grounds.answer", { number }) }),
      el("p", { class: "hint", text: `${personName(application.child)}; ${t(`option.category.${application.category}`)}${last ? `. ${last}` : ""}` }),
      el("div", { class: "radios" }, choice("skip", "option.grounds.skip"), choice("yes", "option.grounds.confirmed"), choice("no", "option.grounds.not_confirmed")));
  }));
}

async function checkGrounds(event) {
  event.preventDefault();
  const answers = [...$("grounds-list").querySelectorAll("fieldset")]
    .map((f) => ({ number: f.dataset.application, value: f.querySelector("input:checked")?.value }))
    .filter((a) => a.value === "yes" || a.value === "no")
    .map((a) => ({ number: a.number, confirmed: a.value === "yes" }));
  $("grounds-error").hidden = true;
  if (!answers.length) {
    say("grounds-status", t("operator.grounds.nothing"), true);
    return;
  }
  $("grounds-submit").disabled = true;
  try {
    const answer = await write($("grounds-form"), "POST", `/api/staff/localities/${enc(state.role.locality)}/grounds-check`,
      { month: $("grounds-month").value.trim(), answers });
    await refresh("grounds-status", t("operator.grounds.done", { count: answer.results.length }));
  } catch (error) {
    if (error.kind !== "rejected") return notice(error, () => checkGrounds(event));
    const month = error.errors.find((e) => e.field === "month");
    if (month) {
      $("grounds-error").textContent = month.message;
      $("grounds-error").hidden = false;
      $("grounds-month").setAttribute("aria-invalid", "true");
      $("grounds-month").setAttribute("aria-describedby", "grounds-month-hint grounds-error");
      $("grounds-month").focus();
    } else {
      say("grounds-status", error.errors.map((e) => e.message).join(" "), true);
    }
  } finally {
    $("grounds-submit").disabled = false;
  }
}

function renderDeptQueues() {
  const kindergartens = (state.data.kindergartens ?? []).filter((k) => k.groups.length);
  options($("queue-kindergarten"), kindergartens.map((k) => k.id), (id) => kindergartens.find((k) => k.id === id).name);
  $("queue-choice").hidden = kindergartens.length === 0;
  if (state.data.deptQueues) renderQueues($("dept-queue-tables"), state.data.deptQueues);
  else $("dept-queue-tables").replaceChildren();
}

async function showDeptQueues(event) {
  event.preventDefault();
  try {
    state.data.deptQueues = (await get(`/api/staff/kindergartens/${enc($("queue-kindergarten").value)}/queues`)).queues;
    renderDeptQueues();
  } catch (error) {
    notice(error, () => showDeptQueues(event));
  }
}

// --- both ---

function renderHistory() {
  const operations = state.data.history ?? [];
  $("history-none").hidden = operations.length > 0;
  $("history-table").hidden = operations.length === 0;
  $("history-rows").replaceChildren(...operations.map((o) => {
    let what = t(`operator.action.${o.action}`);
    if (o.action === "originals_confirmed" && o.detail?.measuredFrom === "arrival") what += `, ${t("operator.elapsed", { minutes: Math.round(o.elapsedSeconds / 60) })}`;
    if (o.detail?.reason) {
      const key = o.action === "seats_withdrawn" ? `option.withdrawal.${o.detail.reason}`
        : o.action === "stop_listed" ? `option.stop.${o.detail.reason}` : `option.admission_refusal.${o.detail.reason}`;
      what += `: ${t(key)}`;
    }
    return el("tr", {},
      el("td", { text: moment(o.at) }),
      el("td", { text: o.actor }),
      el("th", { scope: "row", text: what }),
      el("td", { text: o.target }));
  }));
}

/** Countdowns tick in place, without re-rendering the lists. */
function tick() {
  for (const node of document.querySelectorAll(".countdown[data-status]")) {
    node.textContent = countdown(JSON.parse(node.dataset.status)).left;
  }
  if (state.role) $("clock").textContent = t("operator.now", { at: moment(nowIso()) });
}

async function chooseRole(key) {
  state.role = state.me.roles.find((r) => roleKey(r) === key) ?? state.me.roles[0];
  state.data = {};
  await load();
}

async function main() {
  await init();
  // statusView and formatMoment are in the package's tracker part.
  await loadTracker();
  for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLanguage(b.dataset.lang));
  for (const b of document.querySelectorAll(".signout")) b.addEventListener("click", signOut);
  [state.policy, state.texts] = await Promise.all([get("/api/policy"), get("/api/texts/staff")]);
  loadPolicy(JSON.stringify(state.policy));
  try {
    state.me = await get("/api/me");
  } catch (error) {
    if (error.kind !== "rejected") throw error;
    state.me = null;
  }
  await setLanguage(state.me?.lang ?? navigator.language?.slice(0, 2));
  $("loading").hidden = true;
  if (!state.me) return showOnly("signin");
  if (!state.me.roles.length) return showOnly("no-role");
  const choice = $("role-choice");
  await lookUpNames(state.me.roles);
  choice.replaceChildren(...state.me.roles.map((r) => el("option", { value: roleKey(r), text: roleTitle(r) })));
  $("role-choice-field").hidden = state.me.roles.length < 2;
  choice.addEventListener("change", () => chooseRole(choice.value).catch((error) => notice(error, () => chooseRole(choice.value))));
  $("report").addEventListener("submit", report);
  $("seat-group").addEventListener("change", reportFields);
  $("seat-mode").addEventListener("change", reportFields);
  $("find").addEventListener("submit", find);
  $("priority").addEventListener("submit", changeCategory);
  $("stop").addEventListener("submit", (e) => {
    e.preventDefault();
    stopOrRestore(`/api/staff/applications/${enc(state.data.application.number)}/stop-list`, { reason: $("stop-reason").value });
  });
  $("restore-submit").addEventListener("click", () => stopOrRestore(`/api/staff/applications/${enc(state.data.application.number)}/restore`, {}));
  $("grounds-form").addEventListener("submit", checkGrounds);
  $("grounds-month").addEventListener("change", () => state.data.grounds && renderGrounds());
  $("queue-choice").addEventListener("submit", showDeptQueues);
  await chooseRole(choice.value);
  showOnly("workspace");
  setInterval(tick, 1000);
  performance.mark("kezek:operator-usable");
}

main().catch((e) => {
  $("loading").hidden = false;
  $("loading").textContent = `Қате · Ошибка · Error: ${e?.message ?? e}`;
});
