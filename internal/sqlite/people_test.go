package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// peopleClock is when the people tests start; each test moves it on.
var peopleClock = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// peopleQuizText has two scales and three required items on two pages.
const peopleQuizText = `id: people-quiz
version: 4
title: People
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: near, name: Near}
  - {id: far, name: Far}
sections:
  - id: s1
    title: S1
    items:
      - {id: p1, text: First, keys: {near: 1}}
      - {id: p2, text: Second, keys: {far: 1}}
  - id: s2
    title: S2
    items:
      - {id: p3, text: Third, keys: {near: -1}}
results:
  - {id: close, title: Close, summary: Close, when: {near: {min: 50}}}
  - {id: apart, title: Apart, summary: Apart}
`

// peopleDB is a database in a fresh temp folder with a clock the test
// sets, and the people quiz saved in it.
type peopleDB struct {
	*sqlite.DB
	path string
	quiz *quiz.Quiz
	now  time.Time
}

func peopleOpen(tb testing.TB) *peopleDB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "people.db")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, db.Close()) })
	p := &peopleDB{DB: db, path: path, now: peopleClock}
	db.Now = func() time.Time { return p.now }
	q, err := quiz.Parse("people.yaml", []byte(peopleQuizText))
	require.NoError(tb, err)
	mustRecord(tb, db, q)
	p.quiz = q
	return p
}

// peopleRaw opens the same file directly, to count rows as stored.
func peopleRaw(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	require.NoError(tb, err)
	tb.Cleanup(func() { db.Close() })
	return db
}

func peopleCount(tb testing.TB, db *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	require.NoError(tb, db.QueryRow(query, args...).Scan(&n))
	return n
}

// peopleAttempt is an attempt as a test made it.
type peopleAttempt struct {
	id        int64
	tokenHash []byte
	answers   scoring.Answers
}

// start creates an attempt and saves its first page.
func (p *peopleDB) start(tb testing.TB, answers scoring.Answers) peopleAttempt {
	tb.Helper()
	ctx := context.Background()
	h := tandem.HashToken(tandem.NewToken())
	a, err := p.CreateAttempt(ctx, p.quiz, h)
	require.NoError(tb, err)
	require.NoError(tb, p.SaveAnswers(ctx, a.ID, []string{"p1", "p2"}, answers))
	return peopleAttempt{id: a.ID, tokenHash: h, answers: answers}
}

// complete sends the last page of a and completes it for owner.
func (p *peopleDB) complete(tb testing.TB, a *peopleAttempt, p3 int, owner tandem.Owner) tandem.Completion {
	tb.Helper()
	q := p.quiz
	c, err := p.CompleteAttempt(context.Background(), a.id, q, []string{"p3"}, scoring.Answers{"p3": p3}, owner, tandem.HashToken(tandem.NewToken()))
	require.NoError(tb, err)
	require.True(tb, c.Done)
	a.answers = scoring.Answers{"p1": a.answers["p1"], "p2": a.answers["p2"], "p3": p3}
	return c
}

// take starts and completes an attempt for owner in one go.
func (p *peopleDB) take(tb testing.TB, p1, p2, p3 int, owner tandem.Owner) (peopleAttempt, tandem.Completion) {
	tb.Helper()
	a := p.start(tb, scoring.Answers{"p1": p1, "p2": p2})
	c := p.complete(tb, &a, p3, owner)
	return a, c
}

func peopleNewOwner() (string, tandem.Owner) {
	token := tandem.NewToken()
	return token, tandem.Owner{NewTokenHash: tandem.HashToken(token)}
}

func TestPersonStore_FindPersonByToken(t *testing.T) {
	db := peopleOpen(t)
	ctx := context.Background()
	token, owner := peopleNewOwner()
	_, c := db.take(t, 5, 1, 1, owner)
	require.True(t, c.NewPerson)

	t.Run("OK", func(t *testing.T) {
		p, err := db.FindPersonByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, c.PersonID, p.ID)
		assert.Equal(t, peopleClock, p.CreatedAt)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindPersonByToken(ctx, tandem.HashToken(tandem.NewToken()))
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		_, err = db.FindPersonByToken(ctx, []byte(token)) // the token itself is not stored
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
	})
}

