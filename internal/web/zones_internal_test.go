package web

import (
	"bytes"
	"context"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/quizzes"
	"github.com/tandem-app/tandem/web/locales"
	"github.com/tandem-app/tandem/web/views"
)

// TestZones_Shipped holds the shipped quizzes to one cut system, over
// 12,000 answer sets each (random, and structured extremes): the JSON
// twin's zone follows rule 5b; every result but the fallback occurs in
// one zone only; the balanced result never occurs with interdependence
// below the bar its conditions set; and the rendered spectrum marks the
// middle only in zone "middle", drawing two strong pulls in zone "both".
func TestZones_Shipped(t *testing.T) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(t, err)
	messages, err := views.LoadMessages(locales.FS, "en.yaml")
	require.NoError(t, err)
	ctx := views.WithPage(context.Background(), views.PageSettings{Language: messages.Match("en")})
	for _, q := range qs {
		t.Run(q.ID, func(t *testing.T) {
			require.NotNil(t, q.Spectrum)
			sp := q.Spectrum
			fallback := q.Results[len(q.Results)-1].ID
			balanced, ok := q.ResultByID("interdependent")
			require.True(t, ok)
			bar := -1.0
			for _, c := range balanced.When {
				if c.Scale == "interdependence" {
					bar = c.Min
				}
			}
			require.Greater(t, bar, 0.0, "the balanced result needs a high interdependence score")

			zonesOf := map[string]map[scoring.Zone]bool{}
			rendered := map[scoring.Zone]int{}
			for i, answers := range answerSets(q, 12000) {
				out, err := scoring.Score(q, answers)
				require.NoError(t, err)
				a := attempt{Attempt: &tandem.Attempt{QuizID: q.ID, QuizVersion: q.Version, Status: tandem.StatusCompleted,
					Answers: answers, Outcome: &out}, quiz: q}
				a.result, _ = q.ResultByID(out.Result)

				left, right := out.ScoreOf(sp.Left), out.ScoreOf(sp.Right)
				require.NotNil(t, left)
				require.NotNil(t, right)
				want := zoneByRule(*left, *right, sp.Cut)
				doc := resultDoc(a)
				require.NotNil(t, doc.Spectrum.Zone, "answer set %d", i)
				require.Equal(t, string(want), *doc.Spectrum.Zone, "answer set %d: L %v, R %v", i, *left, *right)

				if zonesOf[out.Result] == nil {
					zonesOf[out.Result] = map[scoring.Zone]bool{}
				}
				zonesOf[out.Result][want] = true
				if out.Result == balanced.ID {
					inter := out.ScoreOf("interdependence")
					require.NotNil(t, inter)
					require.GreaterOrEqual(t, *inter, bar-1e-9, "answer set %d: balanced below its bar", i)
				}

				// Rendering every set would take long; every tenth, and every
				// extreme (the first ones), is plenty.
				if i < 200 || i%10 == 0 {
					html := renderSpectrum(t, ctx, spectrumView(q, out))
					assert.Equal(t, want == scoring.ZoneMiddle, strings.Contains(html, `data-testid="spectrum-middle"`),
						"answer set %d in zone %s", i, want)
					strong := strings.Count(html, `data-strong="true"`)
					switch want {
					case scoring.ZoneBoth:
						assert.Equal(t, 2, strong, "zone both draws two strong pulls")
					case scoring.ZoneLeft, scoring.ZoneRight:
						assert.Equal(t, 1, strong)
					default:
						assert.Equal(t, 0, strong)
					}
					assert.NotContains(t, html, `class="marker"`, "the spectrum draws pulls, never one dot")
					// A score shown reaches the cut exactly when the pull is
					// strong: the caption never says "60, below 60".
					for _, pole := range []struct {
						id    string
						score float64
					}{{sp.Left, *left}, {sp.Right, *right}} {
						shown := shownScore(t, html, scaleName(q, pole.id))
						assert.Equal(t, pole.score >= sp.Cut, float64(shown) >= sp.Cut,
							"answer set %d: %s %v is shown as %d, with a cut of %v", i, pole.id, pole.score, shown, sp.Cut)
					}
					rendered[want]++
				}
			}
			for id, zones := range zonesOf {
				if id != fallback {
					assert.Len(t, zones, 1, "result %s occurs in zones %v", id, zones)
				}
			}
			for _, z := range []scoring.Zone{scoring.ZoneMiddle, scoring.ZoneLeft, scoring.ZoneRight, scoring.ZoneBoth} {
				assert.Positive(t, rendered[z], "the answer sets reach zone %s", z)
			}
			for _, r := range q.Results {
				assert.NotEmpty(t, zonesOf[r.ID], "some answer set leads to result %s", r.ID)
			}
		})
	}
}

