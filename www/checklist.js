// The live document checklist beside the form, recomputed on every change by the package.
import { checklist, formatDate } from "/pkg/kezek.js";

/** A date as people read it (the checklist gives `YYYY-MM-DD`). */
const day = (date) => (date ? formatDate(date) : "");

const SOURCES = ["state_system", "upload", "original_to_provider"];

export function renderChecklist(page, input) {
  const body = document.getElementById("checklist-body");
  let result;
  try {
    result = checklist(input, page.today(), page.lang);
  } catch {
    return; // a draft the checklist cannot read yet keeps the last list on screen
  }
  const items = result.items;
  body.replaceChildren();
  for (const source of SOURCES) {
    const group = items.filter((i) => i.source === source);
    if (group.length === 0) continue;
    const h = document.createElement("h3");
    h.textContent = page.t(`checklist.source.${source}`);
    const ul = document.createElement("ul");
    ul.className = `docs ${source}`;
    for (const item of group) {
      const li = document.createElement("li");
      li.dataset.id = item.id;
      li.dataset.status = item.status ?? "";
      const title = document.createElement("span");
      title.className = "doc-title";
      title.textContent = item.title;
      li.append(title);
      if (!item.required) li.append(` (${page.t("form.optional").toLowerCase()})`);
      if (item.status && item.status !== "ok") {
        const status = document.createElement("span");
        status.className = `doc-status ${item.status}`;
        status.textContent = page.t(`checklist.status.${item.status}`, { date: day(item.validThrough) });
        li.append(" ", status);
      }
      const why = document.createElement("span");
      why.className = "doc-why";
      why.textContent = item.why;
      li.append(why);
      ul.append(li);
    }
    body.append(h, ul);
  }
  if (result.originalsDueOn) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = page.t("checklist.originals_due", { date: day(result.originalsDueOn) });
    body.append(p);
  }
}
