package web

import (
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// loadResult finds the completed attempt whose result the URL's token
// opens, with its quiz.
func (s *Server) loadResult(r *http.Request) (string, attempt, error) {
	token, err := urlToken(r, "token")
	if err != nil {
		return "", attempt{}, err
	}
	a, err := s.store.FindResultByToken(r.Context(), tandem.HashToken(token))
	if err != nil {
		return "", attempt{}, err
	}
	at, err := s.withQuiz(a)
	return token, at, err
}

func (s *Server) handleResultShow(w http.ResponseWriter, r *http.Request) error {
	token, at, err := s.loadResult(r)
	if err != nil {
		return err
	}
	v := s.resultView(r, at)
	v.URL = s.absoluteURL(r, resultURL(token))
	v.JSONURL = resultURL(token) + ".json"
	// Whoever holds the link may delete the result, even without the
	// personal page (cookies blocked, another device).
	v.DeleteURL = resultURL(token) + "/delete"
	// The personal page is offered only to the browser that owns it: a
	// result link passed on must not open the whole history. A result that
	// is no one's yet may be kept on the page this browser holds, if the
	// person says so.
	if me, p, ok := s.personFromCookie(r); ok && p.ID == at.PersonID {
		v.Personal = &views.PersonalLink{URL: s.absoluteURL(r, personURL(me)), PageURL: personURL(me)}
		if !rememberedHere(r) {
			v.Personal.RememberURL = personURL(me) + "/remember"
		}
	} else if ok && at.PersonID == 0 && finishedHere(r, at.QuizID, token) {
		v.KeepURL = resultURL(token) + "/keep"
	}
	s.render(w, r, http.StatusOK, views.ResultView(v))
	return nil
}

// handleResultKeep puts a result that is no one's on the private page
// this browser holds, as the person who just finished it asked on the
// result page. Only the browser that finished it may: a result link seen
// in a shared browser's history must not let someone else claim it.
func (s *Server) handleResultKeep(w http.ResponseWriter, r *http.Request) error {
	token, err := urlToken(r, "token")
	if err != nil {
		return err
	}
	me, ok := s.personToken(r)
	if !ok || !s.finishedAnyHere(r, token) {
		return errNotFound
	}
	if err := s.store.KeepResult(r.Context(), tandem.HashToken(token), tandem.HashToken(me)); err != nil {
		return err
	}
	http.Redirect(w, r, resultURL(token), http.StatusSeeOther)
	return nil
}

// finishedHere reports whether this browser finished, in this visit, the
// attempt at quizID whose result has token: its done cookie holds it.
func finishedHere(r *http.Request, quizID, token string) bool {
	c, err := r.Cookie(doneCookie(quizID))
	return err == nil && hmac.Equal([]byte(c.Value), []byte(token))
}

// finishedAnyHere is finishedHere for a result whose quiz is not known
// yet: any of the browser's done cookies.
func (s *Server) finishedAnyHere(r *http.Request, token string) bool {
	for _, q := range s.quizzes.List() {
		if finishedHere(r, q.ID, token) {
			return true
		}
	}
	return false
}

func (s *Server) handleResultDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	token, at, err := s.loadResult(r)
	if err != nil {
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
	if err := s.store.DeleteResultByToken(r.Context(), tandem.HashToken(token)); err != nil {
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
	v.Spectrum = spectrumView(q, *out)
	if m := q.Map; m != nil {
		v.Map = &views.MapView{XName: scaleName(q, m.X), YName: scaleName(q, m.Y),
			X: out.ScoreOf(m.X), Y: out.ScoreOf(m.Y), Cut: mapCut(q)}
	}
	v.Support = s.supportViews(r, q, at.Answers)
	if len(v.Support) > 0 {
		// The result's steps (say no more often, ask for what you need)
		// can put someone at risk with a partner they fear: they give way
		// to the flags' own advice, shown first.
		v.NextSteps, v.SafetyFirst = nil, true
	}
	return v
}

// spectrumView is the spectrum of an outcome with its zone, nil for a quiz
// without one.
func spectrumView(q *quiz.Quiz, out scoring.Outcome) *views.SpectrumView {
	sp := q.Spectrum
	if sp == nil {
		return nil
	}
	return &views.SpectrumView{Left: scaleName(q, sp.Left), Right: scaleName(q, sp.Right), Middle: sp.Middle,
		LeftScore: out.ScoreOf(sp.Left), RightScore: out.ScoreOf(sp.Right),
		Cut: cutOf(q), Zone: string(scoring.ZoneOf(q, out))}
}

// cutOf is where a pull is strong on q's pictures: its spectrum's cut.
func cutOf(q *quiz.Quiz) float64 {
	if q.Spectrum == nil {
		return quiz.DefaultCut
	}
	return q.Spectrum.StrongFrom()
}

// mapCut is the cut the map draws: the spectrum's, when the map's axes
// are the spectrum's two poles; 0 (none) when they are other scales, to
// which the cut says nothing.
func mapCut(q *quiz.Quiz) float64 {
	m, sp := q.Map, q.Spectrum
	if sp == nil || !(m.X == sp.Left && m.Y == sp.Right || m.X == sp.Right && m.Y == sp.Left) {
		return 0
	}
	return sp.StrongFrom()
}

// resultJSON is the machine-readable twin of a result page, in the shape
// quiz-format.md promises; fields may be added, never changed.
type resultJSON struct {
	Quiz struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
		Title   string `json:"title"`
	} `json:"quiz"`
	// Language is the language the quiz was taken in.
	Language    string               `json:"language"`
	CompletedAt string               `json:"completed_at"`
	Scales      map[string]scaleJSON `json:"scales"`
	Result      struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"result"`
	Spectrum struct {
		// Position and Zone are null when the quiz draws no spectrum or a
		// pole has no score.
		Position *float64 `json:"position"`
		Zone     *string  `json:"zone"`
	} `json:"spectrum"`
	// Support lists the raised support flags' ids in file order, [] when
	// none is raised.
	Support []string `json:"support"`
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
	_, at, err := s.loadResult(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resultDoc(at))
}

// resultDoc is the JSON twin of a result.
func resultDoc(a attempt) resultJSON {
	q := a.quiz
	var doc resultJSON
	doc.Quiz.ID, doc.Quiz.Version, doc.Quiz.Title = a.QuizID, a.QuizVersion, q.Title
	doc.Language = q.Language
	doc.CompletedAt = a.CompletedAt.UTC().Format(time.RFC3339)
	doc.Scales = make(map[string]scaleJSON, len(a.Outcome.Scales))
	for _, sc := range a.Outcome.Scales {
		doc.Scales[sc.Scale] = scaleJSON{Name: scaleName(q, sc.Scale), Score: sc.Score, Answered: sc.Answered, Items: sc.Items}
	}
	doc.Result.ID, doc.Result.Title = a.result.ID, a.result.Title
	doc.Spectrum.Position = a.Outcome.Position
	if z := scoring.ZoneOf(q, *a.Outcome); z != scoring.ZoneNone {
		zone := string(z)
		doc.Spectrum.Zone = &zone
	}
	doc.Support = scoring.RaisedSupport(q, a.Answers)
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

// paragraphs splits a quiz text (a result's body, a support flag's
// message) at blank lines and joins the lines of each paragraph, which
// authors wrap by hand. The texts are few and come from the quiz files, so
// each is split once and the pieces shared: callers must not change them.
func paragraphs(text string) []string {
	if p, ok := splitTexts.Load(text); ok {
		return p.([]string)
	}
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p := strings.Join(strings.Fields(para), " "); p != "" {
			out = append(out, p)
		}
	}
	splitTexts.Store(text, out)
	return out
}

// splitTexts holds the paragraphs of each quiz text split so far.
var splitTexts sync.Map // text -> []string
