package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/tandem-app/tandem/internal/tandem"
)

// CreateShareLink stores a new link of l.TherapistID, reached by the token
// whose hash is given, and fills in l.ID and l.CreatedAt.
func (db *DB) CreateShareLink(ctx context.Context, l *tandem.ShareLink, tokenHash []byte) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO share_links
			(therapist_id, token_hash, nonce, quiz_id, label, shares_answers, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			l.TherapistID, tokenHash, l.Nonce, l.QuizID, l.Label, l.SharesAnswers, formatTime(now), nullTime(l.ExpiresAt))
		if err != nil {
			return err
		}
		l.ID, err = res.LastInsertId()
		l.TokenHash = tokenHash
		l.CreatedAt = now.UTC().Truncate(time.Millisecond)
		return err
	})
}

// linkColumns are the columns scanLink reads, from share_links (l) joined
// with therapists (t).
const linkColumns = `l.id, l.therapist_id, l.quiz_id, l.label, l.shares_answers, l.created_at, l.expires_at,
	l.revoked_at, t.display_name, l.nonce, l.token_hash`

// linkScan reads linkColumns into a ShareLink.
type linkScan struct {
	l                *tandem.ShareLink
	created          string
	expires, revoked sql.NullString
}

func (ls *linkScan) dest() []any {
	l := ls.l
	return []any{&l.ID, &l.TherapistID, &l.QuizID, &l.Label, &l.SharesAnswers, &ls.created, &ls.expires,
		&ls.revoked, &l.TherapistName, &l.Nonce, &l.TokenHash}
}

func (ls *linkScan) finish() error {
	var err error
	ls.l.CreatedAt, err = parseTime(ls.created)
	return errors.Join(err, parseNullTime(ls.expires, &ls.l.ExpiresAt), parseNullTime(ls.revoked, &ls.l.RevokedAt))
}

// scanLink reads linkColumns, then more.
func scanLink(row interface{ Scan(...any) error }, l *tandem.ShareLink, more ...any) error {
	ls := linkScan{l: l}
	if err := row.Scan(append(ls.dest(), more...)...); err != nil {
		return err
	}
	return ls.finish()
}

