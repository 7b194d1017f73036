-- Finishing an attempt gives its result a token of its own, so that
-- whoever holds the attempt's link (someone who started it and passed it
-- on) cannot read what the other person answered. Only its SHA-256 is
-- kept. Attempts completed before this have none: their result stays at
-- the attempt's own token, where people saved it.
ALTER TABLE attempts ADD COLUMN result_token_hash BLOB;

CREATE UNIQUE INDEX attempts_result_token ON attempts (result_token_hash) WHERE result_token_hash IS NOT NULL;
