// Bundles the citizen page's modules (www/app.js and what it imports, the package's glue
// included) into one minified module, www/build/citizen.js, with its source map (issue 14:
// cold load). Served as separate modules the page made seven requests before it could start,
// over a browser's six connections, and each module was fetched, parsed and linked on its own;
// bundled, it is one request beside the package's wasm. The views loaded later (the tracker,
// "my applications") are in it too: they share the package's one instance, which a second copy
// of the glue would not. The operator and tools pages stay separate modules (they are not on
// the citizen's path). Run by scripts/build.sh after the package is built into pkg/.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "../tools/node_modules/esbuild/lib/main.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The pages import the package as the server serves it, `/pkg/kezek.js`: that is pkg/ here. */
const servedPackage = {
  name: "served-package",
  setup(build) {
    build.onResolve({ filter: /^\/pkg\// }, (args) => ({ path: join(ROOT, args.path) }));
  },
};

await esbuild.build({
  entryPoints: [join(ROOT, "www/app.js")],
  outfile: join(ROOT, "www/build/citizen.js"),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  plugins: [servedPackage],
  logLevel: "warning",
});
