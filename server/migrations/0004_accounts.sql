-- Sign-in, staff roles and the state-system adapters' demo tables (see server/src/auth/ and
-- server/src/adapters/). Portable SQL as in 0001: instants are Unix milliseconds (BIGINT).

-- A sign-in in progress (OpenID Connect authorization code with PKCE): kept server-side under
-- the SHA-256 of its `state`, so the PKCE verifier and the nonce never leave the server. Rows
-- live ten minutes; the callback deletes the row it uses.
CREATE TABLE login_attempts (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_expiry ON login_attempts (expires_at);

-- A signed-in person. Only the SHA-256 of the cookie's random id is stored, so a copy of the
-- database signs nobody in. The session ends at `expires_at` (absolute) or when it has not been
-- used for the idle timeout since `last_seen_at`, or at sign-out (the row is deleted).
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- From the ID token: the IIN (12 digits) when the provider gave one, and the names and
    -- locale to pre-fill the form (personal data: deleted with the session).
    iin TEXT,
    family_name TEXT,
    given_name TEXT,
    locale TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Staff roles (issue 11): a staff identity, either the provider's (issuer, subject) or an IIN
-- signed in through the configured provider, mapped to the education department of a locality
-- or to one kindergarten. A person may hold several rows.
CREATE TABLE staff_roles (
    id TEXT PRIMARY KEY,
    issuer TEXT,
    subject TEXT,
    iin TEXT,
    role TEXT NOT NULL CHECK (role IN ('education_department', 'kindergarten')),
    locality_code TEXT,
    kindergarten_id TEXT,
    granted_at BIGINT NOT NULL,
    CHECK ((issuer IS NOT NULL AND subject IS NOT NULL) OR iin IS NOT NULL),
    CHECK ((role = 'education_department' AND locality_code IS NOT NULL AND kindergarten_id IS NULL)
        OR (role = 'kindergarten' AND kindergarten_id IS NOT NULL AND locality_code IS NULL))
);
CREATE INDEX staff_roles_by_subject ON staff_roles (issuer, subject);
CREATE INDEX staff_roles_by_iin ON staff_roles (iin);

-- Demo civil registry: which children (IINs) are linked to an applicant (parent or legal
-- representative). In production the adapter asks the state registry instead.
CREATE TABLE civil_links (
    applicant_iin TEXT NOT NULL,
    child_iin TEXT NOT NULL,
    PRIMARY KEY (applicant_iin, child_iin)
);

-- Demo state grounds: Appendix 1 categories that state information systems confirm for a
-- person (the applicant or the child), so no original document is needed for them.
CREATE TABLE state_grounds (
    person_iin TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (person_iin, category)
);
