package web_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// fullStore is the real database whose writes, while full is set, fail
// the way the real store's do on a full disk: EUNAVAILABLE joined with the
// driver's error, and nothing written. (The real writer's state is out of
// reach from here; internal/sqlite's full_test.go shows the real store
// returns exactly this.)
type fullStore struct {
	*sqlite.DB
	full *atomic.Bool
}

// errDiskFull is what the sqlite store returns when the disk is full.
func errDiskFull() error {
	return errors.Join(
		tandem.Errorf(tandem.EUNAVAILABLE, "We cannot save right now. Nothing was lost; please try again in a moment."),
		sqlite3.Error{Code: sqlite3.ErrFull})
}

func (s fullStore) CreateAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte) (*tandem.Attempt, error) {
	if s.full.Load() {
		return nil, errDiskFull()
	}
	return s.DB.CreateAttempt(ctx, q, tokenHash)
}

func (s fullStore) SaveAnswers(ctx context.Context, id int64, page []string, answers scoring.Answers) error {
	if s.full.Load() {
		return errDiskFull()
	}
	return s.DB.SaveAnswers(ctx, id, page, answers)
}

func (s fullStore) CompleteAttempt(ctx context.Context, id int64, q *quiz.Quiz, page []string, answers scoring.Answers,
	owner tandem.Owner, resultTokenHash []byte) (tandem.Completion, error) {
	if s.full.Load() {
		return tandem.Completion{}, errDiskFull()
	}
	return s.DB.CompleteAttempt(ctx, id, q, page, answers, owner, resultTokenHash)
}

// TestUnavailable: when storage cannot take writes, starting, saving and
// finishing an attempt each answer 503 with Retry-After and a calm page,
// set no cookie and write nothing; the same form works once storage is
// back.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	q := fixture(t, "weighted-sleep.yaml")
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	db.Now = func() time.Time { return testClock }
	store := fullStore{DB: db, full: &atomic.Bool{}}
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	e := newEnvStore(t, db, store, q)
	e.dbPath = path

	rows := func() [4]int {
		return [4]int{
			e.count(`SELECT count(*) FROM attempts`),
			e.count(`SELECT count(*) FROM answers`),
			e.count(`SELECT count(*) FROM scale_scores`),
			e.count(`SELECT count(*) FROM people`),
		}
	}
	// refused checks one request made while storage is full.
	refused := func(t *testing.T, send func() *response) {
		t.Helper()
		before := rows()
		store.full.Store(true)
		r := send()
		store.full.Store(false)
		assert.Equal(t, http.StatusServiceUnavailable, r.status)
		retry, err := strconv.Atoi(r.header.Get("Retry-After"))
		if assert.NoError(t, err, "Retry-After in seconds") {
			assert.Positive(t, retry)
		}
		assert.Empty(t, r.header.Values("Set-Cookie"), "a refused write sets no cookie")
		assertCalmPage(t, r)
		assert.NotContains(t, strings.ToLower(r.body), "disk is full")
		assert.Equal(t, before, rows(), "a refused write leaves no rows")
	}

	t.Run("CreateAttempt", func(t *testing.T) {
		refused(t, func() *response { return e.post("/quizzes/weighted-sleep/attempts", nil) })
	})

	token := e.start("weighted-sleep")
	page1 := e.get("/attempts/" + token + "/1")
	form1 := pageForm(t, page1, "next", map[string]int{"n1": 1, "n2": 2, "n3": 3})
	t.Run("SaveAnswers", func(t *testing.T) {
		refused(t, func() *response { return e.post("/attempts/"+token+"/1", form1) })
	})
	r := e.post("/attempts/"+token+"/1", form1)
	require.Equal(t, http.StatusSeeOther, r.status, "the same page saves once storage is back")

	page2 := e.get("/attempts/" + token + "/2")
	form2 := pageForm(t, page2, "next", map[string]int{"d1": 4, "d3": 0})
	t.Run("CompleteAttempt", func(t *testing.T) {
		refused(t, func() *response { return e.post("/attempts/"+token+"/2", form2) })
		a, err := db.FindAttemptByToken(ctx, tandem.HashToken(token))
		require.NoError(t, err)
		assert.False(t, a.Completed())
	})
	r = e.post("/attempts/"+token+"/2", form2)
	require.Equal(t, http.StatusSeeOther, r.status, "the same form finishes once storage is back")
	assert.Equal(t, http.StatusOK, e.get("/results/"+resultOf(t, r)).status)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE status = 'completed'`))
}