// FindShareLinkByToken returns the link reached by the token whose hash is
// given, whatever its state; ENOTFOUND when there is none.
func (db *DB) FindShareLinkByToken(ctx context.Context, tokenHash []byte) (*tandem.ShareLink, error) {
	var l tandem.ShareLink
	err := scanLink(db.read.QueryRowContext(ctx, `SELECT `+linkColumns+`
		FROM share_links l JOIN therapists t ON t.id = l.therapist_id WHERE l.token_hash = ?`, tokenHash), &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such link")
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// FindShareLink returns one of a therapist's links, whatever its state;
// ENOTFOUND for a link that is not theirs.
func (db *DB) FindShareLink(ctx context.Context, therapistID, linkID int64) (*tandem.ShareLink, error) {
	var l tandem.ShareLink
	err := scanLink(db.read.QueryRowContext(ctx, `SELECT `+linkColumns+`
		FROM share_links l JOIN therapists t ON t.id = l.therapist_id WHERE l.id = ? AND l.therapist_id = ?`,
		linkID, therapistID), &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such link")
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// ListShareLinks returns a therapist's links, newest first, each with how
// many clients agreed to share through it and when one last did.
func (db *DB) ListShareLinks(ctx context.Context, therapistID int64) ([]*tandem.ShareLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+linkColumns+`,
			(SELECT count(*) FROM shares s WHERE s.link_id = l.id),
			(SELECT max(s.consented_at) FROM shares s WHERE s.link_id = l.id)
		FROM share_links l JOIN therapists t ON t.id = l.therapist_id
		WHERE l.therapist_id = ? ORDER BY l.created_at DESC, l.id DESC`, therapistID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var links []*tandem.ShareLink
	for rows.Next() {
		var l tandem.ShareLink
		var last sql.NullString
		if err := scanLink(rows, &l, &l.Clients, &last); err != nil {
			return nil, err
		}
		if err := parseNullTime(last, &l.LastUsedAt); err != nil {
			return nil, err
		}
		links = append(links, &l)
	}
	return links, rows.Err()
}

// RevokeShareLink ends one of a therapist's links: it can no longer be
// used to start sharing. Consents already given stay. It returns
// ENOTFOUND for a link that is not theirs.
func (db *DB) RevokeShareLink(ctx context.Context, therapistID, linkID int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE share_links SET revoked_at = coalesce(revoked_at, ?)
			WHERE id = ? AND therapist_id = ?`, db.now(), linkID, therapistID)
		if err != nil {
			return err
		}
		return mustAffect(res, "no such link")
	})
}

// ConsentToShare records a person's consent, under the consent text of
// the given version, to share through the link: the person is found or
// created as CompleteAttempt does. A consent already in force is left as
// it was; one that was stopped starts again from now. It returns
// ECONFLICT when the link is no longer active (revoked, expired, or its
// therapist gone).
func (db *DB) ConsentToShare(ctx context.Context, linkID int64, owner tandem.Owner, wording string) (tandem.Consent, error) {
	var c tandem.Consent
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
			FROM share_links WHERE id = ?`, db.now(), linkID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
			return tandem.Errorf(tandem.ECONFLICT, "this link can no longer be used")
		}
		if err != nil {
			return err
		}
		if c.PersonID, c.NewPerson, err = db.resolveOwner(ctx, tx, owner); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO shares (link_id, person_id, consented_at, wording)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (link_id, person_id) DO UPDATE
				SET consented_at = excluded.consented_at, wording = excluded.wording, stopped_at = NULL
				WHERE stopped_at IS NOT NULL`, linkID, c.PersonID, now, wording)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM shares WHERE link_id = ? AND person_id = ?`,
			linkID, c.PersonID).Scan(&c.ShareID); err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // a consent already in force: nothing happened
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO share_events (share_id, at, event, wording) VALUES (?, ?, 'consented', ?)`,
			c.ShareID, now, wording)
		return err
	})
	return c, err
}

// StopSharing ends one of a person's consents: from then on the therapist
// sees only that the client stopped sharing. It returns ENOTFOUND for a
// share that is not theirs.
func (db *DB) StopSharing(ctx context.Context, personID, shareID int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var stopped sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT stopped_at FROM shares WHERE id = ? AND person_id = ?`,
			shareID, personID).Scan(&stopped)
		if errors.Is(err, sql.ErrNoRows) {
			return tandem.Errorf(tandem.ENOTFOUND, "no such share")
		}
		if err != nil || stopped.Valid {
			return err // already stopped: the first stop stands
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE shares SET stopped_at = ? WHERE id = ?`, now, shareID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO share_events (share_id, at, event) VALUES (?, ?, 'stopped')`, shareID, now)
		return err
	})
}

// shareColumns are the columns scanShare reads: shares (s) joined with
// share_links (l) and therapists (t); the count of shared attempts and
// the latest activity follow, then the newest shared attempt (a, left
// joined).
const shareColumns = `s.id, s.person_id, s.consented_at, s.wording, s.stopped_at, ` + linkColumns + `,
	(SELECT count(*) FROM attempts x WHERE ` + sharedAttempt + `),
	max(s.consented_at, coalesce((SELECT max(x.completed_at) FROM attempts x WHERE ` + sharedAttempt + `), ''))
		AS last_activity, ` + clientNumber + `,
	a.quiz_id, a.quiz_hash, a.result_id`

// shareFrom joins a share with its link, therapist and newest shared
// attempt.
const shareFrom = ` FROM shares s
	JOIN share_links l ON l.id = s.link_id
	JOIN therapists t ON t.id = l.therapist_id
	LEFT JOIN attempts a ON a.id = (SELECT x.id FROM attempts x WHERE ` + sharedAttempt + `
		ORDER BY x.completed_at DESC, x.id DESC LIMIT 1) `

