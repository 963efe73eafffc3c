// Benchmark of the application exports (not a test).
//
// `run(kezek)` takes the namespace of the wasm-pack `--target web` package, already
// initialised, and returns figures in microseconds per call:
//
//   { "validateApplication.valid.median_us": …, "validateApplication.invalid.median_us": …,
//     "validateField.child_iin.median_us": …, "checklist.teacher_portal.median_us": … }
//
// Browsers coarsen `performance.now()` (to 5-100 µs), so each sample times a batch of calls
// and divides; the figure is the median of the samples, after a warm-up that is not counted.

export const TODAY = "2026-11-22";
const SAMPLES = 41;
const BATCH = 50;
const WARM_UP = 200;

/** A valid IIN for `yymmdd` with a century digit (4: 1900s, 6: 2000s). */
export function iin(yymmdd, century) {
  for (let serial = 0; serial < 10000; serial++) {
    const first = `${yymmdd}${century}${String(serial).padStart(4, "0")}`;
    const digits = [...first].map(Number);
    const pass = (weights) => digits.reduce((sum, d, i) => sum + d * weights[i], 0) % 11;
    let check = pass([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if (check === 10) check = pass([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    if (check !== 10) return first + check;
  }
  throw new Error("no IIN");
}

export function validForm() {
  return {
    applicant: {
      lastName: "Омарова", firstName: "Айгүл", middleName: "Серікқызы", iin: iin("900510", 4),
      address: "Алматы, Абай даңғылы 10, 5", locality: { code: "750000000", name: "Алматы" },
    },
    child: { lastName: "Омаров", firstName: "Нұрлан", middleName: null, iin: iin("220315", 6) },
    category: "teacher",
    queue: { kind: "general", language: "kk", stayMode: "full_day" },
    notifications: { phones: ["+7 701 123 45 67", "8 (777) 123-45-67"], email: "aigul@mail.kz" },
    consent: true,
    channel: "portal",
    documents: [{ kind: "teacher_workplace_certificate", issuedOn: "2026-11-01" }],
  };
}

/** A form that breaks every rule it can at once. */
export function invalidForm() {
  return {
    applicant: {
      lastName: "", firstName: "Ann4", middleName: "ә".repeat(60), iin: "200229600007",
      address: "", locality: { code: "75" },
    },
    child: { lastName: "--", firstName: "", iin: "12345" },
    category: "vip",
    queue: { kind: "special", language: "de", stayMode: "never" },
    notifications: { phones: ["+7 727 123 45 67", "+7 701 123 45 67", "+7 701 123 45 67", "87771234567"], email: "aigul@" },
    consent: false,
    channel: "fax",
    documents: [{ kind: "passport", issuedOn: "31.12.2026" }, { kind: "referral", issuedOn: "2030-01-01" }],
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median microseconds per call of `f`. */
function time(f) {
  for (let i = 0; i < WARM_UP; i++) f();
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) f();
    samples.push(((performance.now() - start) * 1000) / BATCH);
  }
  return Math.round(median(samples) * 100) / 100;
}

export async function run(kezek) {
  const valid = validForm();
  const invalid = invalidForm();
  // Sanity: the figures mean nothing if the forms are not what they claim.
  const ok = kezek.validateApplication(valid, TODAY, "en");
  if (!ok.ok) throw new Error(`valid form has errors: ${JSON.stringify(ok.errors)}`);
  const bad = kezek.validateApplication(invalid, TODAY, "en");
  if (bad.ok || bad.errors.length < 15) throw new Error(`invalid form has only ${bad.errors.length} errors`);
  const checklistInput = {
    service: "00403001", channel: "portal", category: "teacher", queueKind: "general",
    documents: valid.documents, submittedOn: TODAY,
  };
  return {
    "validateApplication.valid.median_us": time(() => kezek.validateApplication(valid, TODAY, "kk")),
    "validateApplication.invalid.median_us": time(() => kezek.validateApplication(invalid, TODAY, "kk")),
    "validateApplication.invalid.errors": bad.errors.length,
    "validateField.child_iin.median_us": time(() => kezek.validateField(valid, "child.iin", TODAY, "kk")),
    "checklist.teacher_portal.median_us": time(() => kezek.checklist(checklistInput, TODAY, "kk")),
  };
}
