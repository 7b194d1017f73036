package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answerByClicks answers every question of the page but the safety ones
// with the pointer, clicking the label of the wanted answer (the whole
// choice is its target).
func (tb *tab) answerByClicks(round int) {
	tb.t.Helper()
	for _, id := range tb.items() {
		it := tb.srv.item(tb.t, id)
		if safety(it) {
			continue
		}
		v := answer(tb.srv.quiz, it, round)
		tb.click(fmt.Sprintf(`label[for="q-%s-%d"]`, id, v-tb.srv.quiz.Scale.Min))
	}
}

// takeByClicks takes the quiz from its first page to the result with the
// pointer.
func (tb *tab) takeByClicks(round int) {
	tb.t.Helper()
	for range tb.srv.quiz.Sections {
		tb.answerByClicks(round)
		require.EqualValues(tb.t, 200, tb.clickAndLoad(`button[name=_nav][value=next]`).Status)
	}
	require.True(tb.t, strings.HasPrefix(tb.path(), "/results/"), "the result, not %s", tb.path())
}

// TestRetakeAndCompare: a person takes the quiz, opens their personal page
// from the result, retakes the quiz from there in the same browser, and
// finds both results listed, trend charts, and a comparison that says for
// each scale whether the change is a real one.
func TestRetakeAndCompare(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t)
	tb.visit("/quizzes/" + srv.quiz.ID)
	tb.clickAndLoad(`form.inline-form button[type=submit]`)
	tb.takeByClicks(0)
	tb.resultPresent()

	tb.clickAndLoad(`[data-testid=personal] a[href^="/me/"]`)
	me := tb.path()
	assert.Equal(t, 1, tb.count(`[data-testid=attempt]`), "one result listed")
	assert.Zero(t, tb.count(`[data-testid=compare-link]`), "nothing to compare yet")

	tb.clickAndLoad(`[data-testid=quiz-trend] a.button[href="/quizzes/` + srv.quiz.ID + `"]`)
	tb.clickAndLoad(`form.inline-form button[type=submit]`)
	tb.takeByClicks(1)
	// The browser holds a page: the result waits to be kept there, which
	// the person does.
	assert.Zero(t, tb.count(`[data-testid=personal]`), "not on the page until kept")
	tb.clickAndLoad(`[data-testid=keep] button[type=submit]`)
	assert.Equal(t, me, tb.attr(`[data-testid=personal] a[href^="/me/"]`, "href"), "the second result joins the same personal page")

	tb.visit("/me") // the browser remembers its personal page
	assert.Equal(t, me, tb.path())
	assert.Equal(t, 2, tb.count(`[data-testid=attempt]`), "both results listed")
	assert.Equal(t, len(srv.quiz.Scales)+1, tb.count(`[data-testid=quiz-trend] figure.trend-chart svg[role=img]`),
		"a trend chart for each scale and the spectrum")
	assert.Equal(t, len(srv.quiz.Scales)+1, tb.count(`[data-testid=quiz-trend] figure.trend-chart table`),
		"each with a table of its numbers")

	tb.clickAndLoad(`[data-testid=compare-link]`)
	assert.True(t, strings.HasPrefix(tb.path(), me+"/compare"), tb.path())
	rows := tb.count(`[data-testid=scale-change]`)
	assert.Equal(t, len(srv.quiz.Scales), rows, "a row for each scale")
	assert.Positive(t, tb.count(`[data-testid=verdict]`), "verdicts on the change")
	normed := 0
	for _, s := range srv.quiz.Scales {
		if s.Norms != nil {
			normed++
		}
	}
	assert.GreaterOrEqual(t, tb.count(`[data-testid=verdict]`), normed, "a verdict for each scale with norms")
	assert.Positive(t, tb.count(`[data-testid=moves] li`), "the answers that moved most")
	assert.Equal(t, 1, tb.count(`link[rel=alternate][type="application/json"]`), "the JSON twin")
}

