package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
)

// client sends requests to one server over keep-alive connections, and
// counts the connections it opens, to show that they are reused.
type client struct {
	base  string
	gzip  bool
	http  *http.Client
	dials atomic.Int64
}

func newClient(base string, conns int, gzip bool) *client {
	c := &client{base: base, gzip: gzip}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	c.http = &http.Client{
		Transport: &http.Transport{
			Proxy: nil, // loopback only, whatever the environment says
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c.dials.Add(1)
				return dialer.DialContext(ctx, network, addr)
			},
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     time.Minute,
			// Bodies are read as sent: a worker has no use for the
			// decompressed page, and inflating it would take CPU from the
			// server on a small machine.
			DisableCompression: true,
		},
		// Every 303 is checked, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	return c
}

// statusError is a response with a status the scenario did not expect.
type statusError struct {
	method, route string
	got, want     int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d, want %d", e.method, e.route, e.got, e.want)
}

// do sends one request, reads and discards the body, and returns the
// Location of a redirect. route names the request in errors without its
// token.
func (c *client) do(ctx context.Context, method, path, route, form, cookie string, want int) (string, error) {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return "", err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", method, route, err)
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return "", fmt.Errorf("%s %s: read body: %w", method, route, err)
	}
	if res.StatusCode != want {
		return "", &statusError{method: method, route: route, got: res.StatusCode, want: want}
	}
	return res.Header.Get("Location"), nil
}

// getOp is a scenario that gets one page again and again.
func getOp(c *client, path, cookie string) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		_, err := c.do(ctx, http.MethodGet, path, path, "", cookie, http.StatusOK)
		return 1, err
	}
}

// flow takes a quiz as a browser without JavaScript does, with every
// item answered.
type flow struct {
	c     *client
	quiz  string
	forms []string // the body posted on each page
}

// newFlow answers every value of the scale in turn, item after item, and
// the items that raise a support flag at the bottom of the scale, as most
// people do; with raise, at the top, so that the result offers support.
func newFlow(c *client, q *quiz.Quiz, raise bool) *flow {
	f := &flow{c: c, quiz: q.ID}
	care := map[string]bool{}
	for _, sf := range q.Support {
		for _, id := range sf.Items {
			care[id] = true
		}
	}
	span := q.Scale.Max - q.Scale.Min + 1
	i := 0
	for _, sec := range q.Sections {
		form := url.Values{"_section": {sec.ID}, "_nav": {"next"}}
		for _, it := range sec.Items {
			// Valid, and not one answer throughout.
			v := q.Scale.Min + i%span
			switch {
			case care[it.ID] && raise:
				v = q.Scale.Max
			case care[it.ID]:
				v = q.Scale.Min
			}
			form.Set(it.ID, strconv.Itoa(v))
			i++
		}
		f.forms = append(f.forms, form.Encode())
	}
	return f
}

// cookie is the Cookie header of the browser that started the attempt
// with token: the draft cookie, without which its pages open nothing.
func (f *flow) cookie(token string) string { return "tandem_draft_" + f.quiz + "=" + token }

// start begins an attempt and returns its token.
func (f *flow) start(ctx context.Context) (string, error) {
	loc, err := f.c.do(ctx, http.MethodPost, "/quizzes/"+f.quiz+"/attempts", "/quizzes/{quiz}/attempts", "", "", http.StatusSeeOther)
	if err != nil {
		return "", err
	}
	parts := strings.Split(loc, "/") // /attempts/{token}/1
	if len(parts) != 4 || parts[1] != "attempts" || parts[3] != "1" {
		return "", fmt.Errorf("starting an attempt went to %q, not its first page", loc)
	}
	return parts[2], nil
}

// complete takes a whole attempt: start, post every page, get the
// result. It returns the result's token (finishing gives the result one
// of its own) and the number of requests sent.
func (f *flow) complete(ctx context.Context) (string, int, error) {
	token, err := f.start(ctx)
	if err != nil {
		return "", 1, err
	}
	requests := 1
	var result string
	for n, form := range f.forms {
		path := "/attempts/" + token + "/" + strconv.Itoa(n+1)
		loc, err := f.c.do(ctx, http.MethodPost, path, "/attempts/{token}/"+strconv.Itoa(n+1), form, f.cookie(token), http.StatusSeeOther)
		requests++
		if err != nil {
			return "", requests, err
		}
		last := n == len(f.forms)-1
		if next := "/attempts/" + token + "/" + strconv.Itoa(n+2); !last && loc != next {
			return "", requests, fmt.Errorf("page %d went to %q, not the next page", n+1, loc)
		}
		if last {
			var ok bool
			if result, ok = strings.CutPrefix(loc, "/results/"); !ok || result == token {
				return "", requests, fmt.Errorf("the last page went to %q, not to a result of its own", loc)
			}
		}
	}
	_, err = f.c.do(ctx, http.MethodGet, "/results/"+result, "/results/{token}", "", "", http.StatusOK)
	requests++
	return result, requests, err
}

