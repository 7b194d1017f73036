package scoring_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// loadShipped parses the shipped questionnaire through the real loader.
func loadShipped(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	return loadShippedFile(tb, "relationship-spectrum.yaml")
}

// loadShippedFile parses one shipped quiz file through the real loader.
func loadShippedFile(tb testing.TB, name string) *quiz.Quiz {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "quizzes", name))
	require.NoError(tb, err)
	q, err := quiz.Parse(name, data)
	require.NoError(tb, err)
	return q
}

func TestSimulate_Deterministic(t *testing.T) {
	q := loadWeightedSleep(t)
	first := scoring.Simulate(q, 200, 42)
	assert.Equal(t, first, scoring.Simulate(q, 200, 42), "the same seed gives the same answers")
	assert.NotEqual(t, first, scoring.Simulate(q, 200, 43), "another seed gives other answers")
	// A larger n only adds people: the first 200 are the same.
	assert.Equal(t, first, scoring.Simulate(q, 300, 42)[:200])
	assert.Empty(t, scoring.Simulate(q, 0, 42))
}

func TestSimulate_ValidAnswers(t *testing.T) {
	tests := []struct {
		name string
		quiz *quiz.Quiz
	}{
		// Keyless optional safety items on the last page.
		{"Shipped", loadShipped(t)},
		{"ShippedShort", loadShippedFile(t, "relationship-spectrum-short.yaml")},
		// 0..4, weights 2, 0.5 and -1, optional items.
		{"WeightedSleep", loadWeightedSleep(t)},
		{"TwoPointScale", newQuiz(0, 1, []string{"s"}, item("a", key("s", 1)), optional("b", key("s", -3)))},
		// A spectrum with a cut, items without keys, one of them optional.
		{"SupportFlags", loadSupportFlags(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.quiz
			people := scoring.Simulate(q, 2000, 1)
			require.Len(t, people, 2000)
			seen := map[int]bool{}
			skipped := 0
			for _, a := range people {
				// Check refuses answers out of range, unknown items and
				// missing required items.
				require.NoError(t, scoring.Check(q, a))
				for _, it := range q.Items() {
					v, ok := a[it.ID]
					if !ok {
						assert.True(t, it.Optional, "required item %s skipped", it.ID)
						skipped++
						continue
					}
					seen[v] = true
				}
			}
			for _, v := range q.Scale.Values() {
				assert.True(t, seen[v], "nobody answered %d", v)
			}
			optionals := 0
			for _, it := range q.Items() {
				if it.Optional {
					optionals++
				}
			}
			// About 5% of the optional answers are left out.
			if optionals > 0 {
				share := float64(skipped) / float64(2000*optionals)
				assert.InDelta(t, 0.05, share, 0.015)
			}
		})
	}
}

// TestSimulate_ShippedQuizIsPlausible checks that the model yields figures
// like those of a decent short questionnaire on the scales that get norms,
// for both shipped forms. items is how many items key each main scale.
func TestSimulate_ShippedQuizIsPlausible(t *testing.T) {
	tests := []struct {
		file  string
		items map[string]int
	}{
		{"relationship-spectrum.yaml", map[string]int{"codependence": 21, "independence": 16, "interdependence": 16}},
		{"relationship-spectrum-short.yaml", map[string]int{"codependence": 4, "independence": 4, "interdependence": 4}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			q := loadShippedFile(t, tt.file)
			stats := scoring.Describe(q, scoring.Simulate(q, 2000, 1))
			main := map[string]bool{"codependence": true, "independence": true, "interdependence": true}
			for _, s := range stats {
				t.Logf("%-16s n=%d mean=%.2f sd=%.2f alpha=%.3f (k=%d, n=%d)", s.Scale, s.N, s.Mean, s.SD, s.Alpha, s.Items, s.AlphaN)
				if !main[s.Scale] {
					continue
				}
				delete(main, s.Scale)
				assert.Equal(t, tt.items[s.Scale], s.Items, s.Scale)
				assert.Equal(t, 2000, s.N, s.Scale)
				assert.Equal(t, 2000, s.AlphaN, s.Scale)
				assert.True(t, s.HasAlpha, s.Scale)
				assert.GreaterOrEqual(t, s.Alpha, 0.6, s.Scale)
				assert.LessOrEqual(t, s.Alpha, 0.95, s.Scale)
				assert.GreaterOrEqual(t, s.Mean, 25.0, s.Scale)
				assert.LessOrEqual(t, s.Mean, 75.0, s.Scale)
				assert.Greater(t, s.SD, 0.0, s.Scale)
			}
			assert.Empty(t, main, "main scales missing from the shipped quiz")
		})
	}
}

// TestSimulate_IndependentWithoutSpectrum pins the answers of a quiz
// without a spectrum, computed before the correlated model existed: such
// quizzes keep the independent model, answer for answer.
func TestSimulate_IndependentWithoutSpectrum(t *testing.T) {
	q := loadWeightedSleep(t)
	src := string(q.Source)
	from, to := strings.Index(src, "spectrum:"), strings.Index(src, "map:")
	require.True(t, from > 0 && to > from)
	q, err := quiz.Parse("weighted-sleep.yaml", []byte(src[:from]+src[to:]))
	require.NoError(t, err)
	require.Nil(t, q.Spectrum)

	people := scoring.Simulate(q, 1000, 9)
	assert.Equal(t, scoring.Answers{"n1": 3, "n2": 2, "n3": 2, "n4": 2, "d1": 1, "d2": 2, "d3": 4, "d4": 2}, people[0])
	type total struct{ sum, n int }
	got := map[string]total{}
	for _, a := range people {
		for id, v := range a {
			got[id] = total{got[id].sum + v, got[id].n + 1}
		}
	}
	assert.Equal(t, map[string]total{
		"n1": {2043, 1000}, "n2": {1990, 1000}, "n3": {2019, 1000}, "n4": {1866, 947},
		"d1": {1997, 1000}, "d2": {1903, 956}, "d3": {2015, 1000}, "d4": {1880, 949},
	}, got)
}

