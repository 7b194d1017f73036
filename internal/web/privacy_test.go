package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/web"
)

// Privacy for people who may be watched: by a partner who plants a link
// (their own personal page, or an attempt they started) to read what the
// other answers, or who opens the same browser later; and by search
// engines, which must never list a private page.

// TestPrivacy_PlantedPersonalLink: A sends their own personal link to B,
// so that B's answers would land in a history A reads. B opens it, as
// typed or pasted (Sec-Fetch-Site: none) or followed from another site,
// then takes the quiz: B's result does not join A's history, and A's page
// and exports show nothing of B's answers.
func TestPrivacy_PlantedPersonalLink(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	a := newPersonBrowser(e, e.newClient())
	aResult, _ := a.take(samePlan(q, 2))
	aMe, aID := a.me(), attemptIDOf(e, aResult)
	link := "/me/" + aMe

	for _, site := range []string{"none", "cross-site"} {
		t.Run(site, func(t *testing.T) {
			b := newPersonBrowser(e, e.newClient())
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+link, nil)
			require.NoError(t, err)
			req.Header.Set("Sec-Fetch-Site", site)
			r := e.do(b.c, req)
			require.Equal(t, http.StatusOK, r.status)
			assert.Empty(t, r.header.Values("Set-Cookie"), "opening the link sets no cookie")
			find(t, r.doc, byTestID("adopt"))
			assert.Empty(t, b.me())
			home := b.get("/")
			assert.Empty(t, findAll(home.doc, byTestID("me-link")), "the home page offers no page")

			bResult, _ := b.take(keyPlan(q, 5, 1, nil))
			bID, bMe := attemptIDOf(e, bResult), b.me()
			require.NotEmpty(t, bMe, "B's result starts B's own page")
			assert.NotEqual(t, aMe, bMe)
			res := b.get("/results/" + bResult)
			assert.Equal(t, "/me/"+bMe, personalPath(t, e, res))
			assert.NotContains(t, res.body, aMe)
			assert.Equal(t, []string{meAttempt(bMe, bID)}, attemptLinks(t, b.get("/me/"+bMe)))

			// A's page and exports, as A and as B (who holds the link) see
			// them: A's one attempt and A's answers, nothing of B's.
			for name, viewer := range map[string]*personBrowser{"A": a, "B": b} {
				h := viewer.get(link)
				require.Equal(t, http.StatusOK, h.status, name)
				assert.Equal(t, []string{meAttempt(aMe, aID)}, attemptLinks(t, h), name)
				assert.Equal(t, http.StatusNotFound, viewer.get(meAttempt(aMe, bID)).status, name)

				ex := viewer.get(link + "/export.json")
				require.Equal(t, http.StatusOK, ex.status, name)
				var doc exportDoc
				require.NoError(t, json.Unmarshal([]byte(ex.body), &doc))
				require.Len(t, doc.Attempts, 1, name)
				assert.Equal(t, aID, doc.Attempts[0].ID, name)
				assert.Equal(t, samePlan(q, 2), doc.Attempts[0].Answers, name)

				rows := thCSV(t, viewer.get(link+"/export.csv"))
				require.Greater(t, len(rows), 1, name)
				for _, row := range rows[1:] {
					assert.Equal(t, strconv.FormatInt(aID, 10), row[0], "%s: a row of another attempt", name)
					if row[4] == "answer" {
						assert.Equal(t, "2", row[6], "%s: an answer that is not A's", name)
					}
				}
				for _, body := range []string{h.body, ex.body} {
					assert.NotContains(t, body, bResult, name)
					assert.NotContains(t, body, bMe, name)
				}
			}
		})
	}
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts a JOIN people p ON p.id = a.person_id
		WHERE p.token_hash = ?`, tandem.HashToken(aMe)))
}

// plantedRequests is every request an attempt's token can be put in ({t}),
// with a form for each page as its own page would send it.
func plantedRequests(q *quiz.Quiz) []plantedRequest {
	var requests []plantedRequest
	get := func(path string) { requests = append(requests, plantedRequest{http.MethodGet, path, ""}) }
	get("/attempts/{t}")
	get("/attempts/{t}.json")
	for n, sec := range q.Sections {
		page := "/attempts/{t}/" + strconv.Itoa(n+1)
		get(page)
		form := url.Values{"_section": {sec.ID}, "_nav": {"next"}}
		for _, it := range sec.Items {
			if !it.Optional {
				form.Set(it.ID, "3")
			}
		}
		requests = append(requests, plantedRequest{http.MethodPost, page, form.Encode()})
		form.Set("_nav", "back")
		requests = append(requests, plantedRequest{http.MethodPost, page, form.Encode()})
	}
	get("/attempts/{t}/" + strconv.Itoa(len(q.Sections)+1))
	get("/attempts/{t}/abc")
	requests = append(requests, plantedRequest{http.MethodPost, "/attempts/{t}/1", "b01=1&b01=2"})
	get("/results/{t}")
	get("/results/{t}.json")
	get("/results/{t}/delete")
	requests = append(requests, plantedRequest{http.MethodPost, "/results/{t}/delete", ""})
	return requests
}

type plantedRequest struct{ method, path, body string }

// assertOpensNothing sends every planted request with the attempt token
// planted as browser c, and checks that each answers exactly as a token
// that names nothing does, and writes nothing.
func assertOpensNothing(t *testing.T, e *env, c *personBrowser, who, planted string, q *quiz.Quiz) {
	t.Helper()
	unknown := tandem.NewToken()
	for _, rq := range plantedRequests(q) {
		send := func(token string) *response {
			path := strings.ReplaceAll(rq.path, "{t}", token)
			if rq.method == http.MethodPost {
				return c.send(path, rq.body, nil)
			}
			return c.get(path)
		}
		what := who + ": " + rq.method + " " + rq.path + " " + rq.body
		before := storeState(e)
		r, m := send(planted), send(unknown)
		assert.Equal(t, http.StatusNotFound, r.status, what)
		assert.Equal(t, m.status, r.status, what)
		assert.Empty(t, r.location, what)
		assert.Equal(t, tenantNotFoundPage(t, m), tenantNotFoundPage(t, r), "%s: tells the attempt from nothing", what)
		assert.Empty(t, r.header.Values("Set-Cookie"), what)
		assert.Equal(t, before, storeState(e), "%s: wrote", what)
	}
}

// storeState sums up what the store holds, to see that a request wrote
// nothing.
func storeState(e *env) string {
	var s string
	require.NoError(e.t, e.raw().QueryRow(`SELECT
		(SELECT count(*) FROM attempts) || ' ' || (SELECT count(*) FROM people) || ' ' ||
		(SELECT coalesce(max(updated_at), '') FROM attempts) || ' ' ||
		(SELECT coalesce(group_concat(attempt_id || ':' || item_id || '=' || value), '') FROM answers)`).Scan(&s))
	return s
}

// TestPrivacy_PlantedAttemptLink: A starts an attempt and passes its link
// to B. The link opens nothing in B's browser, before or after A answers
// and finishes it: B can neither read A's answers nor answer into A's
// attempt (where A would read them), and every URL answers as a token that
// names nothing does. A, who started it, takes it on as before; finished,
// it leads A, and only A, to its result.
func TestPrivacy_PlantedAttemptLink(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	a := newPersonBrowser(e, e.newClient())
	planted := a.start()
	require.Len(t, findAll(a.get("/").doc, byAttr("href", "/attempts/"+planted)), 1, "A is offered to resume it")
	b := newPersonBrowser(e, e.newClient())
	assertOpensNothing(t, e, b, "B, before A answers", planted, q)

	page := a.get("/attempts/" + planted + "/1")
	require.Equal(t, http.StatusOK, page.status)
	require.Equal(t, http.StatusSeeOther, a.post("/attempts/"+planted+"/1", pageForm(t, page, "next", keyPlan(q, 5, 1, nil)), nil).status)
	assertOpensNothing(t, e, b, "B, while A answers", planted, q)
	assert.NotEmpty(t, checked(a.get("/attempts/"+planted+"/1")), "A reads A's own answers")

	result := resultOf(t, a.finish(planted, keyPlan(q, 5, 1, nil)))
	assertOpensNothing(t, e, b, "B, once A finished", planted, q)
	assertOpensNothing(t, e, newPersonBrowser(e, e.newClient()), "a stranger", planted, q)
	assert.Zero(t, e.count(`SELECT count(*) FROM people WHERE id NOT IN (SELECT person_id FROM attempts WHERE person_id IS NOT NULL)`),
		"B's visits made no one")

	// A, who finished it, is led to the result by the attempt's address,
	// and by the last page sent again.
	last := len(q.Sections)
	for _, r := range []*response{
		a.get("/attempts/" + planted),
		a.get("/attempts/" + planted + "/1"),
		a.send("/attempts/"+planted+"/"+strconv.Itoa(last), "_section="+q.Sections[last-1].ID+"&_nav=next", nil),
	} {
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/results/"+result, r.location)
	}
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM attempts`), "sending it again started nothing")
}

