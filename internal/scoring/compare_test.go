package scoring_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// moodV1 has one scale with norms and one without. With sd 10 and
// reliability 0.84: SEM = 10 * sqrt(1 - 0.84) = 10 * 0.4 = 4 and
// S_diff = sqrt(2) * 4 = 5.656854249..., so RC = diff / 5.656854249.
const moodV1 = `id: mood
version: 1
title: Mood
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - id: steady
    name: Steady
    norms: {mean: 50, sd: 10, reliability: 0.84, source: Test}
  - {id: plain, name: Plain}
sections:
  - id: all
    title: All
    items:
      - {id: s1, text: S1, keys: {steady: 1}}
      - {id: s2, text: S2, keys: {steady: -1}}
      - {id: p1, text: P1, keys: {plain: 1}}
      - {id: p2, text: P2, keys: {plain: 1}, optional: true}
      - {id: p3, text: P3, keys: {plain: 1}, optional: true}
results:
  - {id: any, title: Any, summary: Any}
`

// versionOne and versionTwo are two versions of one quiz. Version 2 drops
// old, adds fresh, puts plain before steady, halves steady's sd and takes
// plain's norms away:
//
//	version 1: old; steady sd 20 (S_diff = sqrt(2) * 20 * 0.4 = 11.3137085);
//	           plain sd 10 (S_diff 5.656854249)
//	version 2: plain, no norms; steady sd 10 (S_diff 5.656854249); fresh
const versionOne = `id: mood
version: 1
title: Mood
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: old, name: Old}
  - id: steady
    name: Steady
    norms: {mean: 50, sd: 20, reliability: 0.84}
  - id: plain
    name: Plain
    norms: {mean: 50, sd: 10, reliability: 0.84}
sections:
  - id: all
    title: All
    items:
      - {id: o1, text: O1, keys: {old: 1}}
      - {id: s1, text: S1, keys: {steady: 1}}
      - {id: p1, text: P1, keys: {plain: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

const versionTwo = `id: mood
version: 2
title: Mood
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: plain, name: Plain}
  - id: steady
    name: Steady
    norms: {mean: 50, sd: 10, reliability: 0.84}
  - {id: fresh, name: Fresh}
