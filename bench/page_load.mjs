// Cold-load benchmark of the citizen page against the reference backend (demo) on loopback:
// time from navigation to a usable form (package fetched and instantiated, first validation
// run: the page's `kezek:usable` mark) and bytes on the wire, each load in a fresh browser
// context (empty cache). Usage: node bench/page_load.mjs [runs]   (after scripts/build.sh and
// `cargo build --profile server -p kezek-server`)
import { launch, startServer } from "../tests/e2e/harness.mjs";

const runs = Number(process.argv[2] ?? 7);
// Without sign-in, so the form itself is what becomes usable (with sign-in it waits for it).
const server = await startServer({ signIn: false });
const chrome = await launch();
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
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName("kezek:usable").length > 0, null, { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.getEntriesByName("kezek:usable")[0].startTime));
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
console.log(`page.bytes_on_the_wire                        ${bytes} (${requests} requests; gzip where the browser accepts it)`);
