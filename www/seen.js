// The queue numbers this browser has seen, for "how the position moved since the last visit"
// and the estimate's pace (`estimateAccess`), and for the tracker offline: what was last
// verified, with its date.
//
// Kept in localStorage, and public data only: the queue key, queue numbers, the application's
// status as the public register proves it, and dates. The application is named by a short hash
// of its number (siblings in one queue stay apart), never by the number itself. Per application
// two sightings: the last one, and the last one from an earlier day (what "last time" means).

const PREFIX = "kezek.seen:";

async function slot(number) {
  const bytes = new TextEncoder().encode(`kezek.seen/${number}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return PREFIX + [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null") ?? {};
  } catch {
    return {};
  }
}

/** The sightings of `number`: `{ last, earlier }`, each `{ queue, n, total, on, at, status }`
 * or undefined. */
export async function recall(number) {
  if (!globalThis.crypto?.subtle) return {};
  return read(await slot(number));
}

/** Records a verified sighting (`on`: the Kazakhstan date, `at`: the instant verified). */
export async function remember(number, sighting) {
  if (!globalThis.crypto?.subtle) return;
  const key = await slot(number);
  const { last, earlier } = read(key);
  const next = { last: sighting, earlier: last && last.on !== sighting.on ? last : earlier };
  try {
    localStorage.setItem(key, JSON.stringify(next));
  } catch {
    // Storage full or refused: the page works without the history.
  }
}
