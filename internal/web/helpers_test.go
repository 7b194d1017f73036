package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
	"github.com/tandem-app/tandem/quizzes"
)

// testClock is when every test happens, unless it moves the env's clock.
var testClock = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// env is a real server on a real database file, driven over HTTP.
type env struct {
	t      testing.TB
	srv    *httptest.Server
	web    *web.Server
	db     *sqlite.DB
	dbPath string
	client *http.Client
	clock  *atomic.Int64 // the store's and the server's time, in Unix nanoseconds
}

// at moves the env's clock to t.
func (e *env) at(t time.Time) { e.clock.Store(t.UnixNano()) }

// shipped returns the quizzes that ship with Tandem.
func shipped(tb testing.TB) []*quiz.Quiz {
	tb.Helper()
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(tb, err)
	return qs
}

// shippedSafety is the ids of the shipped quizzes' items that key no
// scale: the optional safety page, sa01..sa06, whose answers only raise
// support flags.
var shippedSafety = sync.OnceValue(func() map[string]bool {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	if err != nil {
		panic(err)
	}
	ids := map[string]bool{}
	for _, q := range qs {
		for _, it := range q.Items() {
			if len(it.Keys) == 0 {
				ids[it.ID] = true
			}
		}
	}
	return ids
})

// isSafetyItem reports whether id is one of the shipped quizzes' safety
// items. Flows leave them unanswered, as most people do, unless a test is
// about them.
func isSafetyItem(id string) bool { return shippedSafety()[id] }

// fixture loads a quiz file from the repository's testdata/quizzes.
func fixture(tb testing.TB, name string) *quiz.Quiz {
	tb.Helper()
	path := filepath.Join("..", "..", "testdata", "quizzes", name)
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	q, err := quiz.Parse(path, data)
	require.NoError(tb, err)
	return q
}

// newEnv starts a server with the given quizzes on a new database.
func newEnv(tb testing.TB, qs ...*quiz.Quiz) *env {
	tb.Helper()
	return newEnvAt(tb, filepath.Join(tb.TempDir(), "tandem.db"), qs...)
}

// newEnvAt starts a server on the database file at path, which may
// already hold data from an earlier server.
func newEnvAt(tb testing.TB, path string, qs ...*quiz.Quiz) *env {
	tb.Helper()
	return newEnvQuizzes(tb, path, web.Config{}, qs...)
}

// newEnvConfig starts a server built from cfg, with the shipped quizzes,
// on the database at path; cfg's store is that database.
func newEnvConfig(tb testing.TB, path string, cfg web.Config) *env {
	tb.Helper()
	return newEnvQuizzes(tb, path, cfg)
}

// newEnvQuizzes starts a server built from cfg with the quizzes given,
// the shipped ones when none, on the database at path; cfg's store is
// that database.
func newEnvQuizzes(tb testing.TB, path string, cfg web.Config, qs ...*quiz.Quiz) *env {
	tb.Helper()
	if len(qs) == 0 {
		qs = shipped(tb)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	require.NoError(tb, err)
	clock := &atomic.Int64{}
	clock.Store(testClock.UnixNano())
	db.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	cfg.Store = db
	if cfg.Sessions == nil {
		cfg.Sessions = db.Sessions()
	}
	if cfg.Now == nil {
		cfg.Now = db.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Quizzes, err = web.LoadCatalogue(ctx, db, qs, cfg.Logger)
	require.NoError(tb, err)
	s, err := web.New(cfg)
	require.NoError(tb, err)
	srv := httptest.NewServer(s.Handler())
	e := &env{t: tb, srv: srv, web: s, db: db, dbPath: path, clock: clock}
	e.client = e.newClient()
	tb.Cleanup(func() {
		srv.Close()
		assert.NoError(tb, db.Close())
	})
	return e
}

// newEnvStore starts a server with the quizzes on store, a wrapper of db
// that fails or races on purpose; the test closes db.
func newEnvStore(tb testing.TB, db *sqlite.DB, store web.Store, qs ...*quiz.Quiz) *env {
	tb.Helper()
	ctx := context.Background()
	cat, err := web.LoadCatalogue(ctx, db, qs, slog.New(slog.DiscardHandler))
	require.NoError(tb, err)
	s, err := web.New(web.Config{Quizzes: cat, Store: store, Sessions: db.Sessions()})
	require.NoError(tb, err)
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	e := &env{t: tb, srv: srv, web: s, db: db}
	e.client = e.newClient()
	return e
}

// newClient is a browser of its own: its own cookies, no redirects
// followed, so tests see every 303.
func (e *env) newClient() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status   int
	header   http.Header
	body     string
	location string
	doc      *html.Node // nil unless the body is HTML
}

func (e *env) do(c *http.Client, req *http.Request) *response {
	e.t.Helper()
	res, err := c.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	r := &response{status: res.StatusCode, header: res.Header, body: string(body)}
	if loc, err := res.Location(); err == nil {
		r.location = loc.Path
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && (res.StatusCode < 300 || res.StatusCode >= 400) {
		r.doc, err = html.Parse(strings.NewReader(r.body))
		require.NoError(e.t, err)
		assert.NotContains(e.t, r.body, "⟦", "a message is missing from the catalogue")
		assert.Equal(e.t, 1, len(findAll(r.doc, byTag("h1"))), "every page has exactly one h1")
	}
	return r
}

func (e *env) get(path string) *response {
	e.t.Helper()
	return e.getWith(e.client, path)
}

func (e *env) getWith(c *http.Client, path string) *response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	require.NoError(e.t, err)
	return e.do(c, req)
}

func (e *env) post(path string, form url.Values) *response {
	e.t.Helper()
	return e.postRaw(path, form.Encode())
}

func (e *env) postRaw(path, body string) *response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(e.client, req)
}

