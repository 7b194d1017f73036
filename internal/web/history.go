package web

import (
	"context"
	"net/http"
	"time"

	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// handleHistory shows a person's private page to whoever holds its link.
// Reading it ties nothing: this browser keeps the page only when asked
// to, by a POST from the page (handleAdopt), after the page says whose
// history this is and what keeping it does. Someone could send their own
// link so that the reader's later results land in their history; a page
// opened, from a link or pasted, cannot make that happen.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) error {
	token, p, scored, err := s.personHistory(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	base := personURL(token)
	h := views.History{
		URL:        s.absoluteURL(r, base),
		Deleted:    r.URL.Query().Get("deleted") == "1",
		Remembered: r.URL.Query().Get("remembered") == "1",
		ExportJSON: base + "/export.json",
		ExportCSV:  base + "/export.csv",
		DeleteURL:  base + "/delete",
		ForgetURL:  base + "/forget",
	}
	for _, a := range scored {
		h.Attempts = append(h.Attempts, views.HistoryRow{
			Date: formatDate(ctx, a.CompletedAt), QuizTitle: a.quiz.Title, Version: a.QuizVersion,
			ResultTitle: a.result.Title, URL: personAttemptURL(token, a.ID),
			Flagged: len(scoring.Validity(a.quiz, a.Answers, a.Took())) > 0,
			Support: len(scoring.RaisedSupport(a.quiz, a.Answers)) > 0,
		})
	}
	h.Quizzes = trends(ctx, base, false, scored)
	if h.Sharing, err = s.sharing(r, token, p); err != nil {
		return err
	}
	held, holds := s.personToken(r)
	switch {
	case holds && held == token && rememberedHere(r):
		s.setPersonCookie(w, r, token, true) // a remembered page lives on while it is used
		h.Kept = views.KeptRemembered
	case holds && held == token:
		h.Kept, h.RememberURL = views.KeptForVisit, base+"/remember"
	default:
		h.AdoptURL, h.AdoptOther = base+"/adopt", holds
		// Not this browser's page: nothing is taken for its therapists
		// from here unless it is.
		if h.Sharing != nil {
			for i := range h.Sharing.Shares {
				h.Sharing.Shares[i].RetakeURL = ""
			}
		}
	}
	s.render(w, r, http.StatusOK, views.HistoryView(h))
	return nil
}

// sharing describes what the person shares with therapists, and every
// look those therapists took (also therapists who have since deleted
// their account); nil when they never shared.
func (s *Server) sharing(r *http.Request, token string, p *tandem.Person) (*views.Sharing, error) {
	ctx := r.Context()
	shares, err := s.store.ListPersonShares(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	log, err := s.store.ListPersonAccess(ctx, p.ID, maxAccessRead)
	if err != nil || len(shares)+len(log) == 0 {
		return nil, err
	}
	v := &views.Sharing{Access: accessRows(ctx, log, false), Stopped: r.URL.Query().Get("stopped") == "1"}
	for _, sh := range shares {
		row := views.ShareRow{Therapist: sh.Link.TherapistName, QuizTitle: s.quizTitle(sh.Link.QuizID),
			Since: formatDate(ctx, sh.ConsentedAt), SharesAnswers: sh.Link.SharesAnswers}
		if sh.Sharing() {
			base := personShareURL(token, sh.ID)
			row.StopURL, row.RetakeURL = base+"/stop", base+"/attempts"
		} else {
			row.Stopped = formatDate(ctx, sh.StoppedAt)
		}
		v.Shares = append(v.Shares, row)
	}
	return v, nil
}

// trends groups attempts (newest first) by quiz, most recently taken quiz
// first, and draws each scale and the spectrum oldest to newest. Scales are
// named as in the newest attempt's file. Compare links go below base: a
// personal page, which offers to take the quiz again, or a therapist's
// page of a client (forTherapist), which speaks of the client.
func trends(ctx context.Context, base string, forTherapist bool, scored []attempt) []views.QuizTrend {
	var order []string
	byQuiz := map[string][]attempt{}
	for _, a := range scored {
		id := a.QuizID
		if _, seen := byQuiz[id]; !seen {
			order = append(order, id)
		}
		byQuiz[id] = append(byQuiz[id], a)
	}
	var out []views.QuizTrend
	for _, id := range order {
		group := byQuiz[id]
		latest := group[0].quiz
		t := views.QuizTrend{ID: id, Title: latest.Title, Language: latest.Language, Count: len(group), Client: forTherapist}
		if !forTherapist {
			t.RetakeURL = quizURL(id)
		}
		if len(group) > 1 {
			t.CompareURL = base + "/compare?quiz=" + id
		}
		for _, sc := range latest.Scales {
			trend := views.Trend{ID: id + "-" + sc.ID, Name: sc.Name}
			for i := len(group) - 1; i >= 0; i-- {
				a := group[i]
				trend.Points = append(trend.Points, views.TrendPoint{Date: formatDate(ctx, a.CompletedAt), Value: a.Outcome.ScoreOf(sc.ID)})
			}
			t.Scales = append(t.Scales, trend)
		}
		if sp := latest.Spectrum; sp != nil {
			// Each attempt's zone is its own file's: a cut may differ
			// between versions (version 1 files had none, so 50).
			pulls := &views.PullTrend{ID: id + "-spectrum", Left: scaleName(latest, sp.Left),
				Right: scaleName(latest, sp.Right), Cut: cutOf(latest)}
			for i := len(group) - 1; i >= 0; i-- {
				a := group[i]
				pulls.Points = append(pulls.Points, views.PullPoint{Date: formatDate(ctx, a.CompletedAt),
					Left: a.Outcome.ScoreOf(sp.Left), Right: a.Outcome.ScoreOf(sp.Right),
					Zone: string(scoring.ZoneOf(a.quiz, *a.Outcome)), Cut: cutOf(a.quiz)})
			}
			t.Pulls = pulls
		}
		out = append(out, t)
	}
	return out
}

// handlePersonResult shows one attempt of the person's history with the
// result page, reached through the personal link.
func (s *Server) handlePersonResult(w http.ResponseWriter, r *http.Request) error {
	token, _, a, err := s.loadPersonAttempt(r)
	if err != nil {
		return err
	}
	url := personAttemptURL(token, a.ID)
	v := s.resultView(r, a)
	v.URL = s.absoluteURL(r, personURL(token))
	v.JSONURL = url + ".json"
	v.DeleteURL = url + "/delete"
	s.render(w, r, http.StatusOK, views.ResultView(v))
	return nil
}

func (s *Server) handlePersonResultJSON(w http.ResponseWriter, r *http.Request) error {
	_, _, a, err := s.loadPersonAttempt(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resultDoc(a))
}

func (s *Server) handleAttemptDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	token, _, a, err := s.loadPersonAttempt(r)
	if err != nil {
		return err
	}
	url := personAttemptURL(token, a.ID)
	s.confirmDeleteAttempt(w, r, a.Attempt, url+"/delete", url)
	return nil
}

// confirmDeleteAttempt asks before deleting one result, from the personal
// page or from the result's own link.
func (s *Server) confirmDeleteAttempt(w http.ResponseWriter, r *http.Request, a *tandem.Attempt, action, cancel string) {
	ctx := r.Context()
	s.render(w, r, http.StatusOK, views.ConfirmView(views.Confirm{
		Title:     views.T(ctx, "confirm.attempt.title"),
		Message:   views.T(ctx, "confirm.attempt.message", "Date", formatDate(ctx, a.CompletedAt)),
		Action:    action,
		Button:    views.T(ctx, "confirm.attempt.button"),
		CancelURL: cancel,
	}))
}

func (s *Server) handleDeleteAllConfirm(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s.render(w, r, http.StatusOK, views.ConfirmView(views.Confirm{
		Title:     views.T(ctx, "confirm.all.title"),
		Message:   views.T(ctx, "confirm.all.message"),
		Action:    personURL(token) + "/delete",
		Button:    views.T(ctx, "confirm.all.button"),
		CancelURL: personURL(token),
	}))
	return nil
}

func (s *Server) handleDeleted(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := views.ErrorPage{Title: views.T(ctx, "deleted.title"), Message: views.T(ctx, "deleted.message")}
	switch {
	case r.URL.Query().Get("one") == "1":
		page = views.ErrorPage{Title: views.T(ctx, "deleted.one.title"), Message: views.T(ctx, "deleted.one.message")}
	case r.URL.Query().Get("account") == "1":
		page = views.ErrorPage{Title: views.T(ctx, "deleted.account.title"), Message: views.T(ctx, "deleted.account.message")}
	}
	s.render(w, r, http.StatusOK, views.ErrorView(page))
	return nil
}

// formatDate shows a day in the catalogue's date layout.
func formatDate(ctx context.Context, t time.Time) string {
	return t.UTC().Format(views.T(ctx, "format.date"))
}

// flagMessages explain validity flags, gently, in one sentence each.
var flagMessages = map[scoring.Flag]string{
	scoring.FlagStraightLined: "flags.straight",
	scoring.FlagTooFast:       "flags.fast",
	scoring.FlagContradictory: "flags.contradictory",
}

// flagTexts explains an attempt's validity flags.
func flagTexts(ctx context.Context, a attempt) []string {
	var out []string
	for _, f := range scoring.Validity(a.quiz, a.Answers, a.Took()) {
		out = append(out, views.T(ctx, flagMessages[f]))
	}
	return out
}
