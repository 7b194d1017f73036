package quizzes_test

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/quizzes"
)

// The rules in this file are the ones the shipped questionnaire promises:
// counts and keying that balance agreeing with everything, a short form
// made of the long form's items, results that each lie in one zone, and
// plain reading.

const (
	longID  = "relationship-spectrum"
	shortID = "relationship-spectrum-short"
	// maxMeanGrade is the highest mean Flesch-Kincaid grade allowed over a
	// file's scored items.
	maxMeanGrade = 7.0
)

// mainScales are the three scales every result is decided by; the other
// scales of the long form are its seven areas.
var mainScales = []string{"codependence", "independence", "interdependence"}

// shipped loads the shipped quiz files as the server does and returns the
// long and the short form.
func shipped(tb testing.TB) (long, short *quiz.Quiz) {
	tb.Helper()
	qs, err := quiz.LoadFS(quizzes.FS, ".")
	require.NoError(tb, err)
	for _, q := range qs {
		switch q.ID {
		case longID:
			long = q
		case shortID:
			short = q
		}
	}
	require.NotNil(tb, long, "no %s among the shipped quizzes", longID)
	require.NotNil(tb, short, "no %s among the shipped quizzes", shortID)
	return long, short
}

// keying returns the ids of the items that key scale forward (weight > 0)
// and in reverse (weight < 0), in quiz order.
func keying(q *quiz.Quiz, scale string) (forward, reverse []string) {
	for _, it := range q.Items() {
		for _, k := range it.Keys {
			if k.Scale != scale {
				continue
			}
			if k.Weight > 0 {
				forward = append(forward, it.ID)
			} else {
				reverse = append(reverse, it.ID)
			}
		}
	}
	return forward, reverse
}

// scored returns the items that key at least one scale.
func scored(q *quiz.Quiz) []quiz.Item {
	var items []quiz.Item
	for _, it := range q.Items() {
		if len(it.Keys) > 0 {
			items = append(items, it)
		}
	}
	return items
}

func isMain(scale string) bool { return slices.Contains(mainScales, scale) }

func TestShipped_MainScaleKeying(t *testing.T) {
	long, short := shipped(t)
	for _, scale := range mainScales {
		t.Run(scale, func(t *testing.T) {
			f, r := keying(long, scale)
			assert.GreaterOrEqual(t, len(f)+len(r), 12, "long form: %s is keyed by %d items", scale, len(f)+len(r))
			assert.LessOrEqual(t, abs(len(f)-len(r)), 1,
				"long form: %s has %d forward and %d reverse items", scale, len(f), len(r))

			f, r = keying(short, scale)
			assert.Len(t, f, 2, "short form: forward items of %s: %v", scale, f)
			assert.Len(t, r, 2, "short form: reverse items of %s: %v", scale, r)
		})
	}
}

func TestShipped_WeightsAreOne(t *testing.T) {
	long, short := shipped(t)
	for _, q := range []*quiz.Quiz{long, short} {
		for _, it := range q.Items() {
			for _, k := range it.Keys {
				assert.Equal(t, 1.0, math.Abs(k.Weight), "%s: %s keys %s with %v", q.ID, it.ID, k.Scale, k.Weight)
			}
		}
	}
}

func TestShipped_EveryScoredItemKeysOneMainScale(t *testing.T) {
	long, short := shipped(t)
	for _, q := range []*quiz.Quiz{long, short} {
		items := scored(q)
		require.NotEmpty(t, items)
		for _, it := range items {
			var mains []string
			for _, k := range it.Keys {
				if isMain(k.Scale) {
					mains = append(mains, k.Scale)
				}
			}
			assert.Len(t, mains, 1, "%s: %s keys the main scales %v", q.ID, it.ID, mains)
		}
	}
}

func TestShipped_AreasKeyedBothWays(t *testing.T) {
	long, _ := shipped(t)
	areas := 0
	for _, s := range long.Scales {
		if isMain(s.ID) {
			continue
		}
		areas++
		f, r := keying(long, s.ID)
		assert.NotEmpty(t, f, "area %s has no forward item", s.ID)
		assert.NotEmpty(t, r, "area %s has no reverse item", s.ID)
	}
	assert.Equal(t, 7, areas)
}

func TestShortForm_ItemsAreLongFormItems(t *testing.T) {
	long, short := shipped(t)
	byID := map[string]quiz.Item{}
	for _, it := range long.Items() {
		byID[it.ID] = it
	}
	mainKeys := func(it quiz.Item) map[string]float64 {
		m := map[string]float64{}
		for _, k := range it.Keys {
			if isMain(k.Scale) {
				m[k.Scale] = k.Weight
			}
		}
		return m
	}
	assert.Len(t, scored(short), 12)
	for _, it := range short.Items() {
		l, ok := byID[it.ID]
		if !assert.True(t, ok, "short-form item %s is not in the long form", it.ID) {
			continue
		}
		assert.Equal(t, l.Text, it.Text, it.ID)
		assert.Equal(t, mainKeys(l), mainKeys(it), "main-scale keys of %s", it.ID)
		assert.Len(t, it.Keys, len(mainKeys(it)), "%s keys a scale other than a main one", it.ID)
		assert.Equal(t, l.Optional, it.Optional, it.ID)
	}
}