// start begins an attempt at quiz id and returns its token.
func (e *env) start(quizID string) string {
	e.t.Helper()
	r := e.post("/quizzes/"+quizID+"/attempts", nil)
	require.Equal(e.t, http.StatusSeeOther, r.status)
	parts := strings.Split(r.location, "/") // /attempts/{token}/1
	require.Len(e.t, parts, 4, r.location)
	require.Equal(e.t, "1", parts[3])
	return parts[2]
}

// pageForm is a page's form as a browser would send it with answers
// filled in: the hidden fields from the page, plus the given answers.
func pageForm(tb testing.TB, r *response, nav string, answers map[string]int) url.Values {
	tb.Helper()
	form := url.Values{}
	for _, in := range findAll(r.doc, byAttr("type", "hidden")) {
		form.Set(attr(in, "name"), attr(in, "value"))
	}
	require.NotEmpty(tb, form.Get("_section"), "the page has its section marker")
	form.Set("_nav", nav)
	for _, id := range itemIDsOf(r) {
		if v, ok := answers[id]; ok {
			form.Set(id, itoa(v))
		}
	}
	return form
}

// itemIDsOf lists the item ids of a page, from its radio inputs.
func itemIDsOf(r *response) []string {
	var ids []string
	seen := map[string]bool{}
	for _, in := range findAll(r.doc, byAttr("type", "radio")) {
		if name := attr(in, "name"); !seen[name] {
			seen[name] = true
			ids = append(ids, name)
		}
	}
	return ids
}

// checked returns the checked value of each radio group on a page.
func checked(r *response) map[string]string {
	out := map[string]string{}
	for _, in := range findAll(r.doc, byAttr("type", "radio")) {
		if hasAttr(in, "checked") {
			out[attr(in, "name")] = attr(in, "value")
		}
	}
	return out
}

// answerAll takes a whole quiz from page 1, answering each item with
// answer(id), and returns the response to the last page: a 303 to the
// result, at a token of its own (resultOf reads it). The person taking it
// is the one whose private page e.client holds, if any: they keep the
// result there, as its page offers (see keepResult).
func (e *env) answerAll(token string, answer func(id string) (int, bool)) *response {
	e.t.Helper()
	r := e.answerAllOnly(token, answer)
	if heldToken(e.t, e, e.client) != "" {
		keepResult(e.t, e, e.client, r)
	}
	return r
}

// keepResult keeps the result that r, the last page's 303, leads to on
// the private page browser c holds, with the form its page shows.
func keepResult(tb testing.TB, e *env, c *http.Client, r *response) {
	tb.Helper()
	page := e.getWith(c, r.location)
	require.Equal(tb, http.StatusOK, page.status)
	forms := findAll(page.doc, byTestID("keep"))
	if len(forms) == 0 {
		return // already on it: a shared attempt, or taken by the page's owner from a new browser
	}
	kept := e.do(c, mustPost(tb, e.srv.URL+attr(forms[0], "action"), ""))
	require.Equal(tb, http.StatusSeeOther, kept.status, kept.body)
	require.Equal(tb, r.location, kept.location)
}