sections:
  - id: all
    title: All
    items:
      - {id: p1, text: P1, keys: {plain: 1}}
      - {id: s1, text: S1, keys: {steady: 1}}
      - {id: f1, text: F1, keys: {fresh: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// movesV1 and movesV2 share items a..g; z is only in version 1 and n only
// in version 2. Version 1 lists the shared items in the reverse order, so
// that ties sorted by the earlier quiz would come out differently.
const movesV1 = `id: moves
version: 1
title: Moves
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: s, name: S}
sections:
  - id: all
    title: All
    items:
      - {id: z, text: Z, keys: {s: 1}}
      - {id: g, text: G, keys: {s: 1}, optional: true}
      - {id: f, text: F, keys: {s: 1}}
      - {id: e, text: E, keys: {s: 1}}
      - {id: d, text: D, keys: {s: 1}}
      - {id: c, text: C, keys: {s: 1}}
      - {id: b, text: B, keys: {s: -1}}
      - {id: a, text: A, keys: {s: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

const movesV2 = `id: moves
version: 2
title: Moves
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: s, name: S}
sections:
  - id: one
    title: One
    items:
      - {id: a, text: A, keys: {s: 1}}
      - {id: b, text: B, keys: {s: -1}}
      - {id: c, text: C, keys: {s: 1}}
  - id: two
    title: Two
    items:
      - {id: d, text: D, keys: {s: 1}}
      - {id: e, text: E, keys: {s: 1}}
      - {id: f, text: F, keys: {s: 1}}
      - {id: g, text: G, keys: {s: 1}, optional: true}
      - {id: n, text: N, keys: {s: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// rangeLow answers 0..4 and rangeHigh 1..5, with the same items.
const rangeLow = `id: range
version: 1
title: Range
scale: {min: 0, max: 4, labels: [a, b, c, d, e]}
scales:
  - {id: s, name: S}
sections:
  - id: all
    title: All
    items:
      - {id: a, text: A, keys: {s: 1}}
      - {id: b, text: B, keys: {s: 1}}
      - {id: c, text: C, keys: {s: 1}}
      - {id: d, text: D, keys: {s: 1}}
      - {id: e, text: E, keys: {s: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

const rangeHigh = `id: range
version: 2
title: Range
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: s, name: S}
sections:
  - id: all
    title: All
    items:
      - {id: a, text: A, keys: {s: 1}}
      - {id: b, text: B, keys: {s: 1}}
      - {id: c, text: C, keys: {s: 1}}
      - {id: d, text: D, keys: {s: 1}}
      - {id: e, text: E, keys: {s: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// sDiff is S_diff of a scale with sd 10 and reliability 0.84.
var sDiff = 4 * math.Sqrt2

func parseCompareQuiz(tb testing.TB, src string) *quiz.Quiz {
	tb.Helper()
	q, err := quiz.Parse("compare.yaml", []byte(src))
	require.NoError(tb, err)
	return q
}

// outcomeOf builds an outcome with the given scores in the quiz's scale
// order; a scale left out of scores has none. Compare reads outcomes and
// never rescores, so the scores need not come from real answers.
func outcomeOf(q *quiz.Quiz, scores map[string]*float64) scoring.Outcome {
	var out scoring.Outcome
	for _, s := range q.Scales {
		out.Scales = append(out.Scales, scoring.ScaleScore{Scale: s.ID, Score: scores[s.ID]})
	}
	return out
}

// assertChange compares a change that may be nil with the expected one.
func assertChange(tb testing.TB, want, got *scoring.Change, scale string) {
	tb.Helper()
	if want == nil {
		assert.Nil(tb, got, "change of %s", scale)
		return
	}
	if !assert.NotNil(tb, got, "change of %s", scale) {
		return
	}
	assert.InDelta(tb, want.Diff, got.Diff, delta, "diff of %s", scale)
	assert.InDelta(tb, want.RC, got.RC, delta, "RC of %s", scale)
	assert.Equal(tb, want.HasNorms, got.HasNorms, "HasNorms of %s", scale)
	assert.Equal(tb, want.Reliable, got.Reliable, "Reliable of %s", scale)
}

// assertScaleChanges compares the scales of a comparison, scale by scale.
func assertScaleChanges(tb testing.TB, want, got []scoring.ScaleChange) {
	tb.Helper()
	ids := func(cs []scoring.ScaleChange) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Scale)
		}
		return out
	}
	if !assert.Equal(tb, ids(want), ids(got), "scales") {
		return
	}
	for i := range want {
		assertScore(tb, want[i].Before, got[i].Before, "before of %s", want[i].Scale)
		assertScore(tb, want[i].After, got[i].After, "after of %s", want[i].Scale)
		assertChange(tb, want[i].Change, got[i].Change, want[i].Scale)
	}
}

func TestCompare_SameVersion(t *testing.T) {
	q := parseCompareQuiz(t, moodV1)
	noNorms := func(diff float64) *scoring.Change { return &scoring.Change{Diff: diff} }
	tests := []struct {
		name          string
		before, after map[string]*float64
		want          []scoring.ScaleChange // in quiz order: steady, plain
	}{
		{
			// steady: 61.2 - 50 = 11.2; 11.2 / 5.656854 = 1.979899 >= 1.96.
			// plain: 70 - 40 = 30, no norms, so no RC and no verdict.
			name:   "ReliableUp",
			before: map[string]*float64{"steady": ptr(50), "plain": ptr(40)},
			after:  map[string]*float64{"steady": ptr(61.2), "plain": ptr(70)},
			want: []scoring.ScaleChange{
				{Scale: "steady", Before: ptr(50), After: ptr(61.2),
					Change: &scoring.Change{Diff: 11.2, RC: 1.979898987322333, HasNorms: true, Reliable: true}},
				{Scale: "plain", Before: ptr(40), After: ptr(70), Change: noNorms(30)},
			},
		},
		{
			// steady: 61 - 50 = 11; 11 / 5.656854 = 1.944544 < 1.96.
			// plain: 40 - 70 = -30, still no claim.
			name:   "NoiseUp",
			before: map[string]*float64{"steady": ptr(50), "plain": ptr(70)},
			after:  map[string]*float64{"steady": ptr(61), "plain": ptr(40)},
			want: []scoring.ScaleChange{
				{Scale: "steady", Before: ptr(50), After: ptr(61),
					Change: &scoring.Change{Diff: 11, RC: 1.944543648263006, HasNorms: true}},
				{Scale: "plain", Before: ptr(70), After: ptr(40), Change: noNorms(-30)},
			},
		},
		{
			// steady: 50 - 61.2 = -11.2; RC = -1.979899, |RC| >= 1.96.
			name:   "ReliableDown",
			before: map[string]*float64{"steady": ptr(61.2), "plain": ptr(50)},
			after:  map[string]*float64{"steady": ptr(50), "plain": ptr(50)},
			want: []scoring.ScaleChange{
				{Scale: "steady", Before: ptr(61.2), After: ptr(50),
					Change: &scoring.Change{Diff: -11.2, RC: -1.979898987322333, HasNorms: true, Reliable: true}},
				{Scale: "plain", Before: ptr(50), After: ptr(50), Change: noNorms(0)},
			},
		},
		{
			// steady: 50 - 61 = -11; RC = -1.944544, |RC| < 1.96.
			name:   "NoiseDown",
			before: map[string]*float64{"steady": ptr(61), "plain": ptr(0)},
			after:  map[string]*float64{"steady": ptr(50), "plain": ptr(100)},
			want: []scoring.ScaleChange{
				{Scale: "steady", Before: ptr(61), After: ptr(50),
					Change: &scoring.Change{Diff: -11, RC: -1.944543648263006, HasNorms: true}},
				{Scale: "plain", Before: ptr(0), After: ptr(100), Change: noNorms(100)},
			},
		},
		{
			// No earlier score on steady, no later score on plain: both
			// scales are listed, neither has a change.
			name:   "OneScoreMissing",
			before: map[string]*float64{"plain": ptr(40)},
			after:  map[string]*float64{"steady": ptr(50)},
			want: []scoring.ScaleChange{
				{Scale: "steady", After: ptr(50)},
				{Scale: "plain", Before: ptr(40)},
			},
		},
		{
			name: "NoScores",
			want: []scoring.ScaleChange{{Scale: "steady"}, {Scale: "plain"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Compare(
				scoring.Attempt{Quiz: q, Outcome: outcomeOf(q, tt.before)},
				scoring.Attempt{Quiz: q, Outcome: outcomeOf(q, tt.after)}, 5)
			assertScaleChanges(t, tt.want, got.Scales)
			assert.True(t, got.SameVersion)
			assert.Empty(t, got.Dropped)
			assert.Empty(t, got.Moves)
		})
	}
}

func TestCompare_ReliableBoundary(t *testing.T) {
	q := parseCompareQuiz(t, moodV1)
	// |RC| = 1.96 exactly when |diff| = 1.96 * S_diff = 1.96 * 4 * sqrt(2)
	// = 11.087434329...; a millionth of a point less is noise.
	edge := 1.96 * sDiff
	tests := []struct {
		name          string
		before, after float64
		rc            float64
		reliable      bool
	}{
		{name: "UpAtBoundary", before: 40, after: 40 + edge, rc: 1.96, reliable: true},
		{name: "DownAtBoundary", before: 60, after: 60 - edge, rc: -1.96, reliable: true},
		// 1.96 - 1e-6 / 5.656854 = 1.96 - 1.7678e-7 = 1.959999823.
		{name: "UpJustBelow", before: 40, after: 40 + edge - 1e-6, rc: 1.96 - 1e-6/sDiff, reliable: false},
		{name: "DownJustBelow", before: 60, after: 60 - edge + 1e-6, rc: -1.96 + 1e-6/sDiff, reliable: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Compare(
				scoring.Attempt{Quiz: q, Outcome: outcomeOf(q, map[string]*float64{"steady": ptr(tt.before)})},
				scoring.Attempt{Quiz: q, Outcome: outcomeOf(q, map[string]*float64{"steady": ptr(tt.after)})}, 5)
			require.Len(t, got.Scales, 2)
			steady := got.Scales[0]
			require.Equal(t, "steady", steady.Scale)
			require.NotNil(t, steady.Change)
			assert.InDelta(t, tt.after-tt.before, steady.Change.Diff, delta)
			assert.InDelta(t, tt.rc, steady.Change.RC, delta)
			assert.True(t, steady.Change.HasNorms)
			assert.Equal(t, tt.reliable, steady.Change.Reliable)
		})
	}
}

func TestCompare_DifferentVersions(t *testing.T) {
	v1 := parseCompareQuiz(t, versionOne)
	v2 := parseCompareQuiz(t, versionTwo)
	v2again := parseCompareQuiz(t, versionTwo)
	v2again.Version = 3 // same scales, new version
	// Each attempt has scores on its own quiz's scales only: outcomeOf
	// leaves out the ones its quiz does not declare.
	before := map[string]*float64{"old": ptr(10), "steady": ptr(50), "plain": ptr(40), "fresh": ptr(90)}
	after := map[string]*float64{"old": ptr(10), "steady": ptr(61.2), "plain": ptr(51.2), "fresh": ptr(90)}
	tests := []struct {
		name          string
		before, after *quiz.Quiz
		want          []scoring.ScaleChange
		dropped       []string
		same          bool
	}{
		{
			// Later order plain, steady; old only earlier, fresh only later.
			// steady: diff 11.2 with version 2's sd 10: 11.2 / 5.656854 =
			// 1.979899, reliable (version 1's sd 20 would give 0.989949).
			// plain: version 2 has no norms, so none are used even though
			// version 1 had some.
			name: "AddsAndRemovesScales", before: v1, after: v2,
			want: []scoring.ScaleChange{
				{Scale: "plain", Before: ptr(40), After: ptr(51.2), Change: &scoring.Change{Diff: 11.2}},
				{Scale: "steady", Before: ptr(50), After: ptr(61.2),
					Change: &scoring.Change{Diff: 11.2, RC: 1.979898987322333, HasNorms: true, Reliable: true}},
			},
			dropped: []string{"old", "fresh"},
		},
		{
			// Backwards, version 1 is the later quiz: its order steady,
			// plain, and its norms. steady: 11.2 / 11.3137085 = 0.989949,
			// not reliable; plain: 11.2 / 5.656854 = 1.979899, reliable.
			name: "LaterQuizIsOlderVersion", before: v2, after: v1,
			want: []scoring.ScaleChange{
				{Scale: "steady", Before: ptr(50), After: ptr(61.2),
					Change: &scoring.Change{Diff: 11.2, RC: 0.9899494936611665, HasNorms: true}},
				{Scale: "plain", Before: ptr(40), After: ptr(51.2),
					Change: &scoring.Change{Diff: 11.2, RC: 1.979898987322333, HasNorms: true, Reliable: true}},
			},
			dropped: []string{"fresh", "old"},
		},
		{
			// Same scales, another version: nothing dropped, not the same.
			name: "SameScalesNewVersion", before: v2, after: v2again,
			want: []scoring.ScaleChange{
				{Scale: "plain", Before: ptr(40), After: ptr(51.2), Change: &scoring.Change{Diff: 11.2}},
				{Scale: "steady", Before: ptr(50), After: ptr(61.2),
					Change: &scoring.Change{Diff: 11.2, RC: 1.979898987322333, HasNorms: true, Reliable: true}},
				{Scale: "fresh", Before: ptr(90), After: ptr(90), Change: &scoring.Change{Diff: 0}},
			},
		},
		{
			name: "SameVersion", before: v2, after: v2,
			want: []scoring.ScaleChange{
				{Scale: "plain", Before: ptr(40), After: ptr(51.2), Change: &scoring.Change{Diff: 11.2}},
				{Scale: "steady", Before: ptr(50), After: ptr(61.2),
					Change: &scoring.Change{Diff: 11.2, RC: 1.979898987322333, HasNorms: true, Reliable: true}},
				{Scale: "fresh", Before: ptr(90), After: ptr(90), Change: &scoring.Change{Diff: 0}},
			},
			same: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Compare(
				scoring.Attempt{Quiz: tt.before, Outcome: outcomeOf(tt.before, before)},
				scoring.Attempt{Quiz: tt.after, Outcome: outcomeOf(tt.after, after)}, 5)
			assertScaleChanges(t, tt.want, got.Scales)
			assert.Equal(t, tt.dropped, got.Dropped)
			assert.Equal(t, tt.same, got.SameVersion)
		})
	}
}

