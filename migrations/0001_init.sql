-- Quiz files exactly as they were when attempts were scored with them, so a
-- past result can be shown and explained after its file has changed.
CREATE TABLE quiz_sources (
    hash       TEXT PRIMARY KEY,          -- hex SHA-256 of source
    quiz_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    source     BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- One person's pass through one quiz. It is reached only through a secret
-- token, of which the database keeps the SHA-256.
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    quiz_id      TEXT NOT NULL,
    quiz_version INTEGER NOT NULL,
    quiz_hash    TEXT NOT NULL REFERENCES quiz_sources (hash),
    status       TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    completed_at TEXT,
    result_id    TEXT,                    -- the outcome, once completed
    position     REAL,                    -- unrounded; NULL when there is none
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND result_id IS NOT NULL))
) STRICT;

-- Unfinished attempts are deleted after a while: find them fast.
CREATE INDEX attempts_in_progress ON attempts (updated_at) WHERE status = 'in_progress';

CREATE TABLE answers (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    item_id    TEXT NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, item_id)
) STRICT, WITHOUT ROWID;

-- Scale scores of completed attempts, unrounded, in the quiz's order.
CREATE TABLE scale_scores (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    scale_id   TEXT NOT NULL,
    score      REAL,                      -- NULL: too few answers to score
    answered   INTEGER NOT NULL,
    items      INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, scale_id)
) STRICT, WITHOUT ROWID;
