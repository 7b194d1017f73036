package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// RateLimits caps, per client IP and minute, the requests that create or
// change rows. Zero means no limit. The defaults of the server are
// generous enough for a family or an office sharing one address.
type RateLimits struct {
	Starts int // attempts started
	Writes int // pages saved, results deleted, devices forgotten
}

// DefaultRateLimits are what the server uses unless told otherwise.
var DefaultRateLimits = RateLimits{Starts: 30, Writes: 300}

// limit returns a middleware for routes that create or change rows: it
// records the client's address (see clientIP), for the limits and the
// login limiter, and allows n requests a minute per address, answering
// 429 with Retry-After beyond that; n = 0 lets everything pass.
func (s *Server) limit(n int) func(http.Handler) http.Handler {
	clientIP := s.clientIP()
	if n <= 0 {
		return clientIP
	}
	limiter := httprate.LimitBy(n, time.Minute,
		func(r *http.Request) (string, error) { return clientAddr(r), nil },
		httprate.WithLimitHandler(s.wrap(func(w http.ResponseWriter, r *http.Request) error { return errTooMany })),
	)
	return func(next http.Handler) http.Handler { return clientIP(limiter(next)) }
}

// clientAddr is the client's address as the limits count it: the one
// clientIP recorded, with IPv6 clients counted by their /64.
func clientAddr(r *http.Request) string {
	ip := middleware.GetClientIP(r.Context())
	if ip == "" {
		// No address could be trusted (a proxy that sent no
		// X-Forwarded-For): count by the TCP peer rather than put every
		// such client in one shared bucket.
		ip, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	return httprate.CanonicalizeIP(ip)
}

// clientIP records the client's address for the limits: the TCP peer, or,
// behind proxies at the trusted addresses, the last address they add to
// X-Forwarded-For. Headers from anyone else are ignored, so a client
// cannot pick its own address.
func (s *Server) clientIP() func(http.Handler) http.Handler {
	if len(s.trustedProxies) > 0 {
		return middleware.ClientIPFromXFF(s.trustedProxies...)
	}
	return middleware.ClientIPFromRemoteAddr
}

// LoginLimits caps failed logins within a window, per account and per
// client address. Zero fields take DefaultLoginLimits' values.
type LoginLimits struct {
	Window     time.Duration
	PerAccount int // failures for one email address
	PerAddress int // failures from one client address, whatever the account
}

// DefaultLoginLimits: ten wrong passwords for an account in a quarter of an
// hour, thirty from one address (a clinic behind one connection).
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerAccount: 10, PerAddress: 30}

// Keys of the login limiter, by what they count.
const (
	loginKeyAddress = "ip:"
	loginKeyAccount = "account:" // logging in, by email address
	loginKeySession = "session:" // the current password asked again, by account id
)

// loginLimiter remembers recent failed logins, by key, to stop password
// guessing. It keeps each key's failure times within the window, at most
// as many as its limit, so memory stays bounded by the keys in use.
type loginLimiter struct {
	mu       sync.Mutex
	limits   LoginLimits
	now      func() time.Time
	failures map[string][]time.Time
	sweep    time.Time // when old keys were last dropped
}

func newLoginLimiter(l LoginLimits, now func() time.Time) *loginLimiter {
	if l.Window <= 0 {
		l.Window = DefaultLoginLimits.Window
	}
	if l.PerAccount <= 0 {
		l.PerAccount = DefaultLoginLimits.PerAccount
	}
	if l.PerAddress <= 0 {
		l.PerAddress = DefaultLoginLimits.PerAddress
	}
	return &loginLimiter{limits: l, now: now, failures: map[string][]time.Time{}}
}

func (l *loginLimiter) limit(key string) int {
	if strings.HasPrefix(key, loginKeyAddress) {
		return l.limits.PerAddress
	}
	return l.limits.PerAccount
}

// recent returns key's failures still inside the window, oldest first.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	times := l.failures[key]
	for len(times) > 0 && now.Sub(times[0]) >= l.limits.Window {
		times = times[1:]
	}
	if len(times) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = times
	return times
}

// loginTry is a failure counted in advance, for forgive.
type loginTry struct {
	keys []string
	at   time.Time
}

// begin counts a failure against every key before a password is checked,
// so that guesses sent at the same moment are all counted. When any key
// is already at its limit it counts nothing and returns how long to wait.
func (l *loginLimiter) begin(keys ...string) (loginTry, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweep) >= l.limits.Window {
		for k := range l.failures {
			l.recent(k, now)
		}
		l.sweep = now
	}
	var wait time.Duration
	for _, k := range keys {
		if times := l.recent(k, now); len(times) >= l.limit(k) {
			wait = max(wait, l.limits.Window-now.Sub(times[0]))
		}
	}
	if wait > 0 {
		return loginTry{}, wait
	}
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
	}
	return loginTry{keys: keys, at: now}, 0
}

// forgive forgets the failures of the try's account: its password was
// right. The address keeps its other failures; only this try's goes.
func (l *loginLimiter) forgive(try loginTry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range try.keys {
		if strings.HasPrefix(k, loginKeyAddress) {
			l.remove(k, try.at)
		} else {
			delete(l.failures, k)
		}
	}
}

// undo takes back the one failure begin counted for a try whose password
// was never checked, and nothing else.
func (l *loginLimiter) undo(try loginTry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range try.keys {
		l.remove(k, try.at)
	}
}

// remove drops one failure at the time given from key's.
func (l *loginLimiter) remove(key string, at time.Time) {
	times := l.failures[key]
	for i := len(times) - 1; i >= 0; i-- {
		if times[i].Equal(at) {
			l.failures[key] = append(times[:i:i], times[i+1:]...)
			return
		}
	}
}