// TestCompare_OtherQuestions: a scale both versions declare, with norms,
// is judged against them only when it is keyed by the same items with the
// same weights on the same answer range; otherwise the change has no
// norms, as between two different measures.
func TestCompare_OtherQuestions(t *testing.T) {
	v2 := parseCompareQuiz(t, versionTwo)
	for _, tt := range []struct {
		name, from, to string
		judged         bool
	}{
		{"SameItems", "", "", true},
		{"OtherItem", "{id: s1, text: S1, keys: {steady: 1}}", "{id: s2, text: S2, keys: {steady: 1}}", false},
		{"OtherWeight", "{id: s1, text: S1, keys: {steady: 1}}", "{id: s1, text: S1, keys: {steady: 2}}", false},
		{"Reversed", "{id: s1, text: S1, keys: {steady: 1}}", "{id: s1, text: S1, keys: {steady: -1}}", false},
		{"OtherRange", "scale: {min: 1, max: 5, labels: [a, b, c, d, e]}", "scale: {min: 0, max: 4, labels: [a, b, c, d, e]}", false},
		{"OtherWords", "{id: s1, text: S1,", "{id: s1, text: Reworded,", false},
		{"OtherItemOfAnotherScale", "{id: p1, text: P1,", "{id: p1, text: Reworded,", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(versionTwo, "version: 2", "version: 3", 1)
			if tt.from != "" {
				require.Contains(t, src, tt.from)
				src = strings.Replace(src, tt.from, tt.to, 1)
			}
			v3 := parseCompareQuiz(t, src)
			got := scoring.Compare(
				scoring.Attempt{Quiz: v2, Outcome: outcomeOf(v2, map[string]*float64{"steady": ptr(50)})},
				scoring.Attempt{Quiz: v3, Outcome: outcomeOf(v3, map[string]*float64{"steady": ptr(61.2)})}, 5)
			var steady *scoring.ScaleChange
			for i := range got.Scales {
				if got.Scales[i].Scale == "steady" {
					steady = &got.Scales[i]
				}
			}
			require.NotNil(t, steady)
			require.NotNil(t, steady.Change)
			assert.Equal(t, tt.judged, steady.Change.HasNorms)
			assert.Equal(t, tt.judged, steady.Change.Reliable, "11.2 points on sd 10 is a real change, when judged")
		})
	}
}

