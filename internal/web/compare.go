package web

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// maxMoves is how many items whose answers moved the compare page lists.
const maxMoves = 5

// comparison is two attempts of one quiz, earlier first, with the other
// attempts of that quiz to choose from.
type comparison struct {
	before, after attempt
	options       []attempt // newest first
	result        scoring.Comparison
}

// loadComparison compares two of the URL's person's attempts.
func (s *Server) loadComparison(r *http.Request) (string, *comparison, error) {
	token, _, scored, err := s.personHistory(r)
	if err != nil {
		return "", nil, err
	}
	c, err := compareAttempts(r, scored, errNothingToCompare(personURL(token), "compare.none.message", "compare.none.action"))
	return token, c, err
}

// compareAttempts reads ?from= and ?to= (attempt ids) or, without them,
// takes the newest attempt (of ?quiz= when given) and the one before it.
// Ids not among the attempts answer 404; with fewer than two attempts to
// compare, it returns none, a page that says so.
func compareAttempts(r *http.Request, scored []attempt, none error) (*comparison, error) {
	q := r.URL.Query()
	pick := func(param string) (*attempt, error) {
		v := q.Get(param)
		if v == "" {
			return nil, nil
		}
		id, err := parseID(v)
		if err != nil {
			return nil, err
		}
		for i := range scored {
			if scored[i].ID == id {
				return &scored[i], nil
			}
		}
		return nil, errNotFound
	}
	from, err := pick("from")
	if err != nil {
		return nil, err
	}
	to, err := pick("to")
	if err != nil {
		return nil, err
	}
	if from != nil && to != nil && from.ID == to.ID {
		return nil, tandem.Errorf(tandem.EINVALID, "an attempt compared with itself")
	}
	quizID := q.Get("quiz")
	switch {
	case to != nil:
		quizID = to.QuizID
	case from != nil:
		quizID = from.QuizID
	}
	var same []attempt
	for _, a := range scored {
		if quizID == "" {
			quizID = a.QuizID
		}
		if a.QuizID == quizID {
			same = append(same, a)
		}
	}
	if len(same) < 2 {
		return nil, none
	}
	if to == nil {
		to = &same[0]
		if from != nil && from.ID == to.ID {
			to = &same[1]
		}
	}
	if from == nil {
		for i := range same {
			if same[i].ID != to.ID {
				from = &same[i]
				break
			}
		}
	}
	if from.QuizID != to.QuizID {
		return nil, tandem.Errorf(tandem.EINVALID, "attempts of two different quizzes")
	}
	before, after := *from, *to
	if after.CompletedAt.Before(before.CompletedAt) {
		before, after = after, before
	}
	c := &comparison{before: before, after: after, options: same}
	c.result = scoring.Compare(
		scoring.Attempt{Quiz: before.quiz, Outcome: *before.Outcome, Answers: before.Answers},
		scoring.Attempt{Quiz: after.quiz, Outcome: *after.Outcome, Answers: after.Answers},
		maxMoves)
	return c, nil
}

// errNothingToCompare is the page for fewer than two attempts, with the
// catalogue ids of its message and of the way back.
func errNothingToCompare(back, message, action string) error {
	return &tandem.Error{Code: tandem.ENOTFOUND, Title: "compare.none.title", Message: message,
		ActionURL: back, Action: action}
}

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) error {
	token, c, err := s.loadComparison(r)
	if err != nil {
		return err
	}
	v := compareView(r.Context(), c, personURL(token), nil)
	s.render(w, r, http.StatusOK, views.CompareView(v))
	return nil
}

// compareView shows a comparison from the page at base: a personal page,
// or a therapist's page of client (not nil). A therapist sees the answers
// that moved, and the read-with-care flags that come from the answers,
// only when the client shares answers.
func compareView(ctx context.Context, c *comparison, base string, client *tandem.Share) views.Compare {
	later := c.after.quiz
	withAnswers := client == nil || client.Link.SharesAnswers
	v := views.Compare{
		QuizTitle: later.Title, Language: later.Language,
		Before:      compareSide(ctx, c.before),
		After:       compareSide(ctx, c.after),
		SameVersion: c.result.SameVersion,
		HistoryURL:  base,
		BackLabel:   views.T(ctx, "compare.back"),
		Answers:     withAnswers,
		Action:      base + "/compare",
		JSONURL:     base + "/compare.json?" + c.query(),
	}
	if client != nil {
		v.Therapist, v.JSONURL = true, ""
		v.BackLabel = views.T(ctx, "result.back", "Name", views.IsolateText(client.Name()))
	}
	if !withAnswers {
		v.Before.Flags, v.After.Flags = nil, nil
	}
	for _, o := range c.options {
		v.Options = append(v.Options, views.CompareOption{
			ID:     formatID(o.ID),
			Label:  formatDate(ctx, o.CompletedAt) + " – " + o.result.Title,
			Before: o.ID == c.before.ID,
			After:  o.ID == c.after.ID,
		})
	}
	for _, id := range c.result.Dropped {
		name := scaleName(later, id)
		if _, ok := later.ScaleByID(id); !ok {
			name = scaleName(c.before.quiz, id)
		}
		v.Dropped = append(v.Dropped, name)
	}
	for _, sc := range c.result.Scales {
		scale, _ := later.ScaleByID(sc.Scale)
		row := views.ScaleCompare{Name: scale.Name, Before: sc.Before, After: sc.After}
		if ch := sc.Change; ch != nil {
			row.Difference = difference(ctx, ch.Diff, scale.Name)
			row.Reliable = ch.Reliable
			switch {
			case !ch.HasNorms && scale.Norms != nil:
				// Norms the two versions cannot share (other questions).
				row.Verdict = views.T(ctx, "compare.verdict.versions")
			case !ch.HasNorms:
				row.Verdict = views.T(ctx, "compare.verdict.nonorms")
			case ch.Reliable:
				row.Verdict = views.T(ctx, "compare.verdict.real")
			default:
				row.Verdict = views.T(ctx, "compare.verdict.noise")
			}
			if ch.HasNorms && scale.Norms.Provisional {
				v.ProvisionalNorms = true
			}
		}
		v.Scales = append(v.Scales, row)
	}
	if !withAnswers {
		return v
	}
	texts := map[string]string{}
	for _, it := range later.Items() {
		texts[it.ID] = it.Text
	}
	v.NoSharedItems = c.result.Shared == 0
	for _, m := range c.result.Moves {
		text := texts[m.Item] // Compare lists only items the later quiz has
		v.Moves = append(v.Moves, views.ItemCompare{Text: text,
			Before: later.Scale.Label(m.Before), After: later.Scale.Label(m.After)})
	}
	return v
}

