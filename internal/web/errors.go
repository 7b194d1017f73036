package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// handlerFunc is a handler that returns its error instead of writing it;
// wrap turns the error into a response in one place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) wrap(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.error(w, r, err)
		}
	}
}

// codePage is what a code answers with: a status, and the catalogue ids
// of the page for errors that do not name their own.
type codePage struct {
	status         int
	title, message string
}

var codePages = map[string]codePage{
	tandem.EINVALID:     {http.StatusBadRequest, "error.invalid.title", "error.invalid.message"},
	tandem.EFORBIDDEN:   {http.StatusForbidden, "error.forbidden.title", "error.forbidden.message"},
	tandem.ENOTFOUND:    {http.StatusNotFound, "error.notfound.title", "error.notfound.message"},
	tandem.ENOTALLOWED:  {http.StatusMethodNotAllowed, "error.method.title", "error.method.message"},
	tandem.ECONFLICT:    {http.StatusConflict, "error.conflict.title", "error.conflict.message"},
	tandem.EGONE:        {http.StatusGone, "error.gone.title", "error.gone.message"},
	tandem.ETOOLARGE:    {http.StatusRequestEntityTooLarge, "error.toolarge.title", "error.toolarge.message"},
	tandem.ETOOMANY:     {http.StatusTooManyRequests, "error.toomany.title", "error.toomany.message"},
	tandem.EINTERNAL:    {http.StatusInternalServerError, "error.internal.title", "error.internal.message"},
	tandem.EUNAVAILABLE: {http.StatusServiceUnavailable, "error.unavailable.title", "error.unavailable.message"},
}

// Errors the web layer itself answers with.
var (
	errNotFound = &tandem.Error{Code: tandem.ENOTFOUND}
	errInvalid  = &tandem.Error{Code: tandem.EINVALID}
	errTooLarge = &tandem.Error{Code: tandem.ETOOLARGE}
	errTooMany  = &tandem.Error{Code: tandem.ETOOMANY}
	errMethod   = &tandem.Error{Code: tandem.ENOTALLOWED}
	errPanic    = &tandem.Error{Code: tandem.EINTERNAL, Detail: "panic"}
)

// errorPage is what an error answers with: its status and page, the
// code's own where the error names none. Errors without a code are
// internal: the person sees a calm generic page and only the log has the
// detail.
func errorPage(err error) (int, tandem.Error) {
	var e tandem.Error
	var te *tandem.Error
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		e = *te
	case errors.As(err, &tooLarge):
		e = *errTooLarge
	default:
		e = tandem.Error{Code: tandem.EINTERNAL}
	}
	p, ok := codePages[e.Code]
	if !ok {
		e.Code, e.Title, e.Message = tandem.EINTERNAL, "", ""
		p = codePages[tandem.EINTERNAL]
	}
	if e.Title == "" {
		e.Title = p.title
	}
	if e.Message == "" {
		e.Message = p.message
	}
	return p.status, e
}

func isCode(err error, code string) bool { return tandem.ErrorCode(err) == code }

// error answers a failed request with a calm page and logs it. The log
// line has the route pattern, never the path: paths hold secret tokens.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	status, e := errorPage(err)
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request failed", "method", r.Method, "route", routePattern(r), "status", status, "err", err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	ctx := r.Context()
	if strings.HasSuffix(routePattern(r), ".json") {
		// Scripts that asked for JSON get their error as JSON.
		_ = writeJSON(w, status, map[string]string{"error": views.T(ctx, e.Title)})
		return
	}
	page := views.ErrorPage{
		Title:   views.T(ctx, e.Title),
		Message: views.T(ctx, e.Message),
	}
	if e.ActionURL != "" {
		page.ActionURL, page.ActionLabel = e.ActionURL, views.T(ctx, e.Action)
	}
	s.render(w, r, status, views.ErrorView(page))
}

// render writes a page with a status. templ.Handler buffers, so a failed
// render never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	templ.Handler(c, templ.WithStatus(status), templ.WithErrorHandler(func(r *http.Request, err error) http.Handler {
		s.log.ErrorContext(r.Context(), "render failed", "route", routePattern(r), "err", err)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "Something went wrong on our side. Please try again in a moment.", http.StatusInternalServerError)
		})
	})).ServeHTTP(w, r)
}
