package web

import (
	"net"
	"net/http"
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

// limit returns a middleware allowing n requests a minute per client IP,
// answering 429 with Retry-After beyond that; n = 0 lets everything pass.
func (s *Server) limit(n int) func(http.Handler) http.Handler {
	if n <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return httprate.Limit(n, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
			ip := middleware.GetClientIP(r.Context())
			if ip == "" {
				// No address could be trusted (a proxy that sent no
				// X-Forwarded-For): count by the TCP peer rather than put
				// every such client in one shared bucket.
				ip, _, _ = net.SplitHostPort(r.RemoteAddr)
			}
			return httprate.CanonicalizeIP(ip), nil
		}),
		httprate.WithLimitHandler(s.wrap(func(w http.ResponseWriter, r *http.Request) error { return errTooMany })),
	)
}

var errTooMany = &pageError{status: http.StatusTooManyRequests, title: "error.toomany.title", message: "error.toomany.message"}

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
