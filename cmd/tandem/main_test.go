package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitFor bounds every wait in these tests, so a hang fails instead of
// blocking the whole run.
const waitFor = 10 * time.Second

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env returns a getenv that knows only vars, so the environment of the
// machine running the tests never leaks in.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// server is one run() started by startRun.
type server struct {
	URL    string
	Cancel context.CancelFunc
	Done   <-chan error // receives run's error once, when it returns
	Stderr *syncBuffer
	Log    map[string]any // the JSON "listening" line
}

// startServer starts run with a free port, a database in a fresh temp
// folder (in sub-folders that do not exist yet), JSON logs and extra, and
// waits until it listens. It returns the server and the database path.
func startServer(tb testing.TB, extra ...string) (*server, string) {
	tb.Helper()
	db := filepath.Join(tb.TempDir(), "sub", "dir", "t.db")
	args := append([]string{"-addr", "127.0.0.1:0", "-db", db, "-log-format", "json", "-drain-delay", "0s"}, extra...)
	return startRun(tb, args, env(nil)), db
}

// startRun starts run(args, getenv) in a goroutine and waits for its JSON
// "listening" log line. Cleanup cancels it and waits for it to return.
func startRun(tb testing.TB, args []string, getenv func(string) string) *server {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	errc := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		errc <- run(ctx, args, getenv, io.Discard, stderr)
		close(finished)
	}()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-finished:
		case <-time.After(waitFor):
			tb.Errorf("run did not return within %s of cancel; log:\n%s", waitFor, stderr)
		}
	})

	deadline := time.After(waitFor)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		log := stderr.String()
		if strings.Contains(log, "msg=listening") {
			tb.Fatalf("the listening line is not JSON; stderr:\n%s", log)
		}
		if line := findLog(log, "listening"); line != nil {
			addr, ok := line["addr"].(string)
			require.True(tb, ok, "listening line without a string addr: %v", line)
			require.NotEmpty(tb, addr)
			return &server{URL: "http://" + addr, Cancel: cancel, Done: errc, Stderr: stderr, Log: line}
		}
		select {
		case err := <-errc:
			tb.Fatalf("run returned %v before listening; stderr:\n%s", err, stderr)
		case <-deadline:
			tb.Fatalf("no JSON listening line within %s; stderr:\n%s", waitFor, stderr)
		case <-tick.C:
		}
	}
}

// findLog returns the first JSON log line whose msg is msg, or nil.
func findLog(log, msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			return line
		}
	}
	return nil
}

// runOnce runs run to completion, for the cases where it must not start
// serving; it fails the test if run takes longer than waitFor.
func runOnce(tb testing.TB, args []string, getenv func(string) string) (stdout, stderr string, err error) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	var out, errOut syncBuffer
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, args, getenv, &out, &errOut) }()
	select {
	case err = <-errc:
	case <-time.After(waitFor):
		cancel()
		tb.Fatalf("run did not return within %s; stderr:\n%s", waitFor, errOut.String())
	}
	return out.String(), errOut.String(), err
}

var client = &http.Client{Timeout: 5 * time.Second}

