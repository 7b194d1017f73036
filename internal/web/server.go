// Package web serves Tandem over HTTP: thin handlers that decode a
// request, call the store and the scoring engine, and render a view.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/tandem-app/tandem/internal/password"
	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/locales"
	"github.com/tandem-app/tandem/web/views"
)

// The store, as the web layer needs it, by area: one interface per file
// of the store. *sqlite.DB has them all.
type (
	// AttemptStore keeps attempts and their answers and outcomes.
	AttemptStore interface {
		CreateAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte) (*tandem.Attempt, error)
		CreateSharedAttempt(ctx context.Context, q *quiz.Quiz, tokenHash []byte, shareID int64) (*tandem.Attempt, error)
		FindAttemptByToken(ctx context.Context, tokenHash []byte) (*tandem.Attempt, error)
		FindResultByToken(ctx context.Context, tokenHash []byte) (*tandem.Attempt, error)
		SaveAnswers(ctx context.Context, attemptID int64, pageItems []string, answers scoring.Answers) error
		CompleteAttempt(ctx context.Context, attemptID int64, q *quiz.Quiz, pageItems []string,
			answers scoring.Answers, owner tandem.Owner, resultTokenHash []byte) (tandem.Completion, error)
		DeleteResultByToken(ctx context.Context, tokenHash []byte) error
	}

	// PersonStore keeps people's histories.
	PersonStore interface {
		FindPersonByToken(ctx context.Context, tokenHash []byte) (*tandem.Person, error)
		ListAttempts(ctx context.Context, personID int64) ([]*tandem.Attempt, error)
		FindPersonAttempt(ctx context.Context, personID, attemptID int64) (*tandem.Attempt, error)
		DeleteAttempt(ctx context.Context, personID, attemptID int64) error
		DeletePerson(ctx context.Context, personID int64, held ...[]byte) error
		KeepResult(ctx context.Context, resultTokenHash, personTokenHash []byte) error
	}

	// TherapistStore keeps therapists' accounts.
	TherapistStore interface {
		CreateTherapist(ctx context.Context, email, displayName, passwordHash string) (*tandem.Therapist, error)
		FindTherapist(ctx context.Context, id int64) (*tandem.Therapist, error)
		FindTherapistByEmail(ctx context.Context, email string) (*tandem.Therapist, error)
		SetTherapistPassword(ctx context.Context, id int64, passwordHash string) (int64, error)
		DeleteTherapist(ctx context.Context, id int64) error
	}

	// ShareStore keeps share links, consents and the access log.
	ShareStore interface {
		CreateShareLink(ctx context.Context, l *tandem.ShareLink, tokenHash []byte) error
		FindShareLinkByToken(ctx context.Context, tokenHash []byte) (*tandem.ShareLink, error)
		FindShareLink(ctx context.Context, therapistID, linkID int64) (*tandem.ShareLink, error)
		ListShareLinks(ctx context.Context, therapistID int64) ([]*tandem.ShareLink, error)
		RevokeShareLink(ctx context.Context, therapistID, linkID int64) error
		ConsentToShare(ctx context.Context, linkID int64, owner tandem.Owner, wording string) (tandem.Consent, error)
		StopSharing(ctx context.Context, personID, shareID int64) error
		ListClients(ctx context.Context, therapistID int64) ([]*tandem.Share, error)
		ListPersonShares(ctx context.Context, personID int64) ([]*tandem.Share, error)
		FindPersonShare(ctx context.Context, personID, shareID int64) (*tandem.Share, error)
		FindClient(ctx context.Context, therapistID, shareID int64) (*tandem.Share, error)
		ListSharedAttempts(ctx context.Context, shareID int64) ([]*tandem.Attempt, error)
		FindSharedAttempt(ctx context.Context, shareID, attemptID int64) (*tandem.Attempt, error)
		RecordAccess(ctx context.Context, what string, shareIDs ...int64) error
		ListShareAccess(ctx context.Context, shareID int64, limit int) ([]tandem.Access, error)
		ListTherapistAccess(ctx context.Context, therapistID int64, limit int) ([]tandem.Access, error)
		ListPersonAccess(ctx context.Context, personID int64, limit int) ([]tandem.Access, error)
	}

	// QuizSourceStore keeps every quiz file attempts were scored with.
	QuizSourceStore interface {
		RecordQuizzes(ctx context.Context, qs ...*quiz.Quiz) ([]quiz.Source, error)
	}

	// Store is all of them, and a check that storage answers.
	Store interface {
		AttemptStore
		PersonStore
		TherapistStore
		ShareStore
		Ping(ctx context.Context) error
	}
)

