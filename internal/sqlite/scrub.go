package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Deleting takes two steps. The transaction removes the rows, and
// secure_delete zeroes what they held in the pages that held them; but in
// WAL mode those pages go to the write-ahead log as new copies, and the
// log keeps its older copies (as the database file keeps its own) until a
// checkpoint copies the new pages over the old ones and a truncating
// checkpoint empties the log. That second step, the scrub, can fail where
// the first did not: readers of an older snapshot hold it up, and on a
// full disk it cannot grow the database file. So a deletion records in
// its own transaction that a scrub is due (a row in scrubs) and counts as
// done once that transaction commits; the scrub runs right after, then,
// while it does not succeed, again in the background with backoff, and at
// the next Open when the process stops first.

// scrubber is the state of the background retry.
type scrubber struct {
	due      chan struct{} // holds one signal: a scrub did not finish
	min, max time.Duration // the first wait before a retry, and the longest
}

func newScrubber() scrubber {
	return scrubber{due: make(chan struct{}, 1), min: 250 * time.Millisecond, max: time.Minute}
}

// inDeleteTx runs fn in one write transaction, as inTx does, for writes
// that remove what someone asked to be gone. When fn reports that it
// removed something, the same transaction records that a scrub is due,
// and the scrub runs after the commit. Once the transaction has
// committed, inDeleteTx returns nil whatever becomes of the scrub.
func (db *DB) inDeleteTx(ctx context.Context, fn func(tx *sql.Tx) (bool, error)) error {
	var removed bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if removed, err = fn(tx); err != nil || !removed {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO scrubs DEFAULT VALUES`)
		return err
	})
	if err == nil && removed {
		// The person asking may have gone; the scrub is owed all the same.
		db.scrubOrRetry(context.WithoutCancel(ctx),
			"deleted, but the scrub of the write-ahead log failed; retrying in the background")
	}
	return err
}

// scrubOrRetry does the scrubs that are due, waiting at most 100 ms for
// readers so that writers are not held up, and leaves what it could not
// finish to the background, logging a failure as msg.
func (db *DB) scrubOrRetry(ctx context.Context, msg string) {
	done, err := db.scrub(ctx)
	if err != nil {
		db.log.Warn(msg, "err", err)
	}
	if !done {
		select {
		case db.scrubs.due <- struct{}{}:
		default: // the background already knows
		}
	}
}

// scrubInBackground retries the scrubs that did not finish, until Close.
func (db *DB) scrubInBackground() {
	for {
		select {
		case <-db.bgCtx.Done():
			return
		case <-db.scrubs.due:
		}
		if !db.retryScrub() {
			return
		}
	}
}

// retryScrub tries again and again, each time waiting twice as long as
// before up to scrubs.max, until nothing is due (true) or Close (false).
func (db *DB) retryScrub() bool {
	wait, failed := db.scrubs.min, false
	for try := 1; ; try++ {
		timer := time.NewTimer(wait)
		select {
		case <-db.bgCtx.Done():
			timer.Stop()
			return false
		case <-timer.C:
		}
		done, err := db.scrub(db.bgCtx)
		switch {
		case db.bgCtx.Err() != nil:
			return false
		case done:
			if failed {
				db.log.Info("scrubbed the write-ahead log", "tries", try)
			}
			return true
		}
		wait = min(2*wait, db.scrubs.max)
		if err != nil {
			failed = true
			db.log.Warn("scrub of the write-ahead log failed; trying again", "err", err, "tries", try, "next_in", wait)
		}
	}
}

// scrub runs a truncating checkpoint when a scrub is due and, once that
// has completed, marks done the scrubs recorded before it. It reports
// whether none is left due.
func (db *DB) scrub(ctx context.Context) (bool, error) {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer c.Close()
	var last sql.NullInt64
	if err := c.QueryRowContext(ctx, `SELECT max(id) FROM scrubs`).Scan(&last); err != nil {
		return false, err
	}
	if !last.Valid {
		return true, nil
	}
	if done, err := checkpoint(ctx, c); !done || err != nil {
		return false, err
	}
	// Scrubs recorded since (by another process) wait for the next one.
	if _, err := c.ExecContext(ctx, `DELETE FROM scrubs WHERE id <= ?`, last.Int64); err != nil {
		return false, err
	}
	return true, nil
}

// checkpoint tries a truncating checkpoint on c, the writer's connection,
// waiting at most 100 ms for readers, and reports whether it completed.
func checkpoint(ctx context.Context, c *sql.Conn) (bool, error) {
	if _, err := c.ExecContext(ctx, `PRAGMA busy_timeout = 100`); err != nil {
		return false, err
	}
	var busy, logFrames, checkpointed int
	err := c.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	_, reset := c.ExecContext(context.Background(), `PRAGMA busy_timeout = 5000`)
	if err := errors.Join(err, reset); err != nil {
		return false, err
	}
	return busy == 0, nil
}
