package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/tandem-app/tandem/internal/tandem"
)

// Sessions: a therapist stays logged in while active, for at most a
// working day, and closing the browser ends it (on a shared clinic
// computer, the next person finds no one logged in).
const (
	sessionCookie   = "tandem_session"
	sessionIdle     = time.Hour
	sessionLifetime = 12 * time.Hour
	// Session keys.
	keyTherapist = "therapist"
	keyEpoch     = "epoch"
)

func (s *Server) newSessions(store scs.CtxStore) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	// One setting for every request; the server does not speak TLS
	// itself, so r.TLS (which secure also looks at) is never set here.
	sm.Cookie.Secure = s.alwaysSecure()
	sm.Cookie.Persist = false
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.error(w, r, err) }
	return sm
}

type therapistKey struct{}

// currentTherapist returns the logged-in therapist, if any. A session
// whose account is gone, or whose password changed since it started, is
// ended here.
func (s *Server) currentTherapist(r *http.Request) (*tandem.Therapist, bool) {
	if t, ok := r.Context().Value(therapistKey{}).(*tandem.Therapist); ok {
		return t, true
	}
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, keyTherapist)
	if id == 0 {
		return nil, false
	}
	t, err := s.store.FindTherapist(ctx, id)
	if err != nil || t.SessionEpoch != s.sessions.GetInt64(ctx, keyEpoch) {
		_ = s.sessions.Destroy(ctx)
		return nil, false
	}
	return t, true
}

// requireTherapist lets only logged-in therapists through. Anyone else is
// sent to log in from the dashboard's own address, and gets the page that
// is not there (404) everywhere else: a page that names a client or a link
// tells nothing about whether it exists.
func (s *Server) requireTherapist(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := s.currentTherapist(r)
		if !ok {
			if r.Method == http.MethodGet && r.URL.Path == dashboardPath {
				http.Redirect(w, r, loginPath, http.StatusSeeOther)
				return
			}
			s.error(w, r, errLoginFirst)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), therapistKey{}, t)))
	})
}

var errLoginFirst = &tandem.Error{Code: tandem.ENOTFOUND,
	Message: "therapist.notfound.message", ActionURL: loginPath, Action: "therapist.notfound.action"}

// therapist is the therapist requireTherapist let through.
func therapist(r *http.Request) *tandem.Therapist {
	return r.Context().Value(therapistKey{}).(*tandem.Therapist)
}

// startSession logs t in with a new session token, so that a token known
// before logging in (planted by someone else) opens nothing.
func (s *Server) startSession(ctx context.Context, t *tandem.Therapist) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyTherapist, t.ID)
	s.sessions.Put(ctx, keyEpoch, t.SessionEpoch)
	return nil
}