// adopt joins the personal page the tab shows, which this browser does
// not hold yet: the page says whose it is and offers to join it, and only
// that POST makes the browser hold it, for this visit.
func (tb *tab) adopt() {
	tb.t.Helper()
	t := tb.t
	me := tb.path()
	require.Equal(t, 1, tb.count(`form[data-testid=adopt][method=post]`), "%s offers to join it", me)
	assert.NotEmpty(t, tb.text(`[data-testid=adopt] p`), "and says whose page it is")
	assert.Zero(t, tb.count(`[data-testid=remember], [data-testid=remembered]`), "a page not joined keeps nothing on this device")
	tb.clickAndLoad(`[data-testid=adopt] button[type=submit]`)
	require.Equal(t, me, tb.path(), "joining comes back to the page")
	assert.Zero(t, tb.count(`[data-testid=adopt]`), "joined")
	assert.Equal(t, 1, tb.count(`form[data-testid=remember] button`), "held for this visit, with the offer to remember")
}

// cookies lists the tab's cookies for the server by name.
func (tb *tab) cookies() map[string]*network.Cookie {
	tb.t.Helper()
	r := call(tb, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.srv.URL}})
	m := map[string]*network.Cookie{}
	for _, c := range r.Cookies {
		m[c.Name] = c
	}
	return m
}

// TestForgetAndDelete: from the personal page a person deletes one result,
// makes the browser forget the page (the link still opens it, and offers
// to join it again), then deletes everything, after which the link is
// gone. Opening the link ties nothing to the browser; joining it holds it
// for this visit, and "Remember me on this device" beyond it.
func TestForgetAndDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	me, _ := srv.seed(t, 2)
	tb := srv.open(t)
	tb.visit(me)
	require.Equal(t, 2, tb.count(`[data-testid=attempt]`))
	assert.Empty(t, tb.cookies(), "opening a personal page ties nothing to the browser")
	assert.EqualValues(t, 404, tb.visit("/me").Status, "not even after reading it")
	tb.visit(me)
	tb.adopt()
	ck := tb.cookies()
	require.Contains(t, ck, visitCookie)
	assert.True(t, ck[visitCookie].Session, "held for this visit only: gone when the browser closes")
	assert.NotContains(t, ck, rememberCookie)

	tb.clickAndLoad(`form[data-testid=remember] button`)
	assert.Equal(t, me+"?remembered=1", tb.path())
	assert.Equal(t, 1, tb.count(`[data-testid=notice][role=status]`), "remembering is announced")
	assert.Equal(t, 1, tb.count(`[data-testid=remembered]`))
	assert.Zero(t, tb.count(`[data-testid=remember]`))
	ck = tb.cookies()
	require.Contains(t, ck, rememberCookie)
	assert.False(t, ck[rememberCookie].Session, "remembered beyond this visit")
	assert.Greater(t, ck[rememberCookie].Expires, float64(time.Now().AddDate(1, 0, 0).Unix()), "for more than a year")
	assert.NotContains(t, ck, visitCookie, "in one cookie, not two")

	tb.clickAndLoad(`[data-testid=attempt] a`)
	tb.clickAndLoad(`a[href$="/delete"]`)
	tb.clickAndLoad(`form button.danger`)
	assert.Equal(t, me+"?deleted=1", tb.path())
	assert.Equal(t, 1, tb.count(`[data-testid=notice][role=status]`), "the deletion is announced")
	assert.Equal(t, 1, tb.count(`[data-testid=attempt]`), "one result left")

	tb.clickAndLoad(`main form[action$="/forget"] button`)
	assert.Equal(t, "/?forgotten=1", tb.path())
	assert.Equal(t, 1, tb.count(`[data-testid=notice][role=status]`))
	assert.Zero(t, tb.count(`[data-testid=me-link]`), "the home page no longer offers the personal page")
	assert.Zero(t, tb.count(`[data-testid=forget-device]`), "nothing left to forget")
	assert.NotContains(t, tb.cookies(), rememberCookie)
	assert.NotContains(t, tb.cookies(), visitCookie)
	assert.EqualValues(t, 404, tb.visit("/me").Status)
	tb.visit(me)
	assert.Equal(t, 1, tb.count(`[data-testid=attempt]`), "the link still opens the personal page")
	tb.adopt()
	tb.visit("/me")
	assert.Equal(t, me, tb.path(), "joined again")

	tb.visit(me)
	tb.clickAndLoad(`a.danger[href$="/delete"]`)
	tb.clickAndLoad(`form button.danger`)
	assert.Equal(t, "/deleted", tb.path())
	assert.EqualValues(t, 404, tb.visit(me).Status, "everything is gone")
	assert.EqualValues(t, 404, tb.visit("/me").Status)
}
