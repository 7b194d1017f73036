package scoring_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// TestCompare_MovesLeaveOutSupportItems: an item that keys nothing (a
// support flag's question) is never listed among the answers that moved,
// however far it moved.
func TestCompare_MovesLeaveOutSupportItems(t *testing.T) {
	q := newQuiz(1, 5, []string{"s"}, item("a", key("s", 1)), quiz.Item{ID: "safe", Text: "safe", Optional: true})
	before := scoring.Attempt{Quiz: q, Answers: scoring.Answers{"a": 2, "safe": 1}}
	after := scoring.Attempt{Quiz: q, Answers: scoring.Answers{"a": 3, "safe": 5}}
	c := scoring.Compare(before, after, 5)
	var moved []string
	for _, m := range c.Moves {
		moved = append(moved, m.Item)
	}
	assert.Equal(t, []string{"a"}, moved)
}

// TestCompare_Shared counts the scored items both attempts answered, moved
// or not: two versions without a statement in common share none.
func TestCompare_Shared(t *testing.T) {
	q := newQuiz(1, 5, []string{"s"}, item("a", key("s", 1)), item("b", key("s", 1)), quiz.Item{ID: "safe", Text: "safe", Optional: true})
	other := newQuiz(1, 5, []string{"s"}, item("c", key("s", 1)))
	before := scoring.Attempt{Quiz: q, Answers: scoring.Answers{"a": 2, "b": 4, "safe": 1}}
	after := scoring.Attempt{Quiz: q, Answers: scoring.Answers{"a": 3, "b": 4, "safe": 5}}
	assert.Equal(t, 2, scoring.Compare(before, after, 5).Shared, "a moved, b stayed; the safety item does not count")
	assert.Equal(t, 2, scoring.Compare(before, after, 0).Shared, "counted even when no move is listed")
	assert.Equal(t, 0, scoring.Compare(before, scoring.Attempt{Quiz: other, Answers: scoring.Answers{"c": 1}}, 5).Shared)
}
