package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/tandem-app/tandem/internal/doctest"
	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// normsQuiz has a scale of two items, one reverse-keyed, and a scale of
// one item, which can have no alpha. Its scales are in block style, like
// the shipped file's, so that a printed norms block can be pasted in.
const normsQuiz = `id: tiny-norms
version: 1
title: Tiny norms
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - id: one
    name: One
  - id: two
    name: Two
sections:
  - id: s1
    title: S1
    items:
      - {id: i1, text: First, keys: {one: 1}}
      - {id: i2, text: Second, keys: {one: -1}}
      - {id: i3, text: Third, keys: {two: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// printedNorms is the YAML part of the output of tandem norms.
type printedNorms []struct {
	ID    string `yaml:"id"`
	Norms *struct {
		Mean        *float64 `yaml:"mean"`
		SD          *float64 `yaml:"sd"`
		Reliability *float64 `yaml:"reliability"`
		Provisional *bool    `yaml:"provisional"`
		Source      string   `yaml:"source"`
	} `yaml:"norms"`
}

// normsYAML returns the YAML part of stdout, which starts at its first
// comment line, and checks that it parses.
func normsYAML(tb testing.TB, stdout string) (string, printedNorms) {
	tb.Helper()
	i := strings.Index(stdout, "\n# Norms for ")
	require.GreaterOrEqual(tb, i, 0, "no YAML in:\n%s", stdout)
	text := stdout[i+1:]
	var got printedNorms
	require.NoError(tb, yaml.Unmarshal([]byte(text), &got), text)
	return text, got
}

// normsBlock returns the lines printed under "  - id: scale", which are
// the norms block to paste under that scale.
func normsBlock(tb testing.TB, text, scale string) string {
	tb.Helper()
	_, after, ok := strings.Cut(text, "  - id: "+scale+"\n")
	require.True(tb, ok, "no block for %s in:\n%s", scale, text)
	block, _, _ := strings.Cut(after, "  - id: ")
	return block
}

// tableRow returns the fields of the table row of scale.
func tableRow(tb testing.TB, stdout, scale string) []string {
	tb.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == scale {
			return f
		}
	}
	tb.Fatalf("no table row for %s in:\n%s", scale, stdout)
	return nil
}

// normsDatabase creates a database holding, for normsQuiz, three completed
// attempts and one unfinished, taken through the sqlite package as the
// server takes them, and returns its path.
//
//	attempt   i1 i2 i3   one: i1-1, 6-i2-1   score   two: i3-1   score
//	A          5  1  4        4 + 4 = 8      100          3        75
//	B          3  3  2        2 + 2 = 4       50          1        25
//	C          2  5  3        1 + 0 = 1       12.5        2        50
//
// one: mean 162.5/3 = 54.1667. Totals 8, 4, 1 have mean 13/3 and squared
// deviations 121/9 + 1/9 + 100/9 = 222/9, var 37/3, so SD = 12.5 *
// sqrt(37/3) = 43.8985. Items: i1 (4, 2, 1) var 7/3, i2 reversed (4, 2, 0)
// var 4, Σ 19/3; alpha = 2 * (1 - 19/37) = 36/37 = 0.97297. Its smallest
// reliable change, from sd 43.9 and reliability 0.97, is 1.96 * sqrt(2) *
// 43.9 * sqrt(0.03) = 21.08.
// two: mean 50, SD sqrt((625 + 625 + 0) / 2) = 25, one item: no alpha.
func normsDatabase(tb testing.TB) string {
	tb.Helper()
	return attemptsDatabase(tb, normsQuiz, []scoring.Answers{
		{"i1": 5, "i2": 1, "i3": 4},
		{"i1": 3, "i2": 3, "i3": 2},
		{"i1": 2, "i2": 5, "i3": 3},
	}, scoring.Answers{"i1": 1})
}

// attemptsDatabase creates a database holding, for the quiz in text, one
// completed attempt per element of done and, unless unfinished is nil, an
// attempt left unfinished with those answers, and returns its path.
func attemptsDatabase(tb testing.TB, text string, done []scoring.Answers, unfinished scoring.Answers) string {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "tandem.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(tb, err)
	defer func() { require.NoError(tb, db.Close()) }()
	q, err := quiz.Parse("quiz.yaml", []byte(text))
	require.NoError(tb, err)
	_, err = db.RecordQuizzes(ctx, q)
	require.NoError(tb, err)
	var page []string
	for _, it := range q.Items() {
		page = append(page, it.ID)
	}
	for _, answers := range done {
		a, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
		require.NoError(tb, err)
		c, err := db.CompleteAttempt(ctx, a.ID, q, page, answers, tandem.Owner{NewTokenHash: tandem.HashToken(tandem.NewToken())}, tandem.HashToken(tandem.NewToken()))
		require.NoError(tb, err)
		require.True(tb, c.Done)
	}
	if unfinished != nil {
		a, err := db.CreateAttempt(ctx, q, tandem.HashToken(tandem.NewToken()))
		require.NoError(tb, err)
		require.NoError(tb, db.SaveAnswers(ctx, a.ID, slices.Sorted(maps.Keys(unfinished)), unfinished))
	}
	return path
}

func TestNorms_Database(t *testing.T) {
	path := normsDatabase(t)
	dir := quizFolder(t, map[string]string{"tiny-norms.yaml": normsQuiz})

	check := func(t *testing.T, stdout, stderr string) {
		assert.Contains(t, stdout, "tiny-norms version 1: 3 completed attempts of version 1 in "+path)
		assert.Equal(t, []string{"one", "3", "54.17", "43.90", "0.973", "3", "21.1", "yes,", "provisional"},
			tableRow(t, stdout, "one"))
		assert.Equal(t, []string{"two", "3", "50.00", "25.00", "-", "3", "-", "none:", "no", "alpha"},
			tableRow(t, stdout, "two"))
		assert.Equal(t, []string{"any", "3", "100.0%"}, tableRow(t, stdout, "any"))
		assert.Contains(t, stderr, "warning: only 3 attempts")

		text, got := normsYAML(t, stdout)
		require.Len(t, got, 2)
		one := got[0].Norms
		require.NotNil(t, one)
		assert.Equal(t, 54.2, *one.Mean)
		assert.Equal(t, 43.9, *one.SD)
		assert.Equal(t, 0.97, *one.Reliability)
		// Three attempts are far below 300: provisional, and the block
		// says why.
		require.NotNil(t, one.Provisional)
		assert.True(t, *one.Provisional)
		assert.Contains(t, normsBlock(t, text, "one"), "    # Provisional: only 3 scores. Below 300, ")
		assert.Regexp(t, `^Tandem database, n = 3 completed attempts \(\d{4}-\d{2}-\d{2}\)$`, one.Source)
		// A scale of one item has no alpha, so its block is commented
		// out: the loader requires a reliability.
		assert.Nil(t, got[1].Norms)
		two := normsBlock(t, text, "two")
		assert.Contains(t, two, "    # No norms: Cronbach's alpha is undefined here (the scale has only one item),\n")
		assert.Contains(t, two, "    #   mean: 50.0\n    #   sd: 25.0\n    #   reliability: none\n")
	}

	t.Run("OK", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"norms", "-db", path, "-quizzes", dir, "tiny-norms"}, env(nil))
		require.NoError(t, err, stderr)
		check(t, stdout, stderr)
	})
	t.Run("EnvFallbackAndFlagsAfterTheID", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"norms", "tiny-norms", "-seed", "9"},
			env(map[string]string{"TANDEM_DB": path, "TANDEM_QUIZZES": dir}))
		require.NoError(t, err, stderr)
		check(t, stdout, stderr)
	})
	t.Run("BlockPastesIntoTheQuizFile", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"norms", "-db", path, "-quizzes", dir, "tiny-norms"}, env(nil))
		require.NoError(t, err, stderr)
		text, _ := normsYAML(t, stdout)
		pasted := strings.Replace(normsQuiz, "    name: One\n", "    name: One\n"+normsBlock(t, text, "one"), 1)
		// two's block is commented out: pasting it changes nothing.
		pasted = strings.Replace(pasted, "    name: Two\n", "    name: Two\n"+normsBlock(t, text, "two"), 1)
		q, err := quiz.Parse("pasted.yaml", []byte(pasted))
		require.NoError(t, err, pasted)
		s, ok := q.ScaleByID("one")
		require.True(t, ok)
		require.NotNil(t, s.Norms)
		assert.Equal(t, 54.2, s.Norms.Mean)
		assert.Equal(t, 43.9, s.Norms.SD)
		assert.Equal(t, 0.97, s.Norms.Reliability)
		assert.True(t, s.Norms.Provisional)
		assert.True(t, strings.HasPrefix(s.Norms.Source, "Tandem database, n = 3 completed attempts ("), s.Norms.Source)
		s, ok = q.ScaleByID("two")
		require.True(t, ok)
		assert.Nil(t, s.Norms)
	})
	t.Run("NoAttempts", func(t *testing.T) {
		other := strings.Replace(normsQuiz, "version: 1", "version: 2", 1)
		dir := quizFolder(t, map[string]string{"tiny-norms.yaml": other})
		stdout, stderr, err := runOnce(t, []string{"norms", "-db", path, "-quizzes", dir, "tiny-norms"}, env(nil))
		require.NoError(t, err, stderr)
		assert.Contains(t, stdout, "0 completed attempts of version 2")
		assert.Equal(t, []string{"one", "0", "-", "-", "-", "0", "-", "none:", "no", "sd"}, tableRow(t, stdout, "one"))
		assert.Equal(t, []string{"any", "0", "-"}, tableRow(t, stdout, "any"))
		assert.Contains(t, stderr, "warning: only 0 attempts")
		_, got := normsYAML(t, stdout)
		require.Len(t, got, 2)
		assert.Nil(t, got[0].Norms)
	})
}

// lowAlphaQuiz has one scale of two items that agree only a little in the
// attempts of TestNorms_AlphaBelowPoint70.
const lowAlphaQuiz = `id: low-alpha
version: 1
title: Low alpha
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - id: loose
    name: Loose
