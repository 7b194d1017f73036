package web

import (
	"crypto/hmac"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	h := views.HomePage{Forgotten: r.URL.Query().Get("forgotten") == "1"}
	for _, q := range s.quizzes.List() {
		h.Quizzes = append(h.Quizzes, s.quizCard(r, q))
	}
	// The cookie alone: the home page is the most public one, and says
	// no more than that this browser holds a page.
	if token, ok := s.personToken(r); ok {
		h.MeURL = personURL(token)
	}
	s.render(w, r, http.StatusOK, views.Home(h))
	return nil
}

func (s *Server) handleQuizShow(w http.ResponseWriter, r *http.Request) error {
	q, ok := s.quizzes.Current(chi.URLParam(r, "quiz"))
	if !ok {
		return errNotFound
	}
	sections := make([]string, len(q.Sections))
	for i, sec := range q.Sections {
		sections[i] = sec.Title
	}
	scales := make([]views.ScaleView, len(q.Scales))
	for i, sc := range q.Scales {
		scales[i] = views.ScaleView{ID: sc.ID, Name: sc.Name, Description: sc.Description}
	}
	s.render(w, r, http.StatusOK, views.IntroView(views.Intro{
		Quiz:       s.quizCard(r, q),
		Scales:     scales,
		Sections:   sections,
		Disclaimer: q.Disclaimer,
		StartURL:   quizStartURL(q.ID),
		KeepDays:   int(s.draftAge.Hours() / 24),
	}))
	return nil
}

// handleAttemptCreate starts an attempt and remembers it in this browser,
// so that closing the tab and coming back resumes it.
func (s *Server) handleAttemptCreate(w http.ResponseWriter, r *http.Request) error {
	q, ok := s.quizzes.Current(chi.URLParam(r, "quiz"))
	if !ok {
		return errNotFound
	}
	return s.startAttempt(w, r, q, 0)
}

// startAttempt starts an attempt at q, for the share with the id given
// (0: private), and sends the person to its first page.
func (s *Server) startAttempt(w http.ResponseWriter, r *http.Request, q *quiz.Quiz, shareID int64) error {
	token := tandem.NewToken()
	var err error
	if shareID != 0 {
		_, err = s.store.CreateSharedAttempt(r.Context(), q, tandem.HashToken(token), shareID)
	} else {
		_, err = s.store.CreateAttempt(r.Context(), q, tandem.HashToken(token))
	}
	if err != nil {
		return err
	}
	s.addDraft(w, r, q.ID, token)
	http.Redirect(w, r, sectionURL(token, 1), http.StatusSeeOther)
	return nil
}

func (s *Server) quizCard(r *http.Request, q *quiz.Quiz) views.QuizCard {
	card := views.QuizCard{
		ID: q.ID, Title: q.Title, Summary: q.Summary, Language: q.Language,
		Minutes: q.Minutes, Items: q.ItemCount(), URL: quizURL(q.ID),
	}
	if token, with, ok := s.draft(r, q); ok {
		card.ResumeURL, card.ResumeSharedWith = attemptURL(token), with
	}
	return card
}

// draft returns the token of this browser's newest unfinished attempt at
// q that still fits the quiz, and the therapist it is taken for, if any.
func (s *Server) draft(r *http.Request, q *quiz.Quiz) (string, string, bool) {
	for _, token := range draftsOf(r, q.ID) {
		a, err := s.store.FindAttemptByToken(r.Context(), tandem.HashToken(token))
		if err == nil && !a.Completed() && a.QuizID == q.ID && a.QuizHash == q.Hash {
			return token, a.SharedWith, true
		}
	}
	return "", "", false
}

// draftCookie names the cookie that holds this browser's unfinished
// attempts at a quiz: their tokens, newest first, joined by dots (which
// tokens never hold). Quiz ids are slugs, which are valid in cookie names.
func draftCookie(quizID string) string { return "tandem_draft_" + quizID }

// maxDrafts is how many unfinished attempts at one quiz a browser holds;
// an older one than these no longer opens here.
const maxDrafts = 4

// draftsOf returns the tokens of the unfinished attempts at quizID this
// browser holds, newest first.
func draftsOf(r *http.Request, quizID string) []string {
	c, err := r.Cookie(draftCookie(quizID))
	if err != nil {
		return nil
	}
	var tokens []string
	for _, t := range strings.Split(c.Value, ".") {
		if tandem.ValidToken(t) && !slices.Contains(tokens, t) && len(tokens) < maxDrafts {
			tokens = append(tokens, t)
		}
	}
	return tokens
}

// holdsDraft reports whether this browser started the attempt with token
// at quizID and holds it still: only then do its pages open.
func holdsDraft(r *http.Request, quizID, token string) bool {
	return slices.ContainsFunc(draftsOf(r, quizID), func(t string) bool {
		return hmac.Equal([]byte(t), []byte(token))
	})
}

// addDraft gives this browser the attempt it started, or moves it first
// when it holds it already. The cookie lasts until the browser closes, or,
// in a browser the person asked to remember them, as long as unfinished
// answers are kept.
func (s *Server) addDraft(w http.ResponseWriter, r *http.Request, quizID, token string) {
	tokens := []string{token}
	for _, t := range draftsOf(r, quizID) {
		if t != token && len(tokens) < maxDrafts {
			tokens = append(tokens, t)
		}
	}
	s.setDrafts(w, r, quizID, tokens)
}

// dropDraft takes a finished attempt off this browser's drafts.
func (s *Server) dropDraft(w http.ResponseWriter, r *http.Request, quizID, token string) {
	s.setDrafts(w, r, quizID, slices.DeleteFunc(draftsOf(r, quizID), func(t string) bool { return t == token }))
}

func (s *Server) setDrafts(w http.ResponseWriter, r *http.Request, quizID string, tokens []string) {
	if len(tokens) == 0 {
		s.clearCookie(w, r, draftCookie(quizID))
		return
	}
	c := &http.Cookie{
		Name: draftCookie(quizID), Value: strings.Join(tokens, "."), Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	}
	if rememberedHere(r) {
		c.MaxAge = int(s.draftAge.Seconds())
	}
	http.SetCookie(w, c)
}

// draftTokens returns the tokens of every unfinished attempt this browser
// holds.
func (s *Server) draftTokens(r *http.Request) []string {
	var tokens []string
	for _, q := range s.quizzes.List() {
		tokens = append(tokens, draftsOf(r, q.ID)...)
	}
	return tokens
}

// clearDraftCookies makes this browser forget every unfinished attempt.
func (s *Server) clearDraftCookies(w http.ResponseWriter, r *http.Request) {
	for _, q := range s.quizzes.List() {
		if _, err := r.Cookie(draftCookie(q.ID)); err == nil {
			s.clearCookie(w, r, draftCookie(q.ID))
		}
	}
}

// doneCookie names the cookie that holds, until the browser closes, the
// result token of the attempt at a quiz this browser just finished: it
// alone lets the attempt's last page, sent again, lead to the result.
func doneCookie(quizID string) string { return "tandem_done_" + quizID }

func (s *Server) setDoneCookie(w http.ResponseWriter, r *http.Request, quizID, resultToken string) {
	http.SetCookie(w, &http.Cookie{
		Name: doneCookie(quizID), Value: resultToken, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearDoneCookies(w http.ResponseWriter, r *http.Request) {
	for _, q := range s.quizzes.List() {
		if _, err := r.Cookie(doneCookie(q.ID)); err == nil {
			s.clearCookie(w, r, doneCookie(q.ID))
		}
	}
}
