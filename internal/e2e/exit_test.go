package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/web"
)

// neutralSite stands in for the neutral site "Leave quickly" opens (the
// machine that runs the tests may have no internet): /exit is where the
// link goes, /before a page the person was on before Tandem, such as a
// search. Its pages name an icon of their own (data:), so that the browser
// asks it for no /favicon.ico, which could arrive late, while a Tandem page
// is being checked for requests to other origins.
func neutralSite(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/exit":
			_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><link rel="icon" href="data:,"><title>The weather</title><h1>Sunny later</h1>`))
		case "/before":
			_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><link rel="icon" href="data:,"><title>Search</title><h1>Results</h1>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestQuickExit: the "Leave quickly" link (on every page, TestPages
// checks) is early in the tab order and a 44 px target at phone and
// desktop size, and goes to the neutral site the server is given. Without JavaScript it is a plain link that opens
// that site. With JavaScript it also replaces the Tandem page in the
// tab's history, so that Back goes to the page before Tandem, not to
// Tandem.
func TestQuickExit(t *testing.T) {
	t.Parallel()
	neutral := neutralSite(t)
	exit := neutral.URL + "/exit"
	srv := newServer(t, func(c *web.Config) { c.ExitURL = exit })
	for _, js := range []bool{false, true} {
		name, opts := "JavaScript", []tabOption{}
		if !js {
			name, opts = "NoJavaScript", []tabOption{withoutJS}
		}
		for _, size := range shotSizes {
			t.Run(name+"/"+size.name, func(t *testing.T) {
				t.Parallel()
				tb := srv.open(t, opts...)
				tb.viewport(size.width, size.height, size.scale)
				if js {
					// Come from another site, so that there is a page
					// before Tandem for Back to go to.
					tb.do(chromedp.Navigate(neutral.URL + "/before"))
					tb.net.take() // not Tandem's: not checked
				}
				tb.visit("/quizzes/" + srv.quiz.ID)
				tb.quickExitPresent(exit)
				// Right after the skip link and the site's name.
				tb.tabTo(`[data-testid=quick-exit]`, 3)
				tb.focusRing()
				tb.leaveQuickly(exit, js)
			})
		}
	}
}

// quickExitPresent checks the page's "Leave quickly" link: one, to exit
// (when given), named for what it does, in view at the top of the page,
// and a target of at least 44 by 44 px.
func (tb *tab) quickExitPresent(exit string) {
	tb.t.Helper()
	t := tb.t
	eval[struct{}](tb, `window.scrollTo(0, 0), ({})`)
	require.Equal(t, 1, tb.count(`a.quick-exit[data-testid=quick-exit]`), "one Leave quickly link")
	if exit != "" {
		assert.Equal(t, exit, tb.attr(`[data-testid=quick-exit]`, "href"))
	}
	role, name, _ := tb.ax(`[data-testid=quick-exit]`)
	assert.Equal(t, "link", role)
	assert.Equal(t, "Leave quickly", name)
	box := eval[struct{ Top, Bottom, Left, Right, Width, Height float64 }](tb,
		`document.querySelector("[data-testid=quick-exit]").getBoundingClientRect().toJSON()`)
	assert.GreaterOrEqual(t, box.Width, 44.0, "a 44 px target: %.0f wide", box.Width)
	assert.GreaterOrEqual(t, box.Height, 44.0, "a 44 px target: %.0f high", box.Height)
	inner := eval[float64](tb, `innerWidth`)
	assert.True(t, box.Top >= 0 && box.Bottom <= 120 && box.Left >= 0 && box.Right <= inner,
		"in view at the top of the page: %+v", box)
}

// leaveQuickly activates the focused "Leave quickly" link (Enter without
// JavaScript, a click with it) and checks that the tab shows the neutral
// site; with JavaScript, that no Tandem page is left in the tab's history
// and Back goes to the page before Tandem.
func (tb *tab) leaveQuickly(exit string, js bool) {
	tb.t.Helper()
	t := tb.t
	before := eval[int](tb, `history.length`)
	var err error
	if js {
		_, err = chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`[data-testid=quick-exit]`)))
	} else {
		_, err = chromedp.RunResponse(tb.ctx, key(kb.Enter))
	}
	require.NoError(t, err, "leave quickly")
	tb.net.take() // the neutral site is not Tandem's: not checked
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, exit, loc, "the tab shows the neutral site")
	if !js {
		// A link alone can only add to the history: Back still shows the
		// Tandem page, which is why the script replaces it where it runs.
		assert.Equal(t, before+1, eval[int](tb, `history.length`), "without a script the neutral site is added")
		return
	}
	h, err := chromedp.Run(tb.ctx, chromedp.NavigationEntries())
	require.NoError(t, err)
	var urls []string
	for _, e := range h.Entries {
		urls = append(urls, e.URL)
		assert.False(t, strings.HasPrefix(e.URL, tb.srv.URL), "Tandem is gone from the tab's history: %s", e.URL)
	}
	require.Positive(t, h.CurrentIndex, "a page before: %v", urls)
	prev := h.Entries[h.CurrentIndex-1]
	assert.NotContains(t, prev.URL, tb.srv.URL, "Back does not lead to Tandem")
	assert.Equal(t, before, eval[int](tb, `history.length`), "the neutral site replaced the Tandem page, no entry added: %v", urls)

	// Back, as the browser's button: the page before Tandem.
	call(tb, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: prev.ID})
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	for loc == exit && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		loc, err = chromedp.Run(ctx, chromedp.Location())
		require.NoError(t, err)
	}
	tb.net.take()
	assert.Equal(t, prev.URL, loc, "Back goes to the page before Tandem")
	assert.False(t, strings.HasPrefix(loc, tb.srv.URL), "not to Tandem")
}
