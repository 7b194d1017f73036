package web_test

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
)

const (
	spectrumQuiz = "relationship-spectrum"
	shortQuiz    = "relationship-spectrum-short"
)

func TestHome(t *testing.T) {
	e := newEnv(t)
	r := e.get("/")
	require.Equal(t, http.StatusOK, r.status)
	cards := findAll(r.doc, byTestID("quiz-card"))
	require.Len(t, cards, 2, "the long form and its short form")
	card := cards[0]
	link := find(t, card, byTag("a"))
	assert.Equal(t, "/quizzes/"+spectrumQuiz, attr(link, "href"))
	assert.Contains(t, text(card), "59 statements, about 10 minutes")
	short := cards[1]
	assert.Equal(t, "/quizzes/"+shortQuiz, attr(find(t, short, byTag("a")), "href"))
	assert.Contains(t, text(short), "18 statements, about 3 minutes")
	assert.Contains(t, text(find(t, r.doc, byTestID("privacy"))), "No account")
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
}

func TestQuizShow(t *testing.T) {
	e := newEnv(t)
	t.Run("OK", func(t *testing.T) {
		r := e.get("/quizzes/" + spectrumQuiz)
		require.Equal(t, http.StatusOK, r.status)
		assert.Contains(t, r.body, "Limits and saying no", "lists what it asks about")
		assert.Contains(t, r.body, "Your safety (optional)", "lists what it asks about")
		assert.Contains(t, text(find(t, r.doc, byTestID("length"))), "59 statements, about 10 minutes")
		assert.Contains(t, text(find(t, r.doc, byTestID("length"))), "8 short pages")
		assert.Contains(t, r.body, "reflection tool, not a diagnosis")
		form := find(t, r.doc, byTag("form"))
		assert.Equal(t, "post", attr(form, "method"))
		assert.Equal(t, "/quizzes/"+spectrumQuiz+"/attempts", attr(form, "action"))
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, e.get("/quizzes/nope").status)
		assert.Equal(t, http.StatusNotFound, e.post("/quizzes/nope/attempts", nil).status)
	})
}

// TestTakeQuiz walks the shipped quiz like a person without JavaScript and
// checks the result page and its JSON twin against each other.
func TestTakeQuiz(t *testing.T) {
	e := newEnv(t)
	token := e.start(spectrumQuiz)

	first := e.get("/attempts/" + token + "/1")
	require.Equal(t, http.StatusOK, first.status)
	assert.Contains(t, text(first.doc), "Section 1 of 8")
	progress := find(t, first.doc, byTag("progress"))
	assert.Equal(t, "1", attr(progress, "value"))
	assert.Equal(t, "8", attr(progress, "max"))
	fieldsets := findAll(first.doc, byTag("fieldset"))
	require.Len(t, fieldsets, 8)
	for _, fs := range fieldsets {
		assert.Len(t, findAll(fs, byTag("legend")), 1)
		assert.Len(t, findAll(fs, byAttr("type", "radio")), 5)
		assert.Len(t, findAll(fs, byTag("label")), 5, "each radio has a visible label")
	}

	// Alternate answers so both keyings show up in the scores; leave the
	// optional safety page unanswered.
	n := 0
	done := e.answerAll(token, func(id string) (int, bool) { n++; return 1 + n%5, !isSafetyItem(id) })
	result := resultOf(t, done)
	assert.NotEqual(t, token, result, "the result has a token of its own")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE status = 'completed'`))
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE token_hash = ? AND result_token_hash = ?`,
		tandem.HashToken(token), tandem.HashToken(result)), "only the result token's hash is stored")
	assert.Equal(t, 53, e.count(`SELECT count(*) FROM answers`))

	page := e.get("/results/" + result)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "no-store", page.header.Get("Cache-Control"))
	for _, id := range []string{"result-title", "result-summary", "result-body", "spectrum", "map", "next-steps", "pull-left", "pull-right", "map-marker", "spectrum-text", "map-text"} {
		find(t, page.doc, byTestID(id))
	}
	assert.Contains(t, page.body, "reflection tool, not a diagnosis")
	steps := findAll(find(t, page.doc, byTestID("next-steps")), byTag("li"))
	assert.GreaterOrEqual(t, len(steps), 3)
	url := find(t, page.doc, byTestID("result-url"))
	assert.Equal(t, e.srv.URL+"/results/"+result, attr(url, "value"))
	assert.NotContains(t, page.body, token, "the result page does not name the attempt")
	alt := find(t, page.doc, byAttr("rel", "alternate"))
	assert.Equal(t, "application/json", attr(alt, "type"))
	assert.Equal(t, "/results/"+result+".json", attr(alt, "href"))

	raw := e.get(attr(alt, "href"))
	require.Equal(t, http.StatusOK, raw.status)
	assert.Equal(t, "application/json; charset=utf-8", raw.header.Get("Content-Type"))
	doc := e.twin(result)
	assert.Equal(t, spectrumQuiz, doc.Quiz.ID)
	assert.Equal(t, 2, doc.Quiz.Version)
	assert.Equal(t, "2026-11-21T10:00:00Z", doc.CompletedAt)
	assert.Equal(t, text(find(t, page.doc, byTestID("result-title"))), doc.Result.Title)
	require.NotNil(t, doc.Spectrum.Position)
	assert.Contains(t, []string{"middle", "left", "right", "both"}, doc.Spectrum.Zone)
	assert.Equal(t, doc.Spectrum.Zone, attr(find(t, find(t, page.doc, byTestID("spectrum")), byTag("svg")), "data-zone"),
		"the picture shows the twin's zone")
	assert.Equal(t, []string{}, doc.Support, "no safety answers raise no support flag")
	assert.Empty(t, findAll(page.doc, byTestID("support")))

	// Every scale on the page shows the twin's score, rounded.
	scales := findAll(page.doc, byTestID("scale"))
	require.Len(t, scales, 10)
	assert.Len(t, doc.Scales, 10)
	for _, sc := range scales {
		id := attr(sc, "data-scale")
		js, ok := doc.Scales[id]
		require.True(t, ok, id)
		require.NotNil(t, js.Score, id)
		assert.Equal(t, js.Answered, js.Items)
		want := strconv.Itoa(int(math.Floor(*js.Score+1e-9))) + " of 100"
		assert.Equal(t, want, text(find(t, sc, byTestID("score"))), id)
	}
	// The spectrum's words give both pulls' scores, as the twin has them.
	spectrum := text(find(t, page.doc, byTestID("spectrum-text")))
	for _, id := range []string{"codependence", "independence"} {
		assert.Contains(t, spectrum, strconv.Itoa(int(math.Floor(*doc.Scales[id].Score+1e-9))), id)
	}
}

