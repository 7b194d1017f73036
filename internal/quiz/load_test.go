package quiz_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/quizzes"
)

// base is the smallest valid quiz. Most broken cases below are one edit of
// it, so its line numbers matter: keep them in the comments in step.
const base = `id: mini
version: 1
title: Mini
scale:
  min: 0
  max: 4
  labels: [Never, Rarely, Sometimes, Often, Always]
scales:
  - id: close
    name: Closeness
  - id: apart
    name: Apart
sections:
  - id: one
    title: One
    items:
      - id: a1
        text: First.
        keys: {close: 1, apart: -1}
      - id: a2
        text: Second.
        keys: {apart: 0.5}
results:
  - id: near
    title: Near
    summary: Close together.
    when: {close: {min: 50}}
  - id: balanced
    title: Balanced
    summary: In balance.
`

// full uses every optional part of the format.
const full = `# A comment before the quiz.
id: mini-quiz
version: 3
title: Mini quiz
summary: A small quiz.
language: pt-br
minutes: 7
disclaimer: >-
  Not a
  diagnosis.
scale:
  min: 0
  max: 4
  labels: [Never, Rarely, Sometimes, Often, Always]
scales:
  - id: close
    name: Closeness
    description: Wanting to be near.
    norms:
      mean: 48.5
      sd: 16
      reliability: 0.82
      source: Pilot, n = 12
      provisional: true
  - id: apart
    name: Apart
  - id: self
    name: Self
sections:
  - id: one
    title: One
    intro: Start here.
    items:
      - id: a1
        text: First.
        keys: {close: -1, apart: 2, self: 0.5}
      - id: a2
        text: Second.
        keys: {self: 1}
        optional: true
  - id: two
    title: Two
    items:
      - id: b1
        text: Third.
        keys: {apart: 1}
        optional: false
      - id: s1
        text: I am afraid of my partner.
        optional: true
results:
  - id: near
    title: Near
    summary: Close together.
    body: |
      One.

      Two.
    next_steps:
      - Breathe.
      - Walk.
    when: {close: {min: 50}, apart: {max: 40}}
  - id: mid
    title: Mid
    summary: In the middle.
    when: {self: {min: 20.5, max: 60}}
  - id: balanced
    title: Balanced
    summary: In balance.
spectrum:
  left: close
  right: apart
  middle: Both
  cut: 62.5
map:
  x: apart
  y: close
support:
  - id: safety
    title: Your safety comes first
    message: |
      You deserve to feel safe.

      Help is there.
    resources:
      - name: Local helpline
        url: https://example.org/help
        phone: "0800 000 000"
        region: GB
      - name: Worldwide
        url: https://example.com/
        region: international
      - name: Plain
        url: https://example.net
    items: [s1, b1]
    min: 3
  - id: low
    title: Low
    message: Someone to talk to.
    resources: [{name: Friends, url: "https://example.org/friends"}]
    items: [s1]
    min: 0
`

// aliased reuses nodes through anchors and aliases, as an author may.
const aliased = `id: mini
version: 1
title: &title Mini
summary: *title
scale:
  min: 1
  max: 3
  labels: &labels [Low, Mid, High]
scales:
  - id: close
    name: &name Closeness
  - id: apart
    name: *name
sections:
  - id: one
    title: One
    items:
      - id: a1
        text: First.
        keys: &both {close: 1, apart: -1}
      - id: a2
        text: Second.
        keys: *both
results:
  - id: near
    title: Near
    summary: Close.
    when: &near {close: {min: 50}}
  - id: nearer
    title: Nearer
    summary: Closer.
    when: *near
  - id: balanced
    title: Balanced
    summary: In balance.
`

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestParse_OK(t *testing.T) {
	tests := []struct {
		name string
		data string
		want quiz.Quiz // File, Source and Hash are filled in from data
	}{
		{
			name: "Minimal",
			data: base,
			want: quiz.Quiz{
				ID: "mini", Version: 1, Title: "Mini",
				Language: "en", // the default
				Scale: quiz.AnswerScale{Min: 0, Max: 4,
					Labels: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}},
				Scales: []quiz.Scale{{ID: "close", Name: "Closeness"}, {ID: "apart", Name: "Apart"}},
				Sections: []quiz.Section{{ID: "one", Title: "One", Items: []quiz.Item{
					{ID: "a1", Text: "First.", Keys: []quiz.Key{{Scale: "close", Weight: 1}, {Scale: "apart", Weight: -1}}},
					{ID: "a2", Text: "Second.", Keys: []quiz.Key{{Scale: "apart", Weight: 0.5}}},
				}}},
				Results: []quiz.Result{
					{ID: "near", Title: "Near", Summary: "Close together.",
						When: []quiz.Condition{{Scale: "close", Min: 50, Max: 100}}},
					{ID: "balanced", Title: "Balanced", Summary: "In balance."},
				},
			},
		},
		{
			name: "Full",
			data: full,
			want: quiz.Quiz{
				ID: "mini-quiz", Version: 3, Title: "Mini quiz", Summary: "A small quiz.",
				Language: "pt-BR", Minutes: 7, Disclaimer: "Not a diagnosis.",
				Scale: quiz.AnswerScale{Min: 0, Max: 4,
					Labels: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}},
				Scales: []quiz.Scale{
					{ID: "close", Name: "Closeness", Description: "Wanting to be near.",
						Norms: &quiz.Norms{Mean: 48.5, SD: 16, Reliability: 0.82, Source: "Pilot, n = 12", Provisional: true}},
					{ID: "apart", Name: "Apart"},
					{ID: "self", Name: "Self"},
				},
				Sections: []quiz.Section{
					{ID: "one", Title: "One", Intro: "Start here.", Items: []quiz.Item{
						{ID: "a1", Text: "First.", Keys: []quiz.Key{
							{Scale: "close", Weight: -1}, {Scale: "apart", Weight: 2}, {Scale: "self", Weight: 0.5}}},
						{ID: "a2", Text: "Second.", Keys: []quiz.Key{{Scale: "self", Weight: 1}}, Optional: true},
					}},
					{ID: "two", Title: "Two", Items: []quiz.Item{
						{ID: "b1", Text: "Third.", Keys: []quiz.Key{{Scale: "apart", Weight: 1}}},
						{ID: "s1", Text: "I am afraid of my partner.", Optional: true}, // no keys
					}},
				},
				Results: []quiz.Result{
					{ID: "near", Title: "Near", Summary: "Close together.", Body: "One.\n\nTwo.",
						NextSteps: []string{"Breathe.", "Walk."},
						When: []quiz.Condition{
							{Scale: "close", Min: 50, Max: 100, MaxGiven: false},
							{Scale: "apart", Min: 0, Max: 40, MaxGiven: true},
						}},
					{ID: "mid", Title: "Mid", Summary: "In the middle.",
						When: []quiz.Condition{{Scale: "self", Min: 20.5, Max: 60, MaxGiven: true}}},
					{ID: "balanced", Title: "Balanced", Summary: "In balance."},
				},
				Spectrum: &quiz.Spectrum{Left: "close", Right: "apart", Middle: "Both", Cut: 62.5},
				Map:      &quiz.Map{X: "apart", Y: "close"},
				Support: []quiz.SupportFlag{
					{
						ID: "safety", Title: "Your safety comes first",
						Message: "You deserve to feel safe.\n\nHelp is there.",
						Resources: []quiz.Resource{
							{Name: "Local helpline", URL: "https://example.org/help", Phone: "0800 000 000", Region: "GB"},
							{Name: "Worldwide", URL: "https://example.com/", Region: quiz.RegionInternational},
							{Name: "Plain", URL: "https://example.net"},
						},
						Items: []string{"s1", "b1"}, Min: 3,
					},
					{
						ID: "low", Title: "Low", Message: "Someone to talk to.",
						Resources: []quiz.Resource{{Name: "Friends", URL: "https://example.org/friends"}},
						Items:     []string{"s1"}, Min: 0,
					},
				},
			},
		},
		{
			name: "Aliases",
			data: aliased,
			want: quiz.Quiz{
				ID: "mini", Version: 1, Title: "Mini", Summary: "Mini", Language: "en",
				Scale:  quiz.AnswerScale{Min: 1, Max: 3, Labels: []string{"Low", "Mid", "High"}},
				Scales: []quiz.Scale{{ID: "close", Name: "Closeness"}, {ID: "apart", Name: "Closeness"}},
				Sections: []quiz.Section{{ID: "one", Title: "One", Items: []quiz.Item{
					{ID: "a1", Text: "First.", Keys: []quiz.Key{{Scale: "close", Weight: 1}, {Scale: "apart", Weight: -1}}},
					{ID: "a2", Text: "Second.", Keys: []quiz.Key{{Scale: "close", Weight: 1}, {Scale: "apart", Weight: -1}}},
				}}},
				Results: []quiz.Result{
					{ID: "near", Title: "Near", Summary: "Close.",
						When: []quiz.Condition{{Scale: "close", Min: 50, Max: 100}}},
					{ID: "nearer", Title: "Nearer", Summary: "Closer.",
						When: []quiz.Condition{{Scale: "close", Min: 50, Max: 100}}},
					{ID: "balanced", Title: "Balanced", Summary: "In balance."},
				},
			},
		},
		{
			// Sections and results may name scales declared further down.
			name: "ScalesLast",
			data: "id: late\nversion: 2\ntitle: Late\nscale: {min: -1, max: 1, labels: [No, Maybe, Yes]}\n" +
				"results: [{id: only, title: Only, summary: Always.}]\n" +
				"sections: [{id: s, title: S, items: [{id: i, text: I., keys: {x: 1, y: -0.25}}]}]\n" +
				"map: {x: y, y: x}\n" +
				"scales: [{id: x, name: X}, {id: y, name: Y, norms: {mean: 100, sd: 0.1, reliability: 0.99}}]\n",
			want: quiz.Quiz{
				ID: "late", Version: 2, Title: "Late", Language: "en",
				Scale: quiz.AnswerScale{Min: -1, Max: 1, Labels: []string{"No", "Maybe", "Yes"}},
				Scales: []quiz.Scale{{ID: "x", Name: "X"},
					{ID: "y", Name: "Y", Norms: &quiz.Norms{Mean: 100, SD: 0.1, Reliability: 0.99}}},
				Sections: []quiz.Section{{ID: "s", Title: "S", Items: []quiz.Item{
					{ID: "i", Text: "I.", Keys: []quiz.Key{{Scale: "x", Weight: 1}, {Scale: "y", Weight: -0.25}}},
				}}},
				Results: []quiz.Result{{ID: "only", Title: "Only", Summary: "Always."}},
				Map:     &quiz.Map{X: "y", Y: "x"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			q, err := quiz.Parse("q.yaml", data)
			require.NoError(t, err)
			require.NotNil(t, q)

			want := tt.want
			want.File = "q.yaml"
			want.Source = data
			want.Hash = sha256Hex(data)
			assert.Equal(t, &want, q)
			checkQuiz(t, q)
		})
	}
}

