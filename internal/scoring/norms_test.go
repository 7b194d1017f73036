package scoring_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// Every expected number below is worked out by hand. The quiz of the first
// tests has one scale s on 1..5 keyed by three items: a (w = 1), b (w = -1,
// reverse-keyed) and c (w = 2). Contributions are |w| * (v - 1), with
// v = 6 - r for b; the score is 100 * Σ / 16, since Σ|w| * (5 - 1) = 16.
//
//	attempt    a  b  c   contributions a, b, c     total  score
//	A1         5  1  4   4, 6-1-1 = 4, 2*3 = 6      14     87.5
//	A2         3  3  3   2, 6-3-1 = 2, 2*2 = 4       8     50
//	A3         1  4  2   0, 6-4-1 = 1, 2*1 = 2       3     18.75
//
// Over A1..A3: mean = 156.25 / 3 = 52.083333...; the totals 14, 8, 3 have
// mean 25/3, deviations 17/3, -1/3, -16/3, squares summing to 546/9, so
// var(total) = 546/9 / 2 = 91/3 and SD(score) = 6.25 * sqrt(91/3).
// Item variances: a (4, 2, 0) 8/2 = 4; b (4, 2, 1) mean 7/3, squares
// 25/9 + 1/9 + 16/9 = 42/9, var 21/9 = 7/3; c (6, 4, 2) 8/2 = 4.
// Σ = 31/3, so alpha = 3/2 * (1 - (31/3) / (91/3)) = 3/2 * 60/91 = 90/91.
var (
	a1 = scoring.Answers{"a": 5, "b": 1, "c": 4}
	a2 = scoring.Answers{"a": 3, "b": 3, "c": 3}
	a3 = scoring.Answers{"a": 1, "b": 4, "c": 2}
)

func threeItemQuiz() *quiz.Quiz {
	return newQuiz(1, 5, []string{"s"},
		item("a", key("s", 1)), optional("b", key("s", -1)), optional("c", key("s", 2)))
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name     string
		attempts []scoring.Answers
		want     scoring.ScaleStats
	}{
		{
			name:     "ReverseKeyedAndWeightTwo",
			attempts: []scoring.Answers{a1, a2, a3},
			want: scoring.ScaleStats{Scale: "s", N: 3, Mean: 156.25 / 3, SD: 6.25 * math.Sqrt(91.0/3),
				Items: 3, AlphaN: 3, Alpha: 90.0 / 91, HasAlpha: true},
		},
		{
			// A4 answers a and b: contributions 4 and 6-5-1 = 0, score
			// 100 * 4 / 8 = 50; counted in the mean, not in alpha.
			// A5 answers a only: 1 of 3 items is fewer than 2, no score.
			// Mean = (87.5 + 50 + 18.75 + 50) / 4 = 206.25 / 4 = 51.5625;
			// deviations 35.9375, -1.5625, -32.8125, -1.5625 square to
			// 1291.50390625 + 2.44140625 + 1076.66015625 + 2.44140625 =
			// 2373.046875, / 3 = 791.015625 = 28.125².
			name:     "IncompleteAttemptsCountForTheMeanOnly",
			attempts: []scoring.Answers{a1, a2, a3, {"a": 5, "b": 5}, {"a": 2}},
			want: scoring.ScaleStats{Scale: "s", N: 4, Mean: 51.5625, SD: 28.125,
				Items: 3, AlphaN: 3, Alpha: 90.0 / 91, HasAlpha: true},
		},
		{
			// An answer out of range, an unknown item and a missing
			// required item: Check refuses all three, so they change
			// nothing.
			name: "AttemptsCheckRefusesAreLeftOut",
			attempts: []scoring.Answers{a1, {"a": 9, "b": 1, "c": 1}, a2,
				{"a": 1, "b": 1, "c": 1, "zzz": 3}, a3, {"b": 2, "c": 2}},
			want: scoring.ScaleStats{Scale: "s", N: 3, Mean: 156.25 / 3, SD: 6.25 * math.Sqrt(91.0/3),
				Items: 3, AlphaN: 3, Alpha: 90.0 / 91, HasAlpha: true},
		},
		{
			name:     "NoAttempts",
			attempts: nil,
			want:     scoring.ScaleStats{Scale: "s", Items: 3},
		},
		{
			// One attempt: a mean, but neither an SD nor an alpha.
			name:     "OneAttempt",
			attempts: []scoring.Answers{a1},
			want:     scoring.ScaleStats{Scale: "s", N: 1, Mean: 87.5, Items: 3, AlphaN: 1},
		},
		{
			// Contributions (4, 0, 4) and (0, 4, 4): both total 8, score
			// 50; the items vary but the total does not, so alpha is
			// undefined rather than minus infinity.
			name:     "TotalDoesNotVary",
			attempts: []scoring.Answers{{"a": 5, "b": 5, "c": 3}, {"a": 1, "b": 1, "c": 3}},
			want:     scoring.ScaleStats{Scale: "s", N: 2, Mean: 50, Items: 3, AlphaN: 2},
		},
		{
			// Contributions (4, 6-1-1 = 4, 2*1 = 2) and (0, 6-5-1 = 0,
			// 2*4 = 8): totals 10 and 8, var 2; item variances 8, 8, 18,
			// Σ 34; alpha = 3/2 * (1 - 34/2) = -24. Scores 62.5 and 50:
			// mean 56.25, SD 6.25 * sqrt(2).
			name:     "ItemsThatDisagreeGiveNegativeAlpha",
			attempts: []scoring.Answers{{"a": 5, "b": 1, "c": 2}, {"a": 1, "b": 5, "c": 5}},
			want: scoring.ScaleStats{Scale: "s", N: 2, Mean: 56.25, SD: 6.25 * math.Sqrt2,
				Items: 3, AlphaN: 2, Alpha: -24, HasAlpha: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Describe(threeItemQuiz(), tt.attempts)
			require.Len(t, got, 1)
			assertStats(t, tt.want, got[0])
		})
	}
}

