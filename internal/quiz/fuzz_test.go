package quiz_test

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/quizzes"
)

// FuzzParse checks that Parse answers any input with either a quiz that
// keeps the format's promises or a list of problems an author can act on.
// The seed corpus lives in testdata/fuzz/FuzzParse as well as below.
func FuzzParse(f *testing.F) {
	shipped, err := fs.ReadFile(quizzes.FS, "relationship-spectrum.yaml")
	require.NoError(f, err)
	f.Add(shipped)
	f.Add([]byte(base))
	f.Add([]byte(full))
	f.Add([]byte(aliased))
	for _, c := range problemCases {
		f.Add(c.file(f))
	}
	for _, s := range oddInputs {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
	})
}

// checkParse parses data and checks the answer, whatever data holds.
func checkParse(t *testing.T, data []byte) {
	t.Helper()
	q, err := quiz.Parse("fuzz.yaml", data)
	if err == nil {
		require.NotNil(t, q, "no quiz and no error for %q", data)
		checkQuiz(t, q)
		assert.Equal(t, data, q.Source)
		assert.Equal(t, sha256Hex(data), q.Hash)
		assert.Equal(t, "fuzz.yaml", q.File)
		return
	}
	require.Nil(t, q, "a quiz and an error for %q", data)
	var ps quiz.Problems
	require.True(t, errors.As(err, &ps), "error %T is not quiz.Problems", err)
	require.NotEmpty(t, ps, "empty Problems for %q", data)
	for _, p := range ps {
		assert.Equal(t, "fuzz.yaml", p.File, "problem %q", p)
		assert.NotEmpty(t, p.What, "problem %q", p)
		assert.GreaterOrEqual(t, p.Line, 0, "problem %q", p)
		assert.GreaterOrEqual(t, p.Column, 0, "problem %q", p)
	}
	assert.True(t, sort.SliceIsSorted(ps, func(i, j int) bool {
		return ps[i].Line < ps[j].Line || ps[i].Line == ps[j].Line && ps[i].Column < ps[j].Column
	}), "problems out of order: %v", err)
	assert.Len(t, strings.Split(err.Error(), "\n"), len(ps), "one line per problem: %q", err.Error())
}

// checkQuiz checks the promises a loaded quiz makes to the rest of the app.
func checkQuiz(t *testing.T, q *quiz.Quiz) {
	t.Helper()
	assert.NotEmpty(t, q.ID)
	assert.GreaterOrEqual(t, q.Version, 1)
	assert.NotEmpty(t, q.Title)
	assert.NotEmpty(t, q.Language)
	assert.Less(t, q.Scale.Min, q.Scale.Max)
	assert.Len(t, q.Scale.Labels, q.Scale.Max-q.Scale.Min+1, "one label per answer")

	declared := map[string]bool{}
	for _, s := range q.Scales {
		assert.False(t, declared[s.ID], "scale %q twice", s.ID)
		declared[s.ID] = true
		if s.Norms != nil {
			assert.Greater(t, s.Norms.SD, 0.0, s.ID)
			assert.Greater(t, s.Norms.Reliability, 0.0, s.ID)
			assert.Less(t, s.Norms.Reliability, 1.0, s.ID)
		}
	}
	require.NotEmpty(t, q.Scales)

	flagged := map[string]bool{}
	flags := map[string]bool{}
	for _, f := range q.Support {
		assert.False(t, flags[f.ID], "support flag %q twice", f.ID)
		flags[f.ID] = true
		assert.NotEmpty(t, f.Title, f.ID)
		assert.NotEmpty(t, f.Message, f.ID)
		assert.True(t, q.Scale.Contains(f.Min), "support flag %q min %d", f.ID, f.Min)
		require.NotEmpty(t, f.Resources, f.ID)
		for _, r := range f.Resources {
			assert.NotEmpty(t, r.Name, f.ID)
			assert.True(t, strings.HasPrefix(strings.ToLower(r.URL), "https://"), "support flag %q url %q", f.ID, r.URL)
			if r.Region != "" && r.Region != quiz.RegionInternational {
				assert.Regexp(t, `^[A-Z]{2}$`, r.Region, f.ID)
			}
		}
		require.NotEmpty(t, f.Items, f.ID)
		for _, id := range f.Items {
			flagged[id] = true
		}
	}

	keyed := map[string]bool{}
	items := map[string]bool{}
	require.NotEmpty(t, q.Sections)
	for _, s := range q.Sections {
		require.NotEmpty(t, s.Items, "section %q", s.ID)
		for _, it := range s.Items {
			assert.False(t, items[it.ID], "item %q twice", it.ID)
			items[it.ID] = true
			if !flagged[it.ID] {
				require.NotEmpty(t, it.Keys, "item %q has no keys and no support flag lists it", it.ID)
			}
			for _, k := range it.Keys {
				assert.True(t, declared[k.Scale], "item %q keys undeclared scale %q", it.ID, k.Scale)
				assert.NotZero(t, k.Weight, "item %q", it.ID)
				keyed[k.Scale] = true
			}
		}
	}
	for id := range declared {
		assert.True(t, keyed[id], "scale %q is keyed by no item", id)
	}
	for id := range flagged {
		assert.True(t, items[id], "a support flag lists %q, which is not an item", id)
	}

	require.NotEmpty(t, q.Results)
	last := len(q.Results) - 1
	for i, r := range q.Results {
		if i == last {
			assert.Empty(t, r.When, "the last result %q has a when", r.ID)
			continue
		}
		assert.NotEmpty(t, r.When, "result %q has no when", r.ID)
		for _, c := range r.When {
			assert.True(t, declared[c.Scale], "result %q names undeclared scale %q", r.ID, c.Scale)
			assert.GreaterOrEqual(t, c.Min, 0.0)
			assert.LessOrEqual(t, c.Max, 100.0)
			if !c.MaxGiven {
				assert.Equal(t, 100.0, c.Max)
			}
		}
	}
	if q.Spectrum != nil {
		assert.True(t, declared[q.Spectrum.Left])
		assert.True(t, declared[q.Spectrum.Right])
		assert.NotEqual(t, q.Spectrum.Left, q.Spectrum.Right)
		assert.Greater(t, q.Spectrum.Cut, 0.0)
		assert.Less(t, q.Spectrum.Cut, 100.0)
	}
	if q.Map != nil {
		assert.True(t, declared[q.Map.X])
		assert.True(t, declared[q.Map.Y])
		assert.NotEqual(t, q.Map.X, q.Map.Y)
	}
}
