// Cold-load benchmark of the citizen page against the reference backend (demo) on loopback:
// time from navigation to a usable form (the package started, the form in the page's language
// with its document checklist: the page's `kezek:usable` mark) and bytes on the wire (brotli,
// which the browser accepts), each load in a fresh browser context (empty cache). Usage: node bench/page_load.mjs [runs]   (after scripts/build.sh and
// `cargo build --profile server -p kezek-server`)
//
// Then as many loads again, traced, for the page's own work: the time its main thread spent on a
// CPU from navigation to the mark (each task's thread time, which Chromium's trace records beside
// its wall time). On this 2-core machine the wall-clock median moves by tens of milliseconds with
// the machine's load, since the browser's processes, the backend and this script share two cores;
// the main thread's CPU time moves far less, so it shows what a change to the page bought.
//
// The browser is the tests' (tests/e2e/harness.mjs `launch`), which leaves out Chromium's own
// omnibox popup: Chromium 156 loads it (two WebUI pages, in a renderer of their own) into every
// new window, and each fresh context here is one, so it used to start beside every load and take
// 150-300 ms of CPU from the page's two cores. A visitor's window loaded it long before.
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
/** The page's main thread from navigation to the mark, in a trace: wall time inside its tasks and
 * the CPU time of those tasks (top-level tasks only, so nothing is counted twice). */
function mainThread(events) {
  const mark = events.find((e) => e.name === "kezek:usable");
  const start = events.find((e) => e.name === "navigationStart" && e.pid === mark?.pid);
  const thread = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.pid === mark?.pid && e.args.name === "CrRendererMain");
  if (!mark || !start || !thread) throw new Error("the trace has no kezek:usable mark, navigation start or main thread");
  const tasks = events.filter((e) => e.pid === mark.pid && e.tid === thread.tid && e.ph === "X" && e.ts >= start.ts && e.ts < mark.ts)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let end = 0;
  let busy = 0;
  let cpu = 0;
  for (const task of tasks) {
    if (task.ts < end) continue; // inside the task before it
    busy += task.dur;
    cpu += task.tdur ?? 0;
    end = task.ts + task.dur;
  }
  return { busy: busy / 1000, cpu: cpu / 1000 };
}

const times = [];
const threads = [];
let bytes = 0;
let requests = 0;
try {
  for (let i = 0; i < 2 * runs; i++) {
    const traced = i >= runs;
    const context = await chrome.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    let wire = 0;
    let count = 0;
    cdp.on("Network.loadingFinished", (e) => { wire += e.encodedDataLength; count += 1; });
    const events = [];
    let traceDone;
    if (traced) {
      cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
      traceDone = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
      await cdp.send("Tracing.start", { categories: "toplevel,blink.user_timing,loading", transferMode: "ReportEvents" });
    }
    // The mark is awaited through the DevTools protocol itself, once the page's document is
    // there: Playwright's own waiting (waitForFunction) would first inject its helper script into
    // the page, 20-30 ms of the page's main thread in the middle of its start on this machine,
    // which no visitor's browser spends.
    await page.goto(server.url, { waitUntil: "commit" });
    const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", { expression: USABLE, awaitPromise: true, returnByValue: true, timeout: 60_000 });
    if (exceptionDetails || typeof result.value !== "number") throw new Error(`no kezek:usable mark: ${JSON.stringify(exceptionDetails ?? result)}`);
    if (traced) {
      await cdp.send("Tracing.end");
      await traceDone;
      threads.push(mainThread(events));
    } else {
      times.push(result.value);
      await page.waitForTimeout(200); // let the last loadingFinished events arrive
      bytes = wire;
      requests = count;
    }
    await context.close();
  }
} finally {
  await chrome.close();
  server.stop();
}
/** The median (sorts `values` in place). */
const middle = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const median = middle(times);
console.log(`page.cold_load_to_usable_form_median_ms       ${median.toFixed(1)}`);
console.log(`page.cold_load_to_usable_form_min_max_ms      ${times[0].toFixed(1)} / ${times.at(-1).toFixed(1)}`);
console.log(`page.bytes_on_the_wire                        ${bytes} (${requests} requests)`);
console.log(`page.main_thread_cpu_to_usable_median_ms      ${middle(threads.map((t) => t.cpu)).toFixed(1)} (in tasks ${middle(threads.map((t) => t.busy)).toFixed(1)} ms of wall time; ${runs} traced loads)`);