// Config is what a Server is built from.
type Config struct {
	// Quizzes is every quiz the server knows, current and past.
	Quizzes *quiz.Catalogue
	Store   Store
	Logger  *slog.Logger
	// DraftLifetime is how long an unfinished attempt is kept after its
	// last change; the resume cookie lives as long.
	DraftLifetime time.Duration
	// BaseURL, such as https://tandem.example, is where people reach the
	// server; private links are built from it, and cookies are Secure when
	// it is https. Empty: the address each request came to.
	BaseURL string
	// HSTS tells browsers to use https only, for two years: for servers
	// that are reached over https alone.
	HSTS bool
	// RateLimits caps writes per client IP; the zero value is no limit.
	RateLimits RateLimits
	// TrustedProxies are the address prefixes (CIDR) of reverse proxies
	// whose X-Forwarded-For names the client; empty: the TCP peer is.
	TrustedProxies []string
	// Sessions stores therapists' login sessions: (*sqlite.DB).Sessions().
	Sessions scs.CtxStore
	// SecureCookies marks every cookie Secure, so browsers send it over
	// https only. Cookies are Secure anyway on https requests and when
	// BaseURL is https.
	SecureCookies bool
	// LoginLimits caps failed logins; zero fields take DefaultLoginLimits'.
	LoginLimits LoginLimits
	// Now is the clock, time.Now when nil; tests share it with the store.
	Now func() time.Time
	// ExitURL is the neutral site "leave quickly" opens; empty for
	// views.DefaultExitURL.
	ExitURL string
	// SupportResources replace the quizzes' own resources for the regions
	// they name; nil for the quizzes' own.
	SupportResources *quiz.Resources
	// LinkKey is the secret from which share links' tokens are derived,
	// so that a therapist can copy a link again; the database keeps only
	// their hashes. Without one, a random key serves until the process
	// stops, and older links can no longer be shown (they still work).
	LinkKey []byte
}

// Server holds what the handlers share.
type Server struct {
	quizzes  *quiz.Catalogue
	store    Store
	log      *slog.Logger
	messages *views.Messages
	gzip     func(http.Handler) http.HandlerFunc
	assets   *assets
	draftAge time.Duration
	baseURL  string
	hsts     bool
	limits   RateLimits
	// trustedProxies are CIDR prefixes; see Config.
	trustedProxies []string
	now            func() time.Time
	linkKey        []byte
	exitURL        string
	resources      *quiz.Resources
	secureCookies  bool
	sessions       *scs.SessionManager
	hasher         *password.Hasher
	logins         *loginLimiter
	draining       atomic.Bool
	languages      sync.Map // Accept-Language header -> *views.Language
	languageCount  atomic.Int64
}

// New builds a Server. It reads and writes nothing: the store and the
// quiz catalogue come ready.
func New(cfg Config) (*Server, error) {
	messages, err := views.LoadMessages(locales.FS, "en.yaml")
	if err != nil {
		return nil, err
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	if cfg.Quizzes == nil || cfg.Store == nil || cfg.Sessions == nil {
		return nil, errors.New("web: a quiz catalogue, a store and a session store are needed")
	}
	s := &Server{
		quizzes:  cfg.Quizzes,
		store:    cfg.Store,
		log:      cfg.Logger,
		messages: messages,
		gzip:     newGzip(),
		assets:   assets,
		draftAge: cfg.DraftLifetime,
		baseURL:  strings.TrimSuffix(cfg.BaseURL, "/"),
		hsts:     cfg.HSTS,
		limits:   cfg.RateLimits,

		trustedProxies: cfg.TrustedProxies,
		now:            cfg.Now,
		linkKey:        cfg.LinkKey,
		exitURL:        cfg.ExitURL,
		resources:      cfg.SupportResources,
		secureCookies:  cfg.SecureCookies,
		hasher:         password.NewHasher(maxHashes),
	}
	// A wrong prefix stops the start, not a request.
	for _, p := range cfg.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an address prefix such as 127.0.0.1/32: %w", p, err)
		}
	}
	if len(s.linkKey) == 0 {
		s.linkKey = tandem.NewNonce()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.draftAge <= 0 {
		s.draftAge = 7 * 24 * time.Hour
	}
	s.logins = newLoginLimiter(cfg.LoginLimits, s.now)
	s.sessions = s.newSessions(cfg.Sessions)
	return s, nil
}

// LoadCatalogue records the current quizzes' files in the store and
// builds the catalogue of every quiz the server knows, current and past,
// once, before the server starts. A past file that no longer loads (the
// loader grew stricter) is logged now rather than first met by a person:
// its attempts cannot be shown until the loader accepts it again.
func LoadCatalogue(ctx context.Context, store QuizSourceStore, current []*quiz.Quiz, log *slog.Logger) (*quiz.Catalogue, error) {
	sources, err := store.RecordQuizzes(ctx, current...)
	if err != nil {
		return nil, fmt.Errorf("record the quiz files: %w", err)
	}
	c := quiz.NewCatalogue(current, sources)
	for _, b := range c.Broken() {
		log.ErrorContext(ctx, "a past quiz file no longer loads; results scored with it cannot be shown",
			"quiz", b.QuizID, "hash", b.Hash, "err", b.Err)
	}
	return c, nil
}

// Drain makes /healthz answer 503, so a load balancer stops sending
// traffic while in-flight requests finish.
func (s *Server) Drain() { s.draining.Store(true) }

// absoluteURL makes a path into a full URL for the person to keep.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if s.baseURL != "" {
		return s.baseURL + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// secure reports whether cookies must be Secure: when the server is told
// so, or people reach it over https, directly or through a proxy named by
// BaseURL.
func (s *Server) secure(r *http.Request) bool {
	return s.alwaysSecure() || r.TLS != nil
}

// alwaysSecure reports whether cookies are Secure on every request: the
// server is told so, or is reached over https through a proxy.
func (s *Server) alwaysSecure() bool {
	return s.secureCookies || strings.HasPrefix(s.baseURL, "https://")
}

// quizTitle is the title of the current quiz with the id, or the id when
// it is no longer served.
func (s *Server) quizTitle(id string) string {
	if q, ok := s.quizzes.Current(id); ok {
		return q.Title
	}
	return id
}
