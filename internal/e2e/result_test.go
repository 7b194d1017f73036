package e2e_test

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// zones are the four places a result can land on the spectrum.
var zones = []scoring.Zone{scoring.ZoneMiddle, scoring.ZoneLeft, scoring.ZoneRight, scoring.ZoneBoth}

// zoneAnswer is the value a person whose result lands in zone gives a
// scored item, worked out from its keys as answer does: agree with what
// pulls toward the poles the zone makes strong, disagree with what pulls
// toward the others and, in the middle, also with what keys any other
// scale (they all measure the balance) negatively. Strong answers now
// and then, never the same answer to everything.
func zoneAnswer(q *quiz.Quiz, it quiz.Item, zone scoring.Zone) int {
	sp := q.Spectrum
	want := map[string]float64{sp.Left: -1, sp.Right: -1}
	switch zone {
	case scoring.ZoneLeft:
		want[sp.Left] = 1
	case scoring.ZoneRight:
		want[sp.Right] = 1
	case scoring.ZoneBoth:
		want[sp.Left], want[sp.Right] = 1, 1
	}
	lean := 0.0
	for _, k := range it.Keys {
		w, pole := want[k.Scale]
		if !pole && zone == scoring.ZoneMiddle {
			w = 1
		}
		lean += k.Weight * w
	}
	lo, hi := q.Scale.Min, q.Scale.Max
	mid := (lo + hi) / 2
	v := mid
	switch {
	case lean > 0:
		v = mid + 1
	case lean < 0:
		v = mid - 1
	}
	if n := int(it.ID[len(it.ID)-1]); v != mid && n%3 == 0 {
		v += v - mid
	}
	return min(max(v, lo), hi)
}

// zoneResult takes the quiz over plain HTTP, as a browser of its own,
// with answers that land in zone, and returns the result's path and the
// outcome the engine gives those answers, to check the page against.
func (s *server) zoneResult(t *testing.T, zone scoring.Zone) (string, scoring.Outcome) {
	t.Helper()
	given := scoring.Answers{}
	path := s.takeHTTP(t, newClient(t), func(it quiz.Item) (int, bool) {
		if safety(it) {
			return 0, false
		}
		given[it.ID] = zoneAnswer(s.quiz, it, zone)
		return given[it.ID], true
	})
	out, err := scoring.Score(s.quiz, given)
	require.NoError(t, err)
	require.Equal(t, zone, scoring.ZoneOf(s.quiz, out), "the answers land in zone %s", zone)
	require.Empty(t, scoring.Validity(s.quiz, given, 0), "answers that read true")
	return path, out
}

// TestResultZones takes the shipped quiz four times, with answers that
// land in each zone of the spectrum, and reads each result at phone and
// desktop size (each checked as every page is, axe in light and dark
// included): the title is the zone's result; the spectrum draws both
// pulls as long as their scores, the strong ones taller, the middle
// marked only in zone middle, never one dot, and its caption names the
// zone with both numbers; the map places the marker by its two scores,
// inside the shaded corner below the cut exactly in zone middle.
func TestResultZones(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, zone := range zones {
		path, out := srv.zoneResult(t, zone)
		t.Run(string(zone), func(t *testing.T) {
			t.Parallel()
			tb := srv.open(t)
			for _, size := range shotSizes {
				t.Run(size.name, func(t *testing.T) {
					tb := tb.on(t)
					tb.viewport(size.width, size.height, size.scale)
					tb.visit(path)
					tb.zonePresent(zone, out)
				})
			}
		})
	}
}

// zoneCaptions is how the spectrum's caption names each zone.
var zoneCaptions = map[scoring.Zone]*regexp.Regexp{
	scoring.ZoneMiddle: regexp.MustCompile(`^Neither pull is strong\b.*\bthe middle\b`),
	scoring.ZoneLeft:   regexp.MustCompile(`^A strong pull toward Codependence\b`),
	scoring.ZoneRight:  regexp.MustCompile(`^A strong pull toward Independence\b`),
	scoring.ZoneBoth:   regexp.MustCompile(`^Both pulls are strong\b`),
}

