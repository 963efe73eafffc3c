// The kezek-against-Zod comparison (bench/zod.mjs) in Node, on the built package in pkg/.
// Usage: node bench/zod-node.mjs   (after scripts/build.sh)
import { readFileSync } from "node:fs";
import * as kezek from "../pkg/kezek.js";
import { run } from "./zod.mjs";

kezek.initSync({ module: readFileSync(new URL("../pkg/kezek_bg.wasm", import.meta.url)) });
const results = await run(kezek);
console.log(`node ${process.version}`);
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(48)} ${value}`);