func TestCompare_Moves(t *testing.T) {
	v1 := parseCompareQuiz(t, movesV1)
	v2 := parseCompareQuiz(t, movesV2)
	low := parseCompareQuiz(t, rangeLow)
	high := parseCompareQuiz(t, rangeHigh)
	// On 1..5 one step is 100 / 4 = 25 points. From v1 to v2:
	//
	//	item  before  after  shift
	//	a     1       2      +25
	//	b     2       4      +50   (reverse-keyed: answers as given)
	//	c     3       3      unchanged, left out
	//	d     5       1      -100
	//	e     3       5      +50
	//	f     4       2      -50
	//	g     2       -      not answered later, left out
	//	z     1       1->5   only in v1, left out (even if answers name it)
	//	n     3->1    1      only in v2, left out
	//
	// Largest |shift| first: d; then the 50s in v2's order b, e, f (v1's
	// order would give f, e, b); then a.
	beforeMoves := scoring.Answers{"a": 1, "b": 2, "c": 3, "d": 5, "e": 3, "f": 4, "g": 2, "z": 1, "n": 3}
	afterMoves := scoring.Answers{"a": 2, "b": 4, "c": 3, "d": 1, "e": 5, "f": 2, "z": 5, "n": 1}
	d := scoring.ItemMove{Item: "d", Before: 5, After: 1, Shift: -100}
	b := scoring.ItemMove{Item: "b", Before: 2, After: 4, Shift: 50}
	e := scoring.ItemMove{Item: "e", Before: 3, After: 5, Shift: 50}
	f := scoring.ItemMove{Item: "f", Before: 4, After: 2, Shift: -50}
	a := scoring.ItemMove{Item: "a", Before: 1, After: 2, Shift: 25}

	tests := []struct {
		name          string
		before, after *quiz.Quiz
		answersBefore scoring.Answers
		answersAfter  scoring.Answers
		top           int
		want          []scoring.ItemMove
	}{
		{name: "All", before: v1, after: v2, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 10, want: []scoring.ItemMove{d, b, e, f, a}},
		{name: "TopExactly", before: v1, after: v2, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 5, want: []scoring.ItemMove{d, b, e, f, a}},
		{name: "TopCutsTies", before: v1, after: v2, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 3, want: []scoring.ItemMove{d, b, e}},
		{name: "TopOne", before: v1, after: v2, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 1, want: []scoring.ItemMove{d}},
		{name: "TopZero", before: v1, after: v2, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 0, want: nil},
		{
			// Earlier in reverse order: v2 is the earlier quiz, v1 the
			// later one, so ties follow v1's order f, e, b.
			name: "TiesInLaterOrder", before: v2, after: v1, answersBefore: beforeMoves, answersAfter: afterMoves,
			top: 10, want: []scoring.ItemMove{d, f, e, b, a},
		},
		{
			// 0..4 then 1..5, Shift on 1..5 (25 points a step):
			//	a  0 -> 3  0 is outside 1..5, left out
			//	b  4 -> 5  +1 step = +25
			//	c  2 -> 2  unchanged
			//	d  1 -> 1  unchanged
			//	e  3 -> 1  -2 steps = -50
			name: "RangeMovesUp", before: low, after: high,
			answersBefore: scoring.Answers{"a": 0, "b": 4, "c": 2, "d": 1, "e": 3},
			answersAfter:  scoring.Answers{"a": 3, "b": 5, "c": 2, "d": 1, "e": 1},
			top:           10,
			want: []scoring.ItemMove{
				{Item: "e", Before: 3, After: 1, Shift: -50},
				{Item: "b", Before: 4, After: 5, Shift: 25},
			},
		},
		{
			// 1..5 then 0..4, Shift on 0..4 (also 25 points a step):
			//	a  5 -> 0  5 is outside 0..4, left out
			//	b  1 -> 0  -25
			//	c  4 -> 4  unchanged
			//	d  2 -> 4  +50
			//	e  3 -> 1  -50, after d in the later order
			name: "RangeMovesDown", before: high, after: low,
			answersBefore: scoring.Answers{"a": 5, "b": 1, "c": 4, "d": 2, "e": 3},
			answersAfter:  scoring.Answers{"a": 0, "b": 0, "c": 4, "d": 4, "e": 1},
			top:           10,
			want: []scoring.ItemMove{
				{Item: "d", Before: 2, After: 4, Shift: 50},
				{Item: "e", Before: 3, After: 1, Shift: -50},
				{Item: "b", Before: 1, After: 0, Shift: -25},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Compare(
				scoring.Attempt{Quiz: tt.before, Answers: tt.answersBefore},
				scoring.Attempt{Quiz: tt.after, Answers: tt.answersAfter}, tt.top)
			require.Len(t, got.Moves, len(tt.want))
			for i, want := range tt.want {
				assert.Equal(t, want.Item, got.Moves[i].Item, "move %d", i)
				assert.Equal(t, want.Before, got.Moves[i].Before, "before of %s", want.Item)
				assert.Equal(t, want.After, got.Moves[i].After, "after of %s", want.Item)
				assert.InDelta(t, want.Shift, got.Moves[i].Shift, delta, "shift of %s", want.Item)
			}
		})
	}
}

