package web_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/tandem"
)

// The personal space: one history per person, reached by a private link
// and remembered by a cookie, compared, exported and deleted.

// personBrowser is one browser with its own cookies, taking quizzes and
// visiting pages on the env's server.
type personBrowser struct {
	e *env
	c *http.Client
}

func newPersonBrowser(e *env, c *http.Client) *personBrowser { return &personBrowser{e: e, c: c} }

func (b *personBrowser) get(path string) *response {
	b.e.t.Helper()
	return b.e.getWith(b.c, path)
}

// post sends a form as this browser, with extra request headers.
func (b *personBrowser) post(path string, form url.Values, header map[string]string) *response {
	b.e.t.Helper()
	return b.send(path, form.Encode(), header)
}

// send posts body as a form, with extra request headers.
func (b *personBrowser) send(path, body string, header map[string]string) *response {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(body))
	require.NoError(b.e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.e.do(b.c, req)
}

// start begins an attempt at the shipped quiz and returns its token.
func (b *personBrowser) start() string {
	b.e.t.Helper()
	r := b.post("/quizzes/"+spectrumQuiz+"/attempts", nil, nil)
	require.Equal(b.e.t, http.StatusSeeOther, r.status)
	parts := strings.Split(r.location, "/") // /attempts/{token}/1
	require.Len(b.e.t, parts, 4, r.location)
	return parts[2]
}

// finish answers every page of an attempt from plan and returns the
// response to the last page, which completes it: a 303 to the result, at
// a token of its own (resultOf reads it).
func (b *personBrowser) finish(token string, plan map[string]int) *response {
	t := b.e.t
	t.Helper()
	held := b.me() != ""
	path := "/attempts/" + token + "/1"
	for range 100 {
		page := b.get(path)
		require.Equal(t, http.StatusOK, page.status, path)
		r := b.post(path, pageForm(t, page, "next", plan), nil)
		require.Equal(t, http.StatusSeeOther, r.status, "page %s: %s", path, r.body)
		if strings.HasPrefix(r.location, "/results/") {
			require.NotEqual(t, token, resultOf(t, r), "the result has a token of its own, not the attempt's")
			if held {
				keepResult(t, b.e, b.c, r) // their own page: they keep it there
			}
			return r
		}
		path = r.location
	}
	t.Fatal("the quiz never ended")
	return nil
}

// take starts and completes an attempt, returning its result's token
// (attemptIDOf takes it too) and the completing response.
func (b *personBrowser) take(plan map[string]int) (string, *response) {
	b.e.t.Helper()
	r := b.finish(b.start(), plan)
	return resultOf(b.e.t, r), r
}

// me is the personal token this browser holds, for this visit or
// remembered, or "".
func (b *personBrowser) me() string {
	b.e.t.Helper()
	return heldToken(b.e.t, b.e, b.c)
}

// spectrumOf is the shipped quiz, as the server loads it.
func spectrumOf(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	for _, q := range shipped(tb) {
		if q.ID == spectrumQuiz {
			return q
		}
	}
	tb.Fatal("the shipped quiz is missing")
	return nil
}

// keyPlan answers every scored item of q by how it keys codependence:
// items keyed towards it get high, items keyed against it the mirror of
// high, the others rest; extra overrides single items. Items that key no
// scale (the optional safety page) are left unanswered unless extra names
// them.
func keyPlan(q *quiz.Quiz, high, rest int, extra map[string]int) map[string]int {
	plan := map[string]int{}
	for _, it := range q.Items() {
		if v, ok := extra[it.ID]; ok && len(it.Keys) == 0 {
			plan[it.ID] = v
		}
		if len(it.Keys) == 0 {
			continue
		}
		plan[it.ID] = rest
		for _, k := range it.Keys {
			if k.Scale == "codependence" {
				plan[it.ID] = high
				if k.Weight < 0 {
					plan[it.ID] = q.Scale.Min + q.Scale.Max - high
				}
			}
		}
		if v, ok := extra[it.ID]; ok {
			plan[it.ID] = v
		}
	}
	return plan
}

// samePlan answers every scored item of q with v, and leaves the items
// that key no scale (the optional safety page) unanswered.
func samePlan(q *quiz.Quiz, v int) map[string]int {
	plan := map[string]int{}
	for _, it := range q.Items() {
		if len(it.Keys) > 0 {
			plan[it.ID] = v
		}
	}
	return plan
}

// scoredItems counts the items of q that key a scale: the answers a
// keyPlan or samePlan without extra stores.
func scoredItems(q *quiz.Quiz) int {
	n := 0
	for _, it := range q.Items() {
		if len(it.Keys) > 0 {
			n++
		}
	}
	return n
}

// attemptIDOf is the database id of the attempt with the given token, or
// whose result has it.
func attemptIDOf(e *env, token string) int64 {
	e.t.Helper()
	var id int64
	h := tandem.HashToken(token)
	require.NoError(e.t, e.raw().QueryRow(`SELECT id FROM attempts WHERE token_hash = ? OR result_token_hash = ?`, h, h).Scan(&id))
	return id
}

func meAttempt(me string, id int64) string {
	return "/me/" + me + "/attempts/" + strconv.FormatInt(id, 10)
}

// attemptLinks lists the links of the history's attempt rows, in order.
func attemptLinks(tb testing.TB, r *response) []string {
	tb.Helper()
	var out []string
	for _, li := range findAll(r.doc, byTestID("attempt")) {
		out = append(out, attr(find(tb, li, byTag("a")), "href"))
	}
	return out
}

// personalPath reads the personal link off a result page: an absolute
// URL on this server, of which it returns the path.
func personalPath(tb testing.TB, e *env, r *response) string {
	tb.Helper()
	sec := find(tb, r.doc, byTestID("personal"))
	abs := attr(find(tb, sec, byTestID("me-url")), "value")
	require.True(tb, strings.HasPrefix(abs, e.srv.URL+"/me/"), abs)
	u, err := url.Parse(abs)
	require.NoError(tb, err)
	return u.Path
}

