package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
)

// RecordQuizzes stores the exact text of each quiz file under its hash,
// once, and returns every file ever stored: those past attempts were
// scored with, and these. The server builds its quiz.Catalogue from them.
func (db *DB) RecordQuizzes(ctx context.Context, qs ...*quiz.Quiz) ([]quiz.Source, error) {
	var sources []quiz.Source
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range qs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_sources (hash, quiz_id, version, source, created_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`, q.Hash, q.ID, q.Version, q.Source, db.now()); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT hash, quiz_id, source FROM quiz_sources ORDER BY created_at, hash`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var src quiz.Source
			if err := rows.Scan(&src.Hash, &src.QuizID, &src.Data); err != nil {
				return err
			}
			sources = append(sources, src)
		}
		return rows.Err()
	})
	return sources, err
}

// CreateAttempt starts an attempt at q, reachable by the token whose hash
// is given. The quiz's source must have been saved with SaveQuizSource.
func (db *DB) CreateAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte) (*tandem.Attempt, error) {
	return db.createAttempt(ctx, q, tokenHash, sql.NullInt64{})
}

// CreateSharedAttempt starts an attempt as CreateAttempt does, for the
// share with the id given: once completed by the share's person, while
// the share is in force, its therapist sees it.
func (db *DB) CreateSharedAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte, shareID int64) (*tandem.Attempt, error) {
	return db.createAttempt(ctx, q, tokenHash, sql.NullInt64{Int64: shareID, Valid: true})
}

