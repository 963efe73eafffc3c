// The npm package as a front-end team gets it: `npm pack` of pkg/ (built by scripts/build.sh),
// installed from the tarball into this tiny app, then
//   * bundled with esbuild (from tools/) and run in headless Chromium from a loopback server;
//   * imported in Node and initialised with initSync from the installed .wasm.
// Both make the same calls (calls.js) and must get the same answers.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launch, ROOT } from "../e2e/harness.mjs";
import { callPackage } from "./calls.js";

const HERE = join(ROOT, "tests", "npm");
const OUT = join(ROOT, "target", "npm");
const DIST = join(OUT, "dist");
const esbuild = createRequire(import.meta.url)("../../tools/node_modules/esbuild");

/** The version in Cargo.toml's [package], which the package must carry. */
const CARGO_VERSION = /^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms.exec(readFileSync(join(ROOT, "Cargo.toml"), "utf8"))[1];

let packed;

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", OUT, join(ROOT, "pkg")], { encoding: "utf8" }));
  copyFileSync(join(OUT, packed.filename), join(OUT, "kezek.tgz"));
  // A fresh install of the tarball (no lock file: it changes with every build; no registry needed).
  rmSync(join(HERE, "node_modules"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-package-lock", "--no-audit", "--no-fund", "--offline", "--loglevel=error"], { cwd: HERE });
  await esbuild.build({
    entryPoints: [join(HERE, "app.js")],
    bundle: true,
    format: "esm",
    outdir: DIST,
    loader: { ".wasm": "file" },
    absWorkingDir: HERE,
    logLevel: "error",
  });
  copyFileSync(join(HERE, "index.html"), join(DIST, "index.html"));
});

after(() => rmSync(join(HERE, "node_modules"), { recursive: true, force: true }));

/** The answers both environments must give. */
function assertAnswers(result) {
  assert.equal(result.error, undefined);
  assert.deepEqual(result.iin, { ok: true, birthDate: "2020-02-29", sex: "female" });
  assert.equal(result.badIin.ok, false);
  assert.equal(result.badIin.code, "iin.checksum");
  assert.match(result.badIin.message, /^Check the IIN/);
  assert.deepEqual(result.valid, { ok: true, errors: [], warnings: [] });
  assert.equal(result.invalid.ok, false);
  assert.deepEqual(result.invalid.errors.map((e) => [e.field, e.code]), [["child.iin", "iin.length"], ["consent", "consent.required"]]);
  assert.match(result.invalid.errors[0].message, /[а-яА-Я]/, "the message is in Russian");
  assert.deepEqual(result.thrown, { isError: true, code: "date.format" });
}

test("the tarball holds the package and nothing else", () => {
  assert.equal(packed.name, "kezek");
  assert.equal(packed.version, CARGO_VERSION);
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    "CHANGELOG.md", "LICENSE-APACHE", "LICENSE-MIT", "README.md", "kezek.d.ts", "kezek.js", "kezek_bg.wasm",
    "kezek_bg.wasm.d.ts", "package.json",
  ]);
});

test("the installed package.json declares its entry, types, the .wasm and its side effects", () => {
  const manifest = JSON.parse(readFileSync(join(HERE, "node_modules", "kezek", "package.json"), "utf8"));
  assert.equal(manifest.type, "module");
  assert.deepEqual(manifest.exports["."], { types: "./kezek.d.ts", default: "./kezek.js" });
  assert.equal(manifest.exports["./kezek_bg.wasm"], "./kezek_bg.wasm");
  assert.ok(Array.isArray(manifest.sideEffects) && manifest.sideEffects.includes("./kezek.js"), "the glue keeps its side effects");
  assert.match(readFileSync(join(HERE, "node_modules", "kezek", "kezek.d.ts"), "utf8"), /export function validateApplication\(form: Draft/);
});

test("an app bundled with esbuild runs the package in headless Chromium", async () => {
  const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = readFileSync(join(DIST, path === "/" ? "index.html" : path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "text/html" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const chrome = await launch();
  try {
    const page = await chrome.browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const result = await (await page.waitForFunction(() => window.__result, null, { timeout: 20_000 })).jsonValue();
    assertAnswers(result);
    assert.deepEqual(errors, []);
  } finally {
    await chrome.close();
    server.close();
  }
});

test("Node 20 imports the installed package and initialises it from the .wasm file", async () => {
  // Resolved from this directory, as the app would: tests/npm/node_modules/kezek.
  const kezek = await import("kezek");
  const wasmPath = fileURLToPath(import.meta.resolve("kezek/kezek_bg.wasm"));
  assert.ok(wasmPath.startsWith(join(HERE, "node_modules", "kezek")), wasmPath);
  kezek.initSync({ module: readFileSync(wasmPath) });
  assertAnswers(callPackage(kezek));
});
