package web_test

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/tandem"
)

// Tenants: a therapist reaches only their own links and clients, and a
// client only their own history and shares. Two tenants — each a therapist,
// the therapist's link and a client who shares through it — and an
// anonymous visitor try every route on each other's things. Across tenants
// the answer is 404, the very page that something which does not exist
// gets, and nothing changes; the owner's same request succeeds.
//
// Secret links (/me/{me}, /results/{token}, /attempts/{token},
// /share/{token}) are keys in themselves: whoever holds one may use it.
// There the other tenant tries the victim's ids under their own key, and
// the victim's other secrets — the ones most likely to be passed on, such
// as a result link, or the link of an attempt the victim finished — in the
// place of the key.

// tenantNames name the two tenants' therapists.
var tenantNames = [2]string{"Alpha", "Beta"}

// tenant is one therapist, their link and the client who shares through it.
type tenant struct {
	n           int // 0 or 1
	therapist   *http.Client
	client      *http.Client
	name        string // the therapist's name, shown to the client
	email       string
	password    string
	label       string // the link's label, which names the client to the therapist
	therapistID int64
	linkID      int64
	linkToken   string    // the share link's secret
	me          string    // the client's personal token
	results     [2]string // the result tokens of the client's two completed attempts, newest first
	done        [2]string // those attempts' own tokens, which open nothing for anyone else
	attempts    [2]int64  // and their ids
	draft       string    // an unfinished attempt of the client
	personID    int64
	shareID     int64 // the client, as the therapist's pages number them
}

// tenantWorld is a server holding two tenants.
type tenantWorld struct {
	e       *env
	db      *sql.DB // the database file, read only
	quiz    string
	tenants [2]*tenant
	anon    *http.Client
}

func newTenantWorld(tb testing.TB) *tenantWorld {
	tb.Helper()
	e := newEnv(tb)
	w := &tenantWorld{e: e, db: e.raw(), quiz: shipped(tb)[0].ID, anon: e.newClient()}
	for i := range w.tenants {
		w.tenants[i] = w.newTenant(tb, i)
	}
	return w
}

// newTenant signs a therapist up, makes their link, and has a client
// consent through it and take the quiz twice, then start it a third time.
// Link and client ids are read off the pages that link them; attempt ids
// are looked up by token, and checked against the history's links.
func (w *tenantWorld) newTenant(tb testing.TB, n int) *tenant {
	tb.Helper()
	tn := &tenant{
		n: n, therapist: w.e.newClient(), client: w.e.newClient(),
		name:     "Dr " + tenantNames[n],
		email:    strings.ToLower(tenantNames[n]) + "@tenant.example",
		password: "tenant-" + strings.ToLower(tenantNames[n]) + "-Kx7-passphrase",
		label:    "Client of " + tenantNames[n],
	}
	r := w.send(tb, tn.therapist, http.MethodPost, "/signup",
		url.Values{"email": {tn.email}, "name": {tn.name}, "password": {tn.password}})
	require.Equal(tb, http.StatusSeeOther, r.status, r.body)
	require.Equal(tb, "/therapist", r.location)

	r = w.send(tb, tn.therapist, http.MethodPost, "/therapist/links",
		url.Values{"quiz": {w.quiz}, "label": {tn.label}, "expires": {"30"}, "answers": {"yes"}})
	require.Equal(tb, http.StatusCreated, r.status, r.body)
	share := mustURL(tb, attr(find(tb, r.doc, byTestID("share-url")), "value"))
	tn.linkToken = strings.TrimPrefix(share.Path, "/share/")
	require.True(tb, tandem.ValidToken(tn.linkToken), share.Path)

	// The client consents, which starts the first attempt.
	r = w.send(tb, tn.client, http.MethodGet, share.Path, nil)
	require.Equal(tb, http.StatusOK, r.status)
	wording := attr(find(tb, r.doc, byAttr("name", "wording")), "value")
	r = w.send(tb, tn.client, http.MethodPost, share.Path, url.Values{"wording": {wording}})
	require.Equal(tb, http.StatusSeeOther, r.status, r.body)
	tn.done[1] = tenantAttemptToken(tb, r.location)
	tn.results[1] = w.answer(tb, tn.client, tn.done[1], 2)
	tn.me = heldToken(tb, w.e, tn.client)
	require.NotEmpty(tb, tn.me, "consenting gives the client a personal page")

	// The second, for the therapist too, from the client's page; then one
	// left unfinished, private.
	r = w.send(tb, tn.client, http.MethodGet, "/me/"+tn.me, nil)
	require.Equal(tb, http.StatusOK, r.status)
	retake := attr(find(tb, find(tb, r.doc, byTestID("share")), byTestID("share-retake")).Parent, "action")
	r = w.send(tb, tn.client, http.MethodPost, retake, nil)
	require.Equal(tb, http.StatusSeeOther, r.status, r.body)
	tn.done[0] = tenantAttemptToken(tb, r.location)
	tn.results[0] = w.answer(tb, tn.client, tn.done[0], 4)
	tn.draft = w.startAttempt(tb, tn.client)

	// Ids, as the pages link them.
	r = w.send(tb, tn.client, http.MethodGet, "/me/"+tn.me, nil)
	require.Equal(tb, http.StatusOK, r.status)
	var links []string
	for _, li := range findAll(r.doc, byTestID("attempt")) {
		links = append(links, attr(find(tb, li, byTag("a")), "href"))
	}
	require.Len(tb, links, 2, "both attempts are in the history")
	for i, token := range tn.done {
		tn.attempts[i] = w.idOf(tb, `SELECT id FROM attempts WHERE token_hash = ? AND result_token_hash = ?`,
			tandem.HashToken(token), tandem.HashToken(tn.results[i]))
		assert.Contains(tb, links, "/me/"+tn.me+"/attempts/"+formatTenantID(tn.attempts[i]))
	}
	stopAction := attr(find(tb, find(tb, r.doc, byTestID("share")), byTestID("stop")).Parent, "action")
	tn.shareID = tenantIDIn(tb, stopAction, "/me/"+tn.me+"/shares/", "/stop")

	r = w.send(tb, tn.therapist, http.MethodGet, "/therapist", nil)
	require.Equal(tb, http.StatusOK, r.status)
	client := attr(find(tb, find(tb, r.doc, byTestID("client")), byTag("a")), "href")
	assert.Equal(tb, tn.shareID, tenantIDIn(tb, client, "/therapist/clients/", ""), "the therapist's client is the client's share")
	revoke := attr(find(tb, find(tb, r.doc, byTestID("link-group")), byTestID("revoke")), "href")
	tn.linkID = tenantIDIn(tb, revoke, "/therapist/links/", "/revoke")

	tn.therapistID = w.idOf(tb, `SELECT id FROM therapists WHERE email = ?`, tn.email)
	tn.personID = w.idOf(tb, `SELECT person_id FROM shares WHERE id = ?`, tn.shareID)
	return tn
}