func (db *DB) createAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte, shareID sql.NullInt64) (*tandem.Attempt, error) {
	now := db.Now().UTC().Truncate(time.Millisecond)
	a := &tandem.Attempt{
		QuizID: q.ID, QuizVersion: q.Version, QuizHash: q.Hash,
		Status: tandem.StatusInProgress, CreatedAt: now, UpdatedAt: now,
		Answers: scoring.Answers{},
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO attempts
			(token_hash, quiz_id, quiz_version, quiz_hash, status, created_at, updated_at, share_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			tokenHash, q.ID, q.Version, q.Hash, a.Status, formatTime(now), formatTime(now), shareID)
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FindAttemptByToken returns the attempt reachable by the token whose hash
// is given, with its answers and, once completed, its outcome. It returns
// ENOTFOUND when there is none.
func (db *DB) FindAttemptByToken(ctx context.Context, tokenHash []byte) (*tandem.Attempt, error) {
	return db.findAttempt(ctx, `a.token_hash = ?`, tokenHash)
}

// FindResultByToken returns the completed attempt whose result is reached
// by the token whose hash is given: its result token, or, for attempts
// completed before results had tokens of their own, the attempt's. It
// returns ENOTFOUND when there is none.
func (db *DB) FindResultByToken(ctx context.Context, tokenHash []byte) (*tandem.Attempt, error) {
	return db.findAttempt(ctx, resultByToken, tokenHash, tokenHash)
}

// resultByToken selects the completed attempt of a result token, given
// twice.
const resultByToken = `a.status = 'completed' AND (a.result_token_hash = ?
	OR (a.result_token_hash IS NULL AND a.token_hash = ?))`

// attemptSelect reads an attempt (a) with everything that belongs to it in
// one statement, which sees one snapshot of the database: the therapist it
// is shared with, and its answers and scale scores, each folded into one
// text column (ids are slugs, so neither separator can occur in them; a
// REAL cast to text reads back to the same float). It is what scanAttempt
// reads.
const attemptSelect = `SELECT a.id, a.quiz_id, a.quiz_version, a.quiz_hash, a.status, a.person_id,
	a.created_at, a.updated_at, a.completed_at, a.result_id, a.position, a.result_token_hash,
	(SELECT t.display_name FROM shares s JOIN share_links l ON l.id = s.link_id
		JOIN therapists t ON t.id = l.therapist_id
		WHERE s.id = a.share_id AND s.stopped_at IS NULL AND s.person_id IS NOT NULL),
	(SELECT group_concat(n.item_id || '=' || n.value, ',') FROM answers n WHERE n.attempt_id = a.id),
	(SELECT group_concat(c.scale_id || '=' || coalesce(CAST(c.score AS TEXT), '') || '=' || c.answered || '=' || c.items,
		',' ORDER BY c.ord) FROM scale_scores c WHERE c.attempt_id = a.id)
	FROM attempts a `

// findAttempt reads the one attempt the condition on a selects;
// ENOTFOUND when there is none.
func (db *DB) findAttempt(ctx context.Context, where string, args ...any) (*tandem.Attempt, error) {
	a, err := scanAttempt(db.read.QueryRowContext(ctx, attemptSelect+`WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "no such attempt")
	}
	return a, err
}

// listAttempts reads the attempts the condition on a selects, in the
// order given, in one statement.
func (db *DB) listAttempts(ctx context.Context, whereOrder string, args ...any) ([]*tandem.Attempt, error) {
	rows, err := db.read.QueryContext(ctx, attemptSelect+`WHERE `+whereOrder, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var attempts []*tandem.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		attempts = append(attempts, a)
	}
	return attempts, rows.Err()
}

// scanAttempt reads one row of attemptSelect.
func scanAttempt(row interface{ Scan(...any) error }) (*tandem.Attempt, error) {
	var (
		a                         tandem.Attempt
		created, updated          string
		completed, result         sql.NullString
		position                  sql.NullFloat64
		person                    sql.NullInt64
		sharedWith, answers, outs sql.NullString
	)
	if err := row.Scan(&a.ID, &a.QuizID, &a.QuizVersion, &a.QuizHash, &a.Status, &person,
		&created, &updated, &completed, &result, &position, &a.ResultTokenHash, &sharedWith, &answers, &outs); err != nil {
		return nil, err
	}
	a.PersonID = person.Int64
	a.SharedWith = sharedWith.String
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if a.Answers, err = parseAnswers(answers.String); err != nil {
		return nil, err
	}
	if a.Status != tandem.StatusCompleted {
		return &a, nil
	}
	if a.CompletedAt, err = parseTime(completed.String); err != nil {
		return nil, err
	}
	out := &scoring.Outcome{Result: result.String}
	if position.Valid {
		out.Position = &position.Float64
	}
	if out.Scales, err = parseScaleScores(outs.String); err != nil {
		return nil, err
	}
	a.Outcome = out
	return &a, nil
}

// parseAnswers reads answers folded as "item=value,item=value".
func parseAnswers(s string) (scoring.Answers, error) {
	answers := make(scoring.Answers, strings.Count(s, ",")+1)
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, ",")
		id, v, ok := strings.Cut(pair, "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			return nil, fmt.Errorf("stored answer %q: %w", pair, errors.Join(err, errFolded))
		}
		answers[id] = n
	}
	return answers, nil
}

// parseScaleScores reads scale scores folded as
// "scale=score=answered=items,...", with an empty score for none.
func parseScaleScores(s string) ([]scoring.ScaleScore, error) {
	scores := make([]scoring.ScaleScore, 0, strings.Count(s, ",")+1)
	for s != "" {
		var entry string
		entry, s, _ = strings.Cut(s, ",")
		var sc scoring.ScaleScore
		var score, answered, items string
		var ok1, ok2, ok3 bool
		sc.Scale, entry, ok1 = strings.Cut(entry, "=")
		score, entry, ok2 = strings.Cut(entry, "=")
		answered, items, ok3 = strings.Cut(entry, "=")
		var err1, err2, err3 error
		if score != "" {
			var f float64
			f, err1 = strconv.ParseFloat(score, 64)
			sc.Score = &f
		}
		sc.Answered, err2 = strconv.Atoi(answered)
		sc.Items, err3 = strconv.Atoi(items)
		if !ok1 || !ok2 || !ok3 {
			err1 = errFolded
		}
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("stored scale score of %q: %w", sc.Scale, err)
		}
		scores = append(scores, sc)
	}
	return scores, nil
}

var errFolded = errors.New("not in the folded form")

// findAnswers reads an attempt's answers inside a write transaction.
func findAnswers(ctx context.Context, tx *sql.Tx, attemptID int64) (scoring.Answers, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item_id, value FROM answers WHERE attempt_id = ?`, attemptID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	answers := scoring.Answers{}
	for rows.Next() {
		var id string
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		answers[id] = v
	}
	return answers, rows.Err()
}

// errCompleted says an attempt can no longer change.
var errCompleted = tandem.Errorf(tandem.ECONFLICT, "the attempt is already completed")

// SaveAnswers records the answers given on one page of an in-progress
// attempt: pageItems are the page's item ids, and answers holds those
// that were answered. Stored answers to the page's items that are not in
// answers are removed, so the page is stored exactly as it was sent. It
// returns ECONFLICT when the attempt is already completed.
func (db *DB) SaveAnswers(ctx context.Context, attemptID int64, pageItems []string, answers scoring.Answers) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkInProgress(ctx, tx, attemptID); err != nil {
			return err
		}
		return db.saveAnswers(ctx, tx, attemptID, pageItems, answers)
	})
}

func checkInProgress(ctx context.Context, tx *sql.Tx, attemptID int64) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM attempts WHERE id = ?`, attemptID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.Errorf(tandem.ENOTFOUND, "no such attempt")
	}
	if err != nil {
		return err
	}
	if status != tandem.StatusInProgress {
		return errCompleted
	}
	return nil
}

func (db *DB) saveAnswers(ctx context.Context, tx *sql.Tx, attemptID int64, pageItems []string, answers scoring.Answers) error {
	for _, id := range pageItems {
		v, ok := answers[id]
		var err error
		if ok {
			_, err = tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, item_id, value) VALUES (?, ?, ?)
				ON CONFLICT (attempt_id, item_id) DO UPDATE SET value = excluded.value`, attemptID, id, v)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM answers WHERE attempt_id = ? AND item_id = ?`, attemptID, id)
		}
		if err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE attempts SET updated_at = ? WHERE id = ?`, db.now(), attemptID)
	return err
}