func TestShortForm_SameResultsSpectrumAndSupport(t *testing.T) {
	long, short := shipped(t)
	assert.Equal(t, long.Results, short.Results, "results: ids, conditions and texts")
	require.NotNil(t, long.Spectrum)
	require.NotNil(t, short.Spectrum)
	assert.Equal(t, *long.Spectrum, *short.Spectrum, "spectrum, with its cut")
	assert.Equal(t, long.Map, short.Map)
	assert.Equal(t, long.Support, short.Support, "support flags, their items, thresholds and resources")
	assert.NotEmpty(t, long.Support)
}

// resultZone returns the zone that a non-fallback result's conditions put
// it in, and fails unless they name both pulls, each with the spectrum's
// cut: "min: cut" (strong) or "max: cut" (not strong), nothing else.
func resultZone(t *testing.T, sp quiz.Spectrum, r quiz.Result) scoring.Zone {
	t.Helper()
	strong := map[string]*bool{}
	for _, c := range r.When {
		if c.Scale != sp.Left && c.Scale != sp.Right {
			continue
		}
		require.Nil(t, strong[c.Scale], "%s names %s twice", r.ID, c.Scale)
		var s bool
		switch {
		case c.Min == sp.Cut && !c.MaxGiven:
			s = true
		case c.Min == 0 && c.MaxGiven && c.Max == sp.Cut:
			s = false
		default:
			t.Fatalf("%s: the condition on %s is %v..%v, not the cut %v", r.ID, c.Scale, c.Min, c.Max, sp.Cut)
		}
		strong[c.Scale] = &s
	}
	require.NotNil(t, strong[sp.Left], "%s has no condition on %s", r.ID, sp.Left)
	require.NotNil(t, strong[sp.Right], "%s has no condition on %s", r.ID, sp.Right)
	switch l, rt := *strong[sp.Left], *strong[sp.Right]; {
	case l && rt:
		return scoring.ZoneBoth
	case l:
		return scoring.ZoneLeft
	case rt:
		return scoring.ZoneRight
	}
	return scoring.ZoneMiddle
}

func TestShipped_EveryResultLiesInOneZone(t *testing.T) {
	long, short := shipped(t)
	for _, q := range []*quiz.Quiz{long, short} {
		t.Run(q.ID, func(t *testing.T) {
			require.NotNil(t, q.Spectrum)
			sp := *q.Spectrum
			assert.Equal(t, 60.0, sp.Cut)
			zones := map[string]scoring.Zone{}
			for _, r := range q.Results[:len(q.Results)-1] {
				zones[r.ID] = resultZone(t, sp, r)
			}
			fallback := q.Results[len(q.Results)-1]
			require.Empty(t, fallback.When)
			// The fallback is reached only when every other result fails,
			// so it lies in a zone only if the results of the three other
			// zones leave nothing of theirs to it: they add no condition
			// beyond the pulls.
			for _, r := range q.Results[:len(q.Results)-1] {
				if zones[r.ID] != scoring.ZoneMiddle {
					assert.Len(t, r.When, 2, "%s adds conditions beyond the pulls", r.ID)
				}
			}
			zones[fallback.ID] = scoring.ZoneMiddle

			// On a grid that holds the cut and the 65 exactly and just
			// below them, the first result that holds lies in the zone the
			// spectrum shows.
			grid := []float64{0, 100, sp.Cut, math.Nextafter(sp.Cut, 0), 65, math.Nextafter(65, 0)}
			for x := 0.5; x < 100; x += 2.5 {
				grid = append(grid, x)
			}
			for _, l := range grid {
				for _, rt := range grid {
					for _, inter := range grid {
						scores := map[string]*float64{sp.Left: &l, sp.Right: &rt, "interdependence": &inter}
						got := firstResult(q, scores)
						want := scoring.SpectrumZone(sp, &l, &rt)
						require.Equal(t, want, zones[got], "scores %v/%v/%v give %s", l, rt, inter, got)
					}
				}
			}
		})
	}
}

// firstResult returns the id of the first result whose conditions all hold
// for scores, as the scoring rules say.
func firstResult(q *quiz.Quiz, scores map[string]*float64) string {
	for _, r := range q.Results {
		ok := true
		for _, c := range r.When {
			ok = ok && scoring.Holds(c, scores[c.Scale])
		}
		if ok {
			return r.ID
		}
	}
	return ""
}

func TestShipped_ReadingLevel(t *testing.T) {
	long, short := shipped(t)
	for _, q := range []*quiz.Quiz{long, short} {
		mean, _, _ := gradeSummary(scored(q))
		assert.LessOrEqual(t, mean, maxMeanGrade, "%s: mean Flesch-Kincaid grade of the scored items", q.ID)
		assert.Greater(t, mean, 0.0, q.ID)
	}
}

