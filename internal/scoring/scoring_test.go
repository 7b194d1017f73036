package scoring_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// Every expected number below is worked out by hand from quiz-format.md,
// "Scoring", with the arithmetic beside it:
//
//	v     = r when w > 0, else min + max - r
//	score = 100 * Σ(|w| * (v - min)) / Σ(|w| * (max - min))

func TestScore_KeyedValue(t *testing.T) {
	tests := []struct {
		name    string
		lo, hi  int
		items   []quiz.Item
		answers scoring.Answers
		want    float64
	}{
		{
			name: "positive weight on 1..5", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", 1))},
			answers: scoring.Answers{"a": 4},
			want:    75, // v = 4; (4-1) / (5-1) * 100 = 75
		},
		{
			name: "negative weight on 1..5", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", -1))},
			answers: scoring.Answers{"a": 4},
			want:    25, // v = 1+5-4 = 2; (2-1) / 4 * 100 = 25
		},
		{
			name: "negative weight on 1..5 at min", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", -1))},
			answers: scoring.Answers{"a": 1},
			want:    100, // v = 1+5-1 = 5; (5-1) / 4 * 100 = 100
		},
		{
			name: "negative weight on 1..5 at max", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", -1))},
			answers: scoring.Answers{"a": 5},
			want:    0, // v = 1+5-5 = 1; (1-1) / 4 * 100 = 0
		},
		{
			name: "positive weight on 0..4", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", 1))},
			answers: scoring.Answers{"a": 3},
			want:    75, // v = 3; (3-0) / (4-0) * 100 = 75
		},
		{
			name: "negative weight on 0..4", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", -1))},
			answers: scoring.Answers{"a": 3},
			want:    25, // v = 0+4-3 = 1; 1 / 4 * 100 = 25
		},
		{
			name: "negative weight on 0..4 at min", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", -1))},
			answers: scoring.Answers{"a": 0},
			want:    100, // v = 0+4-0 = 4; 4 / 4 * 100 = 100
		},
		{
			name: "negative weight on -2..2", lo: -2, hi: 2,
			items:   []quiz.Item{item("a", key("s", -0.5))},
			answers: scoring.Answers{"a": -1},
			want:    75, // v = -2+2-(-1) = 1; 0.5*(1+2) / (0.5*4) * 100 = 75
		},
		{
			name: "single item of weight 2", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", 2))},
			answers: scoring.Answers{"a": 1},
			want:    25, // 2*1 / (2*4) * 100 = 25
		},
		{
			name: "weights 2 and 0.5", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", 2)), item("b", key("s", 0.5))},
			answers: scoring.Answers{"a": 3, "b": 1},
			want:    65, // (2*3 + 0.5*1) / (2*4 + 0.5*4) * 100 = 6.5/10 * 100 = 65
		},
		{
			name: "weights 2 and 1 on 1..5", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", 2)), item("b", key("s", 1))},
			answers: scoring.Answers{"a": 5, "b": 1},
			want:    200.0 / 3, // (2*(5-1) + 1*(1-1)) / (2*4 + 1*4) * 100 = 8/12 * 100
		},
		{
			name: "weights -2 and 0.5", lo: 0, hi: 4,
			items:   []quiz.Item{item("a", key("s", -2)), item("b", key("s", 0.5))},
			answers: scoring.Answers{"a": 4, "b": 3},
			want:    15, // v_a = 0+4-4 = 0; (2*0 + 0.5*3) / (2*4 + 0.5*4) * 100 = 1.5/10 * 100 = 15
		},
		{
			name: "weights 2, 0.5 and -1", lo: 0, hi: 4,
			items: []quiz.Item{
				item("a", key("s", 2)), item("b", key("s", 0.5)), item("c", key("s", -1)),
			},
			answers: scoring.Answers{"a": 3, "b": 1, "c": 1},
			want:    950.0 / 14, // v_c = 4-1 = 3; (2*3 + 0.5*1 + 1*3) / (2*4 + 0.5*4 + 1*4) * 100 = 9.5/14 * 100
		},
		{
			name: "weights 3 and -1.5 on 1..5", lo: 1, hi: 5,
			items:   []quiz.Item{item("a", key("s", 3)), item("b", key("s", -1.5))},
			answers: scoring.Answers{"a": 2, "b": 2},
			// v_b = 1+5-2 = 4; (3*(2-1) + 1.5*(4-1)) / (3*4 + 1.5*4) * 100 = 7.5/18 * 100
			want: 750.0 / 18,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQuiz(tt.lo, tt.hi, []string{"s"}, tt.items...)
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			require.Len(t, out.Scales, 1)
			assertScore(t, ptr(tt.want), out.Scales[0].Score)
			assert.Equal(t, len(tt.items), out.Scales[0].Items)
			assert.Equal(t, len(tt.items), out.Scales[0].Answered)
		})
	}
}

