package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// Handler returns the whole site: every route is listed here.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.healthFirst, s.logRequests, s.secureHeaders, s.pageContext, s.recoverPanics, s.limitBodies, s.compress)
	r.Use(s.crossOrigin, headAsGet)
	starts, writes := s.limit(s.limits.Starts), s.limit(s.limits.Writes)

	// Public pages, which search engines may list.
	r.Get(healthPath, s.handleHealth)
	r.Get("/robots.txt", s.handleRobots)
	r.Get("/static/{file}", s.wrap(s.assets.serve))
	r.Get("/", s.wrap(s.handleHome))
	r.Get("/quizzes/{quiz}", s.wrap(s.handleQuizShow))

	// Everything else is someone's, behind a private link or a login:
	// never listed, even if a link leaks.
	r.Group(func(r chi.Router) {
		r.Use(noindex)
		r.With(starts).Post("/quizzes/{quiz}/attempts", s.wrap(s.handleAttemptCreate))

		r.Get("/attempts/{token}", s.wrap(s.handleAttemptResume))
		r.Get("/attempts/{token}/{page}", s.wrap(s.handleSectionShow))
		r.With(writes).Post("/attempts/{token}/{page}", s.wrap(s.handleSectionSave))

		r.Get("/results/{token}", s.wrap(s.handleResultShow))
		r.Get("/results/{token}.json", s.wrap(s.handleResultJSON))
		r.With(writes).Post("/results/{token}/keep", s.wrap(s.handleResultKeep))
		r.Get("/results/{token}/delete", s.wrap(s.handleResultDeleteConfirm))
		r.With(writes).Post("/results/{token}/delete", s.wrap(s.handleResultDelete))

		r.Get("/me", s.wrap(s.handleMe))
		r.Get("/deleted", s.wrap(s.handleDeleted))
		r.With(writes).Post(forgetPath, s.wrap(s.handleForget))
		r.Route("/me/{me}", func(r chi.Router) {
			r.Get("/", s.wrap(s.handleHistory))
			r.Get("/attempts/{attempt}", s.wrap(s.handlePersonResult))
			r.Get("/attempts/{attempt}.json", s.wrap(s.handlePersonResultJSON))
			r.Get("/attempts/{attempt}/delete", s.wrap(s.handleAttemptDeleteConfirm))
			r.With(writes).Post("/attempts/{attempt}/delete", s.wrap(s.handleAttemptDelete))
			r.Get("/compare", s.wrap(s.handleCompare))
			r.Get("/compare.json", s.wrap(s.handleCompareJSON))
			r.Get("/export.json", s.wrap(s.handleExportJSON))
			r.Get("/export.csv", s.wrap(s.handleExportCSV))
			r.Get("/delete", s.wrap(s.handleDeleteAllConfirm))
			r.With(writes).Post("/delete", s.wrap(s.handleDeleteAll))
			r.With(writes).Post(forgetPath, s.wrap(s.handleForget))
			r.With(writes).Post("/adopt", s.wrap(s.handleAdopt))
			r.With(writes).Post("/remember", s.wrap(s.handleRemember))
			r.With(writes).Post("/shares/{share}/stop", s.wrap(s.handleStopSharing))
			r.With(starts).Post("/shares/{share}/attempts", s.wrap(s.handleShareRetake))
		})

		// A therapist's link, as their client opens it.
		r.Get("/share/{token}", s.wrap(s.handleShareShow))
		r.With(starts).Post("/share/{token}", s.wrap(s.handleShareConsent))

		// Therapists: only these routes load sessions.
		r.Group(func(r chi.Router) {
			r.Use(s.sessions.LoadAndSave)
			r.Get("/signup", s.wrap(s.handleSignupShow))
			r.With(starts).Post("/signup", s.wrap(s.handleSignup))
			r.Get("/login", s.wrap(s.handleLoginShow))
			// Logins are also limited by failures, in the handler.
			r.With(writes).Post("/login", s.wrap(s.handleLogin))
			r.With(writes).Post("/logout", s.wrap(s.handleLogout))
			r.Route("/therapist", func(r chi.Router) {
				r.Use(s.requireTherapist)
				r.Get("/", s.wrap(s.handleDashboard))
				r.Get("/links/new", s.wrap(s.handleLinkNew))
				r.With(starts).Post("/links", s.wrap(s.handleLinkCreate))
				r.Get("/links/{link}/revoke", s.wrap(s.handleLinkRevokeConfirm))
				r.With(writes).Post("/links/{link}/revoke", s.wrap(s.handleLinkRevoke))
				r.Get("/clients/{client}", s.wrap(s.handleClient))
				r.Get("/clients/{client}/attempts/{attempt}", s.wrap(s.handleClientResult))
				r.Get("/clients/{client}/compare", s.wrap(s.handleClientCompare))
				r.Get("/export.csv", s.wrap(s.handleClientsExport))
				r.Get("/access", s.wrap(s.handleAccessLog))
				r.Get("/account", s.wrap(s.handleAccount))
				r.With(writes).Post("/account/password", s.wrap(s.handlePasswordChange))
				r.Get("/account/delete", s.wrap(s.handleAccountDeleteConfirm))
				r.With(writes).Post("/account/delete", s.wrap(s.handleAccountDelete))
			})
		})
	})

	// What no route answers is no page to list either.
	r.NotFound(noindex(s.wrap(func(w http.ResponseWriter, r *http.Request) error { return errNotFound })).ServeHTTP)
	r.MethodNotAllowed(noindex(s.wrap(func(w http.ResponseWriter, req *http.Request) error {
		// Replacing chi's handler loses its Allow header: say it here.
		var allow []string
		if r.Match(chi.NewRouteContext(), http.MethodGet, req.URL.Path) {
			allow = append(allow, http.MethodGet, http.MethodHead) // headAsGet serves HEAD as GET
		}
		if r.Match(chi.NewRouteContext(), http.MethodPost, req.URL.Path) {
			allow = append(allow, http.MethodPost)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return errMethod
	})).ServeHTTP)
	return r
}

// crossOrigin refuses state-changing requests that a browser marks as
// coming from another site (CSRF), with the calm 403 page.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.wrap(func(w http.ResponseWriter, r *http.Request) error { return errCrossOrigin }))
	return cop.Handler(next)
}

var errCrossOrigin = &tandem.Error{Code: tandem.EFORBIDDEN, Detail: "a form sent from another site"}

// language picks the catalogue for the person's Accept-Language. The few
// distinct headers browsers send are kept, each with its match.
func (s *Server) language(r *http.Request) *views.Language {
	header := r.Header.Get("Accept-Language")
	if l, ok := s.languages.Load(header); ok {
		return l.(*views.Language)
	}
	l := s.messages.Match(header)
	if s.languageCount.Add(1) <= maxLanguageHeaders && len(header) <= 256 {
		s.languages.Store(header, l)
	}
	return l
}

// maxLanguageHeaders bounds the cache of matches: headers are client input.
const maxLanguageHeaders = 256

// robotsTxt keeps crawlers to the public pages; the private ones also say
// noindex themselves, for crawlers that ignore this file.
const robotsTxt = `User-agent: *
Allow: /$
Allow: /quizzes/
Disallow: /
`

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write([]byte(robotsTxt))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = textPlain
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("shutting down\n"))
		return
	}
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