func TestSectionSave_Incomplete(t *testing.T) {
	e := newEnv(t)
	token := e.start(spectrumQuiz)
	path := "/attempts/" + token + "/1"
	page := e.get(path)
	ids := itemIDsOf(page)

	require.Len(t, ids, 8)
	r := e.post(path, pageForm(t, page, "next", map[string]int{ids[0]: 4, ids[2]: 2}))
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Equal(t, map[string]string{ids[0]: "4", ids[2]: "2"}, checked(r), "the answers given are still selected")
	summary := find(t, r.doc, byTestID("problems"))
	assert.Equal(t, "alert", attr(summary, "role"))
	assert.True(t, hasAttr(summary, "autofocus"), "focus moves to the summary, without JavaScript")
	assert.True(t, strings.HasPrefix(text(find(t, r.doc, byTag("title"))), "Error: "))
	assert.Len(t, findAll(summary, byTag("li")), 6)
	for _, id := range []string{ids[1], ids[3], ids[4], ids[5], ids[6], ids[7]} {
		fs := find(t, r.doc, byAttr("id", "q-"+id))
		assert.Equal(t, "e-"+id, attr(fs, "aria-describedby"), "the problem is tied to its question")
		assert.Contains(t, text(find(t, fs, byAttr("id", "e-"+id))), "Please choose an answer.")
	}
	assert.False(t, hasAttr(find(t, r.doc, byAttr("id", "q-"+ids[0])), "aria-describedby"), "answered questions carry no error")
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM answers`), "a refused page writes nothing")
}

func TestSectionSave_BackAndReloadKeepAnswers(t *testing.T) {
	e := newEnv(t)
	token := e.start(spectrumQuiz)
	one := e.get("/attempts/" + token + "/1")
	all := map[string]int{}
	for i, id := range itemIDsOf(one) {
		all[id] = 1 + i%5
	}
	r := e.post("/attempts/"+token+"/1", pageForm(t, one, "next", all))
	require.Equal(t, http.StatusSeeOther, r.status)
	require.Equal(t, "/attempts/"+token+"/2", r.location)

	// Reload: page 1 still has its answers.
	want := map[string]string{}
	for id, v := range all {
		want[id] = strconv.Itoa(v)
	}
	assert.Equal(t, want, checked(e.get("/attempts/"+token+"/1")))

	// Back from a half-answered page 2 keeps what was given there too.
	two := e.get("/attempts/" + token + "/2")
	assert.Contains(t, text(two.doc), "Section 2 of 8")
	first := itemIDsOf(two)[0]
	r = e.post("/attempts/"+token+"/2", pageForm(t, two, "back", map[string]int{first: 5}))
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/attempts/"+token+"/1", r.location)
	assert.Equal(t, map[string]string{first: "5"}, checked(e.get("/attempts/"+token+"/2")))

	// Coming back to the quiz in the same browser offers to resume.
	intro := e.get("/quizzes/" + spectrumQuiz)
	assert.Equal(t, "/attempts/"+token, attr(find(t, intro.doc, byTestID("resume")), "href"))
	resume := e.get("/attempts/" + token)
	assert.Equal(t, http.StatusSeeOther, resume.status)
	assert.Equal(t, "/attempts/"+token+"/2", resume.location, "resumes at the first page with a question left")
}

func TestFinish_DoubleSubmit(t *testing.T) {
	e := newEnv(t)
	token := e.start(spectrumQuiz)
	var lastPath string
	var lastForm url.Values
	path := "/attempts/" + token + "/1"
	for {
		page := e.get(path)
		answers := map[string]int{}
		for _, id := range itemIDsOf(page) {
			// 1 to a safety item raises no support flag.
			answers[id] = map[bool]int{false: 3, true: 1}[isSafetyItem(id)]
		}
		form := pageForm(t, page, "next", answers)
		if strings.Contains(text(page.doc), "Section 8 of 8") {
			lastPath, lastForm = path, form
			break
		}
		r := e.post(path, form)
		require.Equal(t, http.StatusSeeOther, r.status)
		path = r.location
	}

	// The same final form sent five times at once, then once more later:
	// one attempt, one result, and the form sent again later, from the
	// browser that finished it, lands on that result. Of the five, one
	// finishes it; one sent before the browser had that answer's cookie
	// may find it finished and answer as to anyone else, 404. (Where each
	// lands: TestFinish_SentAgainWhileFinishing.)
	var wg sync.WaitGroup
	locations := make([]string, 5)
	for i := range locations {
		wg.Go(func() {
			r := e.post(lastPath, lastForm)
			assert.Contains(t, []int{http.StatusSeeOther, http.StatusNotFound}, r.status)
			locations[i] = r.location
		})
	}
	wg.Wait()
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts`))
	assert.Equal(t, 10, e.count(`SELECT count(*) FROM scale_scores`))
	var result string
	for _, loc := range locations {
		if r, ok := strings.CutPrefix(loc, "/results/"); ok && r != token {
			result = r
		}
	}
	require.NotEmpty(t, result, "one of them finished the attempt: %v", locations)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE result_token_hash = ?`, tandem.HashToken(result)))
	for range 2 {
		again := e.post(lastPath, lastForm)
		assert.Equal(t, http.StatusSeeOther, again.status)
		assert.Equal(t, "/results/"+result, again.location)
	}
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts`))
	assert.Equal(t, 10, e.count(`SELECT count(*) FROM scale_scores`))
}