func (c *comparison) query() string {
	return "from=" + formatID(c.before.ID) + "&to=" + formatID(c.after.ID)
}

func compareSide(ctx context.Context, a attempt) views.CompareSide {
	return views.CompareSide{
		ID: formatID(a.ID), Date: formatDate(ctx, a.CompletedAt),
		Version: a.QuizVersion, ResultTitle: a.result.Title, Flags: flagTexts(ctx, a),
		Support: supportTitles(a.quiz, a.Answers),
	}
}

// difference says a change in whole points, in words.
func difference(ctx context.Context, diff float64, name string) string {
	points := int(math.Round(math.Abs(diff)))
	name = strings.ToLower(name)
	switch {
	case points == 0:
		return views.T(ctx, "compare.diff.none")
	case diff > 0:
		return views.N(ctx, "compare.diff.more", points, "Name", name)
	}
	return views.N(ctx, "compare.diff.less", points, "Name", name)
}

// compareJSON is the compare page as data.
type compareJSON struct {
	Quiz struct {
		ID string `json:"id"`
	} `json:"quiz"`
	Before      compareSideJSON             `json:"before"`
	After       compareSideJSON             `json:"after"`
	SameVersion bool                        `json:"same_version"`
	Scales      map[string]compareScaleJSON `json:"scales"`
	// NotCompared lists scales only one of the two versions has.
	NotCompared []string           `json:"not_compared"`
	Moves       []compareMovesJSON `json:"moves"`
}

type compareSideJSON struct {
	ID          int64    `json:"id"`
	Version     int      `json:"version"`
	CompletedAt string   `json:"completed_at"`
	Result      string   `json:"result"`
	Flags       []string `json:"flags"`
	Support     []string `json:"support"`
}

type compareScaleJSON struct {
	Before     *float64 `json:"before"`
	After      *float64 `json:"after"`
	Difference *float64 `json:"difference"`
	// RC, Reliable and Provisional are null without norms: then no claim
	// is made. Provisional says the norms are not yet from real people's
	// answers, as the page says.
	RC          *float64 `json:"rc"`
	Reliable    *bool    `json:"reliable"`
	Provisional *bool    `json:"provisional"`
}

type compareMovesJSON struct {
	Item   string `json:"item"`
	Before int    `json:"before"`
	After  int    `json:"after"`
}

func (s *Server) handleCompareJSON(w http.ResponseWriter, r *http.Request) error {
	_, c, err := s.loadComparison(r)
	if err != nil {
		return err
	}
	var doc compareJSON
	doc.Quiz.ID = c.after.QuizID
	doc.Before, doc.After = compareSideDoc(c.before), compareSideDoc(c.after)
	doc.SameVersion = c.result.SameVersion
	doc.NotCompared = append([]string{}, c.result.Dropped...)
	doc.Scales = map[string]compareScaleJSON{}
	for _, sc := range c.result.Scales {
		row := compareScaleJSON{Before: sc.Before, After: sc.After}
		if ch := sc.Change; ch != nil {
			diff := ch.Diff
			row.Difference = &diff
			if ch.HasNorms {
				scale, _ := c.after.quiz.ScaleByID(sc.Scale)
				rc, reliable, provisional := ch.RC, ch.Reliable, scale.Norms.Provisional
				row.RC, row.Reliable, row.Provisional = &rc, &reliable, &provisional
			}
		}
		doc.Scales[sc.Scale] = row
	}
	doc.Moves = []compareMovesJSON{}
	for _, m := range c.result.Moves {
		doc.Moves = append(doc.Moves, compareMovesJSON{Item: m.Item, Before: m.Before, After: m.After})
	}
	return writeJSON(w, http.StatusOK, doc)
}

func compareSideDoc(a attempt) compareSideJSON {
	d := compareSideJSON{ID: a.ID, Version: a.QuizVersion,
		CompletedAt: a.CompletedAt.UTC().Format(time.RFC3339), Result: a.Outcome.Result,
		Flags: []string{}, Support: scoring.RaisedSupport(a.quiz, a.Answers)}
	for _, f := range scoring.Validity(a.quiz, a.Answers, a.Took()) {
		d.Flags = append(d.Flags, string(f))
	}
	return d
}
