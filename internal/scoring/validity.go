package scoring

import (
	"strings"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
)

// Flag marks an attempt to be read with care. Flags are hints, never
// verdicts: a person may truly agree with everything.
type Flag string

const (
	// FlagStraightLined: the same answer to every item.
	FlagStraightLined Flag = "straight-lined"
	// FlagTooFast: finished faster than the items can be read.
	FlagTooFast Flag = "too-fast"
	// FlagContradictory: many answers disagree with their reversed twins.
	FlagContradictory Flag = "contradictory"
)

// The thresholds are deliberately lenient: a flag that fires on honest
// answers does more harm than one that misses careless ones.
const (
	// minItemsForPattern is how many answers a pattern needs before it
	// says anything: with fewer, the same answer everywhere is plausible.
	minItemsForPattern = 8
	// fastWordsPerSecond is a fast reading speed (about 400 words a
	// minute); answering faster than this cannot include reading.
	fastWordsPerSecond = 400.0 / 60
	// contradictionShare is the share of reverse-keyed pairs answered
	// against each other from which an attempt is flagged, and
	// minContradictions the least number of such pairs.
	contradictionShare = 0.25
	minContradictions  = 3
)

// Validity returns the flags that apply to an attempt's answers, given how
// long it took from start to finish, in a fixed order.
//
// The response patterns (straight-lining, contradictions) are read only in
// the answers to items that key a scale: an item that only raises a
// support flag asks about something else, such as safety, and its answer
// is no part of how the person answered the questionnaire. Reading time
// counts every answered item, since every one of them was read.
func Validity(q *quiz.Quiz, answers Answers, took time.Duration) []Flag {
	var flags []Flag
	if straightLined(q, answers) {
		flags = append(flags, FlagStraightLined)
	}
	if took > 0 && took < MinReadingTime(q, answers) {
		flags = append(flags, FlagTooFast)
	}
	if contradictory(q, answers) {
		flags = append(flags, FlagContradictory)
	}
	return flags
}

// straightLined reports the same answer to every answered item that keys
// a scale, when there are enough of them to say so.
func straightLined(q *quiz.Quiz, answers Answers) bool {
	n := 0
	var same int
	for _, it := range q.Items() {
		v, ok := answers[it.ID]
		if !ok || len(it.Keys) == 0 {
			continue
		}
		if n > 0 && v != same {
			return false
		}
		same = v
		n++
	}
	return n >= minItemsForPattern
}

// patternItems counts the answered items that key a scale: the answers a
// response pattern is read in.
func patternItems(q *quiz.Quiz, answers Answers) int {
	n := 0
	for _, it := range q.Items() {
		if _, ok := answers[it.ID]; ok && len(it.Keys) > 0 {
			n++
		}
	}
	return n
}

// MinReadingTime is the least time in which the answered items can be read
// at a fast reading speed.
func MinReadingTime(q *quiz.Quiz, answers Answers) time.Duration {
	words := 0
	for _, it := range q.Items() {
		if _, ok := answers[it.ID]; ok {
			words += len(strings.Fields(it.Text))
		}
	}
	return time.Duration(float64(words) / fastWordsPerSecond * float64(time.Second))
}

// contradictory looks at the reversed pairs of answered items: two items
// that key the same scales with opposite signs, so that they say the same
// thing in opposite directions. A consistent person answers such a pair as
// mirror images. A pair whose answers, once one is reversed, lie at least
// three quarters of the answer range apart ("strongly agree" to both, or
// "agree" to one and "strongly agree" to the other) contradicts itself.
func contradictory(q *quiz.Quiz, answers Answers) bool {
	if patternItems(q, answers) < minItemsForPattern {
		return false
	}
	lo, hi := q.Scale.Min, q.Scale.Max
	items := q.Items()
	pairs, against := 0, 0
	for i, a := range items {
		ra, ok := answers[a.ID]
		if !ok {
			continue
		}
		for _, b := range items[i+1:] {
			rb, ok := answers[b.ID]
			if !ok || !mirrored(a, b) {
				continue
			}
			pairs++
			if gap := ra - (lo + hi - rb); 4*abs(gap) >= 3*(hi-lo) {
				against++
			}
		}
	}
	return against >= minContradictions && float64(against) >= contradictionShare*float64(pairs)
}

// mirrored reports whether a and b key exactly the same scales, each with
// the opposite sign. Two items that key nothing mirror nothing: they are
// not a pair, though "every key of a has its opposite in b" holds for them
// vacuously.
func mirrored(a, b quiz.Item) bool {
	if len(a.Keys) == 0 || len(a.Keys) != len(b.Keys) {
		return false
	}
	for _, ka := range a.Keys {
		found := false
		for _, kb := range b.Keys {
			if ka.Scale == kb.Scale && (ka.Weight > 0) != (kb.Weight > 0) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
