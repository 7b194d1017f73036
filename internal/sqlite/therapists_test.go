package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
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

// therapistsClock is when the therapist tests start; each test moves it on.
var therapistsClock = time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC)

// therapistsOtherQuizText is a second quiz, so that a test can tell the
// link's quiz from any other.
const therapistsOtherQuizText = `id: other-quiz
version: 1
title: Other
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: one, name: One}
sections:
  - id: s1
    title: S1
    items:
      - {id: o1, text: First, keys: {one: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// Answers to weighted-sleep that give two different results.
var (
	therapistsRested = scoring.Answers{"n1": 4, "n2": 0, "n3": 4, "d1": 4, "d3": 0}
	therapistsWired  = scoring.Answers{"n1": 0, "n2": 4, "n3": 0, "d1": 0, "d3": 4}
)

// therapistsDB is a database in a fresh temp folder with a clock the test
// sets, weighted-sleep (the quiz links share) and another quiz saved in
// it, and a plain connection to the same file to look at rows as stored.
type therapistsDB struct {
	*sqlite.DB
	path  string
	raw   *sql.DB
	quiz  *quiz.Quiz
	other *quiz.Quiz
	now   time.Time
}

func therapistsOpen(tb testing.TB) *therapistsDB {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "therapists.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, db.Close()) })
	d := &therapistsDB{DB: db, path: path, now: therapistsClock}
	db.Now = func() time.Time { return d.now }

	d.quiz, err = quiz.LoadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
	require.NoError(tb, err)
	d.other, err = quiz.Parse("other.yaml", []byte(therapistsOtherQuizText))
	require.NoError(tb, err)
	mustRecord(tb, db, d.quiz)
	mustRecord(tb, db, d.other)

	d.raw, err = sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	require.NoError(tb, err)
	tb.Cleanup(func() { d.raw.Close() })
	return d
}

// at sets the clock and returns the time, as the store will store it.
func (d *therapistsDB) at(t time.Time) time.Time {
	d.now = t
	return t
}

func (d *therapistsDB) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	require.NoError(tb, d.raw.QueryRow(query, args...).Scan(&n))
	return n
}

// text reads one text column of one row, "NULL" for a NULL.
func (d *therapistsDB) text(tb testing.TB, query string, args ...any) string {
	tb.Helper()
	var s sql.NullString
	require.NoError(tb, d.raw.QueryRow(query, args...).Scan(&s))
	if !s.Valid {
		return "NULL"
	}
	return s.String
}

func (d *therapistsDB) therapist(tb testing.TB, email, name string) *tandem.Therapist {
	tb.Helper()
	t, err := d.CreateTherapist(context.Background(), email, name, "$argon2id$"+name)
	require.NoError(tb, err)
	return t
}

// link creates a link to weighted-sleep and returns it with its token's
// hash.
func (d *therapistsDB) link(tb testing.TB, therapistID int64, label string, expires time.Time) (*tandem.ShareLink, []byte) {
	tb.Helper()
	h := tandem.HashToken(tandem.NewToken())
	l := &tandem.ShareLink{TherapistID: therapistID, QuizID: d.quiz.ID, Label: label, SharesAnswers: true, ExpiresAt: expires}
	require.NoError(tb, d.CreateShareLink(context.Background(), l, h))
	return l, h
}

// consent agrees to share through the link, as the person with owner.
func (d *therapistsDB) consent(tb testing.TB, linkID int64, owner tandem.Owner) tandem.Consent {
	tb.Helper()
	c, err := d.ConsentToShare(context.Background(), linkID, owner, "v1")
	require.NoError(tb, err)
	require.NotZero(tb, c.ShareID)
	require.NotZero(tb, c.PersonID)
	return c
}

// therapistsAttempt is an attempt as a test made it.
type therapistsAttempt struct {
	id     int64
	result string
}

// start creates a private attempt at q and saves its first page.
func (d *therapistsDB) start(tb testing.TB, q *quiz.Quiz, answers scoring.Answers) therapistsAttempt {
	tb.Helper()
	return d.startFor(tb, q, answers, 0)
}

// startFor creates an attempt at q for the share (0: private) and saves
// its first page.
func (d *therapistsDB) startFor(tb testing.TB, q *quiz.Quiz, answers scoring.Answers, shareID int64) therapistsAttempt {
	tb.Helper()
	ctx := context.Background()
	var a *tandem.Attempt
	var err error
	if shareID == 0 {
		a, err = d.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
	} else {
		a, err = d.CreateSharedAttempt(ctx, q, tandem.HashToken(tandem.NewToken()), shareID)
	}
	require.NoError(tb, err)
	first, _ := therapistsPages(q)
	require.NoError(tb, d.SaveAnswers(ctx, a.ID, first, answers))
	out, err := scoring.Score(q, answers)
	require.NoError(tb, err)
	return therapistsAttempt{id: a.ID, result: out.Result}
}

// complete sends the rest of the attempt's pages, now, for owner.
func (d *therapistsDB) complete(tb testing.TB, q *quiz.Quiz, a therapistsAttempt, answers scoring.Answers, owner tandem.Owner) tandem.Completion {
	tb.Helper()
	_, rest := therapistsPages(q)
	c, err := d.CompleteAttempt(context.Background(), a.id, q, rest, answers, owner, tandem.HashToken(tandem.NewToken()))
	require.NoError(tb, err)
	require.True(tb, c.Done)
	return c
}

// take starts and completes a private attempt at q for owner, now.
func (d *therapistsDB) take(tb testing.TB, q *quiz.Quiz, answers scoring.Answers, owner tandem.Owner) (therapistsAttempt, tandem.Completion) {
	tb.Helper()
	return d.takeFor(tb, q, answers, owner, 0)
}

// takeFor starts and completes an attempt at q for owner and the share
// (0: private), now.
func (d *therapistsDB) takeFor(tb testing.TB, q *quiz.Quiz, answers scoring.Answers, owner tandem.Owner, shareID int64) (therapistsAttempt, tandem.Completion) {
	tb.Helper()
	a := d.startFor(tb, q, answers, shareID)
	return a, d.complete(tb, q, a, answers, owner)
}

// therapistsPages returns the item ids of a quiz's first page and of the
// others.
func therapistsPages(q *quiz.Quiz) (first, rest []string) {
	for i, s := range q.Sections {
		for _, it := range s.Items {
			if i == 0 {
				first = append(first, it.ID)
			} else {
				rest = append(rest, it.ID)
			}
		}
	}
	return first, rest
}

// therapistsOwner returns the owner a new person is made from, and the
// owner that person is known by afterwards.
func therapistsOwner() (fresh, known tandem.Owner) {
	h := tandem.HashToken(tandem.NewToken())
	return tandem.Owner{NewTokenHash: h}, tandem.Owner{TokenHash: h}
}

func therapistsIDs(attempts []*tandem.Attempt) []int64 {
	ids := make([]int64, 0, len(attempts))
	for _, a := range attempts {
		ids = append(ids, a.ID)
	}
	return ids
}

func therapistsShareIDs(shares []*tandem.Share) []int64 {
	ids := make([]int64, 0, len(shares))
	for _, s := range shares {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestTherapistStore_CreateTherapist(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()

	ana, err := db.CreateTherapist(ctx, "Ana@Example.com", "Ana Silva", "$argon2id$one")
	require.NoError(t, err)

	t.Run("OK", func(t *testing.T) {
		assert.NotZero(t, ana.ID)
		assert.Equal(t, "Ana@Example.com", ana.Email)
		assert.Equal(t, "Ana Silva", ana.DisplayName)
		assert.Equal(t, "$argon2id$one", ana.PasswordHash)
		assert.Equal(t, int64(1), ana.SessionEpoch)
		assert.Equal(t, therapistsClock, ana.CreatedAt)
		got, err := db.FindTherapist(ctx, ana.ID)
		require.NoError(t, err)
		assert.Equal(t, ana, got, "what was stored is what was returned")
	})

	t.Run("ReturnedAsStored", func(t *testing.T) {
		// A clock finer than the store keeps, and not in UTC.
		db.at(time.Date(2027, 1, 11, 10, 0, 0, 123456789, time.FixedZone("UTC+1", 60*60)))
		defer db.at(therapistsClock)
		cy, err := db.CreateTherapist(ctx, "cy@example.com", "Cy", "$argon2id$cy")
		require.NoError(t, err)
		assert.Equal(t, time.Date(2027, 1, 11, 9, 0, 0, 123000000, time.UTC), cy.CreatedAt)
		got, err := db.FindTherapist(ctx, cy.ID)
		require.NoError(t, err)
		assert.Equal(t, cy, got)
		require.NoError(t, db.DeleteTherapist(ctx, cy.ID))
	})

	t.Run("ErrConflict/SameEmailOtherCase", func(t *testing.T) {
		for _, email := range []string{"Ana@Example.com", "ana@example.com", "ANA@EXAMPLE.COM"} {
			got, err := db.CreateTherapist(ctx, email, "Someone Else", "$argon2id$two")
			assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), email)
			assert.Nil(t, got)
		}
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM therapists`))
		assert.Equal(t, "Ana Silva", db.text(t, `SELECT display_name FROM therapists`))
	})

	t.Run("FindTherapistByEmail/AnyCase", func(t *testing.T) {
		for _, email := range []string{"Ana@Example.com", "ana@example.com", "ANA@EXAMPLE.COM", "aNa@eXaMpLe.CoM"} {
			got, err := db.FindTherapistByEmail(ctx, email)
			require.NoError(t, err, email)
			assert.Equal(t, ana.ID, got.ID, email)
			assert.Equal(t, "Ana@Example.com", got.Email, "kept as typed")
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		got, err := db.FindTherapist(ctx, ana.ID+1000)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Nil(t, got)
		got, err = db.FindTherapistByEmail(ctx, "ben@example.com")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Nil(t, got)
		got, err = db.FindTherapistByEmail(ctx, "ana@example.co")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Nil(t, got)
	})
}

