package web_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
)

// Therapists: accounts and sessions, the links they send, a client's
// consent, what the therapist then sees, and what ends it. Every test
// drives the real server over HTTP on a real database file.

const (
	thEmail    = "ana.ruiz@example.com"
	thName     = "Dr Ana Ruiz"
	thPassword = "violet kettle harbour 19"

	sessionCookieName = "tandem_session"
)

// TestTherapistFlow_ClientSharesTwice is the feature's first "done when":
// a therapist signs up and creates a link, a client agrees through it and
// takes the quiz twice, and the therapist sees one client with two results,
// their trends, a comparison, and the answers only where the link shares
// them.
func TestTherapistFlow_ClientSharesTwice(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)

	dash := ana.get("/therapist")
	require.Equal(t, http.StatusOK, dash.status)
	assert.Contains(t, text(dash.doc), "Logged in as "+thName)
	find(t, dash.doc, byTestID("empty"))

	token, linkID := ana.newLink("AB", true)
	dash = ana.get("/therapist")
	assert.Equal(t, e.srv.URL+"/share/"+token, attr(find(t, dash.doc, byTestID("share-url-"+strconv.FormatInt(linkID, 10))), "value"),
		"an active link can be copied again from the dashboard")
	assert.False(t, dbHolds(t, e, []byte(token)), "only the link's hash is stored")
	var stored struct {
		quiz, label string
		answers     bool
	}
	require.NoError(t, e.raw().QueryRow(`SELECT quiz_id, label, shares_answers FROM share_links WHERE id = ?`, linkID).
		Scan(&stored.quiz, &stored.label, &stored.answers))
	assert.Equal(t, spectrumQuiz, stored.quiz)
	assert.Equal(t, "AB", stored.label)
	assert.True(t, stored.answers)

	// The client opens the link: who sent it, and what they would see.
	client := newThBrowser(e)
	page := client.get("/share/" + token)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, text(find(t, page.doc, byTag("h1"))), thName)
	find(t, page.doc, byTestID("sees-answers"))
	assert.Empty(t, findAll(page.doc, byTestID("notsees-answers")))
	forms := findAll(page.doc, byTag("form"))
	require.Len(t, forms, 2)
	assert.Equal(t, "/share/"+token, attr(forms[0], "action"))
	assert.Equal(t, "/quizzes/"+spectrumQuiz+"/attempts", attr(forms[1], "action"), "the way to decline")
	wording := thWording(t, page)
	assert.Zero(t, e.count(`SELECT count(*) FROM shares`), "opening the link shares nothing")

	plan1, plan2 := keyPlan(q, 4, 3, nil), keyPlan(q, 2, 3, nil)
	first := client.takeShared(token, plan1)
	me := client.me()
	require.True(t, tandem.ValidToken(me), "agreeing gives the client a personal page to stop from")
	var person int64
	require.NoError(t, e.raw().QueryRow(`SELECT id FROM people WHERE token_hash = ?`, tandem.HashToken(me)).Scan(&person))
	var shareWording string
	var sharePerson int64
	require.NoError(t, e.raw().QueryRow(`SELECT wording, person_id FROM shares WHERE link_id = ?`, linkID).
		Scan(&shareWording, &sharePerson))
	assert.Equal(t, wording, shareWording, "the consent is stored with the text's version")
	assert.Equal(t, person, sharePerson)

	// A second time through the same link.
	second := client.takeShared(token, plan2)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM shares`), "one client, however often they use the link")
	assert.Equal(t, me, client.me())
	shareID := thShareID(t, e, linkID)
	a1, a2 := attemptIDOf(e, first), attemptIDOf(e, second)
	clientPath := "/therapist/clients/" + strconv.FormatInt(shareID, 10)

	dash = ana.get("/therapist")
	require.Equal(t, http.StatusOK, dash.status)
	groups := findAll(dash.doc, byTestID("link-group"))
	require.Len(t, groups, 1)
	assert.Contains(t, text(groups[0]), "Shares results and answers")
	clients := findAll(groups[0], byTestID("client"))
	require.Len(t, clients, 1)
	assert.Contains(t, text(clients[0]), "2 results")
	assert.Equal(t, clientPath, attr(find(t, clients[0], byTag("a")), "href"))

	cp := ana.get(clientPath)
	require.Equal(t, http.StatusOK, cp.status)
	assert.Equal(t, "AB", text(find(t, cp.doc, byTag("h1"))))
	assert.Equal(t, []string{
		clientPath + "/attempts/" + strconv.FormatInt(a2, 10),
		clientPath + "/attempts/" + strconv.FormatInt(a1, 10),
	}, attemptLinks(t, cp), "both results, newest first")
	trends := findAll(cp.doc, byTestID("quiz-trend"))
	require.Len(t, trends, 1)
	charts := findAll(trends[0], byTag("figure"))
	require.NotEmpty(t, charts)
	for _, c := range charts {
		lines := 1
		if attr(c, "data-testid") == "pull-trend" {
			lines = 2 // one per pull, the right pole's dashed
		}
		assert.Len(t, findAll(c, byAttr("class", "line")), 1, "each chart draws a line through both results")
		assert.Len(t, findAll(c, byAttr("class", "line dashed")), lines-1)
	}
	assert.Equal(t, clientPath+"/compare?quiz="+spectrumQuiz, attr(find(t, trends[0], byTestID("compare-link")), "href"))
	assert.NotContains(t, cp.body, me, "the client's personal page stays theirs")

	cmp := ana.get(clientPath + "/compare?quiz=" + spectrumQuiz)
	require.Equal(t, http.StatusOK, cmp.status)
	assert.NotEmpty(t, findAll(find(t, cmp.doc, byTestID("compare-table")), byTestID("scale-change")))
	assert.NotEmpty(t, findAll(find(t, cmp.doc, byTestID("moves")), byTag("li")), "answers that moved are shown")
	assert.NotContains(t, cmp.body, "compare.json", "no JSON twin for therapists")

	res := ana.get(clientPath + "/attempts/" + strconv.FormatInt(a1, 10))
	require.Equal(t, http.StatusOK, res.status)
	rows := findAll(find(t, res.doc, byTestID("answers")), byTestID("answer"))
	items := q.Items()
	require.Len(t, rows, len(items))
	for i, it := range items {
		cells := findAll(rows[i], byTag("td"))
		require.Len(t, cells, 2)
		assert.Equal(t, it.Text, text(cells[0]), it.ID)
		want := "Not answered" // the optional safety items, left out
		if v, ok := plan1[it.ID]; ok {
			want = q.Scale.Label(v)
		}
		assert.Equal(t, want, text(cells[1]), it.ID)
	}
	assert.Empty(t, findAll(res.doc, byTestID("personal")), "no personal link on the therapist's copy")
	for _, secret := range []string{first, second, me} {
		assert.NotContains(t, res.body, secret)
	}
	assert.NotContains(t, res.body, "/delete", "the therapist cannot delete the client's result")

	records := thCSV(t, ana.get("/therapist/export.csv"))
	require.NotEmpty(t, records)
	assert.Equal(t, []string{"client", "client_label", "attempt", "quiz", "version", "completed_at", "kind", "id", "value", "label"}, records[0])
	kinds := thKinds(records, shareID)
	assert.Equal(t, 2, kinds["result"])
	assert.Equal(t, len(plan1)+len(plan2), kinds["answer"], "the answers, where the link shares them")

	// A second link, sharing scores only, used twice by another client.
	token2, link2 := ana.newLink("CD", false)
	other := newThBrowser(e)
	page2 := other.get("/share/" + token2)
	require.Equal(t, http.StatusOK, page2.status)
	find(t, page2.doc, byTestID("notsees-answers"))
	assert.Empty(t, findAll(page2.doc, byTestID("sees-answers")))
	o1 := attemptIDOf(e, other.takeShared(token2, plan1))
	other.takeShared(token2, plan2)
	share2 := thShareID(t, e, link2)
	client2Path := "/therapist/clients/" + strconv.FormatInt(share2, 10)

	res2 := ana.get(client2Path + "/attempts/" + strconv.FormatInt(o1, 10))
	require.Equal(t, http.StatusOK, res2.status)
	assert.Empty(t, findAll(res2.doc, byTestID("answers")), "no answers when the link does not share them")
	for _, it := range items {
		assert.NotContains(t, text(res2.doc), it.Text, it.ID)
	}
	cmp2 := ana.get(client2Path + "/compare?quiz=" + spectrumQuiz)
	require.Equal(t, http.StatusOK, cmp2.status)
	find(t, cmp2.doc, byTestID("compare-table"))
	assert.Empty(t, findAll(cmp2.doc, byTestID("moves")), "no answers that moved")
	for _, it := range items {
		assert.NotContains(t, text(cmp2.doc), it.Text, it.ID)
	}
	records = thCSV(t, ana.get("/therapist/export.csv"))
	kinds2 := thKinds(records, share2)
	assert.Equal(t, 2, kinds2["result"])
	assert.Zero(t, kinds2["answer"], "no answers in the export either")
	assert.Equal(t, len(plan1)+len(plan2), thKinds(records, shareID)["answer"], "the other client's answers are still there")
	assert.Len(t, findAll(ana.get("/therapist").doc, byTestID("client")), 2)

	// The client's own page lists the share and each look the therapist took.
	personal := client.get("/me/" + me)
	require.Equal(t, http.StatusOK, personal.status)
	sharing := find(t, personal.doc, byTestID("sharing"))
	shares := findAll(sharing, byTestID("share"))
	require.Len(t, shares, 1)
	assert.Contains(t, text(shares[0]), thName)
	assert.Equal(t, "/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop",
		attr(find(t, shares[0], byTestID("stop")).Parent, "action"))
	looks := findAll(sharing, byTestID("access-row"))
	// One row per kind of look and day (the test's clock stands still).
	assert.Equal(t, e.count(`SELECT count(DISTINCT what) FROM access_log WHERE share_id = ?`, shareID), len(looks))
	require.NotEmpty(t, looks)
	for _, l := range looks {
		assert.Contains(t, text(l), thName)
	}
	kindsLogged := map[string]int{}
	rowsLog, err := e.raw().Query(`SELECT what, count(*) FROM access_log WHERE share_id = ? GROUP BY what`, shareID)
	require.NoError(t, err)
	for rowsLog.Next() {
		var what string
		var n int
		require.NoError(t, rowsLog.Scan(&what, &n))
		kindsLogged[what] = n
	}
	require.NoError(t, rowsLog.Err())
	rowsLog.Close()
	for _, what := range []string{"list", "client", "compare", "result", "export"} {
		assert.Positive(t, kindsLogged[what], "each kind of look is logged: %s", what)
	}

	// A page that says "no answer changed" about answers the therapist
	// cannot see is false: the two results above differ in many answers.
	t.Run("CompareWithoutAnswers_MakesNoClaimAboutAnswers", func(t *testing.T) {
		for _, h := range findAll(cmp2.doc, byTag("h2")) {
			assert.NotEqual(t, "The answers that moved most", text(h), "a section about answers the link hides")
		}
		assert.False(t, strings.Contains(text(cmp2.doc), "No answer changed between these two results."),
			"compare.templ says no answer changed, though many did: the link only hides them")
	})

	// The trends on the client page come from the personal page, where
	// they offer to take the quiz again; a therapist has nothing to take.
	t.Run("ClientPage_NoEmptyRetakeButton", func(t *testing.T) {
		for _, a := range findAll(cp.doc, byTag("a")) {
			assert.NotEmpty(t, attr(a, "href"), "a link to nowhere: %q", text(a))
		}
		assert.False(t, strings.Contains(text(trends[0]), "Take it again"), "a retake button on the therapist's page")
	})
}

// TestTherapistFlow_ClientStopsSharing is the second "done when": from
// their own page the client stops sharing, and the therapist then sees
// only that they did.
func TestTherapistFlow_ClientStopsSharing(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	first := client.takeShared(token, keyPlan(q, 4, 3, nil))
	client.takeShared(token, keyPlan(q, 2, 3, nil))
	a1 := strconv.FormatInt(attemptIDOf(e, first), 10)
	shareID := thShareID(t, e, linkID)
	clientPath := "/therapist/clients/" + strconv.FormatInt(shareID, 10)
	me := client.me()
	stopPath := "/me/" + me + "/shares/" + strconv.FormatInt(shareID, 10) + "/stop"

	require.Equal(t, http.StatusOK, ana.get(clientPath).status)
	require.Equal(t, http.StatusOK, ana.get(clientPath+"/attempts/"+a1).status)
	require.Equal(t, http.StatusOK, ana.get(clientPath+"/compare?quiz="+spectrumQuiz).status)

	personal := client.get("/me/" + me)
	require.Equal(t, http.StatusOK, personal.status)
	share := find(t, find(t, personal.doc, byTestID("sharing")), byTestID("share"))
	assert.Equal(t, stopPath, attr(find(t, share, byTestID("stop")).Parent, "action"))
	assert.Len(t, findAll(personal.doc, byTestID("access-row")), 3, "the three looks so far")

	// Someone else's personal page cannot stop it.
	stranger := newThBrowser(e)
	newPersonBrowser(e, stranger.c).take(samePlan(q, 3))
	strangerMe := stranger.me()
	require.NotEmpty(t, strangerMe)
	r := stranger.post("/me/"+strangerMe+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Zero(t, e.count(`SELECT count(*) FROM shares WHERE stopped_at IS NOT NULL`))

	r = client.post(stopPath, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/me/"+me, r.location)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM shares WHERE id = ? AND stopped_at IS NOT NULL`, shareID))

	personal = client.get("/me/" + me)
	share = find(t, find(t, personal.doc, byTestID("sharing")), byTestID("share"))
	find(t, share, byTestID("share-stopped"))
	assert.Empty(t, findAll(share, byTag("form")), "nothing left to stop")
	assert.Len(t, attemptLinks(t, personal), 2, "the client keeps their results")

	looks := e.count(`SELECT count(*) FROM access_log`)
	cp := ana.get(clientPath)
	require.Equal(t, http.StatusOK, cp.status)
	find(t, cp.doc, byTestID("client-stopped"))
	assert.Empty(t, findAll(cp.doc, byTestID("attempt")))
	assert.Empty(t, findAll(cp.doc, byTestID("quiz-trend")))

	res := ana.get(clientPath + "/attempts/" + a1)
	assert.Equal(t, http.StatusGone, res.status)
	assert.Equal(t, "The client stopped sharing", text(find(t, res.doc, byTag("h1"))))
	assert.NotContains(t, res.body, "Strongly")
	assert.Equal(t, http.StatusGone, ana.get(clientPath+"/compare?quiz="+spectrumQuiz).status)

	records := thCSV(t, ana.get("/therapist/export.csv"))
	assert.Len(t, records, 1, "the export has only its header")

	dash := ana.get("/therapist")
	c := find(t, dash.doc, byTestID("client"))
	assert.Contains(t, text(find(t, c, byTestID("client-stopped"))), "Stopped sharing on")
	assert.NotContains(t, text(c), "result", "not even the latest result")
	assert.Equal(t, looks, e.count(`SELECT count(*) FROM access_log`), "nothing was looked at, so nothing is logged")
}

