// The public register check (rule 24.7): the browser itself verifies that the citizen's own
// application is in the provider's signed, append-only log, that the snapshot it was shown is the
// one the log commits to, and that the log only grew since this browser last looked. It also
// replays the application's own verified entries through the core (`history`, `now`): the
// status the register proves, which the tracker compares with the status the service shows.
// The last confirmed checkpoint is kept by the package (`keepCheckpoint`, in localStorage): it
// is public data, nothing personal.
// The signatures are checked by the browser's WebCrypto (Ed25519), so the check is a promise;
// a browser without Ed25519 rejects it with `register.unverifiable` and nothing is confirmed.
import { keepCheckpoint, lastCheckpoint, verifyRegister } from "/pkg/kezek.js";

/** The provider's log key, pinned in the page (`<meta name="kezek-log-key">`). */
const pinnedKey = () => document.querySelector('meta[name="kezek-log-key"]')?.content ?? "";

/** Checks the register for `number`; `snapshot` is the snapshot the page shows positions from. */
export async function checkRegister(page, number, snapshot) {
  const key = pinnedKey();
  const kept = lastCheckpoint(key);
  const previous = kept?.checkpoint;
  // A log now smaller than the one this browser saw has no consistency proof to give (the
  // backend answers 422): the evidence without it still lets verifyRegister see the truncation.
  const evidence = await page.client.register(number, kept?.size).catch((error) => {
    if (error.kind === "rejected" && error.status === 422) return page.client.register(number);
    throw error;
  });
  const result = await verifyRegister({
    checkpoint: evidence.checkpoint,
    verifierKey: key,
    previousCheckpoint: previous,
    consistencyProof: previous ? evidence.consistencyProof ?? [] : undefined,
    entry: evidence.entry,
    entryIndex: evidence.entryIndex,
    inclusionProof: evidence.inclusionProof,
    application: number,
    snapshot: evidence.snapshot && snapshot ? snapshot : undefined,
    snapshotEntry: snapshot ? evidence.snapshot?.entry : undefined,
    snapshotEntryIndex: snapshot ? evidence.snapshot?.index : undefined,
    snapshotInclusionProof: snapshot ? evidence.snapshot?.inclusionProof : undefined,
    snapshotLogSize: snapshot ? evidence.snapshot?.logSize : undefined,
    history: evidence.history ?? [],
    now: page.nowIso(),
    lang: page.lang,
  });
  if (result.verdict === "confirmed") keepCheckpoint(key, evidence.checkpoint);
  return result;
}
