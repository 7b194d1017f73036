package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/tandem"
)

// Therapists and clients who may be afraid of a partner: names and labels
// that cannot disguise themselves, support flags that reach the therapist
// as a title and never as answers, and HEAD requests that are looks.

// carefulQuiz has one support flag, raised by an item that keys nothing
// (sa1) on a page of its own. A scale's name is what a spreadsheet takes
// for a formula.
const carefulQuiz = `id: careful
version: 1
title: Careful
language: en
scale: {min: 1, max: 5, labels: [Never, Rarely, Sometimes, Often, Always]}
scales:
  - {id: hold, name: Holding on}
  - {id: away, name: "=1+2"}
sections:
  - id: one
    title: One
    items:
      - {id: h1, text: I hold on., keys: {hold: 1}}
      - {id: a1, text: I keep away., keys: {away: 1}}
  - id: safety
    title: Safety
    items:
      - {id: sa1, text: I am afraid at home., optional: true}
results:
  - {id: rest, title: The rest, summary: Rest.}
support:
  - id: safety
    title: Your safety comes first
    message: You deserve to be safe.
    resources:
      - {name: Anywhere line, url: "https://example.org/world", region: international}
    items: [sa1]
    min: 4
`

// plainQuiz is carefulQuiz without support flags, and without the item
// that raised it.
const plainQuiz = `id: plain
version: 1
title: Plain
language: en
scale: {min: 1, max: 5, labels: [Never, Rarely, Sometimes, Often, Always]}
scales:
  - {id: hold, name: Holding on}
sections:
  - id: one
    title: One
    items:
      - {id: h1, text: I hold on., keys: {hold: 1}}
results:
  - {id: rest, title: The rest, summary: Rest.}
`

const (
	rlo = "\u202e" // RIGHT-TO-LEFT OVERRIDE
	fsi = "\u2068" // FIRST STRONG ISOLATE
	pdi = "\u2069" // POP DIRECTIONAL ISOLATE
)

// Answers to carefulQuiz that raise its support flag, and that do not.
var (
	raises = map[string]int{"h1": 4, "a1": 2, "sa1": 5}
	calm   = map[string]int{"h1": 4, "a1": 2}
)

func newCarefulEnv(tb testing.TB) *env {
	tb.Helper()
	var qs []*quiz.Quiz
	for name, src := range map[string]string{"careful.yaml": carefulQuiz, "plain.yaml": plainQuiz} {
		q, err := quiz.Parse(name, []byte(src))
		require.NoError(tb, err)
		qs = append(qs, q)
	}
	return newEnv(tb, qs...)
}

// linkTo makes a link to quiz id and returns its token and id.
func (b *thBrowser) linkTo(quizID, label string, answers bool) (string, int64) {
	t := b.e.t
	t.Helper()
	form := url.Values{"quiz": {quizID}, "label": {label}, "expires": {"30"}}
	if answers {
		form.Set("answers", "yes")
	}
	r := b.post("/therapist/links", form)
	require.Equal(t, http.StatusCreated, r.status, r.body)
	abs := attr(find(t, r.doc, byTestID("share-url")), "value")
	token := strings.TrimPrefix(abs, b.e.srv.URL+"/share/")
	require.True(t, tandem.ValidToken(token), abs)
	var id int64
	require.NoError(t, b.e.raw().QueryRow(`SELECT id FROM share_links WHERE token_hash = ?`, tandem.HashToken(token)).Scan(&id))
	return token, id
}

// takeCareful agrees through a link and completes its quiz with plan.
// (Where the last page leads is not this file's concern.)
func (b *thBrowser) takeCareful(token string, plan map[string]int) {
	t := b.e.t
	t.Helper()
	path := "/attempts/" + b.consent(token) + "/1"
	for range 10 {
		page := b.get(path)
		require.Equal(t, http.StatusOK, page.status, path)
		r := b.post(path, pageForm(t, page, "next", plan))
		require.Equal(t, http.StatusSeeOther, r.status, "page %s: %s", path, r.body)
		if strings.HasPrefix(r.location, "/results/") {
			return
		}
		path = r.location
	}
	t.Fatal("the quiz never ended")
}