// TestPrivacy_PlantedSharedAttempt is TestPrivacy_PlantedAttemptLink with
// an attempt A started through a therapist's link (anyone may sign up as
// a therapist and make one), which belongs to the person who agreed to
// share, A: passed on, it opens nothing for B either, so nothing B
// answers can land in A's history, A's exports or the therapist's pages.
func TestPrivacy_PlantedSharedAttempt(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	therapist := newThBrowser(e)
	therapist.mustSignup(thEmail, thName, thPassword)
	link, _ := therapist.newLink("Us", true)
	a := newThBrowser(e)
	a.takeShared(link, samePlan(q, 2))
	planted := a.consent(link) // A agrees again: the attempt that starts is A's to pass on

	b := newPersonBrowser(e, e.newClient())
	assertOpensNothing(t, e, b, "B", planted, q)
	b.take(keyPlan(q, 5, 1, nil)) // B's own attempt is B's own
	aMe := a.me()
	assert.Len(t, attemptLinks(t, a.get("/me/"+aMe)), 1, "A's history holds A's one result")
	var doc exportDoc
	require.NoError(t, json.Unmarshal([]byte(a.get("/me/"+aMe+"/export.json").body), &doc))
	assert.Len(t, doc.Attempts, 1)
}

// TestFinish_TakenElsewhereStartsOwn: a browser given someone's attempt
// link is told, in words that fit a link that names nothing too, that a
// questionnaire opens only where it was started, and is offered the way to
// start; starting there makes an attempt of its own.
func TestFinish_TakenElsewhereStartsOwn(t *testing.T) {
	e := newEnv(t)
	planted := newPersonBrowser(e, e.newClient()).start()
	b := newPersonBrowser(e, e.newClient())
	r := b.get("/attempts/" + planted + "/1")
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, text(find(t, r.doc, byAttr("class", "lead"))), "opens only in the browser it was started in")
	assert.Equal(t, "/", attr(find(t, r.doc, byAttr("class", "button")), "href"))
	own := b.start()
	assert.NotEqual(t, planted, own)
	assert.Equal(t, http.StatusOK, b.get("/attempts/"+own+"/1").status)
}

