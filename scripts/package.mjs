// Makes pkg/ (wasm-pack's output, built with --no-pack) an npm package: writes package.json from
// Cargo.toml (name, version, description, license, repository) and copies the package README,
// CHANGELOG.md and the license files. Deterministic: the same tree gives the same bytes.
// Usage: node scripts/package.mjs   (run by scripts/build.sh)
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PKG = join(ROOT, "pkg");

/** A `key = "value"` of Cargo.toml's [package] section. */
function cargo(key) {
  const toml = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
  const section = toml.slice(toml.indexOf("[package]"), toml.indexOf("\n[", toml.indexOf("[package]") + 1));
  const m = new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(section);
  if (!m) throw new Error(`Cargo.toml [package] has no ${key}`);
  return m[1];
}

const name = cargo("name");
const manifest = {
  name,
  version: cargo("version"),
  description: cargo("description"),
  license: cargo("license"),
  repository: { type: "git", url: cargo("repository") },
  keywords: ["kazakhstan", "egov", "kindergarten", "iin", "validation", "webassembly"],
  type: "module",
  main: `./${name}.js`,
  module: `./${name}.js`,
  types: `./${name}.d.ts`,
  exports: {
    ".": { types: `./${name}.d.ts`, default: `./${name}.js` },
    [`./${name}_bg.wasm`]: `./${name}_bg.wasm`,
    // The tracker part (`loadTracker()`): status, queue, register; scripts/split.mjs.
    [`./${name}_tracker_bg.wasm`]: `./${name}_tracker_bg.wasm`,
    // The language catalogs (`setCatalog(lang, text)`): data files, fetched when a language is shown.
    "./i18n/*.json": "./i18n/*.json",
    "./package.json": "./package.json",
  },
  files: [`${name}.js`, `${name}.d.ts`, `${name}_bg.wasm`, `${name}_bg.wasm.d.ts`, `${name}_tracker_bg.wasm`, "i18n/*.json", "README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"],
  // Not `false`: the glue runs statements as it loads (its object heap, the encoder fallback;
  // the start call in wasm-bindgen's bundler target), and a bundler told that no module has side
  // effects may drop an import kept only for those. Snippets likewise.
  sideEffects: [`./${name}.js`],
  engines: { node: ">=20" },
};

writeFileSync(join(PKG, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
copyFileSync(join(ROOT, "npm", "README.md"), join(PKG, "README.md"));
for (const file of ["CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(join(ROOT, file), join(PKG, file));