// TestParse_Defaults pins the values a file may leave out.
func TestParse_Defaults(t *testing.T) {
	q, err := quiz.Parse("q.yaml", []byte(base))
	require.NoError(t, err)
	assert.Equal(t, "en", q.Language)
	assert.Equal(t, 0, q.Minutes)
	assert.Empty(t, q.Summary)
	assert.Empty(t, q.Disclaimer)
	assert.Nil(t, q.Spectrum)
	assert.Nil(t, q.Map)
	assert.Nil(t, q.Scales[0].Norms)
	assert.False(t, q.Sections[0].Items[0].Optional, "items are required by default")
	assert.Equal(t, []int{0, 1, 2, 3, 4}, q.Scale.Values())
	assert.Equal(t, "Never", q.Scale.Label(0))
	assert.Equal(t, "Always", q.Scale.Label(4))
	assert.False(t, q.Scale.Contains(5))
	assert.False(t, q.Scale.Contains(-1))
	assert.True(t, q.Scale.Contains(0))
	assert.Nil(t, q.Support)
}

// TestParse_V2 checks the additions of format v2 that a valid file may use:
// the spectrum's cut, provisional norms, support flags and keyless items.
func TestParse_V2(t *testing.T) {
	tests := []struct {
		name  string
		edits []string // applied to base, as in problemCase
		check func(t *testing.T, q *quiz.Quiz)
	}{
		{
			name:  "CutDefault",
			edits: spectrum("{left: close, right: apart}"),
			check: func(t *testing.T, q *quiz.Quiz) {
				require.NotNil(t, q.Spectrum)
				assert.Equal(t, 50.0, q.Spectrum.Cut)
				assert.Equal(t, float64(quiz.DefaultCut), q.Spectrum.Cut)
			},
		},
		{
			name:  "CutGiven",
			edits: spectrum("{left: close, right: apart, cut: 55}"),
			check: func(t *testing.T, q *quiz.Quiz) { assert.Equal(t, 55.0, q.Spectrum.Cut) },
		},
		{
			name:  "CutFraction",
			edits: spectrum("{left: close, right: apart, cut: 0.5}"),
			check: func(t *testing.T, q *quiz.Quiz) { assert.Equal(t, 0.5, q.Spectrum.Cut) },
		},
		{
			name:  "CutNearTop",
			edits: spectrum("{left: close, right: apart, cut: 99.9}"),
			check: func(t *testing.T, q *quiz.Quiz) { assert.Equal(t, 99.9, q.Spectrum.Cut) },
		},
		{
			name:  "NormsProvisional",
			edits: norms("{mean: 48, sd: 16, reliability: 0.8, provisional: true}"),
			check: func(t *testing.T, q *quiz.Quiz) {
				assert.Equal(t, &quiz.Norms{Mean: 48, SD: 16, Reliability: 0.8, Provisional: true}, q.Scales[0].Norms)
			},
		},
		{
			name:  "NormsNotProvisional",
			edits: norms("{mean: 48, sd: 16, reliability: 0.8, provisional: false, source: Provisional data}"),
			check: func(t *testing.T, q *quiz.Quiz) {
				// The key, when given, decides.
				assert.False(t, q.Scales[0].Norms.Provisional)
			},
		},
		{
			name:  "NormsProvisionalDefault",
			edits: norms("{mean: 48, sd: 16, reliability: 0.8, source: A pilot that was provisional}"),
			check: func(t *testing.T, q *quiz.Quiz) { assert.False(t, q.Scales[0].Norms.Provisional) },
		},
		{
			// Files written before the key existed said it in the source.
			name:  "NormsProvisionalLegacySource",
			edits: norms("{mean: 48, sd: 16, reliability: 0.8, source: 'Provisional: simulated respondents'}"),
			check: func(t *testing.T, q *quiz.Quiz) { assert.True(t, q.Scales[0].Norms.Provisional) },
		},
		{
			// The flag lists a keyed item: it both scores and raises.
			name:  "SupportKeyedItem",
			edits: support("", ""),
			check: func(t *testing.T, q *quiz.Quiz) {
				assert.Equal(t, []quiz.SupportFlag{{
					ID: "safety", Title: "Your safety", Message: "You matter.",
					Resources: []quiz.Resource{{Name: "Helpline", URL: "https://example.org/help"}},
					Items:     []string{"a2"}, Min: 3,
				}}, q.Support)
				assert.Equal(t, []quiz.Key{{Scale: "apart", Weight: 0.5}}, q.Sections[0].Items[1].Keys)
			},
		},
		{
			name:  "KeylessItem",
			edits: append([]string{"        text: Second.\n        keys: {apart: 0.5}\n", "        text: Second.\n"}, support("", "")...),
			check: func(t *testing.T, q *quiz.Quiz) {
				assert.Equal(t, quiz.Item{ID: "a2", Text: "Second."}, q.Sections[0].Items[1])
				assert.Empty(t, q.Sections[0].Items[1].Keys)
			},
		},
		{
			name:  "KeylessItemEmptyKeys",
			edits: append([]string{"{apart: 0.5}", "{}"}, support("", "")...),
			check: func(t *testing.T, q *quiz.Quiz) { assert.Empty(t, q.Sections[0].Items[1].Keys) },
		},
		{
			// The support flags may come first, and an item's keys before
			// its id.
			name: "KeylessItemSupportFirst",
			edits: []string{
				"id: mini\n", "support: [{id: s, title: S, message: M., resources: [{name: N, url: 'https://x.org'}], items: [a2], min: 0}]\nid: mini\n",
				"      - id: a2\n        text: Second.\n        keys: {apart: 0.5}\n", "      - keys: {}\n        id: a2\n        text: Second.\n",
			},
			check: func(t *testing.T, q *quiz.Quiz) {
				require.Len(t, q.Support, 1)
				assert.Equal(t, []string{"a2"}, q.Support[0].Items)
				assert.Equal(t, quiz.Item{ID: "a2", Text: "Second."}, q.Sections[0].Items[1])
			},
		},
		{
			// One item in two flags, and min at either end of the scale.
			name: "SupportTwoFlags",
			edits: support("    min: 3\n", "    min: 4\n  - id: talk\n    title: Talk\n    message: M.\n"+
				"    resources: [{name: N, url: 'https://x.org', phone: '+44 1', region: international}]\n"+
				"    items: [a2, a1]\n    min: 0\n"),
			check: func(t *testing.T, q *quiz.Quiz) {
				require.Len(t, q.Support, 2)
				assert.Equal(t, "safety", q.Support[0].ID)
				assert.Equal(t, 4, q.Support[0].Min)
				assert.Equal(t, quiz.SupportFlag{ID: "talk", Title: "Talk", Message: "M.",
					Resources: []quiz.Resource{{Name: "N", URL: "https://x.org", Phone: "+44 1", Region: "international"}},
					Items:     []string{"a2", "a1"}, Min: 0}, q.Support[1])
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := problemCase{edits: tt.edits}.file(t)
			q, err := quiz.Parse("q.yaml", data)
			require.NoError(t, err)
			checkQuiz(t, q)
			tt.check(t, q)
		})
	}
}

// Fixes quoted by many cases below.
const (
	fixSlug    = "use lower-case letters, digits and single hyphens, for example "
	fixTopKeys = "use one of: id, version, title, summary, language, minutes, disclaimer, " +
		"scale, scales, sections, results, spectrum, map, support"
	fixItemID   = "give each item its own id across the whole quiz: answers are stored by it"
	fixWhole    = "write a whole number such as 1, without quotes"
	fixNumber   = "write a number such as 1 or 0.5, without quotes"
	fixRel      = "give a reliability such as Cronbach's alpha, between 0 and 1 (for example 0.82)"
	fixSD       = "give the standard deviation of the 0..100 score, a number above 0"
	fixBound    = "scores run from 0 to 100"
	fixDeclare  = " (or declare it under `scales`)"
	fixUnkeyed  = "key at least one item to it, or remove the scale"
	fixNotPairs = "write it as `key: value` lines, indented under its name"
	fixSyntax   = "check the indentation and quoting around this place"
	fixEmpty    = "start from the example in docs/quiz-format.md"
	whatNoKeys  = "only an item that a support flag lists may have none"
	fixNoKeys   = "key it to at least one scale, for example {codependence: 1}, " +
		"or list it in the `items` of a support flag"
)

// problemCase is one broken file and every problem Parse must report for
// it, in order, each as "file:line:col: what — fix".
type problemCase struct {
	name  string
	data  string   // the whole file; or, when empty,
	edits []string // pairs of old and new text applied to base
	want  []string
}

// file returns the case's bytes. Each old text must occur exactly once in
// base, so an edit of base cannot silently miss.
func (c problemCase) file(tb testing.TB) []byte {
	tb.Helper()
	if c.edits == nil {
		return []byte(c.data)
	}
	require.Zero(tb, len(c.edits)%2, "edits come in old, new pairs")
	s := base
	for i := 0; i < len(c.edits); i += 2 {
		require.Equal(tb, 1, strings.Count(s, c.edits[i]), "%q must occur once", c.edits[i])
		s = strings.Replace(s, c.edits[i], c.edits[i+1], 1)
	}
	return []byte(s)
}

// norms adds norms to the scale "close" of base, on line 11.
func norms(flow string) []string {
	return []string{"    name: Closeness\n", "    name: Closeness\n    norms: " + flow + "\n"}
}

// spectrum adds a spectrum to base, on line 31.
func spectrum(flow string) []string {
	return []string{"    summary: In balance.\n", "    summary: In balance.\nspectrum: " + flow + "\n"}
}

// supportBlock is a valid support flag for base, from line 31 on.
const supportBlock = `support:
  - id: safety
    title: Your safety
    message: You matter.
    resources:
      - name: Helpline
        url: https://example.org/help
    items: [a2]
    min: 3
`

