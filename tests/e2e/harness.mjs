// Shared set-up for the browser tests: a server on a free loopback port, Debian's Chromium via
// playwright-core, axe-core checks and screenshots (written to test-output/, not committed).
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
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

/** Starts a process that prints "… listening on URL" once it accepts connections; resolves
 * with the URL. Its output is drained so it never blocks on a full pipe. */
function startListening(name, command, args, env = {}) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let errors = "";
  child.stderr.on("data", (chunk) => { errors = (errors + chunk).slice(-4000); });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s: ${errors}`)), 60_000);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); out = ""; }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}: ${errors}`)); });
  });
  return { child, url };
}

/** The local OpenID provider (scripts/services/oidc.mjs, panva's oidc-provider with the demo
 * people of server/demo/people.json), accepting sign-ins that return to `redirectUris`. */
export async function startOidc(redirectUris) {
  const args = ["scripts/services/oidc.mjs", "--port", "0"];
  for (const uri of redirectUris) args.push("--redirect-uri", uri);
  const { child, url } = startListening("oidc-provider", process.execPath, args);
  const issuer = await url;
  return { issuer, stop: () => child.kill("SIGTERM") };
}

/** Starts the reference backend in demo mode (built by scripts/test.sh) and resolves once it
 * prints its URL. Each start has its own fresh database. With `signIn` (the default) it signs
 * citizens in through its own local OpenID provider, as `scripts/run.sh` does; `env` adds to the
 * server's environment (the notification tests' SMTP and SMS services).
 *
 * The port is chosen before the server starts, because the provider must know the callback URL
 * first. Between that choice and the server's bind another process can take the port (any
 * outgoing connection on the machine may get it as its ephemeral port), so a start that fails
 * with "Address already in use" is tried again on a new port. */
export function startServer({ signIn = true, env = {} } = {}) {
  return whileAddressInUse(() => startServerOnce(signIn, env), { attempts: 5 });
}

/** Calls `start` again, `pauseMs` later, while it fails with "address already in use", up to
 * `attempts` calls in all; answers what the last call answered. */