func TestCompleteAttempt_Owner(t *testing.T) {
	db := peopleOpen(t)
	raw := peopleRaw(t, db.path)
	ctx := context.Background()
	_, owner := peopleNewOwner()
	first, c := db.take(t, 5, 1, 1, owner)
	require.True(t, c.NewPerson)
	require.NotZero(t, c.PersonID)

	t.Run("JoinsAnExistingPerson", func(t *testing.T) {
		unused, _ := peopleNewOwner()
		a, c2 := db.take(t, 1, 5, 5, tandem.Owner{TokenHash: owner.NewTokenHash, NewTokenHash: tandem.HashToken(unused)})
		assert.False(t, c2.NewPerson)
		assert.Equal(t, c.PersonID, c2.PersonID)
		assert.Equal(t, 1, peopleCount(t, raw, `SELECT count(*) FROM people`), "no second person")
		_, err := db.FindPersonByToken(ctx, tandem.HashToken(unused))
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "the unused token opens nothing")
		assert.Equal(t, 2, peopleCount(t, raw, `SELECT count(*) FROM attempts WHERE person_id = ?`, c.PersonID))
		got, err := db.FindPersonAttempt(ctx, c.PersonID, a.id)
		require.NoError(t, err)
		assert.Equal(t, c.PersonID, got.PersonID)
	})

	t.Run("FallsBackWhenThePersonIsGone", func(t *testing.T) {
		require.NoError(t, db.DeletePerson(ctx, c.PersonID))
		// Someone else starts a history: SQLite may give them the
		// deleted person's row id, which must not matter.
		_, bob := peopleNewOwner()
		_, cb := db.take(t, 2, 2, 2, bob)
		token, fresh := peopleNewOwner()
		fresh.TokenHash = owner.NewTokenHash // the deleted person's link
		a, c3 := db.take(t, 3, 3, 4, fresh)
		assert.True(t, c3.NewPerson)
		assert.NotEqual(t, cb.PersonID, c3.PersonID, "never joins a stranger's history")
		p, err := db.FindPersonByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, c3.PersonID, p.ID)
		assert.Equal(t, 2, peopleCount(t, raw, `SELECT count(*) FROM people`))
		list, err := db.ListAttempts(ctx, c3.PersonID)
		require.NoError(t, err)
		require.Len(t, list, 1, "a new history with only this attempt")
		assert.Equal(t, a.id, list[0].ID)
		assert.Equal(t, 0, peopleCount(t, raw, `SELECT count(*) FROM attempts WHERE token_hash = ?`, first.tokenHash))
	})

	t.Run("NoOwnerIsNoOnes", func(t *testing.T) {
		// Without an owner the result stands on its own, until KeepResult.
		a := db.start(t, scoring.Answers{"p1": 2, "p2": 2})
		q := db.quiz
		people := peopleCount(t, raw, `SELECT count(*) FROM people`)
		result := tandem.HashToken(tandem.NewToken())
		c, err := db.CompleteAttempt(ctx, a.id, q, []string{"p3"}, scoring.Answers{"p3": 2}, tandem.Owner{}, result)
		require.NoError(t, err)
		assert.True(t, c.Done)
		assert.Zero(t, c.PersonID)
		assert.False(t, c.NewPerson)
		assert.Equal(t, people, peopleCount(t, raw, `SELECT count(*) FROM people`), "no one is made")
		assert.Equal(t, 1, peopleCount(t, raw, `SELECT count(*) FROM attempts WHERE id = ? AND status = 'completed' AND person_id IS NULL`, a.id))
		got, err := db.FindResultByToken(ctx, result)
		require.NoError(t, err)
		assert.Zero(t, got.PersonID)

		// Kept, it joins a person's history; kept again by them, nothing
		// changes; another person cannot take it.
		me, other := tandem.NewToken(), tandem.NewToken()
		for _, tok := range []string{me, other} {
			_, err := raw.Exec(`INSERT INTO people (token_hash, created_at) VALUES (?, '2026-12-04T00:00:00.000Z')`, tandem.HashToken(tok))
			require.NoError(t, err)
		}
		require.NoError(t, db.KeepResult(ctx, result, tandem.HashToken(me)))
		kept, err := db.FindResultByToken(ctx, result)
		require.NoError(t, err)
		p, err := db.FindPersonByToken(ctx, tandem.HashToken(me))
		require.NoError(t, err)
		assert.Equal(t, p.ID, kept.PersonID)
		require.NoError(t, db.KeepResult(ctx, result, tandem.HashToken(me)), "again: nothing changes")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(db.KeepResult(ctx, result, tandem.HashToken(other))), "another's result")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(db.KeepResult(ctx, tandem.HashToken(tandem.NewToken()), tandem.HashToken(me))), "no such result")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(db.KeepResult(ctx, result, tandem.HashToken(tandem.NewToken()))), "no such person")
		kept, err = db.FindResultByToken(ctx, result)
		require.NoError(t, err)
		assert.Equal(t, p.ID, kept.PersonID, "still theirs")
	})
}