// get fetches base+path and returns the response and its body.
func get(tb testing.TB, base, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := client.Get(base + path)
	require.NoError(tb, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	return resp, string(body)
}

// quizFolder returns a new temp folder holding the given files.
func quizFolder(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, text := range files {
		require.NoError(tb, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	return dir
}

// sleepQuiz is the text of the second valid quiz, weighted-sleep.
func sleepQuiz(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
	require.NoError(tb, err)
	return string(data)
}

const (
	shippedPath = "../../quizzes/relationship-spectrum.yaml"
	shortPath   = "../../quizzes/relationship-spectrum-short.yaml"
	shippedLink = `href="/quizzes/relationship-spectrum"`
	sleepLink   = `href="/quizzes/weighted-sleep"`
)

// brokenUnknownKey has an unknown key at 3:1 and a weight of 0 at 19:17.
const brokenUnknownKey = `id: broken-one
version: 1
colour: blue
title: Broken one
scale:
  min: 1
  max: 5
  labels: [No, Rarely, Sometimes, Often, Yes]
scales:
  - id: mood
    name: Mood
sections:
  - id: days
    title: Days
    items:
      - id: d1
        text: I feel fine.
        keys:
          mood: 0
results:
  - id: any
    title: Any
    summary: Anything.
`

// brokenDuplicate has no results (reported at the top, 1:1) and the item
// id d1 twice, the second at 18:13.
const brokenDuplicate = `id: broken-two
version: 1
title: Broken two
scale:
  min: 1
  max: 5
  labels: [No, Rarely, Sometimes, Often, Yes]
scales:
  - id: mood
    name: Mood
sections:
  - id: days
    title: Days
    items:
      - id: d1
        text: I feel fine.
        keys: {mood: 1}
      - id: d1
        text: I feel low.
        keys: {mood: -1}
`

func TestRun_Serves(t *testing.T) {
	srv, db := startServer(t)

	resp, body := get(t, srv.URL, "/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "ok\n", body)

	resp, body = get(t, srv.URL, "/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"),
		"Content-Type %q", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, shippedLink)

	info, err := os.Stat(db)
	require.NoError(t, err, "the database and its folders are created")
	assert.True(t, info.Mode().IsRegular())
	assert.Equal(t, db, srv.Log["db"])
	assert.Equal(t, []any{"relationship-spectrum", "relationship-spectrum-short"}, srv.Log["quizzes"])

	srv.Cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case err := <-srv.Done:
		assert.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatalf("run did not return within %s of cancel", waitFor)
	}
	log := srv.Stderr.String()
	assert.NotNil(t, findLog(log, "stopped"), "no stopped line in:\n%s", log)
	// A cleanly closed SQLite database in WAL mode is one file again.
	assert.NoFileExists(t, db+"-wal", "the database was not closed cleanly")

	_, err = client.Get(srv.URL + "/healthz")
	assert.Error(t, err, "still accepting connections after run returned")
}

func TestRun_QuizzesFolder(t *testing.T) {
	dir := quizFolder(t, map[string]string{"weighted-sleep.yaml": sleepQuiz(t)})
	srv, _ := startServer(t, "-quizzes", dir)

	resp, body := get(t, srv.URL, "/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, sleepLink)
	assert.NotContains(t, body, "relationship-spectrum")

	resp, _ = get(t, srv.URL, "/quizzes/relationship-spectrum")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = get(t, srv.URL, "/quizzes/weighted-sleep")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestRun_EnvFallback(t *testing.T) {
	good := quizFolder(t, map[string]string{"weighted-sleep.yaml": sleepQuiz(t)})
	bad := quizFolder(t, map[string]string{"broken.yaml": brokenUnknownKey})

	t.Run("EnvOnly", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "env", "t.db")
		srv := startRun(t, nil, env(map[string]string{
			"TANDEM_ADDR":       "127.0.0.1:0",
			"TANDEM_DB":         db,
			"TANDEM_QUIZZES":    good,
			"TANDEM_LOG_FORMAT": "json", // else startRun never sees a JSON line
		}))
		assert.Equal(t, db, srv.Log["db"])
		assert.FileExists(t, db)
		assert.Equal(t, []any{"weighted-sleep"}, srv.Log["quizzes"])
		_, body := get(t, srv.URL, "/")
		assert.Contains(t, body, sleepLink)
		assert.NotContains(t, body, "relationship-spectrum")
	})

	t.Run("FlagWins", func(t *testing.T) {
		// Every env value would stop the server from starting (or from
		// logging JSON); the flags must win over each of them.
		envDB := filepath.Join(t.TempDir(), "from-env.db")
		flagDB := filepath.Join(t.TempDir(), "from-flag.db")
		args := []string{"-addr", "127.0.0.1:0", "-db", flagDB, "-log-format", "json", "-quizzes", good}
		srv := startRun(t, args, env(map[string]string{
			"TANDEM_ADDR":       "not-an-address",
			"TANDEM_DB":         envDB,
			"TANDEM_QUIZZES":    bad,
			"TANDEM_LOG_FORMAT": "text",
		}))
		assert.Equal(t, flagDB, srv.Log["db"])
		assert.FileExists(t, flagDB)
		assert.NoFileExists(t, envDB)
		assert.Equal(t, []any{"weighted-sleep"}, srv.Log["quizzes"])
		resp, body := get(t, srv.URL, "/")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, sleepLink)
	})

	t.Run("EnvInvalidQuizzesRefused", func(t *testing.T) {
		// The same bad folder, from the environment alone, is refused:
		// FlagWins passed because the flag won, not because env is ignored.
		db := filepath.Join(t.TempDir(), "t.db")
		_, stderr, err := runOnce(t, []string{"-addr", "127.0.0.1:0", "-db", db},
			env(map[string]string{"TANDEM_QUIZZES": bad}))
		require.Error(t, err)
		assert.Contains(t, stderr, filepath.Join(bad, "broken.yaml")+":3:1: ")
		assert.NoFileExists(t, db)
	})
}

func TestRun_RefusesInvalidQuizzes(t *testing.T) {
	t.Run("BrokenFiles", func(t *testing.T) {
		dir := quizFolder(t, map[string]string{
			"a-unknown.yaml": brokenUnknownKey,
			"b-dup.yaml":     brokenDuplicate,
		})
		db := filepath.Join(t.TempDir(), "t.db")
		start := time.Now()
		_, stderr, err := runOnce(t, []string{"-addr", "127.0.0.1:0", "-db", db, "-log-format", "json", "-quizzes", dir}, env(nil))
		require.Error(t, err)
		assert.Less(t, time.Since(start), 5*time.Second, "refusing should be prompt")
		assert.Nil(t, findLog(stderr, "listening"), "it listened:\n%s", stderr)
		assert.NoFileExists(t, db, "the database is not touched")

		a, b := filepath.Join(dir, "a-unknown.yaml"), filepath.Join(dir, "b-dup.yaml")
		want := []string{
			a + `:3:1: unknown key "colour"`,
			a + `:19:17: the weight of "mood" is 0`,
			b + `:1:1: the quiz has no "results"`,
			b + `:18:13: item id "d1" is used twice (first on line 15)`,
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		require.Len(t, lines, len(want)+1, "stderr:\n%s", stderr)
		for i, w := range want {
			assert.True(t, strings.HasPrefix(lines[i], w), "line %d is %q, want prefix %q", i+1, lines[i], w)
		}
		assert.Contains(t, lines[len(lines)-1], "refusing to start: 4 problem(s)")
	})

	tests := []struct {
		name string
		dir  func(t *testing.T) string
		want string
	}{
		{"EmptyFolder", func(t *testing.T) string { return t.TempDir() }, "there are no quiz files"},
		{"MissingFolder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, "cannot read the quiz folder: no such file or directory"},
		{"OnlyOtherFiles", func(t *testing.T) string {
			return quizFolder(t, map[string]string{"README.md": "# quizzes\n", "quiz.json": "{}"})
		}, "there are no quiz files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			db := filepath.Join(t.TempDir(), "t.db")
			_, stderr, err := runOnce(t, []string{"-addr", "127.0.0.1:0", "-db", db, "-quizzes", dir}, env(nil))
			require.Error(t, err)
			assert.Contains(t, stderr, dir+": "+tt.want)
			assert.Contains(t, stderr, "refusing to start")
			assert.NotContains(t, stderr, "listening")
			assert.NoFileExists(t, db)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"validate", shippedPath}, env(nil))
		require.NoError(t, err)
		assert.Empty(t, stderr)
		assert.Equal(t, shippedPath+": ok (relationship-spectrum, version 2: 59 items in 8 sections, 10 scales, 5 results)\n",
			stdout)
	})

	t.Run("TwoValidFiles", func(t *testing.T) {
		sleep := filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml")
		stdout, _, err := runOnce(t, []string{"validate", shippedPath, sleep}, env(nil))
		require.NoError(t, err)
		assert.Contains(t, stdout, shippedPath+": ok (relationship-spectrum,")
		assert.Contains(t, stdout, sleep+": ok (weighted-sleep, version 3:")
	})

	t.Run("BothShippedForms", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"validate", shippedPath, shortPath}, env(nil))
		require.NoError(t, err)
		assert.Empty(t, stderr)
		assert.Equal(t, shippedPath+": ok (relationship-spectrum, version 2: 59 items in 8 sections, 10 scales, 5 results)\n"+
			shortPath+": ok (relationship-spectrum-short, version 1: 18 items in 2 sections, 3 scales, 5 results)\n", stdout)
	})

	t.Run("ErrBroken", func(t *testing.T) {
		dir := quizFolder(t, map[string]string{
			"a-unknown.yaml": brokenUnknownKey,
			"b-dup.yaml":     brokenDuplicate,
		})
		a, b := filepath.Join(dir, "a-unknown.yaml"), filepath.Join(dir, "b-dup.yaml")
		stdout, stderr, err := runOnce(t, []string{"validate", a, shippedPath, b}, env(nil))
		require.Error(t, err)
		assert.Equal(t, shippedPath+": ok", strings.SplitN(stdout, " (", 2)[0], "the good file is still checked")
		for _, w := range []string{
			a + `:3:1: unknown key "colour"`,
			a + `:19:17: the weight of "mood" is 0`,
			b + `:1:1: the quiz has no "results"`,
			b + `:18:13: item id "d1" is used twice`,
		} {
			assert.Contains(t, "\n"+stderr, "\n"+w, "stderr:\n%s", stderr)
		}
		assert.True(t, strings.HasPrefix(stderr, a+":3:1: "), "stderr:\n%s", stderr)
		assert.Contains(t, stderr, "4 problem(s) found")
	})

	t.Run("ErrNoFiles", func(t *testing.T) {
		stdout, stderr, err := runOnce(t, []string{"validate"}, env(nil))
		require.Error(t, err)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "usage: tandem validate FILE...")
	})

	t.Run("ErrFolder", func(t *testing.T) {
		dir := t.TempDir()
		stdout, stderr, err := runOnce(t, []string{"validate", dir}, env(nil))
		require.Error(t, err)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, dir+": this is a folder")
		assert.Contains(t, stderr, "1 problem(s) found")
	})

	t.Run("ErrMissingFile", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "nope.yaml")
		_, stderr, err := runOnce(t, []string{"validate", name}, env(nil))
		require.Error(t, err)
		assert.Contains(t, stderr, name+": no such file or directory")
	})

	t.Run("ErrDuplicateID", func(t *testing.T) {
		copyPath := filepath.Join(quizFolder(t, map[string]string{"copy.yaml": sleepQuiz(t)}), "copy.yaml")
		sleep := filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml")
		_, stderr, err := runOnce(t, []string{"validate", sleep, copyPath}, env(nil))
		require.Error(t, err)
		assert.Contains(t, stderr, copyPath+`:1:1: quiz id "weighted-sleep" is already used by `+sleep)
	})
}

