package scoring

import (
	"hash/fnv"
	"time"
	"unicode"
	"unicode/utf8"

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
	// One pass over the quiz: the words read, and the answers a pattern
	// is read in, in quiz order.
	var pattern []answer
	words := 0
	for si := range q.Sections {
		items := q.Sections[si].Items
		for i := range items {
			v, ok := answers[items[i].ID]
			if !ok {
				continue
			}
			words += countWords(items[i].Text)
			if len(items[i].Keys) > 0 {
				pattern = append(pattern, answer{&items[i], v, signature(&items[i])})
			}
		}
	}
	var flags []Flag
	if straightLined(pattern) {
		flags = append(flags, FlagStraightLined)
	}
	if took > 0 && took < readingTime(words) {
		flags = append(flags, FlagTooFast)
	}
	if contradictory(q.Scale, pattern) {
		flags = append(flags, FlagContradictory)
	}
	return flags
}

// answer is an answered item with its answer and key signature.
type answer struct {
	item  *quiz.Item
	value int
	sig   uint64
}

// signature adds up a hash of each scale the item keys, signed by the
// key's direction, so that two items can mirror each other only when their
// signatures are opposite: most pairs are ruled out by one comparison.
func signature(it *quiz.Item) uint64 {
	var sig uint64
	for _, k := range it.Keys {
		h := fnv.New64a()
		h.Write([]byte(k.Scale))
		if k.Weight > 0 {
			sig += h.Sum64()
		} else {
			sig -= h.Sum64()
		}
	}
	return sig
}

// straightLined reports the same answer to every answered item that keys
// a scale, when there are enough of them to say so.
func straightLined(pattern []answer) bool {
	if len(pattern) < minItemsForPattern {
		return false
	}
	for _, a := range pattern[1:] {
		if a.value != pattern[0].value {
			return false
		}
	}
	return true
}

// MinReadingTime is the least time in which the answered items can be read
// at a fast reading speed.
func MinReadingTime(q *quiz.Quiz, answers Answers) time.Duration {
	words := 0
	for _, sec := range q.Sections {
		for _, it := range sec.Items {
			if _, ok := answers[it.ID]; ok {
				words += countWords(it.Text)
			}
		}
	}
	return readingTime(words)
}

func readingTime(words int) time.Duration {
	return time.Duration(float64(words) / fastWordsPerSecond * float64(time.Second))
}

// countWords counts the words of s as strings.Fields would, without
// making the list.
func countWords(s string) int {
	n, inWord := 0, false
	for i := 0; i < len(s); {
		var space bool
		if c := s[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !inWord {
			n++
		}
		inWord = !space
	}
	return n
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// contradictory looks at the reversed pairs of answered items: two items
// that key the same scales with opposite signs, so that they say the same
// thing in opposite directions. A consistent person answers such a pair as
// mirror images. A pair whose answers, once one is reversed, lie at least
// three quarters of the answer range apart ("strongly agree" to both, or
// "agree" to one and "strongly agree" to the other) contradicts itself.
func contradictory(scale quiz.AnswerScale, pattern []answer) bool {
	if len(pattern) < minItemsForPattern {
		return false
	}
	lo, hi := scale.Min, scale.Max
	pairs, against := 0, 0
	for i, a := range pattern {
		for _, b := range pattern[i+1:] {
			if a.sig != -b.sig || !mirrored(*a.item, *b.item) {
				continue
			}
			pairs++
			if gap := a.value - (lo + hi - b.value); 4*abs(gap) >= 3*(hi-lo) {
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
