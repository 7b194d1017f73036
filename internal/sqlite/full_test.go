package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	sqlite3 "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
)

// The writer pool has exactly one connection, so a PRAGMA executed on
// db.write reaches the connection every write goes through. That is what
// lets these tests put the writer in the state of a full disk
// (max_page_count) or a read-only file (query_only), which the DSN-only
// rule for pragmas otherwise forbids.

// Answers to weighted-sleep: its first page, its second page, and both.
var (
	fullNights = scoring.Answers{"n1": 1, "n2": 2, "n3": 3}
	fullDays   = scoring.Answers{"d1": 4, "d3": 0}
	fullAll    = scoring.Answers{"n1": 1, "n2": 2, "n3": 3, "d1": 4, "d3": 0}
)

var (
	fullNightItems = []string{"n1", "n2", "n3", "n4"}
	fullDayItems   = []string{"d1", "d2", "d3", "d4"}
)

// openFullDB opens a new database that knows the weighted-sleep quiz.
func openFullDB(tb testing.TB) (*DB, *quiz.Quiz) {
	tb.Helper()
	ctx := context.Background()
	q, err := quiz.LoadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
	require.NoError(tb, err)
	db, err := Open(ctx, filepath.Join(tb.TempDir(), "t.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, db.Close()) })
	_, err = db.RecordQuizzes(ctx, q)
	require.NoError(tb, err)
	return db, q
}

// writerPragma sets a pragma on the writer's one connection and reads it
// back, so a test never runs on a setting that did not take.
func writerPragma(tb testing.TB, db *DB, name string, value int64) {
	tb.Helper()
	ctx := context.Background()
	_, err := db.write.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", name, value))
	require.NoError(tb, err)
	require.Equal(tb, value, writerPragmaValue(tb, db, name), "PRAGMA %s took", name)
}

func writerPragmaValue(tb testing.TB, db *DB, name string) int64 {
	tb.Helper()
	var v int64
	require.NoError(tb, db.write.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v))
	return v
}

// fullRows counts every row an attempt can write.
type fullRows struct{ attempts, completed, answers, scaleScores, people int }

func countFullRows(tb testing.TB, db *DB) fullRows {
	tb.Helper()
	var r fullRows
	err := db.read.QueryRowContext(context.Background(), `SELECT
		(SELECT count(*) FROM attempts),
		(SELECT count(*) FROM attempts WHERE status = 'completed'),
		(SELECT count(*) FROM answers),
		(SELECT count(*) FROM scale_scores),
		(SELECT count(*) FROM people)`).Scan(&r.attempts, &r.completed, &r.answers, &r.scaleScores, &r.people)
	require.NoError(tb, err)
	return r
}

// addDrafts inserts n unfinished attempts at q, each with the given
// answers, in one transaction: quick to set up, and they fill pages
// before the limit is set, not after.
func addDrafts(tb testing.TB, db *DB, q *quiz.Quiz, n int, answers scoring.Answers) []int64 {
	tb.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, n)
	require.NoError(tb, db.inTx(ctx, func(tx *sql.Tx) error {
		for range n {
			now := db.now()
			res, err := tx.ExecContext(ctx, `INSERT INTO attempts
				(token_hash, quiz_id, quiz_version, quiz_hash, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'in_progress', ?, ?)`,
				tandem.HashToken(tandem.NewToken()), q.ID, q.Version, q.Hash, now, now)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for item, v := range answers {
				if _, err := tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, item_id, value) VALUES (?, ?, ?)`,
					id, item, v); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		return nil
	}))
	return ids
}

// storedAnswers returns an attempt's answers as stored.
func storedAnswers(tb testing.TB, db *DB, id int64) (string, scoring.Answers) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(tb, err)
	defer tx.Rollback()
	var status string
	require.NoError(tb, tx.QueryRowContext(ctx, `SELECT status FROM attempts WHERE id = ?`, id).Scan(&status))
	answers, err := findAnswers(ctx, tx, id)
	require.NoError(tb, err)
	return status, answers
}

// assertUnavailable checks that err is what a write refused by storage
// gives: EUNAVAILABLE for the person, with SQLite's code underneath.
func assertUnavailable(tb testing.TB, err error, code sqlite3.ErrNo) {
	tb.Helper()
	require.Error(tb, err)
	assert.Equal(tb, tandem.EUNAVAILABLE, tandem.ErrorCode(err), "%v", err)
	var se sqlite3.Error
	if assert.True(tb, errors.As(err, &se), "a SQLite error underneath: %v", err) {
		assert.Equal(tb, code, se.Code, "%v", err)
	}
}

func newOwner() tandem.Owner {
	return tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}
}

// fillUntilFull calls op(0), op(1), ... with the database capped at its
// current size until a call fails, and returns the index of the failing
// call and its error. Every call that succeeds takes some of the free
// space left in the database's pages, so one soon needs a new page, which
// the cap refuses as a full disk would. It also checks that the failing
// call wrote nothing, and leaves the cap in place.
func fillUntilFull(t *testing.T, db *DB, n int, op func(i int) error) (int, error) {
	t.Helper()
	writerPragma(t, db, "max_page_count", writerPragmaValue(t, db, "page_count"))
	for i := range n {
		before := countFullRows(t, db)
		err := op(i)
		if err == nil {
			continue
		}
		assertUnavailable(t, err, sqlite3.ErrFull)
		assert.Equal(t, before, countFullRows(t, db), "the refused write left no rows")
		return i, err
	}
	t.Fatalf("%d writes fitted in a database capped at its size: the cap did not work", n)
	return 0, nil
}

// TestStorage_Full: with the disk full, each write is refused as
// EUNAVAILABLE, writes nothing, and works again once there is room.
func TestStorage_Full(t *testing.T) {
	ctx := context.Background()

	t.Run("CreateAttempt", func(t *testing.T) {
		db, q := openFullDB(t)
		limit := writerPragmaValue(t, db, "max_page_count")
		var tokens [][]byte
		i, _ := fillUntilFull(t, db, 2000, func(int) error {
			token := tandem.HashToken(tandem.NewToken())
			tokens = append(tokens, token)
			_, err := db.CreateAttempt(ctx, q, token)
			return err
		})
		t.Logf("full after %d attempts", i)
		failed := tokens[i]
		_, err := db.FindAttemptByToken(ctx, failed)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "the refused attempt does not exist")

		writerPragma(t, db, "max_page_count", limit)
		before := countFullRows(t, db)
		_, err = db.CreateAttempt(ctx, q, failed)
		require.NoError(t, err, "with room again, the same attempt is created")
		assert.Equal(t, before.attempts+1, countFullRows(t, db).attempts)
	})

	t.Run("SaveAnswers", func(t *testing.T) {
		db, q := openFullDB(t)
		limit := writerPragmaValue(t, db, "max_page_count")
		drafts := addDrafts(t, db, q, 500, nil)
		i, _ := fillUntilFull(t, db, len(drafts), func(i int) error {
			return db.SaveAnswers(ctx, drafts[i], fullNightItems, fullNights)
		})
		t.Logf("full after %d pages", i)
		status, answers := storedAnswers(t, db, drafts[i])
		assert.Equal(t, tandem.StatusInProgress, status)
		assert.Empty(t, answers, "no answer of the refused page was kept")

		writerPragma(t, db, "max_page_count", limit)
		require.NoError(t, db.SaveAnswers(ctx, drafts[i], fullNightItems, fullNights))
		_, answers = storedAnswers(t, db, drafts[i])
		assert.Equal(t, fullNights, answers)
	})

	t.Run("CompleteAttempt", func(t *testing.T) {
		db, q := openFullDB(t)
		limit := writerPragmaValue(t, db, "max_page_count")
		// Every answer is already stored, so completing rewrites them in
		// place and the space runs out later in the transaction: in the
		// scores, the person or the attempt row, after other writes that
		// must be rolled back with it.
		drafts := addDrafts(t, db, q, 500, fullAll)
		i, _ := fillUntilFull(t, db, len(drafts), func(i int) error {
			c, err := db.CompleteAttempt(ctx, drafts[i], q, fullDayItems, fullDays, newOwner(), tandem.HashToken(tandem.NewToken()))
			if err == nil {
				require.True(t, c.Done)
			}
			return err
		})
		t.Logf("full after %d completions", i)
		status, answers := storedAnswers(t, db, drafts[i])
		assert.Equal(t, tandem.StatusInProgress, status, "the refused attempt is not completed")
		assert.Equal(t, fullAll, answers)

		writerPragma(t, db, "max_page_count", limit)
		before := countFullRows(t, db)
		c, err := db.CompleteAttempt(ctx, drafts[i], q, fullDayItems, fullDays, newOwner(), tandem.HashToken(tandem.NewToken()))
		require.NoError(t, err)
		assert.True(t, c.Done)
		after := countFullRows(t, db)
		assert.Equal(t, before.completed+1, after.completed)
		assert.Equal(t, before.scaleScores+len(q.Scales), after.scaleScores)
		assert.Equal(t, before.people+1, after.people)
	})
}

// TestStorage_ReadOnly: with the file read-only, each write is refused as
// EUNAVAILABLE, writes nothing, and works again once it is writable.
func TestStorage_ReadOnly(t *testing.T) {
	ctx := context.Background()
	db, q := openFullDB(t)
	token := tandem.HashToken(tandem.NewToken())
	a, err := db.CreateAttempt(ctx, q, token)
	require.NoError(t, err)
	require.NoError(t, db.SaveAnswers(ctx, a.ID, fullNightItems, fullNights))
	before := countFullRows(t, db)

	writerPragma(t, db, "query_only", 1)
	_, err = db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	assertUnavailable(t, err, sqlite3.ErrReadonly)
	assertUnavailable(t, db.SaveAnswers(ctx, a.ID, fullDayItems, fullDays), sqlite3.ErrReadonly)
	c, err := db.CompleteAttempt(ctx, a.ID, q, fullDayItems, fullDays, newOwner(), tandem.HashToken(tandem.NewToken()))
	assertUnavailable(t, err, sqlite3.ErrReadonly)
	assert.False(t, c.Done)
	assert.Equal(t, before, countFullRows(t, db), "the refused writes left no rows")
	status, answers := storedAnswers(t, db, a.ID)
	assert.Equal(t, tandem.StatusInProgress, status)
	assert.Equal(t, fullNights, answers)

	writerPragma(t, db, "query_only", 0)
	_, err = db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)
	require.NoError(t, db.SaveAnswers(ctx, a.ID, fullDayItems, fullDays))
	c, err = db.CompleteAttempt(ctx, a.ID, q, fullDayItems, fullDays, newOwner(), tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)
	assert.True(t, c.Done)
	done, err := db.FindAttemptByToken(ctx, token)
	require.NoError(t, err)
	assert.True(t, done.Completed())
	assert.Equal(t, fullAll, done.Answers)
	assert.Len(t, done.Outcome.Scales, len(q.Scales))
}