// TestFinish_SentAgainWhileFinishing: the last page sent twice from one
// browser (a double click), the second while the first is being saved.
// The second finds the attempt finished when it saves: it too must lead
// this browser to the result, which the first has just given it the
// cookie for, never to the attempt's token under /results/, which opens
// nothing.
func TestFinish_SentAgainWhileFinishing(t *testing.T) {
	q := fixture(t, "weighted-sleep.yaml")
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	var e *env
	var raced atomic.Bool
	var lastPath, lastBody, first string
	store := racingStore{DB: db, before: func() {
		if raced.Swap(true) {
			return // the first click itself
		}
		// The first click, saved before the second, which waits here.
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+lastPath, strings.NewReader(lastBody))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", formType)
		if res, err := e.client.Do(req); err == nil {
			res.Body.Close()
			first = res.Header.Get("Location")
		}
	}}
	e = newEnvStore(t, db, store, q)
	e.dbPath = path
	token := e.start("weighted-sleep")
	page := e.get("/attempts/" + token + "/1")
	require.Equal(t, http.StatusSeeOther, e.post("/attempts/"+token+"/1", pageForm(t, page, "next", map[string]int{"n1": 2, "n2": 2, "n3": 2})).status)
	last := e.get("/attempts/" + token + "/2")
	lastPath, lastBody = "/attempts/"+token+"/2", pageForm(t, last, "next", map[string]int{"d1": 1, "d3": 1}).Encode()

	r := e.postRaw(lastPath, lastBody)
	result, ok := strings.CutPrefix(first, "/results/")
	require.True(t, ok, "the first click finished the attempt: %q", first)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.NotEqual(t, "/results/"+token, r.location, "sent to the attempt's token")
	for hops := 0; r.location != "/results/"+result && hops < 2; hops++ {
		r = e.get(r.location)
		require.Equal(t, http.StatusSeeOther, r.status, "the second click leads nowhere: %s", r.body)
	}
	assert.Equal(t, "/results/"+result, r.location, "the second click leads to the result")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE status = 'completed'`))
}

// TestFinish_FirstAnswerLost: the last page is sent and its answer never
// reaches the browser (a double click cancels the first navigation, a
// connection drops), so the browser sends the same form again. It is the
// browser that finished the attempt: it must land on the result, to which
// the lost answer held the only link (and, for someone new, the only link
// to their personal page).
func TestFinish_FirstAnswerLost(t *testing.T) {
	e := newEnv(t, fixture(t, "weighted-sleep.yaml"))
	token := e.start("weighted-sleep")
	page := e.get("/attempts/" + token + "/1")
	require.Equal(t, http.StatusSeeOther, e.post("/attempts/"+token+"/1", pageForm(t, page, "next", map[string]int{"n1": 2, "n2": 2, "n3": 2})).status)
	lastPath := "/attempts/" + token + "/2"
	form := pageForm(t, e.get(lastPath), "next", map[string]int{"d1": 1, "d3": 1})

	// The first answer, with the browser's cookies, lost on the way back.
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+lastPath, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", formType)
	for _, c := range e.client.Jar.Cookies(mustURL(t, e.srv.URL)) {
		req.AddCookie(c)
	}
	lost := e.do(&http.Client{CheckRedirect: e.client.CheckRedirect}, req)
	result := resultOf(t, lost)

	r := e.post(lastPath, form)
	for hops := 0; r.status == http.StatusSeeOther && r.location != "/results/"+result && hops < 2; hops++ {
		r = e.get(r.location)
	}
	assert.Equal(t, http.StatusSeeOther, r.status, "the form sent again leads nowhere")
	assert.Equal(t, "/results/"+result, r.location)
	// The cookies the lost answer set come with this one: the attempt is
	// no longer a draft here, it is finished, and the personal page it
	// started is held.
	if c := setCookieIn(r, "tandem_draft_weighted-sleep"); assert.NotNil(t, c, "the draft is dropped") {
		assert.Less(t, c.MaxAge, 0)
	}
	if c := setCookieIn(r, "tandem_done_weighted-sleep"); assert.NotNil(t, c, "the result is this browser's") {
		assert.Equal(t, result, c.Value)
	}
	require.NotNil(t, personCookieIn(lost), "the lost answer started a personal page")
	held := personCookieIn(r)
	require.NotNil(t, held, "which this browser holds now")
	assert.Equal(t, personCookieIn(lost).Value, held.Value)
}

func TestFinish_EarlierPageIncomplete(t *testing.T) {
	e := newEnv(t)
	token := e.start(spectrumQuiz)
	// Jump straight to the last page, as a tampered or bookmarked URL would.
	// It is the optional safety page: answers of 2 raise no support flag.
	last := e.get("/attempts/" + token + "/8")
	answers := map[string]int{}
	for _, id := range itemIDsOf(last) {
		answers[id] = 2
	}
	require.Len(t, answers, 6)
	r := e.post("/attempts/"+token+"/8", pageForm(t, last, "next", answers))
	require.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Contains(t, text(r.doc), "Section 1 of 8", "the first page with questions left is shown")
	assert.Len(t, findAll(find(t, r.doc, byTestID("problems")), byTag("li")), 8)
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM attempts WHERE status = 'completed'`))
	assert.Equal(t, len(answers), e.count(`SELECT count(*) FROM answers`), "the last page's answers are kept")
}