// send makes one request as browser c; POSTs send form, even when empty.
func (w *tenantWorld) send(tb testing.TB, c *http.Client, method, path string, form url.Values) *response {
	tb.Helper()
	e := *w.e
	e.t = tb
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	require.NoError(tb, err)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return e.do(c, req)
}

// startAttempt starts the quiz as browser c and returns the attempt's token.
func (w *tenantWorld) startAttempt(tb testing.TB, c *http.Client) string {
	tb.Helper()
	r := w.send(tb, c, http.MethodPost, "/quizzes/"+w.quiz+"/attempts", nil)
	require.Equal(tb, http.StatusSeeOther, r.status, r.body)
	return tenantAttemptToken(tb, r.location)
}

// answer completes the attempt as browser c, every item answered v, and
// returns its result's token.
func (w *tenantWorld) answer(tb testing.TB, c *http.Client, token string, v int) string {
	tb.Helper()
	e := *w.e
	e.t, e.client = tb, c
	return resultOf(tb, e.answerAll(token, func(string) (int, bool) { return v, true }))
}

func (w *tenantWorld) idOf(tb testing.TB, query string, args ...any) int64 {
	tb.Helper()
	var id int64
	require.NoError(tb, w.db.QueryRow(query, args...).Scan(&id))
	return id
}

// tenantAttemptToken reads the token of /attempts/{token}/1.
func tenantAttemptToken(tb testing.TB, location string) string {
	tb.Helper()
	parts := strings.Split(location, "/")
	require.Len(tb, parts, 4, location)
	require.Equal(tb, "attempts", parts[1], location)
	return parts[2]
}

// tenantIDIn reads the id between prefix and suffix in path.
func tenantIDIn(tb testing.TB, path, prefix, suffix string) int64 {
	tb.Helper()
	require.True(tb, strings.HasPrefix(path, prefix) && strings.HasSuffix(path, suffix), path)
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(path, prefix), suffix), 10, 64)
	require.NoError(tb, err, path)
	return id
}

func formatTenantID(id int64) string { return strconv.FormatInt(id, 10) }