// mePath is the personal page this browser holds, for this visit or
// remembered.
func (b *thBrowser) mePath() string {
	b.e.t.Helper()
	for _, name := range []string{"tandem_visit", meCookie} {
		if v := b.cookie(name); v != "" {
			return "/me/" + v
		}
	}
	b.e.t.Fatal("the browser holds no personal page")
	return ""
}

// attemptURLs are the therapist's links to a client's attempts, newest
// first, from the client's page.
func attemptURLs(tb testing.TB, page *response) []string {
	tb.Helper()
	var out []string
	for _, li := range findAll(page.doc, byTestID("attempt")) {
		out = append(out, attr(find(tb, li, byTag("a")), "href"))
	}
	return out
}

// TestTherapistText_RefusesHidden: a display name, an email address or a
// link's label with a control or format character (or a line or
// paragraph separator) comes back 422 with the problem next to its field,
// and nothing is stored; letters of any script are welcome.
func TestTherapistText_RefusesHidden(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)

	hidden := []struct{ name, char string }{
		{"C0 control", "\x07"},
		{"tab", "\t"},
		{"line feed", "\n"},
		{"escape", "\x1b"},
		{"delete", "\x7f"},
		{"C1 control", "\u009b"},
		{"next line", "\u0085"},
		{"left-to-right embedding", "\u202a"},
		{"right-to-left override", rlo},
		{"pop directional formatting", "\u202c"},
		{"right-to-left isolate", "\u2067"},
		{"first strong isolate", fsi},
		{"pop directional isolate", pdi},
		{"left-to-right mark", "\u200e"},
		{"right-to-left mark", "\u200f"},
		{"arabic letter mark", "\u061c"},
		{"zero-width space", "\u200b"},
		{"zero-width joiner", "\u200d"},
		{"soft hyphen", "\u00ad"},
		{"byte order mark", "\ufeff"},
		{"tag character", "\U000e0041"},
		{"line separator", "\u2028"},
		{"paragraph separator", "\u2029"},
	}
	for _, h := range hidden {
		t.Run(h.name, func(t *testing.T) {
			t.Run("SignupName", func(t *testing.T) {
				before := e.count(`SELECT count(*) FROM therapists`)
				r := newThBrowser(e).signup("new@example.com", "Dr "+h.char+"Bea Lund", thPassword)
				require.Equal(t, http.StatusUnprocessableEntity, r.status)
				assert.Contains(t, text(find(t, r.doc, byTestID("problem-name"))), "Remove the invisible characters")
				assert.Equal(t, "true", attr(find(t, r.doc, byAttr("id", "f-name")), "aria-invalid"))
				assert.Empty(t, findAll(r.doc, byTestID("problem-email")))
				assert.Equal(t, before, e.count(`SELECT count(*) FROM therapists`), "nothing stored")
			})
			t.Run("SignupEmail", func(t *testing.T) {
				before := e.count(`SELECT count(*) FROM therapists`)
				r := newThBrowser(e).signup("be"+h.char+"a@example.com", "Dr Bea Lund", thPassword)
				require.Equal(t, http.StatusUnprocessableEntity, r.status)
				find(t, r.doc, byTestID("problem-email"))
				assert.Empty(t, findAll(r.doc, byTestID("problem-name")))
				assert.Equal(t, before, e.count(`SELECT count(*) FROM therapists`), "nothing stored")
			})
			t.Run("LinkLabel", func(t *testing.T) {
				before := e.count(`SELECT count(*) FROM share_links`)
				r := ana.post("/therapist/links", url.Values{"quiz": {"careful"}, "label": {"A" + h.char + "B"}, "expires": {"30"}})
				require.Equal(t, http.StatusUnprocessableEntity, r.status)
				assert.Contains(t, text(find(t, r.doc, byTestID("problem-label"))), "Remove the invisible characters")
				assert.Equal(t, "true", attr(find(t, r.doc, byAttr("id", "f-label")), "aria-invalid"))
				assert.Equal(t, before, e.count(`SELECT count(*) FROM share_links`), "nothing stored")
			})
		})
	}

	// Names that read as blank, or whose marks spill over the lines
	// around them, are refused as well.
	for _, name := range []string{"\u3164\u3164", "\u115F \u1160", "\u2800", "\u034F \u034F", "Bea" + strings.Repeat("\u0301", 4)} {
		r := newThBrowser(e).signup("blank@example.com", name, thPassword)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "%q", name)
		assert.Contains(t, text(find(t, r.doc, byTestID("problem-name"))), "Remove the invisible characters", "%q", name)
		r = ana.post("/therapist/links", url.Values{"quiz": {"careful"}, "label": {name}, "expires": {"30"}})
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "label %q", name)
	}

	t.Run("AnyScript", func(t *testing.T) {
		const name = "ד״ר נועה כהן" // right-to-left letters are text, not controls
		newThBrowser(e).mustSignup("noa@example.com", name, thPassword)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM therapists WHERE display_name = ?`, name))
		_, id := ana.linkTo("careful", "Çağrı ي", false)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM share_links WHERE id = ? AND label = ?`, id, "Çağrı ي"))
		// Letters with their marks, as Vietnamese writes them, are welcome.
		const viet = "Nguyê\u0303n Thi\u0323 Ha\u0300"
		newThBrowser(e).mustSignup("ha@example.com", viet, thPassword)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM therapists WHERE display_name = ?`, viet))
	})
}

// TestTherapistText_StoredOverrideIsolated: a name and a label stored
// before the forms refused them, each with a right-to-left override, show
// isolated on every page that names them: inside <bdi>, or between U+2068
// and U+2069 where a page cannot hold elements (its title).
func TestTherapistText_StoredOverrideIsolated(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.linkTo("careful", "AB", false)
	client := newThBrowser(e)
	client.takeCareful(token, calm)
	clientID := thShareID(t, e, linkID)

	const name, label = "Dr " + rlo + "Ana Ruiz", rlo + "AB"
	thExec(t, e, `UPDATE therapists SET display_name = ?`, name)
	thExec(t, e, `UPDATE share_links SET label = ?`, label)

	t.Run("Consent", func(t *testing.T) {
		page := newThBrowser(e).get("/share/" + token)
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		assert.Equal(t, name, text(find(t, find(t, page.doc, byTag("h1")), byTag("bdi"))))
		assert.Contains(t, text(find(t, page.doc, byTestID("agree"))), name)
		// The title names no one: it stays in the browser's history.
		assert.Equal(t, "Share your results? · Tandem", text(find(t, page.doc, byTag("title"))))
	})
	t.Run("Dashboard", func(t *testing.T) {
		page := ana.get("/therapist")
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		assert.Equal(t, name, text(find(t, find(t, page.doc, byAttr("class", "lead")), byTag("bdi"))))
		group := find(t, page.doc, byTestID("link-group"))
		assert.Equal(t, label, text(find(t, find(t, group, byTag("h2")), byTag("bdi"))))
		assert.Equal(t, label, text(find(t, find(t, group, byTestID("client")), byTag("bdi"))))
	})
	t.Run("Client", func(t *testing.T) {
		page := ana.get("/therapist/clients/" + itoa(int(clientID)))
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		assert.Equal(t, label, text(find(t, find(t, page.doc, byTag("h1")), byTag("bdi"))))
		assert.Contains(t, text(find(t, page.doc, byTag("title"))), fsi+label+pdi)
		urls := attemptURLs(t, page)
		require.Len(t, urls, 1)
		result := ana.get(urls[0])
		require.Equal(t, http.StatusOK, result.status)
		assertIsolated(t, result)
		assert.Contains(t, result.body, fsi+label+pdi, "the way back names the client, isolated")
	})
	t.Run("AccessLogs", func(t *testing.T) {
		page := ana.get("/therapist/access")
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		assert.Contains(t, text(find(t, page.doc, byTestID("access-row"))), label)
		// The client's page names the therapist: in their share, and in
		// the log of looks taken since the name was stored.
		me := client.get(client.mePath())
		require.Equal(t, http.StatusOK, me.status)
		assertIsolated(t, me)
		share := find(t, me.doc, byTestID("share"))
		assert.Equal(t, name, text(find(t, find(t, share, byTag("h3")), byTag("bdi"))))
		assert.Contains(t, text(find(t, me.doc, byTestID("access"))), name)
	})
	t.Run("Revoke", func(t *testing.T) {
		page := ana.get("/therapist/links/" + itoa(int(linkID)) + "/revoke")
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		assert.Contains(t, text(find(t, page.doc, byTag("h1"))), fsi+label+pdi)
	})
	t.Run("Account", func(t *testing.T) {
		page := ana.get("/therapist/account")
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
	})
	t.Run("StrayIsolates", func(t *testing.T) {
		// A closing isolate of its own would end the <bdi> early, and an
		// opening one never closed would take the <bdi>'s end for its own.
		thExec(t, e, `UPDATE therapists SET display_name = ?`, "Dr "+pdi+rlo+"Ana \u2067Ruiz")
		page := newThBrowser(e).get("/share/" + token)
		require.Equal(t, http.StatusOK, page.status)
		assertIsolated(t, page)
		bdi := text(find(t, find(t, page.doc, byTag("h1")), byTag("bdi")))
		assert.Equal(t, "Dr "+rlo+"Ana \u2067Ruiz"+pdi, bdi)
	})
}

// assertIsolated checks that every right-to-left override on a page is
// isolated from the text around it: in a <bdi> (as its own text), or
// between U+2068 and U+2069 in the same text. The page must hold one.
func assertIsolated(tb testing.TB, r *response) {
	tb.Helper()
	seen := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode && strings.Contains(n.Data, rlo) {
			seen++
			if n.Parent == nil || n.Parent.Data != "bdi" {
				depth := 0
				for _, c := range n.Data {
					switch string(c) {
					case fsi:
						depth++
					case pdi:
						depth--
					case rlo:
						assert.Positive(tb, depth, "an override outside any isolate in <%s>: %q", n.Parent.Data, n.Data)
					}
				}
			}
		}
		for _, a := range n.Attr {
			assert.NotContains(tb, a.Val, rlo, "an override in the attribute %s", a.Key)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.doc)
	assert.Positive(tb, seen, "the page shows the name")
}

// TestExport_Cells: a label stored with a formula after white space and a
// right-to-left override, and a quiz's scale name that is a formula, reach
// the exports as text: an apostrophe first, and no control or format
// character.
func TestExport_Cells(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.linkTo("careful", "AB", true)
	client := newThBrowser(e)
	client.takeCareful(token, calm)
	clientID := thShareID(t, e, linkID)
	thExec(t, e, `UPDATE share_links SET label = ?`, " \t=HYPERLINK(\"https://evil.example\")"+rlo)

	check := func(t *testing.T, records [][]string) {
		t.Helper()
		for _, rec := range records {
			for _, cell := range rec {
				assert.NotContains(t, cell, rlo)
				assert.NotContains(t, cell, "\t")
				if trimmed := strings.TrimLeft(cell, " "); trimmed != "" {
					assert.NotContains(t, "=+-@", trimmed[:1], "a cell that a spreadsheet runs: %q", cell)
				}
			}
		}
	}
	t.Run("Therapist", func(t *testing.T) {
		records := thCSV(t, ana.get("/therapist/export.csv"))
		check(t, records)
		var labels, scales []string
		for _, rec := range records[1:] {
			require.Equal(t, itoa(int(clientID)), rec[0])
			labels = append(labels, rec[1])
			if rec[6] == "scale" && rec[7] == "away" {
				scales = append(scales, rec[9])
			}
		}
		require.NotEmpty(t, labels)
		assert.Equal(t, `'  =HYPERLINK("https://evil.example")`, labels[0])
		assert.Equal(t, []string{"'=1+2"}, scales)
	})
	t.Run("Personal", func(t *testing.T) {
		records := thCSV(t, client.get(client.mePath()+"/export.csv"))
		check(t, records)
		var scales []string
		for _, rec := range records[1:] {
			if rec[4] == "scale" && rec[5] == "away" {
				scales = append(scales, rec[7])
			}
		}
		assert.Equal(t, []string{"'=1+2"}, scales)
	})
}

