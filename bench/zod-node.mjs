// The kezek-against-Zod comparison (bench/zod.mjs) in Node, on the built package in pkg/.
// Usage: node bench/zod-node.mjs   (after scripts/build.sh)
import { readFileSync } from "node:fs";
import * as kezek from "../pkg/kezek.js";
import { run } from "./zod.mjs";

kezek.initSync({ module: readFileSync(new URL("../pkg/kezek_bg.wasm", import.meta.url)) });
// The texts, as a page has them: the package ships its catalogs as data files (pkg/i18n/).
for (const lang of ["kk", "ru", "en"]) kezek.setCatalog(lang, readFileSync(new URL(`../pkg/i18n/${lang}.json`, import.meta.url), "utf8"));
const results = await run(kezek);
console.log(`node ${process.version}`);
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(48)} ${value}`);
