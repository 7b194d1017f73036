package scoring_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/quizzes"
)

// BenchmarkScore scores a complete attempt of the first shipped quiz.
func BenchmarkScore(b *testing.B) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(b, err)
	q := qs[0]
	answers := scoring.Answers{}
	span := q.Scale.Max - q.Scale.Min + 1
	for i, it := range q.Items() {
		answers[it.ID] = q.Scale.Min + i%span
	}
	out, err := scoring.Score(q, answers)
	require.NoError(b, err)
	require.NotEmpty(b, out.Result)

	b.ReportAllocs()
	for b.Loop() {
		if _, err := scoring.Score(q, answers); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidity reads the validity flags of a complete attempt of the
// first shipped quiz, as every result, history and compare page does.
func BenchmarkValidity(b *testing.B) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(b, err)
	q := qs[0]
	answers := scoring.Answers{}
	span := q.Scale.Max - q.Scale.Min + 1
	for i, it := range q.Items() {
		answers[it.ID] = q.Scale.Min + i%span
	}
	b.ReportAllocs()
	for b.Loop() {
		scoring.Validity(q, answers, time.Minute)
	}
}
