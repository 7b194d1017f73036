package sqlite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
)

// TestResultTokens: a result is reached by the token it was given at
// completion, never by the attempt's; an attempt completed before results
// had tokens stays reachable by its own.
func TestResultTokens(t *testing.T) {
	db, path := mustOpen(t)
	raw := rawDB(t, path)
	ctx := context.Background()
	q := mustQuiz(t)
	mustRecord(t, db, q)
	complete := func(resultTokenHash []byte) (attemptToken []byte) {
		attemptToken = tandem.HashToken(tandem.NewToken())
		a, err := db.CreateAttempt(ctx, q, attemptToken)
		require.NoError(t, err)
		c, err := db.CompleteAttempt(ctx, a.ID, q, []string{"i1", "i2"}, scoring.Answers{"i1": 2, "i2": 4},
			tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, resultTokenHash)
		require.NoError(t, err)
		require.True(t, c.Done)
		return attemptToken
	}

	t.Run("ByResultToken", func(t *testing.T) {
		result := tandem.HashToken(tandem.NewToken())
		attempt := complete(result)
		got, err := db.FindResultByToken(ctx, result)
		require.NoError(t, err)
		assert.Equal(t, result, got.ResultTokenHash)
		assert.True(t, got.Completed())
		_, err = db.FindResultByToken(ctx, attempt)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "the attempt's token opens no result")
		a, err := db.FindAttemptByToken(ctx, attempt)
		require.NoError(t, err)
		assert.Equal(t, result, a.ResultTokenHash, "the attempt knows its result's token hash")
	})

	t.Run("Unfinished", func(t *testing.T) {
		h := tandem.HashToken(tandem.NewToken())
		_, err := db.CreateAttempt(ctx, q, h)
		require.NoError(t, err)
		_, err = db.FindResultByToken(ctx, h)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
	})

	t.Run("CompletedBeforeResultTokens", func(t *testing.T) {
		attempt := complete(tandem.HashToken(tandem.NewToken()))
		_, err := raw.Exec(`UPDATE attempts SET result_token_hash = NULL WHERE token_hash = ?`, attempt)
		require.NoError(t, err)
		got, err := db.FindResultByToken(ctx, attempt)
		require.NoError(t, err)
		assert.Nil(t, got.ResultTokenHash)
		require.NoError(t, db.DeleteResultByToken(ctx, attempt))
		_, err = db.FindResultByToken(ctx, attempt)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
	})

	t.Run("Delete", func(t *testing.T) {
		result := tandem.HashToken(tandem.NewToken())
		attempt := complete(result)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(db.DeleteResultByToken(ctx, attempt)),
			"the attempt's token deletes nothing")
		require.NoError(t, db.DeleteResultByToken(ctx, result))
		assert.Equal(t, 0, count(t, raw, `SELECT count(*) FROM attempts WHERE token_hash = ?`, attempt))
	})
}
