// kezek's `validateApplication` against a Zod 4 schema of the same rules (bench/zod-schema.mjs),
// side by side in one JavaScript engine: in headless Chromium (bench/run.mjs) and in Node
// (bench/zod-node.mjs). Figures, not a test.
//
// `run(kezek)` returns, for the full valid form and the form full of errors (bench/application.mjs):
//   zod.<form>.kezek_us, zod.<form>.zod_us (median microseconds per call) and zod.<form>.ratio
//   (kezek / Zod: at or below 1.0 means kezek is at least as fast).
//
// Each sample times a batch of kezek calls and then a batch of Zod calls, so both sides see the
// same engine state (tier-up, GC, a busy machine); the figure is the median over the samples.

import * as z from "../tools/node_modules/zod/index.js";
import { TODAY, invalidForm, median, validForm } from "./application.mjs";
import { formSchema } from "./zod-schema.mjs";

const SAMPLES = 61;
const BATCH = 100;
const WARM_UP = 2000;
const LANG = "en"; // the Zod schema's messages are English

function batch(f) {
  const start = performance.now();
  for (let i = 0; i < BATCH; i++) f();
  return ((performance.now() - start) * 1000) / BATCH;
}

/** Median microseconds per call of `a` and of `b`, timed in alternating batches. */
function sideBySide(a, b) {
  for (let i = 0; i < WARM_UP; i++) { a(); b(); }
  const as = [], bs = [];
  for (let s = 0; s < SAMPLES; s++) {
    as.push(batch(a));
    bs.push(batch(b));
  }
  return [median(as), median(bs)];
}

const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function run(kezek) {
  const schema = formSchema(z, TODAY);
  const forms = { valid: validForm(), invalid: invalidForm() };
  // Sanity: both sides agree on what the forms are, or the comparison means nothing.
  const k = { valid: kezek.validateApplication(forms.valid, TODAY, LANG), invalid: kezek.validateApplication(forms.invalid, TODAY, LANG) };
  const zr = { valid: schema.safeParse(forms.valid), invalid: schema.safeParse(forms.invalid) };
  if (!k.valid.ok || !zr.valid.success) throw new Error(`valid form: kezek ${JSON.stringify(k.valid.errors)}, zod ${JSON.stringify(zr.valid.error?.issues)}`);
  if (k.invalid.ok || zr.invalid.success) throw new Error("invalid form passed");
  const out = {
    "zod.version": await zodVersion(),
    "zod.invalid.kezek_errors": k.invalid.errors.length,
    "zod.invalid.zod_issues": zr.invalid.error.issues.length,
  };
  for (const [name, form] of Object.entries(forms)) {
    const [kezekUs, zodUs] = sideBySide(() => kezek.validateApplication(form, TODAY, LANG), () => schema.safeParse(form));
    out[`zod.${name}.kezek_us`] = round(kezekUs);
    out[`zod.${name}.zod_us`] = round(zodUs);
    out[`zod.${name}.ratio`] = round(kezekUs / zodUs);
  }
  return out;
}

async function zodVersion() {
  try {
    const url = new URL("../tools/node_modules/zod/package.json", import.meta.url);
    const text = typeof process === "object" && url.protocol === "file:"
      ? (await import("node:fs")).readFileSync(url, "utf8")
      : await (await fetch(url)).text();
    return JSON.parse(text).version;
  } catch {
    return "unknown";
  }
}
