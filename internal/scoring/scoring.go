// Package scoring turns answers into scale scores, a result and a place on
// the spectrum, exactly as quiz-format.md defines them. It is pure: no I/O,
// no clock, no randomness, so every number can be recomputed and explained.
package scoring

import (
	"errors"
	"fmt"
	"math"

	"github.com/tandem-app/tandem/internal/quiz"
)

// Answers maps item ids to the chosen answers.
type Answers map[string]int

// ScaleScore is one scale's score in an attempt.
type ScaleScore struct {
	Scale string
	// Score runs from 0 to 100; nil when fewer than half of the scale's
	// items (rounded up) were answered.
	Score    *float64
	Answered int // answered items keying the scale
	Items    int // all items keying the scale
}

// Outcome is everything an attempt's answers determine.
type Outcome struct {
	Scales []ScaleScore // in the quiz's order
	Result string       // id of the first result whose conditions hold
	// Position on the spectrum, 0 (left pole) to 100 (right pole); nil
	// when the quiz has no spectrum or either pole has no score.
	Position *float64
}

// ScoreOf returns the score of scale id, nil when it has none.
func (o Outcome) ScoreOf(id string) *float64 {
	for _, s := range o.Scales {
		if s.Scale == id {
			return s.Score
		}
	}
	return nil
}

// epsilon absorbs floating-point error in comparisons, so that a score or
// a reliable-change index that is exactly on a boundary in real numbers is
// treated as on it: weights such as 0.1 are not exact in binary.
const epsilon = 1e-9

// Errors of Check, for callers to tell a person's unfinished answers
// (ErrIncomplete) from answers that do not belong to this quiz at all
// (ErrMismatch: an unknown item or an answer out of range).
var (
	ErrIncomplete = errors.New("incomplete answers")
	ErrMismatch   = errors.New("answers that do not fit the quiz")
)

// Check reports why answers cannot be scored: an answer to an item the quiz
// does not have or outside the answer scale (ErrMismatch), or a required
// item left unanswered (ErrIncomplete). It returns nil when the answers are
// complete and valid. Errors name items, never answers.
func Check(q *quiz.Quiz, answers Answers) error {
	known := make(map[string]bool)
	for _, it := range q.Items() {
		known[it.ID] = true
	}
	for id, v := range answers {
		if !known[id] {
			return fmt.Errorf("%w: item %q is not in quiz %q", ErrMismatch, id, q.ID)
		}
		if !q.Scale.Contains(v) {
			return fmt.Errorf("%w: the answer to item %q is outside %d..%d", ErrMismatch, id, q.Scale.Min, q.Scale.Max)
		}
	}
	if missing := Missing(q.Items(), answers); len(missing) > 0 {
		return fmt.Errorf("%w: required item %q is not answered", ErrIncomplete, missing[0])
	}
	return nil
}

// Missing lists, in order, the required items among items that answers
// leaves unanswered: the one rule for "this still needs an answer", used
// for a page, for a whole quiz and for the store's completion alike.
func Missing(items []quiz.Item, answers Answers) []string {
	var missing []string
	for _, it := range items {
		if _, ok := answers[it.ID]; !ok && !it.Optional {
			missing = append(missing, it.ID)
		}
	}
	return missing
}

// Score computes the outcome of complete, valid answers. It returns the
// error of Check when they are not.
func Score(q *quiz.Quiz, answers Answers) (Outcome, error) {
	if err := Check(q, answers); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Scales: scaleScores(q, answers)}
	out.Result = matchResult(q.Results, out)
	if sp := q.Spectrum; sp != nil {
		out.Position = Position(out.ScoreOf(sp.Left), out.ScoreOf(sp.Right))
	}
	return out, nil
}

// scaleScores applies rules 1-3 of the spec to every scale.
func scaleScores(q *quiz.Quiz, answers Answers) []ScaleScore {
	lo, hi := float64(q.Scale.Min), float64(q.Scale.Max)
	type sums struct{ num, den float64 }
	acc := make(map[string]*sums, len(q.Scales))
	scores := make([]ScaleScore, len(q.Scales))
	index := make(map[string]int, len(q.Scales))
	for i, s := range q.Scales {
		scores[i].Scale = s.ID
		index[s.ID] = i
		acc[s.ID] = &sums{}
	}
	for _, it := range q.Items() {
		r, answered := answers[it.ID]
		for _, k := range it.Keys {
			i := index[k.Scale]
			scores[i].Items++
			if !answered {
				continue
			}
			scores[i].Answered++
			v := float64(r)
			if k.Weight < 0 {
				v = lo + hi - v
			}
			w := math.Abs(k.Weight)
			acc[k.Scale].num += w * (v - lo)
			acc[k.Scale].den += w * (hi - lo)
		}
	}
	for i := range scores {
		s := &scores[i]
		if s.Answered == 0 || s.Answered < (s.Items+1)/2 {
			continue
		}
		a := acc[s.Scale]
		// Divide first: num <= den, so the ratio is at most 1 and exactly
		// 1 when every answer is at the keyed end, which keeps the score
		// within 0..100. (100*num)/den can round to 100.00000000000001.
		score := 100 * (a.num / a.den)
		s.Score = &score
	}
	return scores
}

// matchResult returns the first result whose conditions all hold; the last
// result, which has none, always does.
func matchResult(results []quiz.Result, out Outcome) string {
	for _, r := range results {
		if holds(r.When, out) {
			return r.ID
		}
	}
	return "" // unreachable for a loaded quiz: its last result has no conditions
}

func holds(conds []quiz.Condition, out Outcome) bool {
	for _, c := range conds {
		if !Holds(c, out.ScoreOf(c.Scale)) {
			return false
		}
	}
	return true
}

// Holds reports whether a condition holds for a score: min <= score < max,
// or min <= score <= 100 when the condition gives no max. A missing score
// never satisfies a condition.
func Holds(c quiz.Condition, score *float64) bool {
	if score == nil {
		return false
	}
	s := *score
	if s < c.Min-epsilon {
		return false
	}
	if c.MaxGiven {
		return s < c.Max-epsilon
	}
	return s <= 100+epsilon
}

// Position places an attempt on the spectrum between the left and right
// poles' scores: 50 + (right - left) / 2. It is nil when either is nil.
func Position(left, right *float64) *float64 {
	if left == nil || right == nil {
		return nil
	}
	p := 50 + (*right-*left)/2
	return &p
}

// ReliableThreshold is the |RC| from which a change counts as reliable:
// the two-tailed 95% point of the normal distribution.
const ReliableThreshold = 1.96

// Change compares one scale's scores in two attempts.
type Change struct {
	Diff float64 // after - before, in points
	// RC is the reliable change index (Jacobson & Truax, 1991); it is
	// meaningful only when HasNorms.
	RC       float64
	HasNorms bool
	// Reliable is true when |RC| >= 1.96: the change is larger than
	// measurement error alone would plausibly produce.
	Reliable bool
}

// ReliableChange compares before and after on a scale with the given norms,
// which may be nil: then no reliability claim is made.
func ReliableChange(norms *quiz.Norms, before, after float64) Change {
	c := Change{Diff: after - before}
	if norms == nil {
		return c
	}
	sem := norms.SD * math.Sqrt(1-norms.Reliability)
	sdiff := math.Sqrt2 * sem
	c.HasNorms = true
	c.RC = c.Diff / sdiff
	c.Reliable = math.Abs(c.RC) >= ReliableThreshold-epsilon
	return c
}