// personCookieLine is the raw Set-Cookie line r sends for name, or "".
func personCookieLine(r *response, name string) string {
	for _, line := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			return line
		}
	}
	return ""
}

// TestPrivacy_Remember: a browser holds its person for this visit (a
// session cookie, with neither Max-Age nor Expires) until the person asks,
// from their page or their result, that it remember them; then the cookie
// lasts 400 days. Only the browser that holds the page may ask.
func TestPrivacy_Remember(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.newClient())
	result, done := b.take(samePlan(q, 3))
	me := b.me()
	line := personCookieLine(done, visitCookie)
	require.NotEmpty(t, line)
	assert.NotContains(t, strings.ToLower(line), "max-age", line)
	assert.NotContains(t, strings.ToLower(line), "expires", line)
	assert.Empty(t, personCookieLine(done, meCookie))

	remember := "/me/" + me + "/remember"
	for _, path := range []string{"/me/" + me, "/results/" + result} {
		r := b.get(path)
		form := find(t, r.doc, byTestID("remember"))
		assert.Equal(t, remember, attr(form, "action"), path)
		assert.Equal(t, "post", attr(form, "method"), path)
		assert.Empty(t, findAll(r.doc, byTestID("remembered")), path)
	}

	t.Run("NotFromAnotherSite", func(t *testing.T) {
		r := b.post(remember, nil, crossSiteForm)
		assert.Equal(t, http.StatusForbidden, r.status)
		assert.Empty(t, r.header.Values("Set-Cookie"))
	})
	t.Run("NotByAnotherBrowser", func(t *testing.T) {
		other := newPersonBrowser(e, e.newClient())
		r := other.post(remember, nil, nil)
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/me/"+me, r.location, "sent to the page, which asks first")
		assert.Empty(t, r.header.Values("Set-Cookie"))
		assert.Empty(t, other.me())

		other.take(samePlan(q, 4)) // a browser with a person of its own
		own := other.me()
		r = other.post(remember, nil, nil)
		assert.Equal(t, http.StatusSeeOther, r.status)
		assert.Empty(t, r.header.Values("Set-Cookie"))
		assert.Equal(t, own, other.me())
		assert.Equal(t, http.StatusNotFound, other.post("/me/"+tandem.NewToken()+"/remember", nil, nil).status)
	})

	r := b.post(remember, nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/me/"+me, r.location)
	kept := setCookieIn(r, meCookie)
	require.NotNil(t, kept)
	assert.Equal(t, me, kept.Value)
	assert.Equal(t, 400*24*60*60, kept.MaxAge)
	assert.Contains(t, strings.ToLower(personCookieLine(r, meCookie)), "max-age=", "it outlives the browser")
	assert.True(t, kept.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, kept.SameSite)
	assert.Equal(t, "/", kept.Path)
	gone := setCookieIn(r, visitCookie)
	require.NotNil(t, gone, "one cookie holds the person")
	assert.Less(t, gone.MaxAge, 0)
	assert.Equal(t, me, b.me())

	loc, err := url.Parse(r.header.Get("Location"))
	require.NoError(t, err)
	h := b.get(loc.RequestURI())
	assert.Equal(t, "This browser will now remember your page.", text(find(t, h.doc, byTestID("notice"))))
	find(t, h.doc, byTestID("remembered"))
	assert.Empty(t, findAll(h.doc, byTestID("remember")))
	assert.Empty(t, findAll(b.get("/results/"+result).doc, byTestID("remember")), "nothing left to ask")
	renewed := setCookieIn(h, meCookie)
	require.NotNil(t, renewed, "a remembered page lives on while it is used")
	assert.Equal(t, 400*24*60*60, renewed.MaxAge)

	// A result taken now joins the remembered person.
	_, again := b.take(samePlan(q, 4))
	assert.Nil(t, personCookieIn(again))
	assert.Len(t, attemptLinks(t, b.get("/me/"+me)), 2)
}