// shownScore is the whole score the spectrum's caption shows after a
// scale's name.
func shownScore(tb testing.TB, html, name string) int {
	tb.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(name) + ` (?:\(|is )?(\d+)`).FindStringSubmatch(html)
	require.NotNil(tb, m, "the caption shows %s's score", name)
	n, err := strconv.Atoi(m[1])
	require.NoError(tb, err)
	return n
}

// zoneByRule is rule 5b of quiz-format.md, written out again.
func zoneByRule(left, right, cut float64) scoring.Zone {
	l, r := left >= cut, right >= cut
	switch {
	case l && r:
		return scoring.ZoneBoth
	case l:
		return scoring.ZoneLeft
	case r:
		return scoring.ZoneRight
	}
	return scoring.ZoneMiddle
}

// answerSets makes n complete answer sets for q: first the structured
// extremes (every answer alike; each pull, both, neither, at full and half
// strength, with the balance items high or low), then random answers, some
// uniform and some leaning by person.
func answerSets(q *quiz.Quiz, n int) []scoring.Answers {
	items := q.Items()
	lo, hi := q.Scale.Min, q.Scale.Max
	var sets []scoring.Answers
	for v := lo; v <= hi; v++ {
		a := scoring.Answers{}
		for _, it := range items {
			if len(it.Keys) > 0 {
				a[it.ID] = v
			}
		}
		sets = append(sets, a)
	}
	// lean answers each item from how much the person agrees with what
	// it keys: +1 for every scale leaning up, -1 for down.
	lean := func(pulls map[string]float64) scoring.Answers {
		a := scoring.Answers{}
		for _, it := range items {
			if len(it.Keys) == 0 {
				continue
			}
			x := 0.0
			for _, k := range it.Keys {
				if k.Weight > 0 {
					x += pulls[k.Scale]
				} else {
					x -= pulls[k.Scale]
				}
			}
			mid := float64(lo+hi) / 2
			a[it.ID] = min(hi, max(lo, int(mid+x*float64(hi-lo)/2+0.5)))
		}
		return a
	}
	for _, strength := range []float64{1, 0.5, 0.25} {
		for _, l := range []float64{-1, 0, 1} {
			for _, r := range []float64{-1, 0, 1} {
				for _, b := range []float64{-1, 0, 1} {
					sets = append(sets, lean(map[string]float64{
						q.Spectrum.Left: l * strength, q.Spectrum.Right: r * strength, "interdependence": b * strength}))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(10, 10))
	for len(sets) < n {
		if len(sets)%2 == 0 {
			a := scoring.Answers{}
			for _, it := range items {
				if len(it.Keys) > 0 {
					a[it.ID] = lo + rng.IntN(hi-lo+1)
				}
			}
			sets = append(sets, a)
			continue
		}
		sets = append(sets, lean(map[string]float64{
			q.Spectrum.Left: rng.Float64()*2 - 1, q.Spectrum.Right: rng.Float64()*2 - 1,
			"interdependence": rng.Float64()*2 - 1}))
	}
	return sets
}

func renderSpectrum(t *testing.T, ctx context.Context, sv *views.SpectrumView) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, views.SpectrumChart(*sv).Render(ctx, &b))
	return b.String()
}

// TestMapCut: the map draws the spectrum's cut only when its axes are the
// spectrum's poles, in either order; for other scales it draws none.
func TestMapCut(t *testing.T) {
	q := &quiz.Quiz{Spectrum: &quiz.Spectrum{Left: "hold", Right: "away", Cut: 60}}
	for _, tt := range []struct {
		x, y string
		want float64
	}{
		{"away", "hold", 60},
		{"hold", "away", 60},
		{"away", "rest", 0},
		{"rest", "mood", 0},
	} {
		q.Map = &quiz.Map{X: tt.x, Y: tt.y}
		assert.Equal(t, tt.want, mapCut(q), "%s across, %s up", tt.x, tt.y)
	}
	q.Spectrum = nil
	assert.Zero(t, mapCut(q), "no spectrum, no cut")

	// Drawn without a cut, the map has no shaded corner and says none.
	messages, err := views.LoadMessages(locales.FS, "en.yaml")
	require.NoError(t, err)
	ctx := views.WithPage(context.Background(), views.PageSettings{Language: messages.Match("en")})
	x, y := 70.0, 20.0
	var b bytes.Buffer
	require.NoError(t, views.ResultView(views.Result{Title: "T", Map: &views.MapView{XName: "Rest", YName: "Mood", X: &x, Y: &y}}).Render(ctx, &b))
	assert.NotContains(t, b.String(), `data-testid="map-middle"`)
	assert.Contains(t, b.String(), "Rest 70 of 100 (across) and Mood 20 of 100 (up).</figcaption>")
}