// peopleSetPerson puts an attempt in a person's history behind the store's back,
// as no store method does for an unfinished one.
func peopleSetPerson(tb testing.TB, raw *sql.DB, attemptID, personID int64) {
	tb.Helper()
	_, err := raw.Exec(`UPDATE attempts SET person_id = ? WHERE id = ?`, personID, attemptID)
	require.NoError(tb, err)
}

func TestListAttempts(t *testing.T) {
	db := peopleOpen(t)
	raw := peopleRaw(t, db.path)
	ctx := context.Background()
	_, owner := peopleNewOwner()

	// Created in one order and completed in another, an hour apart, so
	// "newest first" cannot be mistaken for "highest id first".
	a1 := db.start(t, scoring.Answers{"p1": 5, "p2": 1})
	a2 := db.start(t, scoring.Answers{"p1": 1, "p2": 5})
	a3 := db.start(t, scoring.Answers{"p1": 3, "p2": 4})
	db.now = peopleClock.Add(time.Hour)
	c := db.complete(t, &a2, 5, owner)
	me := tandem.Owner{TokenHash: owner.NewTokenHash}
	db.now = peopleClock.Add(2 * time.Hour)
	db.complete(t, &a3, 2, me)
	db.now = peopleClock.Add(3 * time.Hour)
	db.complete(t, &a1, 1, me)

	// Someone else's attempt, and an unfinished one of this person.
	_, other := peopleNewOwner()
	theirs, oc := db.take(t, 2, 2, 2, other)
	draft := db.start(t, scoring.Answers{"p1": 4, "p2": 4})
	peopleSetPerson(t, raw, draft.id, c.PersonID)

	t.Run("NewestFirstWithAnswersAndOutcomes", func(t *testing.T) {
		got, err := db.ListAttempts(ctx, c.PersonID)
		require.NoError(t, err)
		require.Len(t, got, 3, "only completed attempts, only theirs")
		want := []struct {
			a      peopleAttempt
			at     time.Time
			near   float64
			result string
		}{
			// near: p1 as is, p3 reversed, each (v - 1) / 4; far: p2.
			{a1, peopleClock.Add(3 * time.Hour), 100 * (4 + 4) / 8.0, "close"},
			{a3, peopleClock.Add(2 * time.Hour), 100 * (2 + 3) / 8.0, "close"},
			{a2, peopleClock.Add(time.Hour), 100 * (0 + 0) / 8.0, "apart"},
		}
		for i, w := range want {
			g := got[i]
			assert.Equal(t, w.a.id, g.ID, "attempt %d", i)
			assert.Equal(t, c.PersonID, g.PersonID)
			assert.Equal(t, tandem.StatusCompleted, g.Status)
			assert.Equal(t, w.at, g.CompletedAt)
			assert.Equal(t, peopleClock, g.CreatedAt)
			assert.Equal(t, "people-quiz", g.QuizID)
			assert.Equal(t, 4, g.QuizVersion)
			assert.Equal(t, db.quiz.Hash, g.QuizHash)
			assert.Equal(t, w.a.answers, g.Answers)
			require.NotNil(t, g.Outcome)
			assert.Equal(t, w.result, g.Outcome.Result)
			require.Len(t, g.Outcome.Scales, 2)
			assert.Equal(t, "near", g.Outcome.Scales[0].Scale)
			require.NotNil(t, g.Outcome.Scales[0].Score)
			assert.InDelta(t, w.near, *g.Outcome.Scales[0].Score, 1e-9)
			assert.Equal(t, 2, g.Outcome.Scales[0].Answered)
			require.NotNil(t, g.Outcome.Scales[1].Score)
			assert.InDelta(t, 100*float64(w.a.answers["p2"]-1)/4, *g.Outcome.Scales[1].Score, 1e-9)
		}
	})

	t.Run("Theirs", func(t *testing.T) {
		got, err := db.ListAttempts(ctx, oc.PersonID)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, theirs.id, got[0].ID)
	})

	t.Run("EmptyForAPersonWithNone", func(t *testing.T) {
		require.NoError(t, db.DeleteAttempt(ctx, oc.PersonID, theirs.id))
		got, err := db.ListAttempts(ctx, oc.PersonID)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = db.ListAttempts(ctx, 999999)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

func TestFindPersonAttempt(t *testing.T) {
	db := peopleOpen(t)
	raw := peopleRaw(t, db.path)
	ctx := context.Background()
	_, mine := peopleNewOwner()
	a, c := db.take(t, 4, 2, 1, mine)
	_, theirs := peopleNewOwner()
	b, oc := db.take(t, 1, 1, 5, theirs)
	draft := db.start(t, scoring.Answers{"p1": 4, "p2": 4})
	peopleSetPerson(t, raw, draft.id, c.PersonID)

	t.Run("OK", func(t *testing.T) {
		got, err := db.FindPersonAttempt(ctx, c.PersonID, a.id)
		require.NoError(t, err)
		assert.Equal(t, a.id, got.ID)
		assert.Equal(t, a.answers, got.Answers)
		require.NotNil(t, got.Outcome)
		assert.Equal(t, "close", got.Outcome.Result)
	})
	tests := []struct {
		name      string
		personID  int64
		attemptID int64
	}{
		{"ErrNotFound/SomeoneElses", c.PersonID, b.id},
		{"ErrNotFound/TheirsFromMe", oc.PersonID, a.id},
		{"ErrNotFound/InProgress", c.PersonID, draft.id},
		{"ErrNotFound/Unknown", c.PersonID, 999999},
		{"ErrNotFound/NoPerson", 0, a.id},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.FindPersonAttempt(ctx, tt.personID, tt.attemptID)
			assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
			assert.Nil(t, got)
		})
	}
}

