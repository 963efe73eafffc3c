-- Notifications (rules 23, 24.9): a transactional outbox and the applicant's channel choices.
-- See server/src/notify/.

-- One row per message to send: written in the transaction of the event it tells about, sent
-- later by the sender task. `idempotency_key` is derived from (event_key, channel, slot), so a
-- retried transaction adds nothing; it is also the e-mail's Message-ID and the SMS request's
-- Idempotency-Key, so a message sent twice (a crash between sending and marking it sent) can be
-- recognised downstream.
--   pending   waiting for `due_at` (the first attempt, or the next after a failure)
--   sending   claimed by a sender until `lease_until`; after that any sender may claim it again
--   sent      delivered to the SMTP server or the SMS gateway
--   dead      failed permanently, or `attempts` reached the limit: kept for an operator
--   cancelled no longer relevant (a reminder whose deadline went away)
CREATE TABLE notification_outbox (
    idempotency_key TEXT PRIMARY KEY,
    event_key TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    slot BIGINT NOT NULL,
    application_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    -- The e-mail address or phone number (personal data): cleared once the message is sent.
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead', 'cancelled')),
    attempts BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (event_key, channel, slot)
);
CREATE INDEX notification_outbox_by_due ON notification_outbox (state, due_at);
CREATE INDEX notification_outbox_by_application ON notification_outbox (application_number);

-- The channels an applicant chose for an application on the page. Without a row, every channel
-- the application gives a contact for is used (Appendix 1 collects them for notifications).
CREATE TABLE notification_preferences (
    application_number TEXT PRIMARY KEY,
    email BIGINT NOT NULL CHECK (email IN (0, 1)),
    sms BIGINT NOT NULL CHECK (sms IN (0, 1)),
    language TEXT NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    updated_at BIGINT NOT NULL
);
