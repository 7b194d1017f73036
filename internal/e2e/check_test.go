package e2e_test

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
)

// budgetBytes is the most a page may transfer, HTML, CSS and JavaScript
// together, compressed and with their headers, on a first visit.
const budgetBytes = 30 * 1024

// check runs after every page load, in every test, and fails the test
// for each problem that audit finds.
func (tb *tab) check() {
	tb.t.Helper()
	for _, p := range tb.audit() {
		tb.t.Error(p)
	}
}

// audit measures the page the tab shows and returns its problems, one
// sentence each: a request to another origin, a web font, an error in the
// browser's log (a refused inline script or style shows there), HTML+CSS+JS
// over budget, the structure every page promises (structure.js), axe-core
// violations of WCAG 2.2 A and AA in light and in dark, chart text and
// markers below contrast, and any layout shift as the page loaded.
func (tb *tab) audit() []string {
	tb.t.Helper()
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	reqs, errs := tb.net.take()
	origin := mustOrigin(tb.srv.URL)
	var b pageBytes
	status := int64(0)
	label := route(tb.path())
	for _, r := range reqs {
		u, err := url.Parse(r.url)
		if err != nil || u.Scheme == "data" || u.Scheme == "about" {
			continue
		}
		if u.Scheme+"://"+u.Host != origin {
			report("%s: a request to another origin: %s", label, r.url)
		}
		switch r.typ {
		case network.ResourceTypeDocument:
			b.html += r.bytes
			status = r.status
		case network.ResourceTypeStylesheet:
			b.css += r.bytes
		case network.ResourceTypeScript:
			b.js += r.bytes
		case network.ResourceTypeFont:
			report("%s: loads a web font: %s", label, r.url)
		default:
			b.other += r.bytes
		}
	}
	if status != 0 && status != 200 {
		label += fmt.Sprintf(" (%d)", status)
	}
	for _, e := range errs {
		report("%s: the browser logged an error: %s", label, e)
	}
	if status != 0 { // a page restored from the back-forward cache loads nothing
		if total := b.html + b.css + b.js; total > budgetBytes {
			report("%s: HTML+CSS+JS is %.1f KB, over the budget of %d KB", label, total/1024, budgetBytes/1024)
		}
		if !tb.srv.scratch {
			budgets.add(label, b)
		}
	}
	for _, p := range eval[[]string](tb, script("structure.js")) {
		report("%s: %s", label, p)
	}
	for _, p := range tb.axe(label) {
		report("%s", p)
	}
	cls := eval[struct {
		CLS       float64  `json:"cls"`
		Sources   []string `json:"sources"`
		Supported bool     `json:"supported"`
	}](tb, script("cls.js"))
	if !cls.Supported {
		report("%s: this browser does not report layout shifts", label)
	}
	if cls.CLS != 0 {
		report("%s: the layout shifts as the page loads: CLS %.4f\n\t%s", label, cls.CLS, strings.Join(cls.Sources, "\n\t"))
	}
	return problems
}

// axe runs axe-core on the page in light and in dark, and returns each
// violation, and each chart text or marker below contrast (which axe
// cannot decide inside SVG). axe-core is injected through the protocol,
// as the page's Content-Security-Policy rightly refuses any script of
// ours.
func (tb *tab) axe(label string) []string {
	tb.t.Helper()
	if tb.noJS {
		// axe-core schedules its work with timers, which do not run while
		// scripts are off. Switching them on after the load runs none of
		// the page's own scripts: axe sees the page as it loaded.
		call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		defer call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	var problems []string
	start := time.Now()
	if !eval[bool](tb, `typeof axe === "object"`) {
		eval[struct{}](tb, axeSource()+"\n;({})")
	}
	for _, scheme := range []string{"light", "dark"} {
		tb.setScheme(scheme)
		r := eval[axeResult](tb, script("axe-run.js"))
		for _, v := range r.Violations {
			var nodes []string
			for _, n := range v.Nodes {
				nodes = append(nodes, fmt.Sprintf("\t%s\n\t\t%s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t")))
			}
			problems = append(problems, fmt.Sprintf("%s (%s): axe %s [%s]: %s\n%s", label, scheme, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n")))
		}
		for _, p := range eval[[]string](tb, script("chart-contrast.js")) {
			problems = append(problems, fmt.Sprintf("%s (%s): %s", label, scheme, p))
		}
		if !tb.srv.scratch {
			axeStats.add(label, scheme, r.Incomplete, time.Since(start))
		}
		start = time.Now()
	}
	tb.setScheme(tb.scheme)
	return problems
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  string `json:"target"`
			HTML    string `json:"html"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
	Incomplete []string `json:"incomplete"`
}

// axeSource is axe-core as vendored in testdata/axe (see its README).
var axeSource = sync.OnceValue(func() string {
	b, err := os.ReadFile("../../testdata/axe/axe.min.js")
	if err != nil {
		panic("axe-core is vendored in testdata/axe: " + err.Error())
	}
	return string(b)
})

func mustOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u.Scheme + "://" + u.Host
}

// pageBytes is what one page load transferred, by kind, in bytes.
type pageBytes struct{ html, css, js, other float64 }

// budgets keeps the largest transfer seen for each page, for the summary
// that a verbose run prints.
var budgets = budgetTable{m: map[string]pageBytes{}}

type budgetTable struct {
	mu sync.Mutex
	m  map[string]pageBytes
}

func (bt *budgetTable) add(label string, b pageBytes) {
	bt.mu.Lock()
	defer bt.mu.Unlock()
	old := bt.m[label]
	if b.html+b.css+b.js > old.html+old.css+old.js {
		bt.m[label] = b
	}
}

// axeStats counts axe runs and their time, and what axe could not decide
// (such as contrast over a gradient), for the verbose summary.
var axeStats = axeTable{incomplete: map[string][]string{}}

type axeTable struct {
	mu         sync.Mutex
	runs       int
	took       time.Duration
	incomplete map[string][]string
}

func (a *axeTable) add(label, scheme string, incomplete []string, took time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.runs++
	a.took += took
	if len(incomplete) > 0 {
		a.incomplete[label+" ("+scheme+")"] = incomplete
	}
}

// printBudgets writes the page budget table and the axe summary.
func printBudgets(w io.Writer) {
	budgets.mu.Lock()
	defer budgets.mu.Unlock()
	labels := make([]string, 0, len(budgets.m))
	for l := range budgets.m {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	fmt.Fprintf(w, "\nPage budgets (KB transferred on a first visit, compressed, headers included; budget %d KB for HTML+CSS+JS):\n", budgetBytes/1024)
	fmt.Fprintf(w, "%-44s %6s %6s %6s %7s %7s\n", "page", "HTML", "CSS", "JS", "total", "other")
	for _, l := range labels {
		b := budgets.m[l]
		fmt.Fprintf(w, "%-44s %6.1f %6.1f %6.1f %7.1f %7.1f\n", l, b.html/1024, b.css/1024, b.js/1024, (b.html+b.css+b.js)/1024, b.other/1024)
	}
	axeStats.mu.Lock()
	defer axeStats.mu.Unlock()
	if axeStats.runs > 0 {
		fmt.Fprintf(w, "\naxe-core: %d runs, %.0f ms each on average\n", axeStats.runs, float64(axeStats.took.Milliseconds())/float64(axeStats.runs))
	}
	keys := make([]string, 0, len(axeStats.incomplete))
	for k := range axeStats.incomplete {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "axe could not decide on %s: %s\n", k, strings.Join(axeStats.incomplete[k], ", "))
	}
}