func TestTherapistStore_SetTherapistPassword(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	ben := db.therapist(t, "ben@example.com", "Ben")

	t.Run("OK", func(t *testing.T) {
		for i, hash := range []string{"$argon2id$second", "$argon2id$third", "$argon2id$fourth"} {
			epoch, err := db.SetTherapistPassword(ctx, ana.ID, hash)
			require.NoError(t, err)
			assert.Equal(t, int64(i+2), epoch, "the epoch moves on with each change")
			got, err := db.FindTherapist(ctx, ana.ID)
			require.NoError(t, err)
			assert.Equal(t, hash, got.PasswordHash)
			assert.Equal(t, epoch, got.SessionEpoch, "the epoch returned is the one stored")
		}
		got, err := db.FindTherapist(ctx, ben.ID)
		require.NoError(t, err)
		assert.Equal(t, ben, got, "no one else's account changes")
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		epoch, err := db.SetTherapistPassword(ctx, ben.ID+1000, "$argon2id$x")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Zero(t, epoch)
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM therapists WHERE password_hash = '$argon2id$x'`))
	})
}

func TestSessions(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	s := db.Sessions()
	hexHash := func(token string) string {
		h := sha256.Sum256([]byte(token))
		return hex.EncodeToString(h[:])
	}

	token := tandem.NewToken()
	require.NoError(t, s.CommitCtx(ctx, token, []byte("first"), therapistsClock.Add(time.Hour)))

	t.Run("CommitThenFind", func(t *testing.T) {
		data, found, err := s.FindCtx(ctx, token)
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, []byte("first"), data)
		data, found, err = s.Find(token)
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, []byte("first"), data)
	})

	t.Run("CommitReplaces", func(t *testing.T) {
		require.NoError(t, s.CommitCtx(ctx, token, []byte("second"), therapistsClock.Add(2*time.Hour)))
		data, found, err := s.FindCtx(ctx, token)
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, []byte("second"), data)
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM sessions`))
		assert.Equal(t, "2027-01-11T11:00:00.000Z", db.text(t, `SELECT expiry FROM sessions`))
	})

	t.Run("OnlyTheHashIsStored", func(t *testing.T) {
		require.NoError(t, s.Commit(tandem.NewToken(), []byte("other"), therapistsClock.Add(time.Hour)))
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM sessions WHERE token = ?`, token))
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM sessions WHERE instr(token, ?) > 0 OR instr(data, ?) > 0`,
			token, token))
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM sessions WHERE token = ?`, hexHash(token)))
		rows, err := db.raw.Query(`SELECT token FROM sessions`)
		require.NoError(t, err)
		defer rows.Close()
		n := 0
		for rows.Next() {
			var stored string
			require.NoError(t, rows.Scan(&stored))
			assert.Regexp(t, `^[0-9a-f]{64}$`, stored, "a SHA-256 in hex")
			n++
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, 2, n)
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		data, found, err := s.FindCtx(ctx, tandem.NewToken())
		require.NoError(t, err)
		assert.False(t, found)
		assert.Nil(t, data)
		// The stored key opens nothing either: only the token does.
		_, found, err = s.FindCtx(ctx, hexHash(token))
		require.NoError(t, err)
		assert.False(t, found)
	})

	t.Run("ExpiredNotFound", func(t *testing.T) {
		tests := []struct {
			name   string
			expiry time.Time
		}{
			{"Before", therapistsClock.Add(-time.Second)},
			{"AtNow", therapistsClock},
			// 10:30 in UTC+2 is 08:30 UTC, before now: compared as
			// instants, not as wall clock text.
			{"OtherZone", time.Date(2027, 1, 11, 10, 30, 0, 0, time.FixedZone("UTC+2", 2*60*60))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := tandem.NewToken()
				require.NoError(t, s.CommitCtx(ctx, tok, []byte("old"), tt.expiry))
				data, found, err := s.FindCtx(ctx, tok)
				require.NoError(t, err)
				assert.False(t, found)
				assert.Nil(t, data)
			})
		}
	})

	t.Run("LiveUntilExpiry", func(t *testing.T) {
		tok := tandem.NewToken()
		require.NoError(t, s.CommitCtx(ctx, tok, []byte("soon"), therapistsClock.Add(time.Minute)))
		db.at(therapistsClock.Add(time.Minute - time.Millisecond))
		_, found, err := s.FindCtx(ctx, tok)
		require.NoError(t, err)
		assert.True(t, found)
		db.at(therapistsClock.Add(time.Minute))
		_, found, err = s.FindCtx(ctx, tok)
		require.NoError(t, err)
		assert.False(t, found)
		db.at(therapistsClock)
	})

	t.Run("Delete", func(t *testing.T) {
		tok := tandem.NewToken()
		require.NoError(t, s.CommitCtx(ctx, tok, []byte("bye"), therapistsClock.Add(time.Hour)))
		require.NoError(t, s.DeleteCtx(ctx, tok))
		_, found, err := s.FindCtx(ctx, tok)
		require.NoError(t, err)
		assert.False(t, found)
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM sessions WHERE token = ?`, hexHash(tok)))
		_, found, err = s.FindCtx(ctx, token)
		require.NoError(t, err)
		assert.True(t, found, "other sessions stay")
	})

	t.Run("DeleteUnknownIsNil", func(t *testing.T) {
		before := db.count(t, `SELECT count(*) FROM sessions`)
		assert.NoError(t, s.DeleteCtx(ctx, tandem.NewToken()))
		assert.NoError(t, s.Delete(tandem.NewToken()))
		assert.Equal(t, before, db.count(t, `SELECT count(*) FROM sessions`))
	})
}

