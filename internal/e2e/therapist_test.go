package e2e_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTherapist follows a therapist and a client through sharing, each in
// a browser of their own (separate cookies), the client's with scripts
// off: the therapist signs up, logs out and in again, and makes a link
// that shares answers; the client reads what will be shared, agrees, and
// takes the quiz twice through the link; the therapist sees the client,
// their trends, a result with its answers and the comparison, and revokes
// the link, which then shows the client a kind 410; the client sees every
// look in their access log and stops sharing, which the therapist sees.
//
// Every page is checked as every page is (axe in light and dark,
// structure, budgets), and each kind of therapist and consent page also
// gets TestPages' checks: the skip link, reflow at 320 px and 200% zoom,
// reduced motion, 44 px targets.
func TestTherapist(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	th := srv.open(t)            // the therapist's browser
	cl := srv.open(t, withoutJS) // the client's: no JavaScript
	const (
		email    = "robin@clinic.example"
		name     = "Robin Ash"
		password = "lantern-orchard-7"
	)
	// layout runs TestPages' checks on the page tb shows, in a subtest
	// named after the page, so that a failure says where and the flow
	// goes on.
	layout := func(tb *tab, page string) {
		t.Helper()
		t.Run(page, func(t *testing.T) { tb.on(t).layoutChecks() })
	}

	// Sign up: first empty, which comes back with every problem; then
	// log out and in again (a wrong password first); then a new link,
	// first without its label.
	th.visit("/signup")
	layout(th, "signup")
	require.EqualValues(t, 422, th.clickAndLoad(`form[action="/signup"] button[type=submit]`).Status)
	th.formProblems("email", "name", "password")
	layout(th, "signup with problems")

	th.fill("#f-email", email)
	th.fill("#f-name", name)
	th.fill("#f-password", password)
	require.EqualValues(t, 200, th.clickAndLoad(`form[action="/signup"] button[type=submit]`).Status)
	require.Equal(t, "/therapist", th.path(), "sign-up leads to the dashboard")
	assert.Contains(t, th.text("main .lead"), name)
	assert.Equal(t, 1, th.count(`[data-testid=empty]`), "no links yet")
	layout(th, "dashboard, empty")

	th.clickAndLoad(`form[action="/logout"] button`)
	require.Equal(t, "/login?out=1", th.path())
	assert.Equal(t, 1, th.count(`[data-testid=notice][role=status]`), "logging out is announced")
	layout(th, "login")
	th.fill("#f-email", email)
	th.fill("#f-password", "not-"+password)
	require.EqualValues(t, 422, th.clickAndLoad(`form[action="/login"] button[type=submit]`).Status)
	assert.True(t, th.focused(`[data-testid=problems][role=alert]`), "the focus is on the error, an alert: %s", th.active())
	assert.Equal(t, email, th.attr("#f-email", "value"), "the address is kept")
	layout(th, "login with problems")
	th.fill("#f-password", password)
	require.EqualValues(t, 200, th.clickAndLoad(`form[action="/login"] button[type=submit]`).Status)
	require.Equal(t, "/therapist", th.path(), "logging in leads to the dashboard")

	th.clickAndLoad(`main a.button[href="/therapist/links/new"]`)
	require.Equal(t, "/therapist/links/new", th.path())
	layout(th, "new link")
	th.do(chromedp.SetValue(`#f-quiz`, srv.quiz.ID))
	th.click(`input[name=answers]`)
	require.EqualValues(t, 422, th.clickAndLoad(`form[action="/therapist/links"] button[type=submit]`).Status)
	th.formProblems("label")
	assert.Equal(t, srv.quiz.ID, eval[string](th, `document.querySelector("#f-quiz").value`), "the quiz is kept")
	assert.True(t, eval[bool](th, `document.querySelector("input[name=answers]").checked`), "the box is kept")
	layout(th, "new link with problems")
	th.fill("#f-label", "AB")
	require.EqualValues(t, 201, th.clickAndLoad(`form[action="/therapist/links"] button[type=submit]`).Status)
	assert.Contains(t, th.text(`[data-testid=new-link] h2`), "AB")
	assert.True(t, eval[bool](th, `document.querySelector("button[data-copy=share-url]").checkVisibility()`),
		"the copy button shows where JavaScript runs")
	share, err := url.Parse(th.attr(`[data-testid=share-url]`, "value"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(share.Path, "/share/"), "a share link, not %s", share)
	assert.Equal(t, mustOrigin(srv.URL), share.Scheme+"://"+share.Host, "the link is to this server")
	layout(th, "link created")

	// The client reads what the therapist will see. The consent text
	// changing while the page is open (a new wording) asks them to read it
	// again; they agree, and take the quiz.
	cl.visit(share.Path)
	assert.Contains(t, cl.text("h1"), name, "the therapist is named")
	assert.Contains(t, cl.text(`[data-testid=sees]`), name)
	assert.Equal(t, 1, cl.count(`[data-testid=sees] [data-testid=sees-answers]`), "the answers are shared, and it says so")
	assert.Zero(t, cl.count(`[data-testid=notsees-answers]`))
	layout(cl, "consent")
	eval[bool](cl, `(document.querySelector("input[name=wording]").value = "2000-01-01", true)`)
	require.EqualValues(t, 409, cl.clickAndLoad(`[data-testid=agree]`).Status)
	assert.Equal(t, 1, cl.count(`[data-testid=changed][role=alert]`), "the change is announced")
	layout(cl, "consent changed")
	for round := range 2 {
		if round > 0 {
			cl.visit(share.Path)
		}
		require.EqualValues(t, 200, cl.clickAndLoad(`[data-testid=agree]`).Status)
		require.True(t, strings.HasSuffix(cl.path(), "/1"), "agreeing starts the quiz, not %s", cl.path())
		cl.takeByClicks(round)
		cl.resultPresent()
	}

	// The therapist finds the client with both results, their trends,
	// a result with the answers, and the comparison.
	th.visit("/therapist")
	require.Equal(t, 1, th.count(`[data-testid=client]`), "one client")
	assert.Contains(t, th.text(`[data-testid=client]`), "2 results")
	assert.Contains(t, th.text(`[data-testid=link-group] h2`), "AB")
	layout(th, "dashboard")
	th.clickAndLoad(`[data-testid=client] a`)
	client := th.path()
	require.True(t, strings.HasPrefix(client, "/therapist/clients/"), client)
	assert.Equal(t, 2, th.count(`[data-testid=attempt]`), "both results")
	assert.Equal(t, len(srv.quiz.Scales)+1, th.count(`[data-testid=quiz-trend] figure.trend-chart svg[role=img]`),
		"a trend chart for each scale and the spectrum")
	assert.True(t, eval[bool](th, `[...document.querySelectorAll("[data-testid=quiz-trend] figure.trend-chart svg")].every((e) => e.checkVisibility())`),
		"the trend charts show")
	assert.Zero(t, th.count(`main a[href=""]`), "no link that goes nowhere: %s",
		eval[string](th, `(document.querySelector('main a[href=""]') || {outerHTML: ""}).outerHTML`))
	layout(th, "client")
	th.clickAndLoad(`[data-testid=attempt] a`)
	result := th.path()
	require.True(t, strings.HasPrefix(result, client+"/attempts/"), result)
	th.resultShared()
	assert.Equal(t, client, th.attr(`main .eyebrow a`, "href"), "a way back to the client")
	layout(th, "client result")
	th.visit(client)
	th.clickAndLoad(`[data-testid=compare-link]`)
	require.True(t, strings.HasPrefix(th.path(), client+"/compare"), th.path())
	assert.Equal(t, len(srv.quiz.Scales), th.count(`[data-testid=scale-change]`), "a row for each scale")
	assert.Positive(t, th.count(`[data-testid=moves] li`), "the answers that moved most, as answers are shared")
	assert.Equal(t, client, th.attr(`main .eyebrow a`, "href"), "a way back to the client")
	assert.Contains(t, th.text(`main .eyebrow a`), "AB", "that names the client")
	assert.Equal(t, 1, th.count(`nav.therapist-nav`), "the therapist's menu, as on their other pages")
	layout(th, "client compare")
	th.visit("/therapist/access")
	assert.GreaterOrEqual(t, th.count(`[data-testid=access-row]`), 4, "the dashboard, the client, the result, the comparison")
	assert.Equal(t, client, th.attr(`[data-testid=access-row] a`, "href"), "each look names its client")
	layout(th, "access log")
	th.clickAndLoad(`nav a[href="/therapist/account"]`)
	assert.Contains(t, th.text("dl.facts"), email)
	layout(th, "account")
	th.clickAndLoad(`a[href="/therapist/account/delete"]`)
	assert.Equal(t, 1, th.count(`input#f-current[type=password][autocomplete=current-password]`), "the password confirms")
	layout(th, "account delete")

	// The therapist revokes the link: the client who shares keeps sharing,
	// and the link tells anyone who opens it, kindly, that it has ended.
	th.visit("/therapist")
	th.clickAndLoad(`[data-testid=link-group] [data-testid=revoke]`)
	layout(th, "revoke, asked")
	th.clickAndLoad(`main form[action$="/revoke"] button[type=submit]`)
	require.Equal(t, "/therapist?revoked=1", th.path())
	assert.Equal(t, 1, th.count(`[data-testid=notice][role=status]`), "the revocation is announced")
	assert.Equal(t, 1, th.count(`[data-testid=client]`), "the client still shares")
	layout(th, "dashboard, link revoked")
	assert.EqualValues(t, 410, cl.visit(share.Path).Status)
	assert.Equal(t, "/quizzes/"+srv.quiz.ID, cl.attr(`main a.button`, "href"), "it offers the quiz privately")
	layout(cl, "link revoked")

	// The client sees every look on their personal page, and stops.
	cl.visit("/me")
	me := cl.path()
	require.True(t, strings.HasPrefix(me, "/me/"), me)
	require.Equal(t, 1, cl.count(`[data-testid=sharing] [data-testid=share]`), "one therapist")
	assert.Contains(t, cl.text(`[data-testid=share] h3`), name)
	assert.GreaterOrEqual(t, cl.count(`[data-testid=sharing] [data-testid=access-row]`), 4, "every look the therapist took")
	assert.Contains(t, cl.text(`[data-testid=access-row]`), name, "each look names the therapist")
	layout(cl, "personal page, sharing")

	// Taking it a third time for the therapist, from that page, though
	// the link is revoked: the pages say who will see it.
	cl.clickAndLoad(`[data-testid=share-retake]`)
	require.True(t, strings.HasSuffix(cl.path(), "/1"), "the retake starts the quiz, not %s", cl.path())
	assert.Contains(t, cl.text(`[data-testid=shared-with]`), name, "the question pages name the therapist")
	layout(cl, "question page, for the therapist")
	cl.takeByClicks(2)
	cl.resultPresent()
	th.visit("/therapist")
	assert.Contains(t, th.text(`[data-testid=client]`), "3 results")

	cl.visit(me)
	cl.clickAndLoad(`[data-testid=stop]`)
	assert.Equal(t, me+"?stopped=1", cl.path())
	assert.Equal(t, 1, cl.count(`[data-testid=sharing] [data-testid=notice][role=status]`), "stopping is announced")
	assert.Equal(t, 1, cl.count(`[data-testid=share-stopped]`))
	assert.Zero(t, cl.count(`[data-testid=stop]`))
	layout(cl, "personal page, stopped")

	th.visit(client)
	assert.Equal(t, 1, th.count(`[data-testid=client-stopped]`), "the client page says they stopped")
	assert.Zero(t, th.count(`[data-testid=attempt]`), "and shows no result")
	layout(th, "client, stopped")
	assert.EqualValues(t, 410, th.visit(result).Status, "the results are gone")
	th.visit("/therapist")
	assert.Equal(t, 1, th.count(`[data-testid=client] [data-testid=client-stopped]`))
}

// axInvalid reports whether the browser's accessibility tree marks the
// first element matching sel invalid: what a screen reader announces.
func (tb *tab) axInvalid(sel string) bool {
	tb.t.Helper()
	for _, p := range tb.axNode(sel).Properties {
		if p.Name == accessibility.PropertyNameInvalid {
			var v string
			_ = json.Unmarshal(p.Value.Value, &v)
			return v != "" && v != "false"
		}
	}
	return false
}

// fill types text into the field sel, after what it holds.
func (tb *tab) fill(sel, text string) {
	tb.t.Helper()
	tb.do(chromedp.SendKeys(sel, text))
}

// formProblems checks a form that came back with problems with the named
// fields (in order), as the keyboard and assistive technology meet it:
// the focus on the error summary, an alert; the title starting with
// "Error:", as on a page of questions; each field marked invalid and
// described by its message; and Tab from the summary reaching the first
// of them, past at most two fields without problems, with a focus ring.
func (tb *tab) formProblems(fields ...string) {
	tb.t.Helper()
	t := tb.t
	assert.True(t, tb.focused(`[data-testid=problems][role=alert]`), "the focus is on the error summary, an alert: %s", tb.active())
	assert.NotEmpty(t, tb.text(`[data-testid=problems]`))
	title, err := chromedp.Run(tb.ctx, chromedp.Title())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(title, "Error:"), "the title says the form came back: %q", title)
	assert.Equal(t, len(fields), tb.count(`[aria-invalid=true]`), "the fields with problems are marked")
	for _, f := range fields {
		field := "#f-" + f
		assert.Equal(t, "true", tb.attr(field, "aria-invalid"), f)
		assert.Contains(t, strings.Fields(tb.attr(field, "aria-describedby")), "e-"+f, "%s is described by its problem", f)
		message := tb.text("#e-" + f)
		assert.NotEmpty(t, message, f)
		_, _, desc := tb.ax(field)
		assert.Contains(t, desc, message, "the accessible description of %s is its problem", f)
		assert.True(t, tb.axInvalid(field), "the accessibility tree has %s invalid", f)
	}
	tb.tabTo("#f-"+fields[0], 3)
	tb.focusRing()
}

// resultShared checks a client's result as their therapist sees it: the
// result, and the answer to every question, which this link shares.
func (tb *tab) resultShared() {
	tb.t.Helper()
	t := tb.t
	assert.NotEmpty(t, tb.text(`[data-testid=result-title]`))
	assert.Equal(t, 1, tb.count(`[data-testid=spectrum] svg[role=img]`), "the spectrum")
	assert.Equal(t, len(tb.srv.quiz.Scales), tb.count(`[data-testid=scale] [data-testid=score]`), "a score for each scale")
	assert.Equal(t, 2, tb.count(`[data-testid=answers] table thead th[scope=col]`), "the answers table has its headers")
	assert.Equal(t, len(tb.srv.quiz.Items()), tb.count(`[data-testid=answers] [data-testid=answer]`), "a row for each question")
	for _, it := range tb.srv.quiz.Items()[:1] {
		assert.Contains(t, tb.text(`[data-testid=answer]`), it.Text)
	}
	assert.Zero(t, tb.count(`[data-testid=personal], [data-testid=result-url]`), "none of the client's private links")
}
