package web

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"

	"github.com/tandem-app/tandem/web/views"
)

// maxBodyBytes bounds every request body: the longest real form is a few
// kilobytes.
const maxBodyBytes = 64 << 10

// routePattern names the route a request matched, such as
// /results/{token}: safe to log, unlike the path, which holds tokens.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "(no route)"
}

// logRequests logs one line per request: method, route pattern, status,
// size and duration. Never the path, the query or the form: they hold
// tokens and answers.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		ctx := r.Context()
		if !s.log.Enabled(ctx, slog.LevelInfo) {
			return
		}
		// A record made here, without the caller's program counter that
		// Logger.Info would look up: a request line needs no source.
		rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("route", routePattern(r)),
			slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)))
		_ = s.log.Handler().Handle(ctx, rec)
	})
}

// healthFirst answers /healthz before the other middleware: load
// balancers ask for it every few seconds, and the answer needs no page,
// language, compression or log line (failures are logged), only the
// headers every response carries. Other methods go on to the router,
// which says which it takes.
func (s *Server) healthFirst(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.setSecurityHeaders(w.Header())
			s.handleHealth(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into the calm 500 page, with the stack in
// the log, so one bug never takes the server down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "route", routePattern(r), "panic", v, "stack", string(debug.Stack()))
				s.error(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBodies caps request bodies: a body announced as too large answers
// 413 at once, even where the handler would not read it, and reading past
// the cap fails with *http.MaxBytesError, which also answers 413.
func (s *Server) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			s.error(w, r, errTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// compress gzips pages, JSON and CSV for browsers that take it, at level
// 1: pages are small and made per request, so the CPU saved matters more
// than the last few bytes. Static files come compressed already (their
// Content-Encoding is set), and answers under a kilobyte are sent as they
// are.
func (s *Server) compress(next http.Handler) http.Handler { return s.gzip(next) }

func newGzip() func(http.Handler) http.HandlerFunc {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypes([]string{"text/html", "application/json", "text/csv"}),
		gzhttp.EnableZstd(false),
	)
	if err != nil {
		panic(err) // the options above are valid
	}
	return wrap
}

// holdsSomething reports whether this browser holds anything "Forget
// this device" clears: a person's page, an unfinished attempt, or a
// finished one's result.
func (s *Server) holdsSomething(r *http.Request) bool {
	if _, ok := s.personToken(r); ok {
		return true
	}
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, draftCookie("")) || strings.HasPrefix(c.Name, doneCookie("")) {
			return true
		}
	}
	return false
}

// pageContext gives the views the person's language, the static files'
// URLs, and whether the browser holds anything to forget.
func (s *Server) pageContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := views.WithPage(r.Context(), views.PageSettings{Language: s.language(r), Assets: s.assets.urls,
			ExitURL: s.exitURL, HoldsSomething: s.holdsSomething(r)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// contentSecurityPolicy allows only this origin's stylesheet, icon and
// script, and forms that post here: no inline code, no third party.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secureHeaders sets the headers every response carries. Cache-Control
// is no-store because pages show answers and results; static files, which
// show nothing personal, override it. Referrer-Policy keeps the tokens in
// our URLs from leaking to other sites.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setSecurityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setSecurityHeaders(h http.Header) {
	// The values are shared by every response: net/http only reads them,
	// and a handler that changes a header replaces its slice.
	for _, kv := range securityHeaders {
		h[kv.key] = kv.value
	}
	if s.hsts {
		h["Strict-Transport-Security"] = hsts
	}
}

var securityHeaders = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
		"microphone=(), payment=(), usb=(), browsing-topics=()"}},
	{"Cache-Control", []string{"no-store"}},
}

var (
	textPlain = []string{"text/plain; charset=utf-8"}
	hsts      = []string{"max-age=63072000; includeSubDomains"}
)

// noindex tells search engines never to list or follow a page: every page
// behind a private link or a login.
func noindex(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Robots-Tag"] = noindexValue
		next.ServeHTTP(w, r)
	})
}

var noindexValue = []string{"noindex, nofollow"}

// headAsGet answers HEAD as the GET of the same path, everywhere, also in
// sub-routers (chi's GetHead sees a mounted router as handling every
// method). The server sends no body for HEAD whatever the handler writes;
// the handler does all a GET does, so a HEAD on a therapist's look at
// results is logged as a look.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			get := *r // a copy, so that the request log still says HEAD
			get.Method = http.MethodGet
			r = &get
		}
		next.ServeHTTP(w, r)
	})
}