func TestCompare_Itself(t *testing.T) {
	q := parseCompareQuiz(t, moodV1)
	tests := []struct {
		name    string
		answers scoring.Answers
		plain   bool // whether plain has a score
	}{
		// steady: s1 5, s2 reversed 6 - 1 = 5: 100; plain: 4, 4: 75.
		{name: "AllAnswered", answers: scoring.Answers{"s1": 5, "s2": 1, "p1": 4, "p2": 4, "p3": 4}, plain: true},
		// plain: 1 of 3 items answered, fewer than 2: no score.
		{name: "PlainUnscored", answers: scoring.Answers{"s1": 2, "s2": 4, "p1": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			at := scoring.Attempt{Quiz: q, Outcome: out, Answers: tt.answers}
			got := scoring.Compare(at, at, 10)

			assert.True(t, got.SameVersion)
			assert.Empty(t, got.Dropped)
			assert.Empty(t, got.Moves)
			require.Len(t, got.Scales, 2)
			for _, c := range got.Scales {
				if c.Scale == "plain" && !tt.plain {
					assert.Nil(t, c.Change, "plain has no score")
					continue
				}
				require.NotNil(t, c.Change, c.Scale)
				assert.Zero(t, c.Change.Diff, c.Scale)
				assert.Zero(t, c.Change.RC, c.Scale)
				assert.False(t, c.Change.Reliable, c.Scale)
			}
			assert.True(t, got.Scales[0].Change.HasNorms, "steady has norms")
		})
	}
}

