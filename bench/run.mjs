// Runs the browser benchmarks in headless Chromium and prints their figures.
// Usage: node bench/run.mjs [name,...]   (after scripts/build.sh)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { launch, ROOT } from "../tests/e2e/harness.mjs";

const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  try {
    const body = await readFile(join(ROOT, path));
    // Cross-origin isolated, so performance.now() is precise to 5 µs instead of 100 µs.
    res.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/bench/index.html${process.argv[2] ? `?only=${process.argv[2]}` : ""}`;

const chrome = await launch();
try {
  const page = await chrome.browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", String(e)));
  await page.goto(url);
  const handle = await page.waitForFunction(() => window.__results, null, { timeout: 300_000 });
  const results = await handle.jsonValue();
  if (results.error) throw new Error(results.error);
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(48)} ${value}`);
} finally {
  await chrome.close();
  server.close();
}
