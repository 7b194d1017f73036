package e2e_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
)

// item finds an item of the shipped quiz by id.
func (s *server) item(t *testing.T, id string) quiz.Item {
	t.Helper()
	for _, it := range s.quiz.Items() {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %q in %s", id, s.quiz.ID)
	return quiz.Item{}
}

// startByKeyboard goes from the home page to the first question with the
// keyboard only: Tab to the quiz's link, Enter; Tab to Start, Enter.
func (tb *tab) startByKeyboard() {
	tb.t.Helper()
	tb.visit("/")
	tb.tabTo(fmt.Sprintf(`a[href="/quizzes/%s"]`, tb.srv.quiz.ID), 10)
	tb.pressAndLoad(kb.Enter)
	require.Equal(tb.t, "/quizzes/"+tb.srv.quiz.ID, tb.path())
	tb.tabTo(`form[method=post] button[type=submit]`, 20)
	resp := tb.pressAndLoad(kb.Enter)
	require.EqualValues(tb.t, 200, resp.Status)
	require.True(tb.t, strings.HasSuffix(tb.path(), "/1"), "the first page of questions, not %s", tb.path())
}

// answerByKeyboard answers the questions of the page with the keyboard
// only, skipping the items in skip: Tab into each radio group in turn,
// Space to choose the focused answer, arrow keys to move to the wanted
// one. It leaves the focus on the last group answered and returns the
// answers given.
func (tb *tab) answerByKeyboard(round int, skip ...string) map[string]string {
	tb.t.Helper()
	items := tb.items()
	require.NotEmpty(tb.t, items, "%s has questions", tb.path())
	given := map[string]string{}
	first, skipped := true, false
	for _, id := range items {
		if slices.Contains(skip, id) {
			skipped = true
			continue
		}
		radio := fmt.Sprintf(`input[type=radio][name=%q]`, id)
		switch {
		case first:
			// From wherever the focus is (top of the page, or the error
			// summary) into the first group to answer.
			tb.tabTo(radio, 40)
			tb.focusRing()
			first = false
		case skipped:
			tb.tabTo(radio, len(skip)+1)
		default:
			tb.press(kb.Tab)
			require.True(tb.t, tb.focused(radio), "Tab goes from one question to the next: want %s, focus is on %s", id, tb.active())
		}
		skipped = false
		want := answer(tb.srv.quiz, tb.srv.item(tb.t, id), round)
		cur := eval[struct {
			Value   string `json:"value"`
			Checked bool   `json:"checked"`
		}](tb, `({value: document.activeElement.value, checked: document.activeElement.checked})`)
		if !cur.Checked {
			tb.press(" ")
		}
		v, err := strconv.Atoi(cur.Value)
		require.NoError(tb.t, err)
		for ; v < want; v++ {
			tb.press(kb.ArrowRight)
		}
		for ; v > want; v-- {
			tb.press(kb.ArrowLeft)
		}
		got := tb.checked()[id]
		require.Equal(tb.t, strconv.Itoa(want), got, "the keys chose the answer to %s", id)
		given[id] = got
	}
	return given
}

// nextByKeyboard moves the focus from the last question (or from the top
// of a page left unanswered) to the Next (or Finish) button and presses
// Enter, and returns the status of the page that comes back.
func (tb *tab) nextByKeyboard() int64 {
	tb.t.Helper()
	tb.tabTo(`button[name=_nav][value=next]`, tb.tabsPastQuestions())
	tb.focusRing()
	return tb.pressAndLoad(kb.Enter).Status
}

// tabsPastQuestions is enough presses of Tab to go past every question of
// the page from its top: one stop per radio group, and a few for the links
// and buttons around them.
func (tb *tab) tabsPastQuestions() int {
	tb.t.Helper()
	return len(tb.items()) + 5
}

// safetyOf lists the safety items of the page the tab shows, which the
// flows leave unanswered.
func (tb *tab) safetyOf() []string {
	tb.t.Helper()
	var ids []string
	for _, id := range tb.items() {
		if safety(tb.srv.item(tb.t, id)) {
			ids = append(ids, id)
		}
	}
	return ids
}

// focusRing checks that the element the keyboard focused shows it: an
// outline at least 2 px wide (WCAG 2.4.7, and 2.4.13's thickness).
func (tb *tab) focusRing() {
	tb.t.Helper()
	ring := eval[struct {
		Style string  `json:"style"`
		Width float64 `json:"width"`
	}](tb, `(() => { const s = getComputedStyle(document.activeElement); return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; })()`)
	assert.True(tb.t, ring.Style != "none" && ring.Width >= 2, "%s shows its focus: outline %s %.1fpx", tb.active(), ring.Style, ring.Width)
}

// takeByKeyboard takes the whole quiz from its first page to the result
// with the keyboard only, leaving the optional safety page unanswered.
func (tb *tab) takeByKeyboard(round int) {
	tb.t.Helper()
	for page := 1; page <= len(tb.srv.quiz.Sections); page++ {
		require.True(tb.t, strings.HasSuffix(tb.path(), "/"+strconv.Itoa(page)), "page %d, not %s", page, tb.path())
		assert.Equal(tb.t, 1, tb.count("progress"), "a progress bar")
		tb.answerByKeyboard(round, tb.safetyOf()...)
		require.EqualValues(tb.t, 200, tb.nextByKeyboard())
	}
	require.True(tb.t, strings.HasPrefix(tb.path(), "/results/"), "the result, not %s", tb.path())
}

// TestTake_Keyboard takes the shipped quiz from the home page to the
// result with the keyboard alone (Tab, Space, arrow keys, Enter; no
// clicks): one Tab from each question to the next, a visible focus ring,
// and a result page with everything it promises. The result has an
// address of its own: Back to the last page of questions leads to it
// again in this browser, while another browser given the attempt's link
// finds nothing there.
func TestTake_Keyboard(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t)
	tb.startByKeyboard()
	tb.takeByKeyboard(0)
	tb.resultPresent()

	result := tb.path()
	h, err := chromedp.Run(tb.ctx, chromedp.NavigationEntries())
	require.NoError(t, err)
	require.Positive(t, h.CurrentIndex)
	last := strings.TrimPrefix(h.Entries[h.CurrentIndex-1].URL, srv.URL)
	require.True(t, strings.HasPrefix(last, "/attempts/"), "the last page of questions before the result, not %s", last)
	assert.NotEqual(t, strings.Split(last, "/")[2], strings.Split(result, "/")[2], "the result has a token of its own")
	tb.back()
	assert.Equal(t, result, tb.path(), "Back to the finished attempt leads to its result")
	other := srv.open(t)
	assert.EqualValues(t, 404, other.visit(last).Status, "the attempt's link leads nowhere in another browser")
}

