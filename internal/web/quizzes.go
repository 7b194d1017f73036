package web

import (
	"net/http"

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
	s.setDraftCookie(w, r, q.ID, token)
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

// draft returns the token of this browser's unfinished attempt at q, when
// there is one that still fits the quiz, and the therapist it is taken
// for, if any.
func (s *Server) draft(r *http.Request, q *quiz.Quiz) (string, string, bool) {
	c, err := r.Cookie(draftCookie(q.ID))
	if err != nil || !tandem.ValidToken(c.Value) {
		return "", "", false
	}
	a, err := s.store.FindAttemptByToken(r.Context(), tandem.HashToken(c.Value))
	if err != nil || a.Completed() || a.QuizID != q.ID || a.QuizHash != q.Hash {
		return "", "", false
	}
	return c.Value, a.SharedWith, true
}

// draftCookie names the cookie that remembers an unfinished attempt at a
// quiz. Quiz ids are slugs, which are valid in cookie names.
func draftCookie(quizID string) string { return "tandem_draft_" + quizID }

// setDraftCookie gives this browser the attempt it started: the cookie
// alone opens the attempt's pages. It lasts until the browser closes, or,
// in a browser the person asked to remember them, as long as the
// unfinished answers are kept.
func (s *Server) setDraftCookie(w http.ResponseWriter, r *http.Request, quizID, token string) {
	c := &http.Cookie{
		Name: draftCookie(quizID), Value: token, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	}
	if rememberedHere(r) {
		c.MaxAge = int(s.draftAge.Seconds())
	}
	http.SetCookie(w, c)
}

// draftTokens returns the tokens of the unfinished attempts this browser
// remembers, by quiz id.
func (s *Server) draftTokens(r *http.Request) map[string]string {
	tokens := map[string]string{}
	for _, q := range s.quizzes.List() {
		if c, err := r.Cookie(draftCookie(q.ID)); err == nil && tandem.ValidToken(c.Value) {
			tokens[q.ID] = c.Value
		}
	}
	return tokens
}

func (s *Server) clearDraftCookies(w http.ResponseWriter, r *http.Request) {
	for id := range s.draftTokens(r) {
		s.clearDraftCookie(w, r, id)
	}
}

func (s *Server) clearDraftCookie(w http.ResponseWriter, r *http.Request, quizID string) {
	s.clearCookie(w, r, draftCookie(quizID))
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
