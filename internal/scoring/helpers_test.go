package scoring_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
)

// delta is the tolerance for comparing scores with hand-computed values:
// far below anything a person could see, far above rounding error.
const delta = 1e-9

// newQuiz builds a quiz in memory, bypassing the loader, so that a test
// states exactly the items and keys it needs. It has one section and only
// a fallback result; tests add results and a spectrum when they need them.
func newQuiz(lo, hi int, scales []string, items ...quiz.Item) *quiz.Quiz {
	labels := make([]string, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		labels = append(labels, strconv.Itoa(v))
	}
	q := &quiz.Quiz{
		ID: "test", Version: 1, Title: "Test", Language: "en",
		Scale: quiz.AnswerScale{Min: lo, Max: hi, Labels: labels},
	}
	for _, id := range scales {
		q.Scales = append(q.Scales, quiz.Scale{ID: id, Name: id})
	}
	q.Sections = []quiz.Section{{ID: "all", Title: "All", Items: items}}
	q.Results = []quiz.Result{fallback()}
	return q
}

func item(id string, keys ...quiz.Key) quiz.Item {
	return quiz.Item{ID: id, Text: id, Keys: keys}
}

func optional(id string, keys ...quiz.Key) quiz.Item {
	it := item(id, keys...)
	it.Optional = true
	return it
}

func key(scale string, weight float64) quiz.Key {
	return quiz.Key{Scale: scale, Weight: weight}
}

// atLeast, below and between build conditions the way the loader does:
// a missing min is 0, a missing max is 100 with MaxGiven false.
func atLeast(scale string, min float64) quiz.Condition {
	return quiz.Condition{Scale: scale, Min: min, Max: 100}
}

func below(scale string, max float64) quiz.Condition {
	return quiz.Condition{Scale: scale, Max: max, MaxGiven: true}
}

func between(scale string, min, max float64) quiz.Condition {
	return quiz.Condition{Scale: scale, Min: min, Max: max, MaxGiven: true}
}

func result(id string, when ...quiz.Condition) quiz.Result {
	return quiz.Result{ID: id, Title: id, Summary: id, When: when}
}

func fallback() quiz.Result {
	return quiz.Result{ID: "fallback", Title: "Fallback", Summary: "Fallback"}
}

func ptr(f float64) *float64 { return &f }

// assertScore compares a score that may be nil with the expected one.
func assertScore(tb testing.TB, want, got *float64, msgAndArgs ...any) bool {
	tb.Helper()
	if want == nil {
		return assert.Nil(tb, got, msgAndArgs...)
	}
	if !assert.NotNil(tb, got, msgAndArgs...) {
		return false
	}
	return assert.InDelta(tb, *want, *got, delta, msgAndArgs...)
}

// weightedSleepPath is the fixture quiz with uneven weights, relative to
// this package's folder, where go test runs.
var weightedSleepPath = filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml")

// loadWeightedSleep parses the fixture quiz through the real loader.
func loadWeightedSleep(tb testing.TB) *quiz.Quiz {
	tb.Helper()
	data, err := os.ReadFile(weightedSleepPath)
	require.NoError(tb, err)
	q, err := quiz.Parse("weighted-sleep.yaml", data)
	require.NoError(tb, err)
	return q
}
