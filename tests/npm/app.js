// The tiny app: what a front-end team writes after `npm install kezek`, bundled by esbuild with
// the .wasm imported as a file URL. It puts what the package answered on the page.
import init, * as kezek from "kezek";
import wasmUrl from "kezek/kezek_bg.wasm";
import { callPackage } from "./calls.js";

init({ module_or_path: wasmUrl })
  .then(() => callPackage(kezek))
  .then(
    (result) => {
      document.getElementById("out").textContent = JSON.stringify(result, null, 2);
      window.__result = result;
    },
    (e) => { window.__result = { error: String(e?.stack ?? e) }; },
  );