// sharedAttempt is the condition for an attempt x to be shared through
// the share s of link l: started for that share, completed by its person,
// finished since the consent in force, while it is in force. It is the
// one place that decides what a therapist may see.
const sharedAttempt = `x.share_id = s.id AND x.person_id = s.person_id AND s.stopped_at IS NULL
	AND x.quiz_id = l.quiz_id AND x.status = 'completed' AND x.completed_at >= s.consented_at`

func scanShare(row interface{ Scan(...any) error }) (*tandem.Share, error) {
	var s tandem.Share
	var person sql.NullInt64
	var consented, last string
	var stopped, quizID, quizHash, resultID sql.NullString
	ls := linkScan{l: &s.Link}
	dest := append([]any{&s.ID, &person, &consented, &s.Wording, &stopped}, ls.dest()...)
	dest = append(dest, &s.Attempts, &last, &s.Number, &s.Of, &quizID, &quizHash, &resultID)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	s.PersonID = person.Int64
	var err error
	s.ConsentedAt, err = parseTime(consented)
	if err != nil {
		return nil, err
	}
	if s.LastActivity, err = parseTime(last); err != nil {
		return nil, err
	}
	if resultID.Valid {
		s.Latest = &tandem.LatestResult{QuizID: quizID.String, QuizHash: quizHash.String, ResultID: resultID.String}
	}
	return &s, errors.Join(ls.finish(), parseNullTime(stopped, &s.StoppedAt))
}

// ListClients returns the clients of a therapist: every share through
// their links, stopped ones included, most recently active first.
func (db *DB) ListClients(ctx context.Context, therapistID int64) ([]*tandem.Share, error) {
	return db.listShares(ctx, `l.therapist_id = ?`, therapistID)
}

// ListPersonShares returns what a person shares, and what they stopped
// sharing, most recently active first.
func (db *DB) ListPersonShares(ctx context.Context, personID int64) ([]*tandem.Share, error) {
	return db.listShares(ctx, `s.person_id = ?`, personID)
}

