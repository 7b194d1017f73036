package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// consentWording is the version of the consent text (the consent.*
// messages). Change it whenever their meaning changes: each consent is
// stored with the version the person read.
const consentWording = "2026-12-04"

// loadShareLink returns the link of the URL's token. A link whose quiz is
// no longer offered is ENOTFOUND; one that was revoked or has expired is a
// kind page saying so (410).
func (s *Server) loadShareLink(r *http.Request) (*tandem.ShareLink, error) {
	token, err := urlToken(r, "token")
	if err != nil {
		return nil, err
	}
	l, err := s.store.FindShareLinkByToken(r.Context(), tandem.HashToken(token))
	if err != nil {
		return nil, err
	}
	q, ok := s.quizzes.Current(l.QuizID)
	if !ok {
		return nil, errNotFound
	}
	switch l.State(s.now()) {
	case tandem.LinkRevoked:
		return nil, errLinkEnded(q.ID, "share.revoked.message")
	case tandem.LinkExpired:
		return nil, errLinkEnded(q.ID, "share.expired.message")
	}
	return l, nil
}

func errLinkEnded(quizID, message string) error {
	return &tandem.Error{Code: tandem.EGONE, Title: "share.ended.title", Message: message,
		ActionURL: quizURL(quizID), Action: "share.ended.action"}
}

// handleShareShow shows who shared the quiz and exactly what they will
// see, and asks for consent. Saying no still leads to the quiz, privately.
func (s *Server) handleShareShow(w http.ResponseWriter, r *http.Request) error {
	l, err := s.loadShareLink(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, views.ConsentView(s.consentView(r, l)))
	return nil
}

// consentView is the consent page of a link whose quiz is current (as
// loadShareLink makes sure).
func (s *Server) consentView(r *http.Request, l *tandem.ShareLink) views.Consent {
	q, _ := s.quizzes.Current(l.QuizID)
	v := views.Consent{
		Therapist:     l.TherapistName,
		QuizTitle:     q.Title,
		Language:      q.Language,
		SharesAnswers: l.SharesAnswers,
		Spectrum:      q.Spectrum != nil,
		Wording:       consentWording,
		Action:        r.URL.Path,
		PrivateURL:    quizStartURL(q.ID),
		AboutURL:      quizURL(q.ID),
	}
	// A raised support flag shows on the therapist's pages whatever the
	// link shares (its title, never the answers): the client is told
	// before agreeing.
	for _, f := range q.Support {
		v.Support = append(v.Support, f.Title)
	}
	if _, _, held := s.personFromCookie(r); held {
		v.HeldPage, v.ForgetURL = true, forgetPath
	}
	return v
}

// handleShareConsent records the consent and starts the quiz. The person
// is this browser's, or a new one whose personal page the browser then
// remembers: stopping needs a page to stop from.
func (s *Server) handleShareConsent(w http.ResponseWriter, r *http.Request) error {
	l, err := s.loadShareLink(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	if len(r.PostForm) != 1 || len(r.PostForm["wording"]) != 1 || !utf8.ValidString(r.PostForm.Get("wording")) {
		return errInvalid
	}
	if r.PostForm.Get("wording") != consentWording {
		// The text changed while the page was open: what was read is not
		// what would be agreed to.
		v := s.consentView(r, l)
		v.Changed = true
		s.render(w, r, http.StatusConflict, views.ConsentView(v))
		return nil
	}
	ctx := r.Context()
	newToken := tandem.NewToken()
	owner := tandem.Owner{NewTokenHash: tandem.HashToken(newToken)}
	if me, ok := s.personToken(r); ok {
		owner.TokenHash = tandem.HashToken(me)
	}
	c, err := s.store.ConsentToShare(ctx, l.ID, owner, consentWording)
	if isCode(err, tandem.ECONFLICT) {
		return errLinkEnded(l.QuizID, "share.ended.message") // revoked between the page and the answer
	}
	if err != nil {
		return err
	}
	if c.NewPerson {
		s.setPersonCookie(w, r, newToken, false)
	}
	q, _ := s.quizzes.Current(l.QuizID)
	return s.startAttempt(w, r, q, c.ShareID)
}

// handleShareRetake starts, from the person's page, another attempt to
// share through one of their shares still in force. Attempts started any
// other way stay private.
func (s *Server) handleShareRetake(w http.ResponseWriter, r *http.Request) error {
	token, p, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	if _, remembered, ok := s.personFromCookie(r); !ok || remembered.ID != p.ID {
		// Someone else's page, or one this browser has not taken as its
		// own: the page asks first (see handleHistory).
		http.Redirect(w, r, personURL(token), http.StatusSeeOther)
		return nil
	}
	id, err := parseID(chi.URLParam(r, "share"))
	if err != nil {
		return err
	}
	sh, err := s.store.FindPersonShare(r.Context(), p.ID, id)
	if err != nil {
		return err
	}
	q, ok := s.quizzes.Current(sh.Link.QuizID)
	if !sh.Sharing() || !ok {
		return errNotFound
	}
	return s.startAttempt(w, r, q, sh.ID)
}

// handleStopSharing ends one of the person's consents, from their page.
func (s *Server) handleStopSharing(w http.ResponseWriter, r *http.Request) error {
	token, p, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	id, err := parseID(chi.URLParam(r, "share"))
	if err != nil {
		return err
	}
	if err := s.store.StopSharing(r.Context(), p.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, personURL(token)+"?stopped=1#sharing", http.StatusSeeOther)
	return nil
}
