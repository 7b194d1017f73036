package web

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// The form's own fields start with an underscore, which no item id (a
// slug) can, so they never collide with answers.
const (
	fieldSection = "_section" // the id of the section the page shows
	fieldNav     = "_nav"     // which button was pressed: navNext or navBack
	navNext      = "next"
	navBack      = "back"
)

// sectionForm is one submitted page of a quiz.
type sectionForm struct {
	nav     string
	answers scoring.Answers // valid answers, by item id
	invalid map[string]bool // items whose sent value is not a possible answer
}

// decodeSectionForm reads a page's form. A form that no page of ours could
// have sent (unknown or repeated fields, a missing or wrong page marker,
// text that is not UTF-8) is an error that writes nothing; answers out of
// range are marked invalid, for the person to correct.
func decodeSectionForm(r *http.Request, q *quiz.Quiz, sec quiz.Section) (*sectionForm, error) {
	if err := r.ParseForm(); err != nil {
		return nil, formError(err)
	}
	items := make(map[string]bool, len(sec.Items))
	for _, it := range sec.Items {
		items[it.ID] = true
	}
	f := &sectionForm{nav: navNext, answers: scoring.Answers{}, invalid: map[string]bool{}}
	sawSection := false
	for name, values := range r.PostForm {
		if len(values) != 1 || !utf8.ValidString(name) || !utf8.ValidString(values[0]) {
			return nil, errInvalid
		}
		v := values[0]
		switch {
		case name == fieldSection:
			if v != sec.ID {
				return nil, errInvalid
			}
			sawSection = true
		case name == fieldNav:
			if v != navNext && v != navBack {
				return nil, errInvalid
			}
			f.nav = v
		case items[name]:
			// Only the exact text of a choice counts: "+3" or "03" is
			// nothing a page of ours sends.
			n, err := strconv.Atoi(v)
			if err != nil || strconv.Itoa(n) != v || !q.Scale.Contains(n) {
				f.invalid[name] = true
				continue
			}
			f.answers[name] = n
		default:
			return nil, errInvalid
		}
	}
	if !sawSection {
		return nil, errInvalid
	}
	return f, nil
}

// formError keeps a too-large body as such (413) and makes every other
// parse failure a 400.
func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return errInvalid
}

// problems returns, for each item of the page with a problem, the catalogue
// id of the message to show next to it. Missing answers count only when
// the person moves forward: going back keeps a half-answered page.
func (f *sectionForm) problems(sec quiz.Section) map[string]string {
	ps := map[string]string{}
	if f.nav == navNext {
		for _, id := range scoring.Missing(sec.Items, f.answers) {
			ps[id] = "problem.required"
		}
	}
	for id := range f.invalid {
		ps[id] = "problem.invalid"
	}
	return ps
}

// itemIDs lists a section's item ids.
func itemIDs(sec quiz.Section) []string {
	ids := make([]string, len(sec.Items))
	for i, it := range sec.Items {
		ids[i] = it.ID
	}
	return ids
}