// TestPrivacy_ForgetFromAnyPage: every page offers, while the browser
// holds a person or an attempt, a one-tap "Forget this device"; it clears both personal
// cookies, the unfinished attempts' and the finished ones' cookies, from
// whatever page it is sent. Another site cannot send it.
func TestPrivacy_ForgetFromAnyPage(t *testing.T) {
	q := spectrumOf(t)
	for _, remembered := range []bool{false, true} {
		t.Run("Remembered="+strconv.FormatBool(remembered), func(t *testing.T) {
			e := newEnv(t)
			b := newPersonBrowser(e, e.newClient())
			attempt := b.start()
			result := resultOf(t, b.finish(attempt, samePlan(q, 3)))
			me := b.me()
			if remembered {
				require.Equal(t, http.StatusSeeOther, b.post("/me/"+me+"/remember", nil, nil).status)
			}
			draft := b.start()
			page := b.get("/attempts/" + draft + "/1")
			require.Equal(t, http.StatusSeeOther, b.post("/attempts/"+draft+"/1", pageForm(t, page, "next", samePlan(q, 2)), nil).status)
			cookies := []string{visitCookie, meCookie, "tandem_draft_" + spectrumQuiz, "tandem_done_" + spectrumQuiz}

			pages := []string{"/", "/quizzes/" + spectrumQuiz, "/attempts/" + draft + "/2", "/results/" + result,
				"/me/" + me, "/me/" + me + "/delete", "/deleted", "/login", "/nowhere", "/me/" + tandem.NewToken()}
			for _, path := range pages {
				r := b.get(path)
				require.NotNil(t, r.doc, path)
				f := find(t, r.doc, byTestID("forget-device"))
				assert.Equal(t, "/forget", attr(f, "action"), path)
				assert.Equal(t, "post", attr(f, "method"), path)
			}

			r := b.post("/forget", nil, crossSiteForm)
			assert.Equal(t, http.StatusForbidden, r.status)
			assert.Empty(t, r.header.Values("Set-Cookie"), "another site forgets nothing")
			assert.Equal(t, me, b.me())

			r = b.post("/forget", nil, nil)
			require.Equal(t, http.StatusSeeOther, r.status)
			assert.Equal(t, "/", r.location)
			for _, name := range cookies {
				c := setCookieIn(r, name)
				if assert.NotNil(t, c, "%s is cleared", name) {
					assert.Empty(t, c.Value, name)
					assert.Less(t, c.MaxAge, 0, name)
				}
			}
			assert.Empty(t, b.me())
			home := b.get("/?forgotten=1")
			assert.Contains(t, text(find(t, home.doc, byTestID("notice"))), "This device no longer remembers your personal page")
			assert.Empty(t, findAll(home.doc, byTestID("me-link")))
			assert.Empty(t, findAll(home.doc, byTestID("resume")))
			assert.Empty(t, findAll(home.doc, byTestID("forget-device")), "nothing left to forget")
			assert.Equal(t, http.StatusNotFound, b.get("/me").status)
			assert.Equal(t, http.StatusNotFound, b.get("/attempts/"+attempt).status, "the finished attempt no longer leads here")
			assert.Equal(t, http.StatusOK, b.get("/results/"+result).status, "the data is kept")
			assert.Equal(t, http.StatusOK, b.get("/me/"+me).status)
		})
	}

	t.Run("FromThePersonalPage", func(t *testing.T) {
		e := newEnv(t)
		b := newPersonBrowser(e, e.newClient())
		b.take(samePlan(q, 3))
		me := b.me()
		b.start()
		r := b.post("/me/"+me+"/forget", nil, nil)
		require.Equal(t, http.StatusSeeOther, r.status)
		for _, name := range []string{visitCookie, meCookie, "tandem_draft_" + spectrumQuiz, "tandem_done_" + spectrumQuiz} {
			c := setCookieIn(r, name)
			if assert.NotNil(t, c, "%s is cleared", name) {
				assert.Less(t, c.MaxAge, 0, name)
			}
		}
		assert.Empty(t, b.me())
	})

	t.Run("AnUnfinishedAttemptAlone", func(t *testing.T) {
		// A browser that holds only an unfinished attempt (someone who
		// stopped halfway) offers to forget it too, and then offers
		// nothing to resume.
		e := newEnv(t)
		b := newPersonBrowser(e, e.newClient())
		token := b.start()
		for _, path := range []string{"/", "/quizzes/" + spectrumQuiz, "/attempts/" + token + "/1", "/nowhere"} {
			find(t, b.get(path).doc, byTestID("forget-device"))
		}
		r := b.post("/forget", nil, nil)
		require.Equal(t, http.StatusSeeOther, r.status)
		home := b.get("/")
		assert.Empty(t, findAll(home.doc, byTestID("resume")))
		assert.Empty(t, findAll(home.doc, byTestID("forget-device")))
	})

	t.Run("NoFormWhenNothingIsHeld", func(t *testing.T) {
		e := newEnv(t)
		b := newPersonBrowser(e, e.newClient())
		for _, path := range []string{"/", "/quizzes/" + spectrumQuiz, "/nowhere"} {
			assert.Empty(t, findAll(b.get(path).doc, byTestID("forget-device")), path)
		}
	})
}

// publicRoutes are the routes that search engines may list, or that are
// not pages at all; every other is someone's.
var publicRoutes = []string{"/", "/quizzes/{quiz}", "/healthz", "/robots.txt", "/static/{file}"}