// TestTherapistFlow_ClientDeclines: from the consent page the client can
// take the quiz privately; nothing is shared, then or later.
func TestTherapistFlow_ClientDeclines(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)

	client := newThBrowser(e)
	page := client.get("/share/" + token)
	require.Equal(t, http.StatusOK, page.status)
	private := findAll(page.doc, byTag("form"))[1]
	find(t, private, byTestID("private"))
	r := client.post(attr(private, "action"), nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	parts := strings.Split(r.location, "/")
	require.Len(t, parts, 4, r.location)
	newPersonBrowser(e, client.c).finish(parts[2], keyPlan(q, 4, 3, nil))
	privateID := attemptIDOf(e, parts[2])

	assert.Zero(t, e.count(`SELECT count(*) FROM shares`))
	dash := ana.get("/therapist")
	group := find(t, dash.doc, byTestID("link-group"))
	assert.Empty(t, findAll(group, byTestID("client")))
	assert.Contains(t, text(group), "no one has used it yet")
	assert.Len(t, thCSV(t, ana.get("/therapist/export.csv")), 1)
	assert.Zero(t, e.count(`SELECT count(*) FROM access_log`))
	personal := client.get("/me/" + client.me())
	assert.Empty(t, findAll(personal.doc, byTestID("sharing")))

	// Agreeing later shares what comes next, not what came before: the
	// private result was finished an hour before this consent.
	thExec(t, e, `UPDATE attempts SET completed_at = ? WHERE id = ?`,
		testClock.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z"), privateID)
	client.consent(token)
	shareID := thShareID(t, e, linkID)
	clientPath := "/therapist/clients/" + strconv.FormatInt(shareID, 10)
	cp := ana.get(clientPath)
	require.Equal(t, http.StatusOK, cp.status)
	find(t, cp.doc, byTestID("empty"))
	assert.Equal(t, http.StatusNotFound, ana.get(clientPath+"/attempts/"+strconv.FormatInt(privateID, 10)).status)
	assert.Len(t, thCSV(t, ana.get("/therapist/export.csv")), 1)
}

// TestTherapistFlow_LinkStates: links that ended, never existed, or a
// consent form that is not the one on the page.
func TestTherapistFlow_LinkStates(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	revoked, revokedID := ana.newLink("R", true)
	expired, expiredID := ana.newLink("E", true)
	live, liveID := ana.newLink("L", true)
	client := newThBrowser(e)

	// The client opened the page before the therapist revoked the link.
	opened := client.get("/share/" + revoked)
	require.Equal(t, http.StatusOK, opened.status)
	wording := thWording(t, opened)

	bob := newThBrowser(e)
	bob.mustSignup("bob@example.com", "Bob", "another long passphrase")
	r := bob.post("/therapist/links/"+strconv.FormatInt(revokedID, 10)+"/revoke", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "one therapist cannot revoke another's link")
	assert.Zero(t, e.count(`SELECT count(*) FROM share_links WHERE revoked_at IS NOT NULL`))

	r = ana.post("/therapist/links/"+strconv.FormatInt(revokedID, 10)+"/revoke", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/therapist", r.location)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM share_links WHERE id = ? AND revoked_at IS NOT NULL`, revokedID))
	dash := ana.get("/therapist?revoked=1")
	find(t, dash.doc, byTestID("notice"))
	assert.Contains(t, dash.body, "Revoked on")

	thExec(t, e, `UPDATE share_links SET expires_at = ? WHERE id = ?`, "2026-11-01T00:00:00.000Z", expiredID)

	tests := []struct {
		name, token, message string
	}{
		{"Revoked", revoked, "has ended this link"},
		{"Expired", expired, "This link has expired"},
	}
	for _, tt := range tests {
		before := thRows(t, e, false)
		page := client.get("/share/" + tt.token)
		assert.Equal(t, http.StatusGone, page.status, tt.name)
		assert.Equal(t, "This link no longer works", text(find(t, page.doc, byTag("h1"))), tt.name)
		assert.Contains(t, text(page.doc), tt.message, tt.name)
		assert.Equal(t, "/quizzes/"+spectrumQuiz, attr(find(t, page.doc, byAttr("class", "button")), "href"),
			"%s: the kind page offers the quiz, privately", tt.name)
		assertCalmPage(t, page)

		r := client.post("/share/"+tt.token, url.Values{"wording": {wording}})
		assert.Equal(t, http.StatusGone, r.status, tt.name)
		assert.Nil(t, personCookieIn(r), tt.name)
		assert.Equal(t, before, thRows(t, e, false), "%s: the refused consent wrote nothing", tt.name)
	}
	assert.Zero(t, e.count(`SELECT count(*) FROM shares`))
	assert.Zero(t, e.count(`SELECT count(*) FROM people`))

	before := thRows(t, e, false)
	for _, token := range []string{tandem.NewToken(), "abc", live + "x", live[:len(live)-1]} {
		assert.Equal(t, http.StatusNotFound, client.get("/share/"+token).status, token)
		assert.Equal(t, http.StatusNotFound, client.post("/share/"+token, url.Values{"wording": {wording}}).status, token)
	}

	t.Run("WordingChanged", func(t *testing.T) {
		r := client.post("/share/"+live, url.Values{"wording": {"2020-01-01"}})
		assert.Equal(t, http.StatusConflict, r.status)
		assert.Contains(t, text(find(t, r.doc, byTestID("changed"))), "This text changed while you were reading")
		assert.Equal(t, wording, thWording(t, r), "the page asks again, with the text as it is now")
		assert.Nil(t, personCookieIn(r))
	})
	t.Run("NotOurForm", func(t *testing.T) {
		for _, body := range []string{
			"",
			"wording=" + url.QueryEscape(wording) + "&extra=1",
			"wording=" + url.QueryEscape(wording) + "&wording=" + url.QueryEscape(wording),
			"wording=" + url.QueryEscape(wording) + "&person=1",
			"consent=yes",
		} {
			r := client.send("/share/"+live, body, nil)
			assert.Equal(t, http.StatusBadRequest, r.status, body)
			assertCalmPage(t, r)
		}
	})
	assert.Equal(t, before, thRows(t, e, false), "none of these wrote anything")

	// The live link still works.
	client.consent(live)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM shares WHERE link_id = ?`, liveID))
}

// TestTherapistLinks_Form: a link form with problems shows them all and
// makes nothing; the label is the therapist's alone.
func TestTherapistLinks_Form(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	form := ana.get("/therapist/links/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Equal(t, "post", attr(find(t, form.doc, byAttr("action", "/therapist/links")), "method"))

	tests := []struct {
		name, quiz, label, expires string
		problems                   []string
	}{
		{"NoLabel", spectrumQuiz, "  ", "30", []string{"label"}},
		{"LongLabel", spectrumQuiz, strings.Repeat("é", 61), "30", []string{"label"}},
		{"UnknownQuiz", "nope", "X", "30", []string{"quiz"}},
		{"OddExpiry", spectrumQuiz, "X", "1", []string{"expires"}},
		{"PaddedExpiry", spectrumQuiz, "X", "07", []string{"expires"}},
		{"NegativeExpiry", spectrumQuiz, "X", "-7", []string{"expires"}},
		{"Everything", "", "", "", []string{"quiz", "label", "expires"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ana.post("/therapist/links", url.Values{"quiz": {tt.quiz}, "label": {tt.label}, "expires": {tt.expires}})
			require.Equal(t, http.StatusUnprocessableEntity, r.status)
			var got []string
			for _, f := range []string{"quiz", "label", "expires"} {
				if len(findAll(r.doc, byTestID("problem-"+f))) > 0 {
					got = append(got, f)
				}
			}
			assert.Equal(t, tt.problems, got)
			assert.Empty(t, findAll(r.doc, byTestID("share-url")))
			assert.Zero(t, e.count(`SELECT count(*) FROM share_links`))
		})
	}

	for _, days := range []string{"7", "30", "90", "0"} {
		r := ana.post("/therapist/links", url.Values{"quiz": {spectrumQuiz}, "label": {"D" + days}, "expires": {days}})
		assert.Equal(t, http.StatusCreated, r.status, days)
	}
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM share_links WHERE expires_at IS NULL`), "0 is never")
	assert.Equal(t, 4, e.count(`SELECT count(*) FROM share_links WHERE shares_answers = 0`), "no box ticked: scores only")

	const label = "Zephyr <b>private</b> label"
	token, _ := ana.newLink(label, true)
	dash := ana.get("/therapist")
	assert.Contains(t, text(dash.doc), label, "shown as typed")
	assert.Empty(t, findAll(dash.doc, byTag("b")), "not as markup")
	client := newThBrowser(e)
	page := client.get("/share/" + token)
	assert.False(t, strings.Contains(page.body, "Zephyr"), "the client never sees the label")
	client.takeShared(token, samePlan(q, 3))
	personal := client.get("/me/" + client.me())
	find(t, personal.doc, byTestID("sharing"))
	assert.False(t, strings.Contains(personal.body, "Zephyr"), "not on their own page either")
}