// --- Flesch-Kincaid grade ---------------------------------------------
//
// grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59
// (Kincaid et al., 1975), computed per item; a file's figure is the mean
// of its scored items' grades.
//
// Words are runs of letters, with an apostrophe inside a word kept in it
// ("partner's" is one word). Sentences are runs of . ! or ?, at least one
// per item. Syllables are estimated per word, lower-cased and reduced to
// its letters:
//
//  1. a word of one to three letters has one syllable;
//  2. a word that starts with "some" and goes on ("something", "someone",
//     "sometimes") is "some", one syllable, and the rest counted alone:
//     the silent e in the middle of the compound would otherwise count;
//  3. otherwise count the groups of consecutive vowels (a e i o u y), a y
//     that starts the word not being a vowel ("you", "yes");
//  4. a final e after a consonant is silent ("make", "whole"), except in
//     -le after a consonant ("little", "trouble");
//  5. a final -ed is not a syllable unless it follows t or d ("asked",
//     "drained"; but "needed"); a final -es is not one unless it follows
//     s, x, z, ch, sh, c or g ("ones", "times"; but "excuses", "choices",
//     "messages");
//  6. -ing after a vowel adds the syllable that the vowel group hides
//     ("being", "staying", "worrying");
//  7. every word has at least one syllable.
//
// Rules 1 and 3 to 7 are those of the pilot's check.py; rule 2 is added
// here, and it is the only reason the two disagree on the shipped items
// (docs/instrument.md, Reading level). The heuristic still counts "react"
// as one syllable, like check.py.

var (
	wordRE     = regexp.MustCompile(`[A-Za-z]+(?:'[A-Za-z]+)*`)
	sentenceRE = regexp.MustCompile(`[.!?]+`)
	vowelsRE   = regexp.MustCompile(`[aeiouy]+`)
	esRE       = regexp.MustCompile(`(s|x|z|ch|sh|c|g)es$`)
)

func isVowel(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }

// syllables estimates the syllables of one word by the rules above.
func syllables(word string) int {
	w := strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, word)
	switch {
	case w == "":
		return 0
	case len(w) <= 3:
		return 1
	case strings.HasPrefix(w, "some") && len(w) > 4:
		return 1 + syllables(w[4:])
	}
	core := w
	if w[0] == 'y' {
		core = w[1:]
	}
	n := len(vowelsRE.FindAllString(core, -1))
	last := len(w) - 1
	if n > 1 && w[last] == 'e' && !isVowel(w[last-1]) &&
		!(strings.HasSuffix(w, "le") && !isVowel(w[last-2])) {
		n--
	}
	if n > 1 && strings.HasSuffix(w, "ed") && !isVowel(w[last-2]) && w[last-2] != 't' && w[last-2] != 'd' {
		n--
	}
	if n > 1 && strings.HasSuffix(w, "es") && !isVowel(w[last-2]) && !esRE.MatchString(w) {
		n--
	}
	if strings.HasSuffix(w, "ing") && len(w) > 4 && isVowel(w[len(w)-4]) {
		n++
	}
	return max(1, n)
}

// fkGrade returns the Flesch-Kincaid grade of one text.
func fkGrade(text string) float64 {
	words := wordRE.FindAllString(text, -1)
	if len(words) == 0 {
		return 0
	}
	sentences := max(1, len(sentenceRE.FindAllString(text, -1)))
	syl := 0
	for _, w := range words {
		syl += syllables(w)
	}
	nw := float64(len(words))
	return 0.39*nw/float64(sentences) + 11.8*float64(syl)/nw - 15.59
}

// gradeSummary returns the mean, lowest and highest grade of items.
func gradeSummary(items []quiz.Item) (mean, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, it := range items {
		g := fkGrade(it.Text)
		mean += g
		lo, hi = min(lo, g), max(hi, g)
	}
	return mean / float64(len(items)), lo, hi
}

func TestSyllables(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"I", 1}, {"yes", 1}, {"you", 1}, {"make", 1}, {"whole", 1}, {"little", 2},
		{"trouble", 2}, {"asked", 1}, {"drained", 1}, {"needed", 2}, {"ones", 1},
		{"times", 1}, {"excuses", 3}, {"choices", 2}, {"messages", 3}, {"being", 2},
		{"staying", 2}, {"worrying", 3}, {"partner's", 2}, {"something", 2},
		{"someone", 2}, {"sometimes", 2}, {"some", 1}, {"easily", 3}, {"okay", 2},
		{"disagree", 3}, {"future", 2}, {"owe", 1}, {"argue", 2}, {"worried", 2},
		{"guilty", 2}, {"family", 3}, {"interests", 3},
		// A known miss of the heuristic, kept so that a change to it is
		// seen: "react" has two syllables.
		{"react", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, syllables(tt.word), tt.word)
	}
}

func TestFKGrade(t *testing.T) {
	// 12 words, 14 syllables, 1 sentence: 0.39*12 + 11.8*14/12 - 15.59 =
	// 4.68 + 13.7667 - 15.59 = 2.8567.
	assert.InDelta(t, 2.8567, fkGrade("I say yes to my partner even when I am worn out."), 0.0001)
	// Two sentences halve the words per sentence.
	assert.InDelta(t, 0.39*3+11.8*6/6.0-15.59, fkGrade("I say yes. I say no."), 0.0001)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
