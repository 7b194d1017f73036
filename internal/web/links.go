package web

import (
	"crypto/hmac"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// linkForm is the new-link form as sent.
type linkForm struct {
	quiz, label, expires string
	answers              bool
}

func decodeLinkForm(r *http.Request) (linkForm, error) {
	if err := r.ParseForm(); err != nil {
		return linkForm{}, formError(err)
	}
	var f linkForm
	for name, values := range r.PostForm {
		if len(values) != 1 || !utf8.ValidString(values[0]) {
			return linkForm{}, errInvalid
		}
		v := values[0]
		switch name {
		case "quiz":
			f.quiz = v
		case "label":
			f.label = strings.TrimSpace(v)
		case "expires":
			f.expires = v
		case "answers":
			if v != "yes" {
				return linkForm{}, errInvalid
			}
			f.answers = true
		default:
			return linkForm{}, errInvalid
		}
	}
	return f, nil
}

// expiryChoices are the lifetimes a link can be given, in days; 0 is
// "never".
var expiryChoices = []int{7, 30, 90, 0}

func (s *Server) linkFormView(r *http.Request, f linkForm) views.LinkForm {
	ctx := r.Context()
	v := views.LinkForm{Label: f.label, Answers: f.answers, Problems: map[string]string{}}
	for _, q := range s.quizzes.List() {
		v.Quizzes = append(v.Quizzes, views.Option{Value: q.ID, Label: q.Title, Selected: q.ID == f.quiz})
	}
	for _, days := range expiryChoices {
		o := views.Option{Value: formatID(int64(days)), Selected: formatID(int64(days)) == f.expires}
		if days == 0 {
			o.Label = views.T(ctx, "links.expires.never")
		} else {
			o.Label = views.N(ctx, "links.expires.days", days)
		}
		v.Expiries = append(v.Expiries, o)
	}
	return v
}

func (s *Server) handleLinkNew(w http.ResponseWriter, r *http.Request) error {
	f := linkForm{expires: "30"}
	if qs := s.quizzes.List(); len(qs) > 0 {
		f.quiz = qs[0].ID
	}
	if q, ok := s.quizzes.Current(r.URL.Query().Get("quiz")); ok {
		f.quiz = q.ID
	}
	s.render(w, r, http.StatusOK, views.LinkNewView(s.linkFormView(r, f)))
	return nil
}

// handleLinkCreate makes a link and shows it, ready to copy. The page is
// the answer to the POST, so the link never sits in a URL or a session.
func (s *Server) handleLinkCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := decodeLinkForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.linkFormView(r, f)
	q, ok := s.quizzes.Current(f.quiz)
	if !ok {
		v.Problems["quiz"] = views.T(ctx, "links.problem.quiz")
	}
	switch {
	case hidesItself(f.label):
		v.Problems["label"] = views.T(ctx, "links.problem.hidden")
	case f.label == "" || utf8.RuneCountInString(f.label) > maxLabel:
		v.Problems["label"] = views.T(ctx, "links.problem.label", "Max", maxLabel)
	}
	days, err := parseID(f.expires)
	if f.expires == "0" {
		days, err = 0, nil
	}
	if err != nil || !validExpiry(int(days)) {
		v.Problems["expires"] = views.T(ctx, "links.problem.expires")
	}
	if len(v.Problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.LinkNewView(v))
		return nil
	}
	t := therapist(r)
	l := &tandem.ShareLink{TherapistID: t.ID, QuizID: q.ID, Label: f.label, SharesAnswers: f.answers}
	if days > 0 {
		l.ExpiresAt = s.now().Add(time.Duration(days) * 24 * time.Hour)
	}
	l.Nonce = tandem.NewNonce()
	if err := s.store.CreateShareLink(ctx, l, tandem.HashToken(tandem.DeriveToken(s.linkKey, l.Nonce))); err != nil {
		return err
	}
	s.render(w, r, http.StatusCreated, views.LinkCreatedView(views.LinkCreated{Link: s.linkRow(r, l)}))
	return nil
}

// linkToken derives a link's token again, when the server's key is the
// one it was made with.
func (s *Server) linkToken(l *tandem.ShareLink) (string, bool) {
	if len(l.Nonce) == 0 {
		return "", false
	}
	token := tandem.DeriveToken(s.linkKey, l.Nonce)
	return token, hmac.Equal(tandem.HashToken(token), l.TokenHash)
}

func validExpiry(days int) bool {
	for _, d := range expiryChoices {
		if d == days {
			return true
		}
	}
	return false
}

// handleLinkRevokeConfirm asks before revoking one of the therapist's
// links, which cannot be undone.
func (s *Server) handleLinkRevokeConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(chi.URLParam(r, "link"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	l, err := s.store.FindShareLink(ctx, therapist(r).ID, id)
	if err != nil {
		return err
	}
	if l.State(s.now()) != tandem.LinkActive {
		return errNotFound
	}
	s.render(w, r, http.StatusOK, views.ConfirmView(views.Confirm{
		Title:     views.T(ctx, "links.revoke.title", "Label", views.IsolateText(l.Label)),
		Message:   views.T(ctx, "links.revoke.message"),
		Action:    linkURL(l.ID) + "/revoke",
		Button:    views.T(ctx, "links.revoke"),
		CancelURL: dashboardPath,
	}))
	return nil
}

// handleLinkRevoke ends a link: no one new can start sharing through it.
// Clients who already share keep sharing until they stop.
func (s *Server) handleLinkRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(chi.URLParam(r, "link"))
	if err != nil {
		return err
	}
	if err := s.store.RevokeShareLink(r.Context(), therapist(r).ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, dashboardPath+"?revoked=1", http.StatusSeeOther)
	return nil
}

// linkRow describes a link for its therapist.
func (s *Server) linkRow(r *http.Request, l *tandem.ShareLink) views.LinkRow {
	ctx := r.Context()
	row := views.LinkRow{
		ID: formatID(l.ID), Label: l.Label, QuizTitle: s.quizTitle(l.QuizID), Created: formatDate(ctx, l.CreatedAt),
		SharesAnswers: l.SharesAnswers, Clients: l.Clients,
	}
	switch l.State(s.now()) {
	case tandem.LinkActive:
		row.State = views.T(ctx, "links.state.active")
		row.RevokeURL = linkURL(l.ID) + "/revoke"
		if token, ok := s.linkToken(l); ok {
			row.URL = s.absoluteURL(r, shareURL(token))
		}
		if !l.ExpiresAt.IsZero() {
			row.State = views.T(ctx, "links.state.until", "Date", formatDate(ctx, l.ExpiresAt))
		}
	case tandem.LinkExpired:
		row.State = views.T(ctx, "links.state.expired", "Date", formatDate(ctx, l.ExpiresAt))
	case tandem.LinkRevoked:
		row.State = views.T(ctx, "links.state.revoked", "Date", formatDate(ctx, l.RevokedAt))
	}
	if !l.LastUsedAt.IsZero() {
		row.LastUsed = formatDate(ctx, l.LastUsedAt)
	}
	return row
}