// state sums up what a request could change of the victim's, plus the
// number of rows of every kind anyone could create. Access log rows are
// counted for the victim's clients only: the other therapist's own pages
// log looks at the other therapist's own clients.
func (w *tenantWorld) state(tb testing.TB, v *tenant) string {
	tb.Helper()
	draft := tandem.HashToken(v.draft)
	queries := []struct {
		q    string
		args []any
	}{
		{`SELECT (SELECT count(*) FROM therapists) || ' therapists, ' || (SELECT count(*) FROM share_links) ||
			' links, ' || (SELECT count(*) FROM shares) || ' shares, ' || (SELECT count(*) FROM people) ||
			' people, ' || (SELECT count(*) FROM attempts) || ' attempts, ' || (SELECT count(*) FROM answers) || ' answers'`, nil},
		{`SELECT coalesce(group_concat(id || ':' || password_hash || ':' || session_epoch, ' '), '')
			FROM therapists WHERE id = ?`, []any{v.therapistID}},
		{`SELECT coalesce(group_concat(id || ':' || label || ':' || coalesce(revoked_at, '-'), ' '), '')
			FROM (SELECT * FROM share_links WHERE therapist_id = ? ORDER BY id)`, []any{v.therapistID}},
		{`SELECT coalesce(group_concat(id || ':' || coalesce(person_id, '-') || ':' || consented_at || ':' ||
			coalesce(stopped_at, '-'), ' '), '') FROM (SELECT s.* FROM shares s JOIN share_links l ON l.id = s.link_id
			WHERE l.therapist_id = ? OR s.person_id = ? ORDER BY s.id)`, []any{v.therapistID, v.personID}},
		{`SELECT count(*) FROM access_log g JOIN shares s ON s.id = g.share_id JOIN share_links l ON l.id = s.link_id
			WHERE l.therapist_id = ? OR s.person_id = ?`, []any{v.therapistID, v.personID}},
		{`SELECT coalesce(group_concat(id || ':' || status || ':' || updated_at || ':' || coalesce(completed_at, '-'), ' '), '')
			FROM (SELECT * FROM attempts WHERE person_id = ? OR token_hash = ? ORDER BY id)`, []any{v.personID, draft}},
		{`SELECT count(*) || ':' || coalesce(sum(value), 0) FROM answers
			WHERE attempt_id IN (SELECT id FROM attempts WHERE person_id = ? OR token_hash = ?)`, []any{v.personID, draft}},
		{`SELECT count(*) FROM people WHERE id = ?`, []any{v.personID}},
	}
	var b strings.Builder
	for _, q := range queries {
		var s string
		require.NoError(tb, w.db.QueryRow(q.q, q.args...).Scan(&s), q.q)
		b.WriteString(s + "\n")
	}
	return b.String()
}

// tenantActor is who sends a request, seen from the victim's tenant.
type tenantActor int

const (
	asOwnTherapist tenantActor = iota
	asOtherTherapist
	asOwnClient
	asOtherClient
	asAnonymous
)

func (a tenantActor) String() string {
	return [...]string{"own therapist", "other therapist", "own client", "other client", "anonymous"}[a]
}

func (w *tenantWorld) browser(a tenantActor, v, o *tenant) *http.Client {
	switch a {
	case asOwnTherapist:
		return v.therapist
	case asOtherTherapist:
		return o.therapist
	case asOwnClient:
		return v.client
	case asOtherClient:
		return o.client
	}
	return w.anon
}

// tenantExpand fills a path template with the victim's (v) things and the
// other tenant's (o): {link}, {client}, {a0} and {a1} (attempt ids, newest
// first), {me}, {result} (a0's result), {done} (a0's own token), {draft},
// {linktoken}; {other.…} for o's. {none} is an id that exists nowhere and
// {random} a token that opens nothing.
func tenantExpand(path string, v, o *tenant) string {
	id := formatTenantID
	return strings.NewReplacer(
		"{link}", id(v.linkID), "{client}", id(v.shareID), "{a0}", id(v.attempts[0]), "{a1}", id(v.attempts[1]),
		"{me}", v.me, "{result}", v.results[0], "{done}", v.done[0], "{draft}", v.draft, "{linktoken}", v.linkToken,
		"{other.client}", id(o.shareID), "{other.me}", o.me, "{other.a0}", id(o.attempts[0]),
		"{none}", "999999", "{random}", tandem.NewToken(),
	).Replace(path)
}

// tenantReq is one request of a row and what must come of it.
type tenantReq struct {
	who    tenantActor
	path   string // a template for tenantExpand
	status int
	// location is where a 303 must lead (a path); a trailing * matches any
	// rest.
	location string
	// missing is, for a 404, the same request (same actor, same method)
	// naming nothing that exists: its page must be the same.
	missing string
	// shows and hides are texts the body must, or must not, hold.
	shows, hides []string
}

// tenantRow is one route with its owner's request and the others'.
type tenantRow struct {
	method, pattern string
	// form is the POST body, as the owner would send it to the victim's
	// thing; the others send the same.
	form   func(tb testing.TB, w *tenantWorld, v *tenant) url.Values
	owner  tenantReq
	others []tenantReq
	// changes says the owner's request changes the victim's data.
	changes bool
	// alone says the owner's request spoils the world for other rows (it
	// deletes, stops, revokes or forgets, or starts an attempt, which
	// takes the place of the browser's unfinished one at the quiz): the
	// row gets a world of its own.
	alone bool
}

func (row tenantRow) name() string { return row.method + " " + row.pattern }

// tenantNoSession are the requests every /therapist row makes from
// browsers without a therapist's session: they get the 404 that asks to
// log in, the same for ids that exist and ids that do not.
func tenantNoSession(path, method string) []tenantReq {
	missing := "/therapist/clients/{none}"
	if method == http.MethodPost {
		missing = "/therapist/links/{none}/revoke"
	}
	return []tenantReq{
		{who: asAnonymous, path: path, status: http.StatusNotFound, missing: missing},
		{who: asOwnClient, path: path, status: http.StatusNotFound, missing: missing},
	}
}