export async function whileAddressInUse(start, { attempts, pauseMs = 0 }) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !/address already in use/i.test(error.message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

async function startServerOnce(signIn, env) {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/auth/callback`;
  const oidc = signIn ? await startOidc([callback]) : null;
  const binary = join(ROOT, "target/server/kezek-server");
  const { child, url } = startListening("kezek-server", binary, ["--demo", "--port", String(port), "--www", join(ROOT, "www"),
    "--pkg", join(ROOT, "pkg"), "--log-key-file", join(ROOT, "server/demo/log-demo.key"),
    ...(oidc ? ["--oidc-issuer", oidc.issuer, "--oidc-client-id", "kezek", "--oidc-redirect-url", callback] : []),
    // The tests submit from 127.0.0.1 again and again; the limits on submissions per address and
    // per applicant (server/src/ratelimit.rs) are not what they test.
    "--limit-submit-ip", "1000/s", "--limit-submit-applicant", "1000/s", "--limit-write-ip", "1000/s"],
  { KEZEK_LOG: "warn", ...env });
  try {
    return { url: await url, issuer: oidc?.issuer, stop: () => { child.kill("SIGTERM"); oidc?.stop(); } };
  } catch (error) {
    oidc?.stop();
    throw error;
  }
}

/** Browser features left out of every launch: Chromium 156 loads its own omnibox popup (two
 * WebUI pages, chrome://omnibox-popup.top-chrome/) into a renderer of its own in every new window,
 * and each browser context is a new window. That is about half a second of CPU per context on
 * this 2-core machine, spent while the page under test starts beside it (in cold loads alternating
 * between a browser with it and one without: medians 239 -> 157 ms and 216 -> 141 ms). A visitor's
 * window loaded its popup once, long before our page. */
export const WITHOUT_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"];
/** Playwright's own `--disable-features=…` switch, read from the first browser it started. Chromium
 * takes the last `--disable-features` it is given, so ours must carry Playwright's list too. */
let playwrightDisabled;

/** Launches Chromium; Playwright gives every launch a fresh, temporary profile of its own. */
export async function launch() {
  const start = (extra = {}) => chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    ...extra,
  });
  let browser;
  if (playwrightDisabled === undefined) {
    browser = await start({ args: CHROMIUM_ARGS });
    playwrightDisabled = disableFeaturesOf() ?? null;
    if (playwrightDisabled !== null) {
      await browser.close();
      browser = undefined;
    }
  }
  browser ??= await start(playwrightDisabled === null ? { args: CHROMIUM_ARGS } : {
    ignoreDefaultArgs: [playwrightDisabled],
    args: [...CHROMIUM_ARGS, [playwrightDisabled, ...WITHOUT_FEATURES].join(",")],
  });
  return { browser, close: () => browser.close() };
}

/** The `--disable-features=` switch of a Chromium this process started (on Linux, from /proc:
 * Playwright does not say which switches it passed), or undefined. */
function disableFeaturesOf() {
  try {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let stat, argv;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      } catch {
        continue; // gone meanwhile
      }
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== process.pid || !argv.includes("--remote-debugging-pipe")) continue;
      const found = argv.find((a) => a.startsWith("--disable-features="));
      if (found) return found;
    }
  } catch {
    // No /proc: the launch goes on with Playwright's switches alone.
  }
  return undefined;
}

/** Opens a page that fails the test on any uncaught error (a trapped WASM module among them).
 * The page's service worker is blocked unless `serviceWorkers: "allow"`: Playwright's request
 * routing does not see what a service worker answers, and most tests route requests. */
export async function openPage(browser, url, viewport = { width: 1280, height: 900 }, { serviceWorkers = "block" } = {}) {
  const page = await browser.newPage({ viewport, serviceWorkers });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // A 4xx answer is one the page expects and handles (401 before sign-in, a refusal with its
  // reasons), though the browser logs it; anything else logged as an error fails the test.
  const expected = /^Failed to load resource: the server responded with a status of 4\d\d/;
  page.on("console", (m) => { if (m.type() === "error" && !expected.test(m.text())) errors.push(m.text()); });
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

/** Clicks the language button `lang` and waits until the page shows that language: a language's
 * catalog is fetched from the package (`i18n/<lang>.json`) the first time it is chosen. */
export async function chooseLanguage(page, lang) {
  await page.click(`[data-lang=${lang}]`);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** The form's selector for a field path (`child.iin` → `#f-child-iin`). */
export const field = (name) => `#f-${name.replaceAll(".", "-")}`;

/** Fills the citizen form validly for `childIin` (the applicant comes from the sign-in). */
export async function fillValid(page, childIin) {
  await page.fill(field("applicant.address"), "Абай даңғылы, 1");
  await page.selectOption(field("applicant.locality"), "750000000");
  await page.fill(field("child.lastName"), "Омаров");
  await page.fill(field("child.firstName"), "Nurlan");
  await page.fill(field("child.iin"), childIin);
  await page.check(`${field("category")}-none`);
  await page.fill(field("notifications.phones.0"), "8 (701) 123-45-67");
  await page.check(field("consent"));
}

/** Moves the demo clock with `move(advance)` until `status()` (an application's status view)
 * says access to referrals is open (rule 24.4: 07:00 of a working day): a first quarter of an hour
 * (the demo clock starts at 06:55 and runs), then a day at a time, a week at most. On a slow
 * machine this morning's 07:00 may already have passed: then it is the next working day's.
 * Returns the last status seen. */
export async function untilAccessOpens(move, status) {
  let last;
  for (let day = 0; day < 7; day += 1) {
    await move(day === 0 ? "PT15M" : "P1D");
    last = await status();
    if (last.state === "window_open") break;
  }
  return last;
}
