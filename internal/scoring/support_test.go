package scoring_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// loadSupportFlags loads the v2 fixture: two pulls and a balance on 1..5,
// support flags "safety" (items sa1, optional sa2, and p3, which also keys
// pulling-away; min 4) and "self-harm" (optional sh1; min 4).
func loadSupportFlags(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	q, err := quiz.LoadFile(filepath.Join("..", "quiz", "testdata", "support-flags.yaml"))
	require.NoError(tb, err)
	return q
}

// calm answers every item of the fixture 2, below every flag's min.
func calm(edits scoring.Answers) scoring.Answers {
	a := scoring.Answers{"h1": 2, "h2": 2, "p1": 2, "p2": 2, "p3": 2, "sa1": 2, "sa2": 2, "sh1": 2}
	for id, v := range edits {
		if v == 0 {
			delete(a, id) // 0 is no answer on 1..5: leave the item out
			continue
		}
		a[id] = v
	}
	return a
}

func TestRaisedSupport(t *testing.T) {
	q := loadSupportFlags(t)
	tests := []struct {
		name    string
		answers scoring.Answers
		want    []string
	}{
		{"None", calm(nil), []string{}},
		{"AtMin", calm(scoring.Answers{"sa1": 4}), []string{"safety"}},
		{"AboveMin", calm(scoring.Answers{"sa1": 5}), []string{"safety"}},
		{"BelowMin", calm(scoring.Answers{"sa1": 3, "sa2": 3, "p3": 3, "sh1": 3}), []string{}},
		{"OptionalAtMin", calm(scoring.Answers{"sa2": 4}), []string{"safety"}},
		{"OptionalUnanswered", calm(scoring.Answers{"sa2": 0, "sh1": 0}), []string{}},
		{"OnlyUnansweredHigh", scoring.Answers{"h1": 5, "h2": 5, "p1": 5, "p2": 5}, []string{}},
		// p3 keys pulling-away and raises safety as well.
		{"KeyedItemRaises", calm(scoring.Answers{"p3": 4}), []string{"safety"}},
		{"TwoItemsOneFlag", calm(scoring.Answers{"sa1": 5, "sa2": 4}), []string{"safety"}},
		{"SecondFlagOnly", calm(scoring.Answers{"sh1": 4}), []string{"self-harm"}},
		{"Both", calm(scoring.Answers{"sh1": 5, "sa2": 4}), []string{"safety", "self-harm"}},
		// Other items' high answers raise nothing.
		{"ScaleItemsHigh", calm(scoring.Answers{"h1": 5, "h2": 5, "p1": 5, "p2": 5}), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.RaisedSupport(q, tt.answers)
			require.NotNil(t, got, "never nil")
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestRaisedSupport_FileOrder: flags come in the order of the file, not of
// their items nor of the answers.
func TestRaisedSupport_FileOrder(t *testing.T) {
	q, err := quiz.Parse("order.yaml", []byte(`id: order
version: 1
title: Order
scale: {min: 0, max: 3, labels: [Never, Sometimes, Often, Always]}
scales: [{id: s, name: S}]
sections:
  - id: one
    title: One
    items:
      - {id: first, text: First.}
      - {id: scored, text: Scored., keys: {s: 1}}
      - {id: last, text: Last.}
results: [{id: r, title: R, summary: S.}]
support:
  - {id: late, title: Late, message: M., resources: [{name: N, url: 'https://x.org'}], items: [last], min: 1}
  - {id: early, title: Early, message: M., resources: [{name: N, url: 'https://x.org'}], items: [first], min: 3}
  - {id: middle, title: Middle, message: M., resources: [{name: N, url: 'https://x.org'}], items: [first, last], min: 2}
`))
	require.NoError(t, err)
	tests := []struct {
		name    string
		answers scoring.Answers
		want    []string
	}{
		{"All", scoring.Answers{"first": 3, "scored": 0, "last": 1}, []string{"late", "early", "middle"}},
		{"LateAndMiddle", scoring.Answers{"first": 2, "scored": 3, "last": 1}, []string{"late", "middle"}},
		{"MinZeroIsNotAll", scoring.Answers{"first": 0, "scored": 3, "last": 0}, []string{}},
		{"Middle", scoring.Answers{"first": 0, "scored": 3, "last": 3}, []string{"late", "middle"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scoring.RaisedSupport(q, tt.answers))
		})
	}
}

func TestRaisedSupport_NoneIsEmptyList(t *testing.T) {
	for name, q := range map[string]*quiz.Quiz{"WithoutSupport": loadWeightedSleep(t), "WithSupport": loadSupportFlags(t)} {
		t.Run(name, func(t *testing.T) {
			got := scoring.RaisedSupport(q, scoring.Answers{})
			require.NotNil(t, got)
			b, err := json.Marshal(got)
			require.NoError(t, err)
			assert.Equal(t, "[]", string(b), "the JSON twin shows no flags as []")
		})
	}
}

// withoutKeyless returns a copy of q without its keyless items and support
// flags, and answers without the answers to those items.
func withoutKeyless(q *quiz.Quiz, answers scoring.Answers) (*quiz.Quiz, scoring.Answers) {
	c := *q
	c.Support = nil
	c.Sections = nil
	kept := scoring.Answers{}
	for _, s := range q.Sections {
		var items []quiz.Item
		for _, it := range s.Items {
			if len(it.Keys) > 0 {
				items = append(items, it)
				if v, ok := answers[it.ID]; ok {
					kept[it.ID] = v
				}
			}
		}
		if items != nil {
			s.Items = items
			c.Sections = append(c.Sections, s)
		}
	}
	return &c, kept
}

// TestScore_KeylessItems: items that key no scale change no score, no
// count of items and no result, whatever their answers.
func TestScore_KeylessItems(t *testing.T) {
	q := loadSupportFlags(t)
	base := scoring.Answers{"h1": 5, "h2": 1, "p1": 4, "p2": 2, "p3": 4}
	bare, bareAnswers := withoutKeyless(q, base)
	want, err := scoring.Score(bare, bareAnswers)
	require.NoError(t, err)
	// By hand, on 1..5: holding-on h1 5, h2 reversed 5: 100. pulling-away
	// p1 4, p2 reversed 4, p3 4: 75. balance: h1 reversed 1, h2 1, p1
	// reversed 2, p2 2: (0 + 0 + 1 + 1) / 16 = 12.5.
	assertScore(t, ptr(100), want.ScoreOf("holding-on"))
	assertScore(t, ptr(75), want.ScoreOf("pulling-away"))
	assertScore(t, ptr(12.5), want.ScoreOf("balance"))
	assert.Equal(t, []scoring.ScaleScore{
		{Scale: "holding-on", Score: ptr(100), Answered: 2, Items: 2},
		{Scale: "pulling-away", Score: ptr(75), Answered: 3, Items: 3},
		{Scale: "balance", Score: ptr(12.5), Answered: 4, Items: 4},
	}, want.Scales)

	for _, support := range []scoring.Answers{
		{"sa1": 1},
		{"sa1": 5, "sa2": 5, "sh1": 5},
		{"sa1": 3, "sh1": 1},
	} {
		answers := scoring.Answers{}
		for id, v := range base {
			answers[id] = v
		}
		for id, v := range support {
			answers[id] = v
		}
		got, err := scoring.Score(q, answers)
		require.NoError(t, err, support)
		assert.Equal(t, want, got, support)
		assert.Equal(t, scoring.ZoneBoth, scoring.ZoneOf(q, got), "100 and 75 against a cut of 60")
	}

	_, err = scoring.Score(q, base)
	assert.ErrorIs(t, err, scoring.ErrIncomplete, "a required keyless item must be answered")
}

// TestDescribe_KeylessItems: items that key no scale leave every figure as
// it is without them.
func TestDescribe_KeylessItems(t *testing.T) {
	q := loadSupportFlags(t)
	attempts := scoring.Simulate(q, 300, 11)
	var bare *quiz.Quiz
	bareAttempts := make([]scoring.Answers, len(attempts))
	for i, a := range attempts {
		bare, bareAttempts[i] = withoutKeyless(q, a)
	}
	got := scoring.Describe(q, attempts)
	want := scoring.Describe(bare, bareAttempts)
	assert.Equal(t, want, got)
	require.Len(t, got, 3)
	assert.Equal(t, []int{2, 3, 4}, []int{got[0].Items, got[1].Items, got[2].Items})
	for _, s := range got {
		assert.Equal(t, 300, s.N, s.Scale)
		assert.True(t, s.HasAlpha, s.Scale)
	}
}