func TestScore_ItemKeyingTwoScales(t *testing.T) {
	// One answer counts towards two scales in opposite directions.
	q := newQuiz(1, 5, []string{"x", "y"}, item("a", key("x", 1), key("y", -2)))
	out, err := scoring.Score(q, scoring.Answers{"a": 4})
	require.NoError(t, err)
	assertScore(t, ptr(75), out.ScoreOf("x")) // (4-1) / 4 * 100 = 75
	assertScore(t, ptr(25), out.ScoreOf("y")) // v = 1+5-4 = 2; 2*(2-1) / (2*4) * 100 = 25
}

func TestScore_MeanRescale(t *testing.T) {
	// With every weight 1 the score is the mean answer rescaled to 0..100:
	// 100 * (mean - min) / (max - min).
	tests := []struct {
		name    string
		lo, hi  int
		answers []int
		want    float64
	}{
		{"1..5", 1, 5, []int{2, 4, 5, 3}, 62.5},         // mean 14/4 = 3.5; (3.5-1)/4 * 100 = 62.5
		{"0..4", 0, 4, []int{0, 1, 1}, 50.0 / 3},        // mean 2/3; (2/3)/4 * 100 = 16.666…
		{"1..7", 1, 7, []int{7, 7, 1}, 200.0 / 3},       // mean 5; (5-1)/6 * 100 = 66.666…
		{"all at min", 1, 5, []int{1, 1, 1, 1, 1}, 0},   // mean 1; 0
		{"all at max", 0, 4, []int{4, 4}, 100},          // mean 4; 100
		{"-3..3", -3, 3, []int{-3, 0, 3, 2}, 350.0 / 6}, // mean 0.5; (0.5+3)/6 * 100 = 58.333…
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []quiz.Item
			answers := scoring.Answers{}
			for i, r := range tt.answers {
				id := string(rune('a' + i))
				items = append(items, item(id, key("s", 1)))
				answers[id] = r
			}
			out, err := scoring.Score(newQuiz(tt.lo, tt.hi, []string{"s"}, items...), answers)
			require.NoError(t, err)
			assertScore(t, ptr(tt.want), out.ScoreOf("s"))
		})
	}
}

func TestScore_NullRule(t *testing.T) {
	// A scale with N items needs ceil(N/2) answered items to have a score.
	// All items are optional, so they can be left out.
	tests := []struct {
		name    string
		weights []float64 // one optional item per weight, ids a, b, c, ...
		answers scoring.Answers
		want    *float64
	}{
		{"N=1 answered 0 of ceil(1/2)=1", []float64{1}, scoring.Answers{}, nil},
		{"N=1 answered 1", []float64{1}, scoring.Answers{"a": 3}, ptr(75)}, // 3/4 * 100
		{"N=2 answered 0 of ceil(2/2)=1", []float64{1, 1}, scoring.Answers{}, nil},
		{"N=2 answered 1", []float64{1, 1}, scoring.Answers{"b": 2}, ptr(50)}, // 2/4 * 100
		{"N=3 answered 1 of ceil(3/2)=2", []float64{1, 1, 1}, scoring.Answers{"a": 4}, nil},
		{"N=3 answered 2", []float64{1, 1, 1}, scoring.Answers{"a": 4, "c": 1}, ptr(62.5)}, // (4+1)/8 * 100
		{"N=4 answered 1 of ceil(4/2)=2", []float64{1, 1, 1, 1}, scoring.Answers{"d": 4}, nil},
		{"N=4 answered 2", []float64{1, 1, 1, 1}, scoring.Answers{"b": 4, "d": 3}, ptr(87.5)}, // (4+3)/8 * 100
		{"N=5 answered 2 of ceil(5/2)=3", []float64{1, 1, 1, 1, 1}, scoring.Answers{"a": 4, "e": 4}, nil},
		{
			"N=5 answered 3", []float64{1, 1, 1, 1, 1}, scoring.Answers{"a": 1, "c": 2, "e": 4},
			ptr(700.0 / 12), // (1+2+4) / (3*4) * 100 = 58.333…
		},
		{
			// The rule counts items, not weight: 2 of 3 items are needed
			// although the answered one carries 2/3 of the weight.
			"N=3 counts items not weight", []float64{4, 1, 1}, scoring.Answers{"a": 4}, nil,
		},
		{
			"N=3 weighted answered 2", []float64{4, 1, -1}, scoring.Answers{"a": 1, "c": 1},
			ptr(35), // v_c = 4-1 = 3; (4*1 + 1*3) / (4*4 + 1*4) * 100 = 7/20 * 100 = 35
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []quiz.Item
			for i, w := range tt.weights {
				items = append(items, optional(string(rune('a'+i)), key("s", w)))
			}
			out, err := scoring.Score(newQuiz(0, 4, []string{"s"}, items...), tt.answers)
			require.NoError(t, err)
			require.Len(t, out.Scales, 1)
			s := out.Scales[0]
			assert.Equal(t, "s", s.Scale)
			assert.Equal(t, len(tt.weights), s.Items)
			assert.Equal(t, len(tt.answers), s.Answered)
			assertScore(t, tt.want, s.Score)
		})
	}
}