// tenantKeyConfusion takes a request of the victim's secret link, key
// being the link's placeholder, and has the victim's other secrets tried
// in the key's place, each by someone likely to hold it: each gets 404.
func tenantKeyConfusion(path, key string, others ...string) []tenantReq {
	holders := map[string]tenantActor{
		"{linktoken}": asOwnTherapist,   // made the link
		"{result}":    asOtherClient,    // a result link passed on
		"{done}":      asOtherClient,    // started by someone else, who passed it on
		"{me}":        asOtherTherapist, // leaked
		"{draft}":     asAnonymous,      // leaked
	}
	var out []tenantReq
	for _, other := range others {
		who, ok := holders[other]
		if !ok {
			panic("no holder for " + other)
		}
		out = append(out, tenantReq{
			who: who, path: strings.Replace(path, key, other, 1),
			status: http.StatusNotFound, missing: strings.Replace(path, key, "{random}", 1),
		})
	}
	return out
}

func tenantConsentForm(tb testing.TB, w *tenantWorld, v *tenant) url.Values {
	tb.Helper()
	r := w.send(tb, v.client, http.MethodGet, "/share/"+v.linkToken, nil)
	require.Equal(tb, http.StatusOK, r.status)
	return url.Values{"wording": {attr(find(tb, r.doc, byAttr("name", "wording")), "value")}}
}

func tenantDraftForm(tb testing.TB, w *tenantWorld, v *tenant) url.Values {
	tb.Helper()
	r := w.send(tb, v.client, http.MethodGet, "/attempts/"+v.draft+"/1", nil)
	require.Equal(tb, http.StatusOK, r.status)
	answers := map[string]int{}
	for _, id := range itemIDsOf(r) {
		answers[id] = 3
	}
	return pageForm(tb, r, "next", answers)
}

func tenantPasswordForm(tb testing.TB, w *tenantWorld, v *tenant) url.Values {
	return url.Values{"current": {v.password}, "password": {v.password + "-changed"}}
}

func tenantDeleteForm(tb testing.TB, w *tenantWorld, v *tenant) url.Values {
	return url.Values{"current": {v.password}}
}

func tenantLinkForm(tb testing.TB, w *tenantWorld, v *tenant) url.Values {
	return url.Values{"quiz": {w.quiz}, "label": {v.label + " again"}, "expires": {"30"}, "answers": {"yes"}}
}

