package e2e_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// badPage breaks every rule the checks enforce, so TestMeters can show
// that each check sees what it is meant to see. It is served without the
// site's Content-Security-Policy, so its inline script and styles run.
const badPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bad</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
@font-face { font-family: Webby; src: url(/font.woff2) format("woff2"); }
body { font-family: Webby, sans-serif; margin: 0; }
.pale { color: #bbb; background: #fff; }
.wide { width: 500px; height: 10px; }
.tiny { width: 20px; height: 20px; padding: 0; transition: opacity 0.3s; }
</style></head>
<body>
<h1>One</h1><h1>Two</h1>
<p class="pale">Hard to read.</p>
<img src="/pixel.png">
<img src="http://127.0.0.2:9/elsewhere.png" alt="">
<label><input type="radio" name="q" value="1"> Yes</label>
<svg role="img" viewBox="0 0 100 20" width="300"><text x="0" y="15" fill="#eee">pale chart text</text></svg>
<svg role="img" viewBox="0 0 100 20" width="300" aria-label="markers">
<circle class="marker" cx="10" cy="10" r="4" fill="#2f5f8a"></circle><rect class="marker" x="6" y="6" width="8" height="8" fill="#2f5f8a"></rect>
<rect class="marker hollow" x="40" y="4" width="12" height="12" fill="#fff" stroke="#ddd" stroke-width="2"></rect>
</svg>
<div class="wide"></div>
<button class="tiny">x</button>
<div id="late"></div>
<p>Text that moves down when the block above appears.</p>
<!--PAD-->
<script>
console.error("boom");
requestAnimationFrame(() => setTimeout(() => {
  const d = document.getElementById("late");
  d.textContent = "A block that appears after the first paint.";
  d.style.height = "200px";
}, 0));
</script>
</body></html>`

// TestMeters checks the checks: on a page that breaks every rule, each
// one reports what it should. A check that cannot fail proves nothing.
func TestMeters(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	// Random text does not compress: 40 KB of it is over budget.
	pad := make([]byte, 30<<10)
	_, _ = rand.Read(pad)
	page := strings.Replace(badPage, "<!--PAD-->", "<p hidden>"+base64.StdEncoding.EncodeToString(pad)+"</p>", 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(page))
		case "/font.woff2":
			w.Header().Set("Content-Type", "font/woff2")
			_, _ = w.Write([]byte("not really a font"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)

	tb := (&server{URL: ts.URL, scratch: true}).open(t)
	tb.do(chromedp.Navigate(ts.URL + "/")) // not visit: that would fail the test
	problems := strings.Join(tb.audit(), "\n")
	for _, want := range []string{
		"2 h1 elements",
		"no single main landmark",
		"not a skip link",
		"radio group q is not in a fieldset",
		"has no name",
		"web fonts declared",
		"loads a web font",
		"a request to another origin: http://127.0.0.2:9/elsewhere.png",
		"the browser logged an error",
		"over the budget",
		"axe image-alt",
		"axe color-contrast",
		`text "pale chart text" in a chart: contrast`,
		"marker in a chart: contrast 1.00:1", // a marker that covers another
		"hollow marker in a chart: contrast", // an outline too pale
		"the layout shifts as the page loads",
	} {
		assert.Contains(t, problems, want)
	}
	if t.Failed() {
		t.Log(problems)
	}

	tb.viewport(320, 640, 1)
	wide := eval[struct {
		ScrollWidth int      `json:"scrollWidth"`
		ClientWidth int      `json:"clientWidth"`
		Offenders   []string `json:"offenders"`
	}](tb, script("overflow.js"))
	assert.Greater(t, wide.ScrollWidth, wide.ClientWidth, "the wide block scrolls sideways")
	assert.Contains(t, strings.Join(wide.Offenders, " "), "div.wide")
	tb.media(emulation.MediaFeature{Name: "prefers-reduced-motion", Value: "reduce"})
	assert.Contains(t, strings.Join(eval[[]string](tb, script("motion.js")), " "), "button.tiny has a transition")
	assert.Contains(t, strings.Join(eval[[]string](tb, script("targets.js")), " "), `button.tiny "x" is 20×20`)
}
