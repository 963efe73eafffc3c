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
    loader: { ".wasm": "file", ".json": "file" },
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
  // A referral of Friday 20 November 2026 ends with the 5th working day after it (Appendix 4
  // item 8): the end of Friday 27 November. Computed by the tracker part.
  assert.equal(result.deadline, "2026-11-28T00:00:00+05:00");
}

test("the tarball holds the package and nothing else", () => {
  assert.equal(packed.name, "kezek");
  assert.equal(packed.version, CARGO_VERSION);
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    "CHANGELOG.md", "LICENSE-APACHE", "LICENSE-MIT", "README.md", "i18n/en.json", "i18n/kk.json", "i18n/ru.json",
    "kezek.d.ts", "kezek.js", "kezek_bg.wasm", "kezek_bg.wasm.d.ts", "kezek_tracker_bg.wasm", "package.json",
  ]);
});

test("the installed package.json declares its entry, types, the .wasm and its side effects", () => {
  const manifest = JSON.parse(readFileSync(join(HERE, "node_modules", "kezek", "package.json"), "utf8"));
  assert.equal(manifest.type, "module");
  assert.deepEqual(manifest.exports["."], { types: "./kezek.d.ts", default: "./kezek.js" });
  assert.equal(manifest.exports["./kezek_bg.wasm"], "./kezek_bg.wasm");
  assert.equal(manifest.exports["./i18n/*.json"], "./i18n/*.json");
  assert.equal(manifest.exports["./kezek_tracker_bg.wasm"], "./kezek_tracker_bg.wasm");
  assert.ok(Array.isArray(manifest.sideEffects) && manifest.sideEffects.includes("./kezek.js"), "the glue keeps its side effects");
  assert.match(readFileSync(join(HERE, "node_modules", "kezek", "kezek.d.ts"), "utf8"), /export function validateApplication\(form: Draft/);
});

test("an app bundled with esbuild runs the package in headless Chromium", async () => {
  const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
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
  // Without a catalog the package answers with the codes themselves; the calls read en and ru.
  assert.equal(kezek.validateIin("200229600007", "2026-11-22", "en").message, "iin.checksum");
  for (const lang of ["en", "ru"]) {
    const count = kezek.setCatalog(lang, readFileSync(fileURLToPath(import.meta.resolve(`kezek/i18n/${lang}.json`)), "utf8"));
    assert.ok(count > 100, `${lang}: ${count} texts`);
  }
  // The tracker part is separate: its functions say so until it is loaded.
  assert.throws(() => kezek.referralDeadline("2026-11-20T05:00:00Z"), (e) => e.code === "tracker.not_loaded");
  kezek.loadTrackerSync({ module: readFileSync(fileURLToPath(import.meta.resolve("kezek/kezek_tracker_bg.wasm"))) });
  assertAnswers(callPackage(kezek));

  // The backend client, from Node (its fetch), against a stand-in backend: an answer, and a
  // refusal as a typed error told in the client's language.
  const seen = [];
  const backend = createServer((req, res) => {
    seen.push({ url: req.url, lang: req.headers["accept-language"] });
    if (req.url === "/api/time") res.writeHead(200, { "content-type": "application/json" }).end('{"now":"2026-11-22T05:00:00Z"}');
    else res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"field":"","code":"no.such.code","message":"not here"}]}');
  });
  await new Promise((r) => backend.listen(0, "127.0.0.1", r));
  try {
    const client = new kezek.Client(`http://127.0.0.1:${backend.address().port}/`, "ru");
    assert.deepEqual(await client.clock(), { now: "2026-11-22T05:00:00Z" });
    await assert.rejects(client.status("1234567890128"), (e) =>
      e.name === "BackendError" && e.kind === "rejected" && e.status === 404 && e.code === "no.such.code" && e.message === "not here");
    assert.deepEqual(seen, [{ url: "/api/time", lang: "ru" }, { url: "/api/applications/1234567890128/status", lang: "ru" }]);
  } finally {
    backend.close();
  }
});
