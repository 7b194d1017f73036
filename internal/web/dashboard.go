package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"sort"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// An access log page shows at most maxAccessRows rows, made of the newest
// maxAccessRead looks (see accessRows).
const (
	maxAccessRows = 100
	maxAccessRead = 2000
)

// handleDashboard lists the therapist's links, newest activity first, each
// with the clients who share through it. ?quiz= keeps one quiz's. Showing
// a client's latest result is a look at their results, and is logged.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t := therapist(r)
	links, err := s.store.ListShareLinks(ctx, t.ID)
	if err != nil {
		return err
	}
	clients, err := s.store.ListClients(ctx, t.ID)
	if err != nil {
		return err
	}
	filter := r.URL.Query().Get("quiz")
	if _, ok := s.quizzes.Current(filter); !ok {
		filter = ""
	}
	v := views.Dashboard{Name: t.DisplayName, Quiz: filter, Revoked: r.URL.Query().Get("revoked") == "1"}
	v.Quizzes = append(v.Quizzes, views.Option{Value: "", Label: views.T(ctx, "dashboard.filter.all"), Selected: filter == ""})
	for _, q := range s.quizzes.List() {
		v.Quizzes = append(v.Quizzes, views.Option{Value: q.ID, Label: q.Title, Selected: q.ID == filter})
	}
	byLink := map[int64][]*tandem.Share{}
	for _, c := range clients {
		byLink[c.Link.ID] = append(byLink[c.Link.ID], c)
	}
	type group struct {
		view   views.LinkGroup
		active time.Time
	}
	var groups []group
	var logged []int64
	for _, l := range links {
		if filter != "" && l.QuizID != filter {
			continue
		}
		g := group{view: views.LinkGroup{Link: s.linkRow(r, l)}, active: l.CreatedAt}
		for _, c := range byLink[l.ID] { // most recently active first
			row := views.ClientRow{
				Name: c.Name(), URL: clientURL(c.ID),
				Since: formatDate(ctx, c.ConsentedAt), LastActivity: formatDate(ctx, c.LastActivity),
				Attempts: c.Attempts, Sharing: c.Sharing(),
			}
			if !c.Sharing() {
				row.Stopped = formatDate(ctx, c.StoppedAt)
			} else if c.Latest != nil {
				q, err := s.quizzes.For(c.Latest.QuizID, c.Latest.QuizHash, true)
				if err != nil {
					return err
				}
				if res, ok := q.ResultByID(c.Latest.ResultID); ok {
					row.Latest = res.Title
					logged = append(logged, c.ID)
				}
				if row.Support, err = s.latestSupport(ctx, c, q); err != nil {
					return err
				}
			}
			if c.LastActivity.After(g.active) {
				g.active = c.LastActivity
			}
			g.view.Clients = append(g.view.Clients, row)
		}
		groups = append(groups, g)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].active.After(groups[j].active) })
	for _, g := range groups {
		v.Groups = append(v.Groups, g.view)
	}
	if err := s.recordAccess(r, tandem.AccessList, logged...); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, views.DashboardView(v))
	return nil
}

// latestSupport is the titles of the support flags that a sharing
// client's latest shared result raised, on its quiz q. The list of
// clients does not carry answers, so the client's attempts are read, and
// only for a quiz that has support flags.
func (s *Server) latestSupport(ctx context.Context, c *tandem.Share, q *quiz.Quiz) ([]string, error) {
	if len(q.Support) == 0 {
		return nil, nil
	}
	scored, err := s.sharedHistory(ctx, c.ID)
	if err != nil || len(scored) == 0 {
		return nil, err
	}
	return supportTitles(scored[0].quiz, scored[0].Answers), nil
}

// supportTitles is the titles of the support flags that answers raise on
// q, in the file's order: what a therapist is told of them whatever the
// link shares, never the answers themselves.
func supportTitles(q *quiz.Quiz, answers scoring.Answers) []string {
	var out []string
	for _, id := range scoring.RaisedSupport(q, answers) {
		if f, ok := q.SupportByID(id); ok {
			out = append(out, f.Title)
		}
	}
	return out
}

