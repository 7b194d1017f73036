package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/tandem-app/tandem/internal/tandem"
)

// CreateTherapist creates an account. It returns ECONFLICT when the email
// address (compared without regard to case) already has one.
func (db *DB) CreateTherapist(ctx context.Context, email, displayName, passwordHash string) (*tandem.Therapist, error) {
	t := &tandem.Therapist{Email: email, DisplayName: displayName, PasswordHash: passwordHash, SessionEpoch: 1}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO therapists (email, display_name, password_hash, created_at)
			VALUES (?, ?, ?, ?)`, email, displayName, passwordHash, formatTime(now))
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
			return tandem.Errorf(tandem.ECONFLICT, "an account with this email address exists")
		}
		if err != nil {
			return err
		}
		t.ID, err = res.LastInsertId()
		t.CreatedAt = now.UTC().Truncate(time.Millisecond)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// FindTherapist returns the account with the id; ENOTFOUND when there is
// none (it was deleted).
func (db *DB) FindTherapist(ctx context.Context, id int64) (*tandem.Therapist, error) {
	return db.findTherapist(ctx, `id = ?`, id)
}

// FindTherapistByEmail returns the account with the email address,
// compared without regard to case; ENOTFOUND when there is none.
func (db *DB) FindTherapistByEmail(ctx context.Context, email string) (*tandem.Therapist, error) {
	return db.findTherapist(ctx, `email = ?`, email)
}

func (db *DB) findTherapist(ctx context.Context, where string, arg any) (*tandem.Therapist, error) {
	var t tandem.Therapist
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT id, email, display_name, password_hash, session_epoch, created_at
		FROM therapists WHERE `+where, arg).
		Scan(&t.ID, &t.Email, &t.DisplayName, &t.PasswordHash, &t.SessionEpoch, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such account")
	}
	if err != nil {
		return nil, err
	}
	t.CreatedAt, err = parseTime(created)
	return &t, err
}

// SetTherapistPassword replaces the password hash and moves the session
// epoch on, which ends every session started before. It returns the new
// epoch, for the session that made the change. The old hash is scrubbed
// from the files, like deleted data (see inDeleteTx).
func (db *DB) SetTherapistPassword(ctx context.Context, id int64, passwordHash string) (int64, error) {
	var epoch int64
	err := db.inDeleteTx(ctx, func(tx *sql.Tx) (bool, error) {
		err := tx.QueryRowContext(ctx, `UPDATE therapists SET password_hash = ?, session_epoch = session_epoch + 1
			WHERE id = ? RETURNING session_epoch`, passwordHash, id).Scan(&epoch)
		if errors.Is(err, sql.ErrNoRows) {
			return false, tandem.Errorf(tandem.ENOTFOUND, "no such account")
		}
		return err == nil, err
	})
	return epoch, err
}

// DeleteTherapist deletes an account with its links, the consents given
// through them and their access log. Clients' own results stay theirs.
func (db *DB) DeleteTherapist(ctx context.Context, id int64) error {
	return db.deleteOne(ctx, `DELETE FROM therapists WHERE id = ?`, []any{id}, nil)
}

// Sessions is the store of login sessions for scs. Tokens are kept as
// their SHA-256, like every other secret here, so a copy of the database
// opens no session.
type Sessions struct{ db *DB }

// Sessions returns the session store.
func (db *DB) Sessions() *Sessions { return &Sessions{db: db} }

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// FindCtx returns a session's data, found false when it is unknown or has
// expired.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.read.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`,
		sessionKey(token), s.db.now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// CommitCtx saves a session's data until expiry.
func (s *Sessions) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			sessionKey(token), data, formatTime(expiry))
		return err
	})
}

// DeleteCtx ends a session; an unknown token is not an error.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, sessionKey(token))
		return err
	})
}

// Find, Commit and Delete are the context-free forms scs also asks for;
// it calls the Ctx forms.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *Sessions) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

func (s *Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes sessions past their expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, db.now())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
