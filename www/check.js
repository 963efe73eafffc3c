// "Check your answers" (the GOV.UK pattern): every answer the person gave, grouped as the form
// groups them, each with a "Change" link that opens the form at that answer; "Continue" then
// comes back here. Built from the form itself (its labels, its visible fields, the options'
// texts), so it always shows exactly what will be sent and in the page's language.
import { formatDate } from "/pkg/kezek.js";

const $ = (id) => document.getElementById(id);

/** The text of a field's answer: a chosen option's label, a date as people read it, or what
 * was typed; null when nothing was given. */
function answer(el) {
  if (el.dataset.kind === "radios") {
    const checked = el.querySelector("input:checked");
    return checked ? el.querySelector(`label[for="${checked.id}"]`)?.textContent ?? checked.value : null;
  }
  const control = el.querySelector("input, select");
  if (!control) return null;
  if (control.type === "checkbox") return control.checked ? "yes" : null;
  if (control.tagName === "SELECT") return control.value ? control.selectedOptions[0]?.textContent ?? control.value : null;
  const text = control.value.trim();
  if (!text) return null;
  if (control.type === "date") {
    try {
      return formatDate(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** What a field is called: its legend for a group of options, else its label. */
function question(el) {
  const own = el.dataset.kind === "radios" ? el.querySelector("legend") : el.querySelector("label");
  return own?.textContent ?? "";
}

/** Fills the summary lists; `onChange(field)` opens the form at `field`. */
export function renderCheck(page, form, onChange) {
  const box = $("check-lists");
  box.replaceChildren();
  for (const group of form.querySelectorAll(":scope > fieldset, :scope > .field")) {
    const fields = group.matches("[data-field]") ? [group] : [...group.querySelectorAll("[data-field]")];
    const rows = fields.filter((el) => !el.hidden && !el.closest("[hidden]"));
    if (rows.length === 0) continue;
    const list = document.createElement("dl");
    list.className = "summary";
    for (const el of rows) {
      const value = answer(el);
      const row = document.createElement("div");
      row.className = "summary-row";
      row.dataset.field = el.dataset.field;
      const dt = document.createElement("dt");
      dt.textContent = question(el);
      const dd = document.createElement("dd");
      dd.textContent = value === "yes" ? page.t("check.yes") : value ?? page.t("check.none");
      const action = document.createElement("dd");
      action.className = "change";
      const control = el.querySelector("input, select");
      // The applicant's name and IIN from the sign-in cannot be changed here.
      if (!control?.readOnly) {
        const link = document.createElement("a");
        link.href = `#${control?.id ?? ""}`;
        link.append(page.t("check.change"));
        const what = document.createElement("span");
        what.className = "visually-hidden";
        what.textContent = ` ${question(el)}`;
        link.append(what);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          onChange(el.dataset.field);
        });
        action.append(link);
      }
      row.append(dt, dd, action);
      list.append(row);
    }
    if (group.matches("fieldset")) {
      const heading = document.createElement("h2");
      heading.textContent = group.querySelector(":scope > legend")?.textContent ?? "";
      box.append(heading);
    }
    box.append(list);
  }
}