// TestTherapistAccount_Signup: every problem of a sign-up is shown, and
// none creates an account.
func TestTherapistAccount_Signup(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	r := ana.signup(thEmail, thName, thPassword)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/therapist", r.location)

	var hash, email, name string
	require.NoError(t, e.raw().QueryRow(`SELECT password_hash, email, display_name FROM therapists`).Scan(&hash, &email, &name))
	assert.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$"), hash)
	assert.Len(t, strings.Split(hash, "$"), 6, "salt and key follow")
	assert.NotContains(t, hash, thPassword)
	assert.False(t, dbHolds(t, e, []byte(thPassword)), "the password is nowhere in the file")
	assert.Equal(t, thEmail, email)
	assert.Equal(t, thName, name)

	tests := []struct {
		name                  string
		email, display, pw    string
		problems              []string
		message, otherMessage string
	}{
		{name: "BadEmail", email: "not-an-email", display: "X", pw: thPassword, problems: []string{"email"},
			message: "Enter an email address"},
		{name: "NameInAddress", email: "Ana <a@example.com>", display: "X", pw: thPassword, problems: []string{"email"}},
		{name: "EmptyName", email: "x@example.com", display: "   ", pw: thPassword, problems: []string{"name"},
			message: "Enter the name clients should see"},
		{name: "ShortPassword", email: "x@example.com", display: "X", pw: "abcdefgh9", problems: []string{"password"},
			message: "Use at least 10 characters."},
		{name: "CommonPassword", email: "x@example.com", display: "X", pw: "password123", problems: []string{"password"},
			message: "one of the most common"},
		{name: "Taken", email: "ANA.Ruiz@Example.com", display: "X", pw: thPassword, problems: []string{"email"},
			message: "already has an account"},
		{name: "Everything", email: "", display: "", pw: "short", problems: []string{"email", "name", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newThBrowser(e)
			before := thRows(t, e, true)
			r := c.signup(tt.email, tt.display, tt.pw)
			require.Equal(t, http.StatusUnprocessableEntity, r.status)
			find(t, r.doc, byTestID("problems"))
			var got []string
			for _, f := range []string{"email", "name", "password"} {
				if ps := findAll(r.doc, byTestID("problem-"+f)); len(ps) > 0 {
					got = append(got, f)
					if tt.message != "" {
						assert.Contains(t, text(ps[0]), tt.message)
					}
				}
			}
			assert.Equal(t, tt.problems, got)
			assert.Equal(t, "", attr(find(t, r.doc, byAttr("name", "password")), "value"), "the password is not sent back")
			if len(tt.pw) >= 8 {
				assert.NotContains(t, r.body, tt.pw)
			}
			assert.Nil(t, setCookieIn(r, sessionCookieName), "no session")
			assert.Equal(t, before, thRows(t, e, true), "nothing written")
		})
	}
}

// TestTherapistAccount_LoginFailuresLookAlike: an unknown address and a
// wrong password get the same answer, so the form tells no one which
// addresses have accounts.
func TestTherapistAccount_LoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	newThBrowser(e).mustSignup(thEmail, thName, thPassword)
	const other = "nobody.here@example.com"

	unknown := newThBrowser(e).login(other, thPassword)
	wrong := newThBrowser(e).login(thEmail, "not the password at all")
	assert.Equal(t, http.StatusUnprocessableEntity, unknown.status)
	assert.Equal(t, unknown.status, wrong.status)
	msg := text(find(t, wrong.doc, byTestID("problems")))
	assert.Contains(t, msg, "do not match an account")
	assert.Equal(t, text(find(t, unknown.doc, byTestID("problems"))), msg)
	assert.Equal(t, strings.ReplaceAll(unknown.body, other, "EMAIL"), strings.ReplaceAll(wrong.body, thEmail, "EMAIL"),
		"the same page, but for the address typed")
	assert.Nil(t, setCookieIn(wrong, sessionCookieName))
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM sessions`), "only the sign-up's session")

	ok := newThBrowser(e)
	r := ok.login("ANA.RUIZ@example.com", thPassword)
	assert.Equal(t, http.StatusSeeOther, r.status, "addresses match whatever their case")
}

// TestTherapistAccount_LoginLimitPerAccount: the eleventh wrong password
// for one account within the window is refused with 429, and so is the
// right one until the window passes.
func TestTherapistAccount_LoginLimitPerAccount(t *testing.T) {
	e := newEnv(t) // the default limits: 10 per account, 30 per address
	newThBrowser(e).mustSignup(thEmail, thName, thPassword)
	newThBrowser(e).mustSignup("bob@example.com", "Bob", "another long passphrase")

	guesser := newThBrowser(e)
	for i := range 10 {
		r := guesser.login(thEmail, "guess number "+strconv.Itoa(i))
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "guess %d", i+1)
	}
	r := guesser.login(thEmail, "guess number 11")
	require.Equal(t, http.StatusTooManyRequests, r.status)
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err, r.header.Get("Retry-After"))
	assert.Positive(t, retry)
	assert.LessOrEqual(t, retry, int((15 * time.Minute).Seconds()))
	assert.Equal(t, "Too many attempts", text(find(t, r.doc, byTag("h1"))))
	assertCalmPage(t, r)

	owner := newThBrowser(e)
	r = owner.login(thEmail, thPassword)
	assert.Equal(t, http.StatusTooManyRequests, r.status, "even the right password waits")
	assert.Nil(t, setCookieIn(r, sessionCookieName))
	assert.Equal(t, http.StatusTooManyRequests, owner.login(strings.ToUpper(thEmail), thPassword).status,
		"another spelling of the address is the same account")
	assert.Equal(t, http.StatusSeeOther, owner.login("bob@example.com", "another long passphrase").status,
		"another account is not blocked by this one's failures")
}

// TestTherapistAccount_LoginLimitPerAddress: many addresses tried from one
// client address are refused too.
func TestTherapistAccount_LoginLimitPerAddress(t *testing.T) {
	e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"),
		web.Config{LoginLimits: web.LoginLimits{Window: time.Minute, PerAccount: 100, PerAddress: 3}})
	newThBrowser(e).mustSignup(thEmail, thName, thPassword)

	guesser := newThBrowser(e)
	for i := range 3 {
		r := guesser.login("someone"+strconv.Itoa(i)+"@example.com", thPassword)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "guess %d", i+1)
	}
	r := guesser.login("someone-else@example.com", thPassword)
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err)
	assert.Positive(t, retry)
	assert.LessOrEqual(t, retry, 60)
	r = newThBrowser(e).login(thEmail, thPassword)
	assert.Equal(t, http.StatusTooManyRequests, r.status, "the same address, a real account, the right password")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM sessions`), "only the sign-up's session")
}

