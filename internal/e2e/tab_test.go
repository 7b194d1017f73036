package e2e_test

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// The scripts the tests evaluate in pages, one expression per file.
//
//go:embed js/*.js
var scripts embed.FS

func script(name string) string {
	b, err := scripts.ReadFile("js/" + name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// tab is one browser tab of a test. Every page it loads is checked (see
// check): axe in light and dark, structure, budgets, other origins.
type tab struct {
	t      *testing.T
	srv    *server
	root   context.Context // the tab's own chromedp context
	ctx    context.Context // root with the test's deadline: use this one
	net    *netLog
	noJS   bool
	scheme string // "light" or "dark", as the tab shows pages
}

type tabOption func(*tab)

// withoutJS switches script execution off in the tab, as a person who
// disables JavaScript would.
func withoutJS(tb *tab) { tb.noJS = true }

// open starts a tab in a browser context of its own: no cookies, no
// cache, no history shared with any other test.
func (s *server) open(t *testing.T, opts ...tabOption) *tab {
	t.Helper()
	needBrowser(t)
	nl := newNetLog()
	root, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(nl.listen))
	t.Cleanup(cancel)
	return s.start(t, root, nl, opts)
}

// sibling opens another tab in the same browser context, so it shares the
// cookies of tb, as a second tab of the same browser would.
func (tb *tab) sibling(opts ...tabOption) *tab {
	tb.t.Helper()
	nl := newNetLog()
	root, cancel := chromedp.NewContext(tb.root, chromedp.WithListener(nl.listen))
	tb.t.Cleanup(cancel)
	return tb.srv.start(tb.t, root, nl, opts)
}

func (s *server) start(t *testing.T, root context.Context, nl *netLog, opts []tabOption) *tab {
	t.Helper()
	require.NoError(t, chromedp.Do(root), "open a tab") // binds the tab to root
	ctx, cancel := context.WithTimeout(root, 3*time.Minute)
	t.Cleanup(cancel)
	tb := &tab{t: t, srv: s, root: root, ctx: ctx, net: nl, scheme: "light"}
	for _, o := range opts {
		o(tb)
	}
	// Every load is a first visit: what the budget counts is what a person
	// who never came before downloads.
	call(tb, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	// Tabs of parallel tests live in windows of their own; each behaves as
	// the focused one, so autofocus and :focus-visible work everywhere.
	call(tb, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	tb.viewport(1280, 800, 1)
	tb.setScheme(tb.scheme)
	if tb.noJS {
		call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	return tb
}

// call sends one protocol command to the tab.
func call[P, R any](tb *tab, cmd cdp.Command[P, R], params P) R {
	tb.t.Helper()
	r, err := chromedp.Call(tb.ctx, cmd, params)
	require.NoError(tb.t, err, cmd.Method)
	return r
}

// do runs actions in the tab and stops the test on an error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	require.NoError(tb.t, chromedp.Do(tb.ctx, steps...))
}

// eval evaluates a JavaScript expression in the page and decodes its value,
// waiting for a promise. It works with scripts disabled too, as the
// protocol's evaluation is not the page's own script, but then timers do
// not run, so neither does a promise that waits on one.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(tb.t, err, "evaluate %.60q", expr)
	return v
}

// setScheme makes the tab prefer a light or a dark colour scheme.
func (tb *tab) setScheme(scheme string) {
	tb.t.Helper()
	tb.media(emulation.MediaFeature{Name: "prefers-color-scheme", Value: scheme})
}

// media emulates media features; the colour scheme is always set.
func (tb *tab) media(features ...emulation.MediaFeature) {
	tb.t.Helper()
	fs := []*emulation.MediaFeature{}
	scheme := false
	for _, f := range features {
		fs = append(fs, &f)
		scheme = scheme || f.Name == "prefers-color-scheme"
	}
	if !scheme {
		fs = append(fs, &emulation.MediaFeature{Name: "prefers-color-scheme", Value: tb.scheme})
	}
	call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: fs})
}

// viewport sets the size of the page in CSS pixels and the device pixels
// per CSS pixel (2 is what 200% zoom of a window twice as wide shows).
func (tb *tab) viewport(width, height int64, scale float64) {
	tb.t.Helper()
	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: scale, Mobile: width < 600,
	})
}

// visit loads path and checks the page.
func (tb *tab) visit(path string) *network.Response {
	tb.t.Helper()
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(tb.srv.URL+path))
	require.NoError(tb.t, err, "load %s", path)
	tb.check()
	return resp
}