// TestHistory_OneBrowserAndANewDevice: a browser's results make one
// history, held for this visit; on a new device the link shows it, and
// that device's results join it only once it says so.
func TestHistory_OneBrowserAndANewDevice(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	first := newPersonBrowser(e, e.client)

	tok1, done1 := first.take(keyPlan(q, 5, 3, nil))
	set := setCookieIn(done1, visitCookie)
	require.NotNil(t, set, "the first result makes a personal page")
	assert.True(t, tandem.ValidToken(set.Value))
	assert.True(t, set.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, set.SameSite)
	assert.Equal(t, "/", set.Path)
	assert.Zero(t, set.MaxAge, "held for this visit only")
	assert.True(t, set.Expires.IsZero(), "held for this visit only")
	assert.Nil(t, setCookieIn(done1, meCookie), "remembered only when asked")
	me := set.Value

	res1 := first.get("/results/" + tok1)
	require.Equal(t, http.StatusOK, res1.status)
	path := personalPath(t, e, res1)
	assert.Equal(t, "/me/"+me, path)
	personal := find(t, res1.doc, byTestID("personal"))
	assert.Equal(t, "/me/"+me, attr(find(t, personal, byAttr("href", path)), "href"))
	assert.Equal(t, "/me/"+me+"/remember", attr(find(t, personal, byTestID("remember")), "action"),
		"the result offers to remember the page on this device")

	tok2, done2 := first.take(keyPlan(q, 2, 3, nil))
	assert.Nil(t, personCookieIn(done2), "the second result joins the same person")
	assert.Equal(t, me, first.me())
	assert.Equal(t, path, personalPath(t, e, first.get("/results/"+tok2)))
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM people`))

	// The link opened on a new device shows the history and ties nothing.
	fresh := newPersonBrowser(e, e.newClient())
	require.Empty(t, fresh.me())
	h := fresh.get(path)
	require.Equal(t, http.StatusOK, h.status)
	assert.Len(t, findAll(h.doc, byTestID("attempt")), 2)
	assert.Empty(t, h.header.Values("Set-Cookie"), "opening the link sets no cookie")
	assert.Empty(t, fresh.me())
	assert.Equal(t, e.srv.URL+path, attr(find(t, h.doc, byTestID("me-url")), "value"))
	adopt := find(t, h.doc, byTestID("adopt"))
	assert.Equal(t, path+"/adopt", attr(adopt, "action"))
	assert.Equal(t, "post", attr(adopt, "method"))
	assert.Empty(t, findAll(h.doc, byTestID("remember")), "nothing to remember: the device does not hold it")

	// A result taken before joining is the device's own.
	own, _ := fresh.take(keyPlan(q, 3, 3, nil))
	require.NotEmpty(t, fresh.me())
	assert.NotEqual(t, me, fresh.me())
	assert.Len(t, attemptLinks(t, first.get(path)), 2, "it did not join the history")

	// Joining is a POST from the page; then the device's results join.
	r := fresh.post(path+"/adopt", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, path, r.location)
	adopted := setCookieIn(r, visitCookie)
	require.NotNil(t, adopted, "the device now holds the history, for this visit")
	assert.Equal(t, me, adopted.Value)
	assert.True(t, adopted.HttpOnly)
	assert.Zero(t, adopted.MaxAge)
	assert.Equal(t, me, fresh.me())
	tok3, done3 := fresh.take(keyPlan(q, 4, 2, nil))
	assert.Nil(t, personCookieIn(done3), "the adopted history is used, not a new one")
	find(t, fresh.get("/results/"+tok3).doc, byTestID("personal"))

	ids := []int64{attemptIDOf(e, tok3), attemptIDOf(e, tok2), attemptIDOf(e, tok1)}
	want := []string{meAttempt(me, ids[0]), meAttempt(me, ids[1]), meAttempt(me, ids[2])}
	for name, b := range map[string]*personBrowser{"fresh": fresh, "first": first} {
		h := b.get(path)
		require.Equal(t, http.StatusOK, h.status, name)
		assert.Equal(t, want, attemptLinks(t, h), "%s: three attempts, newest first", name)
		assert.Contains(t, text(find(t, h.doc, byTestID("quiz-trend"))), "You have taken this 3 times")
	}
	assert.Equal(t, 2, e.count(`SELECT count(*) FROM people`))
	assert.Equal(t, 3, e.count(`SELECT count(*) FROM attempts a JOIN people p ON a.person_id = p.id WHERE p.token_hash = ?`,
		tandem.HashToken(me)))
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM attempts a JOIN people p ON a.person_id = p.id
		WHERE p.token_hash = ? AND a.id = ?`, tandem.HashToken(me), attemptIDOf(e, own)))

	// Each attempt opens from the personal page.
	for i, link := range want {
		r := fresh.get(link)
		require.Equal(t, http.StatusOK, r.status, link)
		tok := []string{tok3, tok2, tok1}[i]
		assert.Equal(t, e.twin(tok).Result.Title, text(find(t, r.doc, byTestID("result-title"))))
		assert.Equal(t, link+"/delete", attr(find(t, r.doc, byAttr("href", link+"/delete")), "href"))
	}
}

func TestResult_PersonalLinkOnlyForOwner(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	owner := newPersonBrowser(e, e.client)
	tok, _ := owner.take(keyPlan(q, 4, 3, nil))
	me := owner.me()
	require.NotEmpty(t, me)

	mine := owner.get("/results/" + tok)
	require.Equal(t, http.StatusOK, mine.status)
	assert.Equal(t, "/me/"+me, personalPath(t, e, mine))

	// A result link passed on does not open the whole history: not to a
	// browser without a person, nor to one with a person of its own.
	stranger := newPersonBrowser(e, e.newClient())
	other := newPersonBrowser(e, e.newClient())
	other.take(keyPlan(q, 2, 3, nil))
	require.NotEmpty(t, other.me())
	for name, b := range map[string]*personBrowser{"stranger": stranger, "other": other} {
		r := b.get("/results/" + tok)
		require.Equal(t, http.StatusOK, r.status, name)
		find(t, r.doc, byTestID("result-title"))
		assert.Empty(t, findAll(r.doc, byTestID("personal")), name)
		assert.Empty(t, findAll(r.doc, byTestID("me-url")), name)
		assert.NotContains(t, r.body, me, name)
		assert.Nil(t, personCookieIn(r), name)
	}
	assert.Empty(t, stranger.me())
}

func TestHistory_OneAttempt(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	tok, _ := b.take(keyPlan(q, 4, 3, map[string]int{"f03": 5}))
	me := b.me()
	tw := e.twin(tok)

	h := b.get("/me/" + me)
	require.Equal(t, http.StatusOK, h.status)
	rows := findAll(h.doc, byTestID("attempt"))
	require.Len(t, rows, 1)
	assert.Contains(t, text(rows[0]), q.Title+" (version 2)")
	assert.Equal(t, tw.Result.Title, text(find(t, rows[0], byTag("a"))))
	trends := findAll(h.doc, byTestID("quiz-trend"))
	require.Len(t, trends, 1)
	assert.Contains(t, text(trends[0]), "Take it again in a few weeks: this page will then show what moved")
	assert.Empty(t, findAll(h.doc, byTestID("compare-link")))

	// A chart per scale and one for the spectrum's two pulls, each with a
	// title, a caption and a table of the same numbers.
	figures := findAll(trends[0], byTag("figure"))
	require.Len(t, figures, len(q.Scales)+1)
	seen := map[string]bool{}
	pulls := 0
	for _, fig := range figures {
		caption := find(t, fig, byTag("figcaption"))
		svg := find(t, fig, byTag("svg"))
		title := find(t, svg, byTag("title"))
		assert.NotEmpty(t, text(title))
		assert.NotEmpty(t, text(caption))
		assert.Equal(t, "img", attr(svg, "role"))
		assert.Equal(t, attr(title, "id"), attr(svg, "aria-labelledby"))
		assert.Equal(t, attr(caption, "id"), attr(svg, "aria-describedby"))
		table := find(t, fig, byTag("table"))
		heads := findAll(table, byTag("th"))
		body := findAll(find(t, table, byTag("tbody")), byTag("tr"))
		require.Len(t, body, 1, "one attempt, one row")
		cells := findAll(body[0], byTag("td"))
		if attr(fig, "data-testid") == "pull-trend" {
			// Date, both pulls and the zone, from the attempt's own file.
			pulls++
			require.Len(t, heads, 4)
			require.Len(t, cells, 4)
			assert.Equal(t, []string{"Codependence", "Independence"}, []string{text(heads[1]), text(heads[2])})
			assert.Equal(t, itoa(int(math.Floor(*tw.Scales["codependence"].Score+1e-9))), text(cells[1]))
			assert.Equal(t, itoa(int(math.Floor(*tw.Scales["independence"].Score+1e-9))), text(cells[2]))
			assert.Equal(t, tw.Spectrum.Zone, attr(body[0], "data-zone"))
			continue
		}
		require.Len(t, heads, 2)
		require.Len(t, cells, 2)
		for _, sc := range q.Scales {
			if text(heads[1]) == sc.Name {
				seen[sc.ID] = true
				score := tw.Scales[sc.ID].Score
				require.NotNil(t, score, sc.ID)
				assert.Equal(t, itoa(int(math.Floor(*score+1e-9))), text(cells[1]), sc.ID)
				assert.Equal(t, sc.Name+" over time", text(title))
			}
		}
	}
	assert.Len(t, seen, len(q.Scales), "every scale has its chart")
	assert.Equal(t, 1, pulls, "the spectrum has its chart")

	r := b.get("/me/" + me + "/compare")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "Nothing to compare yet", text(find(t, r.doc, byTag("h1"))))
}

