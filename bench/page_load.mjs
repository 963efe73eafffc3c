// Cold-load benchmark of the citizen page against the reference backend (demo) on loopback:
// time from navigation to a usable form (the package started, the form in the page's language
// with its document checklist: the page's `kezek:usable` mark) and bytes on the wire (brotli,
// which the browser accepts), each load in a fresh browser context (empty cache). Usage: node bench/page_load.mjs [runs]   (after scripts/build.sh and
// `cargo build --profile server -p kezek-server`)
import { launch, startServer } from "../tests/e2e/harness.mjs";

const runs = Number(process.argv[2] ?? 7);
// Without sign-in, so the form itself is what becomes usable (with sign-in it waits for it).
const server = await startServer({ signIn: false });
const chrome = await launch();
/** The `kezek:usable` mark's time, as soon as the page makes it. */
const USABLE = `new Promise((resolve) => {
  const found = (list) => list.getEntriesByName("kezek:usable")[0];
  new PerformanceObserver((list, observer) => {
    const mark = found(list);
    if (mark) { observer.disconnect(); resolve(mark.startTime); }
  }).observe({ type: "mark", buffered: true });
})`;
const times = [];
let bytes = 0;
let requests = 0;
try {
  for (let i = 0; i < runs; i++) {
    const context = await chrome.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    let wire = 0;
    let count = 0;
    cdp.on("Network.loadingFinished", (e) => { wire += e.encodedDataLength; count += 1; });
    // The mark is awaited through the DevTools protocol itself, once the page's document is
    // there: Playwright's own waiting (waitForFunction) would first inject its helper script into
    // the page, 20-30 ms of the page's main thread in the middle of its start on this machine,
    // which no visitor's browser spends.
    await page.goto(server.url, { waitUntil: "commit" });
    const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", { expression: USABLE, awaitPromise: true, returnByValue: true, timeout: 60_000 });
    if (exceptionDetails || typeof result.value !== "number") throw new Error(`no kezek:usable mark: ${JSON.stringify(exceptionDetails ?? result)}`);
    times.push(result.value);
    await page.waitForTimeout(200); // let the last loadingFinished events arrive
    bytes = wire;
    requests = count;
    await context.close();
  }
} finally {
  await chrome.close();
  server.stop();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`page.cold_load_to_usable_form_median_ms       ${median.toFixed(1)}`);
console.log(`page.cold_load_to_usable_form_min_max_ms      ${times[0].toFixed(1)} / ${times.at(-1).toFixed(1)}`);
console.log(`page.bytes_on_the_wire                        ${bytes} (${requests} requests)`);
