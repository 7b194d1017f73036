-- Therapist accounts. The password is kept as an argon2id hash; the
-- session epoch changes with it, which ends every older session. Ids of
-- accounts, links and shares are never reused (AUTOINCREMENT): a session,
-- a URL or a form that names a deleted one must not reach a new one.
CREATE TABLE therapists (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    session_epoch INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
) STRICT;

-- Login sessions, for github.com/alexedwards/scs: the token is random and
-- the data holds the therapist's id and session epoch.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_expiry ON sessions (expiry);

-- Links a therapist sends to clients. Only the token's SHA-256 is kept,
-- with the nonce from which the server, with its key, derives the token
-- again to show it (NULL: it cannot be shown again).
CREATE TABLE share_links (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    therapist_id   INTEGER NOT NULL REFERENCES therapists (id) ON DELETE CASCADE,
    token_hash     BLOB NOT NULL UNIQUE,
    nonce          BLOB,
    quiz_id        TEXT NOT NULL,
    label          TEXT NOT NULL,
    shares_answers INTEGER NOT NULL CHECK (shares_answers IN (0, 1)),
    created_at     TEXT NOT NULL,
    expires_at     TEXT,
    revoked_at     TEXT
) STRICT;

CREATE INDEX share_links_therapist ON share_links (therapist_id, created_at);

-- A person's consent to share one quiz's results through one link. The
-- therapist sees the person's attempts of that quiz completed since
-- consented_at, until stopped_at. When the person deletes everything the
-- row stays, stopped and without a person, so the therapist learns that
-- the client stopped sharing, and nothing more.
CREATE TABLE shares (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    link_id      INTEGER NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    person_id    INTEGER REFERENCES people (id) ON DELETE SET NULL,
    consented_at TEXT NOT NULL,
    wording      TEXT NOT NULL,
    stopped_at   TEXT,
    UNIQUE (link_id, person_id)
) STRICT;

CREATE INDEX shares_person ON shares (person_id) WHERE person_id IS NOT NULL;

-- Every consent and every stop, as they happened: shares holds only the
-- state in force.
CREATE TABLE share_events (
    share_id INTEGER NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    event    TEXT NOT NULL CHECK (event IN ('consented', 'stopped')),
    wording  TEXT                     -- the consent text's version, for 'consented'
) STRICT;

CREATE INDEX share_events_share ON share_events (share_id, at);

-- The share an attempt was started for: through the link, or from the
-- person's page to share again. Other attempts of the same person stay
-- private, whatever they share.
ALTER TABLE attempts ADD COLUMN share_id INTEGER REFERENCES shares (id) ON DELETE SET NULL;

CREATE INDEX attempts_share ON attempts (share_id) WHERE share_id IS NOT NULL;

-- Every look by a therapist at a client's results: when and what, never
-- the answers themselves. The client sees it too, and keeps it when the
-- therapist deletes their account: the row then keeps the person and the
-- therapist's name, and loses the share.
CREATE TABLE access_log (
    id             INTEGER PRIMARY KEY,
    share_id       INTEGER REFERENCES shares (id) ON DELETE SET NULL,
    person_id      INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    therapist_name TEXT NOT NULL,
    viewed_at      TEXT NOT NULL,
    what           TEXT NOT NULL CHECK (what IN ('list', 'client', 'result', 'compare', 'export'))
) STRICT;

CREATE INDEX access_log_share ON access_log (share_id, viewed_at) WHERE share_id IS NOT NULL;
CREATE INDEX access_log_person ON access_log (person_id, viewed_at);