// compareDoc is the parts of /compare.json these tests read.
type compareDoc struct {
	Before, After struct {
		ID     int64    `json:"id"`
		Result string   `json:"result"`
		Flags  []string `json:"flags"`
	}
	SameVersion bool `json:"same_version"`
	Scales      map[string]struct {
		Before      *float64 `json:"before"`
		After       *float64 `json:"after"`
		Difference  *float64 `json:"difference"`
		RC          *float64 `json:"rc"`
		Reliable    *bool    `json:"reliable"`
		Provisional *bool    `json:"provisional"`
	} `json:"scales"`
	NotCompared []string `json:"not_compared"`
	Moves       []struct {
		Item   string `json:"item"`
		Before int    `json:"before"`
		After  int    `json:"after"`
	} `json:"moves"`
}

// expectedDifference says a change as the compare page should.
func expectedDifference(diff float64, name string) string {
	points := int(math.Round(math.Abs(diff)))
	name = strings.ToLower(name)
	unit := "points"
	if points == 1 {
		unit = "point"
	}
	switch {
	case points == 0:
		return "No change"
	case diff > 0:
		return strconv.Itoa(points) + " " + unit + " more " + name
	}
	return strconv.Itoa(points) + " " + unit + " less " + name
}

func TestCompare(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	// Codependence moves from the top to near the bottom: a real change.
	// Interdependence moves by one step on two of its items: noise.
	plan1 := keyPlan(q, 5, 3, nil)
	plan2 := keyPlan(q, 2, 3, map[string]int{"f03": 4, "n04": 4})
	tok1, _ := b.take(plan1)
	tok2, _ := b.take(plan2)
	id1, id2 := attemptIDOf(e, tok1), attemptIDOf(e, tok2)
	tw1, tw2 := e.twin(tok1), e.twin(tok2)
	me := b.me()

	h := b.get("/me/" + me)
	link := find(t, h.doc, byTestID("compare-link"))
	page := b.get(attr(link, "href"))
	require.Equal(t, http.StatusOK, page.status)

	type want struct {
		name, before, after, difference, verdict string
		diff                                     float64
		rc                                       *float64
		reliable                                 bool
	}
	var wants []want
	normed := 0
	for _, sc := range q.Scales {
		before, after := tw1.Scales[sc.ID].Score, tw2.Scales[sc.ID].Score
		require.NotNil(t, before, sc.ID)
		require.NotNil(t, after, sc.ID)
		w := want{name: sc.Name, before: itoa(int(math.Floor(*before + 1e-9))), after: itoa(int(math.Floor(*after + 1e-9))),
			diff: *after - *before, verdict: "No reliability claim can be made for this score"}
		w.difference = expectedDifference(w.diff, sc.Name)
		if n := sc.Norms; n != nil {
			normed++
			rc := w.diff / (math.Sqrt2 * n.SD * math.Sqrt(1-n.Reliability))
			w.rc, w.reliable = &rc, math.Abs(rc) >= 1.96
			w.verdict = "Within measurement noise"
			if w.reliable {
				w.verdict = "A real change"
			}
		}
		wants = append(wants, w)
	}
	require.Equal(t, 3, normed, "the shipped quiz has norms on its three main scales")
	// The answers were chosen so that both verdicts show.
	byName := map[string]want{}
	for _, w := range wants {
		byName[w.name] = w
	}
	require.True(t, byName["Codependence"].reliable)
	require.False(t, byName["Interdependence"].reliable)
	require.NotZero(t, byName["Interdependence"].diff)
	// Two steps over interdependence's 16 items of 4 steps each: 3.125.
	assert.Equal(t, "3 points more interdependence", byName["Interdependence"].difference)

	t.Run("Page", func(t *testing.T) {
		rows := findAll(page.doc, byTestID("scale-change"))
		require.Len(t, rows, len(q.Scales))
		for i, row := range rows {
			w := wants[i]
			assert.Equal(t, w.name, text(find(t, row, byTag("th"))))
			cells := findAll(row, byTag("td"))
			require.Len(t, cells, 3, w.name)
			assert.Equal(t, w.before, text(cells[0]), w.name)
			assert.Equal(t, w.after, text(cells[1]), w.name)
			assert.Equal(t, w.difference, text(find(t, cells[2], byAttr("class", "difference"))), w.name)
			assert.Equal(t, w.verdict, text(find(t, cells[2], byTestID("verdict"))), w.name)
		}
		assert.Contains(t, text(find(t, page.doc, byTestID("provisional"))), "provisional")
		assert.Empty(t, findAll(page.doc, byTestID("versions")), "same version")
		assert.Empty(t, findAll(page.doc, byTestID("flag")))
		sides := findAll(page.doc, byAttr("class", "side-result"))
		require.Len(t, sides, 2)
		assert.Equal(t, tw1.Result.Title, text(sides[0]), "then")
		assert.Equal(t, tw2.Result.Title, text(sides[1]), "now")
	})

	// The items that moved most: the largest shifts first, ties in the
	// quiz's order, at most five.
	type move struct {
		item          string
		before, after int
	}
	var moves []move
	for _, it := range q.Items() {
		if plan1[it.ID] != plan2[it.ID] {
			moves = append(moves, move{it.ID, plan1[it.ID], plan2[it.ID]})
		}
	}
	slices.SortStableFunc(moves, func(x, y move) int {
		return cmp.Compare(peopleAbs(y.after-y.before), peopleAbs(x.after-x.before))
	})
	moves = moves[:5]
	texts := map[string]string{}
	for _, it := range q.Items() {
		texts[it.ID] = it.Text
	}

	t.Run("Moves", func(t *testing.T) {
		items := findAll(find(t, page.doc, byTestID("moves")), byTag("li"))
		require.Len(t, items, len(moves))
		for i, m := range moves {
			assert.Equal(t, texts[m.item]+" "+q.Scale.Label(m.before)+" → "+q.Scale.Label(m.after), text(items[i]))
		}
		assert.Contains(t, text(items[0]), texts["b01"], "an item whose answer was changed")
	})

	t.Run("JSON", func(t *testing.T) {
		alt := find(t, page.doc, byAttr("rel", "alternate"))
		assert.Equal(t, "application/json", attr(alt, "type"))
		r := b.get(attr(alt, "href"))
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
		var doc compareDoc
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
		assert.Equal(t, id1, doc.Before.ID)
		assert.Equal(t, id2, doc.After.ID)
		assert.Equal(t, tw1.Result.ID, doc.Before.Result)
		assert.Equal(t, tw2.Result.ID, doc.After.Result)
		assert.Empty(t, doc.Before.Flags)
		assert.Empty(t, doc.After.Flags)
		assert.True(t, doc.SameVersion)
		assert.Empty(t, doc.NotCompared)
		require.Len(t, doc.Scales, len(q.Scales))
		for i, sc := range q.Scales {
			w, got := wants[i], doc.Scales[sc.ID]
			require.NotNil(t, got.Difference, sc.ID)
			assert.InDelta(t, w.diff, *got.Difference, 1e-9, sc.ID)
			assert.InDelta(t, *tw1.Scales[sc.ID].Score, *got.Before, 1e-9, sc.ID)
			assert.InDelta(t, *tw2.Scales[sc.ID].Score, *got.After, 1e-9, sc.ID)
			if w.rc == nil {
				assert.Nil(t, got.RC, sc.ID)
				assert.Nil(t, got.Reliable, sc.ID)
				assert.Nil(t, got.Provisional, sc.ID)
				continue
			}
			require.NotNil(t, got.RC, sc.ID)
			require.NotNil(t, got.Reliable, sc.ID)
			require.NotNil(t, got.Provisional, sc.ID)
			assert.True(t, *got.Provisional, "%s: the shipped norms are provisional, as the page says", sc.ID)
			assert.InDelta(t, *w.rc, *got.RC, 0.01, sc.ID)
			assert.Equal(t, w.reliable, *got.Reliable, sc.ID)
		}
		require.Len(t, doc.Moves, len(moves))
		for i, m := range moves {
			assert.Equal(t, m.item, doc.Moves[i].Item)
			assert.Equal(t, m.before, doc.Moves[i].Before)
			assert.Equal(t, m.after, doc.Moves[i].After)
		}
	})

	t.Run("ChosenPairIsTheDefault", func(t *testing.T) {
		q := "?from=" + strconv.FormatInt(id1, 10) + "&to=" + strconv.FormatInt(id2, 10)
		r := b.get("/me/" + me + "/compare" + q)
		require.Equal(t, http.StatusOK, r.status)
		var got []string
		for _, row := range findAll(r.doc, byTestID("scale-change")) {
			got = append(got, text(row))
		}
		var def []string
		for _, row := range findAll(page.doc, byTestID("scale-change")) {
			def = append(def, text(row))
		}
		assert.Equal(t, def, got)
		from := find(t, r.doc, byAttr("id", "from"))
		assert.Len(t, findAll(from, byTag("option")), 2)
		assert.Equal(t, strconv.FormatInt(id1, 10), attr(find(t, from, byAttr("selected", "")), "value"))
	})
}

func peopleAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func TestCompare_NotYours(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	alice := newPersonBrowser(e, e.client)
	a1, _ := alice.take(keyPlan(q, 5, 3, nil))
	a2, _ := alice.take(keyPlan(q, 2, 3, nil))
	draft := alice.start()
	bob := newPersonBrowser(e, e.newClient())
	b1, _ := bob.take(keyPlan(q, 4, 3, nil))
	b2, _ := bob.take(keyPlan(q, 1, 3, nil))
	carol := newPersonBrowser(e, e.newClient())
	carol.take(keyPlan(q, 3, 2, nil))
	meA, meB, meC := alice.me(), bob.me(), carol.me()
	require.NotEmpty(t, meA)
	require.NotEmpty(t, meB)
	require.NotEmpty(t, meC)
	require.NotEqual(t, meA, meB)
	idA1, idA2, idDraft := attemptIDOf(e, a1), attemptIDOf(e, a2), attemptIDOf(e, draft)
	idB1, idB2 := attemptIDOf(e, b1), attemptIDOf(e, b2)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	pair := func(from, to int64) string { return "?from=" + id(from) + "&to=" + id(to) }

	tests := []struct {
		name string
		path string
	}{
		{"ResultTokenIsNoPersonalLink", "/me/" + b1},
		{"UnknownToken", "/me/" + tandem.NewToken()},
		{"UnknownTokenExport", "/me/" + tandem.NewToken() + "/export.json"},
		{"MalformedShort", "/me/" + meA[:len(meA)-1]},
		{"MalformedLong", "/me/" + meA + "A"},
		{"MalformedPadded", "/me/" + meA + "="},
		{"MalformedWord", "/me/me"},
		{"MalformedAttempts", "/me/" + meA[:10] + "/attempts/" + id(idA1)},
		{"TheirAttempt", meAttempt(meA, idB1)},
		{"TheirAttemptJSON", meAttempt(meA, idB1) + ".json"},
		{"TheirAttemptDelete", meAttempt(meA, idB1) + "/delete"},
		{"MyAttemptUnderTheirLink", meAttempt(meB, idA1)},
		{"MyUnfinishedAttempt", meAttempt(meA, idDraft)},
		{"UnknownAttempt", meAttempt(meA, idB2+1000)},
		{"AttemptZero", "/me/" + meA + "/attempts/0"},
		{"AttemptNegative", "/me/" + meA + "/attempts/-" + id(idA1)},
		{"AttemptLeadingZero", "/me/" + meA + "/attempts/0" + id(idA1)},
		{"AttemptWord", "/me/" + meA + "/attempts/first"},
		{"CompareTheirsToMine", "/me/" + meA + "/compare" + pair(idB1, idA2)},
		{"CompareTheirsToMineJSON", "/me/" + meA + "/compare.json" + pair(idB1, idA2)},
		{"CompareMineToTheirs", "/me/" + meA + "/compare" + pair(idA1, idB2)},
		{"CompareMineToTheirsJSON", "/me/" + meA + "/compare.json" + pair(idA1, idB2)},
		{"CompareTheirs", "/me/" + meA + "/compare" + pair(idB1, idB2)},
		{"CompareFromTheirs", "/me/" + meA + "/compare?from=" + id(idB1)},
		{"CompareToTheirs", "/me/" + meA + "/compare.json?to=" + id(idB2)},
		{"CompareMyDraft", "/me/" + meA + "/compare" + pair(idA1, idDraft)},
		{"CompareUnderTheirLink", "/me/" + meB + "/compare" + pair(idA1, idA2)},
		{"CompareUnknownToken", "/me/" + tandem.NewToken() + "/compare" + pair(idA1, idA2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := alice.get(tt.path)
			assert.Equal(t, http.StatusNotFound, r.status, r.body)
			assert.Nil(t, personCookieIn(r), "no history adopted")
			for _, secret := range []string{meB, meC} {
				assert.NotContains(t, r.body, secret)
			}
		})
	}
	t.Run("TheirAttemptDeletePost", func(t *testing.T) {
		r := alice.post(meAttempt(meA, idB1)+"/delete", nil, nil)
		assert.Equal(t, http.StatusNotFound, r.status)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE id = ?`, idB1))
		assert.Equal(t, scoredItems(q), e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, idB1))
	})
	t.Run("NothingToCompareYet", func(t *testing.T) {
		r := carol.get("/me/" + meC + "/compare")
		assert.Equal(t, http.StatusNotFound, r.status)
		assert.Equal(t, "Nothing to compare yet", text(find(t, r.doc, byTag("h1"))))
		back := find(t, r.doc, byAttr("href", "/me/"+meC))
		assert.Equal(t, "Back to your results", text(back))
		r = carol.get("/me/" + meC + "/compare.json")
		assert.Equal(t, http.StatusNotFound, r.status)
	})
	t.Run("OwnPairsStillWork", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, alice.get("/me/"+meA+"/compare"+pair(idA1, idA2)).status)
		assert.Equal(t, http.StatusOK, alice.get(meAttempt(meA, idA1)+".json").status)
		assert.Equal(t, http.StatusOK, bob.get(meAttempt(meB, idB1)).status)
	})
}

// dbHolds reports whether the database file or its write-ahead log holds b.
func dbHolds(tb testing.TB, e *env, b []byte) bool {
	tb.Helper()
	for _, name := range []string{e.dbPath, e.dbPath + "-wal"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) && name != e.dbPath {
			continue
		}
		require.NoError(tb, err)
		if bytes.Contains(data, b) {
			return true
		}
	}
	return false
}

// confirmForm checks a confirmation page: 200, and one form that posts to
// action, besides those every page of its kind has.
func confirmForm(tb testing.TB, r *response, action string) {
	tb.Helper()
	require.Equal(tb, http.StatusOK, r.status)
	var forms []*html.Node
	for _, f := range findAll(r.doc, byTag("form")) {
		switch {
		case attr(f, "action") == "/logout": // the therapist's menu
		case attr(f, "data-testid") == "forget-device": // the footer, while the browser holds a person
		default:
			forms = append(forms, f)
		}
	}
	require.Len(tb, forms, 1)
	assert.Equal(tb, "post", attr(forms[0], "method"))
	assert.Equal(tb, action, attr(forms[0], "action"))
	find(tb, forms[0], byAttr("type", "submit"))
}

var crossSiteForm = map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}

func TestDeleteOne(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	tok1, _ := b.take(keyPlan(q, 5, 3, nil))
	tok2, _ := b.take(keyPlan(q, 2, 3, nil))
	me := b.me()
	id1, id2 := attemptIDOf(e, tok1), attemptIDOf(e, tok2)
	del := meAttempt(me, id1) + "/delete"

	res := b.get(meAttempt(me, id1))
	require.Equal(t, http.StatusOK, res.status)
	find(t, res.doc, byAttr("href", del))
	confirmForm(t, b.get(del), del)

	r := b.post(del, nil, crossSiteForm)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE id = ?`, id1), "a cross-site form deletes nothing")

	r = b.post(del, nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/me/"+me, r.location)
	h := b.get("/me/" + me + "?deleted=1")
	require.Equal(t, http.StatusOK, h.status)
	assert.Equal(t, "The result was deleted.", text(find(t, h.doc, byTestID("notice"))))
	assert.Equal(t, []string{meAttempt(me, id2)}, attemptLinks(t, h))
	assert.Empty(t, findAll(h.doc, byTestID("compare-link")))

	for _, path := range []string{meAttempt(me, id1), meAttempt(me, id1) + ".json", del, "/results/" + tok1, "/results/" + tok1 + ".json", "/me/" + me + "/compare"} {
		assert.Equal(t, http.StatusNotFound, b.get(path).status, path)
	}
	assert.Equal(t, http.StatusNotFound, b.post(del, nil, nil).status, "deleting twice")
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM attempts WHERE id = ?`, id1))
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, id1))
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM scale_scores WHERE attempt_id = ?`, id1))
	assert.Equal(t, scoredItems(q), e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, id2))
	assert.Equal(t, len(q.Scales), e.count(`SELECT count(*) FROM scale_scores WHERE attempt_id = ?`, id2))
	assert.Equal(t, http.StatusOK, b.get("/results/"+tok2).status)
	assert.Equal(t, me, b.me(), "the device still remembers the person")
}

