package quizzes_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/doctest"
	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/quizzes"
)

// The rules in this file are the ones docs/instrument.md promises a
// therapist: they hold for the shipped files, and docs/instrument.md's
// tables are checked against the files, so that neither can drift from the
// other unnoticed.

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
// Rules 1 and 3 to 7 are those the authors first checked the items with;
// rule 2 is added here (docs/instrument.md, Reading level). The heuristic
// still counts "react" as one syllable.

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

// --- docs/instrument.md -----------------------------------------------

// instrumentDoc returns the text of docs/instrument.md.
func instrumentDoc(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "instrument.md"))
	require.NoError(tb, err)
	return string(data)
}

// seedConcepts are the ideas the review of version 1 found unasked; each
// must have a row in docs/instrument.md's seed-concept table.
var seedConcepts = []string{
	"needing to be needed",
	"rescuing",
	"enabling",
	"reassurance-seeking",
	"checking the phone",
	"feeling incomplete",
	"not knowing what you want apart from the partner",
	"resentment",
	"exhaustion",
	"control presented as support",
	"one-sided giving",
	"repairing conflict without collapse",
	"repairing conflict without withdrawal",
	"investing outside the relationship: friends",
	"investing outside the relationship: savings",
	"investing outside the relationship: career",
}

var (
	itemIDRE = regexp.MustCompile(`^[a-z]+[0-9]+$`)
	// anyIDRE finds an item id within text, such as "o04" or "sa02".
	anyIDRE = regexp.MustCompile(`\b[a-z]{1,2}[0-9]{2}\b`)
)

// ids splits a cell such as "n04, f08" into item ids, failing on anything
// that is not one.
func ids(tb testing.TB, cell string) []string {
	tb.Helper()
	var out []string
	for _, f := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ' ' }) {
		require.Regexp(tb, itemIDRE, f, "not an item id in %q", cell)
		out = append(out, f)
	}
	return out
}

func TestInstrumentDoc_SeedConcepts(t *testing.T) {
	long, _ := shipped(t)
	items := map[string]bool{}
	for _, it := range long.Items() {
		items[it.ID] = true
	}
	rows := doctest.Table(t, instrumentDoc(t), "| Seed concept | Item ids |")
	seen := map[string][]string{}
	for _, r := range rows {
		require.GreaterOrEqual(t, len(r), 2, r)
		concept := strings.ToLower(r[0])
		got := ids(t, r[1])
		assert.NotEmpty(t, got, "%s has no item", concept)
		for _, id := range got {
			assert.True(t, items[id], "%s names %s, which is not an item of the long form", concept, id)
		}
		// Ids named in the other cells must exist too.
		for _, cell := range r[2:] {
			for _, id := range anyIDRE.FindAllString(cell, -1) {
				assert.True(t, items[id], "%s mentions %s, which is not an item of the long form", concept, id)
			}
		}
		assert.NotContains(t, seen, concept, "%s has two rows", concept)
		seen[concept] = got
	}
	for _, c := range seedConcepts {
		assert.Contains(t, seen, c, "the seed concept %q has no row", c)
	}
	assert.Len(t, seen, len(seedConcepts), "rows: %v", seen)
}

// scaleTag reads a cell such as "codependence +" or "own-life −".
func scaleTag(tb testing.TB, cell string) (scale string, weight float64) {
	tb.Helper()
	f := strings.Fields(cell)
	require.Len(tb, f, 2, "%q is not a scale and a direction", cell)
	switch f[1] {
	case "+":
		return f[0], 1
	case "−", "-":
		return f[0], -1
	}
	tb.Fatalf("%q: direction %q is not + or −", cell, f[1])
	return "", 0
}

// count reads a cell such as "11: b01 b03 ..." into its number and ids.
func count(tb testing.TB, cell string) (int, []string) {
	tb.Helper()
	n, list, ok := strings.Cut(cell, ":")
	require.True(tb, ok, "%q has no count", cell)
	k, err := strconv.Atoi(strings.TrimSpace(n))
	require.NoError(tb, err, cell)
	return k, ids(tb, list)
}

// mainOf returns the main scale that item keys.
func mainOf(it quiz.Item) string {
	for _, k := range it.Keys {
		if isMain(k.Scale) {
			return k.Scale
		}
	}
	return ""
}

// allAgree scores q when every required item is answered with the top of
// the answer scale: what agreeing with everything gives each scale.
func allAgree(tb testing.TB, q *quiz.Quiz) scoring.Outcome {
	tb.Helper()
	a := scoring.Answers{}
	for _, it := range q.Items() {
		if !it.Optional {
			a[it.ID] = q.Scale.Max
		}
	}
	out, err := scoring.Score(q, a)
	require.NoError(tb, err)
	return out
}

