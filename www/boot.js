// The citizen page's first steps: app.js imports this module first, so in the page's bundle
// (scripts/page.mjs) its lines run before any other module's. It starts the package, the
// backend client and the requests every view needs (the service's clock, the provider's times,
// the signed-in person), and fetches the likely language's catalog and labels, all while
// app.js builds the form (issue 14: cold load); app.js takes what it started from here. The
// wasm is named by its served path: in the bundle, the glue's own default (beside the module)
// would be the bundle's folder.
import init, { Client } from "/pkg/kezek.js";
import { catalogText, loadLabels } from "./labels.js";

export const LANGS = ["kk", "ru", "en"];
/** The language the URL asks for, if any. */
export const asked = new URLSearchParams(location.search).get("lang");
/** The language the page will most likely show: the URL's, else the browser's, else Kazakh. */
export const likely = [asked, navigator.language?.slice(0, 2)].find((l) => LANGS.includes(l)) ?? "kk";

catalogText(likely).catch(() => {});
loadLabels(likely).catch(() => {});

/** The package started, with its client and the first answers on their way: `{ client, clock,
 * policy, me }`, each answer a promise (`policy` and `me` are null when they fail; `me` is null
 * where sign-in is not set up). Rejects only when the package could not start. */
export const started = init({ module_or_path: "/pkg/kezek_bg.wasm" }).then(() => {
  const client = new Client("", likely);
  const clock = client.clock();
  const policy = client.policy().catch(() => null);
  const me = clock.then((c) => (c.signIn ? client.me() : null)).catch(() => null);
  clock.catch(() => {}); // app.js reads its failure
  return { client, clock, policy, me };
});
// app.js reads the failure; until it does, it is not an unhandled rejection.
started.catch(() => {});
