package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/web/locales"
	"github.com/tandem-app/tandem/web/views"
)

// benchAnswer answers the i-th item of a quiz: every value of the scale in
// turn, so that no validity flag changes the page from run to run, and
// the safety items at the bottom of the scale, as most people do (the
// load generator answers the same).
func benchAnswer(q *quiz.Quiz, i int, id string) int {
	if isSafetyItem(id) {
		return q.Scale.Min
	}
	return q.Scale.Min + i%(q.Scale.Max-q.Scale.Min+1)
}

// benchForms returns the body a browser posts for each page of q, with
// every item answered.
func benchForms(q *quiz.Quiz) []string {
	forms := make([]string, len(q.Sections))
	i := 0
	for n, sec := range q.Sections {
		f := url.Values{"_section": {sec.ID}, "_nav": {"next"}}
		for _, it := range sec.Items {
			f.Set(it.ID, strconv.Itoa(benchAnswer(q, i, it.ID)))
			i++
		}
		forms[n] = f.Encode()
	}
	return forms
}

// serve runs one request through h and returns its recorded response.
func serve(h http.Handler, method, path, body string, header http.Header) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	for k, v := range header {
		req.Header[k] = v
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkPages renders pages through the real router and middleware on
// a real database, without the network: what one request costs the server.
func BenchmarkPages(b *testing.B) {
	e := newEnv(b)
	h := e.web.Handler()
	q := shipped(b)[0]
	n := 0
	done := resultOf(b, e.answerAll(e.start(spectrumQuiz), func(id string) (int, bool) {
		n++
		return benchAnswer(q, n, id), true
	}))
	support := resultOf(b, e.answerAll(e.start(spectrumQuiz), func(string) (int, bool) { return q.Scale.Max, true }))
	inProgress := e.start(spectrumQuiz)

	gzip := http.Header{"Accept-Encoding": {"gzip"}}
	draft := draftHeader(inProgress)
	draftGzip := draftHeader(inProgress)
	draftGzip.Set("Accept-Encoding", "gzip")
	benchmarks := []struct {
		name   string
		path   string
		header http.Header
	}{
		{"home", "/", nil},
		{"intro", "/quizzes/" + spectrumQuiz, nil},
		{"section", "/attempts/" + inProgress + "/1", draft},
		{"section-gzip", "/attempts/" + inProgress + "/1", draftGzip},
		{"result", "/results/" + done, nil},
		{"result-gzip", "/results/" + done, gzip},
		{"result-support-gzip", "/results/" + support, gzip},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			rec := serve(h, http.MethodGet, bm.path, "", bm.header)
			require.Equal(b, http.StatusOK, rec.Code, rec.Body.String())
			b.SetBytes(int64(rec.Body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if rec := serve(h, http.MethodGet, bm.path, "", bm.header); rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// draftHeader is the Cookie header of the browser that started the
// attempt with token, without which its pages open nothing.
func draftHeader(token string) http.Header {
	return http.Header{"Cookie": {"tandem_draft_" + spectrumQuiz + "=" + token}}
}

// BenchmarkSectionSave saves the first page of an attempt again and
// again: one write transaction with synchronous=FULL per request.
func BenchmarkSectionSave(b *testing.B) {
	e := newEnv(b)
	h := e.web.Handler()
	token := e.start(spectrumQuiz)
	path := "/attempts/" + token + "/1"
	form := benchForms(shipped(b)[0])[0]
	rec := serve(h, http.MethodPost, path, form, draftHeader(token))
	require.Equal(b, http.StatusSeeOther, rec.Code, rec.Body.String())
	b.ReportAllocs()
	for b.Loop() {
		if rec := serve(h, http.MethodPost, path, form, draftHeader(token)); rec.Code != http.StatusSeeOther {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkCompleteAttempt takes the shipped quiz from start to result,
// as the load generator's complete scenario does: one op is one attempt
// (start, every page posted, the result page).
func BenchmarkCompleteAttempt(b *testing.B) {
	e := newEnv(b)
	h := e.web.Handler()
	q := shipped(b)[0]
	forms := benchForms(q)
	b.ReportAllocs()
	for b.Loop() {
		rec := serve(h, http.MethodPost, "/quizzes/"+q.ID+"/attempts", "", nil)
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("start: status %d", rec.Code)
		}
		path := rec.Header().Get("Location")
		draft := draftHeader(strings.Split(path, "/")[2]) // /attempts/{token}/1
		for n, form := range forms {
			rec := serve(h, http.MethodPost, path, form, draft)
			if rec.Code != http.StatusSeeOther {
				b.Fatalf("page %d: status %d: %s", n+1, rec.Code, rec.Body)
			}
			path = rec.Header().Get("Location")
		}
		if !strings.HasPrefix(path, "/results/") {
			b.Fatalf("the last page went to %s", path)
		}
		if rec := serve(h, http.MethodGet, path, "", nil); rec.Code != http.StatusOK {
			b.Fatalf("result: status %d", rec.Code)
		}
	}
}

// renderContext is what the server's middleware gives every page: the
// English catalogue. Static files resolve to their plain names.
func renderContext(tb testing.TB) context.Context {
	tb.Helper()
	messages, err := views.LoadMessages(locales.FS, "en.yaml")
	require.NoError(tb, err)
	return views.WithPage(context.Background(), views.PageSettings{Language: messages.Match("en")})
}

// BenchmarkRender renders each page's templ component straight into
// io.Discard, from a view model built once: the templates alone.
func BenchmarkRender(b *testing.B) {
	ctx := renderContext(b)
	q := shipped(b)[0]
	card := views.QuizCard{ID: q.ID, Title: q.Title, Summary: q.Summary, Language: q.Language,
		Minutes: q.Minutes, Items: len(q.Items()), URL: "/quizzes/" + q.ID}

	intro := views.Intro{Quiz: card, Disclaimer: q.Disclaimer, StartURL: card.URL + "/attempts", KeepDays: 7}
	for _, sc := range q.Scales {
		intro.Scales = append(intro.Scales, views.ScaleView{ID: sc.ID, Name: sc.Name, Description: sc.Description})
	}
	for _, sec := range q.Sections {
		intro.Sections = append(intro.Sections, sec.Title)
	}

	sec := q.Sections[0]
	section := views.SectionPage{QuizTitle: q.Title, Language: q.Language, Action: "/attempts/token/1",
		SectionID: sec.ID, Title: sec.Title, Intro: sec.Intro, Number: 1, Total: len(q.Sections)}
	for i, it := range sec.Items {
		v := views.ItemView{ID: it.ID, Number: i + 1, Text: it.Text, Optional: it.Optional}
		for _, value := range q.Scale.Values() {
			v.Choices = append(v.Choices, views.Choice{Value: strconv.Itoa(value), Label: q.Scale.Label(value)})
		}
		section.Items = append(section.Items, v)
	}

	answers := scoring.Answers{}
	for i, it := range q.Items() {
		answers[it.ID] = benchAnswer(q, i, it.ID)
	}
	out, err := scoring.Score(q, answers)
	require.NoError(b, err)
	res, ok := q.ResultByID(out.Result)
	require.True(b, ok)
	result := views.Result{QuizTitle: q.Title, Language: q.Language, Title: res.Title, Summary: res.Summary,
		NextSteps: res.NextSteps, Disclaimer: q.Disclaimer, CompletedAt: testClock,
		URL: "http://127.0.0.1/results/token", JSONURL: "/results/token.json"}
	for _, para := range strings.Split(res.Body, "\n\n") {
		if p := strings.Join(strings.Fields(para), " "); p != "" {
			result.Paragraphs = append(result.Paragraphs, p)
		}
	}
	for _, s := range out.Scales {
		sc, _ := q.ScaleByID(s.Scale)
		result.Scales = append(result.Scales, views.ScaleView{ID: s.Scale, Name: sc.Name, Description: sc.Description, Score: s.Score})
	}
	name := func(id string) string { sc, _ := q.ScaleByID(id); return sc.Name }
	if sp := q.Spectrum; sp != nil {
		result.Spectrum = &views.SpectrumView{Left: name(sp.Left), Right: name(sp.Right), Middle: sp.Middle,
			LeftScore: out.ScoreOf(sp.Left), RightScore: out.ScoreOf(sp.Right), Cut: sp.Cut, Zone: string(scoring.ZoneOf(q, out))}
	}
	if m := q.Map; m != nil {
		result.Map = &views.MapView{XName: name(m.X), YName: name(m.Y), X: out.ScoreOf(m.X), Y: out.ScoreOf(m.Y), Cut: q.Spectrum.Cut}
	}

	benchmarks := []struct {
		name string
		c    templ.Component
	}{
		{"home", views.Home(views.HomePage{Quizzes: []views.QuizCard{card}})},
		{"intro", views.IntroView(intro)},
		{"section", views.SectionView(section)},
		{"result", views.ResultView(result)},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			var size countWriter
			require.NoError(b, bm.c.Render(ctx, &size))
			require.NotContains(b, string(size.head), "⟦", "a message is missing from the catalogue")
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.c.Render(ctx, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// countWriter counts what is written to it and keeps the whole page, to
// check it once before the benchmark.
type countWriter struct {
	n    int
	head []byte
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.head = append(w.head, p...)
	return len(p), nil
}