// privacyWorld is a server with something behind every GET route: a
// result, a live attempt, a personal page, a therapist with a link and a
// client who shares two results through it.
type privacyWorld struct {
	e                   *env
	person, therapist   *personBrowser
	result, live, link  string
	me, attempt, client string
	css                 string
}

func newPrivacyWorld(t *testing.T, cfg web.Config) *privacyWorld {
	t.Helper()
	e := newEnvConfig(t, t.TempDir()+"/t.db", cfg)
	q := spectrumOf(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	link, linkID := ana.newLink("AB", true)
	client := newThBrowser(e)
	at := client.takeShared(link, keyPlan(q, 4, 3, nil))
	w := &privacyWorld{e: e, person: client.personBrowser, therapist: ana.personBrowser, link: link,
		me: client.me(), attempt: strconv.FormatInt(attemptIDOf(e, at), 10),
		client: strconv.FormatInt(thShareID(t, e, linkID), 10)}
	w.result = resultOf(t, client.finish(client.consent(link), keyPlan(q, 2, 3, nil))) // two to compare
	w.live = client.start()
	w.css = strings.TrimPrefix(attr(find(t, e.get("/").doc, byAttr("rel", "stylesheet")), "href"), "/static/")
	return w
}

// path fills a route's placeholders; who is the browser to send it from.
func (w *privacyWorld) path(route string) (path string, who *personBrowser) {
	token := w.result
	switch {
	case strings.HasPrefix(route, "/attempts/"):
		token = w.live
	case strings.HasPrefix(route, "/share/"):
		token = w.link
	}
	path = strings.NewReplacer("{token}", token, "{quiz}", spectrumQuiz, "{page}", "1", "{me}", w.me,
		"{attempt}", w.attempt, "{client}", w.client, "{link}", "1", "{share}", w.client,
		"{file}", w.css).Replace(strings.TrimSuffix(route, "/"))
	if path == "" {
		path = "/"
	}
	who = w.person
	if strings.HasPrefix(route, "/therapist") {
		who = w.therapist
	}
	return path, who
}

// TestPrivacy_Noindex walks every GET route with real values: the private
// ones answer X-Robots-Tag: noindex, nofollow (whatever their status), the
// public ones do not; robots.txt keeps crawlers off every private one.
func TestPrivacy_Noindex(t *testing.T) {
	w := newPrivacyWorld(t, web.Config{})
	robots := w.e.get("/robots.txt")
	require.Equal(t, http.StatusOK, robots.status)
	assert.Equal(t, "text/plain; charset=utf-8", robots.header.Get("Content-Type"))
	rules := parseRobots(t, robots.body)

	routes, ok := w.e.web.Handler().(chi.Routes)
	require.True(t, ok)
	var private, public int
	require.NoError(t, chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet {
			return nil
		}
		path, who := w.path(route)
		r := who.get(path)
		assert.Less(t, r.status, 500, path)
		if slices.Contains(publicRoutes, route) {
			public++
			assert.Empty(t, r.header.Get("X-Robots-Tag"), route)
			return nil
		}
		private++
		assert.Less(t, r.status, 400, "%s: a real page, not an error page", route)
		assert.Equal(t, "noindex, nofollow", r.header.Get("X-Robots-Tag"), route)
		assert.False(t, rules.allows(path), "robots.txt lets crawlers read %s", route)
		if r.doc != nil {
			assert.Empty(t, findAll(r.doc, byAttr("name", "description")), "%s: a private page describes itself", route)
		}
		return nil
	}))
	assert.Equal(t, len(publicRoutes), public)
	assert.Greater(t, private, 25, "every private GET route was walked")

	// The pages crawlers may list, and only those.
	for _, path := range []string{"/", "/quizzes/" + spectrumQuiz, "/quizzes/" + shortQuiz} {
		assert.True(t, rules.allows(path), path)
	}
	for _, path := range []string{"/me/x", "/results/x", "/attempts/x/1", "/share/x", "/therapist", "/login", "/signup", "/deleted"} {
		assert.False(t, rules.allows(path), path)
	}

	// Errors and redirects behind a private route say it too.
	for _, path := range []string{"/results/" + tandem.NewToken(), "/me/" + tandem.NewToken(), "/attempts/" + w.live} {
		assert.Equal(t, "noindex, nofollow", w.e.get(path).header.Get("X-Robots-Tag"), path)
	}
	// So do a path no route answers and a method a route does not take.
	for _, r := range []*response{w.e.get("/nowhere"), w.e.postRaw("/robots.txt", "")} {
		assert.GreaterOrEqual(t, r.status, 400)
		assert.Equal(t, "noindex, nofollow", r.header.Get("X-Robots-Tag"))
	}
	r := w.e.post("/quizzes/"+spectrumQuiz+"/attempts", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "noindex, nofollow", r.header.Get("X-Robots-Tag"), "a new attempt's redirect")
}

// robotsRules is robots.txt's rules for every user agent.
type robotsRules []struct {
	allow   bool
	pattern string
}

func parseRobots(tb testing.TB, body string) robotsRules {
	tb.Helper()
	var rules robotsRules
	agents := false
	for _, line := range strings.Split(body, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(key) {
		case "user-agent":
			agents = value == "*"
		case "allow", "disallow":
			require.True(tb, agents, "a rule outside User-agent: *: %s", line)
			rules = append(rules, struct {
				allow   bool
				pattern string
			}{strings.EqualFold(key, "allow"), value})
		}
	}
	require.NotEmpty(tb, rules)
	return rules
}