// TestTake_NoJavaScript is TestTake_Keyboard with scripts switched off in
// the browser: every step is a plain form, and the result is the same,
// without the copy buttons that the script adds.
func TestTake_NoJavaScript(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t, withoutJS)
	tb.startByKeyboard()
	tb.takeByKeyboard(0)
	tb.resultPresent()
}

// resultPresent checks what a result page must show.
func (tb *tab) resultPresent() {
	tb.t.Helper()
	t := tb.t
	assert.NotEmpty(t, tb.text(`[data-testid=result-title]`))
	assert.NotEmpty(t, tb.text(`[data-testid=result-summary]`))
	assert.Equal(t, 1, tb.count(`[data-testid=spectrum] svg[role=img]`), "the spectrum")
	// Both pulls drawn, and the middle marked as the person's place only
	// when neither pull is strong.
	zone := tb.attr(`[data-testid=spectrum] svg`, "data-zone")
	assert.Contains(t, []string{"middle", "left", "right", "both"}, zone, "the spectrum's zone")
	assert.Equal(t, 1, tb.count(`[data-testid=pull-left]`), "the pull toward the left pole")
	assert.Equal(t, 1, tb.count(`[data-testid=pull-right]`), "the pull toward the right pole")
	middle := 0
	if zone == "middle" {
		middle = 1
	}
	assert.Equal(t, middle, tb.count(`[data-testid=spectrum-middle]`), "the person's place in the middle, in zone %s", zone)
	assert.Zero(t, tb.count(`[data-testid=support]`), "no support flag: the safety page was left unanswered")
	assert.Equal(t, 1, tb.count(`[data-testid=map] svg[role=img]`), "the map")
	assert.Equal(t, 1, tb.count(`[data-testid=map-marker]`), "the person's place on the map")
	assert.Regexp(t, `\d`, tb.text(`[data-testid=spectrum-text]`), "the spectrum in words, with the number")
	assert.Regexp(t, `\d`, tb.text(`[data-testid=map-text]`), "the map in words, with the numbers")
	assert.Equal(t, len(tb.srv.quiz.Scales), tb.count(`[data-testid=scale]`), "every scale")
	assert.Equal(t, len(tb.srv.quiz.Scales), tb.count(`[data-testid=scale] [data-testid=score]`), "a score for each scale")
	assert.Positive(t, tb.count(`[data-testid=next-steps] li`), "next steps")
	assert.Contains(t, tb.attr(`[data-testid=result-url]`, "value"), tb.path(), "the private link to this result")
	assert.Contains(t, tb.attr(`[data-testid=me-url]`, "value"), "/me/", "the private link to the personal page")
	assert.Equal(t, 1, tb.count(`link[rel=alternate][type="application/json"]`), "the JSON twin")
	// The copy buttons are an enhancement: shown only where the script runs.
	assert.Equal(t, !tb.noJS, eval[bool](tb, `document.querySelector("button[data-copy]").checkVisibility()`),
		"copy buttons show exactly when JavaScript runs")
}

