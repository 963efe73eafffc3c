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
// The browser has the tests' switches and leaves out Chromium's own omnibox popup, as the tests'
// does (tests/e2e/harness.mjs `WITHOUT_FEATURES`): Chromium 156 loads it (two WebUI pages, in a
// renderer of their own) into every new window, and each fresh context here is one, so it used
// to start beside every load and take 150-300 ms of CPU from the page's two cores. A visitor's
// window loaded it long before. It is driven over its DevTools pipe, without Playwright
// (bench/devtools-pipe.mjs says why).
import { startServer } from "../tests/e2e/harness.mjs";
import { startChromium } from "./devtools-pipe.mjs";

const runs = Number(process.argv[2] ?? 7);
// Without sign-in, so the form itself is what becomes usable (with sign-in it waits for it).
const server = await startServer({ signIn: false });
const chrome = startChromium();
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
    const { browserContextId } = await chrome.send("Target.createBrowserContext", { disposeOnDetach: true });
    const { targetId } = await chrome.send("Target.createTarget", { url: "about:blank", browserContextId });
    const { sessionId } = await chrome.send("Target.attachToTarget", { targetId, flatten: true });
    const send = (method, params) => chrome.send(method, params, sessionId);
    let wire = 0;
    let count = 0;
    const events = [];
    let committed;
    let traceDone;
    const navigated = new Promise((resolve) => { committed = resolve; });
    const done = new Promise((resolve) => { traceDone = resolve; });
    const stopListening = chrome.on(({ method, params, sessionId: from }) => {
      if (from !== sessionId) return;
      if (method === "Network.loadingFinished") { wire += params.encodedDataLength; count += 1; }
      if (method === "Page.frameNavigated" && !params.frame.parentId && params.frame.url.startsWith("http")) committed();
      if (method === "Tracing.dataCollected") events.push(...params.value);
      if (method === "Tracing.tracingComplete") traceDone();
    });
    await send("Network.enable");
    await send("Network.setCacheDisabled", { cacheDisabled: true });
    await send("Page.enable");
    if (traced) await send("Tracing.start", { categories: "toplevel,blink.user_timing,loading", transferMode: "ReportEvents" });
    // The mark is awaited through the DevTools protocol, in the page's own document once it is
    // there, with nothing injected into the page.
    await send("Page.navigate", { url: server.url });
    await navigated;
    const { result, exceptionDetails } = await send("Runtime.evaluate", { expression: USABLE, awaitPromise: true, returnByValue: true, timeout: 60_000 });
    if (exceptionDetails || typeof result.value !== "number") throw new Error(`no kezek:usable mark: ${JSON.stringify(exceptionDetails ?? result)}`);
    if (traced) {
      await send("Tracing.end");
      await done;
      threads.push(mainThread(events));
    } else {
      times.push(result.value);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the last loadingFinished events
      bytes = wire;
      requests = count;
    }
    stopListening();
    await chrome.send("Target.disposeBrowserContext", { browserContextId });
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