// zonePresent checks a result page in zone against the outcome out.
func (tb *tab) zonePresent(zone scoring.Zone, out scoring.Outcome) {
	tb.t.Helper()
	t, q := tb.t, tb.srv.quiz
	sp, cut := q.Spectrum, q.Spectrum.Cut
	left, right := *out.ScoreOf(sp.Left), *out.ScoreOf(sp.Right)
	res, ok := q.ResultByID(out.Result)
	require.True(t, ok, out.Result)
	assert.Equal(t, res.Title, tb.text(`[data-testid=result-title]`), "the zone's result")

	// The spectrum: two pulls from the middle (160), 144 long at 100.
	assert.Equal(t, string(zone), tb.attr(`[data-testid=spectrum] svg`, "data-zone"))
	middle := 0
	if zone == scoring.ZoneMiddle {
		middle = 1
	}
	assert.Equal(t, middle, tb.count(`[data-testid=spectrum-middle]`), "the middle marked as the person's place only in zone middle")
	assert.Zero(t, tb.count(`[data-testid=spectrum] .marker`), "pulls, never one dot")
	strong := map[scoring.Zone][]string{
		scoring.ZoneMiddle: {},
		scoring.ZoneLeft:   {"pull-left"},
		scoring.ZoneRight:  {"pull-right"},
		scoring.ZoneBoth:   {"pull-left", "pull-right"},
	}[zone]
	assert.Equal(t, strong, eval[[]string](tb, `[...document.querySelectorAll("[data-testid=spectrum] [data-strong=true]")].map((e) => e.dataset.testid)`),
		"the strong pulls")
	bars := eval[map[string]struct {
		X, Width, Height float64
	}](tb, `Object.fromEntries([...document.querySelectorAll("[data-testid=spectrum] rect.pull")].map((e) =>
		[e.dataset.testid, {x: e.x.baseVal.value, width: e.width.baseVal.value, height: e.height.baseVal.value}]))`)
	require.Len(t, bars, 2, "both pulls drawn")
	l, r := bars["pull-left"], bars["pull-right"]
	assert.InDelta(t, 144*left/100, l.Width, 0.1, "the left pull as long as its score, %.1f", left)
	assert.InDelta(t, 160, l.X+l.Width, 0.1, "from the middle")
	assert.InDelta(t, 160, r.X, 0.1, "the right pull from the middle")
	assert.InDelta(t, 144*right/100, r.Width, 0.1, "the right pull as long as its score, %.1f", right)
	for id, b := range bars {
		if slices.Contains(strong, id) {
			assert.Greater(t, b.Height, 10.0, "%s: a strong pull is taller", id)
		} else {
			assert.Less(t, b.Height, 10.0, "%s: a pull that is not strong is thin", id)
		}
	}
	caption := tb.text(`[data-testid=spectrum-text]`)
	assert.Regexp(t, zoneCaptions[zone], caption, "the caption names the zone")
	assert.Contains(t, caption, wholeText(left), "with the left pull's score")
	assert.Contains(t, caption, wholeText(right), "with the right pull's score")

	// The map: independence across, codependence up, in a 200 square from
	// (40, 10), the corner below the cut on both shaded.
	m := q.Map
	x, y := *out.ScoreOf(m.X), *out.ScoreOf(m.Y)
	band := eval[struct{ X, Y, Width, Height float64 }](tb, `(() => { const e = document.querySelector("[data-testid=map-middle]");
		return {x: e.x.baseVal.value, y: e.y.baseVal.value, width: e.width.baseVal.value, height: e.height.baseVal.value}; })()`)
	assert.InDelta(t, 40, band.X, 0.1, "the shaded corner starts at the origin")
	assert.InDelta(t, 2*cut, band.Width, 0.1, "and reaches the cut across")
	assert.InDelta(t, 2*cut, band.Height, 0.1, "and up")
	assert.InDelta(t, 210-2*cut, band.Y, 0.1, "from the bottom")
	marker := eval[struct{ CX, CY float64 }](tb, `(() => { const e = document.querySelector("[data-testid=map-marker]");
		return {cx: e.cx.baseVal.value, cy: e.cy.baseVal.value}; })()`)
	assert.InDelta(t, 40+2*x, marker.CX, 0.1, "the marker across at %s %.1f", m.X, x)
	assert.InDelta(t, 210-2*y, marker.CY, 0.1, "the marker up at %s %.1f", m.Y, y)
	inside := marker.CX >= band.X && marker.CX <= band.X+band.Width && marker.CY >= band.Y && marker.CY <= band.Y+band.Height
	assert.Equal(t, zone == scoring.ZoneMiddle, inside, "the marker in the shaded corner exactly when neither pull is strong")
	strongScale := map[string]bool{
		sp.Left:  slices.Contains(strong, "pull-left"),
		sp.Right: slices.Contains(strong, "pull-right"),
	}
	assert.Equal(t, strongScale[m.X], marker.CX >= 40+2*cut, "right of the cut exactly when %s is strong", m.X)
	assert.Equal(t, strongScale[m.Y], marker.CY <= 210-2*cut, "above the cut exactly when %s is strong", m.Y)
	mapText := tb.text(`[data-testid=map-text]`)
	assert.Contains(t, mapText, wholeText(x))
	assert.Contains(t, mapText, wholeText(y))
	assert.Contains(t, mapText, "shaded corner", "the caption says what the shading means")
}

// wholeText is a score as the pages write it, rounded to a whole number.
func wholeText(f float64) string { return strconv.Itoa(int(math.Floor(f + 1e-9))) }

// agree is the value of the answer labelled Agree.
func agree(t *testing.T, q *quiz.Quiz) int {
	t.Helper()
	i := slices.Index(q.Scale.Labels, "Agree")
	require.GreaterOrEqual(t, i, 0, "the shipped scale has an Agree")
	return q.Scale.Min + i
}

