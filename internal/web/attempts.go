package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

func sectionURL(token string, page int) string {
	return "/attempts/" + token + "/" + strconv.Itoa(page)
}

func resultURL(token string) string { return "/results/" + token }

// attemptAt is an in-progress attempt with the quiz it is taken on.
type attemptAt struct {
	token   string
	attempt *tandem.Attempt
	quiz    *quiz.Quiz
}

// urlToken is the secret token in the URL parameter name. A malformed one
// is ENOTFOUND, as an unknown one is once looked up, so that neither tells
// anything.
func urlToken(r *http.Request, name string) (string, error) {
	token := chi.URLParam(r, name)
	if !tandem.ValidToken(token) {
		return "", errNotFound
	}
	return token, nil
}

// findByToken returns the URL's token and the attempt it opens.
func (s *Server) findByToken(r *http.Request) (string, *tandem.Attempt, error) {
	token, err := urlToken(r, "token")
	if err != nil {
		return "", nil, err
	}
	a, err := s.store.FindAttemptByToken(r.Context(), tandem.HashToken(token))
	return token, a, err
}

// loadAttempt finds the attempt named by the URL's token, with the quiz it
// is taken on when it is unfinished.
func (s *Server) loadAttempt(r *http.Request) (*attemptAt, error) {
	token, a, err := s.findByToken(r)
	if err != nil {
		return nil, err
	}
	at := &attemptAt{token: token, attempt: a}
	if a.Completed() {
		return at, nil
	}
	q, ok := s.byID[a.QuizID]
	if !ok || q.Hash != a.QuizHash {
		// The file changed under an unfinished attempt, even if its
		// version did not: its answers may not mean the same any more.
		return nil, errQuizChanged(a.QuizID)
	}
	at.quiz = q
	return at, nil
}

func errQuizChanged(quizID string) error {
	return &pageError{status: http.StatusConflict, title: "error.conflict.title",
		message: "error.changed.message", actionURL: "/quizzes/" + quizID, action: "error.changed.action"}
}

// page returns the URL's 1-based page number and its section.
func (at *attemptAt) page(r *http.Request) (int, quiz.Section, error) {
	n, err := strconv.Atoi(chi.URLParam(r, "page"))
	if err != nil || n < 1 || n > len(at.quiz.Sections) || strconv.Itoa(n) != chi.URLParam(r, "page") {
		return 0, quiz.Section{}, errNotFound
	}
	return n, at.quiz.Sections[n-1], nil
}

// handleAttemptResume sends the person to where they left off: the first
// page with a required question unanswered, or the result when done.
func (s *Server) handleAttemptResume(w http.ResponseWriter, r *http.Request) error {
	at, err := s.loadAttempt(r)
	if err != nil {
		return err
	}
	if at.attempt.Completed() {
		http.Redirect(w, r, resultURL(at.token), http.StatusSeeOther)
		return nil
	}
	page := firstIncomplete(at.quiz, at.attempt.Answers)
	if page == 0 {
		page = len(at.quiz.Sections)
	}
	http.Redirect(w, r, sectionURL(at.token, page), http.StatusSeeOther)
	return nil
}

// firstIncomplete returns the 1-based number of the first page with a
// required item unanswered, or 0 when there is none.
func firstIncomplete(q *quiz.Quiz, answers scoring.Answers) int {
	for i, sec := range q.Sections {
		for _, it := range sec.Items {
			if _, ok := answers[it.ID]; !ok && !it.Optional {
				return i + 1
			}
		}
	}
	return 0
}

// loadPage finds the attempt and the page of the URL. A completed attempt
// is sent to its result (at is nil then): its pages, and a form sent again
// (double click, back button, retry), all lead there.
func (s *Server) loadPage(w http.ResponseWriter, r *http.Request) (*attemptAt, int, quiz.Section, error) {
	at, err := s.loadAttempt(r)
	if err != nil {
		return nil, 0, quiz.Section{}, err
	}
	if at.attempt.Completed() {
		http.Redirect(w, r, resultURL(at.token), http.StatusSeeOther)
		return nil, 0, quiz.Section{}, nil
	}
	n, sec, err := at.page(r)
	return at, n, sec, err
}

func (s *Server) handleSectionShow(w http.ResponseWriter, r *http.Request) error {
	at, n, sec, err := s.loadPage(w, r)
	if err != nil || at == nil {
		return err
	}
	s.render(w, r, http.StatusOK, s.sectionView(r, at, n, sec, at.attempt.Answers, nil))
	return nil
}