// press sends keys to the focused element, one key at a time.
func (tb *tab) press(keys ...string) {
	tb.t.Helper()
	for _, k := range keys {
		tb.do(key(k))
	}
}

// key presses one key. Enter goes as a real keyboard sends it: a keydown
// that carries the text, then a keyup. chromedp's KeyEvent sends a
// separate char event after the keydown; when the keydown has already
// acted (Enter on a link that moves the focus), Chrome would not deliver
// that char, but through the protocol it reaches the newly focused element
// and, on a radio, submits the form.
func key(k string) chromedp.Action[chromedp.Void] {
	if k != kb.Enter {
		return chromedp.KeyEvent(k)
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{
			Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", Text: "\r", UnmodifiedText: "\r",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		for _, ev := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// pressAndLoad sends a key that starts a navigation (Enter on a link or a
// button), waits for the new page and checks it.
func (tb *tab) pressAndLoad(k string) *network.Response {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, key(k))
	require.NoError(tb.t, err, "press %q", k)
	tb.check()
	return resp
}

// click clicks an element that does not start a navigation.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(sel)))
}

// clickAndLoad clicks an element that starts a navigation.
func (tb *tab) clickAndLoad(sel string) *network.Response {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(sel)))
	require.NoError(tb.t, err, "click %s", sel)
	tb.check()
	return resp
}

// back and forward use the browser's history, as its buttons do. A page
// may come back from the back-forward cache, which fires no load event,
// so this waits for either.
func (tb *tab) back()    { tb.t.Helper(); tb.history(-1) }
func (tb *tab) forward() { tb.t.Helper(); tb.history(+1) }

func (tb *tab) history(delta int) {
	tb.t.Helper()
	h, err := chromedp.Run(tb.ctx, chromedp.NavigationEntries())
	require.NoError(tb.t, err)
	i := int(h.CurrentIndex) + delta
	require.True(tb.t, i >= 0 && i < len(h.Entries), "no history entry %d away", delta)
	before := tb.net.shownCount()
	call(tb, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[i].ID})
	deadline := time.Now().Add(30 * time.Second)
	for tb.net.shownCount() == before {
		require.True(tb.t, time.Now().Before(deadline), "history navigation never showed a page")
		time.Sleep(20 * time.Millisecond)
	}
	tb.check()
}

// reload reloads the page, as the browser's button does.
func (tb *tab) reload() *network.Response {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Reload())
	require.NoError(tb.t, err, "reload")
	tb.check()
	return resp
}

// path is the path of the page the tab shows, with its query.
func (tb *tab) path() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	require.NoError(tb.t, err)
	u, err := url.Parse(loc)
	require.NoError(tb.t, err)
	return u.RequestURI()
}

// active describes the focused element, such as input[name=b01][value=3].
func (tb *tab) active() string {
	tb.t.Helper()
	return eval[string](tb, `(() => {
		const e = document.activeElement;
		if (!e || e === document.body) return "body";
		let s = e.tagName.toLowerCase();
		if (e.id) s += "#" + e.id;
		for (const a of ["name", "value", "href"]) if (e.hasAttribute(a)) s += "[" + a + "=" + e.getAttribute(a) + "]";
		return s;
	})()`)
}

// focused reports whether the focused element matches a CSS selector.
func (tb *tab) focused(sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel))
}

// tabTo presses Tab until the focused element matches sel, at most limit
// times, and returns how many presses it took.
func (tb *tab) tabTo(sel string, limit int) int {
	tb.t.Helper()
	for n := 1; n <= limit; n++ {
		tb.press(kb.Tab)
		if tb.focused(sel) {
			return n
		}
	}
	tb.t.Fatalf("%s: %d presses of Tab never reached %s (focus is on %s)", tb.path(), limit, sel, tb.active())
	return 0
}

// count is how many elements match a CSS selector.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// text is the text of the first element that matches sel, white space
// folded.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s := eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent`, sel))
	return strings.Join(strings.Fields(s), " ")
}

// attr is an attribute of the first element that matches sel.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute(%q) || ""`, sel, name))
}

