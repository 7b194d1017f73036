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

// pageError is an error that brings its own page: status, texts and an
// action to offer, all as catalogue ids.
type pageError struct {
	status            int
	title, message    string
	actionURL, action string
}

func (e *pageError) Error() string { return http.StatusText(e.status) + ": " + e.message }

var (
	errTooLarge = &pageError{status: http.StatusRequestEntityTooLarge, title: "error.toolarge.title", message: "error.toolarge.message"}
	errMethod   = &pageError{status: http.StatusMethodNotAllowed, title: "error.method.title", message: "error.method.message"}
	errInvalid  = &pageError{status: http.StatusBadRequest, title: "error.invalid.title", message: "error.invalid.message"}
)

// pageFor maps an error to its page. Errors without a code are internal:
// the person sees a calm generic page and only the log has the detail.
func pageFor(err error) *pageError {
	var pe *pageError
	if errors.As(err, &pe) {
		return pe
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge
	}
	switch tandem.ErrorCode(err) {
	case tandem.EINVALID:
		return errInvalid
	case tandem.ENOTFOUND:
		return &pageError{status: http.StatusNotFound, title: "error.notfound.title", message: "error.notfound.message"}
	case tandem.ECONFLICT:
		return &pageError{status: http.StatusConflict, title: "error.conflict.title", message: "error.conflict.message"}
	case tandem.EUNAVAILABLE:
		return &pageError{status: http.StatusServiceUnavailable, title: "error.unavailable.title", message: "error.unavailable.message"}
	}
	return &pageError{status: http.StatusInternalServerError, title: "error.internal.title", message: "error.internal.message"}
}

// error answers a failed request with a calm page and logs it. The log
// line has the route pattern, never the path: paths hold secret tokens.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	p := pageFor(err)
	level := slog.LevelDebug
	if p.status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request failed", "method", r.Method, "route", routePattern(r), "status", p.status, "err", err)
	if p.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	ctx := r.Context()
	if strings.HasSuffix(routePattern(r), ".json") {
		// Scripts that asked for JSON get their error as JSON.
		_ = writeJSON(w, p.status, map[string]string{"error": views.T(ctx, p.title)})
		return
	}
	page := views.ErrorPage{
		Title:   views.T(ctx, p.title),
		Message: views.T(ctx, p.message),
	}
	if p.actionURL != "" {
		page.ActionURL, page.ActionLabel = p.actionURL, views.T(ctx, p.action)
	}
	s.render(w, r, p.status, views.ErrorView(page))
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