// TestTherapistAccount_SessionRenewedAtLogin: logging in always starts a
// session under a new token, so a token known before (planted by someone
// else) opens nothing.
func TestTherapistAccount_SessionRenewedAtLogin(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	signupToken := ana.cookie(sessionCookieName)
	require.NotEmpty(t, signupToken)
	assert.False(t, dbHolds(t, e, []byte(signupToken)), "session tokens are stored hashed")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM sessions WHERE token = ?`, thSessionKey(signupToken)))

	t.Run("PlantedToken", func(t *testing.T) {
		const planted = "made-up-session-token-chosen-by-an-attacker"
		victim := newThBrowser(e)
		victim.setCookie(sessionCookieName, planted)
		r := victim.login(thEmail, thPassword)
		require.Equal(t, http.StatusSeeOther, r.status)
		c := setCookieIn(r, sessionCookieName)
		require.NotNil(t, c)
		assert.NotEqual(t, planted, c.Value)
		assert.Zero(t, e.count(`SELECT count(*) FROM sessions WHERE token = ?`, thSessionKey(planted)))

		attacker := newThBrowser(e)
		attacker.setCookie(sessionCookieName, planted)
		r = attacker.get("/therapist")
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/login", r.location)
	})
	t.Run("TokenFromEarlierLogin", func(t *testing.T) {
		// A token that was valid before: the attacker's own session on a
		// shared computer, or this browser's own earlier one.
		r := ana.login(thEmail, thPassword)
		require.Equal(t, http.StatusSeeOther, r.status)
		renewed := ana.cookie(sessionCookieName)
		assert.NotEqual(t, signupToken, renewed)
		assert.Equal(t, http.StatusOK, ana.get("/therapist").status)
		old := newThBrowser(e)
		old.setCookie(sessionCookieName, signupToken)
		assert.Equal(t, http.StatusSeeOther, old.get("/therapist").status, "the token from before the login is dead")
		assert.Zero(t, e.count(`SELECT count(*) FROM sessions WHERE token = ?`, thSessionKey(signupToken)))
	})
}

// TestTherapistAccount_Logout: logging out ends the session, on the server
// too, so a copy of the cookie opens nothing.
func TestTherapistAccount_Logout(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token := ana.cookie(sessionCookieName)
	require.Equal(t, http.StatusOK, ana.get("/therapist").status)

	r := ana.post("/logout", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/login", r.location)
	c := setCookieIn(r, sessionCookieName)
	require.NotNil(t, c, "the cookie is cleared")
	assert.Empty(t, c.Value)
	assert.Negative(t, c.MaxAge)
	assert.Zero(t, e.count(`SELECT count(*) FROM sessions`))

	r = ana.get("/therapist")
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/login", r.location)
	find(t, ana.get("/login?out=1").doc, byTestID("notice"))

	copyOf := newThBrowser(e)
	copyOf.setCookie(sessionCookieName, token)
	assert.Equal(t, http.StatusSeeOther, copyOf.get("/therapist").status)
	assert.Equal(t, http.StatusNotFound, copyOf.get("/therapist/account").status)
}

// TestTherapistAccount_PasswordChange: a new password ends every other
// session; the one that changed it goes on.
func TestTherapistAccount_PasswordChange(t *testing.T) {
	e := newEnv(t)
	const newPassword = "a completely new passphrase"
	newThBrowser(e).mustSignup(thEmail, thName, thPassword)
	desk, phone := newThBrowser(e), newThBrowser(e)
	desk.mustLogin(thEmail, thPassword)
	phone.mustLogin(thEmail, thPassword)
	deskBefore := desk.cookie(sessionCookieName)
	hashOf := func() string {
		var h string
		require.NoError(t, e.raw().QueryRow(`SELECT password_hash FROM therapists`).Scan(&h))
		return h
	}
	oldHash := hashOf()

	t.Run("WrongCurrent", func(t *testing.T) {
		r := desk.post("/therapist/account/password", url.Values{"current": {"not my password"}, "password": {newPassword}})
		assert.Equal(t, http.StatusUnprocessableEntity, r.status)
		assert.Contains(t, text(find(t, r.doc, byTestID("problem-current"))), "not your current password")
		assert.NotContains(t, r.body, newPassword)
		assert.Equal(t, oldHash, hashOf())
	})
	t.Run("CommonNew", func(t *testing.T) {
		r := desk.post("/therapist/account/password", url.Values{"current": {thPassword}, "password": {"password123"}})
		assert.Equal(t, http.StatusUnprocessableEntity, r.status)
		find(t, r.doc, byTestID("problem-password"))
		assert.Equal(t, oldHash, hashOf())
	})
	require.Equal(t, http.StatusOK, phone.get("/therapist").status, "failed changes end nothing")

	r := desk.post("/therapist/account/password", url.Values{"current": {thPassword}, "password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, r.status, r.body)
	assert.Equal(t, "/therapist/account", r.location)
	assert.NotEqual(t, oldHash, hashOf())
	assert.True(t, strings.HasPrefix(hashOf(), "$argon2id$v=19$m=19456,t=2,p=1$"))
	find(t, desk.get("/therapist/account?changed=1").doc, byTestID("notice"))

	assert.Equal(t, http.StatusOK, desk.get("/therapist").status, "the changer stays logged in")
	assert.NotEqual(t, deskBefore, desk.cookie(sessionCookieName), "under a new token")
	r = phone.get("/therapist")
	assert.Equal(t, http.StatusSeeOther, r.status, "the other session is over")
	assert.Equal(t, "/login", r.location)
	stale := newThBrowser(e)
	stale.setCookie(sessionCookieName, deskBefore)
	assert.Equal(t, http.StatusSeeOther, stale.get("/therapist").status, "so is the changer's old token")

	assert.Equal(t, http.StatusUnprocessableEntity, newThBrowser(e).login(thEmail, thPassword).status)
	assert.Equal(t, http.StatusSeeOther, newThBrowser(e).login(thEmail, newPassword).status)
}

// TestTherapistAccount_Delete: deleting the account takes its links, the
// consents and their log along; the clients keep their own results.
func TestTherapistAccount_Delete(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	client.takeShared(token, keyPlan(q, 4, 3, nil))
	client.takeShared(token, keyPlan(q, 2, 3, nil))
	shareID := thShareID(t, e, linkID)
	require.Equal(t, http.StatusOK, ana.get("/therapist/clients/"+strconv.FormatInt(shareID, 10)).status)
	me := client.me()
	find(t, client.get("/me/"+me).doc, byTestID("sharing"))
	attempts := e.count(`SELECT count(*) FROM attempts`)

	confirm := ana.get("/therapist/account/delete")
	confirmForm(t, confirm, "/therapist/account/delete")

	r := ana.post("/therapist/account/delete", url.Values{"current": {"not my password"}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	find(t, r.doc, byTestID("problem-current"))
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM therapists`))

	r = ana.post("/therapist/account/delete", url.Values{"current": {thPassword}})
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/deleted", r.location)
	for _, table := range []string{"therapists", "share_links", "shares", "share_events", "sessions"} {
		assert.Zero(t, e.count(`SELECT count(*) FROM `+table), table)
	}
	assert.Zero(t, e.count(`SELECT count(*) FROM access_log WHERE share_id IS NOT NULL`),
		"the client's log of looks stays theirs, without the share")
	assert.Equal(t, attempts, e.count(`SELECT count(*) FROM attempts`), "the client's results stay")

	r = ana.get("/therapist")
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/login", r.location)
	assert.Equal(t, http.StatusUnprocessableEntity, newThBrowser(e).login(thEmail, thPassword).status)
	assert.Equal(t, http.StatusNotFound, client.get("/share/"+token).status)

	personal := client.get("/me/" + me)
	require.Equal(t, http.StatusOK, personal.status)
	sharing := find(t, personal.doc, byTestID("sharing"))
	assert.Empty(t, findAll(sharing, byTestID("share")), "nothing is shared any more")
	assert.NotEmpty(t, findAll(sharing, byTestID("access-row")), "but the client still sees who looked, and when")
	assert.Contains(t, text(sharing), thName)
	assert.Len(t, attemptLinks(t, personal), 2)
}