// scenario is one kind of load. op does one unit of work (a request, or
// a whole attempt) and returns the number of requests it sent.
type scenario struct {
	name   string
	unit   string // of the rate: req/s, or att/s for whole attempts
	page   bool   // the p99 target applies
	client *client
	pid    int // of the process serving it; 0 for this one
	op     func(context.Context) (int, error)
}

// result is what one scenario measured.
type result struct {
	scenario
	ops, requests  int
	errors         int
	rateLimited    int // errors that were 429
	firstErr       error
	elapsed        time.Duration
	conns          int64 // connections opened, warm-up included
	cpu            cpuUse
	p50, p99, pmax time.Duration
}

// rate is completed units per second.
func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ops) / r.elapsed.Seconds()
}

// reqRate is requests per second, errors included.
func (r result) reqRate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

func (r result) line() string {
	s := fmt.Sprintf("%-22s %9.1f %s  p50 %8s  p99 %8s  max %8s  errors %d  connections %d",
		r.name, r.rate(), r.unit, ms(r.p50), ms(r.p99), ms(r.pmax), r.errors, r.conns)
	if r.unit != "req/s" {
		s += fmt.Sprintf("  (%.0f req/s)", r.reqRate())
	}
	if r.rateLimited > 0 {
		s += fmt.Sprintf("  (%d answered 429)", r.rateLimited)
	}
	if r.cpu.ok {
		s += fmt.Sprintf("\n    cpu: server %s, loadgen %.2f, other processes %.2f cores", r.serverCPU(), r.cpu.self, r.cpu.other)
		if perReq, ok := r.cpuPerRequest(); ok {
			s += fmt.Sprintf("; server %.1fµs CPU per request", float64(perReq)/float64(time.Microsecond))
		}
	}
	if r.firstErr != nil {
		s += "\n    first error: " + r.firstErr.Error()
	}
	return s
}

// cpuPerRequest is the CPU time the serving process spent per request it
// answered, when it ran in a process of its own.
func (r result) cpuPerRequest() (time.Duration, bool) {
	if !r.cpu.ok || r.pid == 0 || r.requests == 0 {
		return 0, false
	}
	return time.Duration(r.cpu.server * float64(r.elapsed) / float64(r.requests)), true
}

// serverCPU is the processors the serving process kept busy, or where it
// ran when that was this process.
func (r result) serverCPU() string {
	switch {
	case !r.cpu.ok:
		return "-"
	case r.pid == 0:
		return "in loadgen"
	}
	return fmt.Sprintf("%.2f", r.cpu.server)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
}

// measure runs sc with n workers for d, each starting units of work
// until d has passed; work started before then is finished and counted.
func measure(ctx context.Context, sc scenario, n int, d time.Duration) result {
	type tally struct {
		ops, requests, errors, limited int
		err                            error
		lat                            []time.Duration
	}
	// Each worker counts on its own, allocated apart, so that workers do
	// not share cache lines.
	tallies := make([]*tally, n)
	cpuBefore := sampleCPU(sc.pid)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range tallies {
		t := &tally{lat: make([]time.Duration, 0, 1024)}
		tallies[i] = t
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				began := time.Now()
				reqs, err := sc.op(ctx)
				took := time.Since(began)
				t.requests += reqs
				if err != nil {
					if ctx.Err() != nil {
						return // interrupted: not the server's error
					}
					t.errors++
					if se := (*statusError)(nil); errors.As(err, &se) && se.got == http.StatusTooManyRequests {
						t.limited++
					}
					if t.err == nil {
						t.err = err
					}
					continue
				}
				t.ops++
				t.lat = append(t.lat, took)
			}
		})
	}
	wg.Wait()
	r := result{scenario: sc, elapsed: time.Since(start)}
	r.cpu = cpuBetween(cpuBefore, sampleCPU(sc.pid), r.elapsed)
	var lat []time.Duration
	for _, t := range tallies {
		r.ops += t.ops
		r.requests += t.requests
		r.errors += t.errors
		r.rateLimited += t.limited
		if r.firstErr == nil {
			r.firstErr = t.err
		}
		lat = append(lat, t.lat...)
	}
	slices.Sort(lat)
	r.p50, r.p99 = percentile(lat, 0.50), percentile(lat, 0.99)
	if len(lat) > 0 {
		r.pmax = lat[len(lat)-1]
	}
	return r
}

// percentile returns the p-quantile of sorted latencies, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
