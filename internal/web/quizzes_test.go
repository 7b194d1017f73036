package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
)

// twin is the parts of the JSON twin these tests compare.
type twin struct {
	Quiz struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	} `json:"quiz"`
	CompletedAt string `json:"completed_at"`
	Scales      map[string]struct {
		Score    *float64 `json:"score"`
		Answered int      `json:"answered"`
		Items    int      `json:"items"`
	} `json:"scales"`
	Result struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"result"`
	Spectrum *struct {
		Position *float64 `json:"position"`
		Zone     string   `json:"zone"`
	} `json:"spectrum"`
	Support []string `json:"support"`
}

// twin reads the JSON twin of the result with the given token.
func (e *env) twin(token string) twin {
	e.t.Helper()
	r := e.get("/results/" + token + ".json")
	require.Equal(e.t, http.StatusOK, r.status)
	var tw twin
	require.NoError(e.t, json.Unmarshal([]byte(r.body), &tw))
	return tw
}

// TestOtherQuiz_ScoredExactly serves a quiz written by someone else, with
// a 0-based answer scale, weights of 2, 0.5 and -1, and optional items,
// and checks every number against hand-computed values.
func TestOtherQuiz_ScoredExactly(t *testing.T) {
	q := fixture(t, "weighted-sleep.yaml")
	e := newEnv(t, q)
	home := e.get("/")
	assert.Equal(t, "/quizzes/weighted-sleep", attr(find(t, find(t, home.doc, byTestID("quiz-card")), byTag("a")), "href"))

	type scale struct {
		score    *float64
		answered int
		items    int
	}
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		answers  map[string]int
		scales   map[string]scale
		result   string
		position *float64
	}{
		{
			name:    "Complete",
			answers: map[string]int{"n1": 1, "n2": 3, "n3": 1, "n4": 3, "d1": 2, "d2": 3, "d3": 4, "d4": 1},
			scales: map[string]scale{
				"rest":    {f(25), 5, 5},
				"worry":   {f(87.5), 4, 4},
				"routine": {f(275.0 / 7), 3, 3},
			},
			result:   "tired-and-wired",
			position: f(18.75),
		},
		{
			name:    "OptionalSkipped",
			answers: map[string]int{"n1": 4, "n2": 0, "n3": 3, "d1": 3, "d3": 1},
			scales: map[string]scale{
				"rest":    {f(93.75), 3, 5},
				"worry":   {f(125.0 / 7), 3, 4},
				"routine": {nil, 1, 3}, // 1 of 3 answered: fewer than 2
			},
			result:   "well-rested",
			position: f(4925.0 / 56),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := resultOf(t, e.answerAll(e.start("weighted-sleep"), func(id string) (int, bool) { v, ok := tt.answers[id]; return v, ok }))
			tw := e.twin(token)
			assert.Equal(t, "weighted-sleep", tw.Quiz.ID)
			assert.Equal(t, 3, tw.Quiz.Version)
			assert.Equal(t, tt.result, tw.Result.ID)
			require.Len(t, tw.Scales, len(tt.scales))
			for id, want := range tt.scales {
				got := tw.Scales[id]
				assert.Equal(t, want.answered, got.Answered, id)
				assert.Equal(t, want.items, got.Items, id)
				if want.score == nil {
					assert.Nil(t, got.Score, id)
					continue
				}
				require.NotNil(t, got.Score, id)
				assert.InDelta(t, *want.score, *got.Score, 1e-9, id)
			}
			require.NotNil(t, tw.Spectrum)
			require.NotNil(t, tw.Spectrum.Position)
			assert.InDelta(t, *tt.position, *tw.Spectrum.Position, 1e-9)

			page := e.get("/results/" + token)
			require.Equal(t, http.StatusOK, page.status)
			for _, sc := range findAll(page.doc, byTestID("scale")) {
				if attr(sc, "data-scale") == "routine" && tt.scales["routine"].score == nil {
					assert.Equal(t, "No score", text(find(t, sc, byTestID("score"))))
				}
			}
			if tt.scales["routine"].score == nil {
				// The map needs routine: it says so instead of placing a marker.
				assert.Empty(t, findAll(page.doc, byTestID("map-marker")))
				assert.Contains(t, text(find(t, page.doc, byTestID("map-text"))), "too few answers")
			}
		})
	}
}

// TestQuizChanged covers a quiz file that changes while people use it.
func TestQuizChanged(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "tandem.db")
	v1 := fixture(t, "weighted-sleep.yaml")
	answers := map[string]int{"n1": 1, "n2": 3, "n3": 1, "n4": 3, "d1": 2, "d2": 3, "d3": 4, "d4": 1}

	first := newEnvAt(t, dbPath, v1)
	done := resultOf(t, first.answerAll(first.start("weighted-sleep"), func(id string) (int, bool) { v, ok := answers[id]; return v, ok }))
	unfinished := first.start("weighted-sleep")
	first.srv.Close()
	require.NoError(t, first.db.Close())

	// Version 4 renames a result and a scale.
	src := strings.Replace(string(v1.Source), "version: 3", "version: 4", 1)
	src = strings.Replace(src, v1.Results[0].Title, "A renamed result", 1)
	v2, err := quiz.Parse("weighted-sleep.yaml", []byte(src))
	require.NoError(t, err)
	require.NotEqual(t, v1.Hash, v2.Hash)
	second := newEnvAt(t, dbPath, v2)
	second.client = first.client // the same browser, after the restart

	t.Run("PastResultShowsTheFileItWasScoredWith", func(t *testing.T) {
		page := second.get("/results/" + done)
		require.Equal(t, http.StatusOK, page.status)
		assert.Equal(t, v1.Results[0].Title, text(find(t, page.doc, byTestID("result-title"))))
		tw := second.twin(done)
		assert.Equal(t, 3, tw.Quiz.Version)
		assert.Equal(t, "tired-and-wired", tw.Result.ID)
	})

	t.Run("UnfinishedAttemptIsAskedToRestart", func(t *testing.T) {
		r := second.get("/attempts/" + unfinished + "/1")
		assert.Equal(t, http.StatusConflict, r.status)
		assert.Contains(t, text(r.doc), "updated since you started")
		r = second.post("/attempts/"+unfinished+"/1", nil)
		assert.Equal(t, http.StatusConflict, r.status)
		intro := second.get("/quizzes/weighted-sleep")
		assert.Empty(t, findAll(intro.doc, byTestID("resume")), "no offer to resume an attempt that no longer fits")
	})

	t.Run("NewAttemptsUseTheNewFile", func(t *testing.T) {
		token := resultOf(t, second.answerAll(second.start("weighted-sleep"), func(id string) (int, bool) { v, ok := answers[id]; return v, ok }))
		page := second.get("/results/" + token)
		assert.Equal(t, "A renamed result", text(find(t, page.doc, byTestID("result-title"))))
		assert.Equal(t, 4, second.twin(token).Quiz.Version)
	})
}

// TestDraftCookie covers how a browser remembers an unfinished attempt:
// until it closes, or, once the person asked it to remember them, as long
// as the unfinished answers are kept.
func TestDraftCookie(t *testing.T) {
	e := newEnv(t)
	r := e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	cookie := r.header.Get("Set-Cookie")
	assert.Contains(t, cookie, "tandem_draft_"+spectrumQuiz+"=")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Lax")
	assert.NotContains(t, cookie, "Max-Age", "kept until the browser closes")
	assert.NotContains(t, cookie, "Expires")
	token := strings.Split(r.location, "/")[2]

	// Another browser is not offered this attempt.
	other := e.getWith(e.newClient(), "/")
	assert.Empty(t, findAll(other.doc, byTestID("resume")))
	mine := e.get("/")
	assert.Len(t, findAll(mine.doc, byAttr("href", "/attempts/"+token)), 1)

	// Finishing clears it.
	done := e.answerAll(token, func(string) (int, bool) { return 4, true })
	c := setCookieIn(done, "tandem_draft_"+spectrumQuiz)
	require.NotNil(t, c, "the draft cookie is cleared")
	assert.Less(t, c.MaxAge, 0)
	assert.Empty(t, findAll(e.get("/").doc, byAttr("href", "/attempts/"+token)))

	// Remembered, the browser keeps an unfinished attempt for a week.
	me := heldToken(t, e, e.client)
	require.Equal(t, http.StatusSeeOther, e.post("/me/"+me+"/remember", nil).status)
	r = e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	c = setCookieIn(r, "tandem_draft_"+spectrumQuiz)
	require.NotNil(t, c)
	assert.Equal(t, 604800, c.MaxAge)
}

// TestQuizChanged_SameVersion covers a file edited without raising its
// version: unfinished attempts are asked to restart, never scored wrongly.
func TestQuizChanged_SameVersion(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "tandem.db")
	v3 := fixture(t, "weighted-sleep.yaml")
	first := newEnvAt(t, dbPath, v3)
	token := first.start("weighted-sleep")
	page := first.get("/attempts/" + token + "/1")
	r := first.post("/attempts/"+token+"/1", pageForm(t, page, "next", map[string]int{"n1": 1, "n2": 1, "n3": 1, "n4": 1}))
	require.Equal(t, http.StatusSeeOther, r.status)
	first.srv.Close()
	require.NoError(t, first.db.Close())

	edited, err := quiz.Parse("weighted-sleep.yaml", []byte(strings.ReplaceAll(string(v3.Source), "id: n4", "id: n5")))
	require.NoError(t, err)
	require.Equal(t, v3.Version, edited.Version)
	second := newEnvAt(t, dbPath, edited)
	second.client = first.client // the same browser, after the restart
	last := second.get("/attempts/" + token + "/2")
	assert.Equal(t, http.StatusConflict, last.status)
	r = second.post("/attempts/"+token+"/2", url.Values{"_section": {"days"}, "d1": {"1"}, "d3": {"1"}})
	assert.Equal(t, http.StatusConflict, r.status)
	assert.Equal(t, 0, second.count(`SELECT count(*) FROM attempts WHERE status = 'completed'`))
}

// racingStore is the real database with a hook that runs just before an
// attempt is completed, to stage what another tab does at that moment.
type racingStore struct {
	*sqlite.DB
	before func()
}

func (s racingStore) CompleteAttempt(ctx context.Context, id int64, q *quiz.Quiz, page []string, answers scoring.Answers,
	owner tandem.Owner, resultTokenHash []byte) (tandem.Completion, error) {
	s.before()
	return s.DB.CompleteAttempt(ctx, id, q, page, answers, owner, resultTokenHash)
}

// TestFinish_AnswerRemovedByAnotherTab: between the last page's checks and
// its transaction, another tab empties an earlier answer. The attempt is
// not completed and the page with the missing answer comes back (422).
func TestFinish_AnswerRemovedByAnotherTab(t *testing.T) {
	q := fixture(t, "weighted-sleep.yaml")
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	var attemptID int64
	store := racingStore{DB: db, before: func() {
		require.NoError(t, db.SaveAnswers(context.Background(), attemptID, []string{"n1"}, nil))
	}}
	e := newEnvStore(t, db, store, q)

	token := e.start("weighted-sleep")
	a, err := db.FindAttemptByToken(context.Background(), tandem.HashToken(token))
	require.NoError(t, err)
	attemptID = a.ID
	page := e.get("/attempts/" + token + "/1")
	require.Equal(t, http.StatusSeeOther, e.post("/attempts/"+token+"/1", pageForm(t, page, "next", map[string]int{"n1": 2, "n2": 2, "n3": 2})).status)
	last := e.get("/attempts/" + token + "/2")
	r := e.post("/attempts/"+token+"/2", pageForm(t, last, "next", map[string]int{"d1": 1, "d3": 1}))
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, text(r.doc), "Section 1 of 2")
	fs := find(t, r.doc, byAttr("id", "q-n1"))
	assert.Equal(t, "e-n1", attr(fs, "aria-describedby"))
	after, err := db.FindAttemptByToken(context.Background(), tandem.HashToken(token))
	require.NoError(t, err)
	assert.False(t, after.Completed())
	assert.Equal(t, scoring.Answers{"n2": 2, "n3": 2, "d1": 1, "d3": 1}, after.Answers, "the last page was kept")
}

// TestBaseURL: behind a reverse proxy that ends TLS, private links use the
// public address and cookies are Secure.
func TestBaseURL(t *testing.T) {
	e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{BaseURL: "https://tandem.example/"})
	r := e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Contains(t, r.header.Get("Set-Cookie"), "; Secure")
	token := strings.Split(r.location, "/")[2]

	// Over plain http the test client drops the Secure cookie; the quiz
	// needs none, as its token is in the URL.
	result := resultOf(t, e.answerAll(token, func(string) (int, bool) { return 2, true }))
	page := e.get("/results/" + result)
	assert.Equal(t, "https://tandem.example/results/"+result, attr(find(t, page.doc, byTestID("result-url")), "value"))
}

// TestPastQuizCheckedAtStart: a stored quiz file that no longer loads is
// reported when the server starts, not first met by a person.
func TestPastQuizCheckedAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	first := newEnvAt(t, path, fixture(t, "weighted-sleep.yaml"))
	first.srv.Close()
	require.NoError(t, first.db.Close())

	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	require.NoError(t, err)
	_, err = raw.Exec(`INSERT INTO quiz_sources (hash, quiz_id, version, source, created_at)
		VALUES ('0000', 'old', 1, ?, '2026-01-01T00:00:00.000Z')`, []byte("id: ["))
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	var logs syncBuffer
	newEnvConfig(t, path, web.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	assert.Contains(t, logs.String(), `"msg":"a past quiz file no longer loads; results scored with it cannot be shown"`)
	assert.Contains(t, logs.String(), `"hash":"0000"`)
}

// TestCompare_AcrossVersions: attempts of two versions compare only the
// scales both have, and the page says so.
func TestCompare_AcrossVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	v3 := fixture(t, "weighted-sleep.yaml")
	answers := map[string]int{"n1": 1, "n2": 3, "n3": 1, "n4": 3, "d1": 2, "d2": 3, "d3": 4, "d4": 1}
	answer := func(id string) (int, bool) { v, ok := answers[id]; return v, ok }

	first := newEnvAt(t, path, v3)
	first.answerAll(first.start("weighted-sleep"), answer)
	jar := first.client
	first.srv.Close()
	require.NoError(t, first.db.Close())

	// Version 4 renames the scale id routine to rhythm, so each version
	// has one scale the other lacks.
	src := strings.Replace(string(v3.Source), "version: 3", "version: 4", 1)
	src = strings.ReplaceAll(src, "routine", "rhythm")
	v4, err := quiz.Parse("weighted-sleep.yaml", []byte(src))
	require.NoError(t, err)
	second := newEnvAt(t, path, v4)
	second.client = jar // the same browser, which remembers its personal page
	second.answerAll(second.start("weighted-sleep"), answer)

	me := meToken(t, second)
	page := second.get("/me/" + me + "/compare")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, text(find(t, page.doc, byTestID("versions"))), "(3 and 4)")
	assert.Len(t, findAll(page.doc, byTestID("scale-change")), 2, "rest and worry, not routine or rhythm")
	dropped := text(find(t, page.doc, byTestID("dropped")))
	assert.Contains(t, dropped, "Routine")
}