func TestCheck(t *testing.T) {
	// a is required, b is optional, on 1..5.
	q := newQuiz(1, 5, []string{"s"}, item("a", key("s", 1)), optional("b", key("s", 1)))
	tests := []struct {
		name    string
		answers scoring.Answers
		wantErr string // substring of the error; "" for none
	}{
		{"OK all answered", scoring.Answers{"a": 3, "b": 4}, ""},
		{"OK optional missing", scoring.Answers{"a": 3}, ""},
		{"OK at min and max", scoring.Answers{"a": 1, "b": 5}, ""},
		{"unknown item", scoring.Answers{"a": 3, "zz": 2}, `"zz"`},
		{"below min", scoring.Answers{"a": 0}, "outside 1..5"},
		{"above max", scoring.Answers{"a": 6}, "outside 1..5"},
		{"optional item below min", scoring.Answers{"a": 3, "b": 0}, "outside 1..5"},
		{"optional item above max", scoring.Answers{"a": 3, "b": 6}, "outside 1..5"},
		{"missing required", scoring.Answers{"b": 2}, `required item "a"`},
		{"no answers", nil, `required item "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scoring.Check(q, tt.answers)
			out, scoreErr := scoring.Score(q, tt.answers)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				assert.NoError(t, scoreErr)
				assert.Equal(t, "fallback", out.Result)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
			assert.ErrorContains(t, scoreErr, tt.wantErr)
			if strings.Contains(tt.wantErr, "required") {
				assert.ErrorIs(t, err, scoring.ErrIncomplete)
			} else {
				assert.ErrorIs(t, err, scoring.ErrMismatch)
			}
			assert.Equal(t, scoring.Outcome{}, out)
		})
	}
}

func TestScore_Results(t *testing.T) {
	// Three scales, each with one item keyed 1 on 0..4, so an answer r
	// scores r * 25: 0, 25, 50, 75 or 100. c is optional: unanswered, it
	// has no score (1 item needs ceil(1/2) = 1 answer).
	tests := []struct {
		name    string
		results []quiz.Result // the fallback is appended
		answers scoring.Answers
		want    string
	}{
		{
			name:    "first match wins",
			results: []quiz.Result{result("high", atLeast("a", 50)), result("mid", atLeast("a", 25))},
			answers: scoring.Answers{"a": 3, "b": 0}, // a = 75: both hold
			want:    "high",
		},
		{
			name:    "later match when the first fails",
			results: []quiz.Result{result("high", atLeast("a", 50)), result("mid", atLeast("a", 25))},
			answers: scoring.Answers{"a": 1, "b": 0}, // a = 25
			want:    "mid",
		},
		{
			name:    "min is inclusive",
			results: []quiz.Result{result("r", atLeast("a", 50))},
			answers: scoring.Answers{"a": 2, "b": 0}, // a = 50 = min
			want:    "r",
		},
		{
			name:    "just below min",
			results: []quiz.Result{result("r", atLeast("a", 50))},
			answers: scoring.Answers{"a": 1, "b": 0}, // a = 25 < 50
			want:    "fallback",
		},
		{
			name:    "max is exclusive",
			results: []quiz.Result{result("r", below("a", 50))},
			answers: scoring.Answers{"a": 2, "b": 0}, // a = 50 = max
			want:    "fallback",
		},
		{
			name:    "below max",
			results: []quiz.Result{result("r", below("a", 50))},
			answers: scoring.Answers{"a": 1, "b": 0}, // a = 25 < 50
			want:    "r",
		},
		{
			name:    "min and max, at min",
			results: []quiz.Result{result("r", between("a", 25, 75))},
			answers: scoring.Answers{"a": 1, "b": 0}, // 25 <= 25 < 75
			want:    "r",
		},
		{
			name:    "min and max, at max",
			results: []quiz.Result{result("r", between("a", 25, 75))},
			answers: scoring.Answers{"a": 3, "b": 0}, // 75 is not < 75
			want:    "fallback",
		},
		{
			name:    "missing max includes 100",
			results: []quiz.Result{result("r", atLeast("a", 75))},
			answers: scoring.Answers{"a": 4, "b": 0}, // a = 100 <= 100
			want:    "r",
		},
		{
			name:    "given max 100 excludes 100",
			results: []quiz.Result{result("r", between("a", 0, 100))},
			answers: scoring.Answers{"a": 4, "b": 0}, // a = 100 is not < 100
			want:    "fallback",
		},
		{
			name:    "missing min is 0 and includes 0",
			results: []quiz.Result{result("r", below("a", 25))},
			answers: scoring.Answers{"a": 0, "b": 0}, // 0 <= 0 < 25
			want:    "r",
		},
		{
			name:    "condition on a null scale does not hold",
			results: []quiz.Result{result("r", atLeast("c", 0))},
			answers: scoring.Answers{"a": 2, "b": 2}, // c unanswered: null
			want:    "fallback",
		},
		{
			name:    "max-only condition on a null scale does not hold",
			results: []quiz.Result{result("r", below("c", 100))},
			answers: scoring.Answers{"a": 2, "b": 2},
			want:    "fallback",
		},
		{
			name:    "condition on an answered optional scale holds",
			results: []quiz.Result{result("r", atLeast("c", 0))},
			answers: scoring.Answers{"a": 2, "b": 2, "c": 0}, // c = 0 >= 0
			want:    "r",
		},
		{
			name:    "all conditions must hold, one fails",
			results: []quiz.Result{result("both", atLeast("a", 50), atLeast("b", 50))},
			answers: scoring.Answers{"a": 3, "b": 1}, // a = 75, b = 25 < 50
			want:    "fallback",
		},
		{
			name:    "all conditions must hold, the other fails",
			results: []quiz.Result{result("both", atLeast("a", 50), atLeast("b", 50))},
			answers: scoring.Answers{"a": 1, "b": 3}, // a = 25 < 50
			want:    "fallback",
		},
		{
			name:    "all conditions hold",
			results: []quiz.Result{result("both", atLeast("a", 50), atLeast("b", 50))},
			answers: scoring.Answers{"a": 3, "b": 2}, // 75 >= 50, 50 >= 50
			want:    "both",
		},
		{
			name: "a condition on a null scale spoils the others",
			results: []quiz.Result{
				result("with-c", atLeast("a", 0), atLeast("c", 0)),
				result("without-c", atLeast("a", 0)),
			},
			answers: scoring.Answers{"a": 2, "b": 2},
			want:    "without-c",
		},
		{
			name: "fallback when none holds",
			results: []quiz.Result{
				result("a-high", atLeast("a", 75)), result("b-low", below("b", 25)),
			},
			answers: scoring.Answers{"a": 2, "b": 2}, // a = 50, b = 50
			want:    "fallback",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQuiz(0, 4, []string{"a", "b", "c"},
				item("a", key("a", 1)), item("b", key("b", 1)), optional("c", key("c", 1)))
			q.Results = append(append([]quiz.Result(nil), tt.results...), fallback())
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			assert.Equal(t, tt.want, out.Result)
		})
	}
}

func TestScore_ResultsInexactBoundary(t *testing.T) {
	// Weights 0.3 and 0.7 are not exact in binary: the score below is 60
	// in real numbers but not necessarily in float64. It must still count
	// as exactly on the boundary.
	// (0.3*1 + 0.7*3) / (0.3*4 + 0.7*4) * 100 = 2.4/4 * 100 = 60
	q := newQuiz(0, 4, []string{"s"}, item("a", key("s", 0.3)), item("b", key("s", 0.7)))
	answers := scoring.Answers{"a": 1, "b": 3}
	tests := []struct {
		name string
		when quiz.Condition
		want string
	}{
		{"min 60 holds", atLeast("s", 60), "r"},
		{"max 60 does not hold", below("s", 60), "fallback"},
		{"min 50 max 60 does not hold", between("s", 50, 60), "fallback"},
		{"min 60 max 70 holds", between("s", 60, 70), "r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q.Results = []quiz.Result{result("r", tt.when), fallback()}
			out, err := scoring.Score(q, answers)
			require.NoError(t, err)
			assertScore(t, ptr(60), out.ScoreOf("s"))
			assert.Equal(t, tt.want, out.Result)
		})
	}
}

func TestHolds(t *testing.T) {
	tests := []struct {
		name  string
		cond  quiz.Condition
		score *float64
		want  bool
	}{
		{"nil score, min 0", atLeast("s", 0), nil, false},
		{"nil score, max 100", below("s", 100), nil, false},
		{"at min", atLeast("s", 40), ptr(40), true},
		{"just below min", atLeast("s", 40), ptr(39.99), false},
		{"at given max", between("s", 40, 60), ptr(60), false},
		{"just below given max", between("s", 40, 60), ptr(59.99), true},
		{"100 without max", atLeast("s", 40), ptr(100), true},
		{"100 with max 100", between("s", 40, 100), ptr(100), false},
		{"0 with max only", below("s", 10), ptr(0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scoring.Holds(tt.cond, tt.score))
		})
	}
}

func TestPosition(t *testing.T) {
	tests := []struct {
		name        string
		left, right *float64
		want        *float64
	}{
		{"fully left", ptr(100), ptr(0), ptr(0)},          // 50 + (0-100)/2 = 0
		{"balanced", ptr(50), ptr(50), ptr(50)},           // 50 + 0/2 = 50
		{"balanced low", ptr(10), ptr(10), ptr(50)},       // 50 + 0/2 = 50
		{"fully right", ptr(0), ptr(100), ptr(100)},       // 50 + (100-0)/2 = 100
		{"towards right", ptr(25), ptr(87.5), ptr(81.25)}, // 50 + (87.5-25)/2 = 81.25
		{"towards left", ptr(87.5), ptr(25), ptr(18.75)},  // 50 + (25-87.5)/2 = 18.75
		{"uneven", ptr(62.5), ptr(20), ptr(28.75)},        // 50 + (20-62.5)/2 = 28.75
		{"left null", nil, ptr(50), nil},
		{"right null", ptr(50), nil, nil},
		{"both null", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertScore(t, tt.want, scoring.Position(tt.left, tt.right))
		})
	}
}

func TestScore_Position(t *testing.T) {
	// left and right each have one item keyed 1 on 0..4 (score r * 25);
	// right is optional, so it can be null.
	spectrum := &quiz.Spectrum{Left: "left", Right: "right", Middle: "Middle"}
	tests := []struct {
		name     string
		spectrum *quiz.Spectrum
		answers  scoring.Answers
		want     *float64
	}{
		{"at 0", spectrum, scoring.Answers{"l": 4, "r": 0}, ptr(0)},          // 50 + (0-100)/2
		{"at 50", spectrum, scoring.Answers{"l": 3, "r": 3}, ptr(50)},        // 50 + (75-75)/2
		{"at 100", spectrum, scoring.Answers{"l": 0, "r": 4}, ptr(100)},      // 50 + (100-0)/2
		{"asymmetric", spectrum, scoring.Answers{"l": 1, "r": 4}, ptr(87.5)}, // 50 + (100-25)/2 = 87.5
		{"right pole null", spectrum, scoring.Answers{"l": 1}, nil},
		{"no spectrum", nil, scoring.Answers{"l": 1, "r": 4}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQuiz(0, 4, []string{"left", "right"},
				item("l", key("left", 1)), optional("r", key("right", 1)))
			q.Spectrum = tt.spectrum
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			assertScore(t, tt.want, out.Position)
		})
	}
}

func TestScore_PositionLeftPoleNull(t *testing.T) {
	q := newQuiz(0, 4, []string{"left", "right"},
		optional("l", key("left", 1)), item("r", key("right", 1)))
	q.Spectrum = &quiz.Spectrum{Left: "left", Right: "right"}
	out, err := scoring.Score(q, scoring.Answers{"r": 2})
	require.NoError(t, err)
	assert.Nil(t, out.ScoreOf("left"))
	assertScore(t, ptr(50), out.ScoreOf("right"))
	assert.Nil(t, out.Position)
}

func TestReliableChange(t *testing.T) {
	tests := []struct {
		name          string
		sd, r         float64
		before, after float64
		wantDiff      float64
		wantRC        float64
		wantReliable  bool
	}{
		{
			// SEM = 10 * sqrt(1-0.84) = 10 * 0.4 = 4
			// S_diff = sqrt(2) * 4 = 5.656854249492381
			// RC = 10 / 5.656854… = 1.7677669529663689 < 1.96
			name: "sd 10 r 0.84 up 10", sd: 10, r: 0.84, before: 50, after: 60,
			wantDiff: 10, wantRC: 1.7677669529663689, wantReliable: false,
		},
		{
			// RC = 20 / 5.656854… = 3.5355339059327378
			name: "sd 10 r 0.84 up 20", sd: 10, r: 0.84, before: 30, after: 50,
			wantDiff: 20, wantRC: 3.5355339059327378, wantReliable: true,
		},
		{
			// SEM = 15 * sqrt(0.08) = 4.242640687119285
			// S_diff = sqrt(2) * 4.2426… = 15 * sqrt(0.16) = 6; RC = 12 / 6 = 2
			name: "sd 15 r 0.92 up 12", sd: 15, r: 0.92, before: 40, after: 52,
			wantDiff: 12, wantRC: 2, wantReliable: true,
		},
		{
			name: "sd 15 r 0.92 down 12", sd: 15, r: 0.92, before: 52, after: 40,
			wantDiff: -12, wantRC: -2, wantReliable: true,
		},
		{
			// SEM = 10 * sqrt(0.125) = 3.5355339059327378
			// S_diff = sqrt(2) * 3.5355… = 10 * sqrt(0.25) = 5
			// RC = 9.8 / 5 = 1.96 exactly in real numbers
			name: "boundary up", sd: 10, r: 0.875, before: 50, after: 59.8,
			wantDiff: 9.8, wantRC: 1.96, wantReliable: true,
		},
		{
			name: "boundary down", sd: 10, r: 0.875, before: 59.8, after: 50,
			wantDiff: -9.8, wantRC: -1.96, wantReliable: true,
		},
		{
			// RC = 9.75 / 5 = 1.95
			name: "just below boundary up", sd: 10, r: 0.875, before: 50, after: 59.75,
			wantDiff: 9.75, wantRC: 1.95, wantReliable: false,
		},
		{
			name: "just below boundary down", sd: 10, r: 0.875, before: 59.75, after: 50,
			wantDiff: -9.75, wantRC: -1.95, wantReliable: false,
		},
		{
			// The spec's example norms: SEM = 16.5 * sqrt(0.18) = 7.000357133746821
			// S_diff = 16.5 * sqrt(0.36) = 9.9; RC = 19.404 / 9.9 = 1.96
			name: "spec norms boundary up", sd: 16.5, r: 0.82, before: 40, after: 59.404,
			wantDiff: 19.404, wantRC: 1.96, wantReliable: true,
		},
		{
			name: "spec norms boundary down", sd: 16.5, r: 0.82, before: 59.404, after: 40,
			wantDiff: -19.404, wantRC: -1.96, wantReliable: true,
		},
		{
			name: "no change", sd: 10, r: 0.84, before: 37.5, after: 37.5,
			wantDiff: 0, wantRC: 0, wantReliable: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norms := &quiz.Norms{Mean: 50, SD: tt.sd, Reliability: tt.r}
			c := scoring.ReliableChange(norms, tt.before, tt.after)
			assert.True(t, c.HasNorms)
			assert.InDelta(t, tt.wantDiff, c.Diff, delta)
			assert.InDelta(t, tt.wantRC, c.RC, delta)
			assert.Equal(t, tt.wantReliable, c.Reliable)
		})
	}

	t.Run("no norms", func(t *testing.T) {
		// Even a change across the whole range makes no reliability claim.
		c := scoring.ReliableChange(nil, 10, 90)
		assert.False(t, c.HasNorms)
		assert.False(t, c.Reliable)
		assert.Zero(t, c.RC)
		assert.InDelta(t, 80, c.Diff, delta) // 90 - 10
	})
	t.Run("no norms down", func(t *testing.T) {
		c := scoring.ReliableChange(nil, 90, 10)
		assert.False(t, c.HasNorms)
		assert.False(t, c.Reliable)
		assert.InDelta(t, -80, c.Diff, delta) // 10 - 90
	})
}

func TestWeightedSleep_Loads(t *testing.T) {
	q := loadWeightedSleep(t)

	assert.Equal(t, "weighted-sleep", q.ID)
	assert.Equal(t, 3, q.Version)
	assert.Equal(t, quiz.AnswerScale{Min: 0, Max: 4,
		Labels: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}}, q.Scale)

	var scales []string
	for _, s := range q.Scales {
		scales = append(scales, s.ID)
	}
	assert.Equal(t, []string{"rest", "worry", "routine"}, scales)
	rest, _ := q.ScaleByID("rest")
	assert.Equal(t, &quiz.Norms{Mean: 55, SD: 10, Reliability: 0.84,
		Source: "Invented figures for testing; not from any real sample"}, rest.Norms)

	require.Len(t, q.Sections, 2)
	assert.Len(t, q.Sections[0].Items, 4)
	assert.Len(t, q.Sections[1].Items, 4)
	keys := map[string][]quiz.Key{}
	var optionals []string
	for _, it := range q.Items() {
		keys[it.ID] = it.Keys
		if it.Optional {
			optionals = append(optionals, it.ID)
		}
	}
	// The scoring tests below rely on exactly these keys, in file order.
	assert.Equal(t, map[string][]quiz.Key{
		"n1": {key("rest", 2)},
		"n2": {key("worry", 1), key("rest", -1)},
		"n3": {key("rest", 1), key("worry", -0.5)},
		"n4": {key("rest", -1), key("worry", 0.5)},
		"d1": {key("routine", 2)},
		"d2": {key("routine", -1)},
		"d3": {key("worry", 2)},
		"d4": {key("routine", 0.5), key("rest", 0.5)},
	}, keys)
	assert.Equal(t, []string{"n4", "d2", "d4"}, optionals)

	var results []string
	for _, r := range q.Results {
		results = append(results, r.ID)
	}
	assert.Equal(t, []string{"tired-and-wired", "running-low", "regular-rhythm", "well-rested", "mixed-nights"}, results)
	assert.ElementsMatch(t, []quiz.Condition{atLeast("worry", 60), below("rest", 40)}, q.Results[0].When)
	assert.Equal(t, []quiz.Condition{below("rest", 40)}, q.Results[1].When)
	assert.Equal(t, []quiz.Condition{between("routine", 50, 90)}, q.Results[2].When)
	assert.Equal(t, []quiz.Condition{atLeast("rest", 75)}, q.Results[3].When)
	assert.Empty(t, q.Results[4].When)

	assert.Equal(t, &quiz.Spectrum{Left: "worry", Right: "rest", Middle: "Settling down", Cut: quiz.DefaultCut}, q.Spectrum)
	assert.Equal(t, &quiz.Map{X: "routine", Y: "worry"}, q.Map)
}

func TestScore_WeightedSleep(t *testing.T) {
	q := loadWeightedSleep(t)
	// Keys (0..4 scale, so v = r for w > 0 and v = 4 - r for w < 0):
	//   rest:    n1 2, n2 -1, n3 1, n4 -1, d4 0.5   (5 items, needs 3)
	//   worry:   n2 1, n3 -0.5, n4 0.5, d3 2        (4 items, needs 2)
	//   routine: d1 2, d2 -1, d4 0.5                (3 items, needs 2)
	// Optional: n4, d2, d4. Spectrum: left worry, right rest.
	type scale struct {
		score           *float64
		answered, items int
	}
	tests := []struct {
		name         string
		answers      scoring.Answers
		rest         scale
		worry        scale
		routine      scale
		wantResult   string
		wantPosition float64
	}{
		{
			name:    "A complete",
			answers: scoring.Answers{"n1": 1, "n2": 3, "n3": 1, "n4": 3, "d1": 2, "d2": 3, "d3": 4, "d4": 1},
			// (2*1 + 1*(4-3) + 1*1 + 1*(4-3) + 0.5*1) / ((2+1+1+1+0.5)*4) * 100 = 5.5/22 * 100 = 25
			rest: scale{ptr(25), 5, 5},
			// (1*3 + 0.5*(4-1) + 0.5*3 + 2*4) / ((1+0.5+0.5+2)*4) * 100 = 14/16 * 100 = 87.5
			worry: scale{ptr(87.5), 4, 4},
			// (2*2 + 1*(4-3) + 0.5*1) / ((2+1+0.5)*4) * 100 = 5.5/14 * 100 = 39.285714…
			routine: scale{ptr(550.0 / 14), 3, 3},
			// worry 87.5 >= 60 and rest 25 < 40; running-low holds too,
			// but tired-and-wired comes first.
			wantResult:   "tired-and-wired",
			wantPosition: 18.75, // 50 + (25 - 87.5)/2
		},
		{
			name:    "B optional skipped",
			answers: scoring.Answers{"n1": 4, "n2": 0, "n3": 3, "d1": 3, "d3": 1},
			// 3 of 5 answered (needs 3):
			// (2*4 + 1*(4-0) + 1*3) / ((2+1+1)*4) * 100 = 15/16 * 100 = 93.75
			rest: scale{ptr(93.75), 3, 5},
			// 3 of 4 answered: (1*0 + 0.5*(4-3) + 2*1) / ((1+0.5+2)*4) * 100 = 2.5/14 * 100 = 17.857142…
			worry: scale{ptr(250.0 / 14), 3, 4},
			// 1 of 3 answered, needs ceil(3/2) = 2: null
			routine: scale{nil, 1, 3},
			// not tired-and-wired (worry < 60), not running-low (93.75 >= 40),
			// not regular-rhythm (routine null), well-rested (93.75 >= 75)
			wantResult:   "well-rested",
			wantPosition: 4925.0 / 56, // 50 + (93.75 - 250/14)/2 = 50 + (2625-500)/56 = 87.946428…
		},
		{
			name:    "C routine exactly at min",
			answers: scoring.Answers{"n1": 3, "n2": 1, "n3": 2, "n4": 2, "d1": 2, "d2": 1, "d3": 2, "d4": 0},
			// (2*3 + 1*(4-1) + 1*2 + 1*(4-2) + 0.5*0) / 22 * 100 = 13/22 * 100 = 59.090909…
			rest: scale{ptr(1300.0 / 22), 5, 5},
			// (1*1 + 0.5*(4-2) + 0.5*2 + 2*2) / 16 * 100 = 7/16 * 100 = 43.75
			worry: scale{ptr(43.75), 4, 4},
			// (2*2 + 1*(4-1) + 0.5*0) / 14 * 100 = 7/14 * 100 = 50
			routine: scale{ptr(50), 3, 3},
			// worry < 60, rest >= 40, then 50 <= routine 50 < 90
			wantResult:   "regular-rhythm",
			wantPosition: 5075.0 / 88, // 50 + (1300/22 - 43.75)/2 = 50 + 675/88 = 57.670454…
		},
		{
			name:    "D fallback",
			answers: scoring.Answers{"n1": 3, "n2": 1, "n3": 2, "n4": 2, "d1": 4, "d2": 0, "d3": 2, "d4": 4},
			// (2*3 + 1*(4-1) + 1*2 + 1*(4-2) + 0.5*4) / 22 * 100 = 15/22 * 100 = 68.181818…
			rest: scale{ptr(1500.0 / 22), 5, 5},
			// as in C: 7/16 * 100 = 43.75
			worry: scale{ptr(43.75), 4, 4},
			// (2*4 + 1*(4-0) + 0.5*4) / 14 * 100 = 14/14 * 100 = 100
			routine: scale{ptr(100), 3, 3},
			// worry < 60, rest >= 40, routine 100 is not < 90, rest < 75
			wantResult:   "mixed-nights",
			wantPosition: 5475.0 / 88, // 50 + (1500/22 - 43.75)/2 = 50 + 1075/88 = 62.215909…
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			require.Len(t, out.Scales, 3)
			for i, want := range []struct {
				id string
				scale
			}{{"rest", tt.rest}, {"worry", tt.worry}, {"routine", tt.routine}} {
				got := out.Scales[i]
				assert.Equal(t, want.id, got.Scale)
				assertScore(t, want.score, got.Score, want.id)
				assert.Equal(t, want.answered, got.Answered, want.id)
				assert.Equal(t, want.items, got.Items, want.id)
			}
			assert.Equal(t, tt.wantResult, out.Result)
			assertScore(t, ptr(tt.wantPosition), out.Position)
		})
	}

	t.Run("reliable change on rest from A to B", func(t *testing.T) {
		rest, _ := q.ScaleByID("rest")
		// SEM = 10 * sqrt(1-0.84) = 4; S_diff = 4*sqrt(2) = 5.656854…
		// RC = (93.75 - 25) / 5.656854… = 68.75 / 5.656854… = 12.153397…
		c := scoring.ReliableChange(rest.Norms, 25, 93.75)
		assert.True(t, c.HasNorms)
		assert.True(t, c.Reliable)
		assert.InDelta(t, 68.75, c.Diff, delta)
		assert.InDelta(t, 12.153397801643784, c.RC, delta)
	})
	t.Run("no norms on worry", func(t *testing.T) {
		worry, _ := q.ScaleByID("worry")
		c := scoring.ReliableChange(worry.Norms, 87.5, 250.0/14)
		assert.False(t, c.HasNorms)
		assert.False(t, c.Reliable)
	})
	t.Run("missing required d3", func(t *testing.T) {
		_, err := scoring.Score(q, scoring.Answers{"n1": 4, "n2": 0, "n3": 3, "d1": 3})
		assert.ErrorContains(t, err, `required item "d3"`)
	})
}

func TestMissing(t *testing.T) {
	items := []quiz.Item{item("a", key("s", 1)), optional("b", key("s", 1)), item("c", key("s", -1))}
	tests := []struct {
		name    string
		answers scoring.Answers
		want    []string
	}{
		{"OK all answered", scoring.Answers{"a": 1, "b": 2, "c": 3}, nil},
		{"OK optional skipped", scoring.Answers{"a": 1, "c": 3}, nil},
		{"required missing, in item order", scoring.Answers{"b": 2}, []string{"a", "c"}},
		{"answers to other items do not count", scoring.Answers{"x": 1, "c": 3}, []string{"a"}},
		{"no answers", nil, []string{"a", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scoring.Missing(items, tt.answers))
		})
	}
}