func TestCompare_DoesNotShareScores(t *testing.T) {
	// The comparison copies the scores, so a page that adjusts one (say,
	// rounding for display) cannot change the stored outcome.
	q := parseCompareQuiz(t, moodV1)
	before := outcomeOf(q, map[string]*float64{"steady": ptr(50)})
	after := outcomeOf(q, map[string]*float64{"steady": ptr(60)})
	got := scoring.Compare(scoring.Attempt{Quiz: q, Outcome: before}, scoring.Attempt{Quiz: q, Outcome: after}, 5)
	require.NotNil(t, got.Scales[0].Before)
	*got.Scales[0].Before = 0
	*got.Scales[0].After = 0
	assert.InDelta(t, 50, *before.ScoreOf("steady"), delta)
	assert.InDelta(t, 60, *after.ScoreOf("steady"), delta)
}

func TestCompare_OtherQuizPanics(t *testing.T) {
	mood := parseCompareQuiz(t, moodV1)
	moves := parseCompareQuiz(t, movesV1)
	assert.PanicsWithValue(t, `scoring.Compare: quiz "mood" compared with quiz "moves"`, func() {
		scoring.Compare(scoring.Attempt{Quiz: mood}, scoring.Attempt{Quiz: moves}, 5)
	})
}

func TestCompare_MovesManyTies(t *testing.T) {
	// Thirty items, each moving one step up or down (|Shift| = 25 on
	// 1..5): enough for a sort that is not stable to reorder them, so the
	// later quiz's item order must be kept explicitly. Items 5 and 17 move
	// two steps (50) and come first, in item order.
	src := `id: ties
version: 1
title: Ties
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: s, name: S}
sections:
  - id: all
    title: All
    items:
`
	before, after := scoring.Answers{}, scoring.Answers{}
	var ids []string
	for i := range 30 {
		id := "i" + strconv.Itoa(i)
		src += "      - {id: " + id + ", text: T, keys: {s: 1}}\n"
		before[id] = 3
		after[id] = 3 + 1 - 2*(i%2) // 4, 2, 4, 2, ...
		if i == 5 || i == 17 {
			after[id] = 5
		}
		ids = append(ids, id)
	}
	src += "results:\n  - {id: any, title: Any, summary: Any}\n"
	q := parseCompareQuiz(t, src)
	want := append([]string{"i5", "i17"}, slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		return id == "i5" || id == "i17"
	})...)

	got := scoring.Compare(scoring.Attempt{Quiz: q, Answers: before}, scoring.Attempt{Quiz: q, Answers: after}, 30)
	var gotIDs []string
	for _, m := range got.Moves {
		gotIDs = append(gotIDs, m.Item)
	}
	assert.Equal(t, want, gotIDs)
}
