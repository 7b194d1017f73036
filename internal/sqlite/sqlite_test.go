package sqlite_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/migrations"
)

var clock = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// mustOpen opens a database in a fresh temp folder with a fixed clock.
func mustOpen(tb testing.TB) (*sqlite.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "nested", "tandem.db")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(tb, err)
	db.Now = func() time.Time { return clock }
	tb.Cleanup(func() { assert.NoError(tb, db.Close()) })
	return db, path
}

// rawDB opens the same file directly, to look at rows as they are stored.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	require.NoError(tb, err)
	tb.Cleanup(func() { db.Close() })
	return db
}

func count(tb testing.TB, db *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	require.NoError(tb, db.QueryRow(query, args...).Scan(&n))
	return n
}

const tinyQuiz = `id: tiny
version: 2
title: Tiny
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: one, name: One}
  - {id: two, name: Two}
sections:
  - id: s1
    title: S1
    items:
      - {id: i1, text: First, keys: {one: 1}}
      - {id: i2, text: Second, keys: {two: -1}}
  - id: s2
    title: S2
    items:
      - {id: i3, text: Third, keys: {one: 1}, optional: true}
results:
  - {id: high, title: High, summary: High one, when: {one: {min: 50}}}
  - {id: low, title: Low, summary: Low one}
spectrum: {left: one, right: two}
`

func mustQuiz(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	q, err := quiz.Parse("tiny.yaml", []byte(tinyQuiz))
	require.NoError(tb, err)
	return q
}