// allows reports whether a crawler may fetch path: the longest pattern
// that matches wins, Allow on a tie (RFC 9309); * matches anything and a
// trailing $ ends the path.
func (rules robotsRules) allows(path string) bool {
	best, allowed := -1, true
	for _, r := range rules {
		expr := "^" + strings.ReplaceAll(regexp.QuoteMeta(strings.TrimSuffix(r.pattern, "$")), `\*`, ".*")
		if strings.HasSuffix(r.pattern, "$") {
			expr += "$"
		}
		if !regexp.MustCompile(expr).MatchString(path) {
			continue
		}
		if n := len(r.pattern); n > best || (n == best && r.allow) {
			best, allowed = n, r.allow
		}
	}
	return allowed
}

// TestPrivacy_MetaDescription: the home page and the quizzes' intro pages,
// which search engines may list, say what they are.
func TestPrivacy_MetaDescription(t *testing.T) {
	e := newEnv(t)
	description := func(r *response) string {
		t.Helper()
		metas := findAll(r.doc, byAttr("name", "description"))
		require.Len(t, metas, 1)
		require.Equal(t, "meta", metas[0].Data)
		return attr(metas[0], "content")
	}
	assert.Contains(t, description(e.get("/")), "private questionnaire about how you balance closeness and independence")
	for _, q := range shipped(t) {
		require.NotEmpty(t, q.Summary, q.ID)
		assert.Equal(t, strings.Join(strings.Fields(q.Summary), " "), strings.Join(strings.Fields(description(e.get("/quizzes/"+q.ID))), " "), q.ID)
	}
}

// TestPrivacy_QuickExit: every page, of every kind, has a visible "Leave
// quickly" link to the neutral site the server is set up with.
func TestPrivacy_QuickExit(t *testing.T) {
	for _, exit := range []string{"", "https://weather.example/today"} {
		t.Run("ExitURL="+exit, func(t *testing.T) {
			w := newPrivacyWorld(t, web.Config{ExitURL: exit})
			want := exit
			if want == "" {
				want = "https://www.wikipedia.org/"
			}
			stranger := newPersonBrowser(w.e, w.e.newClient())
			live := stranger.start()
			page := stranger.get("/attempts/" + live + "/1")
			pages := map[string]*response{
				"home":            stranger.get("/"),
				"intro":           stranger.get("/quizzes/" + spectrumQuiz),
				"question page":   page,
				"problems (422)":  stranger.post("/attempts/"+live+"/1", pageForm(t, page, "next", nil), nil),
				"result":          w.person.get("/results/" + w.result),
				"personal page":   w.person.get("/me/" + w.me),
				"someone's page":  stranger.get("/me/" + w.me),
				"compare":         w.person.get("/me/" + w.me + "/compare"),
				"confirm delete":  w.person.get("/me/" + w.me + "/delete"),
				"deleted":         stranger.get("/deleted"),
				"not found (404)": stranger.get("/results/" + tandem.NewToken()),
				"no method (405)": stranger.post("/", nil, nil),
				"refused (403)":   stranger.post("/forget", nil, crossSiteForm),
				"consent":         stranger.get("/share/" + w.link),
				"login":           stranger.get("/login"),
				"signup":          stranger.get("/signup"),
				"dashboard":       w.therapist.get("/therapist"),
				"client":          w.therapist.get("/therapist/clients/" + w.client),
				"account":         w.therapist.get("/therapist/account"),
			}
			for name, r := range pages {
				require.NotNil(t, r.doc, name)
				links := findAll(r.doc, byTestID("quick-exit"))
				if !assert.Len(t, links, 1, name) {
					continue
				}
				a := links[0]
				assert.Equal(t, "a", a.Data, name)
				assert.Equal(t, want, attr(a, "href"), name)
				assert.Equal(t, "Leave quickly", text(a), name)
				assert.Equal(t, "noreferrer", attr(a, "rel"), name)
			}
		})
	}
}

// countingStore is the real store, counting the look-ups of people.
type countingStore struct {
	web.Store
	lookups *atomic.Int64
}

func (s countingStore) FindPersonByToken(ctx context.Context, tokenHash []byte) (*tandem.Person, error) {
	s.lookups.Add(1)
	return s.Store.FindPersonByToken(ctx, tokenHash)
}

// TestPrivacy_HomeMeLink: the home page links the personal page when the
// browser holds a personal cookie, for this visit or remembered, from the
// cookie alone: the most public page looks no one up.
func TestPrivacy_HomeMeLink(t *testing.T) {
	q := fixture(t, "weighted-sleep.yaml")
	db, err := sqlite.Open(context.Background(), t.TempDir()+"/t.db")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	lookups := &atomic.Int64{}
	e := newEnvStore(t, db, countingStore{Store: db, lookups: lookups}, q)
	token := tandem.NewToken() // a token of the right shape, which names no one
	for _, name := range []string{visitCookie, meCookie} {
		c := e.newClient()
		c.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: name, Value: token, Path: "/"}})
		lookups.Store(0)
		home := e.getWith(c, "/")
		assert.Equal(t, "/me/"+token, attr(find(t, home.doc, byTestID("me-link")), "href"), name)
		find(t, home.doc, byTestID("forget-device"))
		assert.Zero(t, lookups.Load(), "%s: the home page looked the person up", name)
	}
	home := e.getWith(e.newClient(), "/")
	assert.Empty(t, findAll(home.doc, byTestID("me-link")))
	assert.Empty(t, findAll(home.doc, byTestID("forget-device")))
}