func TestDeleteEverything(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	tok1, _ := b.take(keyPlan(q, 5, 3, nil))
	tok2, _ := b.take(keyPlan(q, 2, 3, nil))
	me := b.me()
	id1, id2 := attemptIDOf(e, tok1), attemptIDOf(e, tok2)
	var personID int64
	require.NoError(t, e.raw().QueryRow(`SELECT id FROM people WHERE token_hash = ?`, tandem.HashToken(me)).Scan(&personID))
	// A second device with the same history, which remembers it.
	phone := newPersonBrowser(e, e.newClient())
	require.Equal(t, http.StatusSeeOther, phone.post("/me/"+me+"/adopt", nil, nil).status)
	require.Equal(t, http.StatusSeeOther, phone.post("/me/"+me+"/remember", nil, nil).status)
	other := newPersonBrowser(e, e.newClient())
	otherTok, _ := other.take(keyPlan(q, 4, 2, nil))
	otherID := attemptIDOf(e, otherTok)
	// The personal token's hash, the results' and the attempts' own.
	secrets := [][]byte{tandem.HashToken(me), tandem.HashToken(tok1), tandem.HashToken(tok2)}
	for _, id := range []int64{id1, id2} {
		var h []byte
		require.NoError(t, e.raw().QueryRow(`SELECT token_hash FROM attempts WHERE id = ?`, id).Scan(&h))
		secrets = append(secrets, h)
	}
	for _, s := range secrets {
		require.True(t, dbHolds(t, e, s), "the search finds what is there")
	}

	path := "/me/" + me + "/delete"
	h := b.get("/me/" + me)
	find(t, h.doc, byAttr("href", path))
	confirmForm(t, b.get(path), path)

	r := b.post(path, nil, crossSiteForm)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM people WHERE id = ?`, personID), "a cross-site form deletes nothing")
	assert.Equal(t, 2, e.count(`SELECT count(*) FROM attempts WHERE person_id = ?`, personID))
	assert.Equal(t, me, b.me())

	r = b.post(path, nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/deleted", r.location)
	for _, name := range []string{visitCookie, meCookie} {
		cleared := setCookieIn(r, name)
		require.NotNil(t, cleared, name)
		assert.Empty(t, cleared.Value, name)
		assert.Less(t, cleared.MaxAge, 0, name)
	}
	assert.Empty(t, b.me(), "the browser forgot the person")
	done := b.get("/deleted")
	require.Equal(t, http.StatusOK, done.status)
	assert.Equal(t, "Everything is deleted", text(find(t, done.doc, byTag("h1"))))

	t.Run("OldLinksAnswer404", func(t *testing.T) {
		for _, p := range []string{
			"/me/" + me, "/me/" + me + "/compare", "/me/" + me + "/compare.json",
			meAttempt(me, id1), meAttempt(me, id2) + ".json", "/me/" + me + "/export.json", "/me/" + me + "/export.csv",
			path, "/results/" + tok1, "/results/" + tok2, "/results/" + tok2 + ".json",
		} {
			r := phone.get(p)
			assert.Equal(t, http.StatusNotFound, r.status, p)
			assert.Nil(t, personCookieIn(r), p)
		}
		assert.Equal(t, http.StatusNotFound, b.post(path, nil, nil).status)
		assert.Equal(t, http.StatusNotFound, b.get("/me").status, "no personal page on this device")
		assert.Empty(t, findAll(b.get("/").doc, byTestID("me-link")))
	})

	t.Run("NoRowLeft", func(t *testing.T) {
		assert.Equal(t, 0, e.count(`SELECT count(*) FROM people WHERE id = ?`, personID))
		assert.Equal(t, 0, e.count(`SELECT count(*) FROM attempts WHERE person_id = ? OR id IN (?, ?)`, personID, id1, id2))
		assert.Equal(t, 0, e.count(`SELECT count(*) FROM answers WHERE attempt_id IN (?, ?)`, id1, id2))
		assert.Equal(t, 0, e.count(`SELECT count(*) FROM scale_scores WHERE attempt_id IN (?, ?)`, id1, id2))
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM people`), "other people stay")
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts WHERE id = ?`, otherID))
		assert.Equal(t, scoredItems(q), e.count(`SELECT count(*) FROM answers WHERE attempt_id = ?`, otherID))
		assert.Equal(t, len(q.Scales), e.count(`SELECT count(*) FROM scale_scores WHERE attempt_id = ?`, otherID))
		assert.Equal(t, http.StatusOK, other.get("/me/"+other.me()).status)
	})

	t.Run("GoneFromTheFile", func(t *testing.T) {
		for i, s := range secrets {
			assert.False(t, dbHolds(t, e, s), "secret %d is still in the database files", i)
		}
	})

	t.Run("ADeviceThatStillRemembersStartsAfresh", func(t *testing.T) {
		require.Equal(t, me, phone.me(), "the phone's cookie outlived the person")
		tok, done := phone.take(keyPlan(q, 3, 2, nil))
		set := setCookieIn(done, visitCookie)
		require.NotNil(t, set, "a new personal page, since the old one is gone")
		assert.NotEqual(t, me, set.Value)
		stale := setCookieIn(done, meCookie)
		require.NotNil(t, stale, "the remembered one, which would win over it, goes")
		assert.Less(t, stale.MaxAge, 0)
		assert.Equal(t, set.Value, phone.me())
		h := phone.get("/me/" + set.Value)
		require.Equal(t, http.StatusOK, h.status)
		assert.Equal(t, []string{meAttempt(set.Value, attemptIDOf(e, tok))}, attemptLinks(t, h))
	})
}

// exportDoc is the parts of export.json these tests read.
type exportDoc struct {
	Attempts []struct {
		ID          int64  `json:"id"`
		CompletedAt string `json:"completed_at"`
		Quiz        struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		} `json:"quiz"`
		Scales map[string]struct {
			Score *float64 `json:"score"`
		} `json:"scales"`
		Result struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"result"`
		Spectrum struct {
			Position *float64 `json:"position"`
		} `json:"spectrum"`
		Answers map[string]int `json:"answers"`
	} `json:"attempts"`
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	// The first also answers one safety item (1 raises no flag): it is
	// exported like any other answer.
	plans := []map[string]int{keyPlan(q, 5, 3, map[string]int{"c03": 1, "sa01": 1}), keyPlan(q, 2, 4, nil)}
	require.Len(t, plans[0], 54)
	require.Len(t, plans[1], 53)
	var toks []string
	for _, p := range plans {
		tok, _ := b.take(p)
		toks = append(toks, tok)
	}
	other := newPersonBrowser(e, e.newClient())
	other.take(keyPlan(q, 1, 1, nil))
	me := b.me()
	byID := map[int64]int{} // attempt id -> index in plans and toks
	for i, tok := range toks {
		byID[attemptIDOf(e, tok)] = i
	}

	t.Run("JSON", func(t *testing.T) {
		r := b.get("/me/" + me + "/export.json")
		require.Equal(t, http.StatusOK, r.status)
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment"), r.header.Get("Content-Disposition"))
		assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
		var doc exportDoc
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
		require.Len(t, doc.Attempts, len(plans), "every attempt, only theirs")
		seen := map[int]bool{}
		for _, a := range doc.Attempts {
			i, ok := byID[a.ID]
			require.True(t, ok, "attempt %d is theirs", a.ID)
			seen[i] = true
			tw := e.twin(toks[i])
			assert.Equal(t, plans[i], a.Answers, "every answer as sent")
			assert.Len(t, a.Answers, len(plans[i]))
			assert.Equal(t, tw.Quiz.ID, a.Quiz.ID)
			assert.Equal(t, tw.Quiz.Version, a.Quiz.Version)
			assert.Equal(t, tw.CompletedAt, a.CompletedAt)
			assert.Equal(t, tw.Result.ID, a.Result.ID)
			assert.Equal(t, tw.Result.Title, a.Result.Title)
			require.NotNil(t, a.Spectrum.Position)
			assert.InDelta(t, *tw.Spectrum.Position, *a.Spectrum.Position, 1e-9)
			require.Len(t, a.Scales, len(tw.Scales))
			for id, sc := range tw.Scales {
				require.NotNil(t, a.Scales[id].Score, id)
				assert.InDelta(t, *sc.Score, *a.Scales[id].Score, 1e-9, id)
			}
		}
		assert.Len(t, seen, len(plans))
	})

	t.Run("CSV", func(t *testing.T) {
		r := b.get("/me/" + me + "/export.csv")
		require.Equal(t, http.StatusOK, r.status)
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment"), r.header.Get("Content-Disposition"))
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/csv"))
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		require.NoError(t, err)
		require.NotEmpty(t, rows)
		assert.Equal(t, []string{"attempt", "quiz", "version", "completed_at", "kind", "id", "value", "label"}, rows[0])
		answers := map[int]map[string]int{}
		scales := map[int]map[string]float64{}
		results := map[int]string{}
		for _, row := range rows[1:] {
			require.Len(t, row, 8)
			id, err := strconv.ParseInt(row[0], 10, 64)
			require.NoError(t, err)
			i, ok := byID[id]
			require.True(t, ok, "attempt %d is theirs", id)
			assert.Equal(t, spectrumQuiz, row[1])
			assert.Equal(t, "2", row[2])
			switch row[4] {
			case "answer":
				v, err := strconv.Atoi(row[6])
				require.NoError(t, err)
				if answers[i] == nil {
					answers[i] = map[string]int{}
				}
				_, dup := answers[i][row[5]]
				assert.False(t, dup, "one row per answer")
				answers[i][row[5]] = v
				assert.Equal(t, q.Scale.Label(v), row[7])
			case "scale":
				v, err := strconv.ParseFloat(row[6], 64)
				require.NoError(t, err)
				if scales[i] == nil {
					scales[i] = map[string]float64{}
				}
				scales[i][row[5]] = v
			case "result":
				results[i] = row[5]
			}
		}
		for i, tok := range toks {
			tw := e.twin(tok)
			assert.Equal(t, plans[i], answers[i], "attempt %d: every answer as sent", i)
			require.Len(t, scales[i], len(q.Scales), "attempt %d: a row per scale", i)
			for id, sc := range tw.Scales {
				assert.InDelta(t, *sc.Score, scales[i][id], 1e-9, id)
			}
			assert.Equal(t, tw.Result.ID, results[i])
		}
	})

	t.Run("NotForOthers", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, other.get("/me/"+tandem.NewToken()+"/export.csv").status)
	})
}