func TestResult_NotFound(t *testing.T) {
	e := newEnv(t)
	attempt := e.start(spectrumQuiz)
	token := resultOf(t, e.answerAll(attempt, func(string) (int, bool) { return 3, true }))
	require.Equal(t, http.StatusOK, e.get("/results/"+token).status)

	other := []rune(token)
	other[10] = map[bool]rune{true: 'B', false: 'A'}[other[10] == 'A']
	for _, path := range []string{
		"/results/" + string(other),
		"/results/" + string(other) + ".json",
		"/results/" + token[:len(token)-1],
		"/results/" + token + "A",
		"/results/" + token + "%00",
		"/results/" + strings.Repeat("A", 43),
		"/results/../results/x",
		"/results/",
		"/attempts/" + string(other) + "/1",
		"/attempts/" + token[:20],
		"/attempts/" + token, // a result's token opens no attempt
		"/results/" + strings.Repeat("x", 5000),
		"/results/" + attempt, // nor an attempt's a result
		"/results/" + attempt + ".json",
	} {
		r := e.get(path)
		assert.Equal(t, http.StatusNotFound, r.status, path)
	}
}

// TestResult_AttemptTokenOpensNoResult: the attempt's token, before or
// after it is finished, opens no result, and says no more than a token
// that names nothing: not that the attempt exists, nor that it is done.
func TestResult_AttemptTokenOpensNoResult(t *testing.T) {
	e := newEnv(t)
	live := e.start(spectrumQuiz)
	done := e.start(spectrumQuiz)
	e.answerAll(done, func(string) (int, bool) { return 3, true })
	unknown := e.get("/results/" + tandem.NewToken())
	require.Equal(t, http.StatusNotFound, unknown.status)
	for _, token := range []string{live, done} {
		for _, path := range []string{"/results/" + token, "/results/" + token + ".json", "/results/" + token + "/delete"} {
			r := e.get(path)
			assert.Equal(t, http.StatusNotFound, r.status, path)
			assert.Empty(t, r.location, path)
			if r.doc != nil {
				assert.Equal(t, text(find(t, unknown.doc, byTag("h1"))), text(find(t, r.doc, byTag("h1"))), path)
			}
		}
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	r := e.get("/healthz")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "ok\n", r.body)
	e.web.Drain()
	assert.Equal(t, http.StatusServiceUnavailable, e.get("/healthz").status)
}