// TestSupport_Consent: before agreeing to share a quiz with support flags,
// the client reads that the therapist sees a raised flag's title, even on
// a link that shares scores only, and not the answers behind it; a quiz
// without flags says nothing of them. The page's title stays plain.
func TestSupport_Consent(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	scores, _ := ana.linkTo("careful", "S", false)
	answers, _ := ana.linkTo("careful", "A", true)
	plain, _ := ana.linkTo("plain", "P", false)
	visitor := newThBrowser(e)

	tests := []struct {
		name             string
		token            string
		sees, notsees    bool
		answersNotShared bool
	}{
		{"ScoresOnly", scores, true, true, true},
		{"Answers", answers, true, false, false},
		{"NoFlags", plain, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := visitor.get("/share/" + tt.token)
			require.Equal(t, http.StatusOK, page.status)
			sees := find(t, page.doc, byTestID("sees"))
			if tt.sees {
				li := find(t, sees, byTestID("sees-support"))
				assert.Contains(t, text(li), "Your safety comes first")
				assert.Contains(t, text(li), "note of care")
			} else {
				assert.Empty(t, findAll(sees, byTestID("sees-support")))
			}
			assert.Equal(t, tt.notsees, len(findAll(sees, byTestID("notsees-support"))) == 1)
			assert.Equal(t, tt.answersNotShared, len(findAll(sees, byTestID("notsees-answers"))) == 1)
			title := strings.ToLower(text(find(t, page.doc, byTag("title"))))
			for _, word := range []string{"safe", "support", "care", "flag", "afraid", "abuse", "danger"} {
				assert.NotContains(t, title, word, "someone reading over the client's shoulder sees the title")
			}
		})
	}

	t.Run("WordingChanged", func(t *testing.T) {
		// The text changed its meaning: a form sent from the page as it
		// was is shown again, not counted.
		r := visitor.post("/share/"+scores, url.Values{"wording": {"2026-11-22"}})
		assert.Equal(t, http.StatusConflict, r.status)
		assert.NotEqual(t, "2026-11-22", thWording(t, r))
		assert.Zero(t, e.count(`SELECT count(*) FROM shares`))
	})
}

