package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
)

// supportQuiz has a spectrum with a cut, and one support flag raised by an
// item that keys nothing (sa1) or one that also keys a scale (b1).
const supportQuiz = `id: cares
version: 1
title: Cares
language: en-GB
scale: {min: 1, max: 5, labels: [Never, Rarely, Sometimes, Often, Always]}
scales:
  - {id: hold, name: Holding on}
  - {id: away, name: Keeping away}
sections:
  - id: one
    title: One
    items:
      - {id: h1, text: I hold on., keys: {hold: 1}}
      - {id: a1, text: I keep away., keys: {away: 1}}
      - {id: b1, text: I hold on hard., keys: {hold: 1}}
  - id: safety
    title: Safety
    items:
      - {id: sa1, text: I am afraid., optional: true}
results:
  - {id: both, title: Both ways, summary: Both., when: {hold: {min: 70}, away: {min: 70}}}
  - {id: rest, title: The rest, summary: Rest.}
spectrum: {left: hold, right: away, middle: Middle, cut: 70}
support:
  - id: safety
    title: Your safety comes first
    message: |
      You deserve to be safe.

      Help is there.
    resources:
      - {name: Somewhere else, url: "https://example.org/de", phone: "116 016", region: DE}
      - {name: Anywhere line, url: "https://example.org/world", region: international}
      - {name: Home line, url: "https://example.org/gb", phone: "0808 2000 247", region: GB}
    items: [sa1, b1]
    min: 4
`

func TestSupport_ResultPage(t *testing.T) {
	q, err := quiz.Parse("cares.yaml", []byte(supportQuiz))
	require.NoError(t, err)
	e := newEnv(t, q)

	t.Run("Raised", func(t *testing.T) {
		token := resultOf(t, e.answerAll(e.start("cares"), func(id string) (int, bool) {
			return map[string]int{"h1": 5, "a1": 5, "b1": 3, "sa1": 4}[id], true
		}))
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/results/"+token, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
		page := e.do(e.client, req)
		require.Equal(t, http.StatusOK, page.status)

		support := find(t, page.doc, byTestID("support"))
		assert.Equal(t, "safety", attr(support, "data-flag"))
		assert.Contains(t, text(support), "Your safety comes first")
		assert.Contains(t, text(support), "You deserve to be safe.")
		// The message comes first: before the result's title.
		assert.Less(t, indexOf(page.body, `data-testid="support"`), indexOf(page.body, `data-testid="result-title"`))

		var names, phones []string
		for _, a := range findAll(support, byTestID("resource")) {
			names = append(names, text(a))
		}
		for _, a := range findAll(support, byTestID("phone")) {
			phones = append(phones, attr(a, "href"))
		}
		assert.Equal(t, []string{"Home line", "Anywhere line", "Somewhere else"}, names,
			"the browser's region first, then anywhere, then the rest")
		assert.Equal(t, []string{"tel:08082000247", "tel:116016"}, phones)
		elsewhere := find(t, support, byTag("details"))
		assert.Contains(t, text(elsewhere), "Somewhere else", "other regions are folded")
		assert.NotContains(t, text(elsewhere), "Home line")
		assert.Contains(t, text(support), "United Kingdom")
		assert.Contains(t, text(support), "Germany")

		twin := e.get("/results/" + token + ".json")
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(twin.body), &doc))
		assert.Equal(t, []any{"safety"}, doc["support"])
		assert.Equal(t, "en-GB", doc["language"])
		assert.Equal(t, "both", doc["spectrum"].(map[string]any)["zone"])
	})

	t.Run("RaisedByAScoredItem", func(t *testing.T) {
		token := resultOf(t, e.answerAll(e.start("cares"), func(id string) (int, bool) {
			return map[string]int{"h1": 1, "a1": 1, "b1": 5}[id], id != "sa1"
		}))
		page := e.get("/results/" + token)
		assert.Len(t, findAll(page.doc, byTestID("support")), 1)
	})

	t.Run("NotRaised", func(t *testing.T) {
		token := resultOf(t, e.answerAll(e.start("cares"), func(id string) (int, bool) {
			return map[string]int{"h1": 1, "a1": 1, "b1": 3, "sa1": 3}[id], true
		}))
		page := e.get("/results/" + token)
		assert.Empty(t, findAll(page.doc, byTestID("support")), "an answer below min raises nothing")
		twin := e.get("/results/" + token + ".json")
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(twin.body), &doc))
		assert.Equal(t, []any{}, doc["support"], "none raised is [], not null")
		assert.Equal(t, "middle", doc["spectrum"].(map[string]any)["zone"])
	})
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
