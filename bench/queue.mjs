// Queue tracker benchmark (not a test): decode a 1,000,000-application snapshot and answer
// positions, as the citizen's browser does.
//
//   export async function run(kezek) -> { "queue.<figure>": number | boolean, ... }
//
// `kezek` is the namespace of the wasm-pack `--target web` package, already initialised (the
// runner bench/page.mjs merges the figures of every bench module, hence the `queue.` prefix).
// `queue.wasm_memory_growth_mb` is the growth of WebAssembly memory across `fromBytes`: the
// decoded snapshot (`queue.decoded_heap_mb`) plus the copy of the input bytes wasm-bindgen
// makes for the call (freed after it, but memory never shrinks).
// The snapshot is written here in JavaScript, straight from docs/snapshot-format.md, so that
// building it does not touch WebAssembly memory and the memory figure shows what decoding and
// holding the snapshot cost; on a sample, the package's strict decoder must read what this writer
// wrote (`encoderAgrees`: header and count) with positions in `orderQueue`'s order (the browser
// package has no encoder: the backend publishes snapshots).
//
// Targets: decode + first position < 100 ms; a position < 1 ms; <= 12 bytes per application;
// WebAssembly memory growth <= 32 MB while holding the decoded snapshot.

const COUNT = 1_000_000;
const KEY = "751110000-2021-general";
const CLASSES = ["extraordinary", "priority", "general"];
const STATES = ["queued", "temporary_stay", "referred", "withdrawn", "archived", "stop_listed"];
const MAX_NUMBER = 999_999_999_999_999n;