func (db *DB) listShares(ctx context.Context, where string, arg any) ([]*tandem.Share, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+shareColumns+shareFrom+`WHERE `+where+`
		ORDER BY last_activity DESC, s.id DESC`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*tandem.Share
	for rows.Next() {
		s, err := scanShare(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindPersonShare returns one of a person's shares, in force or stopped;
// ENOTFOUND for a share that is not theirs.
func (db *DB) FindPersonShare(ctx context.Context, personID, shareID int64) (*tandem.Share, error) {
	return db.findShare(ctx, `s.id = ? AND s.person_id = ?`, shareID, personID)
}

// FindClient returns one of a therapist's clients; ENOTFOUND for a share
// through someone else's link.
func (db *DB) FindClient(ctx context.Context, therapistID, shareID int64) (*tandem.Share, error) {
	return db.findShare(ctx, `s.id = ? AND l.therapist_id = ?`, shareID, therapistID)
}

func (db *DB) findShare(ctx context.Context, where string, args ...any) (*tandem.Share, error) {
	s, err := scanShare(db.read.QueryRowContext(ctx, `SELECT `+shareColumns+shareFrom+`WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such share")
	}
	return s, err
}

// ListSharedAttempts returns the attempts a share lets its therapist see,
// newest first, with answers and outcomes; none once sharing stopped.
func (db *DB) ListSharedAttempts(ctx context.Context, shareID int64) ([]*tandem.Attempt, error) {
	return db.listAttempts(ctx, `a.id IN (`+sharedAttemptIDs+`)
		ORDER BY a.completed_at DESC, a.id DESC`, shareID)
}

// FindSharedAttempt returns one of the attempts a share lets its
// therapist see, with its answers and outcome; ENOTFOUND for any other
// attempt, and for every attempt once sharing stopped.
func (db *DB) FindSharedAttempt(ctx context.Context, shareID, attemptID int64) (*tandem.Attempt, error) {
	return db.findAttempt(ctx, `a.id IN (`+sharedAttemptIDs+`) AND a.id = ?`, shareID, attemptID)
}

// sharedAttemptIDs selects the ids of the attempts shared through the
// share with the id given as its one argument.
const sharedAttemptIDs = `SELECT x.id FROM shares s JOIN share_links l ON l.id = s.link_id
	JOIN attempts x ON ` + sharedAttempt + ` WHERE s.id = ?`

// RecordAccess adds to the access log that the shares' therapist looked
// at what (one of the tandem.Access* kinds). A share whose person has
// deleted everything, or that is gone, has nothing to look at and is
// skipped.
func (db *DB) RecordAccess(ctx context.Context, what string, shareIDs ...int64) error {
	if len(shareIDs) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		for _, id := range shareIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO access_log (share_id, person_id, therapist_name, viewed_at, what)
				SELECT s.id, s.person_id, t.display_name, ?, ? FROM shares s
				JOIN share_links l ON l.id = s.link_id JOIN therapists t ON t.id = l.therapist_id
				WHERE s.id = ? AND s.person_id IS NOT NULL`, now, what, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// listAccess returns the newest entries, at most limit, of the access log
// matching the condition, on the log (g) joined (join: JOIN or LEFT JOIN)
// with its share (s) and link (l). A deleted therapist's looks have
// neither, so only the person's list needs the left join; the others go
// through the shares' indexes.
func (db *DB) listAccess(ctx context.Context, join, where string, arg any, limit int) ([]tandem.Access, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT coalesce(g.share_id, 0), g.viewed_at, g.what, g.therapist_name,
			coalesce(l.label, ''), `+clientNumber+`
		FROM access_log g `+join+` shares s ON s.id = g.share_id `+join+` share_links l ON l.id = s.link_id
		WHERE `+where+` ORDER BY g.viewed_at DESC, g.id DESC LIMIT ?`, arg, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tandem.Access
	for rows.Next() {
		var a tandem.Access
		var at string
		if err := rows.Scan(&a.ShareID, &at, &a.What, &a.TherapistName, &a.Label, &a.Number, &a.Of); err != nil {
			return nil, err
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ListShareAccess returns the newest looks, at most limit, at one share.
func (db *DB) ListShareAccess(ctx context.Context, shareID int64, limit int) ([]tandem.Access, error) {
	return db.listAccess(ctx, "JOIN", `g.share_id = ?`, shareID, limit)
}

// ListTherapistAccess returns a therapist's newest looks, at most limit,
// at any of their clients.
func (db *DB) ListTherapistAccess(ctx context.Context, therapistID int64, limit int) ([]tandem.Access, error) {
	return db.listAccess(ctx, "JOIN", `l.therapist_id = ?`, therapistID, limit)
}

// ListPersonAccess returns the newest looks, at most limit, by any
// therapist at a person's shared results, also by therapists whose
// account is gone.
func (db *DB) ListPersonAccess(ctx context.Context, personID int64, limit int) ([]tandem.Access, error) {
	return db.listAccess(ctx, "LEFT JOIN", `g.person_id = ?`, personID, limit)
}

// clientNumber is a share's number among its link's shares, in the order
// they were given, and how many the link has: with a label, what names a
// client to their therapist. A share gives 0, 0 when it is gone.
const clientNumber = `coalesce((SELECT count(*) FROM shares s2 WHERE s2.link_id = s.link_id AND s2.id <= s.id), 0),
	coalesce((SELECT count(*) FROM shares s2 WHERE s2.link_id = s.link_id), 0)`

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return tandem.Errorf(tandem.ENOTFOUND, "%s", what)
	}
	return nil
}

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseNullTime(s sql.NullString, t *time.Time) error {
	if !s.Valid {
		*t = time.Time{}
		return nil
	}
	var err error
	*t, err = parseTime(s.String)
	return err
}
