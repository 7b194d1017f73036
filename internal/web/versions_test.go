package web_test

import (
	"encoding/json"
	"math"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
)

// versionSide is one side of /compare.json, with the version it was
// scored with.
type versionSide struct {
	ID      int64    `json:"id"`
	Version int      `json:"version"`
	Result  string   `json:"result"`
	Flags   []string `json:"flags"`
}

// versionsDoc is the parts of /compare.json TestVersions reads.
type versionsDoc struct {
	Before, After versionSide
	SameVersion   bool `json:"same_version"`
	Scales        map[string]struct {
		Before   *float64 `json:"before"`
		After    *float64 `json:"after"`
		Reliable *bool    `json:"reliable"`
	} `json:"scales"`
	NotCompared []string `json:"not_compared"`
	Moves       []struct {
		Item string `json:"item"`
	} `json:"moves"`
}

// folded is s with its white space folded, as text() gives a page's.
func folded(s string) string { return strings.Join(strings.Fields(s), " ") }

// rounded is a score as the pages show it.
func rounded(tb testing.TB, score *float64) string {
	tb.Helper()
	require.NotNil(tb, score)
	return strconv.Itoa(int(math.Floor(*score + 1e-9)))
}

// TestVersions_V1AttemptsAfterV2: results a browser got from version 1 of
// the shipped quiz, before version 2 and its short form shipped, are still
// listed, shown and compared with version 1's own texts and scores, and a
// version 1 result compares with a version 2 one on the scales both have.
func TestVersions_V1AttemptsAfterV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tandem.db")
	v1 := fixture(t, "relationship-spectrum-v1.yaml")
	require.Equal(t, spectrumQuiz, v1.ID)
	require.Equal(t, 1, v1.Version)

	// Two attempts of version 1, a week apart, in one browser.
	old := newEnvAt(t, path, v1)
	b := newPersonBrowser(old, old.client)
	plans := []map[string]int{keyPlan(v1, 5, 3, nil), keyPlan(v1, 2, 3, nil)}
	var toks []string
	var twins []twin
	for i, plan := range plans {
		old.at(testClock.AddDate(0, 0, 7*i))
		tok, _ := b.take(plan)
		toks = append(toks, tok)
		twins = append(twins, old.twin(tok))
	}
	me := b.me()
	require.NotEmpty(t, me)
	ids := []int64{attemptIDOf(old, toks[0]), attemptIDOf(old, toks[1])}
	// Every codependence item at its extreme, then one step from the
	// bottom: 100 and 25, as version 1 scores them.
	wantResults := []string{"leaning-codependent", "interdependent"}
	wantCodependence := []float64{100, 25}
	for i, tw := range twins {
		assert.Equal(t, 1, tw.Quiz.Version)
		assert.Equal(t, wantResults[i], tw.Result.ID)
		require.NotNil(t, tw.Scales["codependence"].Score)
		assert.InDelta(t, wantCodependence[i], *tw.Scales["codependence"].Score, 1e-9)
	}
	old.srv.Close()
	require.NoError(t, old.db.Close())

	// The same database with the shipped quizzes: version 2 and its short
	// form. The browser keeps its cookies.
	e := newEnvAt(t, path)
	e.client = old.client
	e.at(testClock.AddDate(0, 1, 0))
	b = newPersonBrowser(e, e.client)
	v2 := spectrumOf(t)
	require.Equal(t, 2, v2.Version)
	require.Equal(t, me, b.me())

	t.Run("PersonalPageListsBoth", func(t *testing.T) {
		h := b.get("/me/" + me)
		require.Equal(t, http.StatusOK, h.status)
		assert.Equal(t, []string{meAttempt(me, ids[1]), meAttempt(me, ids[0])}, attemptLinks(t, h), "newest first")
		rows := findAll(h.doc, byTestID("attempt"))
		require.Len(t, rows, 2)
		for i, row := range rows {
			tw := twins[1-i]
			want, ok := v1.ResultByID(tw.Result.ID)
			require.True(t, ok)
			assert.Equal(t, want.Title, text(find(t, row, byTag("a"))))
			assert.Contains(t, text(row), v1.Title+" (version 1)")
		}
	})

	t.Run("ResultsShowVersion1", func(t *testing.T) {
		for i, tok := range toks {
			want, ok := v1.ResultByID(wantResults[i])
			require.True(t, ok)
			assert.Equal(t, twins[i], e.twin(tok), "the twin is as it was")
			for _, path := range []string{"/results/" + tok, meAttempt(me, ids[i])} {
				page := b.get(path)
				require.Equal(t, http.StatusOK, page.status, path)
				assert.Equal(t, want.Title, text(find(t, page.doc, byTestID("result-title"))), path)
				assert.Equal(t, folded(want.Summary), text(find(t, page.doc, byTestID("result-summary"))), path)
				body := text(find(t, page.doc, byTestID("result-body")))
				first := strings.SplitN(want.Body, "\n\n", 2)[0]
				assert.Contains(t, body, folded(first), path)
				v2Result, ok := v2.ResultByID(wantResults[i])
				require.True(t, ok)
				assert.NotContains(t, body, folded(strings.SplitN(v2Result.Body, "\n\n", 2)[0]), "not version 2's text")
				assert.Contains(t, page.body, folded(v1.Disclaimer), path)

				scales := findAll(page.doc, byTestID("scale"))
				require.Len(t, scales, len(v1.Scales), path)
				for _, sc := range scales {
					id := attr(sc, "data-scale")
					assert.Equal(t, rounded(t, twins[i].Scales[id].Score)+" of 100", text(find(t, sc, byTestID("score"))), id)
				}
				// Version 1 has no cut: the spectrum draws the default.
				spectrum := text(find(t, page.doc, byTestID("spectrum")))
				assert.Contains(t, spectrum, "A pull is strong from 50 of 100", path)
				assert.Empty(t, findAll(page.doc, byTestID("support")), "version 1 has no support flags")
			}
		}
	})

	compare := func(t *testing.T, from, to int64) (*response, versionsDoc) {
		t.Helper()
		q := "?from=" + strconv.FormatInt(from, 10) + "&to=" + strconv.FormatInt(to, 10)
		page := b.get("/me/" + me + "/compare" + q)
		require.Equal(t, http.StatusOK, page.status)
		r := b.get("/me/" + me + "/compare.json" + q)
		require.Equal(t, http.StatusOK, r.status)
		var doc versionsDoc
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
		return page, doc
	}

	// checkRows checks the page's rows against the scores of the two
	// twins, scale by scale in the later quiz's order, each with a verdict.
	checkRows := func(t *testing.T, page *response, later *quiz.Quiz, before, after twin) {
		t.Helper()
		rows := findAll(page.doc, byTestID("scale-change"))
		require.Len(t, rows, len(later.Scales))
		for i, row := range rows {
			sc := later.Scales[i]
			assert.Equal(t, sc.Name, text(find(t, row, byTag("th"))))
			cells := findAll(row, byTag("td"))
			require.Len(t, cells, 3, sc.ID)
			assert.Equal(t, rounded(t, before.Scales[sc.ID].Score), text(cells[0]), sc.ID)
			assert.Equal(t, rounded(t, after.Scales[sc.ID].Score), text(cells[1]), sc.ID)
			assert.NotEmpty(t, text(find(t, cells[2], byTestID("verdict"))), sc.ID)
		}
	}

	t.Run("CompareVersion1", func(t *testing.T) {
		page, doc := compare(t, ids[0], ids[1])
		assert.Empty(t, findAll(page.doc, byTestID("versions")), "the same version")
		checkRows(t, page, v1, twins[0], twins[1])
		byName := map[string]string{}
		for _, row := range findAll(page.doc, byTestID("scale-change")) {
			byName[text(find(t, row, byTag("th")))] = text(find(t, row, byTestID("verdict")))
		}
		assert.Equal(t, "A real change", byName["Codependence"], "100 to 25 on version 1's norms")
		// Version 1's norms say they are provisional in their source, as
		// files did before `provisional:`: the page says so still.
		find(t, page.doc, byTestID("provisional"))
		sides := findAll(page.doc, byAttr("class", "side-result"))
		require.Len(t, sides, 2)
		assert.Equal(t, twins[0].Result.Title, text(sides[0]))
		assert.Equal(t, twins[1].Result.Title, text(sides[1]))

		assert.True(t, doc.SameVersion)
		assert.Equal(t, versionSide{ID: ids[0], Version: 1, Result: wantResults[0], Flags: []string{}}, doc.Before)
		assert.Equal(t, versionSide{ID: ids[1], Version: 1, Result: wantResults[1], Flags: []string{}}, doc.After)
		assert.Empty(t, doc.NotCompared)
		assert.Len(t, doc.Scales, len(v1.Scales))
		require.NotEmpty(t, doc.Moves, "answers moved")
		assert.Equal(t, "bo1", doc.Moves[0].Item, "version 1's items")
		bo1 := v1.Items()[0]
		require.Equal(t, "bo1", bo1.ID)
		moves := findAll(find(t, page.doc, byTestID("moves")), byTag("li"))
		require.NotEmpty(t, moves)
		assert.Contains(t, text(moves[0]), bo1.Text, "in version 1's words")
	})

	t.Run("CompareAcrossVersions", func(t *testing.T) {
		// Version 2, taken once in the same browser.
		tok, _ := b.take(keyPlan(v2, 4, 3, nil))
		id := attemptIDOf(e, tok)
		now := e.twin(tok)
		require.Equal(t, 2, now.Quiz.Version)
		h := b.get("/me/" + me)
		assert.Equal(t, []string{meAttempt(me, id), meAttempt(me, ids[1]), meAttempt(me, ids[0])}, attemptLinks(t, h))
		assert.Contains(t, text(findAll(h.doc, byTestID("attempt"))[0]), v2.Title+" (version 2)")

		page, doc := compare(t, ids[0], id)
		assert.Equal(t, "These results come from two versions of the questionnaire (1 and 2): "+
			"only the scores both versions have are compared.", text(find(t, page.doc, byTestID("versions"))))
		// Both versions have the same ten scales: all of them are compared,
		// none is left out.
		var shared []string
		for _, sc := range v2.Scales {
			if _, ok := v1.ScaleByID(sc.ID); ok {
				shared = append(shared, sc.ID)
			}
		}
		require.Len(t, shared, 10)
		checkRows(t, page, v2, twins[0], now)
		assert.Empty(t, findAll(page.doc, byTestID("dropped")))
		// No statement is in both versions: no change is judged against
		// norms, here or in the twin.
		judged := 0
		for i, row := range findAll(page.doc, byTestID("scale-change")) {
			want := "No reliability claim can be made for this score"
			if v2.Scales[i].Norms != nil {
				want = "Not judged, as the questions changed between versions"
				judged++
			}
			assert.Equal(t, want, text(find(t, row, byTestID("verdict"))), v2.Scales[i].ID)
		}
		assert.GreaterOrEqual(t, judged, 3, "version 2's main scales have norms")
		assert.Empty(t, findAll(page.doc, byTestID("provisional")), "no verdict rests on the norms")

		assert.False(t, doc.SameVersion)
		assert.Equal(t, ids[0], doc.Before.ID)
		assert.Equal(t, 1, doc.Before.Version)
		assert.Equal(t, wantResults[0], doc.Before.Result)
		assert.Equal(t, id, doc.After.ID)
		assert.Equal(t, 2, doc.After.Version)
		assert.Equal(t, now.Result.ID, doc.After.Result)
		assert.Empty(t, doc.NotCompared)
		require.Len(t, doc.Scales, len(shared))
		for _, sid := range shared {
			got := doc.Scales[sid]
			require.NotNil(t, got.Before, sid)
			require.NotNil(t, got.After, sid)
			assert.InDelta(t, *twins[0].Scales[sid].Score, *got.Before, 1e-9, sid)
			assert.InDelta(t, *now.Scales[sid].Score, *got.After, 1e-9, sid)
		}
		assert.Empty(t, doc.Moves, "no item id is in both versions")

		// The default pair is the two newest: version 1's second and
		// version 2's.
		def := b.get("/me/" + me + "/compare")
		require.Equal(t, http.StatusOK, def.status)
		assert.Contains(t, text(find(t, def.doc, byTestID("versions"))), "(1 and 2)")

		// The pulls over time draw each attempt's own cut: version 1's
		// (none given, so 50) under its two attempts, version 2's 60
		// under the last, a step between.
		ys := map[string]int{}
		for _, pt := range strings.Fields(attr(find(t, b.get("/me/"+me).doc, byTestID("pull-cut")), "points")) {
			ys[strings.Split(pt, ",")[1]]++
		}
		assert.Equal(t, map[string]int{"55.0": 4, "46.0": 2}, ys, "y of 50 and of 60 on the 0..100 axis from 100 to 10")
	})
}
