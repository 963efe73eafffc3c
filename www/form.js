// The Appendix 1 form with GOV.UK-style errors: "reward early, punish late". An error appears
// only when the person has finished with a field (change/blur) or tries to submit, and it
// disappears the moment the field is fixed. On a failed submit an error summary takes focus and
// links to each field; the page title gets an "Error:" prefix. The draft lives only in memory.
//
// Three steps, in the URL (`&step=check`, so Back returns to the form): the form; "check your
// answers" (check.js), whose "Change" links open the form at one answer and whose "Continue"
// comes back; sending. A refusal for missing documents (rules 5-6) shows the Appendix 3
// receipt, printable. Offline the form still validates (the package is in the page and the
// service worker's cache); a failed send keeps every answer until the connection returns.
//
// With sign-in, the applicant is the signed-in person: their IIN and name come from the sign-in
// and are shown read-only with the reason (WCAG 2.2 3.3.7, not asked twice). The service's own
// refusals (a child not linked to the applicant in the civil registry, an applicant who is not
// the person signed in, …) are shown like the form's errors, by their code from the catalogs,
// and stay until the field they name changes.
import { kazakhstanTime, localities, formatDate, validateApplication, validateField } from "/pkg/kezek.js";
import { isBackendError } from "./app.js";
import { renderCheck } from "./check.js";
import { renderChecklist } from "./checklist.js";

const CATEGORIES = ["none", "serviceman", "special_state_body", "disabled_parent", "special_needs", "no_parental_care",
  "orphan", "large_family", "teacher", "disabled_child_in_family"];
const QUEUE_KINDS = ["general", "special", "sanatorium"];
const STAY_MODES = ["full_day", "part_day", "round_the_clock"];
const DISORDERS = ["hearing", "vision", "speech", "intellectual", "musculoskeletal", "autism", "delayed_development", "other"];
const PROFILES = ["tuberculosis", "respiratory", "other"];
const WORKPLACE_DOC = { serviceman: "serviceman_workplace_certificate", special_state_body: "special_state_body_workplace_certificate",
  teacher: "teacher_workplace_certificate" };

const $ = (id) => document.getElementById(id);
const fieldEl = (name) => document.querySelector(`[data-field="${name}"]`);
const domId = (name) => `f-${name.replaceAll(".", "-")}`;

