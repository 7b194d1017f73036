package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// normsQuizText is a quiz with a required and an optional item; %d is its
// version, so that two versions of it can live in one database.
const normsQuizText = `id: norms-quiz
version: %d
title: Norms
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: one, name: One}
sections:
  - id: s1
    title: S1
    items:
      - {id: i1, text: First, keys: {one: 1}}
      - {id: i2, text: Second, keys: {one: -1}, optional: true}
results:
  - {id: any, title: Any, summary: Any}
`

// skippyQuizText has only an optional item, so an attempt can be completed
// with no answers at all.
const skippyQuizText = `id: skippy
version: 1
title: Skippy
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: one, name: One}
sections:
  - id: s1
    title: S1
    items:
      - {id: i1, text: First, keys: {one: 1}, optional: true}
results:
  - {id: any, title: Any, summary: Any}
`

// openNormsDB opens a database in a fresh temp folder.
func openNormsDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "norms.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, db.Close()) })
	return db
}

// parseNormsQuiz parses text and saves its source in db, as the server
// does before the first attempt.
func parseNormsQuiz(tb testing.TB, db *sqlite.DB, name, text string) *quiz.Quiz {
	tb.Helper()
	q, err := quiz.Parse(name, []byte(text))
	require.NoError(tb, err)
	mustRecord(tb, db, q)
	return q
}

// takeNormsQuiz creates an attempt at q with answers on one page, and
// completes it unless complete is false.
func takeNormsQuiz(tb testing.TB, db *sqlite.DB, q *quiz.Quiz, answers scoring.Answers, complete bool) {
	tb.Helper()
	ctx := context.Background()
	a, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	require.NoError(tb, err)
	var page []string
	for _, it := range q.Items() {
		page = append(page, it.ID)
	}
	if !complete {
		require.NoError(tb, db.SaveAnswers(ctx, a.ID, page, answers))
		return
	}
	c, err := db.CompleteAttempt(ctx, a.ID, q, page, answers, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
	require.NoError(tb, err)
	require.True(tb, c.Done)
}

func TestDB_CompletedAnswers(t *testing.T) {
	db := openNormsDB(t)
	ctx := context.Background()
	v2 := parseNormsQuiz(t, db, "v2.yaml", fmt.Sprintf(normsQuizText, 2))
	v3 := parseNormsQuiz(t, db, "v3.yaml", fmt.Sprintf(normsQuizText, 3))
	skippy := parseNormsQuiz(t, db, "skippy.yaml", skippyQuizText)

	takeNormsQuiz(t, db, v2, scoring.Answers{"i1": 5, "i2": 2}, true)
	takeNormsQuiz(t, db, v2, scoring.Answers{"i1": 3}, false) // unfinished
	takeNormsQuiz(t, db, v3, scoring.Answers{"i1": 4, "i2": 4}, true)
	takeNormsQuiz(t, db, v2, scoring.Answers{"i1": 1}, true) // i2 skipped
	takeNormsQuiz(t, db, skippy, scoring.Answers{}, true)

	t.Run("OK", func(t *testing.T) {
		got, err := db.CompletedAnswers(ctx, "norms-quiz", 2)
		require.NoError(t, err)
		assert.Equal(t, []scoring.Answers{{"i1": 5, "i2": 2}, {"i1": 1}}, got,
			"completed attempts of version 2 only, oldest first")
	})
	t.Run("OtherVersion", func(t *testing.T) {
		got, err := db.CompletedAnswers(ctx, "norms-quiz", 3)
		require.NoError(t, err)
		assert.Equal(t, []scoring.Answers{{"i1": 4, "i2": 4}}, got)
	})
	t.Run("AttemptWithoutAnswers", func(t *testing.T) {
		got, err := db.CompletedAnswers(ctx, "skippy", 1)
		require.NoError(t, err)
		assert.Equal(t, []scoring.Answers{{}}, got)
	})
	t.Run("NoneIsEmptyNotAnError", func(t *testing.T) {
		got, err := db.CompletedAnswers(ctx, "norms-quiz", 1)
		require.NoError(t, err)
		assert.NotNil(t, got)
		assert.Empty(t, got)
		got, err = db.CompletedAnswers(ctx, "no-such-quiz", 2)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := db.CompletedAnswers(canceled, "norms-quiz", 2)
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("FeedsDescribe", func(t *testing.T) {
		// 5, 2 -> i1 4, i2 reversed 6-2-1 = 3: 100 * 7/8 = 87.5;
		// 1 alone -> 1 of 2 items is half, rounded up: 100 * 0/4 = 0.
		// Mean 43.75; only the first attempt is complete: no alpha.
		got, err := db.CompletedAnswers(ctx, "norms-quiz", 2)
		require.NoError(t, err)
		stats := scoring.Describe(v2, got)
		require.Len(t, stats, 1)
		assert.Equal(t, 2, stats[0].N)
		assert.InDelta(t, 43.75, stats[0].Mean, 1e-9)
		assert.Equal(t, 1, stats[0].AlphaN)
		assert.False(t, stats[0].HasAlpha)
	})
}