// TestTherapistAccount_DeletedAccountsOtherSessions: a session the deleted
// account still had on another device must not open the next account,
// even one that SQLite gives the same id (an INTEGER PRIMARY KEY without
// AUTOINCREMENT reuses the highest id once its row is deleted).
func TestTherapistAccount_DeletedAccountsOtherSessions(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	phone := newThBrowser(e)
	phone.mustLogin(thEmail, thPassword)
	idOf := func(email string) int64 {
		var id int64
		require.NoError(t, e.raw().QueryRow(`SELECT id FROM therapists WHERE email = ?`, email).Scan(&id))
		return id
	}
	anaID := idOf(thEmail)
	r := ana.post("/therapist/account/delete", url.Values{"current": {thPassword}})
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM sessions`), "the phone's session is still stored")

	bob := newThBrowser(e)
	bob.mustSignup("bob@example.com", "Bob Stranger", "another long passphrase")
	bob.newLink("Bob's client", true)
	// Without AUTOINCREMENT, Bob gets Ana's id, and with it her sessions:
	// the check below must hold either way.
	t.Logf("Ana's id %d, Bob's %d", anaID, idOf("bob@example.com"))

	t.Run("StaleSessionOpensNoOtherAccount", func(t *testing.T) {
		r := phone.get("/therapist")
		assert.Equal(t, http.StatusSeeOther, r.status, "Ana's old session on her phone opens Bob's dashboard")
		assert.False(t, strings.Contains(r.body, "Bob Stranger"), "Bob's name on Ana's phone")
		r = phone.get("/therapist/account")
		assert.Equal(t, http.StatusNotFound, r.status)
		assert.False(t, strings.Contains(r.body, "bob@example.com"), "Bob's account page on Ana's phone")
	})
}

// TestTherapistSessions_Cookies: the session cookie lives only while the
// browser is open, is never readable by scripts or sent cross-site, and
// with SecureCookies every cookie is Secure.
func TestTherapistSessions_Cookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run("Secure="+strconv.FormatBool(secure), func(t *testing.T) {
			e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{SecureCookies: secure})
			ana := newThBrowser(e)
			r := ana.signup(thEmail, thName, thPassword)
			require.Equal(t, http.StatusSeeOther, r.status)
			lines := map[string]string{}
			collect := func(r *response) {
				for _, line := range r.header.Values("Set-Cookie") {
					c, err := http.ParseSetCookie(line)
					require.NoError(t, err, line)
					lines[c.Name] = line
				}
			}
			collect(r)
			line := lines[sessionCookieName]
			require.NotEmpty(t, line)
			c, err := http.ParseSetCookie(line)
			require.NoError(t, err)
			assert.True(t, c.HttpOnly, line)
			assert.Equal(t, http.SameSiteLaxMode, c.SameSite, line)
			assert.Equal(t, "/", c.Path, line)
			assert.Zero(t, c.MaxAge, line)
			assert.True(t, c.Expires.IsZero(), line)
			assert.NotContains(t, strings.ToLower(line), "max-age", "a browser session")
			assert.NotContains(t, strings.ToLower(line), "expires", "a browser session")
			collect(ana.login(thEmail, thPassword))
			require.Equal(t, http.StatusOK, ana.get("/therapist").status, "the browser sends it back")

			token, _ := ana.newLink("AB", false)
			client := newThBrowser(e)
			page := client.get("/share/" + token)
			collect(client.post("/share/"+token, url.Values{"wording": {thWording(t, page)}}))
			// The client is held for this visit only: a browser session
			// too. Remembering them is asked for from their page; the jar
			// keeps no Secure cookie over plain http, so it is sent here.
			visit, err := http.ParseSetCookie(lines[visitCookie])
			require.NoError(t, err, lines[visitCookie])
			assert.NotContains(t, strings.ToLower(lines[visitCookie]), "max-age", "a browser session")
			assert.NotContains(t, strings.ToLower(lines[visitCookie]), "expires", "a browser session")
			r = client.send("/me/"+visit.Value+"/remember", "", map[string]string{"Cookie": visitCookie + "=" + visit.Value})
			require.Equal(t, http.StatusSeeOther, r.status)
			collect(r)
			for _, name := range []string{sessionCookieName, visitCookie, meCookie, "tandem_draft_" + spectrumQuiz} {
				line := lines[name]
				require.NotEmpty(t, line, name)
				c, err := http.ParseSetCookie(line)
				require.NoError(t, err, line)
				assert.Equal(t, secure, c.Secure, line)
				assert.True(t, c.HttpOnly, line)
				assert.Equal(t, http.SameSiteLaxMode, c.SameSite, line)
			}
			assert.Equal(t, visit.Value, setCookieIn(r, meCookie).Value, "the same person, remembered")
			r = ana.post("/logout", nil)
			c = setCookieIn(r, sessionCookieName)
			require.NotNil(t, c)
			assert.Equal(t, secure, c.Secure, "the cookie that clears it too")
		})
	}
}

// TestTherapistSessions_Expired: a session past its expiry opens nothing.
func TestTherapistSessions_Expired(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	require.Equal(t, http.StatusOK, ana.get("/therapist").status)
	thExec(t, e, `UPDATE sessions SET expiry = ?`, testClock.Add(-time.Minute).Format("2006-01-02T15:04:05.000Z"))

	r := ana.get("/therapist")
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/login", r.location)
	assert.Equal(t, http.StatusNotFound, ana.get("/therapist/account").status)
	assert.Equal(t, http.StatusNotFound, ana.post("/therapist/links", url.Values{
		"quiz": {spectrumQuiz}, "label": {"X"}, "expires": {"30"}}).status)
	assert.Zero(t, e.count(`SELECT count(*) FROM share_links`))
}

// TestTherapistCSRF: every form of the therapist area and of sharing
// refuses a request another site made the browser send, and writes
// nothing.
func TestTherapistCSRF(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	spare, _ := ana.newLink("CD", true)
	client := newThBrowser(e)
	client.takeShared(token, keyPlan(q, 4, 3, nil))
	me := client.me()
	shareID := thShareID(t, e, linkID)
	visitor := newThBrowser(e)
	wording := thWording(t, visitor.get("/share/"+spare))

	tests := []struct {
		name string
		as   *thBrowser
		path string
		form url.Values
	}{
		{"Signup", newThBrowser(e), "/signup", url.Values{"email": {"eve@example.com"}, "name": {"Eve"}, "password": {thPassword}}},
		{"Login", newThBrowser(e), "/login", url.Values{"email": {thEmail}, "password": {thPassword}}},
		{"Logout", ana, "/logout", nil},
		{"LinkCreate", ana, "/therapist/links", url.Values{"quiz": {spectrumQuiz}, "label": {"EV"}, "expires": {"30"}, "answers": {"yes"}}},
		{"LinkRevoke", ana, "/therapist/links/" + strconv.FormatInt(linkID, 10) + "/revoke", nil},
		{"PasswordChange", ana, "/therapist/account/password", url.Values{"current": {thPassword}, "password": {"an attacker's new password"}}},
		{"AccountDelete", ana, "/therapist/account/delete", url.Values{"current": {thPassword}}},
		{"Consent", visitor, "/share/" + spare, url.Values{"wording": {wording}}},
		{"StopSharing", client, "/me/" + me + "/shares/" + strconv.FormatInt(shareID, 10) + "/stop", nil},
	}
	headers := []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, h := range headers {
				before := thRows(t, e, true)
				r := tt.as.send(tt.path, tt.form.Encode(), h)
				assert.Equal(t, http.StatusForbidden, r.status, "%v", h)
				assert.Equal(t, "That request came from somewhere else", text(find(t, r.doc, byTag("h1"))))
				assert.Empty(t, r.header.Values("Set-Cookie"), "%v", h)
				assertCalmPage(t, r)
				assert.Equal(t, before, thRows(t, e, true), "%v: nothing written", h)
			}
		})
	}
	// The same requests from our own pages go through.
	assert.Equal(t, http.StatusOK, ana.get("/therapist").status, "still logged in")
	r := ana.send("/therapist/links/"+strconv.FormatInt(linkID, 10)+"/revoke", "", map[string]string{
		"Sec-Fetch-Site": "same-origin", "Origin": e.srv.URL})
	assert.Equal(t, http.StatusSeeOther, r.status)
	r = client.send("/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop", "", map[string]string{"Origin": e.srv.URL})
	assert.Equal(t, http.StatusSeeOther, r.status)
}

// TestTherapistGETsWriteOnlyTheAccessLog: looking changes nothing but the
// log of looks; GET never logs out, revokes or stops.
func TestTherapistGETsWriteOnlyTheAccessLog(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	first := client.takeShared(token, keyPlan(q, 4, 3, nil))
	client.takeShared(token, keyPlan(q, 2, 3, nil))
	shareID := thShareID(t, e, linkID)
	base := "/therapist/clients/" + strconv.FormatInt(shareID, 10)
	aid := strconv.FormatInt(attemptIDOf(e, first), 10)
	me := client.me()

	before := thRows(t, e, false, "access_log")
	looks := e.count(`SELECT count(*) FROM access_log`)
	for _, path := range []string{
		"/therapist", "/therapist?quiz=" + spectrumQuiz, "/therapist?revoked=1", "/therapist/links/new",
		base, base + "/attempts/" + aid, base + "/compare?quiz=" + spectrumQuiz, "/therapist/export.csv",
		"/therapist/access", "/therapist/account", "/therapist/account?changed=1", "/therapist/account/delete",
		"/login", "/signup", "/therapist/clients/999", "/therapist/links/" + strconv.FormatInt(linkID, 10) + "/revoke",
	} {
		r := ana.get(path)
		assert.Less(t, r.status, 500, path)
	}
	for _, path := range []string{
		"/logout", "/therapist/links", "/therapist/account/password",
	} {
		assert.Equal(t, http.StatusMethodNotAllowed, ana.get(path).status, path)
	}
	assert.Equal(t, http.StatusOK, client.get("/share/"+token).status)
	assert.Equal(t, http.StatusMethodNotAllowed,
		client.get("/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop").status)
	assert.Equal(t, http.StatusOK, client.get("/me/"+me).status)
	anon := newThBrowser(e)
	for _, path := range []string{"/login", "/signup", "/therapist", base, "/share/" + token} {
		assert.Less(t, anon.get(path).status, 500, path)
	}

	assert.Equal(t, before, thRows(t, e, false, "access_log"))
	assert.Equal(t, http.StatusOK, ana.get("/therapist").status, "still logged in")
	assert.Greater(t, e.count(`SELECT count(*) FROM access_log`), looks, "the looks were logged")
}

// TestTherapistLogs: the whole story, with its mistakes, leaves no
// password, token, session, or answer in the log, in either format.
func TestTherapistLogs(t *testing.T) {
	formats := map[string]func(io.Writer) slog.Handler{
		"JSON": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
		"Text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	}
	for name, handler := range formats {
		t.Run(name, func(t *testing.T) {
			var logs syncBuffer
			e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{Logger: slog.New(handler(&logs))})
			q := spectrumOf(t)
			const (
				wrongPassword = "wrong guess of a password"
				newPassword   = "the brand new pass phrase"
			)
			var secrets []string
			ana := newThBrowser(e)
			ana.mustSignup(thEmail, thName, thPassword)
			secrets = append(secrets, ana.cookie(sessionCookieName))
			require.Equal(t, http.StatusUnprocessableEntity, ana.login(thEmail, wrongPassword).status)
			ana.mustLogin(thEmail, thPassword)
			secrets = append(secrets, ana.cookie(sessionCookieName))
			token, linkID := ana.newLink("AB", true)

			client := newThBrowser(e)
			page := client.get("/share/" + token)
			require.Equal(t, http.StatusConflict, client.post("/share/"+token, url.Values{"wording": {"old"}}).status)
			require.Equal(t, http.StatusBadRequest, client.post("/share/"+token, url.Values{"wording": {thWording(t, page)}, "x": {"1"}}).status)
			first := client.consent(token)
			// A page sent with a bad answer first, then the whole quiz.
			p1 := client.get("/attempts/" + first + "/1")
			bad := map[string]int{}
			for _, id := range itemIDsOf(p1) {
				bad[id] = 3
			}
			form := pageForm(t, p1, "next", bad)
			form.Set(itemIDsOf(p1)[0], "9")
			require.Equal(t, http.StatusUnprocessableEntity, client.post("/attempts/"+first+"/1", form).status)
			newPersonBrowser(e, client.c).finish(first, keyPlan(q, 4, 3, nil))
			second := client.takeShared(token, keyPlan(q, 2, 3, nil))
			me := client.me()
			secrets = append(secrets, token, first, second, me)

			shareID := thShareID(t, e, linkID)
			base := "/therapist/clients/" + strconv.FormatInt(shareID, 10)
			for _, path := range []string{
				"/therapist", base, base + "/attempts/" + strconv.FormatInt(attemptIDOf(e, first), 10),
				base + "/compare?quiz=" + spectrumQuiz, "/therapist/export.csv", "/therapist/access",
				"/therapist/clients/99999",
			} {
				ana.get(path)
			}
			require.Equal(t, http.StatusUnprocessableEntity, ana.post("/therapist/account/password",
				url.Values{"current": {wrongPassword}, "password": {newPassword}}).status)
			require.Equal(t, http.StatusSeeOther, ana.post("/therapist/account/password",
				url.Values{"current": {thPassword}, "password": {newPassword}}).status)
			secrets = append(secrets, ana.cookie(sessionCookieName))
			require.Equal(t, http.StatusOK, client.get("/me/"+me).status)
			require.Equal(t, http.StatusSeeOther,
				client.post("/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop", nil).status)
			require.Equal(t, http.StatusGone, ana.get(base+"/attempts/1").status)
			require.Equal(t, http.StatusSeeOther, ana.post("/logout", nil).status)

			out := logs.String()
			require.Contains(t, out, "/therapist/clients/{client}", "requests are logged by route")
			for _, pw := range []string{thPassword, wrongPassword, newPassword} {
				secrets = append(secrets, pw, url.QueryEscape(pw), strings.Fields(pw)[1]+" "+strings.Fields(pw)[2])
			}
			for _, s := range secrets {
				require.NotEmpty(t, s)
				assert.NotContains(t, out, s)
			}
			for _, it := range q.Items() {
				assert.NotContains(t, out, it.ID+"=", "answers stay out of the log")
				assert.NotContains(t, out, `"`+it.ID+`"`)
			}
			assert.NotContains(t, out, "wording=")
			assert.NotContains(t, out, thEmail, "addresses stay out of the log")
		})
	}
}

// TestTherapistHostileInput: forms no page of ours sends get a calm 4xx
// and write nothing; ids that cannot name anything are 404.
func TestTherapistHostileInput(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	spare, _ := ana.newLink("CD", true)
	client := newThBrowser(e)
	first := client.takeShared(token, keyPlan(q, 4, 3, nil))
	me := client.me()
	shareID := strconv.FormatInt(thShareID(t, e, linkID), 10)
	aid := strconv.FormatInt(attemptIDOf(e, first), 10)
	visitor := newThBrowser(e)
	wording := url.QueryEscape(thWording(t, visitor.get("/share/"+spare)))
	huge := strings.Repeat("x", 70<<10)
	pw := url.QueryEscape(thPassword)
	link := "quiz=" + spectrumQuiz + "&label=EV&expires=30"

	tests := []struct {
		name     string
		as       *thBrowser
		path     string
		body     string
		streamed bool
		want     int
	}{
		{"SignupHuge", newThBrowser(e), "/signup", "email=a%40b.example&name=" + huge + "&password=" + pw, false, 413},
		{"SignupHugeStreamed", newThBrowser(e), "/signup", "email=a%40b.example&name=" + huge + "&password=" + pw, true, 413},
		{"LoginHuge", newThBrowser(e), "/login", "email=" + huge + "&password=" + pw, false, 413},
		{"LogoutHuge", ana, "/logout", "x=" + huge, false, 413},
		{"LinkHuge", ana, "/therapist/links", link + "&answers=yes&x=" + huge, false, 413},
		{"LinkHugeStreamed", ana, "/therapist/links", "label=" + huge + "&quiz=" + spectrumQuiz, true, 413},
		{"RevokeHuge", ana, "/therapist/links/" + strconv.FormatInt(linkID, 10) + "/revoke", "x=" + huge, false, 413},
		{"PasswordHuge", ana, "/therapist/account/password", "current=" + pw + "&password=" + huge, false, 413},
		{"DeleteHuge", ana, "/therapist/account/delete", "current=" + pw + "&x=" + huge, false, 413},
		{"ConsentHuge", visitor, "/share/" + spare, "wording=" + wording + "&x=" + huge, false, 413},
		{"ConsentHugeStreamed", visitor, "/share/" + spare, "wording=" + huge, true, 413},
		{"StopHuge", client, "/me/" + me + "/shares/" + shareID + "/stop", "x=" + huge, false, 413},

		{"SignupRepeated", newThBrowser(e), "/signup", "email=a%40b.example&email=c%40d.example&name=A&password=" + pw, false, 400},
		{"LoginRepeated", newThBrowser(e), "/login", "email=" + url.QueryEscape(thEmail) + "&password=x&password=" + pw, false, 400},
		{"LinkRepeated", ana, "/therapist/links", link + "&label=EW", false, 400},
		{"LinkAnswersRepeated", ana, "/therapist/links", link + "&answers=yes&answers=yes", false, 400},
		{"PasswordRepeated", ana, "/therapist/account/password", "current=" + pw + "&current=" + pw + "&password=new+long+password", false, 400},
		{"DeleteRepeated", ana, "/therapist/account/delete", "current=" + pw + "&current=" + pw, false, 400},
		{"ConsentRepeated", visitor, "/share/" + spare, "wording=" + wording + "&wording=" + wording, false, 400},

		{"SignupNotUTF8", newThBrowser(e), "/signup", "email=a%40b.example&name=%ff%fe&password=" + pw, false, 400},
		{"SignupPasswordNotUTF8", newThBrowser(e), "/signup", "email=a%40b.example&name=A&password=%ff" + pw, false, 400},
		{"LoginNotUTF8", newThBrowser(e), "/login", "email=%c3%28&password=" + pw, false, 400},
		{"LinkNotUTF8", ana, "/therapist/links", "quiz=" + spectrumQuiz + "&label=%ff&expires=30", false, 400},
		{"PasswordNotUTF8", ana, "/therapist/account/password", "current=" + pw + "&password=%ffnew+long+password", false, 400},
		{"DeleteNotUTF8", ana, "/therapist/account/delete", "current=%ff", false, 400},

		{"SignupUnknownField", newThBrowser(e), "/signup", "email=a%40b.example&name=A&password=" + pw + "&role=admin", false, 400},
		{"LoginUnknownField", newThBrowser(e), "/login", "email=" + url.QueryEscape(thEmail) + "&password=" + pw + "&remember=1", false, 400},
		{"LinkUnknownField", ana, "/therapist/links", link + "&therapist_id=2", false, 400},
		{"LinkAnswersNotYes", ana, "/therapist/links", link + "&answers=no", false, 400},
		{"PasswordUnknownField", ana, "/therapist/account/password", "current=" + pw + "&password=new+long+password&email=x", false, 400},
		{"DeleteUnknownField", ana, "/therapist/account/delete", "current=" + pw + "&confirm=yes", false, 400},
		{"ConsentUnknownField", visitor, "/share/" + spare, "wording=" + wording + "&person=1", false, 400},
		{"SignupBadEscape", newThBrowser(e), "/signup", "email=%zz&name=A&password=" + pw, false, 400},
		{"LinkBadEscape", ana, "/therapist/links", link + "&answers=%y", false, 400},
		{"ConsentSemicolon", visitor, "/share/" + spare, "wording=" + wording + ";x=1", false, 400},
	}
	before := thRows(t, e, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *response
			if tt.streamed {
				req, err := http.NewRequest(http.MethodPost, e.srv.URL+tt.path, io.MultiReader(strings.NewReader(tt.body)))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r = e.do(tt.as.c, req)
			} else {
				r = tt.as.send(tt.path, tt.body, nil)
			}
			assert.Equal(t, tt.want, r.status)
			assertCalmPage(t, r)
			assert.Equal(t, before, thRows(t, e, false), "nothing written")
		})
	}
	assert.Equal(t, http.StatusOK, ana.get("/therapist").status, "still logged in")
	assert.Equal(t, http.StatusOK, ana.get("/therapist/clients/"+shareID).status)

	t.Run("AbsurdIDs", func(t *testing.T) {
		bob := newThBrowser(e)
		bob.mustSignup("bob@example.com", "Bob", "another long passphrase")
		bobToken, bobLink := bob.newLink("B", true)
		other := newThBrowser(e)
		bobAttempt := strconv.FormatInt(attemptIDOf(e, other.takeShared(bobToken, keyPlan(q, 4, 3, nil))), 10)
		bobShare := strconv.FormatInt(thShareID(t, e, bobLink), 10)
		// A result of someone who shares nothing with anyone.
		strangerToken, _ := newPersonBrowser(e, newThBrowser(e).c).take(samePlan(q, 2))
		stranger := strconv.FormatInt(attemptIDOf(e, strangerToken), 10)
		before := thRows(t, e, false, "access_log")

		var paths []string
		for _, id := range []string{"0", "-1", "99999999999999999999", "abc", "01", "1e3", "%20" + shareID, shareID + ".0", bobShare} {
			paths = append(paths, "/therapist/clients/"+id, "/therapist/clients/"+id+"/compare",
				"/therapist/clients/"+id+"/attempts/"+aid)
		}
		for _, id := range []string{"0", "-1", "99999999999999999999", "abc", "01", bobAttempt, stranger} {
			paths = append(paths, "/therapist/clients/"+shareID+"/attempts/"+id)
		}
		for _, p := range paths {
			r := ana.get(p)
			assert.Equal(t, http.StatusNotFound, r.status, p)
			assertCalmPage(t, r)
		}
		for _, id := range []string{"0", "-1", "99999999999999999999", "abc", strconv.FormatInt(bobLink, 10)} {
			p := "/therapist/links/" + id + "/revoke"
			assert.Equal(t, http.StatusNotFound, ana.post(p, nil).status, p)
		}
		for _, id := range []string{"0", "-1", "99999999999999999999", "abc", bobShare} {
			p := "/me/" + me + "/shares/" + id + "/stop"
			assert.Equal(t, http.StatusNotFound, client.post(p, nil).status, p)
		}
		for _, id := range []string{"compare?from=" + bobAttempt, "compare?from=" + stranger, "compare?to=abc",
			"compare?from=" + aid + "&to=" + aid} {
			p := "/therapist/clients/" + shareID + "/" + id
			assert.Contains(t, []int{http.StatusNotFound, http.StatusBadRequest}, ana.get(p).status, p)
		}
		anon := newThBrowser(e)
		assert.Equal(t, http.StatusNotFound, anon.get("/therapist/clients/"+shareID).status, "not logged in")
		assert.Equal(t, http.StatusNotFound, anon.get("/therapist/clients/"+shareID+"/attempts/"+aid).status)
		assert.Equal(t, before, thRows(t, e, false, "access_log"))
	})

	// The consent form's only field is compared with the text's version,
	// so bytes no page sends read as "the text changed" (409), where every
	// other form says the form is not ours (400).
	t.Run("ConsentNotUTF8_Is400", func(t *testing.T) {
		r := visitor.send("/share/"+spare, "wording=%ff", nil)
		assert.Equal(t, http.StatusBadRequest, r.status)
	})
}

// Helpers for the tests above.

// thBrowser is one browser with its own cookies, a therapist or a client:
// a personBrowser with the therapist's steps.
type thBrowser struct{ *personBrowser }

func newThBrowser(e *env) *thBrowser { return &thBrowser{newPersonBrowser(e, e.newClient())} }

// post sends a form, with no extra headers.
func (b *thBrowser) post(path string, form url.Values) *response {
	b.e.t.Helper()
	return b.personBrowser.post(path, form, nil)
}

// cookie is the value of the browser's cookie called name, or "".
func (b *thBrowser) cookie(name string) string {
	for _, c := range b.c.Jar.Cookies(mustURL(b.e.t, b.e.srv.URL)) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie plants a cookie in the browser, as a script on another
// subdomain or a person at the keyboard could.
func (b *thBrowser) setCookie(name, value string) {
	b.c.Jar.SetCookies(mustURL(b.e.t, b.e.srv.URL), []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func (b *thBrowser) signup(email, name, password string) *response {
	b.e.t.Helper()
	return b.post("/signup", url.Values{"email": {email}, "name": {name}, "password": {password}})
}

func (b *thBrowser) mustSignup(email, name, password string) {
	b.e.t.Helper()
	r := b.signup(email, name, password)
	require.Equal(b.e.t, http.StatusSeeOther, r.status, r.body)
	require.Equal(b.e.t, "/therapist", r.location)
}

func (b *thBrowser) login(email, password string) *response {
	b.e.t.Helper()
	return b.post("/login", url.Values{"email": {email}, "password": {password}})
}

func (b *thBrowser) mustLogin(email, password string) {
	b.e.t.Helper()
	r := b.login(email, password)
	require.Equal(b.e.t, http.StatusSeeOther, r.status, r.body)
	require.Equal(b.e.t, "/therapist", r.location)
}

// newLink makes a link to the shipped quiz and returns its token, read
// off the page that shows it when made, and its id.
func (b *thBrowser) newLink(label string, answers bool) (string, int64) {
	t := b.e.t
	t.Helper()
	form := url.Values{"quiz": {spectrumQuiz}, "label": {label}, "expires": {"30"}}
	if answers {
		form.Set("answers", "yes")
	}
	r := b.post("/therapist/links", form)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	inputs := findAll(r.doc, byTestID("share-url"))
	require.Len(t, inputs, 1)
	abs := attr(inputs[0], "value")
	prefix := b.e.srv.URL + "/share/"
	require.True(t, strings.HasPrefix(abs, prefix), abs)
	token := strings.TrimPrefix(abs, prefix)
	require.True(t, tandem.ValidToken(token), token)
	assert.Equal(t, 1, strings.Count(r.body, token), "the link is on the page once")
	var id int64
	require.NoError(t, b.e.raw().QueryRow(`SELECT id FROM share_links WHERE token_hash = ?`, tandem.HashToken(token)).Scan(&id))
	return token, id
}

// consent opens a link as a client and agrees to the text the page shows;
// it returns the token of the attempt that starts.
func (b *thBrowser) consent(token string) string {
	t := b.e.t
	t.Helper()
	page := b.get("/share/" + token)
	require.Equal(t, http.StatusOK, page.status, page.body)
	r := b.post("/share/"+token, url.Values{"wording": {thWording(t, page)}})
	require.Equal(t, http.StatusSeeOther, r.status, r.body)
	parts := strings.Split(r.location, "/") // /attempts/{token}/1
	require.Len(t, parts, 4, r.location)
	require.Equal(t, "attempts", parts[1])
	require.Equal(t, "1", parts[3])
	return parts[2]
}

// takeShared agrees through a link and completes the quiz with plan; it
// returns the attempt's token.
func (b *thBrowser) takeShared(token string, plan map[string]int) string {
	b.e.t.Helper()
	at := b.consent(token)
	b.finish(at, plan)
	return at
}

// thWording is the consent text's version, from the consent page's form.
func thWording(tb testing.TB, page *response) string {
	tb.Helper()
	in := find(tb, page.doc, byAttr("name", "wording"))
	require.Equal(tb, "hidden", attr(in, "type"))
	v := attr(in, "value")
	require.NotEmpty(tb, v)
	return v
}

// thShareID is the id of the one share through the link: the client's id
// in the therapist's URLs.
func thShareID(tb testing.TB, e *env, linkID int64) int64 {
	tb.Helper()
	var id int64
	require.NoError(tb, e.raw().QueryRow(`SELECT id FROM shares WHERE link_id = ?`, linkID).Scan(&id))
	return id
}

// thSessionKey is how the session store keeps a session token.
func thSessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// thCSV reads a CSV download.
func thCSV(tb testing.TB, r *response) [][]string {
	tb.Helper()
	require.Equal(tb, http.StatusOK, r.status)
	assert.True(tb, strings.HasPrefix(r.header.Get("Content-Type"), "text/csv"), r.header.Get("Content-Type"))
	records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	require.NoError(tb, err)
	return records
}

// thKinds counts a client's rows of the therapist's export by kind.
func thKinds(records [][]string, shareID int64) map[string]int {
	kinds := map[string]int{}
	for _, rec := range records[1:] {
		if rec[0] == strconv.FormatInt(shareID, 10) {
			kinds[rec[6]]++
		}
	}
	return kinds
}

// thExec changes the database behind the server's back, for what tests
// cannot wait for: a link that expired, a session that ran out.
func thExec(tb testing.TB, e *env, query string, args ...any) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.dbPath+"?_busy_timeout=5000")
	require.NoError(tb, err)
	defer db.Close()
	res, err := db.Exec(query, args...)
	require.NoError(tb, err)
	n, err := res.RowsAffected()
	require.NoError(tb, err)
	require.Positive(tb, n, query)
}

// thRows is every row of every table, for comparing before and after a
// request; tables in skip are left out. Unless strict, sessions are read
// by token only: every request of a logged-in therapist saves its session
// again, with a later expiry and its data encoded afresh.
func thRows(tb testing.TB, e *env, strict bool, skip ...string) map[string][]string {
	tb.Helper()
	db := e.raw()
	names, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	require.NoError(tb, err)
	var tables []string
	for names.Next() {
		var n string
		require.NoError(tb, names.Scan(&n))
		tables = append(tables, n)
	}
	require.NoError(tb, names.Err())
	names.Close()
	require.Contains(tb, tables, "shares")

	out := map[string][]string{}
	for _, table := range tables {
		if slices.Contains(skip, table) {
			continue
		}
		query := `SELECT * FROM "` + table + `"`
		if table == "sessions" && !strict {
			query = `SELECT token FROM sessions`
		}
		rows, err := db.Query(query)
		require.NoError(tb, err)
		cols, err := rows.Columns()
		require.NoError(tb, err)
		list := []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(tb, rows.Scan(ptrs...))
			var b bytes.Buffer
			for i, v := range vals {
				if raw, ok := v.([]byte); ok && len(raw) > 64 {
					sum := sha256.Sum256(raw) // a quiz's source: short in a diff
					v = "sha256:" + hex.EncodeToString(sum[:8])
				}
				fmt.Fprintf(&b, "%s=%v;", cols[i], v)
			}
			list = append(list, b.String())
		}
		require.NoError(tb, rows.Err())
		rows.Close()
		slices.Sort(list)
		out[table] = list
	}
	return out
}

// TestTherapistLinks_CopyAgain: an active link can be copied again from
// the dashboard, derived from the server's key; a revoked one cannot, and
// a server with another key (the key file lost) shows none, while the
// links themselves keep working.
func TestTherapistLinks_CopyAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tandem.db")
	key := bytes.Repeat([]byte{7}, 32)
	e := newEnvConfig(t, path, web.Config{LinkKey: key})
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	kept, keptID := ana.newLink("AB", false)
	revoked, revokedID := ana.newLink("CD", false)
	require.Equal(t, http.StatusSeeOther, ana.post("/therapist/links/"+strconv.FormatInt(revokedID, 10)+"/revoke", nil).status)

	dash := ana.get("/therapist")
	assert.Equal(t, e.srv.URL+"/share/"+kept, attr(find(t, dash.doc, byTestID("share-url-"+strconv.FormatInt(keptID, 10))), "value"))
	assert.Empty(t, findAll(dash.doc, byTestID("share-url-"+strconv.FormatInt(revokedID, 10))), "a revoked link is not offered")
	assert.NotContains(t, dash.body, revoked)

	// The same database behind a server with another key.
	e.srv.Close()
	other := newEnvConfig(t, path, web.Config{LinkKey: bytes.Repeat([]byte{8}, 32)})
	ana = newThBrowser(other)
	ana.mustLogin(thEmail, thPassword)
	dash = ana.get("/therapist")
	assert.Empty(t, findAll(dash.doc, byTestID("share-url-"+strconv.FormatInt(keptID, 10))), "a link another key made cannot be shown")
	assert.NotContains(t, dash.body, kept)
	assert.Equal(t, http.StatusOK, newThBrowser(other).get("/share/"+kept).status, "it still works")
}

// TestTherapistFlow_PrivateStaysPrivate: a client who shares still takes
// the quiz privately when they choose to (declining on another link, or
// from the quiz's own page): only attempts started through the link, or
// with the "take it again for …" button, reach the therapist.
func TestTherapistFlow_PrivateStaysPrivate(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	shared := client.takeShared(token, keyPlan(q, 4, 3, nil))
	private, _ := newPersonBrowser(e, client.c).take(keyPlan(q, 2, 3, nil))
	shareID := thShareID(t, e, linkID)
	clientPath := "/therapist/clients/" + strconv.FormatInt(shareID, 10)

	page := ana.get(clientPath)
	require.Equal(t, http.StatusOK, page.status)
	assert.Len(t, findAll(page.doc, byTestID("attempt")), 1, "the private attempt is not shared")
	assert.Equal(t, http.StatusOK, ana.get(clientPath+"/attempts/"+strconv.FormatInt(attemptIDOf(e, shared), 10)).status)
	assert.Equal(t, http.StatusNotFound, ana.get(clientPath+"/attempts/"+strconv.FormatInt(attemptIDOf(e, private), 10)).status)

	// Taking it again for the therapist, from the personal page.
	me := client.me()
	personal := client.get("/me/" + me)
	retake := attr(find(t, find(t, personal.doc, byTestID("share")), byTestID("share-retake")).Parent, "action")
	assert.Equal(t, "/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/attempts", retake)
	r := client.post(retake, nil)
	require.Equal(t, http.StatusSeeOther, r.status, r.body)
	again := strings.Split(r.location, "/")[2]
	newPersonBrowser(e, client.c).finish(again, keyPlan(q, 3, 3, nil))
	page = ana.get(clientPath)
	assert.Len(t, findAll(page.doc, byTestID("attempt")), 2, "the retake for the therapist is shared")

	// Once stopped, the button is gone and the route refuses.
	require.Equal(t, http.StatusSeeOther, client.post("/me/"+me+"/shares/"+strconv.FormatInt(shareID, 10)+"/stop", nil).status)
	personal = client.get("/me/" + me)
	assert.Empty(t, findAll(personal.doc, byTestID("share-retake")))
	assert.Equal(t, http.StatusNotFound, client.post(retake, nil).status)
}

// TestTherapistAccount_ConcurrentGuesses: guesses sent at the same moment
// are each counted before they are checked, so a burst cannot try more
// passwords than the limit allows; the current password, asked again to
// change it or delete the account, is limited the same way.
func TestTherapistAccount_ConcurrentGuesses(t *testing.T) {
	e := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{LoginLimits: web.LoginLimits{PerAccount: 5, PerAddress: 100}})
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)

	const burst = 20
	codes := make(chan int, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- newThBrowser(e).login(thEmail, "wrong password, guess").status
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	assert.Equal(t, map[int]int{http.StatusUnprocessableEntity: 5, http.StatusTooManyRequests: burst - 5}, count,
		"only the limit's worth of guesses is checked")

	// Strangers at the login do not lock the owner, logged in before, out
	// of changing the password; guesses at the current password from a
	// session are limited on their own.
	for i := range 5 {
		r := ana.post("/therapist/account/password", url.Values{"current": {"another guess here"}, "password": {"a brand new passphrase"}})
		assert.Equal(t, http.StatusUnprocessableEntity, r.status, "guess %d", i+1)
	}
	r := ana.post("/therapist/account/password", url.Values{"current": {thPassword}, "password": {"a brand new passphrase"}})
	assert.Equal(t, http.StatusTooManyRequests, r.status, "the sixth, even right, is refused")
	assert.NotEmpty(t, r.header.Get("Retry-After"))

	bob := newThBrowser(e)
	bob.mustSignup("bob@example.com", "Bob", "another long passphrase")
	r = bob.post("/therapist/account/password", url.Values{"current": {"another long passphrase"}, "password": {"a brand new passphrase"}})
	assert.Equal(t, http.StatusSeeOther, r.status, "another account is not held up")
}

// TestTherapistClients_Numbered: two people who share through one link are
// numbered in the order they agreed, and keep their numbers whoever was
// active last; the client's page and the access log use the same names.
// A HEAD request is a look, logged like a GET.
func TestTherapistClients_Numbered(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, _ := ana.newLink("Couple", false)
	first, second := newThBrowser(e), newThBrowser(e)
	first.takeShared(token, keyPlan(q, 4, 3, nil))
	second.takeShared(token, keyPlan(q, 2, 3, nil))

	names := func() map[string]string { // client URL -> name
		t.Helper()
		out := map[string]string{}
		for _, c := range findAll(ana.get("/therapist").doc, byTestID("client")) {
			a := find(t, c, byTag("a"))
			out[attr(a, "href")] = text(a)
		}
		return out
	}
	before := names()
	assert.ElementsMatch(t, []string{"Couple · 1", "Couple · 2"}, slices.Collect(maps.Values(before)))
	first.takeShared(token, keyPlan(q, 3, 3, nil)) // the first is now the most recently active
	assert.Equal(t, before, names(), "numbers do not move with activity")
	for url, name := range before {
		page := ana.get(url)
		assert.Equal(t, name, text(find(t, page.doc, byTag("h1"))))
		assert.Empty(t, findAll(page.doc, byAttr("class", "flag")), "no read-with-care flags: the link shares no answers")
	}
	logged := e.count(`SELECT count(*) FROM access_log`)
	req, err := http.NewRequest(http.MethodHead, e.srv.URL+"/therapist", nil)
	require.NoError(t, err)
	res, err := ana.c.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, logged+2, e.count(`SELECT count(*) FROM access_log`), "HEAD is a look at both clients' latest results")
	access := ana.get("/therapist/access")
	for _, name := range before {
		assert.Contains(t, text(access.doc), name)
	}
}

// TestTherapistFlow_RetakeOnlyFromOwnPage: "take it again for …" starts an
// attempt only in a browser that holds the personal page as its own; a
// page opened in another browser, however it was opened, asks first and
// offers no such button.
func TestTherapistFlow_RetakeOnlyFromOwnPage(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	client.takeShared(token, keyPlan(q, 4, 3, nil))
	me := client.me()
	retake := "/me/" + me + "/shares/" + strconv.FormatInt(thShareID(t, e, linkID), 10) + "/attempts"

	other := newThBrowser(e)
	newPersonBrowser(e, other.c).take(samePlan(q, 3)) // holds a person of its own
	attempts := e.count(`SELECT count(*) FROM attempts`)
	page := other.get("/me/" + me)
	find(t, page.doc, byTestID("adopt"))
	assert.Empty(t, findAll(page.doc, byTestID("share-retake")), "not this browser's page: no retake")
	r := other.post(retake, nil)
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/me/"+me, r.location, "sent to the page, which asks first")
	assert.Equal(t, attempts, e.count(`SELECT count(*) FROM attempts`), "nothing started")

	fresh := newThBrowser(e)
	for _, site := range []string{"cross-site", "none"} {
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/me/"+me, nil)
		require.NoError(t, err)
		req.Header.Set("Sec-Fetch-Site", site)
		page = e.do(fresh.c, req)
		find(t, page.doc, byTestID("adopt"))
		assert.Empty(t, findAll(page.doc, byTestID("share-retake")), "%s, in a browser that holds no page: no retake", site)
	}
	r = fresh.post(retake, nil)
	assert.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, attempts, e.count(`SELECT count(*) FROM attempts`), "nothing started")

	r = client.post(retake, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.True(t, strings.HasPrefix(r.location, "/attempts/"), r.location)
}

// TestTherapistFlow_SaysWhoWillSee: the pages of an attempt taken for a
// therapist name them, and so do the links that resume it; a private
// attempt's pages say nothing of the kind.
func TestTherapistFlow_SaysWhoWillSee(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, _ := ana.newLink("AB", false)
	client := newThBrowser(e)
	shared := client.consent(token)
	page := client.get("/attempts/" + shared + "/1")
	assert.Contains(t, text(find(t, page.doc, byTestID("shared-with"))), thName)
	assert.Contains(t, text(find(t, client.get("/quizzes/"+spectrumQuiz).doc, byTestID("resume-shared"))), thName)
	home := text(find(t, client.get("/").doc, byTestID("resume-shared")))
	assert.Contains(t, home, "your therapist")
	assert.NotContains(t, home, thName, "the most public page does not name them")

	private := newPersonBrowser(e, client.c).start()
	page = client.get("/attempts/" + private + "/1")
	assert.Empty(t, findAll(page.doc, byTestID("shared-with")))
	assert.Empty(t, findAll(client.get("/").doc, byTestID("resume-shared")), "the draft it resumes now is private")
}

// TestTherapistSessions_Timeouts: a session expires an hour after its last
// request (idle) and never later than twelve hours after logging in
// (absolute): the stored expiry is the earlier of the two, and a request
// moves the first but not the second.
func TestTherapistSessions_Timeouts(t *testing.T) {
	e := newEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	read := func() (expiry, deadline time.Time) {
		t.Helper()
		var data []byte
		var stored string
		require.NoError(t, e.raw().QueryRow(`SELECT data, expiry FROM sessions`).Scan(&data, &stored))
		expiry, err := time.Parse("2006-01-02T15:04:05.000Z", stored)
		require.NoError(t, err)
		deadline, _, err = scs.GobCodec{}.Decode(data)
		require.NoError(t, err)
		return expiry, deadline
	}
	expiry, deadline := read()
	now := time.Now() // scs keeps time by the wall clock
	assert.WithinDuration(t, now.Add(time.Hour), expiry, time.Minute, "idle: an hour from now")
	assert.WithinDuration(t, now.Add(12*time.Hour), deadline, time.Minute, "absolute: twelve hours from logging in")

	time.Sleep(5 * time.Millisecond)
	require.Equal(t, http.StatusOK, ana.get("/therapist").status)
	later, sameDeadline := read()
	assert.True(t, later.After(expiry), "each request keeps an active session alive")
	assert.Equal(t, deadline, sameDeadline, "but never past the absolute limit")
}

// TestTherapistDashboard_FilterAndOrder: links come most recently active
// first (a client's consent or result counts, not only the link's age),
// and ?quiz= keeps one questionnaire's links.
func TestTherapistDashboard_FilterAndOrder(t *testing.T) {
	e := newEnv(t, shipped(t)[0], fixture(t, "weighted-sleep.yaml"))
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	older, _ := ana.newLink("Older", false)
	e.at(testClock.Add(time.Hour))
	r := ana.post("/therapist/links", url.Values{"quiz": {"weighted-sleep"}, "label": {"Newer"}, "expires": {"30"}})
	require.Equal(t, http.StatusCreated, r.status, r.body)
	labels := func(path string) []string {
		t.Helper()
		var out []string
		for _, g := range findAll(ana.get(path).doc, byTestID("link-group")) {
			out = append(out, text(find(t, g, byTag("h2"))))
		}
		return out
	}
	assert.Equal(t, []string{"Newer", "Older"}, labels("/therapist"), "the newer link first, while no one used either")

	e.at(testClock.Add(2 * time.Hour))
	newThBrowser(e).takeShared(older, keyPlan(q, 4, 3, nil))
	assert.Equal(t, []string{"Older", "Newer"}, labels("/therapist"), "the link a client just used comes first")
	assert.Equal(t, []string{"Newer"}, labels("/therapist?quiz=weighted-sleep"))
	assert.Equal(t, []string{"Older"}, labels("/therapist?quiz="+spectrumQuiz))
	assert.Equal(t, []string{"Older", "Newer"}, labels("/therapist?quiz=no-such-quiz"), "an unknown quiz filters nothing")
}

// TestTherapistAccount_LoginLimitBehindProxy: failed logins are counted by
// the address the server sees; X-Forwarded-For counts only from a trusted
// proxy, so a guesser cannot make up addresses to escape the limit.
func TestTherapistAccount_LoginLimitBehindProxy(t *testing.T) {
	guess := func(e *env, forwardedFor string) int {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/login",
			strings.NewReader(url.Values{"email": {"x@example.com"}, "password": {"a wrong password"}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		return e.do(e.newClient(), req).status
	}
	limits := web.LoginLimits{Window: time.Minute, PerAccount: 100, PerAddress: 1}

	direct := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"), web.Config{LoginLimits: limits})
	assert.Equal(t, http.StatusUnprocessableEntity, guess(direct, "203.0.113.1"))
	assert.Equal(t, http.StatusTooManyRequests, guess(direct, "203.0.113.2"), "made-up addresses do not help")

	proxied := newEnvConfig(t, filepath.Join(t.TempDir(), "t.db"),
		web.Config{LoginLimits: limits, TrustedProxies: []string{"127.0.0.1/32", "::1/128"}})
	assert.Equal(t, http.StatusUnprocessableEntity, guess(proxied, "203.0.113.1"))
	assert.Equal(t, http.StatusUnprocessableEntity, guess(proxied, "203.0.113.2"), "another client behind the proxy")
	assert.Equal(t, http.StatusTooManyRequests, guess(proxied, "203.0.113.1"))
}
