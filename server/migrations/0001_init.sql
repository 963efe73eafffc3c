-- kezek-server schema, version 1. Portable SQL: the same text runs on SQLite and PostgreSQL.
-- Integers are BIGINT, instants are Unix milliseconds (BIGINT), local dates are 'YYYY-MM-DD' TEXT,
-- flags are BIGINT 0/1: no type whose meaning differs between the two databases.
--
-- The server persists the core's types (`kezek::status::Status`, `kezek::queue::QueueKey`, …) in
-- their stable text forms and decodes them at the edge (`store/rows.rs`); every column derived from
-- a status (`state`, `queue_state`, `next_change_at`, `window_*`) is written by the core's own
-- functions in the same statement as the status, never computed in SQL.

CREATE TABLE applications (
    number TEXT PRIMARY KEY,
    -- `kezek::queue::QueueKey` (rules 13, 14).
    queue_key TEXT NOT NULL,
    -- `kezek::queue::Class` of the category (rule 21).
    class TEXT NOT NULL CHECK (class IN ('extraordinary', 'priority', 'general')),
    category TEXT NOT NULL,
    stay_mode TEXT NOT NULL CHECK (stay_mode IN ('full_day', 'part_day', 'round_the_clock')),
    child_birth_date TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    -- `kezek::status::Status` as JSON, and what the core derives from it.
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    queue_state TEXT,
    next_change_at BIGINT,
    window_pool TEXT,
    window_round TEXT CHECK (window_round IN ('priority', 'remaining')),
    ages_out_on TEXT,
    -- Keyed hashes of the child's and the applicant's IIN (lookups without the IIN itself).
    child_key TEXT NOT NULL,
    -- Rule 17: one live application per child and queue slot; NULL once final.
    child_slot TEXT,
    applicant_key TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    -- The random salt of this application's commitments in the public log (hex).
    salt TEXT NOT NULL,
    -- The language notifications and messages go out in.
    lang TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    -- The normalised Appendix 1 application (personal data): never the raw request body.
    personal TEXT NOT NULL
);
CREATE UNIQUE INDEX applications_child_slot ON applications (child_slot);
CREATE INDEX applications_by_queue ON applications (queue_key, queue_state);
CREATE INDEX applications_by_deadline ON applications (next_change_at);
CREATE INDEX applications_by_window ON applications (window_pool, window_round);
CREATE INDEX applications_by_applicant ON applications (applicant_key);
CREATE INDEX applications_by_age ON applications (ages_out_on);

-- A retried submission (Idempotency-Key header) finds the application it created. Only hashes are
-- stored; the claim token is kept sealed with the key itself, so only the client that holds the
-- key can read it back.
CREATE TABLE idempotency_keys (
    key_hash TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    application_number TEXT NOT NULL REFERENCES applications (number),
    token_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE kindergartens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    locality_code TEXT NOT NULL
);

-- Rule 24.2: seats reported by kindergartens per age group. `free` never goes below zero.
-- `group_kind` and `group_detail` (disorder or profile) say whom a seat is for (rule 14);
-- `offered_on` is the day a priority round first offered it (rules 24.4, 24.10).
CREATE TABLE vacancies (
    id TEXT PRIMARY KEY,
    kindergarten_id TEXT NOT NULL REFERENCES kindergartens (id),
    locality_code TEXT NOT NULL,
    age_group BIGINT NOT NULL,
    language TEXT NOT NULL,
    stay_mode TEXT NOT NULL CHECK (stay_mode IN ('full_day', 'part_day', 'round_the_clock')),
    group_kind TEXT NOT NULL CHECK (group_kind IN ('general', 'special', 'sanatorium')),
    group_detail TEXT NOT NULL DEFAULT '',
    capacity BIGINT NOT NULL CHECK (capacity >= 0),
    free BIGINT NOT NULL CHECK (free >= 0 AND free <= capacity),
    published_on TEXT,
    offered_on TEXT
);

-- Rule 24.3: one bulletin a day.
CREATE TABLE bulletins (
    published_on TEXT PRIMARY KEY,
    published_at BIGINT NOT NULL
);

-- Rules 24.4, 24.10: the day's distribution ran for a pool (makes the job idempotent).
CREATE TABLE distribution_runs (
    pool TEXT NOT NULL,
    run_on TEXT NOT NULL,
    ran_at BIGINT NOT NULL,
    PRIMARY KEY (pool, run_on)
);

-- Appendix 4 item 8, rule 30: referrals. At most one active per application.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    application_number TEXT NOT NULL REFERENCES applications (number),
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    issued_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'cancelled', 'expired', 'admitted', 'refused', 'ended')),
    extended_until TEXT,
    extension_reason TEXT,
    ended_at BIGINT,
    end_reason TEXT
);
CREATE UNIQUE INDEX referrals_one_active ON referrals (application_number) WHERE state = 'active';
CREATE INDEX referrals_by_application ON referrals (application_number, issued_at);