// TestSupport_Therapist: on a link that shares scores only, the therapist
// sees that a support flag was raised, by its title: a mark on the
// attempt in the client's page, a line on the dashboard while it is the
// latest result, and the flag first on the result; never the answers.
func TestSupport_Therapist(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.linkTo("careful", "AB", false)
	client := newThBrowser(e)
	client.takeCareful(token, raises)
	clientURL := "/therapist/clients/" + itoa(int(thShareID(t, e, linkID)))

	dashboardSupport := func() string {
		t.Helper()
		dash := ana.get("/therapist")
		require.Equal(t, http.StatusOK, dash.status)
		marks := findAll(find(t, dash.doc, byTestID("client")), byTestID("client-support"))
		if len(marks) == 0 {
			return ""
		}
		return text(marks[0])
	}
	assert.Contains(t, dashboardSupport(), "Your safety comes first")

	page := ana.get(clientURL)
	require.Equal(t, http.StatusOK, page.status)
	attempts := findAll(page.doc, byTestID("attempt"))
	require.Len(t, attempts, 1)
	assert.Contains(t, text(find(t, attempts[0], byTestID("attempt-support"))), "Your safety comes first")

	result := ana.get(attemptURLs(t, page)[0])
	require.Equal(t, http.StatusOK, result.status)
	support := find(t, result.doc, byTestID("support"))
	assert.Equal(t, "safety", attr(support, "data-flag"))
	assert.Contains(t, text(support), "Your safety comes first")
	assert.Less(t, indexOf(result.body, `data-testid="support"`), indexOf(result.body, `data-testid="result-title"`), "the flag comes first")
	assert.Empty(t, findAll(result.doc, byTestID("answers")), "the link shares no answers")
	assert.NotContains(t, result.body, "I am afraid at home.", "nor the question that raised the flag")
	assert.Empty(t, findAll(result.doc, byTestID("flag")))

	// Taken again without raising it: the dashboard shows the latest
	// result only; the client's page marks the one attempt that did.
	client.takeCareful(token, calm)
	assert.Empty(t, dashboardSupport())
	page = ana.get(clientURL)
	attempts = findAll(page.doc, byTestID("attempt"))
	require.Len(t, attempts, 2)
	assert.Empty(t, findAll(attempts[0], byTestID("attempt-support")), "the newest raised none")
	assert.Len(t, findAll(attempts[1], byTestID("attempt-support")), 1)
	calmResult := ana.get(attemptURLs(t, page)[0])
	assert.Empty(t, findAll(calmResult.doc, byTestID("support")))

	// Compared, the earlier attempt is marked with the flag's title.
	compare := ana.get(clientURL + "/compare?quiz=careful")
	require.Equal(t, http.StatusOK, compare.status, compare.body)
	marks := findAll(compare.doc, byTestID("support-mark"))
	require.Len(t, marks, 1, "only the attempt that raised it")
	assert.Equal(t, "Support flag raised: Your safety comes first", text(marks[0]))
	sides := findAll(compare.doc, byTag("section"))
	require.Len(t, sides, 2)
	assert.Len(t, findAll(sides[0], byTestID("support-mark")), 1, "the earlier side, Then")

	t.Run("SharesAnswers", func(t *testing.T) {
		token, linkID := ana.linkTo("careful", "CD", true)
		newThBrowser(e).takeCareful(token, raises)
		page := ana.get("/therapist/clients/" + itoa(int(thShareID(t, e, linkID))))
		assert.Len(t, findAll(page.doc, byTestID("attempt-support")), 1)
		result := ana.get(attemptURLs(t, page)[0])
		find(t, result.doc, byTestID("support"))
		find(t, result.doc, byTestID("answers"))
	})
}

