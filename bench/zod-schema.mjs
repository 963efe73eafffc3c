// A Zod 4 schema of the same form rules as kezek's `validateApplication`: what a front-end team
// would write instead of using the package. Used only by the speed comparison (bench/zod.mjs);
// it is a fair rival, not a second implementation to keep in step (the rules live in src/).
//
// Covered, as in src/application/rules.rs and the modules it calls:
// * names (names.rs): whitespace collapsed, required (not the patronymic), at most 50
//   characters, the Kazakh/Russian Cyrillic and Kazakh Latin alphabet with single separators;
// * IINs (iin.rs): separators ignored, 12 digits, century digit 1-6, a real birth date, the check
//   digit with its second pass (and no IIN when both passes give 10), no birth after `today`;
// * address (required, ≤ 200 characters) and the 9-digit KATO locality code;
// * child against applicant: not the same IIN, born after the applicant, under 6 full years on
//   1 September of the current school year unless special needs with a PMPC conclusion;
// * category, queue kind (with disorder or profile when the kind needs one), language, hours;
// * phones (phone.rs): at most two filled, Kazakhstan mobile codes, no duplicate; e-mail
//   (email.rs); at least one notification channel;
// * consent (only `true`), channel, documents (known kind, a real date not after `today`, at most
//   30), the PMPC and phthisiatrician conclusions the special and sanatorium queues need.
//
// Not covered (Zod has no warnings): `child.turns_six_soon`. Messages are English constants.

const LETTERS = "A-Za-z\u0410-\u044F\u0401\u0451ӘәҒғҚқҢңӨөҰұҮүҺһІіÁáÄäǴǵĞğİıŃńÑñÓóÖöÚúŪūÜüÝýŞşÇç";
const NAME_PATTERN = `[${LETTERS}]+(?:[-'\u2019\u02BC ][${LETTERS}]+)*`;
const NAME = new RegExp(`^${NAME_PATTERN}$`, "u");
const NAME_OR_EMPTY = new RegExp(`^(?:${NAME_PATTERN})?$`, "u");
const MOBILE = /^(?:\+7|7|8)?(70[0125678]|747|77[15678])\d{7}$/;
const PHONE_SEPARATORS = /[\s\-().\u2010-\u2013]/g;
const EMAIL_LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const EMAIL_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const EMAIL_TOP = /^\p{L}{2,}$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const CATEGORIES = ["serviceman", "special_state_body", "disabled_parent", "special_needs", "no_parental_care", "orphan",
  "large_family", "teacher", "disabled_child_in_family", "none"];
const DOCUMENT_KINDS = ["application", "applicant_identity", "child_birth_certificate", "serviceman_workplace_certificate",
  "special_state_body_workplace_certificate", "teacher_workplace_certificate", "teacher_diploma", "pmpc_conclusion",
  "phthisiatrician_conclusion", "priority_right_confirmation", "referral", "child_health_passport",
  "child_health_certificate", "vaccination_card"];

const M = {
  iin: { empty: "Enter the IIN", length: "The IIN must be 12 digits", not_digits: "The IIN must only include the digits 0 to 9",
    century: "Check the 7th digit of the IIN: it must be from 1 to 6", date: "Check the first 6 digits of the IIN",
    checksum: "Check the IIN for a typing mistake", future: "Check the IIN: the date of birth in it has not come yet" },
  nameEmpty: (what) => `Enter ${what}`,
  nameLong: (what) => `Shorten ${what} to 50 characters or fewer`,
  nameChars: (what) => `Write ${what} with letters, hyphens, apostrophes and spaces only`,
};

/** Days since 1970-01-01 of a real calendar date, or null. */
function dayNumber(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return null;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCDate() === d && back.getUTCMonth() === m - 1 ? t / 86_400_000 : null;
}

function parseDate(text) {
  const m = DATE.exec(text);
  return m ? dayNumber(+m[1], +m[2], +m[3]) : null;
}