func TestDeleteExpiredSessions(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	s := db.Sessions()
	live := tandem.NewToken()
	require.NoError(t, s.CommitCtx(ctx, live, []byte("live"), therapistsClock.Add(time.Hour)))
	expired := map[string]time.Time{
		tandem.NewToken(): therapistsClock.Add(-time.Hour),
		tandem.NewToken(): therapistsClock, // expires now
	}
	for tok, exp := range expired {
		require.NoError(t, s.CommitCtx(ctx, tok, []byte("old"), exp))
	}

	n, err := db.DeleteExpiredSessions(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM sessions`))
	data, found, err := s.FindCtx(ctx, live)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, []byte("live"), data)

	n, err = db.DeleteExpiredSessions(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing more to delete")

	db.at(therapistsClock.Add(time.Hour))
	n, err = db.DeleteExpiredSessions(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM sessions`))
}

func TestShareLinkStore(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana Silva")
	ben := db.therapist(t, "ben@example.com", "Ben Okafor")

	token := tandem.NewToken()
	open := &tandem.ShareLink{TherapistID: ana.ID, QuizID: db.quiz.ID, Label: "J.D.", SharesAnswers: true}
	require.NoError(t, db.CreateShareLink(ctx, open, tandem.HashToken(token)))
	t1 := db.at(therapistsClock.Add(time.Hour))
	expires := therapistsClock.Add(7 * 24 * time.Hour)
	timed, timedHash := db.link(t, ana.ID, "K.L.", expires)
	third, thirdHash := db.link(t, ana.ID, "M.N.", time.Time{}) // same time as timed
	bens, _ := db.link(t, ben.ID, "B1", time.Time{})

	t.Run("CreateShareLink", func(t *testing.T) {
		assert.NotZero(t, open.ID)
		assert.Equal(t, therapistsClock, open.CreatedAt)
		assert.Equal(t, t1, timed.CreatedAt)
		assert.NotEqual(t, open.ID, timed.ID)
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM share_links WHERE token_hash = ?`, token))
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM share_links WHERE token_hash = ?`, tandem.HashToken(token)))
	})

	t.Run("FindShareLinkByToken", func(t *testing.T) {
		got, err := db.FindShareLinkByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, &tandem.ShareLink{
			ID: open.ID, TherapistID: ana.ID, QuizID: "weighted-sleep", Label: "J.D.", SharesAnswers: true,
			CreatedAt: therapistsClock, TherapistName: "Ana Silva", TokenHash: tandem.HashToken(token),
		}, got)
		assert.True(t, got.ExpiresAt.IsZero())
		assert.True(t, got.RevokedAt.IsZero())
		assert.Equal(t, tandem.LinkActive, got.State(therapistsClock.Add(1000*24*time.Hour)))

		got, err = db.FindShareLinkByToken(ctx, timedHash)
		require.NoError(t, err)
		assert.Equal(t, timed.ID, got.ID)
		assert.Equal(t, expires, got.ExpiresAt)
		assert.Equal(t, "K.L.", got.Label)
		assert.Equal(t, tandem.LinkActive, got.State(expires.Add(-time.Millisecond)))
		assert.Equal(t, tandem.LinkExpired, got.State(expires))

		got, err = db.FindShareLinkByToken(ctx, thirdHash)
		require.NoError(t, err)
		assert.Equal(t, third.ID, got.ID)
	})

	t.Run("CreateShareLink/ReturnedAsStored", func(t *testing.T) {
		db.at(time.Date(2027, 1, 11, 10, 0, 0, 987654321, time.FixedZone("UTC+1", 60*60)))
		defer db.at(t1)
		exp := time.Date(2027, 2, 1, 12, 0, 0, 0, time.FixedZone("UTC-5", -5*60*60))
		cy := db.therapist(t, "cy@example.com", "Cy")
		l, h := db.link(t, cy.ID, "fine", exp)
		assert.Equal(t, time.Date(2027, 1, 11, 9, 0, 0, 987000000, time.UTC), l.CreatedAt)
		got, err := db.FindShareLinkByToken(ctx, h)
		require.NoError(t, err)
		assert.Equal(t, l.CreatedAt, got.CreatedAt)
		assert.True(t, exp.Equal(got.ExpiresAt), "the same instant")
	})

	t.Run("FindShareLinkByToken/ErrNotFound", func(t *testing.T) {
		for _, h := range [][]byte{tandem.HashToken(tandem.NewToken()), []byte(token), nil} {
			got, err := db.FindShareLinkByToken(ctx, h)
			assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
			assert.Nil(t, got)
		}
	})

	t.Run("ListShareLinks/NewestFirstOnlyTheirs", func(t *testing.T) {
		links, err := db.ListShareLinks(ctx, ana.ID)
		require.NoError(t, err)
		require.Len(t, links, 3)
		// timed and third were made at the same time: the later one first.
		assert.Equal(t, []int64{third.ID, timed.ID, open.ID}, []int64{links[0].ID, links[1].ID, links[2].ID})
		for _, l := range links {
			assert.Equal(t, ana.ID, l.TherapistID)
			assert.Equal(t, "Ana Silva", l.TherapistName)
			assert.Zero(t, l.Clients)
			assert.True(t, l.LastUsedAt.IsZero())
		}
		assert.Equal(t, expires, links[1].ExpiresAt)
		assert.True(t, links[2].ExpiresAt.IsZero())

		links, err = db.ListShareLinks(ctx, ben.ID)
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, bens.ID, links[0].ID)
		assert.Equal(t, "Ben Okafor", links[0].TherapistName)

		links, err = db.ListShareLinks(ctx, ben.ID+1000)
		require.NoError(t, err)
		assert.Empty(t, links)
	})

	t.Run("ListShareLinks/ClientsAndLastUsedAt", func(t *testing.T) {
		p1, _ := therapistsOwner()
		p2, _ := therapistsOwner()
		p3, _ := therapistsOwner()
		c1 := db.at(therapistsClock.Add(2 * time.Hour))
		db.consent(t, open.ID, p1)
		c2 := db.at(therapistsClock.Add(3 * time.Hour))
		db.consent(t, open.ID, p2)
		db.at(therapistsClock.Add(4 * time.Hour))
		db.consent(t, bens.ID, p3) // someone else's link

		links, err := db.ListShareLinks(ctx, ana.ID)
		require.NoError(t, err)
		require.Len(t, links, 3)
		byID := map[int64]*tandem.ShareLink{}
		for _, l := range links {
			byID[l.ID] = l
		}
		assert.Equal(t, 2, byID[open.ID].Clients)
		assert.Equal(t, c2, byID[open.ID].LastUsedAt)
		assert.NotEqual(t, c1, c2)
		assert.Zero(t, byID[timed.ID].Clients)
		assert.True(t, byID[timed.ID].LastUsedAt.IsZero())

		links, err = db.ListShareLinks(ctx, ben.ID)
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, 1, links[0].Clients)
		assert.Equal(t, therapistsClock.Add(4*time.Hour), links[0].LastUsedAt)
	})

	t.Run("RevokeShareLink/ErrNotFound", func(t *testing.T) {
		db.at(therapistsClock.Add(5 * time.Hour))
		err := db.RevokeShareLink(ctx, ben.ID, open.ID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "not Ben's link")
		err = db.RevokeShareLink(ctx, ana.ID, bens.ID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "not Ana's link")
		err = db.RevokeShareLink(ctx, ana.ID, bens.ID+1000)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "no such link")

		got, err := db.FindShareLinkByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.True(t, got.RevokedAt.IsZero(), "the link is unchanged")
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM share_links WHERE revoked_at IS NOT NULL`))
	})

	t.Run("RevokeShareLink/TwiceKeepsTheFirst", func(t *testing.T) {
		first := db.at(therapistsClock.Add(6 * time.Hour))
		require.NoError(t, db.RevokeShareLink(ctx, ana.ID, open.ID))
		got, err := db.FindShareLinkByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, first, got.RevokedAt)
		assert.Equal(t, tandem.LinkRevoked, got.State(first))

		db.at(therapistsClock.Add(7 * time.Hour))
		require.NoError(t, db.RevokeShareLink(ctx, ana.ID, open.ID))
		got, err = db.FindShareLinkByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.Equal(t, first, got.RevokedAt)
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM share_links WHERE revoked_at IS NOT NULL`),
			"only that link")

		links, err := db.ListShareLinks(ctx, ana.ID)
		require.NoError(t, err)
		require.Len(t, links, 3)
		assert.Equal(t, first, links[2].RevokedAt)
		assert.Equal(t, 2, links[2].Clients, "consents already given stay")
	})
}

