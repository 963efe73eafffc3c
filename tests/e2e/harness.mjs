// Shared set-up for the browser tests: a server on a free loopback port, Debian's Chromium via
// playwright-core, axe-core checks and screenshots (written to test-output/, not committed).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUTPUT = join(ROOT, "test-output");
const AXE = readFileSync(join(ROOT, "tools/node_modules/axe-core/axe.min.js"), "utf8");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
];

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the reference backend in demo mode (built by scripts/test.sh) and resolves once it
 * prints its URL. Each start has its own fresh database. */
export async function startServer() {
  const port = await freePort();
  const binary = join(ROOT, "target/server/kezek-server");
  const child = spawn(binary, ["--demo", "--port", String(port), "--www", join(ROOT, "www"), "--pkg", join(ROOT, "pkg"),
    "--log-key-file", join(ROOT, "server/demo/log-demo.key"),
    // The tests submit the same synthetic family from 127.0.0.1 again and again; the limits on
    // submissions per address and per applicant (server/src/ratelimit.rs) are not what they test.
    "--limit-submit-ip", "1000/s", "--limit-submit-applicant", "1000/s", "--limit-write-ip", "1000/s"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, KEZEK_LOG: "warn" },
  });
  child.stderr.on("data", () => {}); // drained so the server never blocks on a full pipe
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    child.stdout.on("data", (chunk) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(chunk));
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** Launches Chromium; Playwright gives every launch a fresh, temporary profile of its own. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return { browser, close: () => browser.close() };
}

/** Opens a page that fails the test on any uncaught error (a trapped WASM module among them). */
export async function openPage(browser, url, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  return { page, errors };
}

/** WCAG 2.x A/AA violations (axe-core tags up to wcag22aa) on the current page state. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the page's strict CSP rightly does not cover.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await globalThis.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
}

/** Writes a screenshot to test-output/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}
