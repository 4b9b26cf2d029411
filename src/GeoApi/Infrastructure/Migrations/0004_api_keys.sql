-- API keys: only a SHA-256 of each key is stored (keys are 256-bit random, so a fast hash is
-- enough); the prefix lets staff tell keys apart in listings. A key has one role and one
-- jurisdiction (a code prefix: '' everywhere, 6 digits a county, 9 a township).
CREATE TABLE api_key (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    prefix        text NOT NULL,
    hash          bytea NOT NULL UNIQUE,
    role          text NOT NULL CHECK (role IN ('viewer', 'integrator', 'editor', 'admin')),
    jurisdiction  text NOT NULL DEFAULT '' CHECK (jurisdiction ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
