package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// These tests build the real binary and run it as a subprocess, so that a
// kill -9 or a SIGTERM reaches a real process with its own signal handling,
// its own file descriptors and nothing flushed on its behalf.

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binDir    string // removed by TestMain
	binPath   string
	buildErr  error
)

// tandemBinary builds ./cmd/tandem once per test run and returns its path.
// It skips the test under -short: building and running it takes seconds.
func tandemBinary(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds the real binary and runs it as a subprocess: skipped with -short")
	}
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("the go command is needed to build the binary under test: %w", err)
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "tandem-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "tandem")
		cmd := exec.Command(goTool, "build", "-o", binPath, "./cmd/tandem")
		cmd.Dir = filepath.Join("..", "..") // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/tandem: %w\n%s", err, out)
		}
	})
	require.NoError(tb, buildErr)
	return binPath
}

// raceEnabled reports whether the tests run with -race, which makes the
// clients here (not the binary under test) several times slower.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// proc is one run of the real binary.
type proc struct {
	cmd    *exec.Cmd
	URL    string
	Stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's error, once done is closed
}

// startProc starts the binary on the database at db with the test quizzes,
// a free port and JSON logs, and waits for its "listening" line. Cleanup
// kills it if it is still running.
func startProc(tb testing.TB, db string, extra ...string) *proc {
	tb.Helper()
	bin := tandemBinary(tb)
	quizzes, err := filepath.Abs(filepath.Join("..", "..", "testdata", "quizzes"))
	require.NoError(tb, err)
	args := append([]string{"-addr", "127.0.0.1:0", "-db", db, "-quizzes", quizzes, "-log-format", "json", "-rate-limits=false"}, extra...)
	p := &proc{cmd: exec.Command(bin, args...), Stderr: &syncBuffer{}, done: make(chan struct{})}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TANDEM_") { // the flags alone decide
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Stderr = p.Stderr
	require.NoError(tb, p.cmd.Start())
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})

	deadline := time.After(waitFor)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if line := findLog(p.Stderr.String(), "listening"); line != nil {
			addr, ok := line["addr"].(string)
			require.True(tb, ok, "listening line without a string addr: %v", line)
			p.URL = "http://" + addr
			return p
		}
		select {
		case <-p.done:
			tb.Fatalf("tandem exited (%v) before listening; stderr:\n%s", p.err, p.Stderr)
		case <-deadline:
			tb.Fatalf("no JSON listening line within %s; stderr:\n%s", waitFor, p.Stderr)
		case <-tick.C:
		}
	}
}

// wait waits up to d for the process to exit and reports whether it did.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// taker is a browser taking weighted-sleep: no redirects followed, so it
// sees each 303 and knows exactly which answers the server acknowledged.
type taker struct {
	client *http.Client
	base   string
	rng    *rand.Rand
	// onRequest, when set, is told about every request once it ends.
	onRequest func(r request)
}

// request is one request a taker made, with what came of it.
type request struct {
	path       string
	start, end time.Time
	status     int // 0 when no response came
	body       string
	err        error
}

func newTransport() *http.Transport {
	return &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
}

