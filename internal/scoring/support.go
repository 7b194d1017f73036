package scoring

import "github.com/tandem-app/tandem/internal/quiz"

// RaisedSupport returns the ids of the support flags of q that answers
// raise, in file order (quiz-format.md, "Support flags"). A flag is raised
// when any of its items has an answer of at least its Min, on the raw
// answer scale; an item left unanswered raises nothing. Answers are taken
// as given: Check them first.
//
// The result is never nil: with no flag raised it is empty, so that it
// encodes as [] in the JSON twin, as the specification asks.
func RaisedSupport(q *quiz.Quiz, answers Answers) []string {
	raised := make([]string, 0, len(q.Support))
	for _, f := range q.Support {
		for _, id := range f.Items {
			if r, ok := answers[id]; ok && r >= f.Min {
				raised = append(raised, f.ID)
				break
			}
		}
	}
	return raised
}
