// The pages' own labels: the words only the pages show (headings, buttons, hints, the options
// of the form), which the package an egov team embeds does not carry (issue 14: page-only labels
// out of the wasm). One file per language, `www/i18n/<lang>.json`, an object of texts by key,
// fetched when the language is first shown, beside the package's catalog of the same language.
// A page looks a key up here first, then in the package (uiText); the tests in src/i18n keep
// every label in the three languages and no key in both places. The package's catalog of the
// same language is fetched here too (`catalogText`), for the page to give it to `setCatalog`.
const files = new Map();
const labels = new Map();

/** Fetches the labels of `lang` once (a failed fetch is tried again at the next call). */
export function loadLabels(lang) {
  if (!files.has(lang)) {
    const file = fetch(`/i18n/${lang}.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`i18n/${lang}.json: ${r.status}`))))
      .then((texts) => { labels.set(lang, new Map(Object.entries(texts))); });
    file.catch(() => files.delete(lang));
    files.set(lang, file);
  }
  return files.get(lang);
}

/** The package's catalog of `lang` (`/pkg/i18n/<lang>.json`) as text, for `setCatalog`: fetched
 * once (a failed fetch is tried again at the next call). */
const catalogs = new Map();
export function catalogText(lang) {
  if (!catalogs.has(lang)) {
    const text = fetch(`/pkg/i18n/${lang}.json`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`i18n/${lang}.json: ${r.status}`))));
    text.catch(() => catalogs.delete(lang));
    catalogs.set(lang, text);
  }
  return catalogs.get(lang);
}

/** Whether the labels of `lang` are loaded. */
export const hasLabels = (lang) => labels.has(lang);

/** The label `key` in `lang`, else in Kazakh (when `lang`'s file did not arrive), else undefined
 * (a key of the package's catalogs). */
export function label(key, lang) {
  return labels.get(lang)?.get(key) ?? labels.get("kk")?.get(key);
}