// recordAccess logs a look at clients' results. A HEAD request (which the
// router answers as a GET) is logged too: its answer shows no page, but
// its status and length tell about the results as much as a look, and a
// log that missed some looks could not be relied on.
func (s *Server) recordAccess(r *http.Request, what string, shareIDs ...int64) error {
	return s.store.RecordAccess(r.Context(), what, shareIDs...)
}

// loadClient returns the URL's client of the logged-in therapist; someone
// else's client is ENOTFOUND.
func (s *Server) loadClient(r *http.Request) (*tandem.Share, error) {
	id, err := parseID(chi.URLParam(r, "client"))
	if err != nil {
		return nil, err
	}
	return s.store.FindClient(r.Context(), therapist(r).ID, id)
}

// loadSharingClient is loadClient for pages of results: a client who
// stopped sharing has none to show.
func (s *Server) loadSharingClient(r *http.Request) (*tandem.Share, error) {
	c, err := s.loadClient(r)
	if err == nil && !c.Sharing() {
		err = errStoppedSharing(c)
	}
	return c, err
}

// sharedHistory is what a share lets its therapist see: the attempts with
// their quizzes, newest first.
func (s *Server) sharedHistory(ctx context.Context, shareID int64) ([]attempt, error) {
	attempts, err := s.store.ListSharedAttempts(ctx, shareID)
	if err != nil {
		return nil, err
	}
	return s.withQuizzes(attempts)
}

// errStoppedSharing is what a therapist sees of a client who stopped
// sharing: that they did, and nothing else.
func errStoppedSharing(c *tandem.Share) error {
	return &tandem.Error{Code: tandem.EGONE, Title: "client.stopped.title", Message: "client.stopped.message",
		ActionURL: clientURL(c.ID), Action: "client.stopped.action"}
}