// TestTake_BackForward: the browser's back and forward buttons show each
// page with the answers it was left with, and so does the page's own Back
// button, which keeps the answers given so far on the page it leaves.
func TestTake_BackForward(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t)
	tb.startByKeyboard()
	page1 := tb.answerByKeyboard(0)
	tb.nextByKeyboard()
	page2 := tb.answerByKeyboard(0)
	tb.nextByKeyboard()
	require.True(t, strings.HasSuffix(tb.path(), "/3"), tb.path())

	tb.back()
	assert.True(t, strings.HasSuffix(tb.path(), "/2"), tb.path())
	assert.Equal(t, page2, tb.checked(), "back to page 2")
	tb.back()
	assert.True(t, strings.HasSuffix(tb.path(), "/1"), tb.path())
	assert.Equal(t, page1, tb.checked(), "back to page 1")
	tb.forward()
	assert.True(t, strings.HasSuffix(tb.path(), "/2"), tb.path())
	assert.Equal(t, page2, tb.checked(), "forward to page 2")
	tb.forward()
	require.True(t, strings.HasSuffix(tb.path(), "/3"), tb.path())
	assert.Empty(t, tb.checked(), "page 3 is not answered yet")

	// Half of page 3, then the page's Back button, then Next again.
	items := tb.items()
	half := tb.answerByKeyboard(0, items[2:]...)
	tb.tabTo(`button[name=_nav][value=back]`, tb.tabsPastQuestions())
	tb.pressAndLoad(kb.Enter)
	assert.True(t, strings.HasSuffix(tb.path(), "/2"), tb.path())
	assert.Equal(t, page2, tb.checked(), "page 2 after the page's Back button")
	tb.nextByKeyboard()
	assert.True(t, strings.HasSuffix(tb.path(), "/3"), tb.path())
	assert.Equal(t, half, tb.checked(), "what was answered on page 3 before going back")
}