// newTaker is a browser of its own: its cookies (the draft cookie that
// opens its attempt's pages) are its own.
func newTaker(base string, tr *http.Transport, rng *rand.Rand) *taker {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &taker{
		client: &http.Client{
			Jar:           jar,
			Transport:     tr,
			Timeout:       waitFor,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		base: base,
		rng:  rng,
	}
}

// errStep is a response other than the 303 a step expects.
type errStep struct {
	path   string
	status int
	body   string
}

func (e *errStep) Error() string {
	return fmt.Sprintf("%s answered %d: %.200s", e.path, e.status, e.body)
}

// post sends a form, or body when it is not nil, and returns the
// Location of the 303 it expects.
func (tk *taker) post(path string, form url.Values, body io.Reader) (string, error) {
	if body == nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(http.MethodPost, tk.base+path, body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := request{path: path, start: time.Now()}
	res, err := tk.client.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(res.Body)
		res.Body.Close()
		r.status, r.body = res.StatusCode, string(b)
	}
	r.end, r.err = time.Now(), err
	if tk.onRequest != nil {
		tk.onRequest(r)
	}
	switch {
	case r.status == http.StatusSeeOther:
		// Received, even if the connection broke in the body after it:
		// the server has said it is done.
		return res.Header.Get("Location"), nil
	case err != nil:
		return "", err
	}
	return "", &errStep{path: path, status: r.status, body: r.body}
}

// sleepPages are weighted-sleep's pages: the section and the required
// items each has, which the takers answer (5 answers in all).
var sleepPages = []struct {
	section string
	items   []string
}{
	{"nights", []string{"n1", "n2", "n3"}},
	{"days", []string{"d1", "d3"}},
}

// start begins an attempt and returns its token.
func (tk *taker) start() (string, error) {
	loc, err := tk.post("/quizzes/weighted-sleep/attempts", url.Values{}, nil)
	if err != nil {
		return "", err
	}
	parts := strings.Split(loc, "/") // /attempts/{token}/1
	if len(parts) != 4 || parts[1] != "attempts" || parts[3] != "1" || !tandem.ValidToken(parts[2]) {
		return "", fmt.Errorf("new attempt sent to %q", loc)
	}
	return parts[2], nil
}

// page returns page n's form (1-based), answered at random, and adds the
// answers to answers.
func (tk *taker) page(n int, answers map[string]int) url.Values {
	p := sleepPages[n-1]
	form := url.Values{"_section": {p.section}, "_nav": {"next"}}
	for _, id := range p.items {
		v := tk.rng.IntN(5)
		answers[id] = v
		form.Set(id, strconv.Itoa(v))
	}
	return form
}

// complete takes one attempt from start to result. It returns the
// attempt once the final 303 to its result has been received: the server
// has then promised the attempt is stored.
func (tk *taker) complete() (acked, error) {
	// Each attempt in a fresh browser, as someone new: its result starts
	// a history of its own (in a browser that holds one, a result waits
	// to be kept).
	tk.client.Jar, _ = cookiejar.New(nil)
	token, err := tk.start()
	if err != nil {
		return acked{}, err
	}
	answers := map[string]int{}
	last := len(sleepPages)
	for n := 1; n < last; n++ {
		loc, err := tk.post("/attempts/"+token+"/"+strconv.Itoa(n), tk.page(n, answers), nil)
		if err != nil {
			return acked{}, err
		}
		if want := "/attempts/" + token + "/" + strconv.Itoa(n+1); loc != want {
			return acked{}, fmt.Errorf("page %d sent to %q, not %q", n, loc, want)
		}
	}
	loc, err := tk.post("/attempts/"+token+"/"+strconv.Itoa(last), tk.page(last, answers), nil)
	if err != nil {
		return acked{}, err
	}
	return finished(token, loc, answers)
}

// finished is the attempt of token whose last page was sent to loc: its
// result, at a token of its own.
func finished(token, loc string, answers map[string]int) (acked, error) {
	result, ok := strings.CutPrefix(loc, "/results/")
	if !ok || !tandem.ValidToken(result) || result == token {
		return acked{}, fmt.Errorf("the last page sent to %q, not to a result of its own", loc)
	}
	return acked{token, result, answers}, nil
}

// acked is an attempt whose final 303 was received, with its result's
// token and its answers.
type acked struct {
	token, result string
	answers       map[string]int
}

// checkAcked opens the database as the restarted server does and checks
// that every acknowledged attempt is there, completed, with exactly its
// answers and a score for every scale; and that no completed attempt at
// all is missing a part, acknowledged or not.
func checkAcked(t *testing.T, path string, all []acked) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err, "the database opens after the crash")
	defer func() { require.NoError(t, db.Close()) }()
	for _, a := range all {
		got, err := db.FindAttemptByToken(ctx, tandem.HashToken(a.token))
		if !assert.NoError(t, err, "an acknowledged attempt is missing") {
			continue
		}
		res, err := db.FindResultByToken(ctx, tandem.HashToken(a.result))
		if assert.NoError(t, err, "an acknowledged result is missing") {
			assert.Equal(t, got.ID, res.ID, "the result's token opens the attempt's result")
		}
		assert.True(t, got.Completed(), "an acknowledged attempt is not completed")
		assert.Equal(t, a.answers, map[string]int(got.Answers), "an acknowledged attempt lost answers")
		if assert.NotNil(t, got.Outcome) {
			assert.NotEmpty(t, got.Outcome.Result)
			assert.Len(t, got.Outcome.Scales, 3, "a score for each of rest, worry and routine")
		}
		assert.NotZero(t, got.PersonID, "an acknowledged attempt is in someone's history")
	}
	raw := openReadOnly(t, path)
	defer raw.Close()
	var broken int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM attempts a WHERE status = 'completed' AND (
		person_id IS NULL OR
		(SELECT count(*) FROM answers WHERE attempt_id = a.id) != 5 OR
		(SELECT count(*) FROM scale_scores WHERE attempt_id = a.id) != 3)`).Scan(&broken))
	assert.Zero(t, broken, "completed attempts with parts missing: a completion was not atomic")
}

// openReadOnly opens the database file read-only, apart from the store.
// The caller closes it: an open connection would keep the server's from
// being the last one, which is the one that checkpoints the WAL.
func openReadOnly(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	require.NoError(tb, err)
	return raw
}

// integrityCheck runs PRAGMA integrity_check and foreign_key_check on the
// file as it was left, through a read-only connection of its own.
func integrityCheck(t *testing.T, path string) {
	t.Helper()
	raw := openReadOnly(t, path)
	defer raw.Close()
	rows, err := raw.Query(`PRAGMA integrity_check`)
	require.NoError(t, err)
	var problems []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		problems = append(problems, s)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"ok"}, problems, "PRAGMA integrity_check")
	rows, err = raw.Query(`PRAGMA foreign_key_check`)
	require.NoError(t, err)
	defer rows.Close()
	assert.False(t, rows.Next(), "PRAGMA foreign_key_check finds rows pointing nowhere")
}

// crashSeed is the seed of the kill -9 test: TANDEM_CRASH_SEED to replay a
// failure, otherwise new each run.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("TANDEM_CRASH_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "TANDEM_CRASH_SEED")
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// TestCrash_Kill9 kills the server with SIGKILL at random moments while
// clients complete attempts, round after round on the same database. No
// attempt whose final 303 was received may be lost or incomplete, and the
// file must pass SQLite's integrity check after every crash.
func TestCrash_Kill9(t *testing.T) {
	tandemBinary(t)
	const rounds = 20
	clients := 8
	if raceEnabled() {
		clients = 4 // the clients, not the server, pay for the race detector
	}
	seed := crashSeed(t)
	t.Logf("seed %d (TANDEM_CRASH_SEED=%d to replay)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	db := filepath.Join(t.TempDir(), "crash.db")
	began := time.Now()

	var all []acked
	for round := range rounds {
		delay := time.Duration(50+rng.IntN(351)) * time.Millisecond
		got, cut := crashRound(t, db, delay, clients, func(c int) *rand.Rand {
			return rand.New(rand.NewPCG(seed, uint64(round*clients+c+1)))
		})
		// The file exactly as the crash left it, WAL and all, then as the
		// restarted server opens it.
		integrityCheck(t, db)
		checkAcked(t, db, got)
		all = append(all, got...)
		t.Logf("round %2d: killed after %3d ms, %3d attempts acknowledged, %d cut short",
			round, delay.Milliseconds(), len(got), cut)
		if t.Failed() {
			t.FailNow() // one crash's findings are enough to read
		}
	}

	// A last restart of the real server finds every attempt ever
	// acknowledged, over HTTP, and stops cleanly.
	p := startProc(t, db, "-drain-delay", "0s")
	res, body := get(t, p.URL, "/healthz")
	assert.Equal(t, http.StatusOK, res.StatusCode, body)
	for _, a := range all {
		res, err := client.Get(p.URL + "/results/" + a.result + ".json")
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "an acknowledged result answers after the last restart")
	}
	if len(all) > 0 { // and the attempt's own token still opens none
		res, err := client.Get(p.URL + "/results/" + all[0].token + ".json")
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	}
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.True(t, p.wait(waitFor))
	assert.NoError(t, p.err)
	checkAcked(t, db, all)
	integrityCheck(t, db)
	require.NotEmpty(t, all, "no attempt was acknowledged in any round")
	t.Logf("%d rounds, %d attempts acknowledged and all found, in %s", rounds, len(all), time.Since(began).Round(time.Millisecond))
}

// crashRound starts the server on db, runs clients that complete attempts
// until it is killed with SIGKILL after delay, and returns the attempts
// acknowledged and how many were cut short by the kill.
func crashRound(t *testing.T, db string, delay time.Duration, clients int, rng func(c int) *rand.Rand) ([]acked, int) {
	t.Helper()
	p := startProc(t, db, "-drain-delay", "0s")
	tr := newTransport()
	var (
		mu     sync.Mutex
		got    []acked
		bad    []string
		killed atomic.Bool
		killAt atomic.Int64 // UnixNano of the kill, once sent
		cut    atomic.Int64
		wg     sync.WaitGroup
	)
	defer func() {
		// Also when a check below stops the test: no client outlives it.
		killed.Store(true)
		_ = p.cmd.Process.Kill()
		wg.Wait()
		tr.CloseIdleConnections()
	}()
	for c := range clients {
		tk := newTaker(p.URL, tr, rng(c))
		tk.onRequest = func(r request) {
			// A response comes from a live server: it must be the 303.
			// A failure is fine only if the kill could have caused it.
			var problem string
			switch {
			case r.status != 0 && r.status != http.StatusSeeOther:
				problem = fmt.Sprintf("%s answered %d: %.200s", r.path, r.status, r.body)
			case r.err != nil && (!killed.Load() || r.end.UnixNano() < killAt.Load()):
				problem = fmt.Sprintf("%s failed before the kill: %v", r.path, r.err)
			default:
				return
			}
			mu.Lock()
			bad = append(bad, problem)
			mu.Unlock()
		}
		wg.Go(func() {
			for !killed.Load() {
				a, err := tk.complete()
				if err != nil {
					cut.Add(1)
					continue
				}
				mu.Lock()
				got = append(got, a)
				mu.Unlock()
			}
		})
	}
	time.Sleep(delay)
	killAt.Store(time.Now().UnixNano())
	killed.Store(true)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	require.True(t, p.wait(waitFor), "the process did not die of SIGKILL")
	var exit *exec.ExitError
	if assert.ErrorAs(t, p.err, &exit) {
		ws, _ := exit.Sys().(syscall.WaitStatus)
		assert.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "killed by SIGKILL: %v", p.err)
	}
	wg.Wait()
	assert.Empty(t, bad, "requests that failed for another reason than the kill")
	return got, int(cut.Load())
}

// TestShutdown_SIGTERMUnderLoad sends SIGTERM while clients complete
// attempts and one client sends its last page slowly. /healthz answers
// 503 during the drain delay; every request in flight when the signal
// arrived completes; nothing answers 5xx; the process exits 0 within 10 s
// with the WAL checkpointed into the database file.
func TestShutdown_SIGTERMUnderLoad(t *testing.T) {
	tandemBinary(t)
	const drain = time.Second
	clients := 4
	if raceEnabled() {
		clients = 2
	}
	db := filepath.Join(t.TempDir(), "sigterm.db")
	p := startProc(t, db, "-drain-delay", drain.String())
	tr := newTransport()
	defer tr.CloseIdleConnections()

	var (
		sigAt    atomic.Int64 // UnixNano of SIGTERM, 0 before
		stop     atomic.Bool
		mu       sync.Mutex
		requests []request
		got      []acked
		wg       sync.WaitGroup
	)
	record := func(r request) {
		mu.Lock()
		requests = append(requests, r)
		mu.Unlock()
	}
	// beforeSignal reports whether a request began before SIGTERM was sent.
	beforeSignal := func(r request) bool { s := sigAt.Load(); return s == 0 || r.start.UnixNano() < s }
	t.Cleanup(func() { stop.Store(true); wg.Wait() }) // no client outlives the test

	for c := range clients {
		tk := newTaker(p.URL, tr, rand.New(rand.NewPCG(uint64(c), 1)))
		tk.onRequest = record
		wg.Go(func() {
			for !stop.Load() {
				a, err := tk.complete()
				if err != nil {
					if sigAt.Load() != 0 {
						return // the server is going away: expected, checked below
					}
					continue // checked below with every request
				}
				mu.Lock()
				got = append(got, a)
				mu.Unlock()
			}
		})
	}

	// The health poller: 200 until SIGTERM, then 503 while draining.
	var healthz []request
	wg.Go(func() {
		hc := &http.Client{Transport: tr, Timeout: waitFor}
		for !stop.Load() {
			r := request{path: "/healthz", start: time.Now()}
			res, err := hc.Get(p.URL + "/healthz")
			if err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				r.status, r.body = res.StatusCode, string(b)
			}
			r.end, r.err = time.Now(), err
			mu.Lock()
			healthz = append(healthz, r)
			mu.Unlock()
			if err != nil && sigAt.Load() != 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	// The slow client: its last page's body trickles in from before the
	// signal until after the drain delay, when the listener has closed.
	slow := newTaker(p.URL, tr, rand.New(rand.NewPCG(99, 1)))
	slow.onRequest = record
	slowToken, err := slow.start()
	require.NoError(t, err)
	slowAnswers := map[string]int{}
	_, err = slow.post("/attempts/"+slowToken+"/1", slow.page(1, slowAnswers), nil)
	require.NoError(t, err)
	slowBody := slow.page(2, slowAnswers).Encode()
	pr, pw := io.Pipe()
	inFlight := make(chan struct{})
	signalled := make(chan struct{})
	type slowResult struct {
		loc string
		end time.Time
		err error
	}
	slowDone := make(chan slowResult, 1)
	go func() {
		loc, err := slow.post("/attempts/"+slowToken+"/2", nil, pr)
		slowDone <- slowResult{loc, time.Now(), err}
	}()
	go func() {
		defer pw.Close()
		half := len(slowBody) / 2
		if _, err := pw.Write([]byte(slowBody[:half])); err != nil {
			return
		}
		close(inFlight)
		<-signalled
		rest := slowBody[half:]
		step := drain * 3 / 2 / time.Duration(len(rest))
		for i := range len(rest) {
			time.Sleep(step)
			if _, err := pw.Write([]byte{rest[i]}); err != nil {
				return
			}
		}
	}()

	time.Sleep(300 * time.Millisecond) // load builds up
	select {
	case <-inFlight:
	case <-time.After(waitFor):
		t.Fatal("the slow request never started")
	}
	sigAt.Store(time.Now().UnixNano())
	sent := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	close(signalled)

	exited := p.wait(10 * time.Second)
	took := time.Since(sent)
	stop.Store(true)
	if !exited {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	wg.Wait()
	var sr slowResult
	select {
	case sr = <-slowDone:
	case <-time.After(waitFor):
		t.Fatal("the slow request never ended")
	}

	require.True(t, exited, "tandem did not exit within 10 s of SIGTERM; stderr:\n%s", p.Stderr)
	assert.NoError(t, p.err, "exit code 0; stderr:\n%s", p.Stderr)
	assert.Equal(t, 0, p.cmd.ProcessState.ExitCode())
	assert.NotNil(t, findLog(p.Stderr.String(), "stopped"), "the server says it stopped")

	// The slow request was in flight through the drain and the shutdown,
	// and still finished the attempt.
	if assert.NoError(t, sr.err, "the slow request in flight at SIGTERM failed") {
		a, err := finished(slowToken, sr.loc, slowAnswers)
		if assert.NoError(t, err) {
			got = append(got, a)
		}
	}
	assert.Greater(t, sr.end.Sub(sent), drain, "the slow request was still in flight when the listener closed")

	var inFlightAtSignal, afterSignal, failedAfter int
	for _, r := range requests {
		if r.status >= 500 {
			t.Errorf("%s answered %d: %.200s", r.path, r.status, r.body)
		}
		switch {
		case beforeSignal(r):
			if r.end.UnixNano() > sigAt.Load() {
				inFlightAtSignal++
			}
			if r.err != nil {
				t.Errorf("%s, sent before SIGTERM, failed: %v", r.path, r.err)
			} else if r.status != http.StatusSeeOther {
				t.Errorf("%s, sent before SIGTERM, answered %d", r.path, r.status)
			}
		case r.err != nil:
			failedAfter++ // the listener closed: nothing was promised
		default:
			afterSignal++
		}
	}
	var ok, draining int
	for _, r := range healthz {
		switch {
		case r.err != nil:
			if beforeSignal(r) {
				t.Errorf("/healthz, sent before SIGTERM, failed: %v", r.err)
			}
		case r.status == http.StatusOK:
			ok++
		case r.status == http.StatusServiceUnavailable && r.end.UnixNano() > sigAt.Load():
			draining++
			assert.Equal(t, "shutting down\n", r.body)
		default:
			t.Errorf("/healthz answered %d: %s", r.status, r.body)
		}
	}
	assert.Positive(t, ok, "/healthz answered 200 before SIGTERM")
	assert.Positive(t, draining, "/healthz answered 503 while draining")

	// Closed cleanly: the WAL is checkpointed into the file.
	if info, err := os.Stat(db + "-wal"); err == nil {
		assert.Zero(t, info.Size(), "the WAL was checkpointed at exit")
	} else {
		assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
	}
	integrityCheck(t, db)
	checkAcked(t, db, got)
	t.Logf("SIGTERM with %d requests in flight (one slow); exit 0 after %s; %d attempts acknowledged; "+
		"after the signal %d requests answered and %d refused; /healthz 503 %d times",
		inFlightAtSignal, took.Round(time.Millisecond), len(got), afterSignal, failedAfter, draining)
}
