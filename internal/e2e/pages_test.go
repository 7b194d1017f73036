package e2e_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// on is the same tab, reporting to another test (a subtest).
func (tb *tab) on(t *testing.T) *tab {
	c := *tb
	c.t = t
	return &c
}

// pageKind is a kind of page, with how to reach it.
type pageKind struct {
	name string
	open func(tb *tab)
}

// pageKinds lists every kind of page there is, each with how to reach it
// from the page before it in the same tab (so they run in this order). me
// and results come from seed: another browser with two results, whose
// personal page this one joins on the way.
func pageKinds(id, me string, results []string) []pageKind {
	visit := func(path string) func(tb *tab) { return func(tb *tab) { tb.visit(path) } }
	return []pageKind{
		// Before the browser knows its personal page.
		{"no personal page", func(tb *tab) {
			assert.EqualValues(tb.t, 404, tb.visit("/me").Status)
		}},
		{"home", visit("/")},
		{"intro", visit("/quizzes/" + id)},
		{"questions", func(tb *tab) {
			tb.clickAndLoad(`form.inline-form button[type=submit]`)
			require.True(tb.t, strings.HasSuffix(tb.path(), "/1"), tb.path())
		}},
		{"questions with problems", func(tb *tab) {
			require.EqualValues(tb.t, 422, tb.clickAndLoad(`button[name=_nav][value=next]`).Status)
		}},
		{"result", func(tb *tab) {
			tb.visit(results[len(results)-1])
			assert.Zero(tb.t, tb.count(`[data-testid=personal]`), "a result's link opens no history")
		}},
		{"personal page", visit(me)},
		{"personal page, joined", func(tb *tab) { tb.adopt() }},
		{"result, joined", func(tb *tab) {
			tb.visit(results[len(results)-1])
			assert.Equal(tb.t, 1, tb.count(`[data-testid=personal] form[data-testid=remember]`), "the personal page, and the offer to remember it")
		}},
		{"personal page, remembered", func(tb *tab) {
			tb.visit(me)
			tb.clickAndLoad(`form[data-testid=remember] button`)
			require.Equal(tb.t, 1, tb.count(`[data-testid=remembered]`))
		}},
		{"result on the personal page", func(tb *tab) {
			tb.visit(tb.attr(`[data-testid=attempt] a`, "href"))
		}},
		{"delete one result", func(tb *tab) {
			tb.visit(tb.attr(`a[href$="/delete"]`, "href"))
		}},
		{"compare", visit(me + "/compare?quiz=" + id)},
		{"delete everything", visit(me + "/delete")},
		{"home after forgetting", visit("/?forgotten=1")},
		{"not found", func(tb *tab) {
			assert.EqualValues(tb.t, 404, tb.visit("/no/such/page").Status)
		}},
		{"deleted", visit("/deleted")},
	}
}

// TestPages visits every kind of page (each checked as every page is: axe
// in light and dark, structure, budgets) and checks what needs the page
// handled: the skip link moves the focus to main; no sideways scrolling at
// 320 CSS px wide nor at 200% zoom; nothing moves when reduced motion is
// asked for; controls are at least 44 px; a "Leave quickly" link at the
// top.
func TestPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	me, results := srv.seed(t, 2)
	tb := srv.open(t)
	for _, p := range pageKinds(srv.quiz.ID, me, results) {
		t.Run(p.name, func(t *testing.T) {
			tb := tb.on(t)
			p.open(tb)
			tb.layoutChecks()
		})
	}
}

// layoutChecks runs what every page must handle on the page the tab
// shows: the skip link, reflow at 320 px and at 200% zoom, reduced motion,
// 44 px targets, and the "Leave quickly" link at the top.
func (tb *tab) layoutChecks() {
	tb.t.Helper()
	tb.skipLink()
	tb.reflow()
	tb.reducedMotion()
	for _, s := range eval[[]string](tb, script("targets.js")) {
		tb.t.Errorf("a control smaller than 44 px: %s", s)
	}
	tb.quickExitPresent("")
}