// CompleteAttempt saves the last page's answers like SaveAnswers and, in
// the same transaction, either completes the attempt or says what is
// missing. When every required item of q (the quiz the attempt is taken
// on) is answered, it scores the answers, stores the outcome, gives the
// result the token whose hash is resultTokenHash and puts the attempt in
// its owner's history: the Completion is Done. When some are
// not, the page is saved all the same, and the Completion lists them in
// Missing, with every answer given so far. When the attempt was already
// completed (a form sent twice) it changes nothing and returns a
// Completion that is neither Done nor Missing anything. Answers that do
// not fit q at all (a quiz file changed in place) are ECONFLICT, and
// nothing is saved.
func (db *DB) CompleteAttempt(ctx context.Context, attemptID int64, q *quiz.Quiz, pageItems []string,
	answers scoring.Answers, owner tandem.Owner, resultTokenHash []byte) (tandem.Completion, error) {
	var c tandem.Completion
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkInProgress(ctx, tx, attemptID); err != nil {
			return err
		}
		if err := db.saveAnswers(ctx, tx, attemptID, pageItems, answers); err != nil {
			return err
		}
		all, err := findAnswers(ctx, tx, attemptID)
		if err != nil {
			return err
		}
		if c.Missing = scoring.Missing(q.Items(), all); len(c.Missing) > 0 {
			c.Answers = all
			return nil // the page is saved; the attempt stays open
		}
		out, err := scoring.Score(q, all)
		if err != nil {
			return &tandem.Error{Code: tandem.ECONFLICT, Detail: err.Error()}
		}
		for i, s := range out.Scales {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scale_scores (attempt_id, ord, scale_id, score, answered, items)
				VALUES (?, ?, ?, ?, ?, ?)`, attemptID, i, s.Scale, nullFloat(s.Score), s.Answered, s.Items); err != nil {
				return err
			}
		}
		// An attempt taken for a share belongs to the person who agreed,
		// whichever personal page the browser remembers now.
		err = tx.QueryRowContext(ctx, `SELECT s.person_id FROM attempts a JOIN shares s ON s.id = a.share_id
			WHERE a.id = ? AND s.person_id IS NOT NULL`, attemptID).Scan(&c.PersonID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if c.PersonID, c.NewPerson, err = db.resolveOwner(ctx, tx, owner); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		now := db.now()
		_, err = tx.ExecContext(ctx, `UPDATE attempts SET status = ?, completed_at = ?, updated_at = ?,
			result_id = ?, position = ?, person_id = ?, result_token_hash = ? WHERE id = ?`,
			tandem.StatusCompleted, now, now, out.Result, nullFloat(out.Position), nullID(c.PersonID), resultTokenHash, attemptID)
		c.Done = err == nil
		return err
	})
	if errors.Is(err, errCompleted) {
		return tandem.Completion{}, nil
	}
	if err != nil {
		return tandem.Completion{}, err
	}
	return c, nil
}

// resolveOwner returns the person an attempt joins: the one with
// owner.TokenHash when they still exist (they may have deleted everything
// in another tab), otherwise a new person with owner.NewTokenHash, or no
// one (0) without it.
func (db *DB) resolveOwner(ctx context.Context, tx *sql.Tx, owner tandem.Owner) (int64, bool, error) {
	if len(owner.TokenHash) > 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE token_hash = ?`, owner.TokenHash).Scan(&id)
		if err == nil {
			return id, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	if len(owner.NewTokenHash) == 0 {
		return 0, false, nil // no one's
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO people (token_hash, created_at) VALUES (?, ?)`, owner.NewTokenHash, db.now())
	if err != nil {
		return 0, false, err
	}
	id, err := res.LastInsertId()
	return id, true, err
}

// nullID is a row id for a column where 0 means none.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullFloat(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

// DeleteStaleAttempts deletes unfinished attempts last changed before
// cutoff, with their answers: people who walked away are not kept. They
// are scrubbed from the files too (see inDeleteTx).
func (db *DB) DeleteStaleAttempts(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := db.inDeleteTx(ctx, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE status = ? AND updated_at < ?`,
			tandem.StatusInProgress, formatTime(cutoff))
		if err != nil {
			return false, err
		}
		n, err = res.RowsAffected()
		return n > 0, err
	})
	return n, err
}
