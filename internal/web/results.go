package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// completedAttempt is a finished attempt with the quiz it was scored on.
type completedAttempt struct {
	attempt *tandem.Attempt
	quiz    *quiz.Quiz
	result  quiz.Result
}

// completed pairs a completed attempt with its quiz and result.
func (s *Server) completed(r *http.Request, a *tandem.Attempt) (*completedAttempt, error) {
	q, err := s.quizForAttempt(r.Context(), a)
	if err != nil {
		return nil, err
	}
	res, ok := q.ResultByID(a.Outcome.Result)
	if !ok {
		return nil, tandem.Errorf(tandem.EINTERNAL, "result %q is not in quiz %s", a.Outcome.Result, a.QuizHash)
	}
	return &completedAttempt{attempt: a, quiz: q, result: res}, nil
}

// loadResult finds the completed attempt named by the URL's token. An
// unfinished one is sent back to its pages (redirected is true).
func (s *Server) loadResult(w http.ResponseWriter, r *http.Request) (_ string, _ *completedAttempt, redirected bool, _ error) {
	token, a, err := s.findByToken(r)
	if err != nil {
		return "", nil, false, err
	}
	if !a.Completed() {
		http.Redirect(w, r, "/attempts/"+token, http.StatusSeeOther)
		return "", nil, true, nil
	}
	c, err := s.completed(r, a)
	return token, c, false, err
}

func (s *Server) handleResultShow(w http.ResponseWriter, r *http.Request) error {
	token, c, redirected, err := s.loadResult(w, r)
	if err != nil || redirected {
		return err
	}
	v := s.resultView(r, c)
	v.URL = s.absoluteURL(r, resultURL(token))
	v.JSONURL = resultURL(token) + ".json"
	// Whoever holds the link may delete the result, even without the
	// personal page (cookies blocked, another device).
	v.DeleteURL = resultURL(token) + "/delete"
	// The personal page is offered only to the browser that owns it: a
	// result link passed on must not open the whole history.
	if me, p, ok := s.personFromCookie(r); ok && p.ID == c.attempt.PersonID {
		v.Personal = &views.PersonalLink{URL: s.absoluteURL(r, personURL(me)), PageURL: personURL(me)}
	}
	s.render(w, r, http.StatusOK, views.ResultView(v))
	return nil
}

func (s *Server) handleResultDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	token, c, redirected, err := s.loadResult(w, r)
	if err != nil || redirected {
		return err
	}
	s.confirmDeleteAttempt(w, r, c.attempt, resultURL(token)+"/delete", resultURL(token))
	return nil
}

func (s *Server) handleResultDelete(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.findByToken(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAttemptByToken(r.Context(), tandem.HashToken(token)); err != nil {
		return err
	}
	http.Redirect(w, r, "/deleted?one=1", http.StatusSeeOther)
	return nil
}

// resultView is the result page of an attempt, without its links.
func (s *Server) resultView(r *http.Request, c *completedAttempt) views.Result {
	q, a, out := c.quiz, c.attempt, c.attempt.Outcome
	v := views.Result{
		QuizTitle: q.Title, Language: q.Language,
		Title: c.result.Title, Summary: c.result.Summary,
		Paragraphs:  paragraphs(c.result.Body),
		NextSteps:   c.result.NextSteps,
		Disclaimer:  q.Disclaimer,
		CompletedAt: a.CompletedAt,
		Flags:       flagTexts(r.Context(), q, a),
	}
	for _, sc := range out.Scales {
		scale, _ := q.ScaleByID(sc.Scale)
		v.Scales = append(v.Scales, views.ScaleView{ID: sc.Scale, Name: scale.Name, Description: scale.Description, Score: sc.Score})
	}
	if sp := q.Spectrum; sp != nil {
		v.Spectrum = &views.SpectrumView{Left: scaleName(q, sp.Left), Right: scaleName(q, sp.Right),
			Middle: sp.Middle, Position: out.Position}
	}
	if m := q.Map; m != nil {
		v.Map = &views.MapView{XName: scaleName(q, m.X), YName: scaleName(q, m.Y),
			X: out.ScoreOf(m.X), Y: out.ScoreOf(m.Y)}
	}
	return v
}

// resultJSON is the machine-readable twin of a result page, in the shape
// quiz-format.md promises; fields may be added, never changed.
type resultJSON struct {
	Quiz struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
		Title   string `json:"title"`
	} `json:"quiz"`
	CompletedAt string               `json:"completed_at"`
	Scales      map[string]scaleJSON `json:"scales"`
	Result      struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"result"`
	Spectrum struct {
		// Position is null when the quiz draws no spectrum or a pole
		// has no score.
		Position *float64 `json:"position"`
	} `json:"spectrum"`
	// Flags mark an attempt to read with care: "straight-lined",
	// "too-fast", "contradictory".
	Flags []string `json:"flags"`
}

type scaleJSON struct {
	Name     string   `json:"name"`
	Score    *float64 `json:"score"`
	Answered int      `json:"answered"`
	Items    int      `json:"items"`
}

func (s *Server) handleResultJSON(w http.ResponseWriter, r *http.Request) error {
	_, c, redirected, err := s.loadResult(w, r)
	if err != nil || redirected {
		return err
	}
	return writeJSON(w, http.StatusOK, s.resultDoc(c))
}

// resultDoc is the JSON twin of a result.
func (s *Server) resultDoc(c *completedAttempt) resultJSON {
	q, a := c.quiz, c.attempt
	var doc resultJSON
	doc.Quiz.ID, doc.Quiz.Version, doc.Quiz.Title = a.QuizID, a.QuizVersion, q.Title
	doc.CompletedAt = a.CompletedAt.UTC().Format(time.RFC3339)
	doc.Scales = make(map[string]scaleJSON, len(a.Outcome.Scales))
	for _, sc := range a.Outcome.Scales {
		doc.Scales[sc.Scale] = scaleJSON{Name: scaleName(q, sc.Scale), Score: sc.Score, Answered: sc.Answered, Items: sc.Items}
	}
	doc.Result.ID, doc.Result.Title = c.result.ID, c.result.Title
	doc.Spectrum.Position = a.Outcome.Position
	for _, f := range scoring.Validity(q, a.Answers, a.Took()) {
		doc.Flags = append(doc.Flags, string(f))
	}
	return doc
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

func scaleName(q *quiz.Quiz, id string) string {
	if sc, ok := q.ScaleByID(id); ok {
		return sc.Name
	}
	return id
}

// paragraphs splits a result body at blank lines and joins the lines of
// each paragraph, which authors wrap by hand.
func paragraphs(body string) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p := strings.Join(strings.Fields(para), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
