-- A person's private space, without an account: a secret link whose
-- SHA-256 is kept here. Deleting a person deletes their attempts, and with
-- them their answers and scores.
CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

-- Set when an attempt is completed; NULL for attempts from before people
-- existed, which stay reachable through their own result link.
ALTER TABLE attempts ADD COLUMN person_id INTEGER REFERENCES people (id) ON DELETE CASCADE;

CREATE INDEX attempts_person ON attempts (person_id, completed_at) WHERE person_id IS NOT NULL;
