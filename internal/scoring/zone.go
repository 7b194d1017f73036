package scoring

import "github.com/tandem-app/tandem/internal/quiz"

// Zone says which of the spectrum's two pulls are strong (quiz-format.md,
// scoring rule 5b). A position alone cannot tell "both pulls mild" from
// "both pulls strong": both land near 50, and the zone tells them apart.
//
// A zone is always derived from the scores and the quiz file, never
// stored: an attempt scored before zones existed gets one from its file,
// with the default cut when the file gives none.
type Zone string

// The zones. A pull is strong when its pole's score is at least the
// spectrum's cut.
const (
	// ZoneNone: the quiz has no spectrum, or either pole has no score.
	ZoneNone Zone = ""
	// ZoneMiddle: neither pull is strong; the balanced middle.
	ZoneMiddle Zone = "middle"
	// ZoneLeft: only the left pole's pull is strong.
	ZoneLeft Zone = "left"
	// ZoneRight: only the right pole's pull is strong.
	ZoneRight Zone = "right"
	// ZoneBoth: both pulls are strong. The picture must show two strong
	// pulls, never one calm dot in the middle.
	ZoneBoth Zone = "both"
)

// ZoneOf returns the zone of an outcome on q's spectrum, ZoneNone when q
// has no spectrum or either pole has no score.
func ZoneOf(q *quiz.Quiz, out Outcome) Zone {
	sp := q.Spectrum
	if sp == nil {
		return ZoneNone
	}
	return SpectrumZone(*sp, out.ScoreOf(sp.Left), out.ScoreOf(sp.Right))
}

// SpectrumZone returns the zone of the left and right poles' scores on sp,
// ZoneNone when either is nil. A score counts as strong when it is at
// least sp.StrongFrom(), with the tolerance Holds uses for a condition's
// min, so a score that equals the cut in real numbers is strong.
func SpectrumZone(sp quiz.Spectrum, left, right *float64) Zone {
	if left == nil || right == nil {
		return ZoneNone
	}
	cut := sp.StrongFrom()
	l, r := *left >= cut-epsilon, *right >= cut-epsilon
	switch {
	case l && r:
		return ZoneBoth
	case l:
		return ZoneLeft
	case r:
		return ZoneRight
	}
	return ZoneMiddle
}