// support adds supportBlock to base, with old replaced by new in it (once;
// an empty old changes nothing).
func support(old, new string) []string {
	block := supportBlock
	if old != "" {
		if strings.Count(block, old) != 1 {
			panic(fmt.Sprintf("%q must occur once in supportBlock", old))
		}
		block = strings.Replace(block, old, new, 1)
	}
	return []string{"    summary: In balance.\n", "    summary: In balance.\n" + block}
}

// A second section for base, starting on line 23.
const secondSection = `        keys: {apart: 0.5}
  - id: %s
    title: Two
    items:
      - id: %s
        text: Third.
        keys: {close: 1}
`

var problemCases = []problemCase{
	// Unknown keys.
	{
		name:  "UnknownKeyTop",
		edits: []string{"title: Mini", "titel: Mini"},
		want: []string{
			"q.yaml:1:1: the quiz has no \"title\" — add `title:` to it",
			`q.yaml:3:1: unknown key "titel" in the quiz — did you mean "title"?`,
		},
	},
	{
		name:  "UnknownKeyTopNoSuggestion",
		edits: []string{"title: Mini\n", "title: Mini\ncolour: red\n"},
		want:  []string{`q.yaml:4:1: unknown key "colour" in the quiz — ` + fixTopKeys},
	},
	{
		name:  "UnknownKeyInItem",
		edits: []string{"        text: First.", "        txt: First."},
		want: []string{
			"q.yaml:17:9: item \"a1\" has no \"text\" — add `text:` to it",
			`q.yaml:18:9: unknown key "txt" in item "a1" — did you mean "text"?`,
		},
	},
	{
		name:  "UnknownKeyInScale",
		edits: []string{"  max: 4\n", "  max: 4\n  step: 1\n"},
		want:  []string{`q.yaml:7:3: unknown key "step" in scale — use one of: min, max, labels`},
	},
	{
		name:  "UnknownKeyInCondition",
		edits: []string{"{close: {min: 50}}", "{close: {mn: 50}}"},
		want:  []string{`q.yaml:27:20: unknown key "mn" in the condition on "close" — did you mean "min"?`},
	},

	// Duplicates.
	{
		name:  "DuplicateYAMLKey",
		edits: []string{"version: 1\n", "version: 1\nversion: 2\n"},
		want:  []string{`q.yaml:3:1: the quiz has "version" twice (first on line 2) — keep one of them`},
	},
	{
		name:  "DuplicateKeyInKeys",
		edits: []string{"{apart: 0.5}", "{apart: 0.5, apart: 1}"},
		want:  []string{`q.yaml:22:28: item "a2" keys has "apart" twice (first on line 22) — keep one of them`},
	},
	{
		name:  "DuplicateScaleID",
		edits: []string{"    name: Apart\n", "    name: Apart\n  - id: close\n    name: Again\n"},
		want:  []string{`q.yaml:13:9: scale id "close" is used twice (first on line 9) — give each scale its own id`},
	},
	{
		name:  "DuplicateSectionID",
		edits: []string{"        keys: {apart: 0.5}\n", fmt.Sprintf(secondSection, "one", "b1")},
		want:  []string{`q.yaml:23:9: section id "one" is used twice (first on line 14) — give each section its own id`},
	},
	{
		name:  "DuplicateItemIDAcrossSections",
		edits: []string{"        keys: {apart: 0.5}\n", fmt.Sprintf(secondSection, "two", "a1")},
		want:  []string{`q.yaml:26:13: item id "a1" is used twice (first on line 17) — ` + fixItemID},
	},
	{
		// Every repeat points at the first use, not at the one before.
		name: "ItemIDThreeTimes",
		edits: []string{
			"      - id: a2", "      - id: a1",
			"        keys: {apart: 0.5}\n", "        keys: {apart: 0.5}\n      - id: a1\n        text: Third.\n        keys: {close: 1}\n",
		},
		want: []string{
			`q.yaml:20:13: item id "a1" is used twice (first on line 17) — ` + fixItemID,
			`q.yaml:23:13: item id "a1" is used twice (first on line 17) — ` + fixItemID,
		},
	},
	{
		name:  "DuplicateResultID",
		edits: []string{"  - id: balanced", "  - id: near"},
		want:  []string{`q.yaml:28:9: result id "near" is used twice (first on line 24) — give each result its own id`},
	},

	// Ids that are not slugs.
	{
		name:  "IDUppercase",
		edits: []string{"id: mini", "id: Mini"},
		want:  []string{`q.yaml:1:5: the quiz id "Mini" is not a valid id — ` + fixSlug + `"mini"`},
	},
	{
		name:  "IDSpace",
		edits: []string{"id: mini", "id: my quiz"},
		want:  []string{`q.yaml:1:5: the quiz id "my quiz" is not a valid id — ` + fixSlug + `"my-quiz"`},
	},
	{
		name:  "IDTrailingHyphen",
		edits: []string{"id: mini", "id: mini-"},
		want:  []string{`q.yaml:1:5: the quiz id "mini-" is not a valid id — ` + fixSlug + `"mini"`},
	},
	{
		name:  "IDLeadingHyphen",
		edits: []string{"id: mini", "id: -mini"},
		want:  []string{`q.yaml:1:5: the quiz id "-mini" is not a valid id — ` + fixSlug + `"mini"`},
	},
	{
		name:  "IDDoubleHyphen",
		edits: []string{"id: mini", "id: mi--ni"},
		want:  []string{`q.yaml:1:5: the quiz id "mi--ni" is not a valid id — ` + fixSlug + `"mi-ni"`},
	},
	{
		name:  "IDOnlySymbols",
		edits: []string{"id: mini", "id: '%%'"},
		want:  []string{`q.yaml:1:5: the quiz id "%%" is not a valid id — ` + fixSlug + `"my-quiz"`},
	},
	{
		name:  "IDEmpty",
		edits: []string{"id: mini", `id: ""`},
		want:  []string{"q.yaml:1:5: the quiz id is empty — write the text after the colon"},
	},
	{
		name:  "SectionIDUppercase",
		edits: []string{"  - id: one", "  - id: One"},
		want:  []string{`q.yaml:14:9: section id "One" is not a valid id — ` + fixSlug + `"one"`},
	},
	{
		name:  "ItemIDUnderscore",
		edits: []string{"      - id: a1", "      - id: a_1"},
		want:  []string{`q.yaml:17:13: item id "a_1" is not a valid id — ` + fixSlug + `"a-1"`},
	},
	{
		name:  "ResultIDSymbol",
		edits: []string{"  - id: near", "  - id: near!"},
		want:  []string{`q.yaml:24:9: result id "near!" is not a valid id — ` + fixSlug + `"near"`},
	},

	// Version and answer scale.
	{
		name:  "VersionZero",
		edits: []string{"version: 1", "version: 0"},
		want:  []string{"q.yaml:2:10: version must be 1 or more — start at 1 and raise it when items or scoring change"},
	},
	{
		name:  "VersionText",
		edits: []string{"version: 1", `version: "1"`},
		want:  []string{`q.yaml:2:10: version should be a whole number, not the text "1" — ` + fixWhole},
	},
	{
		name:  "VersionFraction",
		edits: []string{"version: 1", "version: 1.5"},
		want:  []string{"q.yaml:2:10: version should be a whole number, not the number 1.5 — " + fixWhole},
	},
	{
		name:  "MinutesZero",
		edits: []string{"title: Mini\n", "title: Mini\nminutes: 0\n"},
		want:  []string{"q.yaml:4:10: minutes must be 1 or more — give the estimated time in whole minutes, at least 1"},
	},
	{
		name:  "ScaleMinEqualsMax",
		edits: []string{"  min: 0", "  min: 4"},
		want: []string{"q.yaml:5:3: scale.min (4) must be smaller than scale.max (4) — " +
			"make min smaller than max, for example min: 1 and max: 5"},
	},
	{
		name:  "ScaleMinAboveMax",
		edits: []string{"  min: 0\n  max: 4", "  min: 5\n  max: 1"},
		want: []string{"q.yaml:5:3: scale.min (5) must be smaller than scale.max (1) — " +
			"make min smaller than max, for example min: 1 and max: 5"},
	},
	{
		name:  "ScaleMinText",
		edits: []string{"  min: 0", "  min: one"},
		want:  []string{`q.yaml:5:8: scale.min should be a whole number, not the text "one" — ` + fixWhole},
	},
	{
		name:  "LabelsTooFew",
		edits: []string{"[Never, Rarely, Sometimes, Often, Always]", "[Never, Rarely, Often, Always]"},
		want: []string{"q.yaml:7:11: scale.labels has 4 labels but the scale has 5 answers — " +
			"give exactly 5 labels, one for each answer from 0 to 4"},
	},
	{
		name:  "LabelsTooMany",
		edits: []string{"[Never, Rarely, Sometimes, Often, Always]", "[Never, Rarely, Sometimes, Often, Always, Ever]"},
		want: []string{"q.yaml:7:11: scale.labels has 6 labels but the scale has 5 answers — " +
			"give exactly 5 labels, one for each answer from 0 to 4"},
	},
	{
		name:  "LabelsEmpty",
		edits: []string{"[Never, Rarely, Sometimes, Often, Always]", "[]"},
		want:  []string{"q.yaml:7:11: scale.labels is empty — add at least one entry"},
	},

	// Keys.
	{
		name:  "WeightZero",
		edits: []string{"{apart: 0.5}", "{apart: 0}"},
		want: []string{`q.yaml:22:23: the weight of "apart" is 0 — ` +
			"use 1 (agreeing raises the scale) or -1 (agreeing lowers it), or remove the key"},
	},
	{
		name:  "WeightText",
		edits: []string{"{apart: 0.5}", "{apart: half}"},
		want:  []string{`q.yaml:22:23: the weight of "apart" should be a number, not the text "half" — ` + fixNumber},
	},
	{
		name:  "WeightQuoted",
		edits: []string{"{apart: 0.5}", `{apart: "1"}`},
		want:  []string{`q.yaml:22:23: the weight of "apart" should be a number, not the text "1" — ` + fixNumber},
	},
	{
		name:  "WeightNaN",
		edits: []string{"{apart: 0.5}", "{apart: .nan}"},
		want:  []string{`q.yaml:22:23: the weight of "apart" should be a number, not the number .nan — ` + fixNumber},
	},
	{
		name:  "WeightInf",
		edits: []string{"{apart: 0.5}", "{apart: -.inf}"},
		want:  []string{`q.yaml:22:23: the weight of "apart" should be a number, not the number -.inf — ` + fixNumber},
	},
	{
		name:  "WeightHuge",
		edits: []string{"{apart: 0.5}", "{apart: -1e308}"},
		want: []string{`q.yaml:22:23: the weight of "apart" is -1e+308 — ` +
			"weights are relative: use numbers such as 1, 2 or 0.5, at most 1000"},
	},
	{
		name:  "KeyUndeclaredScale",
		edits: []string{"{apart: 0.5}", "{apart: 0.5, clsoe: 1}"},
		want: []string{`q.yaml:22:28: scale "clsoe" in the keys of item "a2" is not declared — ` +
			`did you mean "close"?` + fixDeclare},
	},
	{
		name:  "ScaleNotKeyed",
		edits: []string{"    name: Apart\n", "    name: Apart\n  - id: spare\n    name: Spare\n"},
		want: []string{`q.yaml:13:9: no item is keyed to scale "spare", so it could never have a score — ` +
			fixUnkeyed},
	},
	{
		name:  "KeysEmpty",
		edits: []string{"{apart: 0.5}", "{}"},
		want:  []string{`q.yaml:22:15: item "a2" has no keys; ` + whatNoKeys + " — " + fixNoKeys},
	},
	{
		name:  "KeysList",
		edits: []string{"{apart: 0.5}", "[apart]"},
		want: []string{`q.yaml:22:15: item "a2" keys should be a set of ` + "`key: value`" +
			" pairs, not a list — " + fixNotPairs},
	},
	{
		name:  "OptionalYes",
		edits: []string{"        text: Second.\n", "        text: Second.\n        optional: yes\n"},
		want:  []string{`q.yaml:22:19: item "a2" optional should be true or false, not the text "yes" — write true or false`},
	},

	// Missing required keys.
	{
		name:  "MissingID",
		edits: []string{"id: mini\n", ""},
		want:  []string{"q.yaml:1:1: the quiz has no \"id\" — add `id:` to it"},
	},
	{
		name:  "MissingVersion",
		edits: []string{"version: 1\n", ""},
		want:  []string{"q.yaml:1:1: the quiz has no \"version\" — add `version:` to it"},
	},
	{
		name:  "MissingTitle",
		edits: []string{"title: Mini\n", ""},
		want:  []string{"q.yaml:1:1: the quiz has no \"title\" — add `title:` to it"},
	},
	{
		name:  "MissingScale",
		edits: []string{"scale:\n  min: 0\n  max: 4\n  labels: [Never, Rarely, Sometimes, Often, Always]\n", ""},
		want:  []string{"q.yaml:1:1: the quiz has no \"scale\" — add `scale:` to it"},
	},
	{
		name:  "MissingScales",
		edits: []string{"scales:\n  - id: close\n    name: Closeness\n  - id: apart\n    name: Apart\n", ""},
		want: []string{
			"q.yaml:1:1: the quiz has no \"scales\" — add `scales:` to it",
			`q.yaml:14:16: scale "close" in the keys of item "a1" is not declared — declare it under ` + "`scales`",
			`q.yaml:14:26: scale "apart" in the keys of item "a1" is not declared — declare it under ` + "`scales`",
			`q.yaml:17:16: scale "apart" in the keys of item "a2" is not declared — declare it under ` + "`scales`",
			"q.yaml:22:12: scale \"close\" in the `when` of result \"near\" is not declared — declare it under `scales`",
		},
	},
	{
		name: "MissingSections",
		edits: []string{"sections:\n  - id: one\n    title: One\n    items:\n" +
			"      - id: a1\n        text: First.\n        keys: {close: 1, apart: -1}\n" +
			"      - id: a2\n        text: Second.\n        keys: {apart: 0.5}\n", ""},
		want: []string{
			"q.yaml:1:1: the quiz has no \"sections\" — add `sections:` to it",
			`q.yaml:9:9: no item is keyed to scale "close", so it could never have a score — ` + fixUnkeyed,
			`q.yaml:11:9: no item is keyed to scale "apart", so it could never have a score — ` + fixUnkeyed,
		},
	},
	{
		name: "MissingResults",
		edits: []string{"results:\n  - id: near\n    title: Near\n    summary: Close together.\n" +
			"    when: {close: {min: 50}}\n  - id: balanced\n    title: Balanced\n    summary: In balance.\n", ""},
		want: []string{"q.yaml:1:1: the quiz has no \"results\" — add `results:` to it"},
	},
	{
		name:  "MissingScaleName",
		edits: []string{"    name: Apart\n", ""},
		want:  []string{"q.yaml:11:5: scale \"apart\" has no \"name\" — add `name:` to it"},
	},
	{
		name:  "MissingLabels",
		edits: []string{"  labels: [Never, Rarely, Sometimes, Often, Always]\n", ""},
		want:  []string{"q.yaml:5:3: scale has no \"labels\" — add `labels:` to it"},
	},
	{
		name:  "MissingItemID",
		edits: []string{"      - id: a2\n        text: Second.", "      - text: Second."},
		want:  []string{"q.yaml:20:9: item 2 has no \"id\" — add `id:` to it"},
	},
	{
		name:  "MissingItemKeys",
		edits: []string{"        keys: {apart: 0.5}\n", ""},
		want:  []string{`q.yaml:20:9: item "a2" has no keys; ` + whatNoKeys + " — " + fixNoKeys},
	},
	{
		name:  "MissingResultSummary",
		edits: []string{"    summary: In balance.\n", ""},
		want:  []string{"q.yaml:28:5: result \"balanced\" has no \"summary\" — add `summary:` to it"},
	},
	{
		name:  "MissingText",
		edits: []string{"title: Mini", "title:"},
		want: []string{"q.yaml:3:7: title should be text, not nothing — " +
			"write the text after the colon, quoted if it contains `: ` or starts with a symbol"},
	},

	// Results.
	{
		name:  "LastResultHasWhen",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\n    when: {apart: {min: 50}}\n"},
		want: []string{"q.yaml:28:5: the last result must have no `when`: it is the fallback that every attempt can reach" +
			" — add a last result without `when`, or remove `when` from this one"},
	},
	{
		name:  "OnlyResultHasWhen",
		edits: []string{"  - id: balanced\n    title: Balanced\n    summary: In balance.\n", ""},
		want: []string{"q.yaml:24:5: the last result must have no `when`: it is the fallback that every attempt can reach" +
			" — add a last result without `when`, or remove `when` from this one"},
	},
	{
		name:  "EarlierResultLacksWhen",
		edits: []string{"    when: {close: {min: 50}}\n", ""},
		want: []string{"q.yaml:24:5: only the last result may leave out `when`: the results after result \"near\"" +
			" could never be reached — give it a `when`, or move it to the end of the list"},
	},
	{
		name:  "WhenEmpty",
		edits: []string{"{close: {min: 50}}", "{}"},
		want: []string{"q.yaml:27:11: the `when` of result \"near\" is empty — add a condition such as" +
			" {codependence: {min: 50}}, or remove `when` from the last result"},
	},
	{
		name:  "WhenUndeclaredScale",
		edits: []string{"{close: {min: 50}}", "{clos: {min: 50}}"},
		want: []string{"q.yaml:27:12: scale \"clos\" in the `when` of result \"near\" is not declared — " +
			`did you mean "close"?` + fixDeclare},
	},
	{
		name:  "BoundAbove100",
		edits: []string{"{min: 50}", "{min: 150}"},
		want:  []string{`q.yaml:27:25: the condition on "close" min is 150, outside 0..100 — ` + fixBound},
	},
	{
		name:  "BoundBelow0",
		edits: []string{"{min: 50}", "{max: -5}"},
		want:  []string{`q.yaml:27:25: the condition on "close" max is -5, outside 0..100 — ` + fixBound},
	},
	{
		name:  "BoundText",
		edits: []string{"{min: 50}", "{min: half}"},
		want:  []string{`q.yaml:27:25: the condition on "close" min should be a number, not the text "half" — ` + fixNumber},
	},
	{
		name:  "BoundNaN",
		edits: []string{"{min: 50}", "{min: .NaN}"},
		want:  []string{`q.yaml:27:25: the condition on "close" min should be a number, not the number .NaN — ` + fixNumber},
	},
	{
		name:  "BoundMinAboveMax",
		edits: []string{"{min: 50}", "{min: 60, max: 40}"},
		want:  []string{`q.yaml:27:25: the condition on "close" has min 60, which is not below max 40 — make min smaller than max`},
	},
	{
		name:  "BoundMinEqualsMax",
		edits: []string{"{min: 50}", "{min: 50, max: 50}"},
		want:  []string{`q.yaml:27:25: the condition on "close" has min 50, which is not below max 50 — make min smaller than max`},
	},
	{
		name: "ResultsEmpty",
		edits: []string{"results:\n  - id: near\n    title: Near\n    summary: Close together.\n" +
			"    when: {close: {min: 50}}\n  - id: balanced\n    title: Balanced\n    summary: In balance.\n", "results: []\n"},
		want: []string{"q.yaml:23:10: results is empty — add at least one entry"},
	},

	// Spectrum and map.
	{
		name:  "SpectrumSameScale",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nspectrum:\n  left: close\n  right: close\n"},
		want: []string{`q.yaml:33:10: spectrum.left and spectrum.right both name "close" — ` +
			"name two different scales in spectrum.left and spectrum.right"},
	},
	{
		name:  "SpectrumUnknownScale",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nspectrum:\n  left: far\n  right: close\n"},
		want: []string{`q.yaml:32:9: scale "far" in spectrum.left is not declared — ` +
			"use one of: apart, close" + fixDeclare},
	},
	{
		name:  "MapSameScale",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nmap:\n  x: apart\n  y: apart\n"},
		want:  []string{`q.yaml:33:6: map.x and map.y both name "apart" — name two different scales in map.x and map.y`},
	},
	{
		name:  "MapMissingY",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nmap:\n  x: apart\n"},
		want:  []string{"q.yaml:32:3: map has no \"y\" — add `y:` to it"},
	},

	// Norms.
	{
		name:  "NormsSDZero",
		edits: norms("{mean: 48, sd: 0, reliability: 0.8}"),
		want:  []string{"q.yaml:11:27: norms.sd must be above 0 — " + fixSD},
	},
	{
		name:  "NormsSDNegative",
		edits: norms("{mean: 48, sd: -2, reliability: 0.8}"),
		want:  []string{"q.yaml:11:27: norms.sd must be above 0 — " + fixSD},
	},
	{
		name:  "NormsReliabilityZero",
		edits: norms("{mean: 48, sd: 16, reliability: 0}"),
		want:  []string{"q.yaml:11:44: norms.reliability must be between 0 and 1, not 0 — " + fixRel},
	},
	{
		name:  "NormsReliabilityOne",
		edits: norms("{mean: 48, sd: 16, reliability: 1}"),
		want:  []string{"q.yaml:11:44: norms.reliability must be between 0 and 1, not 1 — " + fixRel},
	},
	{
		name:  "NormsReliabilityAboveOne",
		edits: norms("{mean: 48, sd: 16, reliability: 1.2}"),
		want:  []string{"q.yaml:11:44: norms.reliability must be between 0 and 1, not 1.2 — " + fixRel},
	},
	{
		name:  "NormsMeanAbove100",
		edits: norms("{mean: 120, sd: 16, reliability: 0.8}"),
		want:  []string{"q.yaml:11:19: norms.mean 120 is outside 0..100 — give the mean of the 0..100 score"},
	},
	{
		name:  "NormsMeanNegative",
		edits: norms("{mean: -1, sd: 16, reliability: 0.8}"),
		want:  []string{"q.yaml:11:19: norms.mean -1 is outside 0..100 — give the mean of the 0..100 score"},
	},
	{
		name:  "NormsMeanInf",
		edits: norms("{mean: .inf, sd: 16, reliability: 0.8}"),
		want:  []string{"q.yaml:11:19: norms.mean should be a number, not the number .inf — " + fixNumber},
	},
	{
		name:  "NormsMissingSD",
		edits: norms("{mean: 48, reliability: 0.8}"),
		want:  []string{"q.yaml:11:12: scale \"close\" norms has no \"sd\" — add `sd:` to it"},
	},

	// Spectrum cut and provisional norms (v2).
	{
		name:  "CutZero",
		edits: spectrum("{left: close, right: apart, cut: 0}"),
		want: []string{
			"q.yaml:31:44: spectrum.cut must be above 0 and below 100, not 0 — " +
				"give the score from which a pull counts as strong, above 0 and below 100, or leave `cut` out for 50",
		},
	},
	{
		name:  "Cut100",
		edits: spectrum("{left: close, right: apart, cut: 100}"),
		want: []string{
			"q.yaml:31:44: spectrum.cut must be above 0 and below 100, not 100 — " +
				"give the score from which a pull counts as strong, above 0 and below 100, or leave `cut` out for 50",
		},
	},
	{
		name:  "CutNegative",
		edits: spectrum("{left: close, right: apart, cut: -5}"),
		want: []string{
			"q.yaml:31:44: spectrum.cut must be above 0 and below 100, not -5 — " +
				"give the score from which a pull counts as strong, above 0 and below 100, or leave `cut` out for 50",
		},
	},
	{
		name:  "CutText",
		edits: spectrum("{left: close, right: apart, cut: half}"),
		want: []string{
			`q.yaml:31:44: spectrum.cut should be a number, not the text "half" — ` + fixNumber,
		},
	},
	{
		name:  "NormsProvisionalYes",
		edits: norms("{mean: 48, sd: 16, reliability: 0.8, provisional: yes}"),
		want: []string{
			`q.yaml:11:62: norms.provisional should be true or false, not the text "yes" — ` +
				"write true or false",
		},
	},

	// Support flags and keyless items (v2).
	{
		name:  "SupportUnknownItem",
		edits: support("[a2]", "[a3]"),
		want: []string{
			`q.yaml:38:13: item "a3" in the items of support flag "safety" is not in the quiz — ` +
				`did you mean "a1"?`,
		},
	},
	{
		name:  "SupportUnknownItemNoSuggestion",
		edits: support("[a2]", "[fear]"),
		want: []string{
			`q.yaml:38:13: item "fear" in the items of support flag "safety" is not in the quiz — ` +
				"use the id of one of the quiz's items, as written after `- id:` under `items`",
		},
	},
	{
		name:  "SupportItemTwice",
		edits: support("[a2]", "[a2, a1, a2]"),
		want: []string{
			`q.yaml:38:21: support flag "safety" lists item "a2" twice (first on line 38) — ` +
				"keep one of them",
		},
	},
	{
		name:  "SupportItemsEmpty",
		edits: support("[a2]", "[]"),
		want: []string{
			`q.yaml:38:12: support flag "safety" items is empty — ` +
				"add at least one entry",
		},
	},
	{
		name:  "SupportItemsMissing",
		edits: support("    items: [a2]\n", ""),
		want: []string{
			`q.yaml:32:5: support flag "safety" has no "items" — ` +
				"add `items:` to it",
		},
	},
	{
		name:  "SupportMinAboveScale",
		edits: support("min: 3", "min: 5"),
		want: []string{
			`q.yaml:39:10: support flag "safety" min is 5, outside the answer scale 0..4 — ` +
				"give the lowest answer that calls for care, from 0 to 4",
		},
	},
	{
		name:  "SupportMinBelowScale",
		edits: support("min: 3", "min: -1"),
		want: []string{
			`q.yaml:39:10: support flag "safety" min is -1, outside the answer scale 0..4 — ` +
				"give the lowest answer that calls for care, from 0 to 4",
		},
	},
	{
		name:  "SupportMinFraction",
		edits: support("min: 3", "min: 2.5"),
		want: []string{
			`q.yaml:39:10: support flag "safety" min should be a whole number, not the number 2.5 — ` + fixWhole,
		},
	},
	{
		name:  "SupportMinMissing",
		edits: support("    min: 3\n", ""),
		want: []string{
			`q.yaml:32:5: support flag "safety" has no "min" — ` +
				"add `min:` to it",
		},
	},
	{
		// With a broken answer scale, min cannot be checked against it:
		// only the scale's own problem is reported.
		name:  "SupportMinBrokenScale",
		edits: append([]string{"  max: 4", "  max: four"}, support("min: 3", "min: 9")...),
		want: []string{
			`q.yaml:6:8: scale.max should be a whole number, not the text "four" — ` + fixWhole,
		},
	},
	{
		name:  "SupportResourcesEmpty",
		edits: support("    resources:\n      - name: Helpline\n        url: https://example.org/help\n", "    resources: []\n"),
		want: []string{
			`q.yaml:35:16: support flag "safety" resources is empty — ` +
				"add at least one entry",
		},
	},
	{
		name:  "SupportResourcesMissing",
		edits: support("    resources:\n      - name: Helpline\n        url: https://example.org/help\n", ""),
		want: []string{
			`q.yaml:32:5: support flag "safety" has no "resources" — ` +
				"add `resources:` to it",
		},
	},
	{
		name:  "SupportResourceWithoutNameAndURL",
		edits: support("      - name: Helpline\n        url: https://example.org/help\n", "      - phone: '0800'\n"),
		want: []string{
			`q.yaml:36:9: resource 1 of support flag "safety" has no "name" — ` +
				"add `name:` to it",
			`q.yaml:36:9: resource 1 of support flag "safety" has no "url" — ` +
				"add `url:` to it",
		},
	},
	{
		name:  "SupportResourceWithoutURL",
		edits: support("        url: https://example.org/help\n", ""),
		want: []string{
			`q.yaml:36:9: resource "Helpline" of support flag "safety" has no "url" — ` +
				"add `url:` to it",
		},
	},
	{
		name:  "SupportURLHTTP",
		edits: support("https://example.org/help", "http://example.org/help"),
		want: []string{
			`q.yaml:37:14: resource "Helpline" of support flag "safety" url "http://example.org/help" is not https — ` +
				"use the page's https:// address: Tandem links only to pages served securely",
		},
	},
	{
		name:  "SupportURLNoScheme",
		edits: support("https://example.org/help", "example.org/help"),
		want: []string{
			`q.yaml:37:14: resource "Helpline" of support flag "safety" url "example.org/help" is not a web address — ` +
				"write the whole address, starting with https://, for example https://example.org/help",
		},
	},
	{
		name:  "SupportURLOtherScheme",
		edits: support("https://example.org/help", "'tel:0800000000'"),
		want: []string{
			`q.yaml:37:14: resource "Helpline" of support flag "safety" url "tel:0800000000" is a phone number, not a web address — ` +
				"give the number as `phone:`, and the https:// address of the helpline's page as url",
		},
	},
	{
		name:  "SupportURLNoHost",
		edits: support("https://example.org/help", "'https:///help'"),
		want: []string{
			`q.yaml:37:14: resource "Helpline" of support flag "safety" url "https:///help" is not a web address — ` +
				"write the whole address, starting with https://, for example https://example.org/help",
		},
	},
	{
		name:  "SupportRegionLowerCase",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: gb\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "gb" is not a country code — ` +
				"write the country code in capitals: GB",
		},
	},
	{
		name:  "SupportRegionUK",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: uk\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "uk" is not a country code — ` +
				"write GB, the code ISO 3166-1 gives the United Kingdom",
		},
	},
	{
		name:  "SupportRegionUKCapitals",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: UK\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "UK" is not a country code — ` +
				"write GB, the code ISO 3166-1 gives the United Kingdom",
		},
	},
	{
		name:  "SupportRegionName",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: Europe\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "Europe" is not a country code — ` +
				`use a two-letter country code in capitals (ISO 3166-1 alpha-2) such as GB or DE, or "international"`,
		},
	},
	{
		name:  "SupportRegionThreeLetters",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: GBR\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "GBR" is not a country code — ` +
				`use a two-letter country code in capitals (ISO 3166-1 alpha-2) such as GB or DE, or "international"`,
		},
	},
	{
		name:  "SupportRegionInternationalCapital",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        region: International\n"),
		want: []string{
			`q.yaml:38:17: resource "Helpline" of support flag "safety" region "International" is not a country code — ` +
				`write it in lower case: "international"`,
		},
	},
	{
		name:  "SupportIDNotSlug",
		edits: support("id: safety", "id: Safety First"),
		want: []string{
			`q.yaml:32:9: support flag id "Safety First" is not a valid id — ` +
				`use lower-case letters, digits and single hyphens, for example "safety-first"`,
		},
	},
	{
		name: "SupportIDTwice",
		edits: support("    min: 3\n", "    min: 3\n  - id: safety\n    title: Again\n    message: M.\n"+
			"    resources: [{name: N, url: 'https://x.org'}]\n    items: [a1]\n    min: 1\n"),
		want: []string{
			`q.yaml:40:9: support flag id "safety" is used twice (first on line 32) — ` +
				"give each support flag its own id",
		},
	},
	{
		name:  "SupportUnknownKey",
		edits: support("    message: You matter.\n", "    mesage: You matter.\n"),
		want: []string{
			`q.yaml:32:5: support flag "safety" has no "message" — ` +
				"add `message:` to it",
			`q.yaml:34:5: unknown key "mesage" in support flag "safety" — ` +
				`did you mean "message"?`,
		},
	},
	{
		name:  "SupportUnknownKeyInResource",
		edits: support("        url: https://example.org/help\n", "        url: https://example.org/help\n        email: help@example.org\n"),
		want: []string{
			`q.yaml:38:9: unknown key "email" in resource "Helpline" of support flag "safety" — ` +
				"use one of: name, url, phone, region",
		},
	},
	{
		name:  "SupportEmpty",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nsupport: []\n"},
		want: []string{
			"q.yaml:31:10: support is empty — " +
				"add at least one entry",
		},
	},
	{
		name:  "SupportNotList",
		edits: []string{"    summary: In balance.\n", "    summary: In balance.\nsupport: {id: safety}\n"},
		want: []string{
			"q.yaml:31:10: support should be a list, not a set of `key: value` pairs — " +
				"write each entry on its own line starting with `- `",
		},
	},
	{
		// Keys may be left out only by the items a flag lists.
		name:  "KeylessItemNotListed",
		edits: append([]string{"        text: First.\n        keys: {close: 1, apart: -1}\n", "        text: First.\n"}, support("", "")...),
		want: []string{
			`q.yaml:9:9: no item is keyed to scale "close", so it could never have a score — ` + fixUnkeyed,
			`q.yaml:17:9: item "a1" has no keys; only an item that a support flag lists may have none — ` + fixNoKeys,
		},
	},
	{
		name:  "EmptyKeysNotListed",
		edits: append([]string{"{close: 1, apart: -1}", "{}"}, support("", "")...),
		want: []string{
			`q.yaml:9:9: no item is keyed to scale "close", so it could never have a score — ` + fixUnkeyed,
			`q.yaml:19:15: item "a1" has no keys; only an item that a support flag lists may have none — ` + fixNoKeys,
		},
	},
	{
		// A flag's item that keys nothing leaves its scale unkeyed.
		name:  "KeylessItemLeavesScaleUnkeyed",
		edits: append([]string{"{apart: 0.5}", "{}", "{close: 1, apart: -1}", "{close: 1}"}, support("", "")...),
		want: []string{
			`q.yaml:11:9: no item is keyed to scale "apart", so it could never have a score — ` + fixUnkeyed,
		},
	},

	// Language.
	{
		name:  "LanguageInvalid",
		edits: []string{"title: Mini\n", "title: Mini\nlanguage: not a tag!\n"},
		want:  []string{`q.yaml:4:11: language "not a tag!" is not a language tag — use a BCP 47 tag such as en, de or pt-BR`},
	},
	{
		name:  "LanguageTooShort",
		edits: []string{"title: Mini\n", "title: Mini\nlanguage: e\n"},
		want:  []string{`q.yaml:4:11: language "e" is not a language tag — use a BCP 47 tag such as en, de or pt-BR`},
	},

	// The file as a whole.
	{
		name: "SyntaxError",
		data: "id: mini\ntitle: [Mini\nversion: 1\n",
		want: []string{"q.yaml:3:8: the file is not valid YAML: did not find expected ',' or ']' — " + fixSyntax},
	},
	{
		name: "SyntaxErrorTab",
		data: "id: mini\nscale:\n\tmin: 1\n",
		want: []string{"q.yaml:3:1: the file is not valid YAML: found character that cannot start any token — " + fixSyntax},
	},
	{
		name: "SyntaxErrorUnknownAlias",
		data: "id: *nope\n",
		want: []string{`q.yaml:1:5: the file is not valid YAML: unknown anchor 'nope' referenced — ` + fixSyntax},
	},
	{
		name: "Empty",
		data: "",
		want: []string{"q.yaml: the file is empty — " + fixEmpty},
	},
	{
		name: "OnlyComments",
		data: "# id: mini\n\n   \n",
		want: []string{"q.yaml: the file is empty — " + fixEmpty},
	},
	{
		name: "TwoDocuments",
		data: base + "---\n" + base,
		want: []string{"q.yaml: the file is not valid YAML: expected single document, found multiple — " +
			"keep one quiz per file, without `---` separators"},
	},
	{
		name: "TopLevelList",
		data: "- id: mini\n- version: 1\n",
		want: []string{"q.yaml:1:1: the quiz should be a set of `key: value` pairs, not a list — " + fixNotPairs},
	},
	{
		name: "TopLevelText",
		data: "hello\n",
		want: []string{"q.yaml:1:1: the quiz should be a set of `key: value` pairs, not the text \"hello\" — " + fixNotPairs},
	},
	{
		name:  "MergeKey",
		edits: []string{"  - id: apart\n    name: Apart\n", "  - <<: {id: apart}\n    name: Apart\n"},
		want: []string{
			`q.yaml:11:5: scale 2 has a key that is not a plain name — use a plain name as the key`,
			"q.yaml:11:5: scale 2 has no \"id\" — add `id:` to it",
			`q.yaml:19:26: scale "apart" in the keys of item "a1" is not declared — use one of: close` + fixDeclare,
			`q.yaml:22:16: scale "apart" in the keys of item "a2" is not declared — use one of: close` + fixDeclare,
		},
	},
	{
		// A problem inside an aliased node is reported where it is
		// written, at the anchor.
		name:  "AliasToBrokenNode",
		edits: []string{"{close: 1, apart: -1}", "&k {close: 1, apart: 0}", "{apart: 0.5}", "*k"},
		want: []string{
			`q.yaml:19:36: the weight of "apart" is 0 — ` +
				"use 1 (agreeing raises the scale) or -1 (agreeing lowers it), or remove the key",
			`q.yaml:19:36: the weight of "apart" is 0 — ` +
				"use 1 (agreeing raises the scale) or -1 (agreeing lowers it), or remove the key",
		},
	},
}

func TestParse_Problems(t *testing.T) {
	for _, tt := range problemCases {
		t.Run(tt.name, func(t *testing.T) {
			q, err := quiz.Parse("q.yaml", tt.file(t))
			assert.Nil(t, q)
			var ps quiz.Problems
			require.ErrorAs(t, err, &ps)
			got := make([]string, len(ps))
			for i, p := range ps {
				got[i] = p.String()
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, strings.Join(tt.want, "\n"), err.Error())
		})
	}
}

func TestParse_AllProblemsAtOnce(t *testing.T) {
	// Seven problems on six lines. The loader meets them out of line
	// order, since references and unkeyed scales are checked last:
	//   1 the id is not a slug         2 version is below 1
	//   4 three labels for 5 answers   7 no item keys "spare"
	//  12 weight 0, undeclared "far"  14 the last result has `when`
	data := `id: Mini
version: 0
title: Mini
scale: {min: 1, max: 5, labels: [a, b, c]}
scales:
  - {id: close, name: Close}
  - {id: spare, name: Spare}
sections:
  - id: one
    title: One
    items:
      - {id: a1, text: A., keys: {close: 0, far: 1}}
results:
  - {id: only, title: Only, summary: S., when: {close: {min: 50}}}
`
	q, err := quiz.Parse("quizzes/mini.yaml", []byte(data))
	assert.Nil(t, q)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)

	type at struct{ line, col int }
	var got []at
	for _, p := range ps {
		assert.Equal(t, "quizzes/mini.yaml", p.File)
		got = append(got, at{p.Line, p.Column})
	}
	assert.Equal(t, []at{{1, 5}, {2, 10}, {4, 33}, {7, 10}, {12, 42}, {12, 45}, {14, 5}}, got)

	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, len(ps), "one line per problem")
	for i, l := range lines {
		assert.Equal(t, ps[i].String(), l)
		assert.Regexp(t, `^quizzes/mini\.yaml:\d+:\d+: \S`, l)
	}
	assert.Contains(t, lines[0], `the quiz id "Mini" is not a valid id`)
	assert.Contains(t, lines[1], "version must be 1 or more")
	assert.Contains(t, lines[2], "scale.labels has 3 labels but the scale has 5 answers")
	assert.Contains(t, lines[3], `no item is keyed to scale "spare"`)
	assert.Contains(t, lines[4], `the weight of "close" is 0`)
	assert.Contains(t, lines[5], `scale "far" in the keys of item "a1" is not declared`)
	assert.Contains(t, lines[6], "the last result must have no `when`")
}

func TestParse_TooLarge(t *testing.T) {
	data := []byte(base + "#" + strings.Repeat("x", quiz.MaxFileSize) + "\n")
	q, err := quiz.Parse("q.yaml", data)
	assert.Nil(t, q)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)
	assert.Equal(t, "q.yaml: the file is larger than 1024 KiB — a quiz file is much smaller: check that this is the right file",
		err.Error())

	// Exactly MaxFileSize is still read.
	data = []byte(base + "#")
	data = append(data, strings.Repeat("x", quiz.MaxFileSize-len(data)-1)+"\n"...)
	require.Len(t, data, quiz.MaxFileSize)
	q, err = quiz.Parse("q.yaml", data)
	require.NoError(t, err)
	assert.Equal(t, "mini", q.ID)
}

// TestParse_AliasBomb checks that a small file naming big nodes many times
// through aliases is refused quickly instead of being walked copy by copy.
func TestParse_AliasBomb(t *testing.T) {
	const n = 3000 // n*n items: hours of work without a bound
	data := "x: &i {id: a, text: t, keys: {c: 1}}\n" +
		"y: &s {id: s, title: t, items: [" + strings.Repeat("*i, ", n-1) + "*i]}\n" +
		"sections: [" + strings.Repeat("*s, ", n-1) + "*s]\n"
	q, err := quiz.Parse("q.yaml", []byte(data))
	assert.Nil(t, q)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)
	assert.Less(t, len(ps), 8*len(data), "the problems stay in proportion to the file")
	var found []string
	for _, p := range ps {
		if strings.Contains(p.What, "aliases") {
			found = append(found, p.String())
		}
	}
	assert.Equal(t, []string{"q.yaml:1:15: the file uses aliases (`*name`) so much that reading it would take too long" +
		" — write the repeated parts out, or alias only small parts such as keys"}, found)
}

func TestParse_Shipped(t *testing.T) {
	tests := []struct {
		file, id string
	}{
		{"relationship-spectrum.yaml", "relationship-spectrum"},
		{"relationship-spectrum-short.yaml", "relationship-spectrum-short"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			data, err := fs.ReadFile(quizzes.FS, tt.file)
			require.NoError(t, err)
			q, err := quiz.Parse(tt.file, data)
			require.NoError(t, err)
			assert.Equal(t, tt.id, q.ID)
			checkQuiz(t, q)
		})
	}
}

// shippedResults are the results both shipped forms share, in order, with
// their conditions: one cut (60) for the pulls, 65 for interdependence, and
// a fallback without conditions.
var shippedResults = []struct {
	id   string
	when []quiz.Condition
}{
	{"push-pull", []quiz.Condition{
		{Scale: "codependence", Min: 60, Max: 100},
		{Scale: "independence", Min: 60, Max: 100},
	}},
	{"leaning-codependent", []quiz.Condition{
		{Scale: "codependence", Min: 60, Max: 100},
		{Scale: "independence", Max: 60, MaxGiven: true},
	}},
	{"leaning-independent", []quiz.Condition{
		{Scale: "codependence", Max: 60, MaxGiven: true},
		{Scale: "independence", Min: 60, Max: 100},
	}},
	{"interdependent", []quiz.Condition{
		{Scale: "codependence", Max: 60, MaxGiven: true},
		{Scale: "independence", Max: 60, MaxGiven: true},
		{Scale: "interdependence", Min: 65, Max: 100},
	}},
	{"no-clear-pattern", nil},
}

// checkShippedResults checks q's results against shippedResults.
func checkShippedResults(t *testing.T, q *quiz.Quiz) {
	t.Helper()
	require.Len(t, q.Results, len(shippedResults))
	for i, want := range shippedResults {
		r := q.Results[i]
		assert.Equal(t, want.id, r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Summary, r.ID)
		if want.when == nil {
			assert.Empty(t, r.When, r.ID)
			continue
		}
		assert.Equal(t, want.when, r.When, r.ID)
	}
	fallback := q.Results[len(q.Results)-1]
	assert.Equal(t, "No clear pattern right now", fallback.Title)
	assert.Len(t, fallback.NextSteps, 5)
	r, ok := q.ResultByID("push-pull")
	require.True(t, ok)
	assert.Equal(t, "Push and pull", r.Title)
	r, ok = q.ResultByID("interdependent")
	require.True(t, ok)
	assert.Equal(t, "Close and still whole", r.Title)
	_, ok = q.ResultByID("nope")
	assert.False(t, ok)

	assert.Equal(t, &quiz.Spectrum{Left: "codependence", Right: "independence", Middle: "Interdependence",
		Cut: 60}, q.Spectrum)
	assert.Equal(t, &quiz.Map{X: "independence", Y: "codependence"}, q.Map)

	require.Len(t, q.Support, 2)
	safety, ok := q.SupportByID("safety")
	require.True(t, ok)
	assert.Equal(t, q.Support[0], safety)
	assert.Equal(t, "Your safety comes first", safety.Title)
	assert.Equal(t, []string{"sa01", "sa02", "sa03", "sa04", "sa05"}, safety.Items)
	assert.Equal(t, 4, safety.Min)
	assert.Equal(t, quiz.Resource{Name: "Find A Helpline (free helplines in many countries)",
		URL: "https://findahelpline.com", Region: quiz.RegionInternational}, safety.Resources[0])
	selfHarm, ok := q.SupportByID("self-harm")
	require.True(t, ok)
	assert.Equal(t, q.Support[1], selfHarm)
	assert.Equal(t, "You deserve support right now", selfHarm.Title)
	assert.Equal(t, []string{"sa06"}, selfHarm.Items)
	assert.Equal(t, 3, selfHarm.Min)
}

// checkSafetySection checks the last, optional section both shipped forms
// end with: six keyless items, sa01..sa06, that only raise support flags.
func checkSafetySection(t *testing.T, q *quiz.Quiz) {
	t.Helper()
	last := q.Sections[len(q.Sections)-1]
	assert.Equal(t, "safety", last.ID)
	assert.Equal(t, "Your safety (optional)", last.Title)
	var ids []string
	for _, it := range last.Items {
		ids = append(ids, it.ID)
		assert.True(t, it.Optional, it.ID)
		assert.Empty(t, it.Keys, it.ID)
	}
	assert.Equal(t, []string{"sa01", "sa02", "sa03", "sa04", "sa05", "sa06"}, ids)
	for _, s := range q.Sections[:len(q.Sections)-1] {
		for _, it := range s.Items {
			assert.False(t, it.Optional, it.ID)
			assert.NotEmpty(t, it.Keys, it.ID)
		}
	}
}

// scored counts the items that count in at least one scale.
func scored(q *quiz.Quiz) int {
	n := 0
	for _, it := range q.Items() {
		if len(it.Keys) > 0 {
			n++
		}
	}
	return n
}

func TestLoadFS_Shipped(t *testing.T) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(t, err)
	require.Len(t, qs, 2)
	var ids []string
	for _, q := range qs {
		checkQuiz(t, q)
		ids = append(ids, q.ID)
	}
	assert.Equal(t, []string{"relationship-spectrum", "relationship-spectrum-short"}, ids,
		"the long form first: files in the order of their names without the extension")

	t.Run("Long", func(t *testing.T) {
		q := qs[0]
		assert.Equal(t, "relationship-spectrum", q.ID)
		assert.Equal(t, 2, q.Version)
		assert.Equal(t, "Codependence, independence and interdependence", q.Title)
		assert.Equal(t, "en", q.Language)
		assert.Equal(t, 10, q.Minutes)
		assert.True(t, strings.HasPrefix(q.Disclaimer, "This is a reflection tool, not a diagnosis."), q.Disclaimer)
		assert.Equal(t, "quizzes/relationship-spectrum.yaml", q.File)

		assert.Equal(t, quiz.AnswerScale{Min: 1, Max: 5, Labels: []string{
			"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"}}, q.Scale)

		var scaleIDs []string
		for _, s := range q.Scales {
			scaleIDs = append(scaleIDs, s.ID)
			assert.NotEmpty(t, s.Name, s.ID)
		}
		assert.Equal(t, []string{"codependence", "independence", "interdependence", "boundaries", "self-worth",
			"feelings", "needs", "closeness", "support", "own-life"}, scaleIDs)
		for _, s := range q.Scales[:3] {
			require.NotNil(t, s.Norms, s.ID)
			assert.True(t, s.Norms.Provisional, s.ID)
		}
		for _, s := range q.Scales[3:] {
			assert.Nil(t, s.Norms, s.ID)
		}

		var sectionIDs []string
		var sizes []int
		for _, s := range q.Sections {
			sectionIDs = append(sectionIDs, s.ID)
			sizes = append(sizes, len(s.Items))
		}
		assert.Equal(t, []string{"boundaries", "self-worth", "feelings", "needs", "closeness", "support",
			"own-life", "safety"}, sectionIDs)
		assert.Equal(t, []int{8, 7, 8, 7, 8, 9, 6, 6}, sizes)
		assert.Equal(t, "Limits and saying no", q.Sections[0].Title)
		items := q.Items()
		require.Len(t, items, 59)
		assert.Equal(t, 53, scored(q))
		assert.Equal(t, quiz.Item{ID: "b01",
			Text: "I say yes to my partner even when I am worn out.",
			Keys: []quiz.Key{{Scale: "codependence", Weight: 1}, {Scale: "boundaries", Weight: -1}}}, items[0])
		assert.Equal(t, "b08", items[7].ID)
		assert.Equal(t, quiz.Item{ID: "o06",
			Text: "I feel guilty when I spend time on my own interests.",
			Keys: []quiz.Key{{Scale: "interdependence", Weight: -1}, {Scale: "own-life", Weight: -1}}}, items[52])
		assert.Equal(t, quiz.Item{ID: "sa06",
			Text:     "In the last few weeks, I have had thoughts of harming myself or ending my life.",
			Optional: true}, items[58])
		seen := map[string]bool{}
		for _, it := range items {
			assert.False(t, seen[it.ID], "item %q twice", it.ID)
			seen[it.ID] = true
			assert.Regexp(t, `^([bwfncso]|sa)[0-9]{2}$`, it.ID, "a v2 id, never a v1 one such as bo1")
		}
		checkSafetySection(t, q)
		checkShippedResults(t, q)

		data, err := fs.ReadFile(quizzes.FS, "relationship-spectrum.yaml")
		require.NoError(t, err)
		assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), q.Hash)
		assert.Equal(t, sha256Hex(data), q.Hash)
		assert.Equal(t, data, q.Source)
		s, ok := q.ScaleByID("own-life")
		require.True(t, ok)
		assert.Equal(t, "A life of your own", s.Name)
		_, ok = q.ScaleByID("nope")
		assert.False(t, ok)
	})

	t.Run("Short", func(t *testing.T) {
		long, q := qs[0], qs[1]
		assert.Equal(t, "relationship-spectrum-short", q.ID)
		assert.Equal(t, 1, q.Version)
		assert.Equal(t, "Codependence, independence and interdependence (short form for retakes)", q.Title)
		assert.Equal(t, "en", q.Language)
		assert.Equal(t, 3, q.Minutes)
		assert.Equal(t, long.Disclaimer, q.Disclaimer)
		assert.Equal(t, "quizzes/relationship-spectrum-short.yaml", q.File)
		assert.Equal(t, long.Scale, q.Scale)

		var scaleIDs []string
		for _, s := range q.Scales {
			scaleIDs = append(scaleIDs, s.ID)
		}
		assert.Equal(t, []string{"codependence", "independence", "interdependence"}, scaleIDs)

		var sectionIDs []string
		for _, s := range q.Sections {
			sectionIDs = append(sectionIDs, s.ID)
		}
		assert.Equal(t, []string{"retake", "safety"}, sectionIDs)
		items := q.Items()
		require.Len(t, items, 18)
		assert.Equal(t, 12, scored(q))
		assert.Equal(t, "b01", items[0].ID)
		assert.Equal(t, "n06", items[11].ID)
		assert.Equal(t, "sa06", items[17].ID)

		// Each item has the long form's id, wording and main-scale keys.
		longItems := map[string]quiz.Item{}
		for _, it := range long.Items() {
			longItems[it.ID] = it
		}
		for _, it := range items {
			l, ok := longItems[it.ID]
			require.True(t, ok, "item %q is not in the long form", it.ID)
			assert.Equal(t, l.Text, it.Text, it.ID)
			assert.Equal(t, l.Optional, it.Optional, it.ID)
			var main []quiz.Key
			for _, k := range l.Keys {
				if k.Scale == "codependence" || k.Scale == "independence" || k.Scale == "interdependence" {
					main = append(main, k)
				}
			}
			assert.Equal(t, main, it.Keys, it.ID)
		}
		checkSafetySection(t, q)
		checkShippedResults(t, q)
		for i := range q.Results {
			assert.Equal(t, long.Results[i], q.Results[i], "the same results as the long form")
		}
		assert.Equal(t, long.Support, q.Support, "the same support flags as the long form")
	})
}

// TestParse_ManyUnknownFlagItems: only the first unknown items get a "did
// you mean", each compared with every item; a file naming thousands must
// still be read in moments.
func TestParse_ManyUnknownFlagItems(t *testing.T) {
	ids := make([]string, 25)
	for i := range ids {
		ids[i] = "a1" + string(rune('a'+i)) // a1a, a1b, ...: each one typo from a1
	}
	edits := append(support("[a2]", "["+strings.Join(ids, ", ")+"]"),
		"    min: 3\n", "    min: 3\n  - id: again\n    title: Again\n    message: M.\n"+
			"    resources: [{name: N, url: 'https://x.org'}]\n    items: [a1a]\n    min: 1\n")
	q, err := quiz.Parse("q.yaml", problemCase{edits: edits}.file(t))
	assert.Nil(t, q)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 26)
	for i, p := range ps {
		id := "a1a" // listed again by the second flag: the same fix as the first time
		if i < len(ids) {
			id = ids[i]
		}
		flag := "safety"
		if i == len(ids) {
			flag = "again"
		}
		assert.Equal(t, fmt.Sprintf(`item %q in the items of support flag %q is not in the quiz`, id, flag), p.What)
		if i < 20 || i == 25 {
			assert.Equal(t, `did you mean "a1"?`, p.Fix, id)
		} else {
			assert.Equal(t, "use the id of one of the quiz's items, as written after `- id:` under `items`", p.Fix, id)
		}
	}
}

// TestLoadFile_SupportFixture loads the v2 fixture that scoring's tests use
// and pins what they rely on.
func TestLoadFile_SupportFixture(t *testing.T) {
	q, err := quiz.LoadFile(filepath.Join("testdata", "support-flags.yaml"))
	require.NoError(t, err)
	checkQuiz(t, q)

	assert.Equal(t, &quiz.Spectrum{Left: "holding-on", Right: "pulling-away", Middle: "Balance", Cut: 60}, q.Spectrum)
	require.NotNil(t, q.Scales[0].Norms)
	assert.True(t, q.Scales[0].Norms.Provisional)

	var keyless []string
	for _, it := range q.Items() {
		if len(it.Keys) == 0 {
			keyless = append(keyless, it.ID)
		}
	}
	assert.Equal(t, []string{"sa1", "sa2", "sh1"}, keyless)

	require.Len(t, q.Support, 2)
	safety, ok := q.SupportByID("safety")
	require.True(t, ok)
	assert.Equal(t, q.Support[0], safety)
	assert.Equal(t, "Your safety comes first", safety.Title)
	assert.Equal(t, "Some of your answers suggest that you may not feel safe.\n\n"+
		"You deserve to feel safe, and help is there.", safety.Message)
	assert.Equal(t, []quiz.Resource{
		{Name: "Example helpline", URL: "https://example.org/help", Phone: "0800 000 000", Region: "GB"},
		{Name: "Example worldwide directory", URL: "https://example.com/helplines", Region: "international"},
	}, safety.Resources)
	assert.Equal(t, []string{"sa1", "sa2", "p3"}, safety.Items)
	assert.Equal(t, 4, safety.Min)
	selfHarm, ok := q.SupportByID("self-harm")
	require.True(t, ok)
	assert.Equal(t, []string{"sh1"}, selfHarm.Items)
	_, ok = q.SupportByID("nope")
	assert.False(t, ok)
}

// quizFile returns a valid quiz with the given id.
func quizFile(id string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(strings.Replace(base, "id: mini\n", "id: "+id+"\n", 1))}
}

func TestLoadFS(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantIDs []string // of the quizzes, in order; or
		want    []string // every problem, when loading fails
	}{
		{
			name: "SortedAndFiltered",
			fsys: fstest.MapFS{
				"c.yaml":          quizFile("c"),
				"a.yml":           quizFile("a"),
				"b.yaml":          quizFile("b"),
				"notes.txt":       {Data: []byte("not a quiz")},
				"README.md":       {Data: []byte("# Quizzes")},
				"old.yaml.bak":    {Data: []byte("id: [")},
				"shouting.YAML":   {Data: []byte("id: [")},
				"sub/deep.yaml":   {Data: []byte("id: [")},
				"folder.yaml/x.y": {Data: []byte("id: [")},
				".#c.yaml":        {Data: []byte("id: [")},
				".hidden.yml":     {Data: []byte("id: [")},
			},
			wantIDs: []string{"a", "b", "c"},
		},
		{
			// By the name without the extension: a sorted list of file
			// names would put "a-short.yaml" before "a.yaml".
			name: "ByNameWithoutExtension",
			fsys: fstest.MapFS{
				"b.yaml":       quizFile("b"),
				"a-short.yaml": quizFile("a-short"),
				"a.yaml":       quizFile("a"),
			},
			wantIDs: []string{"a", "a-short", "b"},
		},
		{
			name: "SameID",
			fsys: fstest.MapFS{
				"a.yaml": quizFile("same"),
				"b.yml":  quizFile("other"),
				"c.yaml": quizFile("same"),
			},
			want: []string{`quizzes/c.yaml:1:1: quiz id "same" is already used by quizzes/a.yaml — give each quiz its own id`},
		},
		{
			name: "ProblemsOfEveryFile",
			fsys: fstest.MapFS{
				"b.yaml": {Data: []byte(strings.Replace(base, "version: 1", "version: 0", 1))},
				"a.yaml": {Data: []byte(strings.Replace(base, "title: Mini", "titel: Mini", 1))},
				"c.yaml": quizFile("fine"),
			},
			want: []string{
				"quizzes/a.yaml:1:1: the quiz has no \"title\" — add `title:` to it",
				`quizzes/a.yaml:3:1: unknown key "titel" in the quiz — did you mean "title"?`,
				"quizzes/b.yaml:2:10: version must be 1 or more — start at 1 and raise it when items or scoring change",
			},
		},
		{
			name: "Empty",
			fsys: fstest.MapFS{},
			want: []string{"quizzes: there are no quiz files (*.yaml) in this folder — " +
				"add one, or point -quizzes at the folder that has them"},
		},
		{
			name: "NoQuizFiles",
			fsys: fstest.MapFS{"notes.txt": {Data: []byte(base)}, "sub/q.yaml": quizFile("sub")},
			want: []string{"quizzes: there are no quiz files (*.yaml) in this folder — " +
				"add one, or point -quizzes at the folder that has them"},
		},
		{
			name: "TooLarge",
			fsys: fstest.MapFS{
				"a.yaml":   quizFile("a"),
				"big.yaml": {Data: append([]byte(base+"#"), strings.Repeat("x", quiz.MaxFileSize)...)},
			},
			want: []string{"quizzes/big.yaml: the file is larger than 1024 KiB; a quiz file is much smaller"},
		},
		{
			name: "EmptyFile",
			fsys: fstest.MapFS{"a.yaml": {Data: nil}},
			want: []string{"quizzes/a.yaml: the file is empty — " + fixEmpty},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := quiz.LoadFS(tt.fsys, "quizzes")
			if tt.want != nil {
				assert.Nil(t, qs)
				var ps quiz.Problems
				require.ErrorAs(t, err, &ps)
				assert.Equal(t, strings.Join(tt.want, "\n"), err.Error())
				assert.Len(t, ps, len(tt.want))
				return
			}
			require.NoError(t, err)
			var ids, files []string
			for _, q := range qs {
				checkQuiz(t, q)
				ids = append(ids, q.ID)
				files = append(files, q.File)
			}
			assert.Equal(t, tt.wantIDs, ids)
			for i, f := range files {
				assert.Regexp(t, `^quizzes/`+regexp.QuoteMeta(tt.wantIDs[i])+`\.ya?ml$`, f)
			}
		})
	}
}

func TestLoadFS_MissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	qs, err := quiz.LoadFS(os.DirFS(dir), dir)
	assert.Nil(t, qs)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 1)
	assert.Equal(t, dir+": cannot read the quiz folder: "+errors.Unwrap(dirErr(t, dir)).Error()+
		" — check that the folder exists and can be read", ps[0].String())
}

// dirErr returns the error reading dir gives, to compare messages on any
// operating system.
func dirErr(tb testing.TB, dir string) error {
	tb.Helper()
	_, err := os.ReadDir(dir)
	require.Error(tb, err)
	return err
}

// oddInputs are not quizzes at all; Parse must still answer calmly.
var oddInputs = []string{
	"", " ", "\n", "\x00", "\xff\xfe", "\xef\xbb\xbf", "---", "---\n...\n", "~", "null", "[]", "{}",
	"-", "- -", "? a", ":", "*", "&a", "&a a: *a", "a: &a [*a]", "!!binary aGVsbG8=", "%YAML 1.2\n---\n",
	"id: !!int x", "[[[[[[[[[[", "{{{{{{{{", "'", "\"", "|\n  x", "id: mini\nid: mini\nid: mini",
	"scale: {min: -9223372036854775808, max: 9223372036854775807, labels: [a]}",
	"scale: {min: 0, max: 99999999999999999999, labels: [a]}",
	"sections: [{items: [{keys: {x: 1e999}}]}]",
	"results: [{when: {x: {min: 0x10}}}, {when: ~}]",
}

// TestParse_NeverPanics feeds every case of this file to Parse and checks
// the answer is a quiz or a list of problems, never both nor neither.
func TestParse_NeverPanics(t *testing.T) {
	inputs := [][]byte{[]byte(base), []byte(full), []byte(aliased)}
	for _, c := range problemCases {
		inputs = append(inputs, c.file(t))
	}
	for _, s := range oddInputs {
		inputs = append(inputs, []byte(s))
	}
	for _, data := range inputs {
		checkParse(t, data)
	}
}