export function createForm(page, onSubmitted) {
  const form = $("form");
  /** Fields whose error is on screen, with the message shown. */
  const shown = new Map();
  let summaryVisible = false;
  let attempt = null; // { key, json } of the last submission sent, for safe retries
  let documentFields = []; // the field showing each entry of draft().documents
  /** The service's refusals still on screen: field → { code, message, value it was given for }. */
  const refused = new Map();

  buildOptions();
  wireFields();
  /** "form", "check" or "refusal". */
  let step = "form";
  /** Whether ready() has run: the page's first language is in, and the form shows it. */
  let isReady = false;

  /** The localities, named in the page's language (the package has the names). */
  function fillLocalities() {
    const select = fieldEl("applicant.locality").querySelector("select");
    const chosen = select.value;
    for (const option of [...select.options].slice(1)) option.remove();
    for (const { code, name } of localities(page.lang)) {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = name;
      select.append(option);
    }
    select.value = chosen;
  }

  function buildOptions() {
    for (const [name, values] of Object.entries({ "queue.disorder": DISORDERS, "queue.profile": PROFILES })) {
      const select = fieldEl(name).querySelector("select");
      for (const v of values) {
        const option = document.createElement("option");
        option.value = v;
        option.dataset.t = `option.${name}.${v}`;
        select.append(option);
      }
    }
    const groups = { category: CATEGORIES, "queue.kind": QUEUE_KINDS, "queue.stayMode": STAY_MODES };
    for (const [name, values] of Object.entries(groups)) {
      const box = document.querySelector(`[data-options="${name}"]`);
      for (const value of values) {
        const id = `${domId(name)}-${value}`;
        const row = document.createElement("div");
        row.className = "radio";
        row.innerHTML = `<input type="radio" id="${id}" name="${name}" value="${value}"><label for="${id}" data-t="option.${name}.${value}"></label>`;
        box.append(row);
      }
    }
    document.querySelector('[name="queue.kind"][value="general"]').checked = true;
    document.querySelector('[name="queue.stayMode"][value="full_day"]').checked = true;
  }

  /** Kindergartens with special or sanatorium groups (rule 13: those queues are kept per
   * kindergarten), from the published bulletin of free places. Asked for the first time such a
   * queue is chosen, not while the form starts: the bulletin lists every free place (23 KB in the
   * demo, far more for a city), and most applications are for the general queue (issue 14). */
  let kindergartens = [];
  let kindergartensAsked = null;
  function kindergartenList() {
    return fieldEl("queue.kindergarten").querySelector("select");
  }
  function loadKindergartens() {
    kindergartensAsked ??= (async () => {
      const select = kindergartenList();
      select.setAttribute("aria-busy", "true");
      try {
        const bulletin = await page.client.bulletin();
        const seen = new Set();
        kindergartens = [];
        for (const v of bulletin.vacancies ?? []) {
          const key = `${v.groupKind}/${v.kindergartenId}`;
          if (v.groupKind === "general" || seen.has(key)) continue;
          seen.add(key);
          kindergartens.push({ kind: v.groupKind, id: v.kindergartenId, name: v.kindergarten });
        }
        fillKindergartens();
      } catch {
        // No bulletin now: the list stays empty and the form says to choose one; choosing such a
        // queue again, or opening the list, asks again.
        kindergartensAsked = null;
      } finally {
        select.removeAttribute("aria-busy");
      }
    })();
  }

  function fillKindergartens() {
    const select = kindergartenList();
    const kind = radio("queue.kind");
    const chosen = select.value;
    for (const option of [...select.options].slice(1)) option.remove();
    for (const k of kindergartens.filter((k) => k.kind === kind)) {
      const option = document.createElement("option");
      option.value = k.id;
      option.textContent = k.name;
      select.append(option);
    }
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
  }

  /** Gives every control an id, its label a for=, and an error slot tied with aria-describedby. */
  function wireFields() {
    for (const el of document.querySelectorAll("[data-field]")) {
      const name = el.dataset.field;
      const id = domId(name);
      const error = document.createElement("p");
      error.className = "error-message";
      error.id = `${id}-error`;
      error.hidden = true;
      const hints = [...el.querySelectorAll(":scope > .hint")];
      hints.forEach((h, i) => { h.id = `${id}-hint${i}`; });
      if (el.dataset.kind === "radios") {
        el.querySelector("legend").after(error);
        el.setAttribute("aria-describedby", [...hints.map((h) => h.id), error.id].join(" "));
        continue;
      }
      const control = el.querySelector("input, select");
      control.id = id;
      control.name = name;
      el.querySelector("label").htmlFor = id;
      (hints.at(-1) ?? el.querySelector("label")).after(error);
      if (el.dataset.kind === "checkbox") el.prepend(error);
      control.setAttribute("aria-describedby", [...hints.map((h) => h.id), error.id].join(" "));
    }
    form.addEventListener("input", onInput);
    form.addEventListener("change", onFinished);
    form.addEventListener("focusout", onFinished);
    form.addEventListener("submit", onSubmit);
    // A bulletin that could not be fetched is asked for again when the person opens the list.
    kindergartenList().addEventListener("focus", loadKindergartens);
    $("send").addEventListener("click", () => send(draft()));
    $("refusal-back").addEventListener("click", () => page.go());
    page.onLanguage(() => {
      if (!isReady) return; // ready() fills the form in the language it starts with
      fillLocalities();
      refresh();
      if (step === "check") renderCheck(page, form, change);
    });
  }

  const value = (name) => fieldEl(name)?.querySelector("input, select")?.value ?? "";
  const radio = (name) => form.querySelector(`[name="${name}"]:checked`)?.value ?? null;
  const visible = (name) => !fieldEl(name)?.hidden;

  /** The draft in the contract's JSON shape, exactly as typed. */
  function draft() {
    const category = radio("category");
    const kind = radio("queue.kind");
    const phones = [value("notifications.phones.0"), value("notifications.phones.1")].filter((p) => p.trim() !== "");
    const documents = [];
    documentFields = [];
    const doc = (field, kindName) => {
      if (visible(field) && value(field)) { documents.push({ kind: kindName, issuedOn: value(field) }); documentFields.push(field); }
    };
    if (WORKPLACE_DOC[category]) doc("documents.workplace", WORKPLACE_DOC[category]);
    doc("documents.pmpc", "pmpc_conclusion");
    doc("documents.phthisiatrician", "phthisiatrician_conclusion");
    const locality = fieldEl("applicant.locality").querySelector("select");
    const queue = { kind, language: value("queue.language"), stayMode: radio("queue.stayMode") };
    if (kind === "special") queue.disorder = value("queue.disorder") || null;
    if (kind === "sanatorium") queue.profile = value("queue.profile") || null;
    if (kind === "special" || kind === "sanatorium") queue.kindergarten = value("queue.kindergarten") || null;
    return {
      applicant: {
        lastName: value("applicant.lastName"), firstName: value("applicant.firstName"),
        middleName: value("applicant.middleName") || null, iin: value("applicant.iin"), address: value("applicant.address"),
        locality: { code: locality.value, name: locality.value ? locality.selectedOptions[0].textContent : "" },
      },
      child: {
        lastName: value("child.lastName"), firstName: value("child.firstName"),
        middleName: value("child.middleName") || null, iin: value("child.iin"),
      },
      category,
      queue,
      notifications: { phones, email: value("notifications.email") || null },
      consent: form.querySelector('[name="consent"]').checked,
      channel: "portal",
      documents,
    };
  }

  /** Where an error about `field` (with `code`) is shown. */
  function displayField(field, code = "") {
    if (field === "notifications.phones.0" && !value("notifications.phones.0").trim() && value("notifications.phones.1").trim()) {
      return "notifications.phones.1";
    }
    if (field === "documents") {
      if (code.includes("pmpc")) return "documents.pmpc";
      if (code.includes("phthisiatrician")) return "documents.phthisiatrician";
      return visible("documents.workplace") ? "documents.workplace" : "category";
    }
    const doc = /^documents\.(\d+)/.exec(field);
    if (doc) return documentFields[Number(doc[1])] ?? "category";
    if (field === "notifications") return "notifications.phones.0";
    if (field.startsWith("applicant.locality")) return "applicant.locality";
    if (field === "queue.stay_mode") return "queue.stayMode";
    return fieldEl(field) ? field : null;
  }

  /** Errors of the whole form, by the field that shows them, in form order. */
  function currentErrors() {
    const report = validateApplication(draft(), page.today(), page.lang);
    const byField = new Map();
    for (const e of report.errors) {
      const field = displayField(e.field, e.code) ?? "consent";
      if (!byField.has(field)) byField.set(field, e.message);
    }
    for (const [field, r] of [...refused]) {
      if (fieldValue(field) !== r.value) refused.delete(field); // changed: the service will check it again
      else if (!byField.has(field)) byField.set(field, refusalText(r));
    }
    return byField;
  }

  function showError(field, message) {
    const el = fieldEl(field);
    if (!el) return;
    const slot = $(`${domId(field)}-error`);
    const prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = `${page.t("form.error_prefix")} `;
    slot.replaceChildren(prefix, document.createTextNode(message));
    slot.hidden = false;
    el.classList.add("has-error");
    const control = el.dataset.kind === "radios" ? null : el.querySelector("input, select");
    control?.setAttribute("aria-invalid", "true");
    shown.set(field, message);
  }

  function clearError(field) {
    const el = fieldEl(field);
    const slot = $(`${domId(field)}-error`);
    if (slot) { slot.hidden = true; slot.textContent = ""; }
    el?.classList.remove("has-error");
    el?.querySelector("input, select")?.removeAttribute("aria-invalid");
    shown.delete(field);
  }

  /** What a field holds now, to know whether a refusal still applies to it. */
  const fieldValue = (field) => (fieldEl(field)?.dataset.kind === "radios" ? radio(field) : value(field));

  /** A refusal's text in the page's language: the catalog's, else the service's own message. */
  function refusalText(r) {
    const text = page.t(r.code);
    return text && text !== r.code ? text : r.message;
  }

  function applyConditions() {
    const state = { category: radio("category"), "queue.kind": radio("queue.kind") };
    if (fieldEl("queue.kindergarten").dataset.forKind !== state["queue.kind"]) {
      fieldEl("queue.kindergarten").dataset.forKind = state["queue.kind"] ?? "";
      if (state["queue.kind"] === "special" || state["queue.kind"] === "sanatorium") loadKindergartens();
      fillKindergartens();
    }
    for (const el of document.querySelectorAll("[data-when]")) {
      // "a=x,y|b=z": shown when any clause matches.
      const show = el.dataset.when.split("|").some((clause) => {
        const [name, values] = clause.split("=");
        return values.split(",").includes(state[name]);
      });
      el.hidden = !show;
      if (!show) clearError(el.dataset.field);
    }
  }

  /** Reward early: every change clears fixed errors and refreshes the ones still shown. */
  function refresh() {
    applyConditions();
    // The whole form is checked only when an error or a refusal is on screen: until then there
    // is nothing to refresh (punish late: a new error waits for onFinished).
    if (shown.size > 0 || summaryVisible || refused.size > 0) {
      const errors = currentErrors();
      for (const field of [...shown.keys()]) {
        if (errors.has(field)) showError(field, errors.get(field));
        else clearError(field);
      }
      if (summaryVisible) renderSummary(errors);
    }
    const d = draft();
    renderChecklist(page, {
      service: "00403001", channel: d.channel, category: d.category, specialNeeds: d.category === "special_needs",
      queueKind: d.queue.kind, resident: true, documents: d.documents, submittedOn: page.today(),
    });
    updateTitle();
  }

  /** Someone filling in the form is not idle: while they type, the session is kept alive (a
   * signed-in read at most every 5 minutes), so it does not end before they submit. */
  let lastActive = Date.now();
  function onInput() {
    refresh();
    if (page.me && Date.now() - lastActive > 5 * 60_000) {
      lastActive = Date.now();
      page.client.me().catch(() => {});
    }
  }

  /** Punish late: a new error appears once the person has finished with the field. */
  function onFinished(event) {
    const el = event.target.closest("[data-field]");
    if (!el || (event.type === "focusout" && el.dataset.kind === "radios" && el.contains(event.relatedTarget))) return;
    const name = el.dataset.field;
    if (!event.target.value && event.type === "focusout" && !shown.has(name)) return; // leaving an untouched empty field is not finishing it
    const issues = validateField(draft(), fieldFor(name), page.today(), page.lang);
    const own = issues.errors.find((i) => displayField(i.field, i.code) === name);
    if (own) showError(name, own.message);
    refresh();
  }

  const fieldFor = (name) => (name.startsWith("documents.") ? "documents" : name);

  function renderSummary(errors) {
    const list = $("error-summary-list");
    list.replaceChildren();
    for (const [field, message] of errors) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `#${domId(field)}`;
      a.textContent = message;
      a.addEventListener("click", (e) => {
        e.preventDefault();
        const target = fieldEl(field).dataset.kind === "radios" ? fieldEl(field).querySelector("input") : $(domId(field));
        fieldEl(field).scrollIntoView({ block: "center" });
        target?.focus();
      });
      li.append(a);
      list.append(li);
    }
    $("error-summary").hidden = errors.size === 0;
    summaryVisible = errors.size > 0;
  }

  function updateTitle() {
    const base = page.t(step === "check" ? "check.title" : "form.title");
    document.title = summaryVisible && step === "form" ? `${page.t("form.title_error")} ${base}` : base;
  }

  /** Shows every error at once with the summary, and moves to the form. */
  function showAllErrors(errors) {
    showStep("form");
    for (const [field, message] of errors) showError(field, message);
    summaryVisible = true;
    renderSummary(errors);
    updateTitle();
    $("error-summary").focus();
  }

  /** "Continue": to "check your answers" when the form has no error. */
  async function onSubmit(event) {
    event.preventDefault();
    const errors = currentErrors();
    if (errors.size > 0) {
      showAllErrors(errors);
      return;
    }
    summaryVisible = false;
    $("error-summary").hidden = true;
    await page.go({ step: "check" });
  }

  /** Shows one step of the form (see the module note). */
  function showStep(next) {
    step = next;
    $("apply-layout").hidden = next !== "form";
    for (const id of ["apply-title", "apply-lead"]) $(id).hidden = next !== "form";
    $("check").hidden = next !== "check";
    $("refusal").hidden = next !== "refusal";
    if (next !== "form") $("error-summary").hidden = true;
    else if (summaryVisible) $("error-summary").hidden = false;
    page.stepChanged(next);
    updateTitle();
  }

  /** A "Change" link: the form, at that answer; "Continue" comes back to the check. */
  function change(field) {
    history.pushState(null, "", page.href());
    showStep("form");
    const el = fieldEl(field);
    const target = el.dataset.kind === "radios" ? (el.querySelector("input:checked") ?? el.querySelector("input")) : el.querySelector("input, select");
    el.scrollIntoView({ block: "center" });
    target?.focus();
  }

  /** The Appendix 3 receipt: who, when, and the documents the service found missing. */
  function showRefusal(issues) {
    const d = draft();
    $("refusal-applicant").textContent = [d.applicant.lastName, d.applicant.firstName, d.applicant.middleName].filter(Boolean).join(" ");
    const local = kazakhstanTime(page.nowIso());
    $("refusal-at").textContent = page.t("time.moment", { date: formatDate(local.slice(0, 10)), time: local.slice(11, 16) });
    $("refusal-list").replaceChildren(...issues.map((e) => {
      const li = document.createElement("li");
      li.textContent = e.message;
      return li;
    }));
    history.pushState(null, "", page.href());
    showStep("refusal");
    $("refusal-title").focus();
  }

  async function send(body) {
    const json = JSON.stringify(body);
    // The same Idempotency-Key for every retry of the same answers: a submission lost on its
    // way back is not made twice (the client's own retries reuse it too).
    if (!attempt || attempt.json !== json) attempt = { key: crypto.randomUUID(), json };
    const button = $("send");
    button.disabled = true;
    $("submit-status").textContent = page.t("form.sending");
    try {
      const receipt = await page.client.submit(body, attempt.key);
      page.clearFailure();
      $("submit-status").textContent = "";
      await onSubmitted(receipt);
    } catch (error) {
      $("submit-status").textContent = "";
      const issues = isBackendError(error) ? error.errors : [];
      if (error.kind === "rejected" && issues.length > 0 && issues.every((e) => e.code === "documents.missing")) {
        // Rules 5-6: an incomplete set of documents is refused with the Appendix 3 receipt.
        showRefusal(issues);
      } else if (isBackendError(error) && error.kind === "rejected" && error.status !== 401 && issues.length > 0) {
        // The backend applies the same rules, and those only it can check (the civil registry,
        // the documents on file, one application per child): show its errors exactly like ours.
        history.replaceState(null, "", page.href());
        const general = new Map(); // refusals about no one field: shown once
        for (const e of issues) {
          const field = displayField(e.field, e.code);
          if (!field) general.set("consent", general.get("consent") ?? refusalText(e));
          else if (!refused.has(field)) refused.set(field, { code: e.code, message: e.message, value: fieldValue(field) });
        }
        const errors = currentErrors();
        for (const [field, message] of general) if (!errors.has(field)) errors.set(field, message);
        if (errors.size === 0) errors.set("consent", page.t("backend.rejected"));
        showAllErrors(errors);
      } else {
        page.fail(error, () => send(body));
      }
    } finally {
      button.disabled = false;
    }
  }

  /** The signed-in person is the applicant: their IIN and name, read-only, not asked again. */
  function fillApplicant(me) {
    const given = { "applicant.iin": me?.iin, "applicant.lastName": me?.familyName, "applicant.firstName": me?.givenName };
    let any = false;
    for (const [name, text] of Object.entries(given)) {
      const input = fieldEl(name).querySelector("input");
      if (!text) continue;
      input.value = text;
      input.readOnly = true;
      input.setAttribute("aria-describedby", `from-sign-in ${input.getAttribute("aria-describedby")}`);
      any = true;
    }
    $("from-sign-in").hidden = !any;
  }

  return {
    ready(me) {
      isReady = true;
      fillLocalities();
      if (me) fillApplicant(me);
      refresh();
    },
    /** Shows `asked` ("form" or "check", from the URL); "check" only for a form without
     * errors (after a reload the draft is gone: the form again). */
    show(asked) {
      if (asked === "check" && currentErrors().size === 0) {
        renderCheck(page, form, change);
        showStep("check");
        $("check-title").focus();
        return;
      }
      if (asked === "check") history.replaceState(null, "", page.href());
      if (step !== "form") showStep("form");
    },
  };
}