func TestRun_BadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // in the error or on stderr
	}{
		{"UnknownFlag", []string{"-bogus"}, nil, "flag provided but not defined: -bogus"},
		{"StrayArgument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"LogFormatXML", []string{"-log-format", "xml"}, nil, `-log-format must be text or json, not "xml"`},
		{"LogFormatXMLFromEnv", nil, map[string]string{"TANDEM_LOG_FORMAT": "xml"}, `-log-format must be text or json, not "xml"`},
		{"BaseURLWithPath", []string{"-base-url", "https://tandem.example/app"}, nil, `-base-url must be a scheme and host`},
		{"BaseURLNoScheme", nil, map[string]string{"TANDEM_BASE_URL": "tandem.example"}, `-base-url must be a scheme and host`},
		{"DrainDelayFromEnv", nil, map[string]string{"TANDEM_DRAIN_DELAY": "soon"}, `TANDEM_DRAIN_DELAY: time: invalid duration "soon"`},
		{"BoolFromEnv", nil, map[string]string{"TANDEM_HSTS": "yes"}, `TANDEM_HSTS must be true or false, not "yes"`},
		{"ExitURLNotHTTPS", []string{"-exit-url", "http://example.org"}, nil, `-exit-url must be an https address`},
		{"RateLimitsFromEnv", nil, map[string]string{"TANDEM_RATE_LIMITS": "off"}, `TANDEM_RATE_LIMITS must be true or false, not "off"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "t.db")
			args := append([]string{"-addr", "127.0.0.1:0", "-db", db}, tt.args...)
			_, stderr, err := runOnce(t, args, env(tt.env))
			require.Error(t, err)
			assert.Contains(t, err.Error()+"\n"+stderr, tt.want)
			assert.NotContains(t, stderr, "listening")
			assert.NoFileExists(t, db, "nothing was started")
		})
	}
}

func TestRun_PortInUse(t *testing.T) {
	first, _ := startServer(t)
	addr := strings.TrimPrefix(first.URL, "http://")

	db := filepath.Join(t.TempDir(), "second.db")
	_, stderr, err := runOnce(t, []string{"-addr", addr, "-db", db, "-log-format", "json"}, env(nil))
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.EADDRINUSE)
	assert.Nil(t, findLog(stderr, "listening"))

	resp, _ := get(t, first.URL, "/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the first server still serves")
}

func TestRun_Help(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	_, stderr, err := runOnce(t, []string{"-h", "-db", db}, env(nil))
	require.NoError(t, err, "asking for help is not a failure")
	assert.Contains(t, stderr, "-quizzes")
	assert.Contains(t, stderr, "TANDEM_QUIZZES")
	assert.NoFileExists(t, db)
}

// TestRun_DrainsBeforeStopping checks that /healthz answers 503 while the
// server drains, before it stops accepting connections.
func TestRun_DrainsBeforeStopping(t *testing.T) {
	s, _ := startServer(t, "-drain-delay", "1s")
	resp, _ := get(t, s.URL, "/healthz")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	s.Cancel()
	saw503 := false
	deadline := time.Now().Add(waitFor)
	for !saw503 && time.Now().Before(deadline) {
		r, err := http.Get(s.URL + "/healthz")
		if err != nil {
			break // stopped accepting: too late to see the 503
		}
		r.Body.Close()
		saw503 = r.StatusCode == http.StatusServiceUnavailable
	}
	assert.True(t, saw503, "healthz answered 503 while draining")
	select {
	case err := <-s.Done:
		assert.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("run did not return")
	}
}

// TestRun_RateLimitsOnByDefault: the 31st attempt started within a minute
// from one address is refused; -rate-limits=false lifts the limit.
func TestRun_RateLimitsOnByDefault(t *testing.T) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	starts := func(base string, n int) []int {
		var codes []int
		for range n {
			res, err := client.Post(base+"/quizzes/relationship-spectrum/attempts", "application/x-www-form-urlencoded", nil)
			require.NoError(t, err)
			res.Body.Close()
			codes = append(codes, res.StatusCode)
		}
		return codes
	}
	limited, _ := startServer(t)
	codes := starts(limited.URL, 31)
	assert.Equal(t, http.StatusSeeOther, codes[29])
	assert.Equal(t, http.StatusTooManyRequests, codes[30])

	open, _ := startServer(t, "-rate-limits=false")
	for _, c := range starts(open.URL, 31) {
		assert.Equal(t, http.StatusSeeOther, c)
	}
}

func TestOnLocalhost(t *testing.T) {
	tests := []struct {
		addr, baseURL string
		want          bool
	}{
		{"localhost:8080", "", true},
		{"127.0.0.1:0", "", true},
		{"[::1]:8080", "", true},
		{":8080", "", false},
		{"0.0.0.0:8080", "", false},
		{"192.168.1.4:8080", "", false},
		{"127.0.0.1:8080", "https://tandem.example", false}, // behind a proxy: people come over https
		{":8080", "http://localhost:8080", true},
		{"nonsense", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, onLocalhost(tt.addr, tt.baseURL), "%s %s", tt.addr, tt.baseURL)
	}
}

// TestRun_SecureCookies checks the -secure-cookies default (on outside
// localhost) and that the flag and its variable override it, by the
// cookie the server sets when an attempt starts.
func TestRun_SecureCookies(t *testing.T) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	secure := func(s *server) bool {
		res, err := client.Post(s.URL+"/quizzes/relationship-spectrum/attempts", "application/x-www-form-urlencoded", nil)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		cookies := res.Cookies()
		require.NotEmpty(t, cookies)
		return cookies[0].Secure
	}
	onLoopback, _ := startServer(t)
	assert.False(t, secure(onLoopback), "127.0.0.1 is localhost: plain http must keep working")
	forced, _ := startServer(t, "-secure-cookies")
	assert.True(t, secure(forced))
	proxied, _ := startServer(t, "-base-url", "https://tandem.example")
	assert.True(t, secure(proxied))

	db := filepath.Join(t.TempDir(), "t.db")
	viaEnv := startRun(t, []string{"-addr", "127.0.0.1:0", "-db", db, "-log-format", "json", "-drain-delay", "0s"},
		env(map[string]string{"TANDEM_SECURE_COOKIES": "true"}))
	assert.True(t, secure(viaEnv))
	off, _ := startServer(t, "-secure-cookies=false", "-base-url", "https://tandem.example")
	assert.True(t, secure(off), "an https base URL still makes cookies Secure")
}
