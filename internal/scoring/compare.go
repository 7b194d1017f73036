package scoring

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/tandem-app/tandem/internal/quiz"
)

// Attempt is one scored attempt as Compare needs it.
type Attempt struct {
	Quiz    *quiz.Quiz // the quiz file it was scored with (versions may differ)
	Outcome Outcome
	Answers Answers
}

// ScaleChange compares one scale present in both attempts.
type ScaleChange struct {
	Scale  string   // scale id
	Before *float64 // nil when the earlier attempt has no score on it
	After  *float64
	// Change is set only when both scores exist. Its RC and Reliable use the
	// norms of the later attempt's quiz for this scale; without norms, or
	// when the two files key the scale with other items, HasNorms is false.
	Change *Change
}

// ItemMove is an item answered in both attempts whose answer changed; only
// items that key a scale are listed.
type ItemMove struct {
	Item          string // item id
	Before, After int    // the answers as given (not keyed)
	// Shift is After - Before rescaled to the later quiz's answer range, in points
	// of 0..100 (so 1 -> 5 on a 1..5 scale is 100), for sorting across scales.
	Shift float64
}

// Comparison is everything the compare page shows about two attempts.
type Comparison struct {
	Scales []ScaleChange // scales both quizzes have, in the later quiz's order
	// Dropped lists scale ids only one of the two quizzes has (earlier-only
	// first, then later-only), so the page can say they are not compared.
	Dropped     []string
	SameVersion bool // both attempts were scored with the same quiz id and version
	// Moves are the items answered in both whose answer changed, largest
	// |Shift| first, ties in the later quiz's item order; at most top.
	Moves []ItemMove
	// Shared counts the items that key a scale, that both quizzes have and
	// both attempts answered: when it is 0 (two versions with no statement
	// in common) no answer can be said to have moved or stayed.
	Shared int
}

// Compare compares an earlier attempt with a later one of the same quiz id.
// It panics if the quiz ids differ (a caller bug). Moves holds at most top
// items; top <= 0 gives none.
//
// Scores and answers are read, never recomputed: each attempt stays as it
// was scored with its own quiz file, and only what both files share is set
// side by side. Where the two files disagree (norms, answer range) the later
// one wins, because it is the version the person now reads.
func Compare(before, after Attempt, top int) Comparison {
	bq, aq := before.Quiz, after.Quiz
	if bq.ID != aq.ID {
		panic(fmt.Sprintf("scoring.Compare: quiz %q compared with quiz %q", bq.ID, aq.ID))
	}
	moves, shared := itemMoves(before, after, top)
	return Comparison{
		Scales:      compareScales(before, after),
		Dropped:     droppedScales(bq, aq),
		SameVersion: bq.Version == aq.Version,
		Moves:       moves,
		Shared:      shared,
	}
}

// compareScales pairs the scores of the scales both quizzes declare. A
// change is judged against norms only when the scale asks the same
// questions in both files: the reliable change index holds between two
// takes of one measure, and two versions' scales may share a name and
// little else.
func compareScales(before, after Attempt) []ScaleChange {
	var changes []ScaleChange
	for _, s := range after.Quiz.Scales {
		if _, ok := before.Quiz.ScaleByID(s.ID); !ok {
			continue
		}
		// Copies, so that a caller changing the comparison cannot change
		// the outcomes it came from.
		c := ScaleChange{
			Scale:  s.ID,
			Before: clone(before.Outcome.ScoreOf(s.ID)),
			After:  clone(after.Outcome.ScoreOf(s.ID)),
		}
		if c.Before != nil && c.After != nil {
			norms := s.Norms
			if !sameQuestions(before.Quiz, after.Quiz, s.ID) {
				norms = nil
			}
			ch := ReliableChange(norms, *c.Before, *c.After)
			c.Change = &ch
		}
		changes = append(changes, c)
	}
	return changes
}

// sameQuestions reports whether a scale is measured alike in both quizzes:
// the same items, in the same words, keying it with the same weights, on
// the same answer range.
func sameQuestions(bq, aq *quiz.Quiz, scale string) bool {
	if bq == aq {
		return true
	}
	if bq.Scale.Min != aq.Scale.Min || bq.Scale.Max != aq.Scale.Max {
		return false
	}
	return maps.Equal(keyingOf(bq, scale), keyingOf(aq, scale))
}

// keyed is how one item keys a scale.
type keyed struct {
	text   string
	weight float64
}

// keyingOf is, by item id, each item that keys scale in q.
func keyingOf(q *quiz.Quiz, scale string) map[string]keyed {
	m := map[string]keyed{}
	for _, sec := range q.Sections {
		for _, it := range sec.Items {
			for _, k := range it.Keys {
				if k.Scale == scale {
					m[it.ID] = keyed{it.Text, k.Weight}
				}
			}
		}
	}
	return m
}

// droppedScales lists the scales only one quiz declares: the earlier
// quiz's first, in its order, then the later quiz's, in its order.
func droppedScales(bq, aq *quiz.Quiz) []string {
	var dropped []string
	for _, s := range bq.Scales {
		if _, ok := aq.ScaleByID(s.ID); !ok {
			dropped = append(dropped, s.ID)
		}
	}
	for _, s := range aq.Scales {
		if _, ok := bq.ScaleByID(s.ID); !ok {
			dropped = append(dropped, s.ID)
		}
	}
	return dropped
}

// itemMoves lists the changed answers to items both quizzes have, the
// largest shifts first, and counts the items answered in both.
func itemMoves(before, after Attempt, top int) ([]ItemMove, int) {
	inBefore := make(map[string]bool)
	for _, it := range before.Quiz.Items() {
		inBefore[it.ID] = true
	}
	rng := after.Quiz.Scale
	var moves []ItemMove
	shared := 0
	for _, it := range after.Quiz.Items() {
		// An item that keys no scale (a support flag's question) moved
		// no score, and its answer is not for a list of what changed.
		if !inBefore[it.ID] || len(it.Keys) == 0 {
			continue
		}
		b, okB := before.Answers[it.ID]
		a, okA := after.Answers[it.ID]
		// An answer outside the later range (say 0 after the range moved
		// from 0..4 to 1..5) has no place on the later scale, so its shift
		// would mean nothing.
		if !okB || !okA || !rng.Contains(b) || !rng.Contains(a) {
			continue
		}
		shared++
		if a == b {
			continue
		}
		moves = append(moves, ItemMove{
			Item:   it.ID,
			Before: b,
			After:  a,
			Shift:  100 * float64(a-b) / float64(rng.Max-rng.Min),
		})
	}
	// Stable, so that equal shifts keep the later quiz's item order. Equal
	// steps on one range give bit-identical shifts, so ties are exact.
	slices.SortStableFunc(moves, func(x, y ItemMove) int {
		return cmp.Compare(math.Abs(y.Shift), math.Abs(x.Shift))
	})
	if len(moves) > max(top, 0) {
		moves = moves[:max(top, 0)]
	}
	return moves, shared
}

func clone(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}
