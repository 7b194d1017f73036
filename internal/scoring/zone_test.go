package scoring_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

func TestSpectrumZone(t *testing.T) {
	tests := []struct {
		name        string
		cut         float64 // 0: as a Spectrum built without one
		left, right *float64
		want        scoring.Zone
	}{
		// The default cut, 50.
		{"DefaultBothAtCut", 0, ptr(50), ptr(50), scoring.ZoneBoth},
		{"DefaultLeftOnly", 0, ptr(50), ptr(49.99), scoring.ZoneLeft},
		{"DefaultRightOnly", 0, ptr(49.99), ptr(50), scoring.ZoneRight},
		{"DefaultMiddle", 0, ptr(49.99), ptr(49.99), scoring.ZoneMiddle},
		{"DefaultBothLow", 0, ptr(0), ptr(0), scoring.ZoneMiddle},
		{"DefaultBothHigh", 0, ptr(100), ptr(100), scoring.ZoneBoth},
		{"Cut50SameAsDefault", 50, ptr(50), ptr(49.99), scoring.ZoneLeft},
		// Within the tolerance below the cut is on it; beyond, it is not.
		{"EpsilonBelowIsStrong", 50, ptr(50 - 1e-10), ptr(10), scoring.ZoneLeft},
		{"BeyondEpsilonIsNot", 50, ptr(50 - 1e-8), ptr(10), scoring.ZoneMiddle},
		{"EpsilonBelowRight", 50, ptr(10), ptr(50 - 1e-10), scoring.ZoneRight},
		// Other cuts.
		{"Cut62.5AtCut", 62.5, ptr(62.5), ptr(62.4), scoring.ZoneLeft},
		{"Cut62.5Below", 62.5, ptr(62.4), ptr(62.4), scoring.ZoneMiddle},
		{"Cut62.5Above", 62.5, ptr(80), ptr(90), scoring.ZoneBoth},
		{"Cut62.5FiftyIsMild", 62.5, ptr(50), ptr(50), scoring.ZoneMiddle},
		{"Cut30FiftyIsStrong", 30, ptr(50), ptr(50), scoring.ZoneBoth},
		{"CutSmall", 0.5, ptr(0.5), ptr(0), scoring.ZoneLeft},
		{"CutLarge", 99.9, ptr(100), ptr(99.8), scoring.ZoneLeft},
		// No zone without both scores.
		{"LeftNull", 50, nil, ptr(80), scoring.ZoneNone},
		{"RightNull", 50, ptr(80), nil, scoring.ZoneNone},
		{"BothNull", 50, nil, nil, scoring.ZoneNone},
		{"DefaultLeftNull", 0, nil, ptr(0), scoring.ZoneNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := quiz.Spectrum{Left: "l", Right: "r", Cut: tt.cut}
			assert.Equal(t, tt.want, scoring.SpectrumZone(sp, tt.left, tt.right))
		})
	}
}

// TestZone_Values pins the zones' names: the JSON twin shows them.
func TestZone_Values(t *testing.T) {
	assert.Equal(t, []string{"", "middle", "left", "right", "both"}, []string{
		string(scoring.ZoneNone), string(scoring.ZoneMiddle), string(scoring.ZoneLeft),
		string(scoring.ZoneRight), string(scoring.ZoneBoth),
	})
}

// zoneQuiz has a spectrum from "pull" (left, items a and b with weights
// 0.3 and 0.7, which are not exact in binary) to "push" (right, item c,
// optional so that the pole can have no score), on 0..4.
const zoneQuiz = `id: z
version: 1
title: Z
scale: {min: 0, max: 4, labels: [0, 1, 2, 3, 4]}
scales: [{id: pull, name: Pull}, {id: push, name: Push}]
sections:
  - id: s
    title: S
    items:
      - {id: a, text: A., keys: {pull: 0.3}}
      - {id: b, text: B., keys: {pull: 0.7}}
      - {id: c, text: C., keys: {push: 1}, optional: true}
results: [{id: r, title: R, summary: S.}]
`

func TestZoneOf(t *testing.T) {
	load := func(t *testing.T, spectrum string) *quiz.Quiz {
		t.Helper()
		q, err := quiz.Parse("z.yaml", []byte(zoneQuiz+spectrum))
		require.NoError(t, err)
		return q
	}
	// pull: (0.3*1 + 0.7*3) / (0.3*4 + 0.7*4) * 100 = 60 in real numbers,
	// 59.999999999999986 in float64. push: c * 25.
	out, err := scoring.Score(load(t, ""), scoring.Answers{"a": 1, "b": 3})
	require.NoError(t, err)
	require.NotNil(t, out.ScoreOf("pull"))
	require.Less(t, *out.ScoreOf("pull"), 60.0, "below the cut in float64: only the tolerance makes it strong")
	tests := []struct {
		name     string
		spectrum string
		answers  scoring.Answers
		want     scoring.Zone
	}{
		{"InexactScoreOnCut", "spectrum: {left: pull, right: push, cut: 60}\n",
			scoring.Answers{"a": 1, "b": 3, "c": 0}, scoring.ZoneLeft},
		{"InexactBothOnCut", "spectrum: {left: pull, right: push, cut: 60}\n",
			scoring.Answers{"a": 1, "b": 3, "c": 4}, scoring.ZoneBoth},
		{"AboveHigherCut", "spectrum: {left: pull, right: push, cut: 75}\n",
			scoring.Answers{"a": 1, "b": 3, "c": 3}, scoring.ZoneRight}, // 60 and 75
		{"DefaultCut", "spectrum: {left: pull, right: push}\n",
			scoring.Answers{"a": 1, "b": 3, "c": 2}, scoring.ZoneBoth}, // 60 and 50
		{"DefaultCutMiddle", "spectrum: {left: pull, right: push}\n",
			scoring.Answers{"a": 1, "b": 1, "c": 1}, scoring.ZoneMiddle}, // 25 and 25
		{"PoleWithoutScore", "spectrum: {left: pull, right: push}\n",
			scoring.Answers{"a": 4, "b": 4}, scoring.ZoneNone},
		{"NoSpectrum", "", scoring.Answers{"a": 4, "b": 4, "c": 4}, scoring.ZoneNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := load(t, tt.spectrum)
			out, err := scoring.Score(q, tt.answers)
			require.NoError(t, err)
			assert.Equal(t, tt.want, scoring.ZoneOf(q, out))
		})
	}
}

// TestOutcome_HasNoZone guards a decision: the zone is derived from the
// scores and the file, never stored, so attempts stored before zones
// existed get one too. Outcome is what the database keeps.
func TestOutcome_HasNoZone(t *testing.T) {
	typ := reflect.TypeFor[scoring.Outcome]()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Name)
	}
	assert.Equal(t, []string{"Scales", "Result", "Position"}, fields)
}