func TestForgetDevice(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	tok, _ := b.take(keyPlan(q, 4, 3, nil))
	me := b.me()
	require.NotEmpty(t, me)

	home := b.get("/")
	assert.Equal(t, "/me/"+me, attr(find(t, home.doc, byTestID("me-link")), "href"))
	assert.Empty(t, findAll(home.doc, byTestID("notice")))
	h := b.get("/me/" + me)
	forget := "/me/" + me + "/forget"
	f := find(t, h.doc, byAttr("action", forget))
	assert.Equal(t, "post", attr(f, "method"))

	r := b.post(forget, nil, crossSiteForm)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, me, b.me(), "a cross-site form forgets nothing")

	r = b.post(forget, nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/", r.location)
	loc, err := url.Parse(r.header.Get("Location"))
	require.NoError(t, err)
	for _, name := range []string{visitCookie, meCookie} {
		cleared := setCookieIn(r, name)
		require.NotNil(t, cleared, name)
		assert.Empty(t, cleared.Value, name)
		assert.Less(t, cleared.MaxAge, 0, name)
	}
	assert.Empty(t, b.me())

	home = b.get(loc.RequestURI())
	require.Equal(t, http.StatusOK, home.status)
	assert.Contains(t, text(find(t, home.doc, byTestID("notice"))), "This device no longer remembers your personal page")
	assert.Empty(t, findAll(home.doc, byTestID("me-link")))
	assert.Equal(t, http.StatusNotFound, b.get("/me").status)
	assert.Empty(t, findAll(b.get("/results/"+tok).doc, byTestID("personal")), "the result no longer offers the page")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM people`), "the data is kept")

	// The link still works; opening it holds nothing until the page is
	// used in this browser again.
	h = b.get("/me/" + me)
	require.Equal(t, http.StatusOK, h.status)
	assert.Len(t, findAll(h.doc, byTestID("attempt")), 1)
	assert.Empty(t, b.me())
	find(t, h.doc, byTestID("adopt"))
	require.Equal(t, http.StatusSeeOther, b.post("/me/"+me+"/adopt", nil, nil).status)
	assert.Equal(t, me, b.me())
	assert.NotEmpty(t, findAll(b.get("/").doc, byTestID("me-link")))
}

// flagsDoc is the flags of a JSON twin.
type flagsDoc struct {
	Flags []string `json:"flags"`
}

func TestFlags(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.client)
	tokSame, _ := b.take(samePlan(q, 4))
	tokFine, _ := b.take(keyPlan(q, 4, 3, nil))
	me := b.me()
	idSame, idFine := attemptIDOf(e, tokSame), attemptIDOf(e, tokFine)
	const straight = "Read with care: every statement got the same answer"

	flagsOf := func(path string) []string {
		t.Helper()
		r := b.get(path)
		require.Equal(t, http.StatusOK, r.status, path)
		var d flagsDoc
		require.NoError(t, json.Unmarshal([]byte(r.body), &d))
		return d.Flags
	}
	assert.Equal(t, []string{"straight-lined"}, flagsOf("/results/"+tokSame+".json"))
	assert.Equal(t, []string{"straight-lined"}, flagsOf(meAttempt(me, idSame)+".json"))
	assert.Empty(t, flagsOf("/results/"+tokFine+".json"))

	for _, path := range []string{"/results/" + tokSame, meAttempt(me, idSame)} {
		r := b.get(path)
		require.Equal(t, http.StatusOK, r.status)
		flags := findAll(r.doc, byTestID("flag"))
		require.Len(t, flags, 1, path)
		assert.True(t, strings.HasPrefix(text(flags[0]), straight), text(flags[0]))
	}
	assert.Empty(t, findAll(b.get("/results/"+tokFine).doc, byTestID("flag")))

	h := b.get("/me/" + me)
	rows := findAll(h.doc, byTestID("attempt"))
	require.Len(t, rows, 2)
	assert.Empty(t, findAll(rows[0], byAttr("class", "flag")), "the newer one is fine")
	assert.Equal(t, "Read with care", text(find(t, rows[1], byAttr("class", "flag"))))

	c := b.get("/me/" + me + "/compare")
	require.Equal(t, http.StatusOK, c.status)
	flags := findAll(c.doc, byTestID("flag"))
	require.Len(t, flags, 1, "only the earlier side is flagged")
	assert.True(t, strings.HasPrefix(text(flags[0]), straight))
	var side *html.Node
	for p := flags[0].Parent; p != nil; p = p.Parent {
		if attr(p, "class") == "card side" {
			side = p
			break
		}
	}
	require.NotNil(t, side)
	assert.Equal(t, "Then", attr(side, "aria-label"))

	var doc compareDoc
	r := b.get("/me/" + me + "/compare.json")
	require.Equal(t, http.StatusOK, r.status)
	require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
	assert.Equal(t, idSame, doc.Before.ID)
	assert.Equal(t, []string{"straight-lined"}, doc.Before.Flags)
	assert.Equal(t, idFine, doc.After.ID)
	assert.Empty(t, doc.After.Flags)
}

// TestHistory_AnotherPersonsLink: a browser that holds its own page is
// not switched by opening someone else's link (a friend's, a client's):
// its later results would land in the wrong history. It is asked, and
// switches only when it says so, by a POST.
func TestHistory_AnotherPersonsLink(t *testing.T) {
	e := newEnv(t)
	alice := newPersonBrowser(e, e.newClient())
	bob := newPersonBrowser(e, e.newClient())
	alice.take(samePlan(spectrumOf(t), 2))
	bob.take(samePlan(spectrumOf(t), 4))
	aliceMe, bobMe := alice.me(), bob.me()
	require.NotEqual(t, aliceMe, bobMe)
	// Alice remembers her page on this device.
	require.Equal(t, http.StatusSeeOther, alice.post("/me/"+aliceMe+"/remember", nil, nil).status)

	r := alice.get("/me/" + bobMe)
	require.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.header.Values("Set-Cookie"), "the cookie is not switched")
	assert.Equal(t, aliceMe, alice.me())
	form := find(t, r.doc, byTestID("adopt"))
	assert.Equal(t, "/me/"+bobMe+"/adopt", attr(form, "action"))
	assert.Contains(t, text(form), "This browser holds a different private page now")
	assert.Empty(t, findAll(r.doc, byTestID("remember")))
	assert.Empty(t, findAll(r.doc, byTestID("remembered")))

	// A result taken now still goes to Alice's history.
	alice.take(samePlan(spectrumOf(t), 3))
	assert.Len(t, findAll(alice.get("/me/"+aliceMe).doc, byTestID("attempt")), 2)
	assert.Len(t, findAll(alice.get("/me/"+bobMe).doc, byTestID("attempt")), 1)

	// Saying so switches it, for this visit: the page Alice remembered
	// is set aside here, so it cannot win over Bob's.
	r = alice.post("/me/"+bobMe+"/adopt", nil, nil)
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, bobMe, setCookieIn(r, visitCookie).Value)
	assert.Less(t, setCookieIn(r, meCookie).MaxAge, 0)
	assert.Equal(t, bobMe, alice.me())
	h := alice.get("/me/" + bobMe)
	assert.Empty(t, findAll(h.doc, byTestID("adopt")))
	find(t, h.doc, byTestID("remember"))
	alice.take(samePlan(spectrumOf(t), 3))
	assert.Len(t, findAll(bob.get("/me/"+bobMe).doc, byTestID("attempt")), 2, "from now on")
	assert.Len(t, findAll(bob.get("/me/"+aliceMe).doc, byTestID("attempt")), 2)
}

func TestCompare_SameAttemptTwice(t *testing.T) {
	e := newEnv(t)
	b := newPersonBrowser(e, e.client)
	b.take(samePlan(spectrumOf(t), 2))
	b.take(samePlan(spectrumOf(t), 3))
	id := strconv.Itoa(e.count(`SELECT max(id) FROM attempts`))
	r := b.get("/me/" + b.me() + "/compare?from=" + id + "&to=" + id)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

// TestDeleteEverything_Drafts: an unfinished attempt in this browser goes
// with everything else.
func TestDeleteEverything_Drafts(t *testing.T) {
	e := newEnv(t)
	b := newPersonBrowser(e, e.client)
	b.take(samePlan(spectrumOf(t), 2))
	me := b.me()
	draft := b.start()
	page := b.get("/attempts/" + draft + "/1")
	require.Equal(t, http.StatusSeeOther, b.post("/attempts/"+draft+"/1", pageForm(t, page, "next", samePlan(spectrumOf(t), 4)), nil).status)
	require.Equal(t, 8, e.count(`SELECT count(*) FROM answers WHERE attempt_id = (SELECT id FROM attempts WHERE status = 'in_progress')`))

	r := b.post("/me/"+me+"/delete", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM attempts`))
	assert.Equal(t, 0, e.count(`SELECT count(*) FROM answers`))
	c := setCookieIn(r, "tandem_draft_"+spectrumQuiz)
	require.NotNil(t, c, "the draft cookie is cleared")
	assert.Equal(t, -1, c.MaxAge)
	assert.Equal(t, http.StatusNotFound, b.get("/attempts/"+draft+"/1").status)
}

