package scoring_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/quizzes"
)

// validityQuiz has ten five-word items: five keying "a" positively and five
// reversed, so every positive item pairs with every reversed one (25 pairs).
const validityQuiz = `id: v
version: 1
title: V
scale: {min: 1, max: 5, labels: [1, 2, 3, 4, 5]}
scales: [{id: a, name: A}]
sections:
  - id: s
    title: S
    items:
      - {id: p1, text: one two three four five, keys: {a: 1}}
      - {id: p2, text: one two three four five, keys: {a: 1}}
      - {id: p3, text: one two three four five, keys: {a: 1}}
      - {id: p4, text: one two three four five, keys: {a: 1}}
      - {id: p5, text: one two three four five, keys: {a: 1}}
      - {id: n1, text: one two three four five, keys: {a: -1}}
      - {id: n2, text: one two three four five, keys: {a: -1}}
      - {id: n3, text: one two three four five, keys: {a: -1}}
      - {id: n4, text: one two three four five, keys: {a: -1}}
      - {id: n5, text: one two three four five, keys: {a: -1}, optional: true}
results: [{id: r, title: R, summary: S}]
`

func TestValidity(t *testing.T) {
	q, err := quiz.Parse("v.yaml", []byte(validityQuiz))
	require.NoError(t, err)
	all := func(p, n int) scoring.Answers {
		a := scoring.Answers{}
		for _, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
			a[id] = p
		}
		for _, id := range []string{"n1", "n2", "n3", "n4", "n5"} {
			a[id] = n
		}
		return a
	}
	slow := time.Hour
	// 50 words at 400 words a minute: 7.5 s.
	require.Equal(t, 7500*time.Millisecond, scoring.MinReadingTime(q, all(3, 3)))

	tests := []struct {
		name    string
		answers scoring.Answers
		took    time.Duration
		want    []scoring.Flag
	}{
		{"Consistent", all(5, 1), slow, nil},
		{"ConsistentMiddle", all(3, 3), slow, []scoring.Flag{scoring.FlagStraightLined}},
		// Agreeing strongly with both sides: keyed 5 against 1 on every pair.
		{"StraightLinedAgree", all(5, 5), slow, []scoring.Flag{scoring.FlagStraightLined, scoring.FlagContradictory}},
		// 4 and 4: keyed 4 against 2, a gap of 2 < 3: not a contradiction.
		{"MildAgreement", all(4, 4), slow, []scoring.Flag{scoring.FlagStraightLined}},
		// 5 and 4: keyed 5 against 2, a gap of 3 = 0.75 * 4: contradicts.
		{"StrongAndMild", all(5, 4), slow, []scoring.Flag{scoring.FlagContradictory}},
		{"TooFast", all(5, 1), 7499 * time.Millisecond, []scoring.Flag{scoring.FlagTooFast}},
		{"JustReadable", all(5, 1), 7500 * time.Millisecond, nil},
		{"UnknownDuration", all(5, 1), 0, nil},
		{
			// One reversed item answered against the rest: 5 of 25 pairs
			// (20%) contradict, under the 25% share.
			"FewContradictions",
			scoring.Answers{"p1": 5, "p2": 5, "p3": 5, "p4": 5, "p5": 5, "n1": 1, "n2": 1, "n3": 1, "n4": 5, "n5": 1},
			slow, nil,
		},
		{
			// Two of them: 10 of 20 pairs (n5 unanswered) contradict.
			"ManyContradictions",
			scoring.Answers{"p1": 5, "p2": 5, "p3": 5, "p4": 5, "p5": 5, "n1": 1, "n2": 1, "n3": 5, "n4": 5},
			slow, []scoring.Flag{scoring.FlagContradictory},
		},
		{
			// Fewer than eight answers say nothing about patterns.
			"TooFewForPatterns",
			scoring.Answers{"p1": 5, "p2": 5, "p3": 5, "n1": 5, "n2": 5, "n3": 5, "n4": 5},
			slow, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scoring.Validity(q, tt.answers, tt.took))
		})
	}
}

func TestValidity_Shipped(t *testing.T) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(t, err)
	q := qs[0]
	slow := time.Hour

	// Agreeing strongly with everything: the same answer everywhere, and
	// every reversed pair contradicts itself.
	agree := scoring.Answers{}
	for _, it := range q.Items() {
		agree[it.ID] = 5
	}
	assert.Equal(t, []scoring.Flag{scoring.FlagStraightLined, scoring.FlagContradictory}, scoring.Validity(q, agree, slow))

	// A consistent person: agrees with every codependent statement and
	// disagrees with its reversals, is otherwise in the middle, and skips
	// the optional safety page, whose items score nothing.
	consistent := scoring.Answers{}
	for _, it := range q.Items() {
		if len(it.Keys) == 0 {
			require.True(t, it.Optional, it.ID)
			continue
		}
		consistent[it.ID] = 3
		for _, k := range it.Keys {
			if k.Scale == "codependence" {
				consistent[it.ID] = map[bool]int{true: 5, false: 1}[k.Weight > 0]
			}
		}
	}
	assert.Empty(t, scoring.Validity(q, consistent, slow))

	// 53 items of about 12 words cannot be read in under a minute.
	require.Len(t, consistent, 53)
	assert.Greater(t, scoring.MinReadingTime(q, consistent), time.Minute)
	assert.Equal(t, []scoring.Flag{scoring.FlagTooFast}, scoring.Validity(q, consistent, 30*time.Second))
}

