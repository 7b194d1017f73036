package views

import (
	"context"
	"math"
	"strconv"
)

// length says how long a quiz is: questions, and minutes when known.
func length(ctx context.Context, q QuizCard) string {
	items := N(ctx, "quiz.items", q.Items)
	if q.Minutes == 0 {
		return items
	}
	return T(ctx, "quiz.length", "Items", items, "Minutes", N(ctx, "quiz.minutes", q.Minutes))
}

func itoa(n int) string { return strconv.Itoa(n) }

// whole rounds a score for display; the spec stores scores unrounded and
// shows them as whole numbers.
func whole(f float64) int { return int(math.Round(f)) }

// coord formats an SVG coordinate compactly.
func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