// TestHistory_LinkFromAnotherSite: a personal link is never adopted by
// opening it, however it was opened: someone could send their own link so
// that the reader's results land in their history. Joining is a POST from
// the page, which another site cannot send.
func TestHistory_LinkFromAnotherSite(t *testing.T) {
	e := newEnv(t)
	owner := newPersonBrowser(e, e.newClient())
	owner.take(samePlan(spectrumOf(t), 2))
	link := "/me/" + owner.me()

	reader := newPersonBrowser(e, e.newClient())
	for _, site := range []string{"cross-site", "same-site", "none", "same-origin", ""} {
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+link, nil)
		require.NoError(t, err)
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		r := e.do(reader.c, req)
		require.Equal(t, http.StatusOK, r.status, site)
		assert.Empty(t, r.header.Values("Set-Cookie"), "Sec-Fetch-Site %q: no cookie from opening a link", site)
		assert.Empty(t, reader.me(), site)
		adopt := find(t, r.doc, byTestID("adopt"))
		assert.Contains(t, text(adopt), "This is the private page of whoever was given this link", site)
		assert.NotContains(t, text(adopt), "a different private page", "%s: the browser holds none", site)
	}

	r := reader.post(link+"/adopt", nil, crossSiteForm)
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Empty(t, reader.me(), "another site cannot make the browser join")

	reader.take(samePlan(spectrumOf(t), 4))
	assert.NotEqual(t, owner.me(), reader.me())
	assert.Len(t, attemptLinks(t, owner.get(link)), 1, "the reader's result is the reader's")

	r = reader.post(link+"/adopt", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, owner.me(), reader.me())
}

