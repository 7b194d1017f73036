package e2e_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/web"
	"github.com/tandem-app/tandem/quizzes"
)

// clock is when every browser test happens, so dates on pages (and in the
// screenshots) do not change from run to run.
var clock = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// server is the real handler on a new SQLite file, with the shipped quizzes.
type server struct {
	URL     string
	quiz    *quiz.Quiz // the shipped questionnaire the flows take
	scratch bool       // not Tandem (TestMeters): keep out of the summary
}

// newServer starts Tandem on a new database; opts may change its settings.
func newServer(t *testing.T, opts ...func(*web.Config)) *server {
	t.Helper()
	needBrowser(t)
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(t, err)
	require.NotEmpty(t, qs)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tandem.db"))
	require.NoError(t, err)
	db.Now = func() time.Time { return clock }
	cat, err := web.LoadCatalogue(ctx, db, qs, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	cfg := web.Config{Quizzes: cat, Store: db, Sessions: db.Sessions(), Now: db.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := web.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		assert.NoError(t, db.Close())
	})
	return &server{URL: srv.URL, quiz: qs[0]}
}

// The cookies in which a browser holds its person: for this visit (gone
// when the browser closes) unless the person asks to be remembered.
const (
	visitCookie    = "tandem_visit"
	rememberCookie = "tandem_me"
)

// safety reports whether it is one of the optional safety items, which
// key no scale and only raise support flags. The flows leave them
// unanswered, as most people do, unless a test is about them.
func safety(it quiz.Item) bool { return len(it.Keys) == 0 }

// answer is the value the flows give a scored item (1..5 on the shipped
// scale), a consistent person leaning towards interdependence: agree with
// what the balanced scales key positively, disagree with the rest, never
// the same answer to everything. round shifts the answers a little, as a
// retake some weeks later would.
func answer(q *quiz.Quiz, it quiz.Item, round int) int {
	lean := 0.0
	for _, k := range it.Keys {
		switch k.Scale {
		case "codependence", "independence":
			lean -= k.Weight
		default:
			lean += k.Weight
		}
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
	// Strong answers now and then, and a retake that moves towards the
	// middle on some items. The shipped item ids end in a digit.
	n, sign := int(it.ID[len(it.ID)-1]), v-mid
	if sign != 0 && n%3 == 0 {
		v += sign
	}
	if sign != 0 && round > 0 && n%2 == 1 {
		v -= sign
	}
	return min(max(v, lo), hi)
}

// seed takes the quiz rounds times over plain HTTP, as one browser would
// (one cookie jar), and returns the path of that browser's personal page
// and of each result, oldest first. Tests use it to reach pages that need
// history without taking the quiz in the browser again; a tab that opens
// the personal page holds it only once it joins it (tab.adopt).
func (s *server) seed(t *testing.T, rounds int) (me string, results []string) {
	t.Helper()
	c := newClient(t)
	for round := range rounds {
		result := s.takeHTTP(t, c, func(it quiz.Item) (int, bool) {
			return answer(s.quiz, it, round), !safety(it)
		})
		if round > 0 {
			// The browser holds the person's page: they keep the result
			// there, as its page offers.
			res, err := c.PostForm(s.URL+result+"/keep", nil)
			require.NoError(t, err)
			_ = res.Body.Close()
			require.Equal(t, http.StatusSeeOther, res.StatusCode, "keeping %s", result)
		}
		results = append(results, result)
	}
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == visitCookie {
			me = "/me/" + ck.Value
		}
	}
	require.NotEmpty(t, me, "finishing gives the browser a personal page, for this visit")
	return me, results
}

// newClient is a browser over plain HTTP: a cookie jar of its own, and
// redirects left for the caller to follow.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// takeHTTP takes the quiz over plain HTTP with client c, answering each
// item as give says (or not at all), page after page, and returns the path
// of the result.
func (s *server) takeHTTP(t *testing.T, c *http.Client, give func(quiz.Item) (value int, ok bool)) string {
	t.Helper()
	post := func(path string, form url.Values) string {
		t.Helper()
		res, err := c.PostForm(s.URL+path, form)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode, "POST %s", path)
		return res.Header.Get("Location")
	}
	loc := post("/quizzes/"+s.quiz.ID+"/attempts", nil)
	for _, sec := range s.quiz.Sections {
		form := url.Values{"_section": {sec.ID}, "_nav": {"next"}}
		for _, it := range sec.Items {
			if v, ok := give(it); ok {
				form.Set(it.ID, strconv.Itoa(v))
			}
		}
		loc = post(loc, form)
	}
	require.True(t, strings.HasPrefix(loc, "/results/"), "the quiz ends on its result, not %s", loc)
	return loc
}
