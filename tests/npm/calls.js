// What the tiny app asks the package, shared by the bundled browser app (app.js) and the Node
// check (package.test.mjs), so both run the same calls. `kezek` is the package's namespace,
// already initialised.

export const TODAY = "2026-11-22";

export function callPackage(kezek) {
  const form = {
    applicant: { lastName: "Омарова", firstName: "Айгүл", iin: "900510 400 007", address: "Алматы, Абай даңғылы 10",
                 locality: { code: "750000000", name: "Алматы" } },
    child: { lastName: "Омаров", firstName: "Нұрлан", iin: "220315600007" },
    category: "none",
    queue: { kind: "general", language: "kk", stayMode: "full_day" },
    notifications: { phones: ["+7 701 123 45 67"], email: "" },
    consent: true,
    channel: "portal",
    documents: [],
  };
  let thrown = null;
  try {
    kezek.validateIin("200229600006", "22.11.2026");
  } catch (e) {
    thrown = { isError: e instanceof Error, code: e.code };
  }
  return {
    iin: kezek.validateIin("200229 600 006", TODAY),
    badIin: kezek.validateIin("200229600007", TODAY, "en"),
    valid: kezek.validateApplication(form, TODAY, "en"),
    invalid: kezek.validateApplication({ ...form, consent: false, child: { ...form.child, iin: "12345" } }, TODAY, "ru"),
    thrown,
  };
}
