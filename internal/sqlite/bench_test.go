package sqlite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/quizzes"
)

// BenchmarkFindAttemptByToken reads an attempt of the shipped quiz as a
// page does: one unfinished with its first page answered, one completed
// with every answer and scale score.
func BenchmarkFindAttemptByToken(b *testing.B) {
	db, _ := mustOpen(b)
	ctx := context.Background()
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(b, err)
	q := qs[0]
	mustRecord(b, db, q)
	answers := scoring.Answers{}
	for i, it := range q.Items() {
		answers[it.ID] = 1 + i%5
	}
	first := q.Sections[0]
	var page []string
	for _, it := range first.Items {
		page = append(page, it.ID)
	}
	unfinished := tandem.HashToken(tandem.NewToken())
	a, err := db.CreateAttempt(ctx, q, unfinished)
	require.NoError(b, err)
	require.NoError(b, db.SaveAnswers(ctx, a.ID, page, answers))

	done := tandem.HashToken(tandem.NewToken())
	a, err = db.CreateAttempt(ctx, q, done)
	require.NoError(b, err)
	var all []string
	for _, it := range q.Items() {
		all = append(all, it.ID)
	}
	c, err := db.CompleteAttempt(ctx, a.ID, q, all, answers, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
	require.NoError(b, err)
	require.True(b, c.Done)

	for _, bm := range []struct {
		name  string
		token []byte
	}{{"unfinished", unfinished}, {"completed", done}} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.FindAttemptByToken(ctx, bm.token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
