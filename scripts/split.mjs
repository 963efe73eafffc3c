// Splits the package's WebAssembly in two (run by scripts/build.sh, after wasm-pack):
//   * pkg/kezek_bg.wasm, the first download: every function the form's exports can reach (IIN,
//     calendar, form, checklist, texts, policy) — what the citizen form needs to be usable;
//   * pkg/kezek_tracker_bg.wasm, loaded later by `loadTracker()`: the rest (status, queue,
//     register verification, SHA-256), with no function in
//     both. (Ed25519 is WebCrypto's: src/wasm/webcrypto.rs.)
// One build, cut by binaryen's wasm-split (Debian's `binaryen` package: the npm one has no
// wasm-split), so nothing is carried twice: two separate builds (features `form`, `tracker`)
// would each carry the allocator, the calendar, the texts' machinery and the JSON reader and
// writer, about 43 KB gzip twice.
//
// How the cut is chosen: the form's exports are those of a build with feature `form` only
// (target/split/form, built by build.sh); everything wasm-metadce finds reachable from them (and
// from wasm-bindgen's own exports and the function table) stays in the first module. So a form
// call never reaches the tracker module; a tracker export called before `loadTracker()` throws
// `tracker.not_loaded` (a placeholder, before any Rust code runs) instead of trapping.
//
// The glue (pkg/kezek.js, .d.ts) gets the placeholders and `loadTracker` / `loadTrackerSync`.
// Usage: node scripts/split.mjs   (inputs: pkg/kezek_bg.wasm built with names, target/split/form)
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PKG = join(ROOT, "pkg");
const WORK = join(ROOT, "target", "split");
const BIN = join(ROOT, "tools", "node_modules", ".bin");
// The features rustc emits (see build.sh); never --all-features.
const FEATURES = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals",
  "--enable-reference-types", "--enable-multivalue"];
const run = (tool, args) => execFileSync(tool, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });

mkdirSync(WORK, { recursive: true });
const exportsOf = (dts) => [...readFileSync(dts, "utf8").matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
const all = exportsOf(join(PKG, "kezek_bg.wasm.d.ts"));
const form = new Set(exportsOf(join(WORK, "form", "kezek_bg.wasm.d.ts")));
// wasm-bindgen's own exports (`__wbindgen_*`, `__externref_*`, memory) stay; a class's `__wbg_*_free` goes with its class.
const own = (name) => name === "memory" || (name.startsWith("__") && !/^__wbg_[a-z]/.test(name));
const tracker = all.filter((name) => !own(name) && !form.has(name));
if (!tracker.includes("statusView") || tracker.includes("validateApplication")) throw new Error(`split: unexpected tracker exports ${tracker}`);

// 1. Optimise the whole module once, keeping names (wasm-split and the keep list need them).
const named = join(WORK, "full.wasm");
run(join(BIN, "wasm-opt"), ["-Os", "--converge", "-g", ...FEATURES, join(PKG, "kezek_bg.wasm"), "-o", named]);
// A `&text[a..b]` that may panic brings Rust's "not a char boundary" message, `char`'s Debug
// formatting and its Unicode tables: about 5 KB gzip of the package. Cut texts with `get`.
if (readFileSync(named).includes("::str::slice_error_fail")) {
  throw new Error("split: the package can panic on slicing a text (str::slice_error_fail): use text.get(a..b) instead of &text[a..b]");
}

// 2. What the first module keeps: what stays reachable when the tracker's exports are gone.
const graph = [{ name: "root", root: true, reaches: all.filter((e) => !tracker.includes(e)).map((e) => `export:${e}`) },
  ...all.map((e) => ({ name: `export:${e}`, export: e }))];
writeFileSync(join(WORK, "graph.json"), JSON.stringify(graph));
// Debian's wasm-metadce and wasm-dis, the same binaryen as wasm-split: they print a function's
// name as wasm-split reads it (`\5b` for `[`, …).
const keepInput = withoutAsyncTasks(named);
run("wasm-metadce", ["--graph-file", join(WORK, "graph.json"), "-g", ...FEATURES, keepInput.file, "-o", join(WORK, "form.wasm")]);
const keep = [...run("wasm-dis", [...FEATURES, join(WORK, "form.wasm")]).matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]);
writeFileSync(join(WORK, "keep.txt"), keep.join("\n") + "\n");

// 3. Cut, then optimise each part (names dropped).
run("wasm-split", [...FEATURES, named, `--keep-funcs=@${join(WORK, "keep.txt")}`, "-o1", join(WORK, "primary.wasm"),
  "-o2", join(WORK, "secondary.wasm"), "--placeholder-namespace=b", "--import-namespace=a"]);
