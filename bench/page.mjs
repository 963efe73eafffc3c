// Loads the package and runs the benchmark modules named in ?only=a,b (default: all), in the
// browser. The runner (bench/run.mjs) reads window.__results.
import init, * as kezek from "/pkg/kezek.js";

const ALL = ["application", "zod", "queue", "tlog"];
const wanted = new URLSearchParams(location.search).get("only")?.split(",") ?? ALL;

async function main() {
  const t0 = performance.now();
  await init();
  const results = { "package.init_ms": +(performance.now() - t0).toFixed(2) };
  for (const name of wanted) {
    let mod;
    try {
      mod = await import(`/bench/${name}.mjs`);
    } catch (e) {
      results[`${name}.missing`] = String(e);
      continue;
    }
    Object.assign(results, await mod.run(kezek));
  }
  document.getElementById("out").textContent = JSON.stringify(results, null, 2);
  window.__results = results;
}
main().catch((e) => { window.__results = { error: String(e?.stack ?? e) }; });