// supportResult takes the quiz over plain HTTP, as a browser of its own,
// as the flows do but with Agree to the first safety item, and returns
// the result's path.
func (s *server) supportResult(t *testing.T) string {
	t.Helper()
	first := ""
	return s.takeHTTP(t, newClient(t), func(it quiz.Item) (int, bool) {
		if !safety(it) {
			return answer(s.quiz, it, 0), true
		}
		if first == "" || first == it.ID {
			first = it.ID
			return agree(t, s.quiz), true
		}
		return 0, false
	})
}

// TestResultSupport takes the shipped quiz in the browser and answers the
// first safety item on the optional last page with Agree, which raises a
// support flag: the result then begins with the support section, before
// its title, with places to find help for this browser's region and for
// anywhere (phones as tel: links), the others folded under them, and the
// next steps give way to a word about safety first. The personal page
// marks the attempt. Every page is checked as everywhere; the result also
// gets TestPages' checks and is read at phone size too.
func TestResultSupport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tb := srv.open(t)
	tb.visit("/quizzes/" + srv.quiz.ID)
	tb.clickAndLoad(`form.inline-form button[type=submit]`)
	first := ""
	for range srv.quiz.Sections {
		tb.answerByClicks(0)
		if ids := tb.safetyOf(); len(ids) > 0 && first == "" {
			first = ids[0]
			tb.click(fmt.Sprintf(`label[for="q-%s-%d"]`, first, agree(t, srv.quiz)-srv.quiz.Scale.Min))
		}
		require.EqualValues(t, 200, tb.clickAndLoad(`button[name=_nav][value=next]`).Status)
	}
	require.NotEmpty(t, first, "the quiz has an optional safety page")
	require.True(t, strings.HasPrefix(tb.path(), "/results/"), "the result, not %s", tb.path())
	result := tb.path()
	tb.supportPresent()
	t.Run("layout", func(t *testing.T) { tb.on(t).layoutChecks() })

	tb.viewport(390, 844, 2)
	tb.visit(result)
	tb.supportPresent()
	tb.viewport(1280, 800, 1)

	tb.visit("/me")
	assert.Equal(t, 1, tb.count(`[data-testid=attempt] [data-testid=support-mark]`), "the personal page marks the attempt")
}

// supportPresent checks a result with the safety flag raised.
func (tb *tab) supportPresent() {
	tb.t.Helper()
	t := tb.t
	require.Equal(t, 1, tb.count(`[data-testid=support]`), "one support flag")
	assert.Equal(t, "safety", tb.attr(`[data-testid=support]`, "data-flag"))
	assert.True(t, eval[bool](tb, `document.querySelector("main article").firstElementChild.matches("[data-testid=support]")`),
		"the support section comes first")
	assert.True(t, eval[bool](tb, `!!(document.querySelector("[data-testid=support]").compareDocumentPosition(
		document.querySelector("[data-testid=result-title]")) & Node.DOCUMENT_POSITION_FOLLOWING)`), "before the result's title")
	assert.True(t, eval[bool](tb, `(() => { const r = document.querySelector("[data-testid=support] h2").getBoundingClientRect();
		return r.top >= 0 && r.bottom <= innerHeight; })()`), "its heading in view as the page opens")
	assert.NotEmpty(t, tb.text(`[data-testid=support] h2`))
	assert.NotEmpty(t, tb.text(`[data-testid=support] > div p`), "its message")

	shown := `[data-testid=support] > [data-testid=resources]`
	assert.Positive(t, tb.count(shown+` a[data-testid=resource][href^="https://"]`), "places to find help")
	phones := eval[[]struct{ Href, Text string }](tb, `[...document.querySelectorAll("[data-testid=support] > [data-testid=resources] a[data-testid=phone]")]
		.map((a) => ({href: a.getAttribute("href"), text: a.textContent}))`)
	require.NotEmpty(t, phones, "a phone to call for this browser's region")
	digits := regexp.MustCompile(`[^0-9+]`)
	for _, p := range phones {
		assert.Regexp(t, `^tel:\+?[0-9]+$`, p.Href, "a phone is a tel: link")
		assert.Equal(t, "tel:"+digits.ReplaceAllString(p.Text, ""), p.Href, "that calls the number shown")
	}
	regions := eval[[]string](tb, `[...document.querySelectorAll("[data-testid=support] > [data-testid=resources] li .muted")].map((e) => e.textContent.trim())`)
	for _, r := range regions {
		assert.Contains(t, []string{"United Kingdom", "Anywhere"}, r, "first this browser's region (en-GB) and anywhere")
	}
	assert.Equal(t, 1, tb.count(`[data-testid=support] details.elsewhere [data-testid=resources]`), "other countries folded")
	assert.Equal(t, 1, tb.count(`[data-testid=safety-first]`), "safety first instead of the next steps")
	assert.Zero(t, tb.count(`[data-testid=next-steps]`))
	assert.NotEmpty(t, tb.text(`[data-testid=result-title]`), "the result follows")
	assert.Equal(t, 1, tb.count(`[data-testid=spectrum] svg[role=img]`))
}