fixTableExports(join(WORK, "primary.wasm"));
for (const [part, out] of [["primary", "kezek_bg.wasm"], ["secondary", "kezek_tracker_bg.wasm"]]) {
  // --low-memory-unused: Rust's stack is the first megabyte of memory, growing down from its top,
  // so the first 1 KB is reached only by a stack that has already overflowed; binaryen may then
  // fold constants into load and store offsets (0.8 KB gzip less for the two parts).
  // The form's module inlines functions of up to 6 instructions (binaryen's -Os: 2): the chains
  // of one-line wrappers rustc leaves at opt-level "z" (a string's copy is seven calls deep).
  // About 1% fewer instructions per validateApplication for some 20 B gzip (10: 90 B more).
  const inline = part === "primary" ? ["--always-inline-max-function-size", "6"] : [];
  run(join(BIN, "wasm-opt"), ["-Os", ...inline, "--converge", "--low-memory-unused", "--strip-producers", "--strip-target-features", ...FEATURES,
    join(WORK, `${part}.wasm`), "-o", join(WORK, `${part}.opt.wasm`)]);
  renameSync(join(WORK, `${part}.opt.wasm`), join(PKG, out));
}
// Every import of the first module is wasm-bindgen's or a placeholder: the form needs nothing else.
const primaryImports = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(PKG, "kezek_bg.wasm")))).map((i) => i.module));
const secondaryImports = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(PKG, "kezek_tracker_bg.wasm")))).map((i) => i.module));
if ([...secondaryImports].some((m) => m !== "a")) throw new Error(`split: the tracker module imports ${[...secondaryImports]}`);
// One placeholder per tracker export and per async task's table entry at most: a form function
// left behind would add more.
const placeholders = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(PKG, "kezek_bg.wasm")))).filter((i) => i.module === "b").length;
if (placeholders > tracker.length + keepInput.dropped) throw new Error(`split: ${placeholders} placeholders for ${tracker.length} tracker exports and ${keepInput.dropped} async tasks`);

/**
 * wasm-metadce keeps every function in the function table, and the callbacks of the tracker's
 * asynchronous exports are called through it (`verifyRegister`'s promise callbacks, and the tasks
 * of any `async fn` export, polled by wasm-bindgen-futures): they would drag the tracker's code
 * into the first module. For the keep list only, the table entries of those callbacks (closures
 * of `kezek::wasm::tlog` and `kezek::wasm::webcrypto`, the register's `kezek::tlog` signature
 * primitives), of the tasks (named `future_to_promise`) and their executor (`js_sys::futures::…`),
 * and the shims and wrappers that call them within three calls, are replaced by an empty
 * function; wasm-split still finds them
 * and leaves placeholders in the first module. Returns the text module to read the list from
 * and how many entries were replaced.
 */