// TestPrivacy_ResultsBeforeResultTokens: a result completed before results
// had tokens of their own stays where its owner saved it, at the
// attempt's token, for whoever holds it.
func TestPrivacy_ResultsBeforeResultTokens(t *testing.T) {
	e := newEnv(t)
	attempt := e.start(spectrumQuiz)
	result := resultOf(t, e.answerAll(attempt, func(id string) (int, bool) { return 3, !isSafetyItem(id) }))
	thExec(t, e, `UPDATE attempts SET result_token_hash = NULL WHERE token_hash = ?`, tandem.HashToken(attempt))

	stranger := e.newClient()
	for _, path := range []string{"/results/" + attempt, "/results/" + attempt + ".json", "/results/" + attempt + "/delete"} {
		assert.Equal(t, http.StatusOK, e.getWith(stranger, path).status, path)
	}
	page := e.getWith(stranger, "/results/"+attempt)
	assert.Equal(t, e.srv.URL+"/results/"+attempt, attr(find(t, page.doc, byTestID("result-url")), "value"))
	for _, path := range []string{"/attempts/" + attempt, "/attempts/" + attempt + "/1"} {
		for name, c := range map[string]*http.Client{"finisher": e.client, "stranger": stranger} {
			r := e.getWith(c, path)
			assert.Equal(t, http.StatusSeeOther, r.status, "%s: %s", name, path)
			assert.Equal(t, "/results/"+attempt, r.location, "%s: %s", name, path)
		}
	}
	assert.Equal(t, http.StatusNotFound, e.get("/results/"+result).status, "the token it never had opens nothing")

	r := newPersonBrowser(e, stranger).post("/results/"+attempt+"/delete", nil, nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Zero(t, e.count(`SELECT count(*) FROM attempts`))
}

// TestPrivacy_SharedDevice: someone takes the questionnaire in a browser
// that holds another person's private page (a shared device, remembered
// or still open). Their result is no one's: it opens by its own link, the
// page held does not list it, and its result page offers to keep it there,
// which only a click does. A consent page in such a browser says the
// sharing would go on the page held, with a way to forget the device first.
func TestPrivacy_SharedDevice(t *testing.T) {
	for _, remembered := range []bool{false, true} {
		t.Run(map[bool]string{false: "ForTheVisit", true: "Remembered"}[remembered], func(t *testing.T) {
			e := newEnv(t)
			q := spectrumOf(t)
			device := newPersonBrowser(e, e.newClient())
			aResult, _ := device.take(samePlan(q, 2))
			aMe := device.me()
			if remembered {
				require.Equal(t, http.StatusSeeOther, device.post("/me/"+aMe+"/remember", nil, nil).status)
			}

			// B, at the same browser, without keeping.
			bResult := resultOf(t, e.answerAllOnlyWith(device.c, device.start(), keyPlan(q, 5, 1, nil)))
			assert.Equal(t, []string{meAttempt(aMe, attemptIDOf(e, aResult))}, attemptLinks(t, device.get("/me/"+aMe)),
				"A's page lists A's result only")
			var doc exportDoc
			require.NoError(t, json.Unmarshal([]byte(device.get("/me/"+aMe+"/export.json").body), &doc))
			assert.Len(t, doc.Attempts, 1, "nor does A's export hold B's")
			assert.Zero(t, e.count(`SELECT count(*) FROM attempts WHERE id = ? AND person_id IS NOT NULL`, attemptIDOf(e, bResult)))

			// Someone else, at a browser of their own with a page of
			// their own, who saw the result's link: no offer, no keeping.
			other := newPersonBrowser(e, e.newClient())
			other.take(samePlan(q, 3))
			seen := other.get("/results/" + bResult)
			require.Equal(t, http.StatusOK, seen.status)
			assert.Empty(t, findAll(seen.doc, byTestID("keep")), "only the browser that finished it is offered to keep it")
			assert.Equal(t, http.StatusNotFound, other.send("/results/"+bResult+"/keep", "", nil).status)
			assert.Zero(t, e.count(`SELECT count(*) FROM attempts WHERE id = ? AND person_id IS NOT NULL`, attemptIDOf(e, bResult)))

			page := device.get("/results/" + bResult)
			require.Equal(t, http.StatusOK, page.status)
			assert.Empty(t, findAll(page.doc, byTestID("personal")), "no link to A's page on B's result")
			keep := find(t, page.doc, byTestID("keep"))
			assert.Contains(t, text(keep), "If someone else uses this browser, leave it off")
			assert.Equal(t, http.StatusOK, newPersonBrowser(e, e.newClient()).get("/results/"+bResult).status,
				"the result's own link opens it anywhere")

			// Kept by a click, it joins the page held.
			r := device.send(attr(keep, "action"), "", nil)
			require.Equal(t, http.StatusSeeOther, r.status)
			assert.Len(t, attemptLinks(t, device.get("/me/"+aMe)), 2)
			find(t, device.get("/results/"+bResult).doc, byTestID("personal"))

			// Nor, once kept, take it for its own page.
			assert.Equal(t, http.StatusNotFound, other.send("/results/"+bResult+"/keep", "", nil).status)

			therapist := newThBrowser(e)
			therapist.mustSignup(thEmail, thName, thPassword)
			link, _ := therapist.newLink("Us", false)
			consent := device.get("/share/" + link)
			require.Equal(t, http.StatusOK, consent.status)
			held := find(t, consent.doc, byTestID("held-page"))
			assert.Equal(t, "/forget", attr(find(t, held, byTag("form")), "action"))
			assert.Empty(t, findAll(newPersonBrowser(e, e.newClient()).get("/share/"+link).doc, byTestID("held-page")),
				"a browser that holds no page is told nothing of the sort")
			assert.Contains(t, text(find(t, consent.doc, byTestID("sees-support"))),
				"“Your safety comes first” or “You deserve support right now”", "every flag's title")
		})
	}
}

// TestPrivacy_NeutralTitles: the titles of private pages, which stay in
// the browser's history, name no section, result, quiz or therapist.
func TestPrivacy_NeutralTitles(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.newClient())
	token := b.start()
	title := func(path string) string {
		t.Helper()
		r := b.get(path)
		require.Equal(t, http.StatusOK, r.status, path)
		return text(find(t, r.doc, byTag("title")))
	}
	last := len(q.Sections)
	assert.Equal(t, "Questions, page 1 of "+strconv.Itoa(last)+" · Tandem", title("/attempts/"+token+"/1"))
	safety := title("/attempts/" + token + "/" + strconv.Itoa(last))
	assert.NotContains(t, safety, q.Sections[last-1].Title, "the safety page says what it is about")
	result := resultOf(t, b.finish(token, keyPlan(q, 5, 1, nil)))
	resultTitle := title("/results/" + result)
	assert.Equal(t, "Your result · Tandem", resultTitle)
	for _, r := range q.Results {
		assert.NotContains(t, resultTitle, r.Title)
	}
	b.take(samePlan(q, 2)) // a second, to compare
	assert.Equal(t, "Compare results · Tandem", title("/me/"+b.me()+"/compare?quiz="+q.ID))
}

