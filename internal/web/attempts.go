package web

import (
	"crypto/hmac"
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

// attempt is an attempt with the quiz file it is on: while unfinished,
// the current file it is taken on; once completed, the file it was scored
// with, and the result it came to.
type attempt struct {
	*tandem.Attempt
	quiz   *quiz.Quiz
	result quiz.Result // the zero Result while unfinished
}

// withQuiz pairs an attempt with its quiz, as the catalogue says. An
// unfinished attempt whose file changed since it started gets the page
// that offers to start again (409).
func (s *Server) withQuiz(a *tandem.Attempt) (attempt, error) {
	q, err := s.quizzes.For(a.QuizID, a.QuizHash, a.Completed())
	switch {
	case errors.Is(err, quiz.ErrChanged):
		return attempt{}, errQuizChanged(a.QuizID)
	case err != nil:
		return attempt{}, err
	}
	at := attempt{Attempt: a, quiz: q}
	if a.Completed() {
		res, ok := q.ResultByID(a.Outcome.Result)
		if !ok {
			return attempt{}, tandem.Errorf(tandem.EINTERNAL, "result %q is not in quiz file %s", a.Outcome.Result, a.QuizHash)
		}
		at.result = res
	}
	return at, nil
}

// withQuizzes pairs each attempt with its quiz.
func (s *Server) withQuizzes(attempts []*tandem.Attempt) ([]attempt, error) {
	out := make([]attempt, len(attempts))
	for i, a := range attempts {
		var err error
		if out[i], err = s.withQuiz(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func errQuizChanged(quizID string) error {
	return &tandem.Error{Code: tandem.ECONFLICT, Message: "error.changed.message",
		ActionURL: quizURL(quizID), Action: "error.changed.action", Detail: "the quiz changed under an unfinished attempt"}
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

// errNotHere answers every attempt URL that this browser may not open:
// an attempt started in another browser, and a token that names nothing,
// alike, so that the page tells nothing about which it is.
var errNotHere = &tandem.Error{Code: tandem.ENOTFOUND, Message: "error.nothere.message"}

// loadAttempt returns the URL's token and the attempt it opens, with its
// quiz, when this browser took it. An attempt's link works only in the
// browser that started it, which holds the token in its draft cookie:
// whoever starts one and passes the link on can neither read nor write
// what the other person answers. Once completed, an attempt leads to its
// result in the browser that finished it (see toResult).
func (s *Server) loadAttempt(r *http.Request) (string, attempt, error) {
	token, err := urlToken(r, "token")
	if err != nil {
		return "", attempt{}, errNotHere
	}
	a, err := s.store.FindAttemptByToken(r.Context(), tandem.HashToken(token))
	if isCode(err, tandem.ENOTFOUND) {
		return "", attempt{}, errNotHere
	}
	if err != nil {
		return "", attempt{}, err
	}
	// Decided before the quiz file is looked up, so that an attempt this
	// browser may not open answers the same whatever its file.
	switch {
	case !a.Completed() && !holdsDraft(r, a.QuizID, token):
		return "", attempt{}, errNotHere
	case a.Completed() && a.ResultTokenHash != nil:
		if _, ok := s.resultHere(r, token, a); !ok {
			return "", attempt{}, errNotHere
		}
	}
	at, err := s.withQuiz(a)
	return token, at, err
}

// handleAttemptResume sends the person to where they left off: the first
// page with a required question unanswered, or the result when done.
func (s *Server) handleAttemptResume(w http.ResponseWriter, r *http.Request) error {
	token, at, err := s.loadAttempt(r)
	if err != nil {
		return err
	}
	if at.Completed() {
		return s.toResult(w, r, token, at)
	}
	page := firstIncomplete(at.quiz, at.Answers)
	if page == 0 {
		page = len(at.quiz.Sections)
	}
	http.Redirect(w, r, sectionURL(token, page), http.StatusSeeOther)
	return nil
}

// firstIncomplete returns the 1-based number of the first page with a
// required item unanswered, or 0 when there is none.
func firstIncomplete(q *quiz.Quiz, answers scoring.Answers) int {
	for i, sec := range q.Sections {
		if len(scoring.Missing(sec.Items, answers)) > 0 {
			return i + 1
		}
	}
	return 0
}

// loadPage finds the attempt and the page of the URL. A completed attempt
// leads to its result only in the browser that finished it (ok is false
// then): its pages, and a form sent again (double click, back button,
// retry), all lead there; anywhere else they are not found.
func (s *Server) loadPage(w http.ResponseWriter, r *http.Request) (token string, at attempt, n int, ok bool, err error) {
	token, at, err = s.loadAttempt(r)
	if err != nil {
		return "", attempt{}, 0, false, err
	}
	if at.Completed() {
		return "", attempt{}, 0, false, s.toResult(w, r, token, at)
	}
	n, err = strconv.Atoi(chi.URLParam(r, "page"))
	if err != nil || n < 1 || n > len(at.quiz.Sections) || strconv.Itoa(n) != chi.URLParam(r, "page") {
		return "", attempt{}, 0, false, errNotFound
	}
	return token, at, n, true, nil
}

func (s *Server) handleSectionShow(w http.ResponseWriter, r *http.Request) error {
	token, at, n, ok, err := s.loadPage(w, r)
	if !ok {
		return err
	}
	s.render(w, r, http.StatusOK, s.sectionView(r, token, at, n, at.Answers, nil))
	return nil
}

// handleSectionSave saves a page and moves on: back, next, or, from the
// last page, to the result.
func (s *Server) handleSectionSave(w http.ResponseWriter, r *http.Request) error {
	token, at, n, ok, err := s.loadPage(w, r)
	if !ok {
		return err
	}
	sec := at.quiz.Sections[n-1]
	form, err := decodeSectionForm(r, at.quiz, sec)
	if err != nil {
		return err
	}
	if problems := form.problems(sec); len(problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, s.sectionView(r, token, at, n, form.answers, problems))
		return nil
	}
	next := n + 1
	if form.nav == navBack {
		next = max(n-1, 1)
	} else if n == len(at.quiz.Sections) {
		return s.finish(w, r, token, at, sec, form.answers)
	}
	if err := s.store.SaveAnswers(r.Context(), at.ID, itemIDs(sec), form.answers); err != nil {
		return savedElsewhere(w, r, token, err)
	}
	// Unfinished answers are kept for a while after their last change:
	// so is the cookie that finds them again.
	s.addDraft(w, r, at.QuizID, token)
	http.Redirect(w, r, sectionURL(token, next), http.StatusSeeOther)
	return nil
}

// finish completes the attempt from its last page. The store decides, in
// the transaction that saves the page, whether every required question is
// answered, so a change from another tab cannot slip in between; when an
// earlier page still lacks an answer, the last page is saved all the same
// and that earlier page is shown with its problems.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, token string, at attempt, sec quiz.Section, answers scoring.Answers) error {
	// In a browser that holds no one, the result starts a history of its
	// own, whose link only this response hands out. In one that holds a
	// person, it stands on its own until the person who took it chooses
	// to keep it there (the result page offers it): on a shared device
	// the page held may be someone else's, who would read these answers.
	newToken := tandem.DerivePersonToken(s.linkKey, token)
	owner := tandem.Owner{NewTokenHash: tandem.HashToken(newToken)}
	if _, _, held := s.personFromCookie(r); held {
		owner = tandem.Owner{}
	}
	// The result gets a token of its own: whoever holds the attempt's
	// link cannot open it.
	resultToken := tandem.DeriveResultToken(s.linkKey, token)
	c, err := s.store.CompleteAttempt(r.Context(), at.ID, at.quiz, itemIDs(sec), answers, owner, tandem.HashToken(resultToken))
	if isCode(err, tandem.ECONFLICT) {
		return errQuizChanged(at.QuizID) // only a quiz file edited in place gets here
	}
	if err != nil {
		return err
	}
	if len(c.Missing) > 0 {
		return s.showMissing(w, r, token, at, c)
	}
	if !c.Done {
		// Completed before: a form sent twice, or the attempt was
		// finished in another tab after this request loaded it. Its
		// address leads on, as it does for every such request.
		http.Redirect(w, r, attemptURL(token), http.StatusSeeOther)
		return nil
	}
	s.dropDraft(w, r, at.QuizID, token)
	s.setDoneCookie(w, r, at.QuizID, resultToken)
	if c.NewPerson {
		s.setPersonCookie(w, r, newToken, false)
	}
	http.Redirect(w, r, resultURL(resultToken), http.StatusSeeOther)
	return nil
}

// toResult answers a request for a completed attempt's pages: the browser
// that finished it is sent to its result, as a form sent twice must be;
// any other browser learns nothing, not even that it was finished.
// Attempts completed before results had tokens of their own have their
// result at the attempt's token.
func (s *Server) toResult(w http.ResponseWriter, r *http.Request, token string, at attempt) error {
	if at.ResultTokenHash == nil {
		http.Redirect(w, r, resultURL(token), http.StatusSeeOther)
		return nil
	}
	result, ok := s.resultHere(r, token, at.Attempt)
	if !ok {
		return errNotHere
	}
	if holdsDraft(r, at.QuizID, token) {
		// The answer that finished it was lost on its way here, with the
		// cookies it set: the personal page it started, too.
		s.dropDraft(w, r, at.QuizID, token)
		s.setDoneCookie(w, r, at.QuizID, result)
		if _, held := s.personToken(r); !held && at.PersonID != 0 {
			me := tandem.DerivePersonToken(s.linkKey, token)
			if p, err := s.store.FindPersonByToken(r.Context(), tandem.HashToken(me)); err == nil && p.ID == at.PersonID {
				s.setPersonCookie(w, r, me, false)
			}
		}
	}
	http.Redirect(w, r, resultURL(result), http.StatusSeeOther)
	return nil
}

// resultHere returns the result token of the completed attempt at, whose
// own token is token, when this browser finished it: its done cookie
// holds the result's token or, when the answer that set that cookie was
// lost, its draft cookie still holds the attempt's, from which the
// result's is derived.
func (s *Server) resultHere(r *http.Request, token string, at *tandem.Attempt) (string, bool) {
	if c, err := r.Cookie(doneCookie(at.QuizID)); err == nil && tandem.ValidToken(c.Value) &&
		hmac.Equal(tandem.HashToken(c.Value), at.ResultTokenHash) {
		return c.Value, true
	}
	if holdsDraft(r, at.QuizID, token) {
		// Results of another key (a server started without its key
		// file) do not match, and are found from the done cookie only.
		if result := tandem.DeriveResultToken(s.linkKey, token); hmac.Equal(tandem.HashToken(result), at.ResultTokenHash) {
			return result, true
		}
	}
	return "", false
}

// showMissing shows the first page that still has a required question
// unanswered, with every answer given so far, and status 422.
func (s *Server) showMissing(w http.ResponseWriter, r *http.Request, token string, at attempt, c tandem.Completion) error {
	page := firstIncomplete(at.quiz, c.Answers)
	problems := map[string]string{}
	for _, id := range scoring.Missing(at.quiz.Sections[page-1].Items, c.Answers) {
		problems[id] = "problem.required"
	}
	s.render(w, r, http.StatusUnprocessableEntity, s.sectionView(r, token, at, page, c.Answers, problems))
	return nil
}

// savedElsewhere handles a write that lost a race with another tab: when
// the attempt was completed in the meantime, its address leads on (to the
// result, in the browser that finished it).
func savedElsewhere(w http.ResponseWriter, r *http.Request, token string, err error) error {
	if isCode(err, tandem.ECONFLICT) {
		http.Redirect(w, r, attemptURL(token), http.StatusSeeOther)
		return nil
	}
	return err
}

// sectionView builds page n of questions with the given answers checked
// and problems (item id -> catalogue id) shown next to their items.
func (s *Server) sectionView(r *http.Request, token string, at attempt, n int,
	answers scoring.Answers, problems map[string]string) templ.Component {
	ctx := r.Context()
	q := at.quiz
	sec := q.Sections[n-1]
	number := 0
	for _, prev := range q.Sections[:n-1] {
		number += len(prev.Items)
	}
	p := views.SectionPage{
		QuizTitle: q.Title, Language: q.Language, Action: sectionURL(token, n),
		SectionID: sec.ID, Title: sec.Title, Intro: sec.Intro,
		Number: n, Total: len(q.Sections), Last: n == len(q.Sections),
		SharedWith: at.SharedWith,
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