func TestInstrumentDoc_Keying(t *testing.T) {
	long, _ := shipped(t)
	doc := instrumentDoc(t)
	agree := allAgree(t, long)
	score := func(scale string) string {
		s := agree.ScoreOf(scale)
		require.NotNil(t, s, scale)
		return strconv.FormatFloat(*s, 'f', 1, 64)
	}

	t.Run("MainScales", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Main scale | Items | Forward (+1) | Reverse (−1) | All agree |")
		require.Len(t, rows, len(mainScales))
		for i, r := range rows {
			require.Len(t, r, 5, r)
			assert.Equal(t, mainScales[i], r[0])
			f, rv := keying(long, r[0])
			assert.Equal(t, strconv.Itoa(len(f)+len(rv)), r[1], r[0])
			n, got := count(t, r[2])
			assert.Equal(t, len(f), n, r[0])
			assert.Equal(t, f, got, "forward items of %s", r[0])
			n, got = count(t, r[3])
			assert.Equal(t, len(rv), n, r[0])
			assert.Equal(t, rv, got, "reverse items of %s", r[0])
			assert.Equal(t, score(r[0]), r[4], "all-agree score of %s", r[0])
		}
	})
	t.Run("Areas", func(t *testing.T) {
		byID := map[string]quiz.Item{}
		for _, it := range long.Items() {
			byID[it.ID] = it
		}
		// A cell lists ids by main scale: "codependence: b02 b05;
		// interdependence: b04".
		parse := func(cell string) (all []string) {
			for _, part := range strings.Split(cell, ";") {
				m, list, ok := strings.Cut(part, ":")
				require.True(t, ok, "%q", part)
				for _, id := range ids(t, list) {
					assert.Equal(t, strings.TrimSpace(m), mainOf(byID[id]), "%s is listed under %s", id, m)
					all = append(all, id)
				}
			}
			slices.Sort(all)
			return all
		}
		rows := doctest.Table(t, doc, "| Area | Items | Raise it (+) | Lower it (−) | All agree |")
		var areas []string
		for _, s := range long.Scales {
			if !isMain(s.ID) {
				areas = append(areas, s.ID)
			}
		}
		require.Len(t, rows, len(areas))
		for i, r := range rows {
			require.Len(t, r, 5, r)
			assert.Equal(t, areas[i], r[0])
			f, rv := keying(long, r[0])
			slices.Sort(f)
			slices.Sort(rv)
			assert.Equal(t, fmt.Sprintf("%d (%d + %d)", len(f)+len(rv), len(f), len(rv)), r[1], r[0])
			assert.Equal(t, f, parse(r[2]), "items raising %s", r[0])
			assert.Equal(t, rv, parse(r[3]), "items lowering %s", r[0])
			assert.Equal(t, score(r[0]), r[4], "all-agree score of %s", r[0])
		}
	})
	t.Run("ShortForm", func(t *testing.T) {
		_, short := shipped(t)
		rows := doctest.Table(t, doc, "| Short form scale | Forward | Reverse |")
		require.Len(t, rows, len(mainScales))
		for i, r := range rows {
			require.Len(t, r, 3, r)
			assert.Equal(t, mainScales[i], r[0])
			f, rv := keying(short, r[0])
			slices.Sort(f)
			slices.Sort(rv)
			got := func(cell string) []string { // "b01 (saying yes ...), f01 (...)"
				var out []string
				out = append(out, anyIDRE.FindAllString(cell, -1)...)
				slices.Sort(out)
				return out
			}
			assert.Equal(t, f, got(r[1]), "forward items of %s", r[0])
			assert.Equal(t, rv, got(r[2]), "reverse items of %s", r[0])
		}
	})
}

func TestInstrumentDoc_Zones(t *testing.T) {
	long, _ := shipped(t)
	rows := doctest.Table(t, instrumentDoc(t), "| Zone | codependence | independence | interdependence | Result | Title |")
	require.Len(t, rows, len(long.Results))
	// A cell is "60 or more", "below 60" or "any" (no condition).
	bound := func(cell string) (min, max float64, maxGiven, any bool) {
		switch {
		case cell == "any":
			return 0, 0, false, true
		case strings.HasSuffix(cell, " or more"):
			v, err := strconv.ParseFloat(strings.TrimSuffix(cell, " or more"), 64)
			require.NoError(t, err, cell)
			return v, 100, false, false // the loader's max when none is given
		case strings.HasPrefix(cell, "below "):
			v, err := strconv.ParseFloat(strings.TrimPrefix(cell, "below "), 64)
			require.NoError(t, err, cell)
			return 0, v, true, false
		}
		t.Fatalf("cannot read %q", cell)
		return
	}
	for i, r := range rows {
		require.Len(t, r, 6, r)
		res := long.Results[i]
		assert.Equal(t, res.ID, r[4])
		assert.Equal(t, res.Title, r[5], res.ID)
		for j, scale := range mainScales {
			min, max, maxGiven, any := bound(r[1+j])
			var got *quiz.Condition
			for _, c := range res.When {
				if c.Scale == scale {
					got = &c
				}
			}
			if any {
				assert.Nil(t, got, "%s has a condition on %s", res.ID, scale)
				continue
			}
			if assert.NotNil(t, got, "%s has no condition on %s", res.ID, scale) {
				assert.Equal(t, quiz.Condition{Scale: scale, Min: min, Max: max, MaxGiven: maxGiven}, *got, res.ID)
			}
		}
		zone := map[string]scoring.Zone{"both": scoring.ZoneBoth, "left": scoring.ZoneLeft,
			"right": scoring.ZoneRight, "middle": scoring.ZoneMiddle}[r[0]]
		require.NotEmpty(t, zone, "unknown zone %q", r[0])
		if len(res.When) > 0 {
			assert.Equal(t, zone, resultZone(t, *long.Spectrum, res), res.ID)
		} else {
			assert.Equal(t, scoring.ZoneMiddle, zone, "the fallback")
		}
	}
}