// TestPrivacy_DeleteEverythingTakesUnkept: "Delete everything" in a
// browser takes, with the person's page, the results it finished there and
// did not keep, and its unfinished attempts: nothing of that visit stays
// behind a link.
func TestPrivacy_DeleteEverythingTakesUnkept(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.newClient())
	kept, _ := b.take(samePlan(q, 2))
	me := b.me()
	unkept := resultOf(t, e.answerAllOnlyWith(b.c, b.start(), keyPlan(q, 5, 1, nil)))
	draft := b.start()
	require.Equal(t, http.StatusOK, b.get("/results/"+unkept).status)

	r := b.send("/me/"+me+"/delete", "", nil)
	require.Equal(t, http.StatusSeeOther, r.status, r.body)
	for _, path := range []string{"/results/" + kept, "/results/" + unkept, "/me/" + me} {
		assert.Equal(t, http.StatusNotFound, newPersonBrowser(e, e.newClient()).get(path).status, path)
	}
	assert.Zero(t, e.count(`SELECT count(*) FROM attempts`), "no attempt left: %s's neither", draft)
}

// TestDrafts_TwoAtOneQuiz: a browser may hold more than one unfinished
// attempt at a quiz (a second tab, a therapist's link): each opens, the
// newest is offered to resume, and finishing one leaves the other open.
func TestDrafts_TwoAtOneQuiz(t *testing.T) {
	e := newEnv(t)
	q := spectrumOf(t)
	b := newPersonBrowser(e, e.newClient())
	first, second := b.start(), b.start()
	for _, tok := range []string{first, second} {
		assert.Equal(t, http.StatusOK, b.get("/attempts/"+tok+"/1").status, tok)
	}
	assert.Len(t, findAll(b.get("/").doc, byAttr("href", "/attempts/"+second)), 1, "the newest is offered")
	resultOf(t, b.finish(second, samePlan(q, 2)))
	assert.Equal(t, http.StatusOK, b.get("/attempts/"+first+"/1").status, "the other still opens")
	assert.Len(t, findAll(b.get("/").doc, byAttr("href", "/attempts/"+first)), 1, "and is offered now")

	// A browser keeps its newest few; an older one no longer opens here.
	c := newPersonBrowser(e, e.newClient())
	var tokens []string
	for range 5 {
		tokens = append(tokens, c.start())
	}
	assert.Equal(t, http.StatusNotFound, c.get("/attempts/"+tokens[0]+"/1").status, "the oldest of five")
	for _, tok := range tokens[1:] {
		assert.Equal(t, http.StatusOK, c.get("/attempts/"+tok+"/1").status)
	}
}
