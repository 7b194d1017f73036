package web_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/web"
)

func TestRateLimits(t *testing.T) {
	e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{RateLimits: web.RateLimits{Starts: 3, Writes: 5}})

	for i := range 3 {
		r := e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
		require.Equal(t, http.StatusSeeOther, r.status, "start %d", i+1)
	}
	r := e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err)
	assert.Positive(t, retry)
	assert.Contains(t, text(find(t, r.doc, byTag("h1"))), "slow down")
	assert.Equal(t, 3, e.count(`SELECT count(*) FROM attempts`), "the refused start wrote nothing")

	// Reading is never limited.
	for range 10 {
		assert.Equal(t, http.StatusOK, e.get("/").status)
	}
}

// TestRateLimits_TrustedProxy: behind a trusted proxy each client has its
// own allowance; from anyone else X-Forwarded-For is ignored, so a client
// cannot dodge the limit by making up addresses.
func TestRateLimits_TrustedProxy(t *testing.T) {
	start := func(e *env, forwardedFor string) int {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/quizzes/"+spectrumQuiz+"/attempts", nil)
		require.NoError(t, err)
		req.Header.Set("X-Forwarded-For", forwardedFor)
		return e.do(e.client, req).status
	}
	limits := web.RateLimits{Starts: 1, Writes: 1}

	direct := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{RateLimits: limits})
	assert.Equal(t, http.StatusSeeOther, start(direct, "203.0.113.1"))
	assert.Equal(t, http.StatusTooManyRequests, start(direct, "203.0.113.2"), "made-up addresses do not help")

	proxied := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"),
		web.Config{RateLimits: limits, TrustedProxies: []string{"127.0.0.1/32", "::1/128"}})
	assert.Equal(t, http.StatusSeeOther, start(proxied, "203.0.113.1"))
	assert.Equal(t, http.StatusSeeOther, start(proxied, "203.0.113.2"), "another client behind the proxy")
	assert.Equal(t, http.StatusTooManyRequests, start(proxied, "203.0.113.1"))
}
