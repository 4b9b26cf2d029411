-- Viewer sessions: the page trades an API key for a random session id kept in an HttpOnly,
-- SameSite=Strict cookie, so the key leaves the address bar and the page's storage. Only a
-- SHA-256 of the id is stored; a session lives until it expires, is closed (logout) or its key
-- is revoked (the key's row decides on every request).
CREATE TABLE viewer_session (
    hash        bytea PRIMARY KEY,
    key_id      bigint NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX viewer_session_expires_idx ON viewer_session (expires_at);