// checked maps each radio group of the page to its checked value.
func (tb *tab) checked() map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll("input[type=radio]:checked")].map(r => [r.name, r.value]))`)
}

// items lists the radio groups of the page (the item ids), in order.
func (tb *tab) items() []string {
	tb.t.Helper()
	return eval[[]string](tb, `[...new Set([...document.querySelectorAll("input[type=radio]")].map(r => r.name))]`)
}

// netLog records the tab's network traffic and errors, in the order the
// browser reports them.
type netLog struct {
	mu     sync.Mutex
	reqs   []*request
	byID   map[network.RequestID]*request
	errors []string
	mark   int // reqs before mark belong to pages already checked
	errAt  int
	shown  int // pages shown: loads, and restores from the back-forward cache
	cached int // of which restores
}

func (n *netLog) shownCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.shown
}

type request struct {
	url    string
	method string
	typ    network.ResourceType
	status int64
	bytes  float64 // encoded bytes received, headers included, redirects too
	done   bool
}

func newNetLog() *netLog { return &netLog{byID: map[network.RequestID]*request{}} }

// listen runs in the tab's event loop: it must return fast.
func (n *netLog) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if r, ok := n.byID[ev.RequestID]; ok && ev.RedirectResponse != nil {
			r.bytes += ev.RedirectResponse.EncodedDataLength
			r.url, r.method = ev.Request.URL, ev.Request.Method
			return
		}
		r := &request{url: ev.Request.URL, method: ev.Request.Method, typ: ev.Type}
		n.byID[ev.RequestID] = r
		n.reqs = append(n.reqs, r)
	case *network.EventResponseReceived:
		if r, ok := n.byID[ev.RequestID]; ok {
			r.status, r.typ = ev.Response.Status, ev.Type
		}
	case *network.EventLoadingFinished:
		if r, ok := n.byID[ev.RequestID]; ok {
			r.bytes += ev.EncodedDataLength
			r.done = true
		}
	case *network.EventLoadingFailed:
		if r, ok := n.byID[ev.RequestID]; ok {
			r.done = true
		}
	case *page.EventLoadEventFired:
		n.shown++
	case *page.EventFrameNavigated:
		if ev.Type == page.NavigationTypeBackForwardCacheRestore && ev.Frame.ParentID == "" {
			n.shown++
			n.cached++
		}
	case *log.EventEntryAdded:
		// Failed loads are the network's business (a 404 page is one);
		// anything else logged as an error is a fault of the page, such
		// as a Content-Security-Policy violation.
		if e := ev.Entry; e.Level == log.EntryLevelError && e.Source != log.EntrySourceNetwork {
			n.errors = append(n.errors, fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
		}
	case *runtime.EventExceptionThrown:
		n.errors = append(n.errors, "uncaught: "+ev.ExceptionDetails.Text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			n.errors = append(n.errors, "console.error")
		}
	}
}

// take returns the requests and errors since the last take, once the
// requests have finished (or after a few seconds).
func (n *netLog) take() ([]*request, []string) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		n.mu.Lock()
		pending := false
		for _, r := range n.reqs[n.mark:] {
			pending = pending || !r.done
		}
		if !pending || time.Now().After(deadline) {
			reqs, errs := n.reqs[n.mark:], n.errors[n.errAt:]
			n.mark, n.errAt = len(n.reqs), len(n.errors)
			n.mu.Unlock()
			return reqs, errs
		}
		n.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

var tokenish = regexp.MustCompile(`^[A-Za-z0-9_-]{40,}$`)

// route names a page by its path with the private parts replaced, such as
// /attempts/{token}/{n}: the same name for every visit of the same page.
func route(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	parts := strings.Split(u.Path, "/")
	for i, p := range parts {
		switch {
		case tokenish.MatchString(p):
			parts[i] = "{token}"
		case p != "" && strings.Trim(p, "0123456789") == "":
			parts[i] = "{n}"
		}
	}
	return strings.Join(parts, "/")
}

// axNode is the browser's accessibility node of the first element
// matching sel.
func (tb *tab) axNode(sel string) *accessibility.Node {
	tb.t.Helper()
	ids, err := chromedp.Run(tb.ctx, chromedp.QueryNodeIDs(chromedp.CSS(sel)))
	require.NoError(tb.t, err)
	require.NotEmpty(tb.t, ids, sel)
	r := call(tb, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{NodeID: ids[0], FetchRelatives: new(false)})
	require.NotEmpty(tb.t, r.Nodes, sel)
	return r.Nodes[0]
}

// ax returns the role, accessible name and description that the browser's
// accessibility tree gives the first element matching sel: what a screen
// reader is told.
func (tb *tab) ax(sel string) (role, name, description string) {
	tb.t.Helper()
	n := tb.axNode(sel)
	value := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			_ = json.Unmarshal(v.Value, &s)
		}
		return strings.Join(strings.Fields(s), " ")
	}
	return value(n.Role), value(n.Name), value(n.Description)
}