function withoutAsyncTasks(file) {
  const wat = run("wasm-dis", [...FEATURES, file]);
  const callees = new Map();
  for (const body of wat.split(/\n(?= \(func \$)/)) {
    const name = /^ \(func \$(\S+)/.exec(body)?.[1];
    if (name) callees.set(name, [...body.matchAll(/\(call \$(\S+)/g)].map((m) => m[1]));
  }
  // The tasks, the executor that polls them (its queue and wakers), and the register's promise
  // callbacks (src/wasm/webcrypto.rs, src/wasm/tlog.rs): nothing the form calls.
  // The executor of `async` code (`js_sys::futures::…`) stays: the backend client, in the first
  // module, runs on it.
  const task = (name) => /kezek::(wasm::)?(tlog|webcrypto|ticker)::/.test(name);
  // A vtable shim calls wasm-bindgen's closure wrapper, which calls the closure: three levels.
  const drop = (name, depth = 3) => task(name) || (depth > 0 && (callees.get(name) ?? []).some((callee) => drop(callee, depth - 1)));
  let dropped = 0;
  const text = wat.replace(/^ \(elem \(table \$0\) .*$/m, (elem) => elem.replace(/\$(\S+?)(?=[\s)])/g, (entry, name) => {
    if (!callees.has(name) || !drop(name)) return entry;
    dropped++;
    return "$kezek_split_no_task";
  })) + "";
  if (dropped === 0) throw new Error("split: no callback of the register's promises found in the function table");
  const out = join(WORK, "keep-input.wat");
  writeFileSync(out, text.replace(/\n \(func \$/, "\n (func $kezek_split_no_task)\n (func $"));
  return { file: out, dropped };
}

/**
 * wasm-split (Debian's binaryen 108) re-points every exported table at table 0 (the function
 * table) when it adds its own `table` export: wasm-bindgen's `__wbindgen_externrefs` must stay
 * the externref table, which the glue grows and the tracker module imports. Patches the export's
 * index in place (one-byte LEBs: a module has a handful of tables).
 */
function fixTableExports(file) {
  const bytes = readFileSync(file);
  let p = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const tableKinds = [];
  const importedTables = [];
  let fixed = 0;
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    if (id === 2) { // imports: count imported tables first (they come before the module's own)
      for (let n = leb(); n > 0; n--) {
        for (let names = 0; names < 2; names++) { const len = leb(); p += len; }
        const kind = bytes[p++];
        if (kind === 0) leb();
        else if (kind === 1) { importedTables.push(bytes[p++]); const f = bytes[p++]; leb(); if (f & 1) leb(); }
        else if (kind === 2) { const f = bytes[p++]; leb(); if (f & 1) leb(); }
        else if (kind === 3) p += 2;
        else throw new Error(`split: import kind ${kind}`);
      }
      tableKinds.push(...importedTables);
    } else if (id === 4) {
      for (let n = leb(); n > 0; n--) { tableKinds.push(bytes[p++]); const f = bytes[p++]; leb(); if (f & 1) leb(); }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = bytes.subarray(p, p + len).toString();
        p += len;
        const kind = bytes[p++];
        const at = p;
        const index = leb();
        if (kind === 1 && name === "__wbindgen_externrefs" && tableKinds[index] !== 0x6f) {
          const externref = tableKinds.indexOf(0x6f);
          if (externref < 0 || externref > 0x7f || p !== at + 1) throw new Error("split: cannot re-point __wbindgen_externrefs");
          bytes[at] = externref;
          fixed++;
        }
      }
    }
    p = end;
  }
  writeFileSync(file, bytes);
  return fixed;
}

// 4. The glue: placeholders for the tracker's functions, and loadTracker / loadTrackerSync.
const js = join(PKG, "kezek.js");
let glue = readFileSync(js, "utf8");
const importsEntry = /^(\s*)"\.\/kezek_bg\.js": import0,\n/m;
// wasm-bindgen's own imports, the placeholders, and the package's `inline_js` snippets (bundled
// into the glue by scripts/build.sh).
const expected = (m) => m === "./kezek_bg.js" || m === "b" || m.startsWith("./snippets/");
if (!importsEntry.test(glue) || ![...primaryImports].every(expected) || !primaryImports.has("b")) throw new Error(`split: unexpected glue or imports ${[...primaryImports]}`);
glue = glue.replace(importsEntry, (line, indent) => `${line}${indent}b: TRACKER_PLACEHOLDERS,\n`);
glue += `
// The tracker part (scripts/split.mjs): status, queue and register functions live in
// kezek_tracker_bg.wasm. Until loadTracker() has run they throw \`tracker.not_loaded\`.
const TRACKER_PLACEHOLDERS = new Proxy({}, { get: () => () => {
    const error = new Error("tracker.not_loaded: call loadTracker() before the tracker's functions");
    error.code = "tracker.not_loaded";
    throw error;
} });
let trackerLoading;

function trackerImports() {
    if (wasm === undefined) throw new Error("tracker.not_loaded: call init() before loadTracker()");
    return { a: wasm };
}

async function loadTracker(module_or_path) {
    if (trackerLoading !== undefined) return trackerLoading;
    if (module_or_path !== undefined && Object.getPrototypeOf(module_or_path) === Object.prototype) {
        ({module_or_path} = module_or_path);
    }
    if (module_or_path === undefined) {
        module_or_path = new URL('kezek_tracker_bg.wasm', import.meta.url);
    }
    const imports = trackerImports();
    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }
    trackerLoading = (async () => {
        await __wbg_load(await module_or_path, imports);
        cachedDataViewMemory0 = null;
        cachedUint8ArrayMemory0 = null;
    })();
    // A failed load (the network) may be tried again.
    trackerLoading.catch(() => { trackerLoading = undefined; });
    return trackerLoading;
}

function loadTrackerSync(module) {
    if (trackerLoading !== undefined) return;
    if (module !== undefined && Object.getPrototypeOf(module) === Object.prototype) {
        ({module} = module);
    }
    const imports = trackerImports();
    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
    new WebAssembly.Instance(module, imports);
    cachedDataViewMemory0 = null;
    cachedUint8ArrayMemory0 = null;
    trackerLoading = Promise.resolve();
}

export { loadTracker, loadTrackerSync };
`;
writeFileSync(js, glue);

const dts = join(PKG, "kezek.d.ts");
writeFileSync(dts, readFileSync(dts, "utf8") + `
/**
 * Loads the tracker part of the package (\`kezek_tracker_bg.wasm\`: ${tracker.filter((e) => !e.includes("_")).join(", ")}
 * and \`QueueSnapshot\`), after \`init()\`. Until it resolves those throw an \`Error\` with
 * \`code: "tracker.not_loaded"\`. Called again, it returns the same promise.
 */
export function loadTracker(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<void>;

/** \`loadTracker\` from bytes or a compiled module, synchronously (Node, workers), after \`initSync()\`. */
export function loadTrackerSync(module: { module: SyncInitInput } | SyncInitInput): void;
`);
console.error(`split: ${keep.length} functions in the first module, tracker exports: ${tracker.join(" ")}`);
