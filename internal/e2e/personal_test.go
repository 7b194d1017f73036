package e2e_test

import (
	"fmt"
	"strings"
	"testing"

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

// TestForgetAndDelete: from the personal page a person deletes one result,
// makes the browser forget the page (the link still opens it, and adopts
// it again), then deletes everything, after which the link is gone.
func TestForgetAndDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	me, _ := srv.seed(t, 2)
	tb := srv.open(t)
	tb.visit(me)
	require.Equal(t, 2, tb.count(`[data-testid=attempt]`))

	tb.clickAndLoad(`[data-testid=attempt] a`)
	tb.clickAndLoad(`a[href$="/delete"]`)
	tb.clickAndLoad(`form button.danger`)
	assert.Equal(t, me+"?deleted=1", tb.path())
	assert.Equal(t, 1, tb.count(`[data-testid=notice][role=status]`), "the deletion is announced")
	assert.Equal(t, 1, tb.count(`[data-testid=attempt]`), "one result left")

	tb.clickAndLoad(`form[action$="/forget"] button`)
	assert.Equal(t, "/?forgotten=1", tb.path())
	assert.Equal(t, 1, tb.count(`[data-testid=notice][role=status]`))
	assert.Zero(t, tb.count(`[data-testid=me-link]`), "the home page no longer offers the personal page")
	assert.EqualValues(t, 404, tb.visit("/me").Status)
	tb.visit(me)
	assert.Equal(t, 1, tb.count(`[data-testid=attempt]`), "the link still opens the personal page")

	tb.clickAndLoad(`a.danger[href$="/delete"]`)
	tb.clickAndLoad(`form button.danger`)
	assert.Equal(t, "/deleted", tb.path())
	assert.EqualValues(t, 404, tb.visit(me).Status, "everything is gone")
	assert.EqualValues(t, 404, tb.visit("/me").Status)
}