func TestConsentToShare(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	link, _ := db.link(t, ana.ID, "A", time.Time{})

	t.Run("NewPerson", func(t *testing.T) {
		gone := tandem.HashToken(tandem.NewToken()) // a personal link that leads nowhere
		fresh := tandem.HashToken(tandem.NewToken())
		t0 := db.at(therapistsClock.Add(time.Minute))
		c, err := db.ConsentToShare(ctx, link.ID, tandem.Owner{TokenHash: gone, NewTokenHash: fresh}, "v1")
		require.NoError(t, err)
		assert.True(t, c.NewPerson)
		assert.NotZero(t, c.ShareID)
		p, err := db.FindPersonByToken(ctx, fresh)
		require.NoError(t, err)
		assert.Equal(t, p.ID, c.PersonID)
		assert.Equal(t, t0, p.CreatedAt)
		_, err = db.FindPersonByToken(ctx, gone)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))

		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM shares WHERE id = ? AND link_id = ? AND person_id = ?
			AND wording = 'v1' AND stopped_at IS NULL`, c.ShareID, link.ID, p.ID))
		assert.Equal(t, "2027-01-11T09:01:00.000Z", db.text(t, `SELECT consented_at FROM shares WHERE id = ?`, c.ShareID))
	})

	t.Run("ExistingPerson", func(t *testing.T) {
		fresh, known := therapistsOwner()
		_, done := db.take(t, db.quiz, therapistsRested, fresh)
		unused := tandem.HashToken(tandem.NewToken())
		people := db.count(t, `SELECT count(*) FROM people`)

		c, err := db.ConsentToShare(ctx, link.ID, tandem.Owner{TokenHash: known.TokenHash, NewTokenHash: unused}, "v1")
		require.NoError(t, err)
		assert.False(t, c.NewPerson)
		assert.Equal(t, done.PersonID, c.PersonID)
		assert.Equal(t, people, db.count(t, `SELECT count(*) FROM people`), "no new person")
		_, err = db.FindPersonByToken(ctx, unused)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM shares WHERE id = ? AND person_id = ?`, c.ShareID, c.PersonID))
	})

	t.Run("ErrConflict", func(t *testing.T) {
		revoked, _ := db.link(t, ana.ID, "revoked", time.Time{})
		require.NoError(t, db.RevokeShareLink(ctx, ana.ID, revoked.ID))
		expiring, _ := db.link(t, ana.ID, "expiring", db.now.Add(time.Hour))

		// Just before it expires the expiring link works.
		db.at(db.now.Add(time.Hour - time.Millisecond))
		before, _ := therapistsOwner()
		db.consent(t, expiring.ID, before)
		// From expires_at on it does not.
		db.at(expiring.ExpiresAt)

		_, existing := therapistsOwner()
		existing.TokenHash = before.NewTokenHash
		tests := []struct {
			name   string
			linkID int64
			owner  tandem.Owner
		}{
			{"Revoked/NewPerson", revoked.ID, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}},
			{"Revoked/ExistingPerson", revoked.ID, existing},
			{"Expired/NewPerson", expiring.ID, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}},
			{"Expired/Again", expiring.ID, existing},
			{"Expired/Later", expiring.ID, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}},
			{"UnknownLink", expiring.ID + 1000, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.name == "Expired/Later" {
					db.at(expiring.ExpiresAt.Add(24 * time.Hour))
				}
				people := db.count(t, `SELECT count(*) FROM people`)
				shares := db.count(t, `SELECT count(*) FROM shares`)
				consented := db.text(t, `SELECT group_concat(consented_at) FROM shares`)
				c, err := db.ConsentToShare(ctx, tt.linkID, tt.owner, "v2")
				assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err))
				assert.Equal(t, tandem.Consent{}, c)
				assert.Equal(t, people, db.count(t, `SELECT count(*) FROM people`), "no person made")
				assert.Equal(t, shares, db.count(t, `SELECT count(*) FROM shares`), "no share made")
				assert.Equal(t, consented, db.text(t, `SELECT group_concat(consented_at) FROM shares`), "no share changed")
				if len(tt.owner.NewTokenHash) > 0 {
					_, err = db.FindPersonByToken(ctx, tt.owner.NewTokenHash)
					assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
				}
			})
		}
	})

	t.Run("AgainWhileActiveChangesNothing", func(t *testing.T) {
		fresh, known := therapistsOwner()
		t0 := db.at(therapistsClock.Add(3 * 24 * time.Hour))
		first := db.consent(t, link.ID, fresh)
		db.at(t0.Add(time.Hour))
		again, err := db.ConsentToShare(ctx, link.ID, known, "v2")
		require.NoError(t, err)
		assert.Equal(t, first.ShareID, again.ShareID)
		assert.Equal(t, first.PersonID, again.PersonID)
		assert.False(t, again.NewPerson)
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM shares WHERE person_id = ?`, first.PersonID))
		assert.Equal(t, "2027-01-14T09:00:00.000Z", db.text(t, `SELECT consented_at FROM shares WHERE id = ?`, first.ShareID))
		assert.Equal(t, "v1", db.text(t, `SELECT wording FROM shares WHERE id = ?`, first.ShareID))

		cl, err := db.FindClient(ctx, ana.ID, first.ShareID)
		require.NoError(t, err)
		assert.Equal(t, t0, cl.ConsentedAt)
		assert.True(t, cl.Sharing())
	})

	t.Run("AgainAfterStopStartsFromNow", func(t *testing.T) {
		fresh, known := therapistsOwner()
		db.at(therapistsClock.Add(4 * 24 * time.Hour))
		first := db.consent(t, link.ID, fresh)
		stopped := db.at(therapistsClock.Add(5 * 24 * time.Hour))
		require.NoError(t, db.StopSharing(ctx, first.PersonID, first.ShareID))
		cl, err := db.FindClient(ctx, ana.ID, first.ShareID)
		require.NoError(t, err)
		assert.Equal(t, stopped, cl.StoppedAt)
		assert.False(t, cl.Sharing())

		t2 := db.at(therapistsClock.Add(6 * 24 * time.Hour))
		again, err := db.ConsentToShare(ctx, link.ID, known, "v2")
		require.NoError(t, err)
		assert.Equal(t, first.ShareID, again.ShareID)
		assert.Equal(t, first.PersonID, again.PersonID)
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM shares WHERE person_id = ?`, first.PersonID))
		assert.Equal(t, "NULL", db.text(t, `SELECT stopped_at FROM shares WHERE id = ?`, first.ShareID))
		assert.Equal(t, "v2", db.text(t, `SELECT wording FROM shares WHERE id = ?`, first.ShareID), "the wording agreed to now")

		cl, err = db.FindClient(ctx, ana.ID, first.ShareID)
		require.NoError(t, err)
		assert.Equal(t, t2, cl.ConsentedAt)
		assert.True(t, cl.StoppedAt.IsZero())
		assert.True(t, cl.Sharing())
		assert.Equal(t, "v2", cl.Wording)
	})
}