// keylessQuiz has eight five-word items keying "a", none reversed (p8 is
// optional), and three three-word items that key nothing and raise a
// support flag.
const keylessQuiz = `id: k
version: 1
title: K
scale: {min: 1, max: 5, labels: [1, 2, 3, 4, 5]}
scales: [{id: a, name: A}]
sections:
  - id: s
    title: S
    items:
      - {id: p1, text: one two three four five, keys: {a: 1}}
      - {id: p2, text: one two three four five, keys: {a: 1}}
      - {id: p3, text: one two three four five, keys: {a: 1}}
      - {id: p4, text: one two three four five, keys: {a: 1}}
      - {id: p5, text: one two three four five, keys: {a: 1}}
      - {id: p6, text: one two three four five, keys: {a: 1}}
      - {id: p7, text: one two three four five, keys: {a: 1}}
      - {id: p8, text: one two three four five, keys: {a: 1}, optional: true}
      - {id: k1, text: one two three}
      - {id: k2, text: one two three}
      - {id: k3, text: one two three}
results: [{id: r, title: R, summary: S}]
support:
  - {id: f, title: F, message: M., resources: [{name: N, url: 'https://x.org'}], items: [k1, k2, k3], min: 4}
`

// TestValidity_KeylessItems: items that only raise a support flag are no
// part of a response pattern, but they are read.
func TestValidity_KeylessItems(t *testing.T) {
	q, err := quiz.Parse("k.yaml", []byte(keylessQuiz))
	require.NoError(t, err)
	answers := func(p []int, k int) scoring.Answers {
		a := scoring.Answers{"k1": k, "k2": k, "k3": k}
		for i, v := range p {
			a[fmt.Sprintf("p%d", i+1)] = v
		}
		return a
	}
	slow := time.Hour
	tests := []struct {
		name    string
		answers scoring.Answers
		want    []scoring.Flag
	}{
		// Keyless items key nothing, so no two of them are a mirrored
		// pair: three "strongly agree" to them contradict nothing.
		{"NeverMirrored", answers([]int{1, 2, 3, 4, 5, 1, 2, 3}, 5), nil},
		// The same answer to every scored item is straight-lining, whatever
		// the support items say.
		{"StraightLinedAroundThem", answers([]int{3, 3, 3, 3, 3, 3, 3, 3}, 1), []scoring.Flag{scoring.FlagStraightLined}},
		{"StraightLinedWithThem", answers([]int{3, 3, 3, 3, 3, 3, 3, 3}, 3), []scoring.Flag{scoring.FlagStraightLined}},
		// Seven scored answers are too few for a pattern; the three
		// support answers do not make up the eight.
		{"TooFewScored", answers([]int{3, 3, 3, 3, 3, 3, 3}, 3), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scoring.Validity(q, tt.answers, slow))
		})
	}

	// Every answered item is read, support items too: 8 * 5 + 3 * 3 = 49
	// words at 400 a minute, 7.35 s; without k3, 46 words, 6.9 s.
	all := answers([]int{1, 2, 3, 4, 5, 1, 2, 3}, 1)
	assert.Equal(t, 7350*time.Millisecond, scoring.MinReadingTime(q, all))
	delete(all, "k3")
	assert.InDelta(t, 6.9, scoring.MinReadingTime(q, all).Seconds(), 1e-6)
	assert.Equal(t, []scoring.Flag{scoring.FlagTooFast}, scoring.Validity(q, all, 6800*time.Millisecond))
}

// TestMinReadingTime_CountsWordsAsFields: words are counted as
// strings.Fields splits them, whatever the spaces and letters.
func TestMinReadingTime_CountsWordsAsFields(t *testing.T) {
	for _, text := range []string{"One two three.", "  spaced\tout\nacross  lines ", "Ünïcödé wörds, déjà vu", "no\u00a0break\u2003em space", ""} {
		q := newQuiz(1, 5, []string{"s"}, quiz.Item{ID: "a", Text: text, Keys: []quiz.Key{key("s", 1)}})
		want := time.Duration(float64(len(strings.Fields(text))) / (400.0 / 60) * float64(time.Second))
		assert.Equal(t, want, scoring.MinReadingTime(q, scoring.Answers{"a": 3}), "%q", text)
	}
}
