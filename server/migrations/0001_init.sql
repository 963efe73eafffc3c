-- kezek-server schema, version 1. Portable SQL: the same text runs on SQLite and PostgreSQL.
-- Integers are BIGINT, instants are Unix milliseconds (BIGINT), local dates are 'YYYY-MM-DD' TEXT,
-- flags are BIGINT 0/1: no type whose meaning differs between the two databases.

CREATE TABLE applications (
    number TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    queue_key TEXT NOT NULL,
    locality_code TEXT NOT NULL,
    child_birth_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    class TEXT NOT NULL CHECK (class IN ('extraordinary', 'priority', 'general')),
    category TEXT NOT NULL,
    language TEXT NOT NULL,
    stay_mode TEXT NOT NULL CHECK (stay_mode IN ('full_day', 'part_day', 'round_the_clock')),
    submitted_at BIGINT NOT NULL,
    originals_due TEXT NOT NULL,
    originals_confirmed BIGINT NOT NULL DEFAULT 0,
    ages_out_on TEXT,
    state TEXT NOT NULL CHECK (state IN ('queued', 'temporary_stay', 'referred', 'withdrawn', 'archived', 'stop_listed')),
    state_reason TEXT,
    interest_confirmed_at BIGINT,
    -- The application as submitted (Appendix 1). Personal data: read back only for the applicant.
    body_json TEXT NOT NULL
);
CREATE INDEX applications_by_queue ON applications (queue_key, state);

-- A retried submission (Idempotency-Key header) finds the application it created. Only hashes are stored.
CREATE TABLE idempotency_keys (
    key_hash TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    application_number TEXT NOT NULL REFERENCES applications (number),
    created_at BIGINT NOT NULL
);

CREATE TABLE kindergartens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    locality_code TEXT NOT NULL
);

-- Rule 24.2: seats reported by kindergartens by age group. `free` never goes below zero.
CREATE TABLE vacancies (
    id TEXT PRIMARY KEY,
    kindergarten_id TEXT NOT NULL REFERENCES kindergartens (id),
    locality_code TEXT NOT NULL,
    age_group BIGINT NOT NULL,
    language TEXT NOT NULL,
    stay_mode TEXT NOT NULL CHECK (stay_mode IN ('full_day', 'part_day', 'round_the_clock')),
    group_kind TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity >= 0),
    free BIGINT NOT NULL CHECK (free >= 0 AND free <= capacity),
    published_on TEXT
);

-- Rule 24.3: one bulletin a day at 18:00.
CREATE TABLE bulletins (
    published_on TEXT PRIMARY KEY,
    published_at BIGINT NOT NULL
);

-- Rule 24.4: which queues already had their 07:00 window opened on a given day (makes the job idempotent).
CREATE TABLE window_runs (
    queue_key TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    PRIMARY KEY (queue_key, opened_on)
);

-- Rule 24.4: an application's access to referrals, three working days from 07:00.
CREATE TABLE access_windows (
    application_number TEXT NOT NULL REFERENCES applications (number),
    window_id TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (application_number, window_id)
);
CREATE INDEX access_windows_by_close ON access_windows (application_number, closes_at);

-- Appendix 4 item 8, rule 30: referrals. At most one per application and window.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    application_number TEXT NOT NULL REFERENCES applications (number),
    window_id TEXT NOT NULL,
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id),
    issued_at BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'cancelled', 'expired')),
    extended BIGINT NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
    extension_reason TEXT,
    closed_at BIGINT,
    UNIQUE (application_number, window_id)
);
CREATE INDEX referrals_by_state ON referrals (state, valid_until);