func TestStopSharing(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	link, _ := db.link(t, ana.ID, "A", time.Time{})
	p, _ := therapistsOwner()
	q, _ := therapistsOwner()
	mine := db.consent(t, link.ID, p)
	theirs := db.consent(t, link.ID, q)

	t.Run("ErrNotFound", func(t *testing.T) {
		db.at(therapistsClock.Add(time.Hour))
		err := db.StopSharing(ctx, theirs.PersonID, mine.ShareID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "another person's share")
		err = db.StopSharing(ctx, mine.PersonID, theirs.ShareID+1000)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "no such share")
		err = db.StopSharing(ctx, 0, mine.ShareID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "no person")
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM shares WHERE stopped_at IS NOT NULL`), "nothing stopped")
	})

	t.Run("OKTwiceKeepsTheFirst", func(t *testing.T) {
		first := db.at(therapistsClock.Add(2 * time.Hour))
		require.NoError(t, db.StopSharing(ctx, mine.PersonID, mine.ShareID))
		db.at(therapistsClock.Add(3 * time.Hour))
		require.NoError(t, db.StopSharing(ctx, mine.PersonID, mine.ShareID))
		cl, err := db.FindClient(ctx, ana.ID, mine.ShareID)
		require.NoError(t, err)
		assert.Equal(t, first, cl.StoppedAt)
		assert.Equal(t, mine.PersonID, cl.PersonID)
		cl, err = db.FindClient(ctx, ana.ID, theirs.ShareID)
		require.NoError(t, err)
		assert.True(t, cl.Sharing(), "the other client still shares")
	})
}

// TestTherapistView is what a therapist sees of a client: only the
// client's completed attempts of the link's quiz finished since the
// consent, and nothing once sharing stopped.
func TestTherapistView(t *testing.T) {
	db := therapistsOpen(t)
	raw := db.raw
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana Silva")
	ben := db.therapist(t, "ben@example.com", "Ben Okafor")
	link, _ := db.link(t, ana.ID, "P.Q.", time.Time{})
	bens, _ := db.link(t, ben.ID, "Ben's", time.Time{})

	// P finishes an attempt before agreeing to share.
	pFresh, p := therapistsOwner()
	before, pc := db.take(t, db.quiz, therapistsRested, pFresh)

	t1 := db.at(therapistsClock.Add(time.Hour))
	share := db.consent(t, link.ID, p)
	require.Equal(t, pc.PersonID, share.PersonID)
	// Two are started for the share and finished in the other order, so
	// "newest" cannot be mistaken for "highest id"; one is taken privately
	// in between.
	x := db.startFor(t, db.quiz, therapistsRested, share.ShareID)
	y := db.startFor(t, db.quiz, therapistsWired, share.ShareID)
	require.NotEqual(t, x.result, y.result)
	db.complete(t, db.quiz, y, therapistsWired, p) // at the very time of the consent
	private, _ := db.take(t, db.quiz, therapistsWired, p)
	t2 := db.at(therapistsClock.Add(2 * time.Hour))
	db.complete(t, db.quiz, x, therapistsRested, p)
	// Another quiz, and an unfinished attempt put in P's history behind
	// the store's back.
	db.at(therapistsClock.Add(3 * time.Hour))
	otherQuiz, _ := db.take(t, db.other, scoring.Answers{"o1": 3}, p)
	// It even has a completion time, so that only its status keeps it out.
	draft := db.startFor(t, db.quiz, therapistsWired, share.ShareID)
	_, err := raw.Exec(`UPDATE attempts SET person_id = ?, completed_at = ? WHERE id = ?`,
		share.PersonID, "2027-01-11T12:00:00.000Z", draft.id)
	require.NoError(t, err)

	// Q agrees later and finishes an attempt later still.
	tq := db.at(therapistsClock.Add(90 * time.Minute))
	qFresh, q := therapistsOwner()
	qShare := db.consent(t, link.ID, qFresh)
	t4 := db.at(therapistsClock.Add(4 * time.Hour))
	qa, _ := db.takeFor(t, db.quiz, therapistsWired, q, qShare.ShareID)
	// R agrees and does nothing yet.
	tr := db.at(therapistsClock.Add(150 * time.Minute))
	rFresh, _ := therapistsOwner()
	rShare := db.consent(t, link.ID, rFresh)
	// P also shares with Ben, from later on.
	tBen := db.at(therapistsClock.Add(5 * time.Hour))
	bShare := db.consent(t, bens.ID, p)
	db.at(therapistsClock.Add(6 * time.Hour))

	t.Run("ListSharedAttempts", func(t *testing.T) {
		got, err := db.ListSharedAttempts(ctx, share.ShareID)
		require.NoError(t, err)
		assert.Equal(t, []int64{x.id, y.id}, therapistsIDs(got),
			"newest first; not the one before consent, the private one, another quiz's, someone else's or an unfinished one")
		require.Len(t, got, 2)
		assert.Equal(t, t2, got[0].CompletedAt)
		assert.Equal(t, t1, got[1].CompletedAt)
		assert.Equal(t, therapistsRested, got[0].Answers)
		assert.Equal(t, therapistsWired, got[1].Answers)
		require.NotNil(t, got[0].Outcome)
		assert.Equal(t, x.result, got[0].Outcome.Result)
		require.NotNil(t, got[1].Outcome)
		assert.Equal(t, y.result, got[1].Outcome.Result)
		for _, a := range got {
			assert.Equal(t, share.PersonID, a.PersonID)
			assert.Equal(t, "weighted-sleep", a.QuizID)
		}
		mine, err := db.ListAttempts(ctx, share.PersonID)
		require.NoError(t, err)
		assert.ElementsMatch(t, []int64{before.id, x.id, y.id, private.id, otherQuiz.id}, therapistsIDs(mine),
			"the person's own history is all of them")

		got, err = db.ListSharedAttempts(ctx, qShare.ShareID)
		require.NoError(t, err)
		assert.Equal(t, []int64{qa.id}, therapistsIDs(got))

		got, err = db.ListSharedAttempts(ctx, rShare.ShareID)
		require.NoError(t, err)
		assert.Empty(t, got)

		got, err = db.ListSharedAttempts(ctx, bShare.ShareID)
		require.NoError(t, err)
		assert.Empty(t, got, "Ben sees nothing finished before P agreed to share with him")

		got, err = db.ListSharedAttempts(ctx, rShare.ShareID+1000)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("FindClient", func(t *testing.T) {
		got, err := db.FindClient(ctx, ana.ID, share.ShareID)
		require.NoError(t, err)
		assert.Equal(t, share.ShareID, got.ID)
		assert.Equal(t, share.PersonID, got.PersonID)
		assert.Equal(t, t1, got.ConsentedAt)
		assert.Equal(t, "v1", got.Wording)
		assert.True(t, got.StoppedAt.IsZero())
		assert.True(t, got.Sharing())
		assert.Equal(t, 2, got.Attempts)
		assert.Equal(t, t2, got.LastActivity, "the newest shared attempt, not the other quiz's")
		assert.Equal(t, &tandem.LatestResult{QuizID: "weighted-sleep", QuizHash: db.quiz.Hash, ResultID: x.result}, got.Latest)
		assert.Equal(t, link.ID, got.Link.ID)
		assert.Equal(t, ana.ID, got.Link.TherapistID)
		assert.Equal(t, "P.Q.", got.Link.Label)
		assert.Equal(t, "Ana Silva", got.Link.TherapistName)
		assert.Equal(t, "weighted-sleep", got.Link.QuizID)
		assert.True(t, got.Link.SharesAnswers)

		got, err = db.FindClient(ctx, ana.ID, rShare.ShareID)
		require.NoError(t, err)
		assert.Zero(t, got.Attempts)
		assert.Equal(t, tr, got.LastActivity, "the consent, when nothing is shared yet")
		assert.Nil(t, got.Latest)
	})

	t.Run("FindClient/ErrNotFound", func(t *testing.T) {
		tests := []struct {
			name        string
			therapistID int64
			shareID     int64
		}{
			{"AnotherTherapists", ben.ID, share.ShareID},
			{"FromTheOtherSide", ana.ID, bShare.ShareID},
			{"Unknown", ana.ID, bShare.ShareID + 1000},
			{"NoTherapist", 0, share.ShareID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.FindClient(ctx, tt.therapistID, tt.shareID)
				assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
				assert.Nil(t, got)
			})
		}
	})

	t.Run("ListClients", func(t *testing.T) {
		got, err := db.ListClients(ctx, ana.ID)
		require.NoError(t, err)
		// Q's attempt (t4) is newer than R's consent (tr), which is newer
		// than P's attempt (t2).
		assert.Equal(t, []int64{qShare.ShareID, rShare.ShareID, share.ShareID}, therapistsShareIDs(got))
		require.Len(t, got, 3)
		want := []struct {
			attempts  int
			last      time.Time
			consented time.Time
			latest    string
		}{
			{1, t4, tq, qa.result},
			{0, tr, tr, ""},
			{2, t2, t1, x.result},
		}
		for i, w := range want {
			assert.Equal(t, w.attempts, got[i].Attempts, "client %d", i)
			assert.Equal(t, w.last, got[i].LastActivity, "client %d", i)
			assert.Equal(t, w.consented, got[i].ConsentedAt, "client %d", i)
			if w.latest == "" {
				assert.Nil(t, got[i].Latest, "client %d", i)
			} else if assert.NotNil(t, got[i].Latest, "client %d", i) {
				assert.Equal(t, w.latest, got[i].Latest.ResultID, "client %d", i)
			}
			assert.Equal(t, "Ana Silva", got[i].Link.TherapistName)
		}

		got, err = db.ListClients(ctx, ben.ID)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, bShare.ShareID, got[0].ID)
		assert.Equal(t, tBen, got[0].LastActivity)
		assert.Zero(t, got[0].Attempts)

		got, err = db.ListClients(ctx, ben.ID+1000)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("ListPersonShares", func(t *testing.T) {
		got, err := db.ListPersonShares(ctx, share.PersonID)
		require.NoError(t, err)
		assert.Equal(t, []int64{bShare.ShareID, share.ShareID}, therapistsShareIDs(got), "Ben's consent (t5) is newer than t2")
	})

	t.Run("AfterStopSharing", func(t *testing.T) {
		stopped := db.at(therapistsClock.Add(7 * time.Hour))
		require.NoError(t, db.StopSharing(ctx, share.PersonID, share.ShareID))
		// P finishes another attempt for the share: it is not shared either.
		db.at(therapistsClock.Add(8 * time.Hour))
		db.takeFor(t, db.quiz, therapistsRested, p, share.ShareID)

		got, err := db.ListSharedAttempts(ctx, share.ShareID)
		require.NoError(t, err)
		assert.Empty(t, got)

		cl, err := db.FindClient(ctx, ana.ID, share.ShareID)
		require.NoError(t, err)
		assert.False(t, cl.Sharing())
		assert.Equal(t, stopped, cl.StoppedAt)
		assert.Zero(t, cl.Attempts)
		assert.Nil(t, cl.Latest)

		clients, err := db.ListClients(ctx, ana.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, []int64{qShare.ShareID, rShare.ShareID, share.ShareID}, therapistsShareIDs(clients),
			"a client who stopped is still listed")

		// Sharing with Ben goes on, and includes what P takes for him.
		ben1, _ := db.takeFor(t, db.quiz, therapistsRested, p, bShare.ShareID)
		got, err = db.ListSharedAttempts(ctx, bShare.ShareID)
		require.NoError(t, err)
		assert.Equal(t, []int64{ben1.id}, therapistsIDs(got))
		// So does Q's with Ana.
		got, err = db.ListSharedAttempts(ctx, qShare.ShareID)
		require.NoError(t, err)
		assert.Equal(t, []int64{qa.id}, therapistsIDs(got))
	})
}

func TestDeletePerson_Shares(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	ben := db.therapist(t, "ben@example.com", "Ben")
	link, _ := db.link(t, ana.ID, "A", time.Time{})
	bens, _ := db.link(t, ben.ID, "B", time.Time{})

	pFresh, p := therapistsOwner()
	share := db.consent(t, link.ID, pFresh)
	earlier := db.consent(t, bens.ID, p)
	qFresh, q := therapistsOwner()
	qShare := db.consent(t, link.ID, qFresh)
	db.at(therapistsClock.Add(time.Hour))
	db.takeFor(t, db.quiz, therapistsRested, p, share.ShareID)
	qa, _ := db.takeFor(t, db.quiz, therapistsWired, q, qShare.ShareID)
	require.NoError(t, db.RecordAccess(ctx, tandem.AccessClient, share.ShareID))
	stoppedEarlier := db.at(therapistsClock.Add(2 * time.Hour))
	require.NoError(t, db.StopSharing(ctx, share.PersonID, earlier.ShareID))

	got, err := db.ListSharedAttempts(ctx, share.ShareID)
	require.NoError(t, err)
	require.Len(t, got, 1, "shared before the deletion")

	deleted := db.at(therapistsClock.Add(3 * time.Hour))
	require.NoError(t, db.DeletePerson(ctx, share.PersonID))

	t.Run("TheTherapistSeesStopped", func(t *testing.T) {
		cl, err := db.FindClient(ctx, ana.ID, share.ShareID)
		require.NoError(t, err)
		assert.Zero(t, cl.PersonID)
		assert.Equal(t, deleted, cl.StoppedAt)
		assert.False(t, cl.Sharing())
		assert.Zero(t, cl.Attempts)
		assert.Nil(t, cl.Latest)
		assert.Equal(t, therapistsClock, cl.ConsentedAt)

		got, err := db.ListSharedAttempts(ctx, share.ShareID)
		require.NoError(t, err)
		assert.Empty(t, got)

		clients, err := db.ListClients(ctx, ana.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, []int64{share.ShareID, qShare.ShareID}, therapistsShareIDs(clients))
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM shares WHERE id = ? AND person_id IS NULL`, share.ShareID))
	})

	t.Run("AStoppedShareKeepsItsTime", func(t *testing.T) {
		cl, err := db.FindClient(ctx, ben.ID, earlier.ShareID)
		require.NoError(t, err)
		assert.Zero(t, cl.PersonID)
		assert.Equal(t, stoppedEarlier, cl.StoppedAt)
	})

	t.Run("OthersShareOn", func(t *testing.T) {
		cl, err := db.FindClient(ctx, ana.ID, qShare.ShareID)
		require.NoError(t, err)
		assert.True(t, cl.Sharing())
		assert.True(t, cl.StoppedAt.IsZero())
		assert.Equal(t, 1, cl.Attempts)
		got, err := db.ListSharedAttempts(ctx, qShare.ShareID)
		require.NoError(t, err)
		assert.Equal(t, []int64{qa.id}, therapistsIDs(got))
	})

	t.Run("TheAccessLogNoLongerNamesThePerson", func(t *testing.T) {
		got, err := db.ListPersonAccess(ctx, share.PersonID, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

func TestTherapistStore_DeleteTherapist(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	ben := db.therapist(t, "ben@example.com", "Ben")
	l1, h1 := db.link(t, ana.ID, "A1", time.Time{})
	l2, _ := db.link(t, ana.ID, "A2", time.Time{})
	bens, _ := db.link(t, ben.ID, "B", time.Time{})

	pFresh, p := therapistsOwner()
	qFresh, _ := therapistsOwner()
	s1 := db.consent(t, l1.ID, pFresh)
	s2 := db.consent(t, l2.ID, qFresh)
	sb := db.consent(t, bens.ID, p)
	db.at(therapistsClock.Add(time.Hour))
	db.takeFor(t, db.quiz, therapistsRested, p, sb.ShareID)
	db.take(t, db.other, scoring.Answers{"o1": 2}, p)
	require.NoError(t, db.RecordAccess(ctx, tandem.AccessList, s1.ShareID, s2.ShareID, sb.ShareID))
	require.NoError(t, db.RecordAccess(ctx, tandem.AccessResult, s1.ShareID))
	attempts, err := db.ListAttempts(ctx, s1.PersonID)
	require.NoError(t, err)
	require.Len(t, attempts, 2)

	require.NoError(t, db.DeleteTherapist(ctx, ana.ID))

	t.Run("AccountLinksSharesAndLogGone", func(t *testing.T) {
		_, err := db.FindTherapist(ctx, ana.ID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		_, err = db.FindTherapistByEmail(ctx, "ana@example.com")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		_, err = db.FindShareLinkByToken(ctx, h1)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM share_links WHERE therapist_id = ?`, ana.ID))
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM shares WHERE link_id IN (?, ?)`, l1.ID, l2.ID))
		assert.Equal(t, 0, db.count(t, `SELECT count(*) FROM access_log WHERE share_id IN (?, ?)`, s1.ShareID, s2.ShareID))
		links, err := db.ListShareLinks(ctx, ana.ID)
		require.NoError(t, err)
		assert.Empty(t, links)
		clients, err := db.ListClients(ctx, ana.ID)
		require.NoError(t, err)
		assert.Empty(t, clients)
		_, err = db.FindClient(ctx, ana.ID, s1.ShareID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		_, err = db.ConsentToShare(ctx, l1.ID, p, "v1")
		assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "the link can no longer be used")
	})

	t.Run("ClientsKeepTheirResults", func(t *testing.T) {
		person, err := db.FindPersonByToken(ctx, p.TokenHash)
		require.NoError(t, err)
		assert.Equal(t, s1.PersonID, person.ID)
		_, err = db.FindPersonByToken(ctx, qFresh.NewTokenHash)
		require.NoError(t, err)
		got, err := db.ListAttempts(ctx, s1.PersonID)
		require.NoError(t, err)
		assert.Equal(t, attempts, got)
		shares, err := db.ListPersonShares(ctx, s1.PersonID)
		require.NoError(t, err)
		assert.Equal(t, []int64{sb.ShareID}, therapistsShareIDs(shares))
		shares, err = db.ListPersonShares(ctx, s2.PersonID)
		require.NoError(t, err)
		assert.Empty(t, shares)
	})

	t.Run("OtherTherapistsKeepTheirs", func(t *testing.T) {
		got, err := db.FindTherapist(ctx, ben.ID)
		require.NoError(t, err)
		assert.Equal(t, ben, got)
		links, err := db.ListShareLinks(ctx, ben.ID)
		require.NoError(t, err)
		require.Len(t, links, 1)
		assert.Equal(t, 1, links[0].Clients)
		log, err := db.ListTherapistAccess(ctx, ben.ID, 10)
		require.NoError(t, err)
		require.Len(t, log, 1)
		assert.Equal(t, sb.ShareID, log[0].ShareID)
		shared, err := db.ListSharedAttempts(ctx, sb.ShareID)
		require.NoError(t, err)
		assert.Len(t, shared, 1)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		err := db.DeleteTherapist(ctx, ana.ID)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "twice")
		err = db.DeleteTherapist(ctx, ben.ID+1000)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "unknown")
		assert.Equal(t, 1, db.count(t, `SELECT count(*) FROM therapists`))
	})
}

