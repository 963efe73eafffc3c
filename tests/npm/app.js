// The tiny app: what a front-end team writes after `npm install kezek`, bundled by esbuild with
// both .wasm parts and the language catalogs imported as file URLs. It puts what the package answered
// on the page.
import init, * as kezek from "kezek";
import wasmUrl from "kezek/kezek_bg.wasm";
import trackerUrl from "kezek/kezek_tracker_bg.wasm";
import enUrl from "kezek/i18n/en.json";
import ruUrl from "kezek/i18n/ru.json";
import { callPackage } from "./calls.js";

const text = (url) => fetch(url).then((r) => r.text());

Promise.all([init({ module_or_path: wasmUrl }), text(enUrl), text(ruUrl)])
  .then(async ([, en, ru]) => {
    // The tracker part, as a page loads it when a tracker view needs it.
    await kezek.loadTracker({ module_or_path: trackerUrl });
    // The languages the calls read: the package carries no texts until a catalog is loaded.
    kezek.setCatalog("en", en);
    kezek.setCatalog("ru", ru);
    return callPackage(kezek);
  })
  .then(
    (result) => {
      document.getElementById("out").textContent = JSON.stringify(result, null, 2);
      window.__result = result;
    },
    (e) => { window.__result = { error: String(e?.stack ?? e) }; },
  );
