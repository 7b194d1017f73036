package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
)

// TestHeaders walks every route the router has, with real values for its
// parameters, and checks the headers every response must carry.
func TestHeaders(t *testing.T) {
	e := newEnv(t)
	done := e.start(spectrumQuiz)
	result := resultOf(t, e.answerAll(done, func(string) (int, bool) { return 3, true }))
	live := e.start(spectrumQuiz)
	me := meToken(t, e)
	a, err := e.db.FindAttemptByToken(t.Context(), tandem.HashToken(done))
	require.NoError(t, err)
	home := e.get("/")
	css := attr(find(t, home.doc, byAttr("rel", "stylesheet")), "href")

	values := map[string]string{
		"{quiz}": spectrumQuiz, "{page}": "1", "{me}": me, "{attempt}": strconv.FormatInt(a.ID, 10),
		"{file}": strings.TrimPrefix(css, "/static/"),
	}
	routes, ok := e.web.Handler().(chi.Routes)
	require.True(t, ok)
	walked := 0
	err = chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet && method != http.MethodHead {
			return nil // POST routes are walked below, with their forms
		}
		path := strings.TrimSuffix(route, "/")
		token := result
		if strings.HasPrefix(route, "/attempts/") {
			token = live
		}
		path = strings.ReplaceAll(path, "{token}", token)
		for k, v := range values {
			path = strings.ReplaceAll(path, k, v)
		}
		if path == "" {
			path = "/"
		}
		r := e.get(path)
		assert.Less(t, r.status, 500, path)
		checkHeaders(t, path, r)
		walked++
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, walked, 15, "every GET route was walked")

	// Errors and redirects carry them too.
	for _, path := range []string{"/nope", "/results/" + tandem.NewToken(), "/attempts/" + live} {
		checkHeaders(t, path, e.get(path))
	}
	checkHeaders(t, "POST start", e.post("/quizzes/"+spectrumQuiz+"/attempts", nil))
}

func checkHeaders(t *testing.T, path string, r *response) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for k, v := range want {
		assert.Equal(t, v, r.header.Get(k), "%s on %s", k, path)
	}
	assert.Contains(t, r.header.Get("Permissions-Policy"), "camera=()", path)
	assert.Empty(t, r.header.Get("Strict-Transport-Security"), "no HSTS unless asked, on %s", path)
	switch {
	case strings.HasPrefix(path, "/static/"):
		assert.Equal(t, "public, max-age=31536000, immutable", r.header.Get("Cache-Control"), path)
	case path == "/robots.txt": // the same for everyone, and for a day
		assert.Equal(t, "public, max-age=86400", r.header.Get("Cache-Control"), path)
	default:
		assert.Equal(t, "no-store", r.header.Get("Cache-Control"), path)
	}
}

// TestHeaders_Therapists walks every GET route again as a logged-in
// therapist and as their client, so that the therapist's pages (and the
// share link's) are checked with real ids rather than as 404s.
func TestHeaders_Therapists(t *testing.T) {
	w := newTenantWorld(t)
	v, o := w.tenants[0], w.tenants[1]
	routes, ok := w.e.web.Handler().(chi.Routes)
	require.True(t, ok)
	walked := 0
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet || !(strings.HasPrefix(route, "/therapist") || strings.HasPrefix(route, "/share/") ||
			route == "/login" || route == "/signup") {
			return nil
		}
		path := strings.NewReplacer("{client}", "{client}", "{attempt}", "{a0}", "{token}", "{linktoken}").Replace(route)
		path = tenantExpand(strings.TrimSuffix(path, "/"), v, o)
		browser := v.therapist
		if strings.HasPrefix(route, "/share/") {
			browser = v.client
		}
		r := w.send(t, browser, http.MethodGet, path, nil)
		assert.Less(t, r.status, 400, path)
		checkHeaders(t, path, r)
		walked++
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, walked, 12, "every therapist GET route was walked")
}

// meToken returns the personal token the env's browser holds, for this
// visit or remembered.
func meToken(t *testing.T, e *env) string {
	t.Helper()
	me := heldToken(t, e, e.client)
	require.NotEmpty(t, me, "the browser holds no personal page")
	return me
}

func TestHeaders_HSTS(t *testing.T) {
	e := newEnvConfig(t, t.TempDir()+"/t.db", web.Config{HSTS: true})
	assert.Equal(t, "max-age=63072000; includeSubDomains", e.get("/").header.Get("Strict-Transport-Security"))
}