func TestOpen(t *testing.T) {
	t.Run("CreatesFoldersAndMigratesOnce", func(t *testing.T) {
		db, path := mustOpen(t)
		_, err := os.Stat(path)
		require.NoError(t, err)
		raw := rawDB(t, path)
		files, err := fs.Glob(migrations.FS, "*.sql")
		require.NoError(t, err)
		require.NotEmpty(t, files)
		assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM schema_migrations WHERE name = '0001_init.sql'`))
		assert.Equal(t, len(files), count(t, raw, `SELECT count(*) FROM schema_migrations`))
		require.NoError(t, db.Close())

		// Opening again applies nothing twice and keeps the data.
		again, err := sqlite.Open(context.Background(), path)
		require.NoError(t, err)
		defer again.Close()
		assert.Equal(t, len(files), count(t, raw, `SELECT count(*) FROM schema_migrations`))
	})

	t.Run("PragmasOnEveryConnection", func(t *testing.T) {
		_, path := mustOpen(t)
		raw := rawDB(t, path)
		var mode string
		require.NoError(t, raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
		assert.Equal(t, "wal", mode)
	})

	t.Run("ErrNotADatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "junk.db")
		require.NoError(t, os.WriteFile(path, []byte("this is not a database, just some text that is long enough"), 0o600))
		_, err := sqlite.Open(context.Background(), path)
		require.Error(t, err)
	})
}

func TestQuizSources(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	q := mustQuiz(t)

	t.Run("NoneYet", func(t *testing.T) {
		sources, err := db.RecordQuizzes(ctx)
		require.NoError(t, err)
		assert.Empty(t, sources)
	})
	t.Run("OKAndIdempotent", func(t *testing.T) {
		mustRecord(t, db, q)
		sources, err := db.RecordQuizzes(ctx, q)
		require.NoError(t, err)
		require.Len(t, sources, 1)
		assert.Equal(t, quiz.Source{Hash: q.Hash, QuizID: q.ID, Data: []byte(tinyQuiz)}, sources[0])
	})
}

// mustRecord records the quizzes' files, as the server does at start.
func mustRecord(tb testing.TB, db *sqlite.DB, qs ...*quiz.Quiz) {
	tb.Helper()
	_, err := db.RecordQuizzes(context.Background(), qs...)
	require.NoError(tb, err)
}

func TestAttempt_Lifecycle(t *testing.T) {
	db, path := mustOpen(t)
	raw := rawDB(t, path)
	ctx := context.Background()
	q := mustQuiz(t)
	mustRecord(t, db, q)
	token := tandem.NewToken()

	a, err := db.CreateAttempt(ctx, q, tandem.HashToken(token))
	require.NoError(t, err)
	assert.Equal(t, tandem.StatusInProgress, a.Status)
	assert.Equal(t, clock, a.CreatedAt)

	t.Run("OnlyTheHashIsStored", func(t *testing.T) {
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM attempts WHERE token_hash = ?`, token))
		assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM attempts WHERE token_hash = ?`, tandem.HashToken(token)))
	})

	t.Run("FindByToken", func(t *testing.T) {
		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, a.ID, got.ID)
		assert.Equal(t, "tiny", got.QuizID)
		assert.Equal(t, 2, got.QuizVersion)
		assert.Equal(t, q.Hash, got.QuizHash)
		assert.Empty(t, got.Answers)
		assert.Nil(t, got.Outcome)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindAttemptByToken(ctx, tandem.HashToken(tandem.NewToken()))
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
	})

	t.Run("SaveAnswersReplacesThePage", func(t *testing.T) {
		require.NoError(t, db.SaveAnswers(ctx, a.ID, []string{"i1", "i2"}, scoring.Answers{"i1": 4, "i2": 2}))
		require.NoError(t, db.SaveAnswers(ctx, a.ID, []string{"i1", "i2"}, scoring.Answers{"i1": 5}))
		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, scoring.Answers{"i1": 5}, got.Answers)
	})

	t.Run("CompleteRefusesAnswersThatDoNotFit", func(t *testing.T) {
		// A file edited in place under the attempt: answers it has no
		// room for are refused, and nothing is written.
		narrower := *q
		narrower.Scale.Max = 4
		c, err := db.CompleteAttempt(ctx, a.ID, &narrower, []string{"i2", "i3"}, scoring.Answers{"i2": 5, "i3": 3},
			tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
		assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err))
		assert.False(t, c.Done)
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM people`), "no person for a failed completion")
		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, scoring.Answers{"i1": 5}, got.Answers, "the last page's answers were rolled back")
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM scale_scores`))
	})

	t.Run("CompleteSavesThePageAndSaysWhatIsMissing", func(t *testing.T) {
		c, err := db.CompleteAttempt(ctx, a.ID, q, []string{"i3"}, scoring.Answers{"i3": 3}, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
		require.NoError(t, err)
		assert.False(t, c.Done)
		assert.Equal(t, []string{"i2"}, c.Missing, "i2 is required and missing")
		assert.Equal(t, scoring.Answers{"i1": 5, "i3": 3}, c.Answers)
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM people`), "no person for an unfinished attempt")
		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.False(t, got.Completed())
		assert.Equal(t, scoring.Answers{"i1": 5, "i3": 3}, got.Answers, "the last page's answers were saved")
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM scale_scores`))
	})

	t.Run("Complete", func(t *testing.T) {
		require.NoError(t, db.SaveAnswers(ctx, a.ID, []string{"i1", "i2"}, scoring.Answers{"i1": 5, "i2": 2}))
		owner := tandem.NewToken()
		c, err := db.CompleteAttempt(ctx, a.ID, q, []string{"i3"}, scoring.Answers{"i3": 2},
			tandem.Owner{NewTokenHash: tandem.HashToken(owner)}, tandem.HashToken(tandem.NewToken()))
		require.NoError(t, err)
		assert.True(t, c.Done)
		assert.True(t, c.NewPerson)
		p, err := db.FindPersonByToken(ctx, tandem.HashToken(owner))
		require.NoError(t, err)
		assert.Equal(t, c.PersonID, p.ID)

		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.True(t, got.Completed())
		assert.Equal(t, clock, got.CompletedAt)
		assert.Equal(t, scoring.Answers{"i1": 5, "i2": 2, "i3": 2}, got.Answers)
		require.NotNil(t, got.Outcome)
		// one: (4 + 1) / 8 * 100 = 62.5; two: reversed 2 -> 4, (4-1)/4*100 = 75.
		require.Len(t, got.Outcome.Scales, 2)
		assert.Equal(t, "one", got.Outcome.Scales[0].Scale)
		assert.InDelta(t, 62.5, *got.Outcome.Scales[0].Score, 1e-9)
		assert.Equal(t, 2, got.Outcome.Scales[0].Answered)
		assert.Equal(t, 2, got.Outcome.Scales[0].Items)
		assert.InDelta(t, 75.0, *got.Outcome.Scales[1].Score, 1e-9)
		assert.Equal(t, "high", got.Outcome.Result)
		// 50 + (75 - 62.5) / 2
		assert.InDelta(t, 56.25, *got.Outcome.Position, 1e-9)
	})

	t.Run("CompleteTwiceChangesNothing", func(t *testing.T) {
		c, err := db.CompleteAttempt(ctx, a.ID, q, []string{"i3"}, scoring.Answers{"i3": 5}, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
		require.NoError(t, err)
		assert.False(t, c.Done)
		assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM people`), "a repeated form makes no person")
		assert.Equal(t, 2, count(t, raw, `SELECT value FROM answers WHERE item_id = 'i3'`))
		assert.Equal(t, 2, count(t, raw, `SELECT count(*) FROM scale_scores`))
	})

	t.Run("SaveAfterCompleteIsConflict", func(t *testing.T) {
		err := db.SaveAnswers(ctx, a.ID, []string{"i1"}, scoring.Answers{"i1": 1})
		assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err))
		assert.Equal(t, 5, count(t, raw, `SELECT value FROM answers WHERE item_id = 'i1'`))
	})
}