func TestDescribe_ScalesInQuizOrder(t *testing.T) {
	// x is keyed by p (w = 1) and q (w = -1); y by p alone (w = 0.5), so y
	// has one item and no alpha. On 0..4, den(x) = 8 and den(y) = 2.
	//
	//	attempt  p  q   x: p, 4-q          score    y: 0.5*p  score
	//	1        4  0   4 + 4 = 8          100      2         100
	//	2        2  2   2 + 2 = 4          50       1         50
	//	3        0  3   0 + 1 = 1          12.5     0         0
	//
	// x: mean 162.5/3; totals 8, 4, 1, mean 13/3, deviations 11/3, -1/3,
	// -10/3, squares 222/9, var 111/9 = 37/3, SD(score) = 12.5 * sqrt(37/3).
	// Items p (4, 2, 0) var 4; reversed q (4, 2, 1) var 7/3; Σ 19/3.
	// alpha = 2 * (1 - (19/3) / (37/3)) = 2 * 18/37 = 36/37.
	// y: scores 100, 50, 0: mean 50, SD 50.
	q := newQuiz(0, 4, []string{"x", "y"},
		item("p", key("y", 0.5), key("x", 1)), item("q", key("x", -1)))
	got := scoring.Describe(q, []scoring.Answers{{"p": 4, "q": 0}, {"p": 2, "q": 2}, {"p": 0, "q": 3}})
	require.Len(t, got, 2)
	assertStats(t, scoring.ScaleStats{Scale: "x", N: 3, Mean: 162.5 / 3, SD: 12.5 * math.Sqrt(37.0/3),
		Items: 2, AlphaN: 3, Alpha: 36.0 / 37, HasAlpha: true}, got[0])
	assertStats(t, scoring.ScaleStats{Scale: "y", N: 3, Mean: 50, SD: 50, Items: 1, AlphaN: 3}, got[1])
}

// TestDescribe_MeanIsTheMeanOfScore checks that Describe describes exactly
// the scores Score shows to people, on the fixture with uneven weights and
// optional items.
func TestDescribe_MeanIsTheMeanOfScore(t *testing.T) {
	q := loadWeightedSleep(t)
	attempts := scoring.Simulate(q, 500, 7)
	stats := scoring.Describe(q, attempts)
	for i, s := range q.Scales {
		var sum float64
		var n int
		for _, a := range attempts {
			out, err := scoring.Score(q, a)
			require.NoError(t, err)
			if sc := out.ScoreOf(s.ID); sc != nil {
				sum += *sc
				n++
			}
		}
		assert.Equal(t, s.ID, stats[i].Scale)
		assert.Equal(t, n, stats[i].N, s.ID)
		assert.InDelta(t, sum/float64(n), stats[i].Mean, delta, s.ID)
	}
}

func assertStats(tb testing.TB, want, got scoring.ScaleStats) {
	tb.Helper()
	assert.Equal(tb, want.Scale, got.Scale)
	assert.Equal(tb, want.N, got.N, "N")
	assert.InDelta(tb, want.Mean, got.Mean, delta, "Mean")
	assert.InDelta(tb, want.SD, got.SD, delta, "SD")
	assert.Equal(tb, want.Items, got.Items, "Items")
	assert.Equal(tb, want.AlphaN, got.AlphaN, "AlphaN")
	assert.Equal(tb, want.HasAlpha, got.HasAlpha, "HasAlpha")
	assert.InDelta(tb, want.Alpha, got.Alpha, delta, "Alpha")
}
