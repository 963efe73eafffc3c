-- The service provider's side (issue 11): seat reports with their terms, withdrawals, the staff's
-- operations (who did what and when, and the answer a retried request gets), and the monthly check
-- of grounds. Portable SQL as in 0001.

-- Rules 3.3-3.6, 24.2: a reported seat group's terms of admission (`kezek::queue::seat::SeatTerms`:
-- `admission_mode`, `admission_starts_on`, `stay_until`), when it was reported and the day of the
-- bulletin it goes into (`kezek::queue::seat::bulletin_day`). Groups loaded in bulk (demo, tests)
-- leave them NULL: general seats, free now, in the next bulletin.
ALTER TABLE vacancies ADD COLUMN admission_mode TEXT NOT NULL DEFAULT 'general' CHECK (admission_mode IN ('general', 'early_booking', 'temporary_stay'));
ALTER TABLE vacancies ADD COLUMN admission_starts_on TEXT;
ALTER TABLE vacancies ADD COLUMN stay_until TEXT;
ALTER TABLE vacancies ADD COLUMN reported_at BIGINT;
ALTER TABLE vacancies ADD COLUMN bulletin_on TEXT;
-- Rule 25.1: taken back with a reason (`kezek::queue::seat::WithdrawalReason`); rule 3.9: listed in
-- the withdrawn-seats bulletin of `withdrawal_published_on`.
ALTER TABLE vacancies ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE vacancies ADD COLUMN withdrawal_reason TEXT CHECK (withdrawal_reason IN ('major_repair', 'quarantine', 'state_order_cancelled', 'closure'));
ALTER TABLE vacancies ADD COLUMN withdrawal_published_on TEXT;
CREATE INDEX vacancies_by_kindergarten ON vacancies (kindergarten_id);
CREATE INDEX referrals_by_vacancy ON referrals (vacancy_id, state);

-- Every staff write: who (the signed-in identity and the name the provider gave), in which role
-- and scope, what and on what, when; and the answer, so that a retry with the same
-- Idempotency-Key (`key_hash` = SHA-256 of the person and the key) gets the same answer without
-- doing it twice. `request_hash` is SHA-256 of the method, path and body: the same key with
-- another request is refused. `elapsed_ms`: for a confirmation of originals, the time since the
-- applicant brought them (or since submission, `detail.measuredFrom`) — the 30-minute standard of
-- rule 22. `detail` holds codes and dates, and for a priority change its ground (the opening of the
-- log's commitment).
CREATE TABLE staff_operations (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_issuer TEXT NOT NULL,
    actor_subject TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('education_department', 'kindergarten')),
    locality_code TEXT NOT NULL,
    kindergarten_id TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    application_number TEXT,
    detail TEXT NOT NULL,
    elapsed_ms BIGINT,
    key_hash TEXT,
    request_hash TEXT NOT NULL,
    response_status BIGINT NOT NULL,
    response TEXT NOT NULL
);
CREATE UNIQUE INDEX staff_operations_by_key ON staff_operations (key_hash);
CREATE INDEX staff_operations_by_locality ON staff_operations (locality_code, at);
CREATE INDEX staff_operations_by_kindergarten ON staff_operations (kindergarten_id, at);
CREATE INDEX staff_operations_by_application ON staff_operations (application_number, action);

-- Rule 22: the monthly check of servicemen's and special state body employees' grounds, one answer
-- per application and month.
CREATE TABLE grounds_checks (
    application_number TEXT NOT NULL REFERENCES applications (number),
    month TEXT NOT NULL,
    confirmed BIGINT NOT NULL CHECK (confirmed IN (0, 1)),
    checked_at BIGINT NOT NULL,
    checked_by TEXT NOT NULL,
    PRIMARY KEY (application_number, month)
);
