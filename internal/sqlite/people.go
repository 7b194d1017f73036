package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tandem-app/tandem/internal/tandem"
)

// FindPersonByToken returns the person whose personal link has the token
// whose hash is given. It returns ENOTFOUND when there is none.
func (db *DB) FindPersonByToken(ctx context.Context, tokenHash []byte) (*tandem.Person, error) {
	var p tandem.Person
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT id, created_at FROM people WHERE token_hash = ?`, tokenHash).
		Scan(&p.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such person")
	}
	if err != nil {
		return nil, err
	}
	p.CreatedAt, err = parseTime(created)
	return &p, err
}

// ListAttempts returns a person's completed attempts, newest first, each
// with its answers and outcome, read in one statement.
func (db *DB) ListAttempts(ctx context.Context, personID int64) ([]*tandem.Attempt, error) {
	return db.listAttempts(ctx, `a.person_id = ? AND a.status = ? ORDER BY a.completed_at DESC, a.id DESC`,
		personID, tandem.StatusCompleted)
}

// FindPersonAttempt returns one of a person's completed attempts. It
// returns ENOTFOUND for any attempt that is not theirs or not completed.
func (db *DB) FindPersonAttempt(ctx context.Context, personID, attemptID int64) (*tandem.Attempt, error) {
	return db.findAttempt(ctx, `a.id = ? AND a.person_id = ? AND a.status = ?`, attemptID, personID, tandem.StatusCompleted)
}

// DeleteAttempt deletes one of a person's attempts with its answers and
// scores. It returns ENOTFOUND for an attempt that is not theirs.
func (db *DB) DeleteAttempt(ctx context.Context, personID, attemptID int64) error {
	return db.deleteOne(ctx, `DELETE FROM attempts WHERE id = ? AND person_id = ?`, []any{attemptID, personID}, nil)
}

// DeleteResultByToken deletes the completed attempt whose result is
// reached by the token whose hash is given (see FindResultByToken), with
// its answers and scores: holding a result's link is enough to delete that
// one result. It returns ENOTFOUND when there is none.
func (db *DB) DeleteResultByToken(ctx context.Context, tokenHash []byte) error {
	return db.deleteOne(ctx, `DELETE FROM attempts AS a WHERE `+resultByToken,
		[]any{tokenHash, tokenHash}, nil)
}

// KeepResult puts the result reached by the token whose hash is
// resultTokenHash, which is no one's yet, in the history of the person
// with the token hash personTokenHash. Keeping one already in that history
// changes nothing; one in another's, or no such result or person, is
// ENOTFOUND.
func (db *DB) KeepResult(ctx context.Context, resultTokenHash, personTokenHash []byte) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var person int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE token_hash = ?`, personTokenHash).Scan(&person)
		if errors.Is(err, sql.ErrNoRows) {
			return tandem.Errorf(tandem.ENOTFOUND, "no such person")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts AS a SET person_id = ?
			WHERE (a.person_id IS NULL OR a.person_id = ?) AND `+resultByToken,
			person, person, resultTokenHash, resultTokenHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, tandem.Errorf(tandem.ENOTFOUND, "no result to keep"))
		}
		return nil
	})
}

// DeletePerson deletes a person and, in the same transaction, every attempt,
// answer and score of theirs, and what the person's browser holds that
// belongs to no one, by the token hashes in held: unfinished attempts (by
// their token) and results it finished and did not keep (by the result's
// token). Their links answer 404 from then on. What they shared with
// therapists stops: the therapist sees that the client stopped sharing.
func (db *DB) DeletePerson(ctx context.Context, personID int64, held ...[]byte) error {
	return db.deleteOne(ctx, `DELETE FROM people WHERE id = ?`, []any{personID}, func(tx *sql.Tx) error {
		// The delete left the person's shares without a person; a share
		// without one is always stopped.
		now := db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO share_events (share_id, at, event)
			SELECT id, ?, 'stopped' FROM shares WHERE person_id IS NULL AND stopped_at IS NULL`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shares SET stopped_at = ?
			WHERE person_id IS NULL AND stopped_at IS NULL`, now); err != nil {
			return err
		}
		for _, h := range held {
			if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE (token_hash = ? AND status = ?)
				OR (result_token_hash = ? AND status = ? AND person_id IS NULL)`,
				h, tandem.StatusInProgress, h, tandem.StatusCompleted); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteOne runs a DELETE that must match a row (ENOTFOUND otherwise) and
// then also, in one transaction; cascades take answers and scores along.
// The deleted data is then scrubbed from the files (see inDeleteTx).
func (db *DB) deleteOne(ctx context.Context, query string, args []any, also func(*sql.Tx) error) error {
	return db.inDeleteTx(ctx, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return false, errors.Join(err, tandem.Errorf(tandem.ENOTFOUND, "nothing to delete"))
		}
		if also != nil {
			return true, also(tx)
		}
		return true, nil
	})
}