func (s *Server) handleClient(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	base := clientURL(c.ID)
	v := views.Client{
		Name: c.Name(), QuizTitle: s.quizTitle(c.Link.QuizID), Since: formatDate(ctx, c.ConsentedAt),
		SharesAnswers: c.Link.SharesAnswers, Sharing: c.Sharing(),
	}
	if !c.Sharing() {
		v.Stopped = formatDate(ctx, c.StoppedAt)
	} else {
		scored, err := s.sharedHistory(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := s.recordAccess(r, tandem.AccessClient, c.ID); err != nil {
			return err
		}
		for _, a := range scored {
			v.Attempts = append(v.Attempts, views.ClientAttempt{
				Date: formatDate(ctx, a.CompletedAt), QuizTitle: a.quiz.Title, Version: a.QuizVersion,
				ResultTitle: a.result.Title, URL: clientAttemptURL(c.ID, a.ID),
				Flagged: c.Link.SharesAnswers && len(flagTexts(ctx, a)) > 0,
				Support: supportTitles(a.quiz, a.Answers),
			})
		}
		v.Quizzes = trends(ctx, base, true, scored)
	}
	log, err := s.store.ListShareAccess(ctx, c.ID, maxAccessRead)
	if err != nil {
		return err
	}
	v.Access = accessRows(ctx, log, false)
	s.render(w, r, http.StatusOK, views.ClientView(v))
	return nil
}

// handleClientResult shows one shared attempt as its result page, with
// the answers when the link shares them. The support flags the answers
// raised come first whatever the link shares (resultView): the client is
// told so before agreeing; the answers that raised them are not shown.
func (s *Server) handleClientResult(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadSharingClient(r)
	if err != nil {
		return err
	}
	id, err := parseID(chi.URLParam(r, "attempt"))
	if err != nil {
		return err
	}
	a, err := s.store.FindSharedAttempt(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	at, err := s.withQuiz(a)
	if err != nil {
		return err
	}
	if err := s.recordAccess(r, tandem.AccessResult, c.ID); err != nil {
		return err
	}
	v := s.resultView(r, at)
	v.Back = &views.Crumb{URL: clientURL(c.ID), Label: views.IsolateText(c.Name())}
	if !c.Link.SharesAnswers {
		v.Flags = nil // they come from the answers, which are not shared
	} else {
		for _, it := range at.quiz.Items() {
			row := views.AnswerRow{Text: it.Text}
			if n, ok := at.Answers[it.ID]; ok {
				row.Answer = at.quiz.Scale.Label(n)
			}
			v.Answers = append(v.Answers, row)
		}
	}
	s.render(w, r, http.StatusOK, views.ResultView(v))
	return nil
}

func (s *Server) handleClientCompare(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadSharingClient(r)
	if err != nil {
		return err
	}
	scored, err := s.sharedHistory(r.Context(), c.ID)
	if err != nil {
		return err
	}
	base := clientURL(c.ID)
	cmp, err := compareAttempts(r, scored, errNothingToCompare(base, "compare.none.client", "client.back"))
	if err != nil {
		return err
	}
	if err := s.recordAccess(r, tandem.AccessCompare, c.ID); err != nil {
		return err
	}
	v := compareView(r.Context(), cmp, base, c)
	s.render(w, r, http.StatusOK, views.CompareView(v))
	return nil
}

// handleClientsExport downloads every shared result of the therapist's
// clients who still share, in the personal export's long format, with the
// client's label first; answers only where the link shares them.
func (s *Server) handleClientsExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	clients, err := s.store.ListClients(ctx, therapist(r).ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(append([]string{"client", "client_label"}, exportHeader...))
	var logged []int64
	for _, c := range clients {
		if !c.Sharing() {
			continue
		}
		scored, err := s.sharedHistory(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(scored) > 0 {
			logged = append(logged, c.ID)
		}
		prefix := []string{formatID(c.ID), safeCell(c.Name())}
		for _, a := range scored {
			writeExportRows(cw, prefix, a, c.Link.SharesAnswers)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := s.recordAccess(r, tandem.AccessExport, logged...); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-clients.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// handleAccessLog shows the therapist every look they took at clients'
// results: the same log the clients see.
func (s *Server) handleAccessLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	log, err := s.store.ListTherapistAccess(ctx, therapist(r).ID, maxAccessRead)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, views.AccessLogView(views.AccessLog{Rows: accessRows(ctx, log, true)}))
	return nil
}

// accessMessages say what a look was, as the log shows it.
var accessMessages = map[string]string{
	tandem.AccessList:    "access.kind.list",
	tandem.AccessClient:  "access.kind.client",
	tandem.AccessResult:  "access.kind.result",
	tandem.AccessCompare: "access.kind.compare",
	tandem.AccessExport:  "access.kind.export",
}

// accessRows describes log entries, newest first; forTherapist names the
// client (the therapist's view), otherwise the therapist (the client's).
// All looks of one kind by one therapist at one client on one day make
// one row, at the newest of them, with their count: a dashboard opened
// many times a day stays one line per client.
func accessRows(ctx context.Context, log []tandem.Access, forTherapist bool) []views.AccessRow {
	type key struct {
		day, what, therapist string
		share                int64
	}
	var rows []views.AccessRow
	index := map[key]int{}
	for _, a := range log {
		k := key{day: a.At.UTC().Format(time.DateOnly), what: a.What, therapist: a.TherapistName}
		if forTherapist {
			k.share = a.ShareID // the client's rows do not say which link
		}
		if i, ok := index[k]; ok {
			rows[i].Count++
			continue
		}
		if len(rows) == maxAccessRows {
			continue // only counts of the rows shown still grow
		}
		index[k] = len(rows)
		row := views.AccessRow{When: a.At.UTC().Format(views.T(ctx, "format.datetime")),
			What: views.T(ctx, accessMessages[a.What]), Who: a.TherapistName, Count: 1}
		if forTherapist {
			row.Who = tandem.ClientName(a.Label, a.Number, a.Of)
			row.URL = clientURL(a.ShareID)
		}
		rows = append(rows, row)
	}
	return rows
}