func TestCompleteAttempt_Concurrent(t *testing.T) {
	db, path := mustOpen(t)
	ctx := context.Background()
	q := mustQuiz(t)
	mustRecord(t, db, q)
	a, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)
	require.NoError(t, db.SaveAnswers(ctx, a.ID, []string{"i1", "i2"}, scoring.Answers{"i1": 1, "i2": 1}))

	// Ten clicks on the last page at once complete the attempt once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	completed := 0
	for range 10 {
		wg.Go(func() {
			c, err := db.CompleteAttempt(ctx, a.ID, q, []string{"i3"}, scoring.Answers{"i3": 4}, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
			assert.NoError(t, err)
			if c.Done {
				mu.Lock()
				completed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, completed)
	raw := rawDB(t, path)
	assert.Equal(t, 2, count(t, raw, `SELECT count(*) FROM scale_scores WHERE attempt_id = ?`, a.ID))
}

func TestDeleteStaleAttempts(t *testing.T) {
	db, path := mustOpen(t)
	raw := rawDB(t, path)
	ctx := context.Background()
	q := mustQuiz(t)
	mustRecord(t, db, q)

	old, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)
	require.NoError(t, db.SaveAnswers(ctx, old.ID, []string{"i1"}, scoring.Answers{"i1": 3}))
	finished, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)
	require.NoError(t, db.SaveAnswers(ctx, finished.ID, []string{"i1", "i2"}, scoring.Answers{"i1": 3, "i2": 3}))
	_, err = db.CompleteAttempt(ctx, finished.ID, q, nil, nil, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)

	db.Now = func() time.Time { return clock.Add(8 * 24 * time.Hour) }
	fresh, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(t, err)

	n, err := db.DeleteStaleAttempts(ctx, db.Now().Add(-7*24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM attempts WHERE id = ?`, old.ID))
	assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM answers WHERE attempt_id = ?`, old.ID), "answers go with it")
	assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM attempts WHERE id = ?`, finished.ID), "completed attempts stay")
	assert.Equal(t, 1, count(t, raw, `SELECT count(*) FROM attempts WHERE id = ?`, fresh.ID))
}

// TestAttempt_ScoresReadBackExactly: scores and positions come back from
// the store bit for bit as the engine computed them, for answers that give
// scores with long binary expansions (weights 2, 0.5 and -1 on 0..4).
func TestAttempt_ScoresReadBackExactly(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	q, err := quiz.LoadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
	require.NoError(t, err)
	mustRecord(t, db, q)
	var items []string
	for _, it := range q.Items() {
		items = append(items, it.ID)
	}
	for round := range 40 {
		answers := scoring.Answers{}
		for i, it := range q.Items() {
			if it.Optional && (round+i)%3 == 0 {
				continue
			}
			answers[it.ID] = q.Scale.Min + (round*7+i*3)%(q.Scale.Max-q.Scale.Min+1)
		}
		want, err := scoring.Score(q, answers)
		require.NoError(t, err)
		token := tandem.HashToken(tandem.NewToken())
		a, err := db.CreateAttempt(ctx, q, token)
		require.NoError(t, err)
		c, err := db.CompleteAttempt(ctx, a.ID, q, items, answers, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
		require.NoError(t, err)
		require.True(t, c.Done)
		got, err := db.FindAttemptByToken(ctx, token)
		require.NoError(t, err)
		assert.Equal(t, answers, got.Answers, "round %d", round)
		assert.Equal(t, want, *got.Outcome, "round %d: scores, result and position exactly as computed", round)
	}
}