// TestTake_Reload: reloading a page of questions shows it again with the
// answers kept so far, and a second tab of the same browser, or a return
// to the home page, resumes where the person left off.
func TestTake_Reload(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t)
	tb.startByKeyboard()
	page1 := tb.answerByKeyboard(0)
	tb.nextByKeyboard()
	page2 := tb.answerByKeyboard(0)
	tb.nextByKeyboard()
	third := tb.path()

	assert.EqualValues(t, 200, tb.reload().Status)
	assert.Equal(t, third, tb.path(), "a reload stays on the page")
	// Go back with the page's own button (which saves), then reload there.
	tb.tabTo(`button[name=_nav][value=back]`, tb.tabsPastQuestions())
	tb.pressAndLoad(kb.Enter)
	assert.EqualValues(t, 200, tb.reload().Status)
	assert.Equal(t, page2, tb.checked(), "page 2 after a reload")
	tb.tabTo(`button[name=_nav][value=back]`, tb.tabsPastQuestions())
	tb.pressAndLoad(kb.Enter)
	assert.EqualValues(t, 200, tb.reload().Status)
	assert.Equal(t, page1, tb.checked(), "page 1 after a reload")

	// Another tab of the same browser finds the attempt from the home page.
	other := tb.sibling()
	other.visit("/")
	require.Positive(t, other.count(`[data-testid=quiz-card] a.button`), "the home page offers to resume")
	other.clickAndLoad(`[data-testid=quiz-card] a.button`)
	assert.Equal(t, third, other.path(), "resume goes to the first page with questions left")
}

// TestTake_Problems: a page sent with a question unanswered comes back
// with status 422, the answers given still chosen, the focus on the error
// summary (autofocus), and the error tied to its question: the fieldset is
// described by the message, which the accessibility tree confirms. The
// summary's link takes the keyboard to the question.
func TestTake_Problems(t *testing.T) {
	t.Parallel()
	for _, js := range []bool{true, false} {
		name, opts := "JavaScript", []tabOption{}
		if !js {
			name, opts = "NoJavaScript", []tabOption{withoutJS}
		}
		t.Run(name, func(t *testing.T) { takeWithProblem(t, opts...) })
	}
}

func takeWithProblem(t *testing.T, opts ...tabOption) {
	srv := newServer(t)
	tb := srv.open(t, opts...)
	tb.startByKeyboard()
	first := tb.path()
	missing := tb.items()[1]
	given := tb.answerByKeyboard(0, missing)
	require.EqualValues(t, 422, tb.nextByKeyboard())
	assert.Equal(t, first, tb.path(), "the same page comes back")
	assert.Equal(t, given, tb.checked(), "with the answers given")

	assert.True(t, tb.focused(`#problems[role=alert]`), "the focus is on the error summary, an alert: %s", tb.active())
	title, err := chromedp.Run(tb.ctx, chromedp.Title())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(title, "Error:"), "the title says the page came back: %q", title)
	assert.Equal(t, 1, tb.count(`#problems li a`), "one problem listed")
	assert.Equal(t, 1, tb.count(`fieldset.has-error`), "one question marked")

	field := "#q-" + missing
	assert.Equal(t, "e-"+missing, tb.attr(field, "aria-describedby"))
	message := tb.text("#e-" + missing)
	require.NotEmpty(t, message)
	assert.Equal(t, 1, tb.count(field+" #e-"+missing), "the message is inside its question")
	role, name, desc := tb.ax(field)
	assert.Equal(t, "group", role)
	assert.Contains(t, name, srv.item(t, missing).Text, "the question names its group")
	assert.Equal(t, message, desc, "the group's accessible description is the error")

	// From the summary, Tab to its link and Enter: the focus moves to the
	// question's first answer; answer it there and go on.
	tb.press(kb.Tab)
	require.True(t, tb.focused(`#problems a`), "Tab from the summary reaches its link, not %s", tb.active())
	tb.press(kb.Enter)
	radio := fmt.Sprintf(`input[type=radio][name=%q]`, missing)
	assert.True(t, tb.focused(radio), "the link moves the focus to the question, not %s", tb.active())
	tb.press(" ")
	assert.Equal(t, tb.attr(radio, "value"), tb.checked()[missing])
	require.EqualValues(t, 200, tb.nextByKeyboard())
	assert.True(t, strings.HasSuffix(tb.path(), "/2"), tb.path())
}