func TestStatic(t *testing.T) {
	e := newEnv(t)
	home := e.get("/")
	css := attr(find(t, home.doc, byAttr("rel", "stylesheet")), "href")
	assert.Regexp(t, `^/static/tandem\.[0-9a-f]{12}\.css$`, css)
	r := e.get(css)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "public, max-age=31536000, immutable", r.header.Get("Cache-Control"))
	assert.Contains(t, r.header.Get("Content-Type"), "text/css")
	assert.Contains(t, r.body, "--focus")
	assert.Equal(t, http.StatusNotFound, e.get("/static/tandem.css").status, "only hashed names are served")
}

func TestMethodNotAllowed_SaysWhatIs(t *testing.T) {
	e := newEnv(t)
	req, err := http.NewRequest(http.MethodDelete, e.srv.URL+"/quizzes/"+spectrumQuiz, nil)
	require.NoError(t, err)
	r := e.do(e.client, req)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "GET, HEAD", r.header.Get("Allow"))

	req, err = http.NewRequest(http.MethodPut, e.srv.URL+"/quizzes/"+spectrumQuiz+"/attempts", nil)
	require.NoError(t, err)
	assert.Equal(t, "POST", e.do(e.client, req).header.Get("Allow"))
}

// syncBuffer collects log output from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogs_NoTokensNoAnswers takes a quiz, including a refused page, and
// checks that the log has a line per request but no token and no answer.
func TestLogs_NoTokensNoAnswers(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{Logger: logger})
	token := e.start(spectrumQuiz)
	page := e.get("/attempts/" + token + "/1")
	ids := itemIDsOf(page)
	require.Equal(t, http.StatusUnprocessableEntity, e.post("/attempts/"+token+"/1", pageForm(t, page, "next", map[string]int{ids[0]: 4})).status)
	result := resultOf(t, e.answerAll(token, func(string) (int, bool) { return 4, true }))
	e.get("/results/" + result)
	e.get("/results/" + result + ".json")
	e.get("/results/" + tandem.NewToken())

	out := logs.String()
	assert.Contains(t, out, `"route":"/results/{token}"`, "requests are logged by route")
	assert.NotContains(t, out, token)
	assert.NotContains(t, out, result)
	for _, id := range ids {
		assert.NotContains(t, out, `"`+id+`"`, "item ids (and so answers) stay out of the log")
	}
	assert.NotContains(t, out, "_section")
}