// mustPost is a form POST request to url with body.
func mustPost(tb testing.TB, url, body string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(tb, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// answerAllOnlyWith is answerAllOnly as browser c, from a plan.
func (e *env) answerAllOnlyWith(c *http.Client, token string, plan map[string]int) *response {
	e.t.Helper()
	as := *e
	as.client = c
	return as.answerAllOnly(token, func(id string) (int, bool) { v, ok := plan[id]; return v, ok })
}

// answerAllOnly is answerAll without keeping the result anywhere.
func (e *env) answerAllOnly(token string, answer func(id string) (int, bool)) *response {
	e.t.Helper()
	path := "/attempts/" + token + "/1"
	for range 100 {
		page := e.get(path)
		require.Equal(e.t, http.StatusOK, page.status, path)
		answers := map[string]int{}
		for _, id := range itemIDsOf(page) {
			if v, ok := answer(id); ok {
				answers[id] = v
			}
		}
		r := e.post(path, pageForm(e.t, page, "next", answers))
		require.Equal(e.t, http.StatusSeeOther, r.status, "page %s: %s", path, r.body)
		if strings.HasPrefix(r.location, "/results/") {
			require.NotEqual(e.t, token, resultOf(e.t, r), "the result has a token of its own, not the attempt's")
			return r
		}
		path = r.location
	}
	e.t.Fatal("the quiz never ended")
	return nil
}

// resultOf is the token of the result that r, the response to an
// attempt's last page, sends the browser to: /results/{token}.
func resultOf(tb testing.TB, r *response) string {
	tb.Helper()
	require.Equal(tb, http.StatusSeeOther, r.status, r.body)
	token, ok := strings.CutPrefix(r.location, "/results/")
	require.True(tb, ok, "the last page leads to a result, not to %s", r.location)
	require.True(tb, tandem.ValidToken(token), r.location)
	return token
}

// The two cookies in which a browser holds a person: for this visit (a
// session cookie, the default), or remembered beyond it (on request).
const (
	visitCookie = "tandem_visit"
	meCookie    = "tandem_me"
)

// heldToken is the personal token the browser c holds, in either cookie,
// or "".
func heldToken(tb testing.TB, e *env, c *http.Client) string {
	tb.Helper()
	for _, name := range []string{meCookie, visitCookie} {
		for _, ck := range c.Jar.Cookies(mustURL(tb, e.srv.URL)) {
			if ck.Name == name && ck.Value != "" {
				return ck.Value
			}
		}
	}
	return ""
}

// personCookieIn returns the cookie that r sets to hold a person, in
// either cookie, or nil; a cookie that clears one does not count.
func personCookieIn(r *response) *http.Cookie {
	for _, name := range []string{visitCookie, meCookie} {
		if c := setCookieIn(r, name); c != nil && c.Value != "" {
			return c
		}
	}
	return nil
}

// setCookieIn returns the cookie named name that r sets, or nil.
func setCookieIn(r *response, name string) *http.Cookie {
	for _, line := range r.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			return c
		}
	}
	return nil
}

// raw opens the database file directly, to look at what is stored.
func (e *env) raw() *sql.DB {
	e.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.dbPath+"?_busy_timeout=5000&_query_only=true")
	require.NoError(e.t, err)
	e.t.Cleanup(func() { db.Close() })
	return db
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.raw().QueryRow(query, args...).Scan(&n))
	return n
}

// HTML helpers: find elements by tag, attribute or data-testid.

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, match)...)
	}
	return out
}

func find(tb testing.TB, n *html.Node, match func(*html.Node) bool) *html.Node {
	tb.Helper()
	all := findAll(n, match)
	require.NotEmpty(tb, all, "element not found")
	return all[0]
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func byAttr(key, value string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasAttr(n, key) && attr(n, key) == value }
}

func byTestID(id string) func(*html.Node) bool { return byAttr("data-testid", id) }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// text is the visible text of n, with white space folded.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	require.NoError(tb, err)
	return u
}