// pullsQuiz has two pulls and a balance scale, each keyed by its own eight
// items (half of them reversed), so that its scores' correlations show the
// traits' through measurement error alone.
func pullsQuiz(tb testing.TB, spectrum string) *quiz.Quiz {
	tb.Helper()
	var b strings.Builder
	b.WriteString("id: pulls\nversion: 1\ntitle: Pulls\nscale: {min: 1, max: 5, labels: [1, 2, 3, 4, 5]}\n" +
		"scales: [{id: cling, name: Cling}, {id: withdraw, name: Withdraw}, {id: balance, name: Balance}]\n" +
		"sections:\n  - id: s\n    title: S\n    items:\n")
	for _, s := range []string{"cling", "withdraw", "balance"} {
		for i := range 8 {
			fmt.Fprintf(&b, "      - {id: %s%d, text: T., keys: {%s: %d}}\n", s, i, s, 1-2*(i%2))
		}
	}
	b.WriteString("results: [{id: r, title: R, summary: S.}]\n" + spectrum)
	q, err := quiz.Parse("pulls.yaml", []byte(b.String()))
	require.NoError(tb, err)
	return q
}

// correlation is Pearson's r of the scores of scales x and y over people.
func correlation(tb testing.TB, q *quiz.Quiz, people []scoring.Answers, x, y string) float64 {
	tb.Helper()
	var xs, ys []float64
	for _, a := range people {
		out, err := scoring.Score(q, a)
		require.NoError(tb, err)
		xs = append(xs, *out.ScoreOf(x))
		ys = append(ys, *out.ScoreOf(y))
	}
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestSimulate_CorrelatedTraits checks the model with a spectrum: the two
// pulls' traits correlate 0.3, and the balance trait -0.195 with each.
// Scores show them weakened by measurement error (alpha about 0.85 here).
// Without a spectrum the scales are unrelated.
func TestSimulate_CorrelatedTraits(t *testing.T) {
	const n = 4000 // the standard error of each r is about 0.016
	tests := []struct {
		name           string
		spectrum       string
		pulls, balance [2]float64 // lowest and highest r allowed
	}{
		{"Spectrum", "spectrum: {left: cling, right: withdraw}\n", [2]float64{0.18, 0.32}, [2]float64{-0.25, -0.1}},
		{"NoSpectrum", "", [2]float64{-0.05, 0.05}, [2]float64{-0.05, 0.05}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := pullsQuiz(t, tt.spectrum)
			people := scoring.Simulate(q, n, 3)
			pulls := correlation(t, q, people, "cling", "withdraw")
			left := correlation(t, q, people, "balance", "cling")
			right := correlation(t, q, people, "balance", "withdraw")
			t.Logf("r(cling, withdraw) = %.3f, r(balance, cling) = %.3f, r(balance, withdraw) = %.3f", pulls, left, right)
			assert.GreaterOrEqual(t, pulls, tt.pulls[0])
			assert.LessOrEqual(t, pulls, tt.pulls[1])
			for _, r := range []float64{left, right} {
				assert.GreaterOrEqual(t, r, tt.balance[0])
				assert.LessOrEqual(t, r, tt.balance[1])
			}
		})
	}
}

// TestSimulate_Keyless checks that items keying no scale are answered at
// the bottom of the scale by most people, and never make a score NaN.
func TestSimulate_Keyless(t *testing.T) {
	q := loadSupportFlags(t)
	const n = 4000
	people := scoring.Simulate(q, n, 5)
	counts := map[string]map[int]int{}
	for _, a := range people {
		require.NoError(t, scoring.Check(q, a))
		out, err := scoring.Score(q, a)
		require.NoError(t, err)
		for _, s := range out.Scales {
			if s.Score != nil {
				require.False(t, math.IsNaN(*s.Score), s.Scale)
			}
		}
		for _, id := range []string{"sa1", "sa2", "sh1"} {
			if v, ok := a[id]; ok {
				if counts[id] == nil {
					counts[id] = map[int]int{}
				}
				counts[id][v]++
			}
		}
	}
	for _, id := range []string{"sa1", "sa2", "sh1"} {
		total := 0
		for _, c := range counts[id] {
			total += c
		}
		// 85% answer 1; the other 15% spread evenly over 2..5 (3.75% each).
		assert.InDelta(t, 0.85, float64(counts[id][1])/float64(total), 0.02, id)
		for v := 2; v <= 5; v++ {
			assert.InDelta(t, 0.0375, float64(counts[id][v])/float64(total), 0.01, "%s answered %d", id, v)
		}
	}
	assert.Equal(t, n, counts["sa1"][1]+counts["sa1"][2]+counts["sa1"][3]+counts["sa1"][4]+counts["sa1"][5],
		"a required keyless item is always answered")
}