func TestInstrumentDoc_ReadingLevel(t *testing.T) {
	long, short := shipped(t)
	doc := instrumentDoc(t)
	grade := func(g float64) string { return strconv.FormatFloat(g, 'f', 1, 64) }

	t.Run("Summary", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Form | Scored items | Mean FK grade | Lowest | Highest |")
		require.Len(t, rows, 2)
		for i, q := range []*quiz.Quiz{long, short} {
			r := rows[i]
			require.Len(t, r, 5, r)
			assert.Equal(t, q.ID, r[0])
			mean, lo, hi := gradeSummary(scored(q))
			assert.Equal(t, []string{strconv.Itoa(len(scored(q))), strconv.FormatFloat(mean, 'f', 2, 64), grade(lo), grade(hi)},
				r[1:], q.ID)
		}
	})
	t.Run("EveryItem", func(t *testing.T) {
		inShort := map[string]bool{}
		for _, it := range scored(short) {
			inShort[it.ID] = true
		}
		rows := doctest.Table(t, doc, "| Id | Statement | Main scale | Area | Short form | FK |")
		items := scored(long)
		require.Len(t, rows, len(items))
		for i, r := range rows {
			require.Len(t, r, 6, r)
			it := items[i]
			assert.Equal(t, it.ID, r[0])
			assert.Equal(t, it.Text, r[1], it.ID)
			require.Len(t, it.Keys, 2, it.ID)
			for _, cell := range r[2:4] {
				scale, w := scaleTag(t, cell)
				assert.Contains(t, it.Keys, quiz.Key{Scale: scale, Weight: w}, it.ID)
			}
			main, _ := scaleTag(t, r[2])
			assert.True(t, isMain(main), "%s: %s is not a main scale", it.ID, main)
			assert.Equal(t, map[bool]string{true: "yes", false: ""}[inShort[it.ID]], r[4], it.ID)
			assert.Equal(t, grade(fkGrade(it.Text)), r[5], it.ID)
		}
	})
	t.Run("SafetyItems", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Id | Statement | Raises | Raised from | FK |")
		var safety []quiz.Item
		for _, it := range long.Items() {
			if len(it.Keys) == 0 {
				safety = append(safety, it)
			}
		}
		require.Len(t, rows, len(safety))
		for i, r := range rows {
			require.Len(t, r, 5, r)
			it := safety[i]
			assert.Equal(t, it.ID, r[0])
			assert.Equal(t, it.Text, r[1], it.ID)
			var raises []string
			from := ""
			for _, f := range long.Support {
				if slices.Contains(f.Items, it.ID) {
					raises = append(raises, f.ID)
					from = fmt.Sprintf("%d (%s)", f.Min, long.Scale.Label(f.Min))
				}
			}
			assert.Equal(t, strings.Join(raises, ", "), r[2], it.ID)
			assert.Equal(t, from, r[3], it.ID)
			assert.Equal(t, grade(fkGrade(it.Text)), r[4], it.ID)
		}
	})
}

func TestInstrumentDoc_Norms(t *testing.T) {
	long, short := shipped(t)
	rows := doctest.Table(t, instrumentDoc(t), "| Form | Scale | SD | Reliability | SEM | Smallest reliable change |")
	require.Len(t, rows, 2*len(mainScales))
	i := 0
	for _, q := range []*quiz.Quiz{long, short} {
		for _, scale := range mainScales {
			r := rows[i]
			i++
			require.Len(t, r, 6, r)
			assert.Equal(t, []string{q.ID, scale}, r[:2])
			s, ok := q.ScaleByID(scale)
			require.True(t, ok)
			require.NotNil(t, s.Norms, "%s/%s", q.ID, scale)
			n := s.Norms
			sem := n.SD * math.Sqrt(1-n.Reliability)
			assert.Equal(t, []string{
				strconv.FormatFloat(n.SD, 'f', 1, 64),
				strconv.FormatFloat(n.Reliability, 'f', 2, 64),
				strconv.FormatFloat(sem, 'f', 1, 64),
				strconv.FormatFloat(1.96*math.Sqrt2*sem, 'f', 1, 64),
			}, r[2:], "%s/%s", q.ID, scale)
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