// TestForgetDevice_Drafts: forgetting the device also forgets unfinished
// answers, so the next person at a shared computer cannot resume them.
func TestForgetDevice_Drafts(t *testing.T) {
	e := newEnv(t)
	b := newPersonBrowser(e, e.client)
	b.take(samePlan(spectrumOf(t), 2))
	b.start()
	r := b.post("/me/"+b.me()+"/forget", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	c := setCookieIn(r, "tandem_draft_"+spectrumQuiz)
	require.NotNil(t, c)
	assert.Equal(t, -1, c.MaxAge)
	assert.Empty(t, findAll(e.get("/").doc, byTestID("resume")))
}

// TestResultDelete_ByLink: holding a result's link is enough to delete it,
// even without the personal page (cookies blocked, another device).
func TestResultDelete_ByLink(t *testing.T) {
	e := newEnv(t)
	owner := newPersonBrowser(e, e.client)
	token, _ := owner.take(samePlan(spectrumOf(t), 2))
	kept, _ := owner.take(samePlan(spectrumOf(t), 3))

	stranger := newPersonBrowser(e, e.newClient())
	page := stranger.get("/results/" + token)
	del := find(t, page.doc, byAttr("href", "/results/"+token+"/delete"))
	confirm := stranger.get(attr(del, "href"))
	require.Equal(t, http.StatusOK, confirm.status)
	assert.Equal(t, "/results/"+token+"/delete", attr(find(t, confirm.doc, byTag("form")), "action"))

	r := stranger.post("/results/"+token+"/delete", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/deleted", r.location)
	assert.Equal(t, http.StatusNotFound, stranger.get("/results/"+token).status)
	assert.Equal(t, http.StatusOK, stranger.get("/results/"+kept).status, "other results stay")
	assert.Len(t, findAll(owner.get("/me/"+owner.me()).doc, byTestID("attempt")), 1)
	assert.Equal(t, http.StatusNotFound, stranger.post("/results/"+token+"/delete", nil, nil).status)
}
