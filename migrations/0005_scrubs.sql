-- Deletions whose old copies may still be in the write-ahead log. A row is
-- added in the transaction that deletes, and removed once a truncating
-- checkpoint has emptied the log after it, so a scrub that failed (a full
-- disk, a crash) is retried, also after a restart. The row says nothing of
-- what was deleted, whose it was, or when.
CREATE TABLE scrubs (
    id INTEGER PRIMARY KEY
) STRICT;
