package web_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/web"
)

// steppedQuiz is supportQuiz with next steps on both results: boundary
// advice that a raised safety flag sets aside.
func steppedQuiz(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	src := strings.Replace(supportQuiz,
		"summary: Both., when:", "summary: Both., next_steps: [Say no once this week.], when:", 1)
	src = strings.Replace(src,
		"summary: Rest.}", "summary: Rest., next_steps: [Say no once this week.]}", 1)
	q, err := quiz.Parse("cares.yaml", []byte(src))
	require.NoError(tb, err)
	return q
}

// Answers to steppedQuiz that raise its flag, and that do not.
var (
	afraid = map[string]int{"h1": 5, "a1": 5, "b1": 3, "sa1": 5}
	steady = map[string]int{"h1": 5, "a1": 5, "b1": 3, "sa1": 1}
)

func answersOf(plan map[string]int) func(string) (int, bool) {
	return func(id string) (int, bool) { v, ok := plan[id]; return v, ok }
}

// TestSupport_SafetyFirst: when a flag is raised, the result's next steps
// (advice such as saying no, which can be unsafe with a partner someone
// fears) give way to a note pointing to the support shown first.
func TestSupport_SafetyFirst(t *testing.T) {
	e := newEnv(t, steppedQuiz(t))

	page := e.get("/results/" + resultOf(t, e.answerAll(e.start("cares"), answersOf(afraid))))
	require.Equal(t, http.StatusOK, page.status)
	note := find(t, page.doc, byTestID("safety-first"))
	assert.Contains(t, text(note), "your safety comes first")
	assert.Contains(t, text(note), "support at the top of this page")
	assert.Empty(t, findAll(page.doc, byTestID("next-steps")))
	assert.NotContains(t, page.body, "Say no once this week.")
	assert.Less(t, indexOf(page.body, `data-testid="support"`), indexOf(page.body, `data-testid="safety-first"`))

	page = e.get("/results/" + resultOf(t, e.answerAll(e.start("cares"), answersOf(steady))))
	require.Equal(t, http.StatusOK, page.status)
	assert.Empty(t, findAll(page.doc, byTestID("safety-first")))
	assert.Equal(t, "Say no once this week.", text(find(t, page.doc, byTestID("next-steps"))))
}

// TestSupport_OperatorResources: an operator's resources take the place of
// the quiz's for the regions they name, and their region comes first for
// a browser that names none.
func TestSupport_OperatorResources(t *testing.T) {
	rs, err := quiz.ParseResources("helplines.yaml", []byte(`region: NZ
support:
  safety:
    - {name: Kiwi line, url: "https://example.org/nz", phone: "0800 733 843", region: NZ}
    - {name: Our own home line, url: "https://example.org/gb-local", region: GB}
`))
	require.NoError(t, err)
	e := newEnvQuizzes(t, filepath.Join(t.TempDir(), "t.db"), web.Config{SupportResources: rs}, steppedQuiz(t))
	result := "/results/" + resultOf(t, e.answerAll(e.start("cares"), answersOf(afraid)))

	names := func(lang string) (first, elsewhere []string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+result, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", lang)
		page := e.do(e.client, req)
		require.Equal(t, http.StatusOK, page.status)
		support := find(t, page.doc, byTestID("support"))
		folded := find(t, support, byTag("details"))
		for _, a := range findAll(support, byTestID("resource")) {
			first = append(first, text(a))
		}
		for _, a := range findAll(folded, byTestID("resource")) {
			elsewhere = append(elsewhere, text(a))
		}
		return first[:len(first)-len(elsewhere)], elsewhere
	}

	first, elsewhere := names("en")
	assert.Equal(t, []string{"Kiwi line", "Anywhere line"}, first, "the operator's region first, for a browser that names none")
	assert.Equal(t, []string{"Somewhere else", "Our own home line"}, elsewhere)
	first, _ = names("en-GB")
	assert.Equal(t, []string{"Our own home line", "Anywhere line"}, first,
		"the quiz's GB line gives way to the operator's; the browser's region wins")
}

// TestSupport_CompareMarks: a comparison marks the side whose answers
// raised a flag quietly ("Support offered", not the flag's title, for
// whoever looks over the person's shoulder), and its twin lists the ids.
func TestSupport_CompareMarks(t *testing.T) {
	e := newEnv(t, steppedQuiz(t))
	resultOf(t, e.answerAll(e.start("cares"), answersOf(afraid)))
	e.at(testClock.Add(24 * 60 * 60 * 1e9))
	resultOf(t, e.answerAll(e.start("cares"), answersOf(steady)))
	me := "/me/" + heldToken(t, e, e.client)

	page := e.get(me + "/compare?quiz=cares")
	require.Equal(t, http.StatusOK, page.status, page.body)
	marks := findAll(page.doc, byTestID("support-mark"))
	require.Len(t, marks, 1)
	assert.Equal(t, "Support offered", text(marks[0]))
	assert.NotContains(t, page.body, "Your safety comes first")

	twin := e.get(me + "/compare.json?" + strings.SplitN(attr(find(t, page.doc, byAttr("rel", "alternate")), "href"), "?", 2)[1])
	require.Equal(t, http.StatusOK, twin.status, twin.body)
	var doc struct {
		Before, After struct{ Support []string }
	}
	require.NoError(t, json.Unmarshal([]byte(twin.body), &doc))
	assert.Equal(t, []string{"safety"}, doc.Before.Support)
	assert.Equal(t, []string{}, doc.After.Support)
}

// TestCompare_NormsNotProvisional: norms that do not say they are
// provisional give verdicts without the provisional note, on the page and
// in the twin.
func TestCompare_NormsNotProvisional(t *testing.T) {
	e := newEnv(t, fixture(t, "weighted-sleep.yaml"))
	for _, v := range []int{1, 4} {
		resultOf(t, e.answerAll(e.start("weighted-sleep"), func(string) (int, bool) { return v, true }))
		e.at(testClock.Add(time.Duration(v) * 24 * time.Hour))
	}
	me := "/me/" + heldToken(t, e, e.client)
	page := e.get(me + "/compare?quiz=weighted-sleep")
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Empty(t, findAll(page.doc, byTestID("provisional")))
	verdicts := findAll(page.doc, byTestID("verdict"))
	require.NotEmpty(t, verdicts)
	assert.Contains(t, text(page.doc), "A real change", "rest moved from 0 to 100 on norms with sd 10")

	twin := e.get(me + "/compare.json?" + strings.SplitN(attr(find(t, page.doc, byAttr("rel", "alternate")), "href"), "?", 2)[1])
	var doc struct {
		Scales map[string]struct{ Provisional *bool }
	}
	require.NoError(t, json.Unmarshal([]byte(twin.body), &doc))
	require.NotNil(t, doc.Scales["rest"].Provisional)
	assert.False(t, *doc.Scales["rest"].Provisional)
	assert.Nil(t, doc.Scales["worry"].Provisional, "no norms, no claim")
}