// TestTherapistHead_IsALook: a HEAD on any therapist route that shows a
// client's results is logged like the GET it mirrors, with the same kind;
// one that shows none (the access log itself) logs nothing.
func TestTherapistHead_IsALook(t *testing.T) {
	e := newCarefulEnv(t)
	ana := newThBrowser(e)
	ana.mustSignup(thEmail, thName, thPassword)
	token, linkID := ana.linkTo("careful", "AB", false)
	client := newThBrowser(e)
	client.takeCareful(token, raises)
	client.takeCareful(token, calm)
	clientURL := "/therapist/clients/" + itoa(int(thShareID(t, e, linkID)))
	urls := attemptURLs(t, ana.get(clientURL))
	require.Len(t, urls, 2)

	tests := []struct {
		name, path, kind string
	}{
		{"Dashboard", "/therapist", tandem.AccessList},
		{"Client", clientURL, tandem.AccessClient},
		{"Result", urls[0], tandem.AccessResult},
		{"Compare", clientURL + "/compare", tandem.AccessCompare},
		{"Export", "/therapist/export.csv", tandem.AccessExport},
		{"AccessLog", "/therapist/access", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count(`SELECT count(*) FROM access_log`)
			kind := e.count(`SELECT count(*) FROM access_log WHERE what = ?`, tt.kind)
			req, err := http.NewRequest(http.MethodHead, e.srv.URL+tt.path, nil)
			require.NoError(t, err)
			res, err := ana.c.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
			if tt.kind == "" {
				assert.Equal(t, before, e.count(`SELECT count(*) FROM access_log`))
				return
			}
			assert.Equal(t, before+1, e.count(`SELECT count(*) FROM access_log`))
			assert.Equal(t, kind+1, e.count(`SELECT count(*) FROM access_log WHERE what = ?`, tt.kind))
		})
	}
	// The client sees those looks on their page, as any other.
	assert.Len(t, findAll(client.get(client.mePath()).doc, byTestID("access-row")), 5)
}