sections:
  - id: s1
    title: S1
    items:
      - {id: x, text: First, keys: {loose: 1}}
      - {id: y, text: Second, keys: {loose: 1}}
results:
  - {id: any, title: Any, summary: Any}
`

// TestNorms_AlphaBelowPoint70 checks that a scale whose alpha is below .70
// is marked not usable in the table and gets no norms block, not even a
// commented one, so that it cannot be pasted by mistake.
//
//	attempt   x  y   x-1 y-1  total  score
//	A         5  4    4   3     7    87.5
//	B         3  1    2   0     2    25
//	C         1  3    0   2     2    25
//	D         4  4    3   3     6    75
//
// x-1 has mean 2.25 and var 8.75/3, y-1 mean 2 and var 6/3, the totals
// mean 4.25 and var 20.75/3: alpha = 2 * (1 - 14.75/20.75) = 0.57831. The
// score's mean is 53.125 and its SD 12.5 * sqrt(20.75/3) = 32.874.
func TestNorms_AlphaBelowPoint70(t *testing.T) {
	path := attemptsDatabase(t, lowAlphaQuiz, []scoring.Answers{
		{"x": 5, "y": 4}, {"x": 3, "y": 1}, {"x": 1, "y": 3}, {"x": 4, "y": 4},
	}, nil)
	dir := quizFolder(t, map[string]string{"low-alpha.yaml": lowAlphaQuiz})
	stdout, stderr, err := runOnce(t, []string{"norms", "-db", path, "-quizzes", dir, "low-alpha"}, env(nil))
	require.NoError(t, err, stderr)
	// 53.125 is exact in binary, and a tie rounds to even: 53.12.
	assert.Equal(t, []string{"loose", "4", "53.12", "32.87", "0.578", "4", "-", "not", "usable:", "alpha", "below", ".70"},
		tableRow(t, stdout, "loose"))
	text, got := normsYAML(t, stdout)
	require.Len(t, got, 1)
	assert.Nil(t, got[0].Norms)
	block := normsBlock(t, text, "loose")
	assert.Equal(t, "    # No norms: Cronbach's alpha is 0.578, below 0.70, too noisy for a verdict\n"+
		"    # on reliable change; leave this scale without norms (docs/norms.md).\n", block)
	assert.NotContains(t, block, "mean:")
}

// TestNorms_Provisional checks that every block printed for a simulation
// says provisional: true, whatever the number of respondents, on the
// shipped long form, whose scales all have an alpha above .70 there.
func TestNorms_Provisional(t *testing.T) {
	for _, n := range []string{"50", "400"} {
		stdout, stderr, err := runOnce(t, []string{"norms", "-simulate", n, "relationship-spectrum"}, env(nil))
		require.NoError(t, err, stderr)
		text, got := normsYAML(t, stdout)
		assert.Contains(t, text, "# Simulated respondents, not people: the norms are provisional")
		printed := 0
		for _, g := range got {
			if g.Norms == nil {
				continue
			}
			printed++
			require.NotNil(t, g.Norms.Provisional, "%s, n = %s", g.ID, n)
			assert.True(t, *g.Norms.Provisional, "%s, n = %s", g.ID, n)
			assert.True(t, strings.HasPrefix(g.Norms.Source, "Simulated respondents, n = "+n+", seed 1 ("), g.Norms.Source)
			assert.Contains(t, tableRow(t, stdout, g.ID), "provisional", g.ID)
		}
		assert.Equal(t, 10, printed, "blocks for n = %s in:\n%s", n, text)
		assert.Equal(t, printed, strings.Count(text, "      provisional: true\n"), text)
	}
}

// sameYear puts one year in the (YYYY) of a simulation's source, which
// the command dates by the year it runs in, so that a file written in
// 2026 still matches what the command prints in a later year.
var sameYear = regexp.MustCompile(`\(\d{4}\);`)

// TestNorms_ShippedNormsAreReproducible checks that the norms in both
// shipped quiz files are exactly what the documented simulation prints for
// them: the same mean, sd, reliability, provisional mark and source, for
// every scale that has norms in the file, and that every main scale has.
// The area scales of the long form carry none by choice (docs/norms.md),
// although the simulation would give them some.
func TestNorms_ShippedNormsAreReproducible(t *testing.T) {
	qs, err := loadQuizzes("")
	require.NoError(t, err)
	for _, id := range []string{"relationship-spectrum", "relationship-spectrum-short"} {
		t.Run(id, func(t *testing.T) {
			q, err := findQuiz(qs, id)
			require.NoError(t, err)
			stdout, stderr, err := runOnce(t, []string{"norms", "-simulate", "2000", "-seed", "1", id}, env(nil))
			require.NoError(t, err, stderr)
			assert.NotContains(t, stderr, "warning")
			assert.Contains(t, stdout, fmt.Sprintf("%s version %d: 2000 simulated respondents (seed 1)", id, q.Version))
			text, got := normsYAML(t, stdout)
			require.Len(t, got, len(q.Scales))

			withNorms := 0
			for i, s := range q.Scales {
				assert.Equal(t, s.ID, got[i].ID)
				switch s.ID {
				case "codependence", "independence", "interdependence":
					require.NotNil(t, s.Norms, "%s has no norms in the shipped file", s.ID)
				}
				if s.Norms == nil {
					continue
				}
				withNorms++
				p := got[i].Norms
				require.NotNil(t, p, "the command prints no norms for %s:\n%s", s.ID, text)
				require.NotNil(t, p.Mean, s.ID)
				require.NotNil(t, p.SD, s.ID)
				require.NotNil(t, p.Reliability, s.ID)
				require.NotNil(t, p.Provisional, s.ID)
				printed := quiz.Norms{Mean: *p.Mean, SD: *p.SD, Reliability: *p.Reliability,
					Provisional: *p.Provisional, Source: sameYear.ReplaceAllString(p.Source, "(YEAR);")}
				shipped := *s.Norms
				assert.Regexp(t, `^Simulated respondents, n = 2000, seed 1 \(20\d\d\); `, shipped.Source, s.ID)
				shipped.Source = sameYear.ReplaceAllString(shipped.Source, "(YEAR);")
				assert.Equal(t, printed, shipped, s.ID)
				assert.Equal(t, "Simulated respondents, n = 2000, seed 1 (YEAR); replace with real data using "+
					"`tandem norms "+id+"`, see docs/norms.md", shipped.Source, s.ID)
			}
			assert.GreaterOrEqual(t, withNorms, 3)
		})
	}
}

func TestNorms_Simulate(t *testing.T) {
	// weighted-sleep: 0..4, uneven weights, optional items. The warning
	// about small samples follows the number of respondents.
	dir := quizFolder(t, map[string]string{"weighted-sleep.yaml": sleepQuiz(t)})
	stdout, stderr, err := runOnce(t, []string{"norms", "-quizzes", dir, "-simulate", "20", "weighted-sleep"}, env(nil))
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "warning: only 20 attempts")
	_, got := normsYAML(t, stdout)
	require.Len(t, got, 3)
	for i, id := range []string{"rest", "worry", "routine"} {
		assert.Equal(t, id, got[i].ID)
		row := tableRow(t, stdout, id)
		require.GreaterOrEqual(t, len(row), 8, row)
		// A block is printed exactly when the table says the scale is
		// usable.
		if row[7] == "yes," {
			require.NotNil(t, got[i].Norms, id)
			assert.InDelta(t, 50, *got[i].Norms.Mean, 50, id)
			assert.Greater(t, *got[i].Norms.SD, 0.0, id)
			assert.GreaterOrEqual(t, *got[i].Norms.Reliability, 0.70, id)
		} else {
			assert.Nil(t, got[i].Norms, id)
		}
	}
}

func TestNorms_Errors(t *testing.T) {
	t.Run("ErrUnknownQuiz", func(t *testing.T) {
		_, _, err := runOnce(t, []string{"norms", "-simulate", "10", "relationship-spectrun"}, env(nil))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `there is no quiz with the id "relationship-spectrun"`)
		assert.Contains(t, err.Error(), "the quizzes are: relationship-spectrum")
	})
	t.Run("ErrDatabaseMissing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "no", "such.db")
		stdout, _, err := runOnce(t, []string{"norms", "-db", path, "relationship-spectrum"}, env(nil))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the database "+path+" does not exist")
		assert.Empty(t, stdout)
		_, statErr := os.Stat(filepath.Dir(path))
		assert.ErrorIs(t, statErr, os.ErrNotExist, "nothing was created")
	})
	t.Run("ErrDatabaseMissingFromEnv", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing.db")
		_, _, err := runOnce(t, []string{"norms", "relationship-spectrum"}, env(map[string]string{"TANDEM_DB": path}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "does not exist")
		assert.NoFileExists(t, path)
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"norms"}, {"norms", "a", "b"}, {"norms", "-simulate", "x", "relationship-spectrum"}} {
			_, stderr, err := runOnce(t, args, env(nil))
			assert.ErrorIs(t, err, errReported, args)
			assert.Contains(t, stderr, normsUsage, args)
		}
	})
	t.Run("ErrNegativeSimulate", func(t *testing.T) {
		_, _, err := runOnce(t, []string{"norms", "-simulate", "-5", "relationship-spectrum"}, env(nil))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "-simulate must be a number of respondents")
	})
	t.Run("Help", func(t *testing.T) {
		_, stderr, err := runOnce(t, []string{"norms", "-h"}, env(nil))
		require.NoError(t, err)
		assert.Contains(t, stderr, normsUsage)
		assert.Contains(t, stderr, "-simulate")
	})
}

func TestPrintNormsYAML(t *testing.T) {
	q, err := quiz.Parse("tiny-norms.yaml", []byte(normsQuiz))
	require.NoError(t, err)
	// A source like the database's: provisional below 300 scores.
	source := normsSource{
		text: func(n int) string { return fmt.Sprintf("Pilot's sample: n = %d", n) },
		provisional: func(n int) (bool, string) {
			if n >= provisionalBelow {
				return false, ""
			}
			return true, "Provisional: only a few.\nSecond line."
		},
	}
	tests := []struct {
		name   string
		stats  scoring.ScaleStats
		want   string
		norms  bool // whether a block is printed (not commented out)
		absent string
	}{
		{
			name:  "OK",
			stats: scoring.ScaleStats{Scale: "one", N: 400, Mean: 48.25, SD: 16.44, Items: 2, AlphaN: 399, Alpha: 0.8249, HasAlpha: true},
			want: "  - id: one\n    norms:\n      mean: 48.3\n      sd: 16.4\n      reliability: 0.82\n" +
				"      source: 'Pilot''s sample: n = 400'\n",
			norms:  true,
			absent: "provisional",
		},
		{
			name:  "ProvisionalBelow300",
			stats: scoring.ScaleStats{Scale: "one", N: 299, Mean: 48.25, SD: 16.44, Items: 2, AlphaN: 299, Alpha: 0.8249, HasAlpha: true},
			want: "  - id: one\n    # Provisional: only a few.\n    # Second line.\n    norms:\n      mean: 48.3\n" +
				"      sd: 16.4\n      reliability: 0.82\n      provisional: true\n      source: 'Pilot''s sample: n = 299'\n",
			norms: true,
		},
		{
			name:  "AlphaJustAtPoint70",
			stats: scoring.ScaleStats{Scale: "one", N: 400, Mean: 48, SD: 16, Items: 2, AlphaN: 400, Alpha: 0.6996, HasAlpha: true},
			want:  "      reliability: 0.70\n",
			norms: true,
		},
		{
			name:  "AlphaBelowPoint70",
			stats: scoring.ScaleStats{Scale: "one", N: 400, Mean: 48, SD: 16, Items: 2, AlphaN: 400, Alpha: 0.6994, HasAlpha: true},
			want: "  - id: one\n    # No norms: Cronbach's alpha is 0.699, below 0.70, too noisy for a verdict\n" +
				"    # on reliable change; leave this scale without norms (docs/norms.md).\n",
			absent: "mean:",
		},
		{
			name:   "NegativeAlpha",
			stats:  scoring.ScaleStats{Scale: "one", N: 40, Mean: 48, SD: 16, Items: 2, AlphaN: 40, Alpha: -0.31, HasAlpha: true},
			want:   "    # No norms: Cronbach's alpha is -0.310, below 0.70, too noisy for a verdict\n",
			absent: "mean:",
		},
		{
			name:  "AlphaRoundsToOne",
			stats: scoring.ScaleStats{Scale: "one", N: 40, Mean: 48, SD: 16, Items: 2, AlphaN: 40, Alpha: 0.996, HasAlpha: true},
			want: "    # No norms: Cronbach's alpha is 0.996, outside 0..1 once rounded,\n" +
				"    # and norms need a reliability between 0 and 1. Without it, they would be:\n" +
				"    # norms:\n    #   mean: 48.0\n    #   sd: 16.0\n    #   reliability: none\n" +
				"    #   provisional: true\n    #   source: 'Pilot''s sample: n = 40'\n",
		},
		{
			name:  "TooFewCompleteAttempts",
			stats: scoring.ScaleStats{Scale: "one", N: 40, Mean: 48, SD: 16, Items: 2, AlphaN: 1},
			want:  "undefined here (only 1 of the attempts answered all 2 of its items; it needs 2)",
		},
		{
			name:  "TotalDoesNotVary",
			stats: scoring.ScaleStats{Scale: "one", N: 40, Mean: 48, SD: 16, Items: 2, AlphaN: 40},
			want:  "undefined here (the total of its items is the same in every attempt)",
		},
		{
			name:  "NoSD",
			stats: scoring.ScaleStats{Scale: "one", N: 1, Mean: 48, Items: 2, AlphaN: 1},
			want:  "  - id: one\n    # No norms: 1 scores, and norms need an SD above 0.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			printNormsYAML(&buf, q, []scoring.ScaleStats{tt.stats}, source)
			_, got := normsYAML(t, "\n"+buf.String())
			require.Len(t, got, 1)
			if tt.norms {
				require.NotNil(t, got[0].Norms)
				assert.Equal(t, fmt.Sprintf("Pilot's sample: n = %d", tt.stats.N), got[0].Norms.Source)
			} else {
				assert.Nil(t, got[0].Norms, "commented out or left out")
			}
			assert.Contains(t, buf.String(), tt.want)
			if tt.absent != "" {
				assert.NotContains(t, buf.String(), tt.absent)
			}
			// The table says the same as the YAML.
			ok, _ := normsVerdict(tt.stats)
			assert.Equal(t, tt.norms, ok)
		})
	}
}

func TestSmallestChange(t *testing.T) {
	// docs/norms.md: codependence of the long form, sd 16.1 and
	// reliability 0.92: 1.96 * 1.41421 * 16.1 * 0.28284 = 12.62.
	assert.InDelta(t, 12.62, smallestChange(16.1, 0.92), 0.005)
	// A change of exactly that size has |RC| = 1.96, a reliable change.
	n := &quiz.Norms{SD: 16.1, Reliability: 0.92}
	assert.True(t, scoring.ReliableChange(n, 40, 40+smallestChange(16.1, 0.92)).Reliable)
	assert.False(t, scoring.ReliableChange(n, 40, 40+smallestChange(16.1, 0.92)-0.01).Reliable)
}

// TestNormsDoc checks every figure that docs/norms.md quotes: the command's
// table for both shipped quizzes, the norms the files carry with the
// smallest reliable change they imply, how often each result came out, and
// the short form's items inside the long form's simulation.
func TestNormsDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "norms.md"))
	require.NoError(t, err)
	doc := string(data)
	qs, err := loadQuizzes("")
	require.NoError(t, err)
	long, err := findQuiz(qs, "relationship-spectrum")
	require.NoError(t, err)
	short, err := findQuiz(qs, "relationship-spectrum-short")
	require.NoError(t, err)

	printed := map[string]string{}
	for _, q := range []*quiz.Quiz{long, short} {
		stdout, stderr, err := runOnce(t, []string{"norms", "-simulate", "2000", "-seed", "1", q.ID}, env(nil))
		require.NoError(t, err, stderr)
		printed[q.ID] = stdout
	}
	quizByID := map[string]*quiz.Quiz{long.ID: long, short.ID: short}
	keying := func(q *quiz.Quiz, scale string) int {
		n := 0
		for _, it := range q.Items() {
			for _, k := range it.Keys {
				if k.Scale == scale {
					n++
				}
			}
		}
		return n
	}

	t.Run("CommandTable", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Quiz | Scale | Items | n | Mean | SD | Alpha | Change |")
		seen := map[string]bool{}
		for _, r := range rows {
			require.Len(t, r, 8, r)
			q, ok := quizByID[r[0]]
			require.True(t, ok, "unknown quiz %q", r[0])
			seen[r[0]+"/"+r[1]] = true
			assert.Equal(t, strconv.Itoa(keying(q, r[1])), r[2], "items of %s/%s", r[0], r[1])
			// The command's row: scale n mean sd alpha alpha-n change ...
			f := tableRow(t, printed[r[0]], r[1])
			assert.Equal(t, []string{f[1], f[2], f[3], f[4], f[6]}, r[3:8], "%s/%s", r[0], r[1])
		}
		for _, q := range []*quiz.Quiz{long, short} {
			for _, s := range q.Scales {
				assert.True(t, seen[q.ID+"/"+s.ID], "docs/norms.md has no row for %s/%s", q.ID, s.ID)
			}
		}
	})
	t.Run("FileNorms", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Quiz | Scale | mean | sd | reliability | provisional | smallest reliable change |")
		seen := map[string]bool{}
		for _, r := range rows {
			require.Len(t, r, 7, r)
			q, ok := quizByID[r[0]]
			require.True(t, ok, "unknown quiz %q", r[0])
			s, ok := q.ScaleByID(r[1])
			require.True(t, ok, "unknown scale %s/%s", r[0], r[1])
			require.NotNil(t, s.Norms, "%s/%s has no norms in the file", r[0], r[1])
			seen[r[0]+"/"+r[1]] = true
			n := s.Norms
			assert.Equal(t, []string{
				strconv.FormatFloat(n.Mean, 'f', 1, 64),
				strconv.FormatFloat(n.SD, 'f', 1, 64),
				strconv.FormatFloat(n.Reliability, 'f', 2, 64),
				strconv.FormatBool(n.Provisional),
				strconv.FormatFloat(smallestChange(n.SD, n.Reliability), 'f', 1, 64),
			}, r[2:7], "%s/%s", r[0], r[1])
			// And the doc's figure is the formula's, worked out here
			// without the command's helper.
			want := 1.96 * math.Sqrt(2) * n.SD * math.Sqrt(1-n.Reliability)
			assert.Equal(t, strconv.FormatFloat(want, 'f', 1, 64), r[6], "%s/%s", r[0], r[1])
		}
		for _, q := range []*quiz.Quiz{long, short} {
			for _, s := range q.Scales {
				if s.Norms != nil {
					assert.True(t, seen[q.ID+"/"+s.ID], "docs/norms.md has no row for the norms of %s/%s", q.ID, s.ID)
				}
			}
		}
	})
	t.Run("Results", func(t *testing.T) {
		rows := doctest.Table(t, doc, "| Result | relationship-spectrum | relationship-spectrum-short |")
		require.Len(t, rows, len(long.Results))
		for i, r := range rows {
			require.Len(t, r, 3, r)
			assert.Equal(t, long.Results[i].ID, r[0])
			assert.Equal(t, tableRow(t, printed[long.ID], r[0])[2], r[1], r[0])
			assert.Equal(t, tableRow(t, printed[short.ID], r[0])[2], r[2], r[0])
		}
	})
	t.Run("ShortFormInsideTheLongModel", func(t *testing.T) {
		// The short form's 12 items, answered by the long form's simulated
		// respondents: the same items under the long form's assumptions.
		keep := map[string]bool{}
		for _, it := range short.Items() {
			keep[it.ID] = true
		}
		var inside []scoring.Answers
		for _, a := range scoring.Simulate(long, 2000, 1) {
			b := scoring.Answers{}
			for id, v := range a {
				if keep[id] {
					b[id] = v
				}
			}
			inside = append(inside, b)
		}
		own := scoring.Describe(short, scoring.Simulate(short, 2000, 1))
		in := scoring.Describe(short, inside)
		rows := doctest.Table(t, doc, "| Scale | alpha, short file simulated alone | alpha, the same items in the long form's simulation | sd there | smallest reliable change there |")
		require.Len(t, rows, len(short.Scales))
		for i, r := range rows {
			require.Len(t, r, 5, r)
			assert.Equal(t, short.Scales[i].ID, r[0])
			sd, rel := round(in[i].SD, 1), round(in[i].Alpha, 2)
			assert.Equal(t, []string{
				strconv.FormatFloat(own[i].Alpha, 'f', 3, 64),
				strconv.FormatFloat(in[i].Alpha, 'f', 3, 64),
				strconv.FormatFloat(sd, 'f', 1, 64),
				strconv.FormatFloat(smallestChange(sd, rel), 'f', 1, 64),
			}, r[1:5], r[0])
		}
	})
}