// TestTherapistStore_DeleteTherapist_IdsNotReused: a login session names
// its account by id and session epoch only (web/accounts.go startSession,
// currentTherapist), and a deleted account's other sessions stay in the
// table until they expire. Were the id of the deleted row reused (SQLite
// does so without AUTOINCREMENT), a session left over from a deleted
// account would open the next account created: a stranger's.
func TestTherapistStore_DeleteTherapist_IdsNotReused(t *testing.T) {
	t.Run("NewAccountNeverGetsADeletedAccountsIdentity", func(t *testing.T) {
		db := therapistsOpen(t)
		ctx := context.Background()
		db.therapist(t, "first@example.com", "First")
		gone := db.therapist(t, "gone@example.com", "Gone")
		require.NoError(t, db.DeleteTherapist(ctx, gone.ID))

		stranger := db.therapist(t, "stranger@example.com", "Stranger")
		assert.False(t, stranger.ID == gone.ID && stranger.SessionEpoch == gone.SessionEpoch,
			"a new account (id %d, epoch %d) has the identity a deleted account's sessions hold (id %d, epoch %d)",
			stranger.ID, stranger.SessionEpoch, gone.ID, gone.SessionEpoch)
	})
}

func TestAccessLog(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana Silva")
	ben := db.therapist(t, "ben@example.com", "Ben Okafor")
	la, _ := db.link(t, ana.ID, "P.", time.Time{})
	la2, _ := db.link(t, ana.ID, "Q.", time.Time{})
	lb, _ := db.link(t, ben.ID, "Pb", time.Time{})
	pFresh, p := therapistsOwner()
	qFresh, _ := therapistsOwner()
	spa := db.consent(t, la.ID, pFresh).ShareID
	sqa := db.consent(t, la2.ID, qFresh)
	spb := db.consent(t, lb.ID, p)
	personP, personQ := spb.PersonID, sqa.PersonID

	// One look per minute; the first covers two clients at once.
	at := func(m int) time.Time { return therapistsClock.Add(time.Duration(m) * time.Minute) }
	looks := []struct {
		minute int
		what   string
		shares []int64
	}{
		{1, tandem.AccessList, []int64{spa, sqa.ShareID}},
		{2, tandem.AccessClient, []int64{spa}},
		{3, tandem.AccessResult, []int64{spb.ShareID}},
		{4, tandem.AccessCompare, []int64{sqa.ShareID}},
		{5, tandem.AccessExport, []int64{spa}},
	}
	for _, l := range looks {
		db.at(at(l.minute))
		require.NoError(t, db.RecordAccess(ctx, l.what, l.shares...))
	}
	anaP := func(m int, what string) tandem.Access {
		return tandem.Access{ShareID: spa, At: at(m), What: what, TherapistName: "Ana Silva", Label: "P.", Number: 1, Of: 1}
	}
	anaQ := func(m int, what string) tandem.Access {
		return tandem.Access{ShareID: sqa.ShareID, At: at(m), What: what, TherapistName: "Ana Silva", Label: "Q.", Number: 1, Of: 1}
	}
	benP := func(m int, what string) tandem.Access {
		return tandem.Access{ShareID: spb.ShareID, At: at(m), What: what, TherapistName: "Ben Okafor", Label: "Pb", Number: 1, Of: 1}
	}

	tests := []struct {
		name string
		list func(limit int) ([]tandem.Access, error)
		want []tandem.Access
	}{
		{"ListShareAccess", func(n int) ([]tandem.Access, error) { return db.ListShareAccess(ctx, spa, n) },
			[]tandem.Access{anaP(5, "export"), anaP(2, "client"), anaP(1, "list")}},
		{"ListShareAccess/Other", func(n int) ([]tandem.Access, error) { return db.ListShareAccess(ctx, sqa.ShareID, n) },
			[]tandem.Access{anaQ(4, "compare"), anaQ(1, "list")}},
		// The two looks of minute 1 were written P, then Q: the later
		// written comes first.
		{"ListTherapistAccess", func(n int) ([]tandem.Access, error) { return db.ListTherapistAccess(ctx, ana.ID, n) },
			[]tandem.Access{anaP(5, "export"), anaQ(4, "compare"), anaP(2, "client"), anaQ(1, "list"), anaP(1, "list")}},
		{"ListTherapistAccess/Other", func(n int) ([]tandem.Access, error) { return db.ListTherapistAccess(ctx, ben.ID, n) },
			[]tandem.Access{benP(3, "result")}},
		{"ListPersonAccess", func(n int) ([]tandem.Access, error) { return db.ListPersonAccess(ctx, personP, n) },
			[]tandem.Access{anaP(5, "export"), benP(3, "result"), anaP(2, "client"), anaP(1, "list")}},
		{"ListPersonAccess/Other", func(n int) ([]tandem.Access, error) { return db.ListPersonAccess(ctx, personQ, n) },
			[]tandem.Access{anaQ(4, "compare"), anaQ(1, "list")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.list(100)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			for _, limit := range []int{1, 2} {
				got, err := tt.list(limit)
				require.NoError(t, err)
				assert.Equal(t, tt.want[:min(limit, len(tt.want))], got, "limit %d", limit)
			}
		})
	}

	t.Run("Empty", func(t *testing.T) {
		got, err := db.ListTherapistAccess(ctx, ben.ID+1000, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = db.ListPersonAccess(ctx, personQ+1000, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = db.ListShareAccess(ctx, spb.ShareID+1000, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("RecordAccess/NoIDsIsANoOp", func(t *testing.T) {
		before := db.count(t, `SELECT count(*) FROM access_log`)
		require.Equal(t, 6, before, "one row per share looked at")
		assert.NoError(t, db.RecordAccess(ctx, tandem.AccessList))
		assert.NoError(t, db.RecordAccess(ctx, tandem.AccessList, []int64{}...))
		assert.Equal(t, before, db.count(t, `SELECT count(*) FROM access_log`))
	})

	t.Run("RecordAccess/GoneSkipped", func(t *testing.T) {
		// A client can delete everything between the page that lists them
		// and the record of the look: the others are still recorded.
		before := db.count(t, `SELECT count(*) FROM access_log`)
		require.NoError(t, db.RecordAccess(ctx, tandem.AccessList, spa, spb.ShareID+1000))
		assert.Equal(t, before+1, db.count(t, `SELECT count(*) FROM access_log`))
	})

	t.Run("RecordAccess/UnknownKind", func(t *testing.T) {
		before := db.count(t, `SELECT count(*) FROM access_log`)
		err := db.RecordAccess(ctx, "peek", spa, sqa.ShareID)
		assert.Error(t, err, "an unknown kind of look")
		assert.Equal(t, before, db.count(t, `SELECT count(*) FROM access_log`), "all or nothing")
	})
}

// TestShareEvents: every consent and every stop is kept as it happened,
// with the consent text's version, while shares holds only what is in
// force; a consent already in force adds nothing.
func TestShareEvents(t *testing.T) {
	db := therapistsOpen(t)
	ctx := context.Background()
	ana := db.therapist(t, "ana@example.com", "Ana")
	link, _ := db.link(t, ana.ID, "A", time.Time{})
	pFresh, p := therapistsOwner()
	share := db.consent(t, link.ID, pFresh)
	db.at(therapistsClock.Add(time.Minute))
	again, err := db.ConsentToShare(ctx, link.ID, p, "v2")
	require.NoError(t, err)
	assert.Equal(t, share.ShareID, again.ShareID)
	db.at(therapistsClock.Add(time.Hour))
	require.NoError(t, db.StopSharing(ctx, share.PersonID, share.ShareID))
	require.NoError(t, db.StopSharing(ctx, share.PersonID, share.ShareID), "stopping twice is no error")
	db.at(therapistsClock.Add(2 * time.Hour))
	_, err = db.ConsentToShare(ctx, link.ID, p, "v3")
	require.NoError(t, err)
	db.at(therapistsClock.Add(3 * time.Hour))
	require.NoError(t, db.DeletePerson(ctx, share.PersonID))

	rows, err := db.raw.Query(`SELECT at, event, coalesce(wording, '') FROM share_events WHERE share_id = ? ORDER BY rowid`, share.ShareID)
	require.NoError(t, err)
	defer rows.Close()
	var got []string
	for rows.Next() {
		var at, event, wording string
		require.NoError(t, rows.Scan(&at, &event, &wording))
		got = append(got, at+" "+event+" "+wording)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{
		"2027-01-11T09:00:00.000Z consented v1",
		"2027-01-11T10:00:00.000Z stopped ",
		"2027-01-11T11:00:00.000Z consented v3",
		"2027-01-11T12:00:00.000Z stopped ",
	}, got)
}

// TestCompleteAttempt_SharedBelongsToTheSharer: an attempt taken for a
// share joins the history of the person who agreed, even when the browser
// that finishes it remembers someone else; a private one follows the
// browser as before.
func TestCompleteAttempt_SharedBelongsToTheSharer(t *testing.T) {
	db := therapistsOpen(t)
	ana := db.therapist(t, "ana@example.com", "Ana")
	link, _ := db.link(t, ana.ID, "A", time.Time{})
	pFresh, _ := therapistsOwner()
	share := db.consent(t, link.ID, pFresh)
	qFresh, q := therapistsOwner()
	_, qc := db.take(t, db.quiz, therapistsRested, qFresh)

	a := db.startFor(t, db.quiz, therapistsWired, share.ShareID)
	c := db.complete(t, db.quiz, a, therapistsWired, q) // finished in Q's browser
	assert.Equal(t, share.PersonID, c.PersonID)
	assert.False(t, c.NewPerson)
	shared, err := db.ListSharedAttempts(context.Background(), share.ShareID)
	require.NoError(t, err)
	assert.Equal(t, []int64{a.id}, therapistsIDs(shared))

	private := db.start(t, db.quiz, therapistsWired)
	assert.Equal(t, qc.PersonID, db.complete(t, db.quiz, private, therapistsWired, q).PersonID)
}