/** A small deterministic generator (xorshift32), so every run measures the same queue. */
function generator(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * A realistic queue: one submission every 0-6 minutes from 2020 on; ~1% extraordinary,
 * ~25% priority, the rest general; ~4% not live (referred, withdrawn, stop-listed).
 * Numbers are a multiplicative permutation of the index: distinct and random-looking.
 */
function synthesise(count, seed) {
  const random = generator(seed);
  const numbers = new Float64Array(count);
  const seconds = new Float64Array(count);
  const classes = new Uint8Array(count);
  const states = new Uint8Array(count);
  let t = 1_577_836_800; // 2020-01-01T00:00:00Z
  for (let i = 0; i < count; i++) {
    t += Math.floor(random() * 360);
    seconds[i] = t;
    const c = random();
    classes[i] = c < 0.01 ? 0 : c < 0.26 ? 1 : 2;
    const s = random();
    states[i] = s < 0.02 ? 2 : s < 0.03 ? 3 : s < 0.04 ? 5 : s < 0.06 ? 1 : 0;
    numbers[i] = Number((BigInt(i + 1) * 25_214_903_917n) % MAX_NUMBER + 1n);
  }
  return { count, numbers, seconds, classes, states };
}

/** Writes the snapshot format (docs/snapshot-format.md) for the queue `q`. */
function encode(q, publishedAt, logSize) {
  const order = new Uint32Array(q.count);
  for (let i = 0; i < q.count; i++) order[i] = i;
  order.sort((a, b) => q.seconds[a] - q.seconds[b] || q.numbers[a] - q.numbers[b]);
  const key = new TextEncoder().encode(KEY);
  const headerLength = 4 + 1 + 1 + 1 + key.length + 8 + 8 + 4 + 8;
  const out = new Uint8Array(headerLength + q.count * 17);
  const view = new DataView(out.buffer);
  out.set([0x4b, 0x5a, 0x51, 0x53, 1, 0, key.length], 0); // "KZQS", version 1, reserved, key length
  out.set(key, 7);
  let at = 7 + key.length;
  const base = q.count ? q.seconds[order[0]] : 0;
  view.setBigInt64(at, BigInt(publishedAt), true); at += 8;
  view.setBigUint64(at, BigInt(logSize), true); at += 8;
  view.setUint32(at, q.count, true); at += 4;
  view.setBigInt64(at, BigInt(base), true); at += 8;
  let previous = base;
  for (let k = 0; k < q.count; k++) {
    const i = order[k];
    let delta = q.seconds[i] - previous;
    previous = q.seconds[i];
    while (delta >= 0x80) { out[at++] = (delta % 0x80) | 0x80; delta = Math.floor(delta / 0x80); }
    out[at++] = delta;
    out[at++] = q.classes[i] | (q.states[i] << 2);
    const n = q.numbers[i];
    view.setUint32(at, n % 4294967296, true);
    const high = Math.floor(n / 4294967296);
    out[at + 4] = high & 0xff; out[at + 5] = (high >>> 8) & 0xff; out[at + 6] = (high >>> 16) & 0xff;
    at += 7;
  }
  return out.slice(0, at);
}

function entriesOf(q) {
  const entries = [];
  for (let i = 0; i < q.count; i++) {
    entries.push({
      number: String(q.numbers[i]),
      submittedAt: new Date(q.seconds[i] * 1000).toISOString(),
      class: CLASSES[q.classes[i]],
      state: STATES[q.states[i]],
    });
  }
  return entries;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function gzipLength(bytes) {
  if (typeof CompressionStream !== "function") return undefined;
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

export async function run(kezek) {
  const memory = () => (typeof kezek.wasmMemoryBytes === "function" ? kezek.wasmMemoryBytes() : NaN);
  const publishedAt = 1_763_800_000;

  // The package's strict decoder reads the JavaScript writer's sample, header and all, and its
  // positions agree with orderQueue.
  const sample = synthesise(2_000, 7);
  const sampleEntries = entriesOf(sample);
  const ours = encode(sample, publishedAt, 0);
  const sampleSnapshot = kezek.QueueSnapshot.fromBytes(ours);
  const encoderAgrees = sampleSnapshot.len() === sample.numbers.length && sampleSnapshot.queueKey() === KEY
    && Date.parse(sampleSnapshot.publishedAt()) === publishedAt * 1000;
  const sampleOrder = kezek.orderQueue(sampleEntries);
  const positionsAgree = sampleOrder.every((number, i) => sampleSnapshot.position(number)?.queueNumber === i + 1);
  sampleSnapshot.free();

  const queue = synthesise(COUNT, 2026);
  const bytes = encode(queue, publishedAt, 0);
  const probes = [];
  for (let i = 0; i < COUNT && probes.length < 4096; i += 241) {
    if (queue.states[i] <= 1) probes.push(String(queue.numbers[i]));
  }
  const last = probes[probes.length - 1];

  const memoryBefore = memory();
  const t0 = performance.now();
  const snapshot = kezek.QueueSnapshot.fromBytes(bytes);
  const first = snapshot.position(last);
  const t1 = performance.now();
  const memoryAfter = memory();

  // Positions after decoding: batches of calls (timer resolution is coarse in browsers).
  const batch = 1000;
  const perCall = [];
  for (let round = 0; round < 25; round++) {
    const start = performance.now();
    for (let k = 0; k < batch; k++) snapshot.position(probes[(round * batch + k) % probes.length]);
    perCall.push(((performance.now() - start) / batch) * 1000);
  }

  const gzipped = await gzipLength(bytes);
  const round = (x, digits = 2) => (x === undefined ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);
  if (!encoderAgrees) throw new Error("the package reads another header or count than the JavaScript snapshot writer wrote");
  if (!positionsAgree) throw new Error("QueueSnapshot.position disagrees with orderQueue");
  if (!first) throw new Error(`no position for live application ${last}`);
  const figures = {
    "queue.applications": COUNT,
    "queue.live_applications": queue.states.reduce((n, s) => n + (s <= 1 ? 1 : 0), 0),
    "queue.decode_and_first_position_ms": round(t1 - t0),
    "queue.position_median_us": round(median(perCall)),
    "queue.bytes_per_application": round(bytes.length / COUNT),
    "queue.gzip_bytes_per_application": round(gzipped === undefined ? undefined : gzipped / COUNT),
    "queue.snapshot_bytes": bytes.length,
    "queue.wasm_memory_growth_mb": round((memoryAfter - memoryBefore) / 1048576),
    "queue.decoded_heap_mb": round(snapshot.heapBytes() / 1048576),
    "queue.first_queue_number": first.queueNumber,
    "queue.encoder_agrees_with_js_writer": encoderAgrees,
    "queue.positions_agree_with_orderQueue": positionsAgree,
  };
  snapshot.free();
  return figures;
}
