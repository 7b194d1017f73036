package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tandem-app/tandem/internal/tandem"
)

// exportJSON is everything Tandem holds about a person.
type exportJSON struct {
	ExportedAt string              `json:"exported_at"`
	Attempts   []exportAttemptJSON `json:"attempts"`
}

type exportAttemptJSON struct {
	ID          int64  `json:"id"`
	StartedAt   string `json:"started_at"`
	CompletedAt string `json:"completed_at"`
	resultJSON
	Answers map[string]int `json:"answers"`
}

// handleExportJSON downloads the person's whole history as JSON: every
// attempt with its result, scores and answers.
func (s *Server) handleExportJSON(w http.ResponseWriter, r *http.Request) error {
	_, _, scored, err := s.personHistory(r)
	if err != nil {
		return err
	}
	doc := exportJSON{ExportedAt: s.now().UTC().Format(time.RFC3339), Attempts: []exportAttemptJSON{}}
	for _, a := range scored {
		doc.Attempts = append(doc.Attempts, exportAttemptJSON{
			ID:          a.ID,
			StartedAt:   a.CreatedAt.UTC().Format(time.RFC3339),
			CompletedAt: a.CompletedAt.UTC().Format(time.RFC3339),
			resultJSON:  resultDoc(a),
			Answers:     a.Answers,
		})
	}
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-results.json"`)
	return writeJSON(w, http.StatusOK, doc)
}

// handleExportCSV downloads the same as one table, a row per value, so
// that it opens in any spreadsheet: the kind column says what the row is
// (result, position, scale or answer).
func (s *Server) handleExportCSV(w http.ResponseWriter, r *http.Request) error {
	_, _, scored, err := s.personHistory(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(exportHeader)
	for _, a := range scored {
		writeExportRows(cw, nil, a, true)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-results.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// exportHeader names the columns of the CSV export.
var exportHeader = []string{"attempt", "quiz", "version", "completed_at", "kind", "id", "value", "label"}

// writeExportRows writes one attempt as rows of the CSV export, each after
// prefix, with its answers when withAnswers.
func writeExportRows(cw *csv.Writer, prefix []string, a attempt, withAnswers bool) {
	q := a.quiz
	row := func(kind, id, value, label string) {
		_ = cw.Write(append(append([]string{}, prefix...), strconv.FormatInt(a.ID, 10), safeCell(a.QuizID),
			strconv.Itoa(a.QuizVersion), a.CompletedAt.UTC().Format(time.RFC3339), kind, safeCell(id), value,
			safeCell(label)))
	}
	row("result", a.result.ID, "", a.result.Title)
	row("position", "", floatCell(a.Outcome.Position), "")
	for _, sc := range a.Outcome.Scales {
		row("scale", sc.Scale, floatCell(sc.Score), scaleName(q, sc.Scale))
	}
	if !withAnswers {
		return
	}
	for _, it := range q.Items() {
		if v, ok := a.Answers[it.ID]; ok {
			row("answer", it.ID, strconv.Itoa(v), q.Scale.Label(v))
		}
	}
}

// personHistory is the URL's person, with their personal token and their
// attempts with their quizzes, newest first.
func (s *Server) personHistory(r *http.Request) (string, *tandem.Person, []attempt, error) {
	token, p, err := s.loadPerson(r)
	if err != nil {
		return "", nil, nil, err
	}
	attempts, err := s.store.ListAttempts(r.Context(), p.ID)
	if err != nil {
		return "", nil, nil, err
	}
	scored, err := s.withQuizzes(attempts)
	return token, p, scored, err
}

func floatCell(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// safeCell keeps a spreadsheet from reading text as a formula (CSV
// injection), and text from reading as something else than it is: quiz
// texts come from files anyone may write, labels from what therapists
// type, and older ones may hold characters no form takes now. Control
// and format characters go (the white space among them becomes a space),
// and a cell that would start a formula, even after spaces, is marked as
// text with a leading apostrophe.
func safeCell(s string) string {
	if hidesItself(s) {
		s = strings.Map(func(r rune) rune {
			switch {
			case unicode.IsSpace(r) && hiddenRune(r):
				return ' '
			case hiddenRune(r):
				return -1
			}
			return r
		}, s)
	}
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}
