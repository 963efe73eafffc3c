// The accessibility statement: static text in three languages; this shows the one asked for
// (`?lang=`, else the browser's, else Kazakh) and keeps the language on the way back.
const LANGS = ["kk", "ru", "en"];

function setLanguage(lang) {
  document.documentElement.lang = lang;
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  document.getElementById("back-to-service").href = `/?lang=${lang}`;
  document.title = document.querySelector(`article[data-l="${lang}"] h1`)?.textContent ?? document.title;
  const query = new URLSearchParams(location.search);
  if (query.get("lang") !== lang) {
    query.set("lang", lang);
    history.replaceState(null, "", `${location.pathname}?${query}`);
  }
}

const asked = new URLSearchParams(location.search).get("lang") ?? navigator.language?.slice(0, 2);
setLanguage(LANGS.includes(asked) ? asked : "kk");
for (const b of document.querySelectorAll("[data-lang]")) b.addEventListener("click", () => setLanguage(b.dataset.lang));
navigator.serviceWorker?.register("/sw.js").catch(() => {});