/** { code } or { birth: [y, m, d] } for an IIN as typed. */
export function readIin(text, today) {
  const compact = text.replace(/[\s\-\u2010-\u2013]/g, "");
  if (compact === "") return { code: "empty" };
  if (!/^\d+$/.test(compact)) return { code: "not_digits" };
  if (compact.length !== 12) return { code: "length" };
  const d = [...compact].map(Number);
  const century = [0, 1800, 1800, 1900, 1900, 2000, 2000][d[6]];
  if (!century) return { code: "century" };
  const y = century + d[0] * 10 + d[1], mo = d[2] * 10 + d[3], da = d[4] * 10 + d[5];
  const birth = dayNumber(y, mo, da);
  if (birth === null) return { code: "date" };
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += d[i] * (i + 1);
  let check = sum % 11;
  if (check === 10) {
    sum = 0;
    for (let i = 0; i < 11; i++) sum += d[i] * (((i + 2) % 11) + 1);
    check = sum % 11;
  }
  if (check === 10 || check !== d[11]) return { code: "checksum" };
  if (birth > today.day) return { code: "future" };
  return { birth: [y, mo, da], day: birth, digits: compact };
}

function fullYears([by, bm, bd], [y, m, d]) {
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The schema for forms checked on `today` (`YYYY-MM-DD`): build it once, call `safeParse`. */
export function formSchema(z, todayText) {
  const [ty, tm, td] = todayText.split("-").map(Number);
  const today = { day: dayNumber(ty, tm, td), ymd: [ty, tm, td] };
  const schoolYear = tm >= 9 ? ty : ty - 1;

  const text = z.preprocess((v) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : ""), z.string());
  const collapse = (v) => (typeof v === "string" ? v.trim().split(/\s+/).join(" ") : typeof v === "number" ? String(v) : "");
  // A check runs only while the field has no issue yet (one message per field, as kezek gives);
  // `when` rather than `abort`, which would also stop the cross-field rules below.
  const clean = (payload) => payload.issues.length === 0;
  const name = (what, required) => z.preprocess(collapse, z.string()
    .min(required ? 1 : 0, { message: M.nameEmpty(what) })
    .max(50, { message: M.nameLong(what), when: clean })
    .regex(required ? NAME : NAME_OR_EMPTY, { message: M.nameChars(what), when: clean }));
  const iin = text.superRefine((s, ctx) => {
    const r = readIin(s, today);
    if (r.code) ctx.addIssue({ code: "custom", message: M.iin[r.code] });
  });
  const choice = (values, message) => z.enum(values, { message });

  const person = {
    lastName: name("the last name", true),
    firstName: name("the first name", true),
    middleName: name("the patronymic", false),
    iin,
  };
  const phone = z.union([z.string(), z.null()]);
  const trimmed = (v) => (typeof v === "string" ? v.trim() : "");
  const email = z.preprocess(trimmed, z.string()
    .max(254, { message: "Enter an email address of 254 characters or fewer" })
    .refine((s) => {
      if (s === "") return true;
      const at = s.indexOf("@");
      if (at < 1 || at !== s.lastIndexOf("@")) return false;
      const local = s.slice(0, at), labels = s.slice(at + 1).split(".");
      return [...local].length <= 64 && EMAIL_LOCAL.test(local) && labels.length >= 2
        && labels.every((l) => EMAIL_LABEL.test(l)) && EMAIL_TOP.test(labels[labels.length - 1]);
    }, { message: "Enter an email address in the correct format, like name@example.kz", when: clean }));
  const documentDate = z.preprocess(trimmed, z.string()
    .refine((s) => s === "" || parseDate(s) !== null, { message: "Enter the date as YYYY-MM-DD" })
    .refine((s) => s === "" || parseDate(s) <= today.day, { message: "The issue date must be today or in the past", when: clean }));

  return z.object({
    applicant: z.object({
      ...person,
      address: z.preprocess(trimmed, z.string()
        .min(1, "Enter the home address")
        .max(200, { message: "The address must be 200 characters or fewer", when: clean })),
      locality: z.object({
        code: z.preprocess(trimmed, z.string()
          .min(1, "Choose the locality")
          .regex(/^\d{9}$/, { message: "Choose the locality from the list", when: clean })),
        name: z.string().nullish(),
      }),
    }),
    child: z.object(person),
    category: choice(CATEGORIES, "Choose the child's category"),
    queue: z.object({
      kind: choice(["general", "special", "sanatorium"], "Choose the type of queue"),
      disorder: z.string().nullish(),
      profile: z.string().nullish(),
      language: choice(["kk", "ru", "uz", "ug", "tg"], "Choose the language of instruction"),
      stayMode: choice(["full_day", "part_day", "round_the_clock"], "Choose the hours"),
    }),
    notifications: z.object({
      phones: z.array(phone).max(10, "Enter at most two phone numbers"),
      email,
    }),
    consent: z.literal(true, { message: "Give your consent to submit the application" }),
    channel: choice(["portal", "state_corporation", "provider_office"], "Choose how the application is submitted"),
    documents: z.array(z.object({ kind: choice(DOCUMENT_KINDS, "Choose the document"), issuedOn: documentDate }))
      .max(30, "Declare at most 30 documents"),
  }).superRefine((form, ctx) => {
    // Rules across fields: on the raw values, so they run (as kezek's do) even while other fields fail.
    const raw = ctx.value ?? form;
    const q = raw.queue ?? {};
    const kinds = Array.isArray(raw.documents) ? raw.documents.map((d) => d?.kind) : [];
    const special = raw.category === "special_needs" || q.kind === "special";
    const hasPmpc = kinds.includes("pmpc_conclusion");
    if (q.kind === "special" && !["hearing", "vision", "speech", "intellectual", "musculoskeletal", "autism", "delayed_development", "other"].includes(q.disorder)) {
      ctx.addIssue({ code: "custom", path: ["queue", "disorder"], message: "Choose the type of disorder" });
    }
    if (q.kind === "sanatorium" && !["tuberculosis", "respiratory", "other"].includes(q.profile)) {
      ctx.addIssue({ code: "custom", path: ["queue", "profile"], message: "Choose the health profile" });
    }
    const parent = typeof raw.applicant?.iin === "string" ? readIin(raw.applicant.iin, today) : { code: "empty" };
    const child = typeof raw.child?.iin === "string" ? readIin(raw.child.iin, today) : { code: "empty" };
    if (!parent.code && !child.code) {
      if (parent.digits === child.digits) {
        ctx.addIssue({ code: "custom", path: ["child", "iin"], message: "Enter the child's IIN: it must differ from the applicant's" });
      } else if (parent.day >= child.day) {
        ctx.addIssue({ code: "custom", path: ["child", "iin"], message: "Check the IINs: the child must be born after the applicant" });
      } else if (!(special && hasPmpc) && fullYears(child.birth, [schoolYear, 9, 1]) >= 6) {
        ctx.addIssue({ code: "custom", path: ["child", "iin"], message: `The child is 6 or older on 1 September ${schoolYear}` });
      }
    }
    const phones = Array.isArray(raw.notifications?.phones) ? raw.notifications.phones : [];
    const seen = [];
    let filled = 0;
    phones.forEach((p, i) => {
      if (typeof p !== "string" || p.trim() === "") return;
      filled += 1;
      if (filled > 2) {
        ctx.addIssue({ code: "custom", path: ["notifications", "phones", i], message: "Enter at most two phone numbers" });
        return;
      }
      const m = p.length <= 40 ? MOBILE.exec(p.replace(PHONE_SEPARATORS, "")) : null;
      const national = m && m[0].slice(-10);
      if (!m) {
        ctx.addIssue({ code: "custom", path: ["notifications", "phones", i], message: "Enter a Kazakhstan mobile number, like +7 701 123 45 67" });
      } else if (seen.includes(national)) {
        ctx.addIssue({ code: "custom", path: ["notifications", "phones", i], message: "This number is already entered" });
      } else {
        seen.push(national);
      }
    });
    const email = typeof raw.notifications?.email === "string" ? raw.notifications.email.trim() : "";
    if (filled === 0 && email === "") {
      ctx.addIssue({ code: "custom", path: ["notifications"], message: "Enter a mobile number or an email address" });
    }
    if (special && !hasPmpc) {
      ctx.addIssue({ code: "custom", path: ["documents"], message: "Add the PMPC conclusion" });
    }
    if (q.kind === "sanatorium" && !kinds.includes("phthisiatrician_conclusion")) {
      ctx.addIssue({ code: "custom", path: ["documents"], message: "Add the phthisiatrician's conclusion" });
    }
  }, { when: () => true });
}