// handleSectionSave saves a page and moves on: back, next, or, from the
// last page, to the result.
func (s *Server) handleSectionSave(w http.ResponseWriter, r *http.Request) error {
	at, n, sec, err := s.loadPage(w, r)
	if err != nil || at == nil {
		return err
	}
	form, err := decodeSectionForm(r, at.quiz, sec)
	if err != nil {
		return err
	}
	if problems := form.problems(sec); len(problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, s.sectionView(r, at, n, sec, form.answers, problems))
		return nil
	}
	next := n + 1
	if form.nav == navBack {
		next = max(n-1, 1)
	} else if n == len(at.quiz.Sections) {
		return s.finish(w, r, at, sec, form.answers)
	}
	if err := s.store.SaveAnswers(r.Context(), at.attempt.ID, itemIDs(sec), form.answers); err != nil {
		return s.savedElsewhere(w, r, at, err)
	}
	// Unfinished answers are kept for a while after their last change:
	// so is the cookie that finds them again.
	s.setDraftCookie(w, r, at.quiz.ID, at.token)
	http.Redirect(w, r, sectionURL(at.token, next), http.StatusSeeOther)
	return nil
}

// finish completes the attempt from its last page. Whether every required
// question is answered is decided inside the completing transaction, so a
// change from another tab cannot slip in between; when an earlier page
// still lacks an answer, the last page is saved and that page is shown with
// its problems instead.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, at *attemptAt, sec quiz.Section, answers scoring.Answers) error {
	ctx := r.Context()
	q := at.quiz
	// The attempt joins this browser's history, or starts a new one whose
	// link only this response hands out.
	newToken := tandem.NewToken()
	owner := tandem.Owner{NewTokenHash: tandem.HashToken(newToken)}
	if c, err := r.Cookie(personCookie); err == nil && tandem.ValidToken(c.Value) {
		owner.TokenHash = tandem.HashToken(c.Value)
	}
	c, err := s.store.CompleteAttempt(ctx, at.attempt.ID, itemIDs(sec), answers,
		func(all scoring.Answers) (scoring.Outcome, error) { return scoring.Score(q, all) }, owner)
	switch {
	case errors.Is(err, scoring.ErrIncomplete):
		return s.showIncomplete(w, r, at, sec, answers)
	case errors.Is(err, scoring.ErrMismatch):
		return errQuizChanged(q.ID) // only a quiz file edited in place gets here
	case err != nil:
		return s.savedElsewhere(w, r, at, err)
	}
	s.clearDraftCookie(w, r, q.ID)
	if c.NewPerson {
		s.setPersonCookie(w, r, newToken)
	}
	http.Redirect(w, r, resultURL(at.token), http.StatusSeeOther)
	return nil
}

// showIncomplete saves the last page and shows the first page that still
// has a required question unanswered, with status 422.
func (s *Server) showIncomplete(w http.ResponseWriter, r *http.Request, at *attemptAt, sec quiz.Section, answers scoring.Answers) error {
	ctx := r.Context()
	if err := s.store.SaveAnswers(ctx, at.attempt.ID, itemIDs(sec), answers); err != nil {
		return s.savedElsewhere(w, r, at, err)
	}
	a, err := s.store.FindAttemptByToken(ctx, tandem.HashToken(at.token))
	if err != nil {
		return err
	}
	page := firstIncomplete(at.quiz, a.Answers)
	if page == 0 { // completed in between by another tab
		http.Redirect(w, r, resultURL(at.token), http.StatusSeeOther)
		return nil
	}
	earlier := at.quiz.Sections[page-1]
	problems := map[string]string{}
	for _, it := range earlier.Items {
		if _, ok := a.Answers[it.ID]; !ok && !it.Optional {
			problems[it.ID] = "problem.required"
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, s.sectionView(r, at, page, earlier, a.Answers, problems))
	return nil
}

// savedElsewhere handles a write that lost a race with another tab: when
// the attempt was completed in the meantime, the result is ready.
func (s *Server) savedElsewhere(w http.ResponseWriter, r *http.Request, at *attemptAt, err error) error {
	if isCode(err, tandem.ECONFLICT) {
		http.Redirect(w, r, resultURL(at.token), http.StatusSeeOther)
		return nil
	}
	return err
}

// sectionView builds a page of questions with the given answers checked
// and problems (item id -> catalogue id) shown next to their items.
func (s *Server) sectionView(r *http.Request, at *attemptAt, n int, sec quiz.Section,
	answers scoring.Answers, problems map[string]string) templ.Component {
	ctx := r.Context()
	q := at.quiz
	number := 0
	for _, prev := range q.Sections[:n-1] {
		number += len(prev.Items)
	}
	p := views.SectionPage{
		QuizTitle: q.Title, Language: q.Language, Action: sectionURL(at.token, n),
		SectionID: sec.ID, Title: sec.Title, Intro: sec.Intro,
		Number: n, Total: len(q.Sections), Last: n == len(q.Sections),
		SharedWith: at.attempt.SharedWith,
	}
	for i, it := range sec.Items {
		v := views.ItemView{ID: it.ID, Number: number + i + 1, Text: it.Text, Optional: it.Optional}
		given, answered := answers[it.ID]
		for _, value := range q.Scale.Values() {
			v.Choices = append(v.Choices, views.Choice{
				Value: strconv.Itoa(value), Label: q.Scale.Label(value), Checked: answered && given == value,
			})
		}
		if id, ok := problems[it.ID]; ok {
			v.Problem = views.T(ctx, id)
			p.Problems = append(p.Problems, v)
		}
		p.Items = append(p.Items, v)
	}
	return views.SectionView(p)
}