// skipLink checks that the first Tab of the page reaches the skip link,
// that it shows when focused, and that Enter moves the focus to main. On
// a page that starts further on (autofocus on a form's error summary, or
// an address whose fragment points into the page) the first Tab goes on
// from there, as it should: then Shift+Tab must reach it, allowing one
// press for each control before that place.
func (tb *tab) skipLink() {
	tb.t.Helper()
	if tb.focused("body") && eval[string](tb, `location.hash`) == "" {
		tb.press(kb.Tab)
		require.True(tb.t, tb.focused("a.skip"), "the first Tab reaches the skip link, not %s", tb.active())
	} else {
		limit := eval[int](tb, `(() => {
			let from = document.activeElement;
			if (!from || from === document.body) from = document.getElementById(location.hash.slice(1));
			return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
				.filter((e) => e.compareDocumentPosition(from) & Node.DOCUMENT_POSITION_FOLLOWING).length + 1;
		})()`)
		for range limit {
			tb.do(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
			if tb.focused("a.skip") {
				break
			}
		}
		require.True(tb.t, tb.focused("a.skip"), "Shift+Tab reaches the skip link, not %s", tb.active())
	}
	assert.True(tb.t, eval[bool](tb, `(() => {
		const r = document.activeElement.getBoundingClientRect();
		return r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
	})()`), "the focused skip link is visible")
	tb.press(kb.Enter)
	deadline := time.Now().Add(2 * time.Second)
	for !tb.focused("main") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	assert.True(tb.t, tb.focused("main"), "the skip link moves the focus to main, not %s", tb.active())
}

// reflow checks for sideways scrolling at 320 CSS px wide (WCAG 1.4.10)
// and at 200% zoom of a 1280 px window (640 CSS px, 2 device pixels each),
// then puts the desktop viewport back.
func (tb *tab) reflow() {
	tb.t.Helper()
	for _, v := range []struct {
		name          string
		width, height int64
		scale         float64
	}{
		{"320 CSS px wide", 320, 640, 1},
		{"200% zoom", 640, 400, 2},
	} {
		tb.viewport(v.width, v.height, v.scale)
		r := eval[struct {
			ScrollWidth int      `json:"scrollWidth"`
			ClientWidth int      `json:"clientWidth"`
			Offenders   []string `json:"offenders"`
		}](tb, script("overflow.js"))
		assert.LessOrEqual(tb.t, r.ScrollWidth, r.ClientWidth, "%s: the page scrolls sideways: %s", v.name, strings.Join(r.Offenders, "; "))
		assert.Empty(tb.t, r.Offenders, "%s: elements stick out", v.name)
	}
	tb.viewport(1280, 800, 1)
}

// reducedMotion checks that nothing animates or transitions when the
// person's system asks for reduced motion.
func (tb *tab) reducedMotion() {
	tb.t.Helper()
	tb.media(emulation.MediaFeature{Name: "prefers-reduced-motion", Value: "reduce"})
	assert.Empty(tb.t, eval[[]string](tb, script("motion.js")), "with prefers-reduced-motion: reduce")
	tb.media()
}

// TestPages_SlowNetwork loads each kind of page through a proxy that sends
// its HTML in small pieces with pauses between them, as a slow connection
// does, so the browser draws each page many times while it arrives. No
// page may shift as it draws: what is drawn first stays where it is when
// the rest comes (CLS 0). The pieces end after a tag: a text cut in the
// middle grows by a letter when the rest arrives, which moves centred text
// by a pixel, and no layout can avoid that.
func TestPages_SlowNetwork(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	me, results := srv.seed(t, 2)
	slow := httptest.NewServer(dribble(t, srv.URL, 100, 30*time.Millisecond))
	t.Cleanup(slow.Close)
	tb := (&server{URL: slow.URL, quiz: srv.quiz, scratch: true}).open(t)
	load := func(name string, do func()) {
		t.Helper()
		tb.net.take()
		do()
		cls := eval[struct {
			CLS     float64  `json:"cls"`
			Sources []string `json:"sources"`
		}](tb, script("cls.js"))
		assert.Zero(t, cls.CLS, "%s shifts as it arrives:\n\t%s", name, strings.Join(cls.Sources, "\n\t"))
	}
	for _, p := range []struct{ name, path string }{
		{"home", "/"},
		{"intro", "/quizzes/" + srv.quiz.ID},
		{"result", results[1]},
		{"personal page", me},
		{"compare", me + "/compare?quiz=" + srv.quiz.ID},
		{"not found", "/no/such/page"},
	} {
		load(p.name, func() { tb.do(chromedp.Navigate(slow.URL + p.path)) })
	}
	load("questions", func() {
		tb.do(chromedp.Navigate(slow.URL + "/quizzes/" + srv.quiz.ID))
		_, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`form.inline-form button[type=submit]`)))
		require.NoError(t, err)
	})
	load("questions with problems", func() {
		_, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`button[name=_nav][value=next]`)))
		require.NoError(t, err)
	})
}

// dribble is a proxy to target that sends HTML in pieces of about size
// bytes, each ending after a tag, with a pause after each; everything else
// passes as it is.
func dribble(t *testing.T, target string, size int, pause time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		req.Header.Del("Accept-Encoding") // pieces of text, not of gzip
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Log(err)
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(res.StatusCode)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			_, _ = w.Write(body)
			return
		}
		for len(body) > 0 {
			n := min(size, len(body))
			if i := bytes.IndexByte(body[n:], '>'); i >= 0 {
				n += i + 1
			} else {
				n = len(body)
			}
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			body = body[n:]
			time.Sleep(pause)
		}
	})
}