// tenantRows is the table: every route that names a tenant's things.
func tenantRows() []tenantRow {
	const (
		get  = http.MethodGet
		post = http.MethodPost
		ok   = http.StatusOK
		see  = http.StatusSeeOther
		nf   = http.StatusNotFound
	)
	// The victim's texts on a therapist's pages, and on a client's.
	therapistSees := []string{"{label}", `href="/therapist/clients/{client}"`}
	clientSees := []string{`/attempts/{a0}"`, `/shares/{client}/stop"`, "{name}"}
	rows := []tenantRow{
		// A therapist's own pages.
		{method: get, pattern: "/therapist/",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist", status: ok, shows: therapistSees},
			others: []tenantReq{
				{who: asOtherTherapist, path: "/therapist", status: ok, hides: therapistSees},
				{who: asAnonymous, path: "/therapist", status: see, location: "/login"},
				{who: asOwnClient, path: "/therapist", status: see, location: "/login"},
			}},
		{method: get, pattern: "/therapist/links/new",
			owner:  tenantReq{who: asOwnTherapist, path: "/therapist/links/new", status: ok},
			others: tenantNoSession("/therapist/links/new", get)},
		{method: post, pattern: "/therapist/links", form: tenantLinkForm, changes: true,
			owner:  tenantReq{who: asOwnTherapist, path: "/therapist/links", status: http.StatusCreated},
			others: tenantNoSession("/therapist/links", post)},
		{method: get, pattern: "/therapist/links/{link}/revoke",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/links/{link}/revoke", status: ok, shows: []string{"{label}"}},
			others: append(tenantNoSession("/therapist/links/{link}/revoke", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/links/{link}/revoke", status: nf,
					missing: "/therapist/links/{none}/revoke"})},
		{method: post, pattern: "/therapist/links/{link}/revoke", changes: true, alone: true,
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/links/{link}/revoke", status: see, location: "/therapist"},
			others: append(tenantNoSession("/therapist/links/{link}/revoke", post),
				tenantReq{who: asOtherTherapist, path: "/therapist/links/{link}/revoke", status: nf,
					missing: "/therapist/links/{none}/revoke"})},
		{method: get, pattern: "/therapist/clients/{client}",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/clients/{client}", status: ok, shows: []string{"{label}"}},
			others: append(tenantNoSession("/therapist/clients/{client}", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{client}", status: nf,
					missing: "/therapist/clients/{none}"})},
		{method: get, pattern: "/therapist/clients/{client}/attempts/{attempt}",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/clients/{client}/attempts/{a0}", status: ok},
			others: append(tenantNoSession("/therapist/clients/{client}/attempts/{a0}", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{client}/attempts/{a0}", status: nf,
					missing: "/therapist/clients/{none}/attempts/{none}"},
				// The other therapist's own client, with the victim's attempt.
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{other.client}/attempts/{a0}", status: nf,
					missing: "/therapist/clients/{other.client}/attempts/{none}"})},
		{method: get, pattern: "/therapist/clients/{client}/compare",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/clients/{client}/compare?from={a1}&to={a0}", status: ok},
			others: append(tenantNoSession("/therapist/clients/{client}/compare?from={a1}&to={a0}", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{client}/compare?from={a1}&to={a0}", status: nf,
					missing: "/therapist/clients/{none}/compare?from={none}&to={none}"},
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{other.client}/compare?from={a1}&to={a0}", status: nf,
					missing: "/therapist/clients/{other.client}/compare?from={none}&to={none}"},
				tenantReq{who: asOtherTherapist, path: "/therapist/clients/{other.client}/compare?from={other.a0}&to={a0}", status: nf,
					missing: "/therapist/clients/{other.client}/compare?from={other.a0}&to={none}"})},
		{method: get, pattern: "/therapist/export.csv",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/export.csv", status: ok, shows: []string{"{label}"}},
			others: append(tenantNoSession("/therapist/export.csv", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/export.csv", status: ok, hides: []string{"{label}"}})},
		{method: get, pattern: "/therapist/access",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/access", status: ok, shows: therapistSees},
			others: append(tenantNoSession("/therapist/access", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/access", status: ok, hides: therapistSees})},
		{method: get, pattern: "/therapist/account",
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/account", status: ok, shows: []string{"{email}"}},
			others: append(tenantNoSession("/therapist/account", get),
				tenantReq{who: asOtherTherapist, path: "/therapist/account", status: ok, hides: []string{"{email}"}})},
		// The forms hold the victim's password: the other therapist's
		// account does not take it.
		{method: post, pattern: "/therapist/account/password", form: tenantPasswordForm, changes: true, alone: true,
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/account/password", status: see, location: "/therapist/account"},
			others: append(tenantNoSession("/therapist/account/password", post),
				tenantReq{who: asOtherTherapist, path: "/therapist/account/password", status: http.StatusUnprocessableEntity})},
		{method: get, pattern: "/therapist/account/delete",
			owner:  tenantReq{who: asOwnTherapist, path: "/therapist/account/delete", status: ok},
			others: tenantNoSession("/therapist/account/delete", get)},
		{method: post, pattern: "/therapist/account/delete", form: tenantDeleteForm, changes: true, alone: true,
			owner: tenantReq{who: asOwnTherapist, path: "/therapist/account/delete", status: see, location: "/deleted"},
			others: append(tenantNoSession("/therapist/account/delete", post),
				tenantReq{who: asOtherTherapist, path: "/therapist/account/delete", status: http.StatusUnprocessableEntity})},

		// A client's personal page, and the ids under it.
		{method: get, pattern: "/me/{me}/",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}", status: ok, shows: clientSees},
			others: append(tenantKeyConfusion("/me/{me}", "{me}", "{result}", "{linktoken}", "{draft}", "{done}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}", status: ok, hides: clientSees})},
		{method: get, pattern: "/me/{me}/attempts/{attempt}",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/attempts/{a0}", status: ok},
			others: append(tenantKeyConfusion("/me/{me}/attempts/{a0}", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/attempts/{a0}", status: nf,
					missing: "/me/{other.me}/attempts/{none}"})},
		{method: get, pattern: "/me/{me}/attempts/{attempt}.json",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/attempts/{a0}.json", status: ok},
			others: append(tenantKeyConfusion("/me/{me}/attempts/{a0}.json", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/attempts/{a0}.json", status: nf,
					missing: "/me/{other.me}/attempts/{none}.json"})},
		{method: get, pattern: "/me/{me}/attempts/{attempt}/delete",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/attempts/{a0}/delete", status: ok},
			others: append(tenantKeyConfusion("/me/{me}/attempts/{a0}/delete", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/attempts/{a0}/delete", status: nf,
					missing: "/me/{other.me}/attempts/{none}/delete"})},
		{method: post, pattern: "/me/{me}/attempts/{attempt}/delete", changes: true, alone: true,
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/attempts/{a0}/delete", status: see, location: "/me/{me}"},
			others: append(tenantKeyConfusion("/me/{me}/attempts/{a0}/delete", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/attempts/{a0}/delete", status: nf,
					missing: "/me/{other.me}/attempts/{none}/delete"})},
		{method: get, pattern: "/me/{me}/compare",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/compare?from={a1}&to={a0}", status: ok},
			others: append(tenantKeyConfusion("/me/{me}/compare?from={a1}&to={a0}", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/compare?from={a1}&to={a0}", status: nf,
					missing: "/me/{other.me}/compare?from={none}&to={none}"},
				tenantReq{who: asOtherClient, path: "/me/{other.me}/compare?from={other.a0}&to={a0}", status: nf,
					missing: "/me/{other.me}/compare?from={other.a0}&to={none}"})},
		{method: get, pattern: "/me/{me}/compare.json",
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/compare.json?from={a1}&to={a0}", status: ok},
			others: append(tenantKeyConfusion("/me/{me}/compare.json?from={a1}&to={a0}", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/compare.json?from={a1}&to={a0}", status: nf,
					missing: "/me/{other.me}/compare.json?from={none}&to={none}"},
				tenantReq{who: asOtherClient, path: "/me/{other.me}/compare.json?from={other.a0}&to={a0}", status: nf,
					missing: "/me/{other.me}/compare.json?from={other.a0}&to={none}"})},
		{method: get, pattern: "/me/{me}/export.json",
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/export.json", status: ok},
			others: tenantKeyConfusion("/me/{me}/export.json", "{me}", "{result}", "{linktoken}", "{draft}")},
		{method: get, pattern: "/me/{me}/export.csv",
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/export.csv", status: ok},
			others: tenantKeyConfusion("/me/{me}/export.csv", "{me}", "{result}", "{linktoken}", "{draft}")},
		{method: get, pattern: "/me/{me}/delete",
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/delete", status: ok},
			others: tenantKeyConfusion("/me/{me}/delete", "{me}", "{result}", "{linktoken}")},
		{method: post, pattern: "/me/{me}/delete", changes: true, alone: true,
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/delete", status: see, location: "/deleted"},
			others: tenantKeyConfusion("/me/{me}/delete", "{me}", "{result}", "{linktoken}", "{draft}")},
		// Forgetting acts on the browser that asks, whatever the link: like
		// POST /forget, it changes nothing of anyone's data.
		{method: post, pattern: "/me/{me}/forget", alone: true,
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/forget", status: see, location: "/"},
			others: []tenantReq{
				{who: asOtherClient, path: "/me/{me}/forget", status: see, location: "/"},
				{who: asOtherTherapist, path: "/me/{result}/forget", status: see, location: "/"},
				{who: asAnonymous, path: "/me/{random}/forget", status: see, location: "/"},
			}},
		{method: post, pattern: "/me/{me}/adopt",
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/adopt", status: see, location: "/me/{me}"},
			others: tenantKeyConfusion("/me/{me}/adopt", "{me}", "{result}", "{linktoken}", "{done}")},
		{method: post, pattern: "/me/{me}/remember",
			owner:  tenantReq{who: asOwnClient, path: "/me/{me}/remember", status: see, location: "/me/{me}"},
			others: tenantKeyConfusion("/me/{me}/remember", "{me}", "{result}", "{linktoken}", "{done}")},
		{method: post, pattern: "/me/{me}/shares/{share}/stop", changes: true, alone: true,
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/shares/{client}/stop", status: see, location: "/me/{me}"},
			others: append(tenantKeyConfusion("/me/{me}/shares/{client}/stop", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/shares/{client}/stop", status: nf,
					missing: "/me/{other.me}/shares/{none}/stop"})},
		{method: post, pattern: "/me/{me}/shares/{share}/attempts", changes: true, alone: true,
			owner: tenantReq{who: asOwnClient, path: "/me/{me}/shares/{client}/attempts", status: see, location: "/attempts/*"},
			others: append(tenantKeyConfusion("/me/{me}/shares/{client}/attempts", "{me}", "{result}", "{linktoken}"),
				tenantReq{who: asOtherClient, path: "/me/{other.me}/shares/{client}/attempts", status: nf,
					missing: "/me/{other.me}/shares/{none}/attempts"})},

		// A therapist's link, as a client opens it.
		{method: get, pattern: "/share/{token}",
			owner:  tenantReq{who: asOwnClient, path: "/share/{linktoken}", status: ok, shows: []string{"{name}"}},
			others: tenantKeyConfusion("/share/{linktoken}", "{linktoken}", "{me}", "{result}", "{draft}")},
		{method: post, pattern: "/share/{token}", form: tenantConsentForm, changes: true, alone: true,
			owner:  tenantReq{who: asOwnClient, path: "/share/{linktoken}", status: see, location: "/attempts/*"},
			others: tenantKeyConfusion("/share/{linktoken}", "{linktoken}", "{me}", "{result}", "{draft}")},

		// An attempt's own links. Once it is finished they lead to its
		// result only in the browser that finished it: for anyone else
		// holding the link they are gone.
		{method: get, pattern: "/attempts/{token}",
			owner: tenantReq{who: asOwnClient, path: "/attempts/{draft}", status: see, location: "/attempts/{draft}/1"},
			others: append(tenantKeyConfusion("/attempts/{draft}", "{draft}", "{me}", "{linktoken}", "{done}"),
				tenantReq{who: asOwnClient, path: "/attempts/{done}", status: see, location: "/results/{result}"})},
		{method: get, pattern: "/attempts/{token}/{page}",
			owner: tenantReq{who: asOwnClient, path: "/attempts/{draft}/1", status: ok},
			others: append(tenantKeyConfusion("/attempts/{draft}/1", "{draft}", "{me}", "{linktoken}", "{done}"),
				tenantReq{who: asOwnClient, path: "/attempts/{done}/1", status: see, location: "/results/{result}"})},
		{method: post, pattern: "/attempts/{token}/{page}", form: tenantDraftForm, changes: true,
			owner: tenantReq{who: asOwnClient, path: "/attempts/{draft}/1", status: see, location: "/attempts/{draft}/2"},
			others: append(tenantKeyConfusion("/attempts/{draft}/1", "{draft}", "{me}", "{linktoken}", "{done}"),
				tenantReq{who: asOwnClient, path: "/attempts/{done}/1", status: see, location: "/results/{result}"})},
		{method: get, pattern: "/results/{token}",
			owner:  tenantReq{who: asOwnClient, path: "/results/{result}", status: ok},
			others: tenantKeyConfusion("/results/{result}", "{result}", "{me}", "{linktoken}", "{done}")},
		{method: get, pattern: "/results/{token}.json",
			owner:  tenantReq{who: asOwnClient, path: "/results/{result}.json", status: ok},
			others: tenantKeyConfusion("/results/{result}.json", "{result}", "{me}", "{linktoken}", "{done}")},
		// Keeping a result on one's page: only a result that is no one's,
		// or already one's own (then nothing changes); another's stays
		// theirs.
		{method: post, pattern: "/results/{token}/keep",
			owner: tenantReq{who: asOwnClient, path: "/results/{result}/keep", status: see, location: "/results/{result}"},
			others: append(tenantKeyConfusion("/results/{result}/keep", "{result}", "{me}", "{linktoken}", "{done}"),
				tenantReq{who: asOtherClient, path: "/results/{result}/keep", status: http.StatusNotFound, missing: "/results/{random}/keep"})},
		{method: get, pattern: "/results/{token}/delete",
			owner:  tenantReq{who: asOwnClient, path: "/results/{result}/delete", status: ok},
			others: tenantKeyConfusion("/results/{result}/delete", "{result}", "{me}", "{linktoken}", "{done}")},
		{method: post, pattern: "/results/{token}/delete", changes: true, alone: true,
			owner:  tenantReq{who: asOwnClient, path: "/results/{result}/delete", status: see, location: "/deleted"},
			others: tenantKeyConfusion("/results/{result}/delete", "{result}", "{me}", "{linktoken}", "{done}")},
	}
	return rows
}

// tenantFree are the routes that name nothing of a tenant's, and why.
var tenantFree = map[string]string{
	"GET /":                         "the home page, the same for everyone",
	"GET /healthz":                  "the health check",
	"GET /robots.txt":               "what crawlers may read, the same for everyone",
	"GET /static/{file}":            "static files",
	"GET /quizzes/{quiz}":           "a quiz's public page",
	"POST /quizzes/{quiz}/attempts": "starts a new attempt, which only its token opens",
	"GET /me":                       "sends a browser to the personal page its own cookie names",
	"GET /deleted":                  "says that something was deleted",
	"POST /forget":                  "makes this browser forget its own person, drafts and results",
	"GET /signup":                   "the sign-up form",
	"POST /signup":                  "creates a new account",
	"GET /login":                    "the log-in form",
	"POST /login":                   "logs in to one's own account",
	"POST /logout":                  "ends one's own session",
}

// tenantScoped are the prefixes of the routes that must be in the table.
var tenantScoped = []string{"/therapist", "/me/{me}", "/share/{token}", "/results/{token}", "/attempts/{token}"}

// TestTenantRoutes_AllInTable fails when a route is added without saying
// whether it names a tenant's things, and when the table names a route
// that is gone.
func TestTenantRoutes_AllInTable(t *testing.T) {
	e := newEnv(t)
	routes, ok := e.web.Handler().(chi.Routes)
	require.True(t, ok, "the handler is a chi router")
	var walked []string
	require.NoError(t, chi.Walk(routes, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked = append(walked, method+" "+pattern)
		return nil
	}))
	require.NotEmpty(t, walked)

	inTable := map[string]bool{}
	for _, row := range tenantRows() {
		assert.False(t, inTable[row.name()], "%s is in the table twice", row.name())
		inTable[row.name()] = true
	}
	for _, route := range walked {
		_, pattern, _ := strings.Cut(route, " ")
		scoped := slices.ContainsFunc(tenantScoped, func(p string) bool { return strings.HasPrefix(pattern, p) })
		_, free := tenantFree[route]
		switch {
		case inTable[route] && free:
			t.Errorf("%s is both in tenantRows and in tenantFree", route)
		case scoped && !inTable[route]:
			t.Errorf("%s names a tenant's things: add it to tenantRows", route)
		case !inTable[route] && !free:
			t.Errorf("%s is neither in tenantRows nor in tenantFree: say which", route)
		}
	}
	for name := range inTable {
		assert.Contains(t, walked, name, "the table names a route that is not served")
	}
	for name := range tenantFree {
		assert.Contains(t, walked, name, "tenantFree names a route that is not served")
	}
}

// TestTenantIsolation walks the table in both directions: tenant 1 against
// tenant 2's things and tenant 2 against tenant 1's. Rows share one world,
// the reads first, then the writes that spoil nothing; each row that
// spoils the world for others gets one of its own.
func TestTenantIsolation(t *testing.T) {
	rows := tenantRows()
	slices.SortStableFunc(rows, func(a, b tenantRow) int {
		return strings.Compare(a.method, b.method) // GET before POST
	})
	shared := newTenantWorld(t)
	for _, row := range rows {
		t.Run(row.name(), func(t *testing.T) {
			w := shared
			if row.alone {
				t.Parallel()
				w = newTenantWorld(t)
			}
			w.check(t, row)
		})
	}
}

// check runs a row: first every other actor's request in both directions,
// proving nothing changes, then each owner's request.
func (w *tenantWorld) check(t *testing.T, row tenantRow) {
	t.Helper()
	forms := [2]url.Values{}
	for i, v := range w.tenants {
		if row.form != nil {
			forms[i] = row.form(t, w, v)
		}
	}
	for i, v := range w.tenants {
		o := w.tenants[1-i]
		before := w.state(t, v)
		for _, req := range row.others {
			w.checkReq(t, row, req, v, o, forms[i])
		}
		assert.Equal(t, before, w.state(t, v), "the others' requests changed %s's data", tenantNames[v.n])
	}
	for i, v := range w.tenants {
		o := w.tenants[1-i]
		before := w.state(t, v)
		w.checkReq(t, row, row.owner, v, o, forms[i])
		if row.changes {
			assert.NotEqual(t, before, w.state(t, v), "the owner's request changed nothing: the row proves little")
		}
	}
}

func (w *tenantWorld) checkReq(t *testing.T, row tenantRow, req tenantReq, v, o *tenant, form url.Values) {
	t.Helper()
	path := tenantExpand(req.path, v, o)
	what := fmt.Sprintf("%s of %s: %s %s", req.who, tenantNames[v.n], row.method, path)
	r := w.send(t, w.browser(req.who, v, o), row.method, path, form)
	if !assert.Equal(t, req.status, r.status, "%s\n%s", what, tenantShort(r.body)) {
		return
	}
	if req.location != "" {
		want := tenantExpand(req.location, v, o)
		if prefix, ok := strings.CutSuffix(want, "*"); ok {
			assert.True(t, strings.HasPrefix(r.location, prefix), "%s: leads to %s", what, r.location)
		} else {
			assert.Equal(t, want, r.location, what)
		}
	}
	texts := strings.NewReplacer("{label}", v.label, "{email}", v.email, "{name}", v.name)
	for _, s := range req.shows {
		s = texts.Replace(tenantExpand(s, v, o))
		assert.True(t, strings.Contains(r.body, s), "%s: the page lacks %q", what, s)
	}
	for _, s := range req.hides {
		s = texts.Replace(tenantExpand(s, v, o))
		assert.False(t, strings.Contains(r.body, s), "%s: the page shows %q", what, s)
	}
	if req.status >= 400 {
		for _, line := range r.header.Values("Set-Cookie") {
			assert.False(t, strings.HasPrefix(line, meCookie+"=") || strings.HasPrefix(line, visitCookie+"="),
				"%s: a refusal sets a personal cookie", what)
		}
	}
	if req.status == http.StatusNotFound {
		require.NotEmpty(t, req.missing, "%s: a 404 row says what does not exist", what)
		missing := tenantExpand(req.missing, v, o)
		m := w.send(t, w.browser(req.who, v, o), row.method, missing, form)
		assert.Equal(t, http.StatusNotFound, m.status, "%s %s", row.method, missing)
		assert.Equal(t, tenantNotFoundPage(t, m), tenantNotFoundPage(t, r),
			"%s: the page tells the victim's from what does not exist (%s)", what, missing)
		assert.Equal(t, m.header.Get("Content-Type"), r.header.Get("Content-Type"), what)
	}
}

// tenantNotFoundPage is what a 404 says: its heading and lead for a page,
// the whole body for JSON.
func tenantNotFoundPage(t *testing.T, r *response) string {
	t.Helper()
	if r.doc == nil {
		return r.body
	}
	return text(find(t, r.doc, byTag("h1"))) + " | " + text(find(t, r.doc, byAttr("class", "lead")))
}

// tenantShort is the start of a body, enough to see what went wrong.
func tenantShort(body string) string {
	if len(body) > 600 {
		return body[:600] + "…"
	}
	return body
}