// peopleRows counts what is stored for the given attempts.
type peopleRows struct{ attempts, answers, scores int }

func peopleCountRows(tb testing.TB, raw *sql.DB, ids ...int64) peopleRows {
	tb.Helper()
	var r peopleRows
	for _, id := range ids {
		r.attempts += peopleCount(tb, raw, `SELECT count(*) FROM attempts WHERE id = ?`, id)
		r.answers += peopleCount(tb, raw, `SELECT count(*) FROM answers WHERE attempt_id = ?`, id)
		r.scores += peopleCount(tb, raw, `SELECT count(*) FROM scale_scores WHERE attempt_id = ?`, id)
	}
	return r
}

func TestDeleteAttempt(t *testing.T) {
	db := peopleOpen(t)
	raw := peopleRaw(t, db.path)
	ctx := context.Background()
	_, mine := peopleNewOwner()
	a, c := db.take(t, 4, 2, 1, mine)
	kept, _ := db.take(t, 2, 2, 3, tandem.Owner{TokenHash: mine.NewTokenHash})
	_, theirs := peopleNewOwner()
	b, oc := db.take(t, 1, 1, 5, theirs)

	t.Run("ErrNotFoundForSomeoneElses", func(t *testing.T) {
		before := peopleCountRows(t, raw, a.id, kept.id, b.id)
		err := db.DeleteAttempt(ctx, c.PersonID, b.id)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		err = db.DeleteAttempt(ctx, oc.PersonID, a.id)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		err = db.DeleteAttempt(ctx, c.PersonID, 999999)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Equal(t, peopleRows{3, 9, 6}, before)
		assert.Equal(t, before, peopleCountRows(t, raw, a.id, kept.id, b.id), "nothing deleted")
	})

	t.Run("OK", func(t *testing.T) {
		require.NoError(t, db.DeleteAttempt(ctx, c.PersonID, a.id))
		assert.Equal(t, peopleRows{}, peopleCountRows(t, raw, a.id), "answers and scores go with it")
		assert.Equal(t, peopleRows{2, 6, 4}, peopleCountRows(t, raw, kept.id, b.id))
		_, err := db.FindPersonAttempt(ctx, c.PersonID, a.id)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		_, err = db.FindAttemptByToken(ctx, a.tokenHash)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "its result link is gone")
		list, err := db.ListAttempts(ctx, c.PersonID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, kept.id, list[0].ID)
		_, err = db.FindPersonByToken(ctx, mine.NewTokenHash)
		assert.NoError(t, err, "the person stays")
	})

	t.Run("ErrNotFoundTwice", func(t *testing.T) {
		err := db.DeleteAttempt(ctx, c.PersonID, a.id)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
	})
}

// peopleFileHolds reports whether any of the database's files (the database and
// its write-ahead log, when there is one) holds b.
func peopleFileHolds(tb testing.TB, path string, b []byte) bool {
	tb.Helper()
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			continue
		}
		require.NoError(tb, err)
		if bytes.Contains(data, b) {
			return true
		}
	}
	return false
}

