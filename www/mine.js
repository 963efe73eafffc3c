// "My applications": every application of the signed-in person (`GET /api/me/applications`),
// each with its queue in words, its status title (the core's `statusView`) and its queue
// number, and a link that opens its tracker (`?application=N`: it works after a reload and in
// another browser too, once signed in).
import { statusView } from "/pkg/kezek.js";
import { queueName } from "./tracker.js";

const $ = (id) => document.getElementById(id);

export function createMine(page) {
  let applications = null;
  let bulletin = null; // kindergarten names of special and sanatorium queues
  page.onLanguage(() => { if (applications && !$("mine").hidden) render(); });

  async function load() {
    try {
      applications = (await page.client.myApplications()).applications ?? [];
      if (applications.some((a) => !String(a.queue).endsWith("-general"))) bulletin ??= await page.client.bulletin().catch(() => null);
      render();
    } catch (error) {
      page.fail(error, load);
    }
  }

  function render() {
    const list = $("mine-list");
    list.replaceChildren();
    $("mine-empty").hidden = applications.length > 0;
    for (const a of applications) {
      const li = document.createElement("li");
      li.className = "panel mine-item";
      const link = document.createElement("a");
      link.href = page.href({ application: a.number });
      link.textContent = page.t("mine.number", { number: a.number });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        page.go({ application: a.number });
      });
      const heading = document.createElement("h3");
      heading.append(link);
      const lines = [queueName(page, a.queue, bulletin), statusView(a.status, page.nowIso(), page.lang).title];
      if (a.position) lines.push(page.t("mine.position", { n: a.position.queueNumber }));
      li.append(heading, ...lines.map((text) => {
        const p = document.createElement("p");
        p.textContent = text;
        return p;
      }));
      list.append(li);
    }
  }

  return { load };
}
