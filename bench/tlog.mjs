// The public register in the browser: time to verify a signed checkpoint, the inclusion of
// the citizen's event and the consistency with the checkpoint seen before, for a log of
// 10,000,000 entries. The proofs come from bench/tlog-fixture.json, computed natively over a
// real 10,000,000-entry tree by `cargo run --release --example tlog_fixture` (proofs are
// logarithmic: 24 hashes for inclusion, at most 48 for consistency).
// Figures are medians in milliseconds per call, timed in batches (the browser's clock is
// coarse). `verifyCheckpoint` and `verifyRegister` are asynchronous (Ed25519 is WebCrypto's):
// their time is from the call until the promise settles.

function b64bytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms per call of `fn`, over `samples` batches of `batch` calls after a warm-up; a
 * promise is awaited. */
async function time(fn, samples = 31, batch = 50) {
  // A synchronous call is not awaited: a microtask per call would be timed with it.
  for (let i = 0; i < batch; i++) { const r = fn(); if (r instanceof Promise) await r; }
  const per = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) { const r = fn(); if (r instanceof Promise) await r; }
    per.push((performance.now() - t0) / batch);
  }
  return +median(per).toFixed(4);
}

export async function run(kezek) {
  const f = await (await fetch("/bench/tlog-fixture.json")).json();
  const input = {
    checkpoint: f.checkpoint,
    verifierKey: f.verifierKey,
    previousCheckpoint: f.previousCheckpoint,
    consistencyProof: f.consistencyProof,
    entry: f.entry,
    entryIndex: f.entryIndex,
    inclusionProof: f.inclusionProof,
    application: f.application,
    snapshot: b64bytes(f.snapshot),
    snapshotEntry: f.snapshotEntry,
    snapshotEntryIndex: f.snapshotEntryIndex,
    snapshotInclusionProof: f.snapshotInclusionProof,
    snapshotLogSize: f.snapshotLogSize,
    lang: "en",
  };
  // The figures mean nothing unless every check passes.
  const cp = await kezek.verifyCheckpoint(f.checkpoint, f.verifierKey);
  if (cp.size !== f.size || cp.rootHash !== f.rootHash) throw new Error("tlog: fixture checkpoint mismatch");
  if (!kezek.verifyInclusion(f.entry, f.entryIndex, f.size, f.inclusionProof, f.rootHash)) throw new Error("tlog: inclusion failed");
  if (!kezek.verifyConsistency(f.oldSize, f.size, f.oldRoot, f.rootHash, f.consistencyProof)) throw new Error("tlog: consistency failed");
  const verdict = (await kezek.verifyRegister(input)).verdict;
  if (verdict !== "confirmed") throw new Error(`tlog: verifyRegister said ${verdict}`);

  const checkpoint = () => kezek.verifyCheckpoint(f.checkpoint, f.verifierKey);
  const inclusion = () => kezek.verifyInclusion(f.entry, f.entryIndex, f.size, f.inclusionProof, f.rootHash);
  const consistency = () => kezek.verifyConsistency(f.oldSize, f.size, f.oldRoot, f.rootHash, f.consistencyProof);
  return {
    "tlog.log_entries": f.size,
    "tlog.inclusion_proof_hashes": f.inclusionProof.length,
    "tlog.consistency_proof_hashes": f.consistencyProof.length,
    "tlog.verify_checkpoint_ms": await time(checkpoint),
    "tlog.verify_inclusion_ms": await time(inclusion),
    "tlog.verify_consistency_ms": await time(consistency),
    "tlog.checkpoint_inclusion_consistency_ms": await time(async () => {
      await checkpoint();
      inclusion();
      consistency();
    }),
    // Everything the page does: two signed checkpoints, consistency, two inclusions, the
    // snapshot's SHA-256, messages.
    "tlog.verify_register_ms": await time(() => kezek.verifyRegister(input)),
  };
}