func TestDeletePerson(t *testing.T) {
	db := peopleOpen(t)
	raw := peopleRaw(t, db.path)
	ctx := context.Background()
	_, mine := peopleNewOwner()
	a1, c := db.take(t, 4, 2, 1, mine)
	me := tandem.Owner{TokenHash: mine.NewTokenHash}
	a2, _ := db.take(t, 2, 5, 3, me)
	a3, _ := db.take(t, 1, 1, 1, me)
	_, theirs := peopleNewOwner()
	b, oc := db.take(t, 1, 1, 5, theirs)
	mineIDs := []int64{a1.id, a2.id, a3.id}
	secrets := [][]byte{mine.NewTokenHash, a1.tokenHash, a2.tokenHash, a3.tokenHash}

	// The search must be able to find what it looks for.
	for _, s := range append(secrets, theirs.NewTokenHash, b.tokenHash) {
		require.True(t, peopleFileHolds(t, db.path, s), "the hash is in the files before deleting")
	}
	require.Equal(t, peopleRows{3, 9, 6}, peopleCountRows(t, raw, mineIDs...))

	require.NoError(t, db.DeletePerson(ctx, c.PersonID))

	t.Run("NoRowLeft", func(t *testing.T) {
		assert.Equal(t, 0, peopleCount(t, raw, `SELECT count(*) FROM people WHERE id = ?`, c.PersonID))
		assert.Equal(t, 0, peopleCount(t, raw, `SELECT count(*) FROM attempts WHERE person_id = ?`, c.PersonID))
		assert.Equal(t, peopleRows{}, peopleCountRows(t, raw, mineIDs...))
		_, err := db.FindPersonByToken(ctx, mine.NewTokenHash)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		for _, a := range []peopleAttempt{a1, a2, a3} {
			_, err := db.FindAttemptByToken(ctx, a.tokenHash)
			assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		}
		list, err := db.ListAttempts(ctx, c.PersonID)
		require.NoError(t, err)
		assert.Empty(t, list)
	})

	t.Run("OthersStay", func(t *testing.T) {
		assert.Equal(t, 1, peopleCount(t, raw, `SELECT count(*) FROM people`))
		assert.Equal(t, peopleRows{1, 3, 2}, peopleCountRows(t, raw, b.id))
		p, err := db.FindPersonByToken(ctx, theirs.NewTokenHash)
		require.NoError(t, err)
		assert.Equal(t, oc.PersonID, p.ID)
		list, err := db.ListAttempts(ctx, oc.PersonID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, scoring.Answers{"p1": 1, "p2": 1, "p3": 5}, list[0].Answers)
	})

	t.Run("GoneFromTheFiles", func(t *testing.T) {
		for i, s := range secrets {
			assert.False(t, peopleFileHolds(t, db.path, s), "hash %d is still in the database files", i)
		}
		assert.True(t, peopleFileHolds(t, db.path, theirs.NewTokenHash), "other people's data stays")
	})

	t.Run("ErrNotFoundTwice", func(t *testing.T) {
		err := db.DeletePerson(ctx, c.PersonID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Equal(t, 1, peopleCount(t, raw, `SELECT count(*) FROM people`))
	})
}

// TestDeletePerson_WhileSomeoneReads: a reader holding an old snapshot must
// neither hold up the deletion (nor every writer behind it) nor leave the
// deleted data in the write-ahead log once it is gone.
func TestDeletePerson_WhileSomeoneReads(t *testing.T) {
	db := peopleOpen(t)
	ctx := context.Background()
	_, mine := peopleNewOwner()
	a, c := db.take(t, 4, 2, 1, mine)
	draft := db.start(t, scoring.Answers{"p1": 1, "p2": 1})
	_, theirs := peopleNewOwner()
	db.take(t, 1, 1, 5, theirs)

	reader := peopleRaw(t, db.path)
	tx, err := reader.Begin()
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(`SELECT count(*) FROM attempts`).Scan(&n)) // holds a snapshot

	start := time.Now()
	require.NoError(t, db.DeletePerson(ctx, c.PersonID, draft.tokenHash))
	assert.Less(t, time.Since(start), time.Second, "the deletion does not wait for the reader")
	// Writers are not held up either.
	_, other := peopleNewOwner()
	start = time.Now()
	db.take(t, 2, 2, 2, other)
	assert.Less(t, time.Since(start), time.Second)

	require.NoError(t, tx.Rollback())
	assert.Eventually(t, func() bool {
		return !peopleFileHolds(t, db.path, a.tokenHash) && !peopleFileHolds(t, db.path, mine.NewTokenHash) &&
			!peopleFileHolds(t, db.path, draft.tokenHash)
	}, 5*time.Second, 100*time.Millisecond, "once the reader is gone, the deleted data leaves the files")
	raw := peopleRaw(t, db.path)
	assert.Equal(t, 0, peopleCount(t, raw, `SELECT count(*) FROM attempts WHERE token_hash = ?`, draft.tokenHash), "the draft went in the same transaction")
}
