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

// loadResult finds the completed attempt named by the URL's token. An
// unfinished one is sent back to its pages (ok is false then).
func (s *Server) loadResult(w http.ResponseWriter, r *http.Request) (token string, at attempt, ok bool, err error) {
	token, at, err = s.loadAttempt(r)
	if err != nil {
		return "", attempt{}, false, err
	}
	if !at.Completed() {
		http.Redirect(w, r, attemptURL(token), http.StatusSeeOther)
		return "", attempt{}, false, nil
	}
	return token, at, true, nil
}

func (s *Server) handleResultShow(w http.ResponseWriter, r *http.Request) error {
	token, at, ok, err := s.loadResult(w, r)
	if !ok {
		return err
	}
	v := s.resultView(r, at)
	v.URL = s.absoluteURL(r, resultURL(token))
	v.JSONURL = resultURL(token) + ".json"
	// Whoever holds the link may delete the result, even without the
	// personal page (cookies blocked, another device).
	v.DeleteURL = resultURL(token) + "/delete"
	// The personal page is offered only to the browser that owns it: a
	// result link passed on must not open the whole history.
	if me, p, ok := s.personFromCookie(r); ok && p.ID == at.PersonID {
		v.Personal = &views.PersonalLink{URL: s.absoluteURL(r, personURL(me)), PageURL: personURL(me)}
	}
	s.render(w, r, http.StatusOK, views.ResultView(v))
	return nil
}

func (s *Server) handleResultDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	token, at, ok, err := s.loadResult(w, r)
	if !ok {
		return err
	}
	s.confirmDeleteAttempt(w, r, at.Attempt, resultURL(token)+"/delete", resultURL(token))
	return nil
}

func (s *Server) handleResultDelete(w http.ResponseWriter, r *http.Request) error {
	token, err := urlToken(r, "token")
	if err != nil {
		return err
	}
	if err := s.store.DeleteAttemptByToken(r.Context(), tandem.HashToken(token)); err != nil {
		return err
	}
	http.Redirect(w, r, deletedPath+"?one=1", http.StatusSeeOther)
	return nil
}

// resultView is the result page of an attempt, without its links.
func (s *Server) resultView(r *http.Request, at attempt) views.Result {
	q, out := at.quiz, at.Outcome
	v := views.Result{
		QuizTitle: q.Title, Language: q.Language,
		Title: at.result.Title, Summary: at.result.Summary,
		Paragraphs:  paragraphs(at.result.Body),
		NextSteps:   at.result.NextSteps,
		Disclaimer:  q.Disclaimer,
		CompletedAt: at.CompletedAt,
		Flags:       flagTexts(r.Context(), at),
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
	_, at, ok, err := s.loadResult(w, r)
	if !ok {
		return err
	}
	return writeJSON(w, http.StatusOK, resultDoc(at))
}

// resultDoc is the JSON twin of a result.
func resultDoc(a attempt) resultJSON {
	q := a.quiz
	var doc resultJSON
	doc.Quiz.ID, doc.Quiz.Version, doc.Quiz.Title = a.QuizID, a.QuizVersion, q.Title
	doc.CompletedAt = a.CompletedAt.UTC().Format(time.RFC3339)
	doc.Scales = make(map[string]scaleJSON, len(a.Outcome.Scales))
	for _, sc := range a.Outcome.Scales {
		doc.Scales[sc.Scale] = scaleJSON{Name: scaleName(q, sc.Scale), Score: sc.Score, Answered: sc.Answered, Items: sc.Items}
	}
	doc.Result.ID, doc.Result.Title = a.result.ID, a.result.Title
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
