package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/scoring"
)

// shotsDir is where the README's screenshots live.
const shotsDir = "../../docs/screenshots"

// TestScreenshots writes the screenshots in docs/screenshots: home, a page
// of questions, the same page sent with questions unanswered (422), the
// result and the personal page (both the full page), the spectrum and map
// of a result in each zone (result-zone-middle and so on), and the top of
// a result with a support flag raised (result-support), at phone and
// desktop size, light and dark. Every page is checked on the way, as
// everywhere. It runs only with TANDEM_SCREENSHOTS=1 (make screenshots),
// so that ordinary runs leave the tree as it is.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_SCREENSHOTS") != "1" {
		t.Skip("set TANDEM_SCREENSHOTS=1 (make screenshots) to write docs/screenshots")
	}
	srv := newServer(t)
	me, results := srv.seed(t, 2)
	zoned := map[scoring.Zone]string{}
	for _, zone := range zones {
		zoned[zone], _ = srv.zoneResult(t, zone)
	}
	support := srv.supportResult(t)
	require.NoError(t, os.MkdirAll(shotsDir, 0o755))
	for _, size := range shotSizes {
		for _, scheme := range []string{"light", "dark"} {
			t.Run(size.name+"-"+scheme, func(t *testing.T) {
				tb := srv.open(t)
				tb.scheme = scheme
				tb.setScheme(scheme)
				tb.viewport(size.width, size.height, size.scale)
				shot := func(name string, full bool) {
					t.Helper()
					tb.screenshot(filepath.Join(shotsDir, name+"-"+size.name+"-"+scheme), full)
				}
				tb.visit(me)
				tb.adopt() // this browser now holds its personal page
				tb.visit("/")
				shot("home", false)
				tb.visit(results[len(results)-1])
				shot("result", true)
				for _, zone := range zones {
					tb.visit(zoned[zone])
					tb.screenshotOf(filepath.Join(shotsDir, "result-zone-"+string(zone)+"-"+size.name+"-"+scheme),
						"[data-testid=spectrum]", "[data-testid=map]")
				}
				tb.visit(support)
				shot("result-support", false)
				tb.visit(me)
				shot("history", true)
				tb.visit("/quizzes/" + srv.quiz.ID)
				tb.clickAndLoad(`form.inline-form button[type=submit]`)
				items := tb.items()
				for _, id := range items[:2] {
					v := answer(srv.quiz, srv.item(t, id), 0)
					tb.click(`label[for="q-` + id + `-` + itoa(v-srv.quiz.Scale.Min) + `"]`)
				}
				eval[struct{}](tb, `document.activeElement.blur(), ({})`)
				shot("quiz", false)
				require.EqualValues(t, 422, tb.clickAndLoad(`button[name=_nav][value=next]`).Status)
				shot("quiz-error", false)
			})
		}
	}
}

// shotSizes are the screens the screenshots are taken at.
var shotSizes = []struct {
	name          string
	width, height int64
	scale         float64
}{
	{"phone", 390, 844, 2},
	{"desktop", 1280, 800, 1},
}

// maxShotHeight caps a full-page screenshot, in CSS px, so a long page
// stays a reasonable file.
const maxShotHeight = 3200

// screenshot saves the viewport as path.png, or the whole page up to
// maxShotHeight as path.jpg: a long page is mostly photo-like charts and
// text that a JPEG of quality 75 keeps sharp at a third of the size. Each
// kind keeps one name, so the README's links never break.
func (tb *tab) screenshot(path string, full bool) {
	tb.t.Helper()
	params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng}
	path += ".png"
	if full {
		m := eval[struct {
			Width  int64   `json:"width"`
			Height int64   `json:"height"`
			Scroll int64   `json:"scroll"`
			Scale  float64 `json:"scale"`
		}](tb, `({width: innerWidth, height: innerHeight, scroll: document.documentElement.scrollHeight, scale: devicePixelRatio})`)
		// One device pixel per CSS pixel: a long page at twice the pixels
		// is a file four times the size for a picture shown small.
		tb.viewport(m.Width, min(max(m.Scroll, m.Height), maxShotHeight), 1)
		defer tb.viewport(m.Width, m.Height, m.Scale)
		params = page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatJpeg, Quality: new(int64(75))}
		path = strings.TrimSuffix(path, ".png") + ".jpg"
	}
	shot := call(tb, page.CaptureScreenshot, params)
	require.NoError(tb.t, os.WriteFile(path, shot.Data, 0o644))
	tb.t.Logf("%s: %d KB", filepath.Base(path), len(shot.Data)/1024)
}

// screenshotOf saves as path.png the part of the page from the top of the
// first element matching sels[0] to the bottom of the last matching the
// last of sels, the page's full width, at one device pixel per CSS pixel
// (charts and a few lines of text, which a PNG keeps small and sharp).
func (tb *tab) screenshotOf(path string, sels ...string) {
	tb.t.Helper()
	r := eval[struct{ Top, Bottom, Width float64 }](tb, fmt.Sprintf(`(() => {
		const first = document.querySelector(%q), last = document.querySelector(%q);
		const pad = 8, y = scrollY;
		return {top: Math.max(0, first.getBoundingClientRect().top + y - pad),
			bottom: last.getBoundingClientRect().bottom + y + pad, width: document.documentElement.clientWidth};
	})()`, sels[0], sels[len(sels)-1]))
	params := page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{X: 0, Y: r.Top, Width: r.Width, Height: r.Bottom - r.Top, Scale: 1 / eval[float64](tb, `devicePixelRatio`)},
		CaptureBeyondViewport: new(true),
	}
	shot := call(tb, page.CaptureScreenshot, params)
	path += ".png"
	require.NoError(tb.t, os.WriteFile(path, shot.Data, 0o644))
	tb.t.Logf("%s: %d KB", filepath.Base(path), len(shot.Data)/1024)
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestScreenshotsTherapist writes the therapist's side to docs/screenshots:
// the consent page a client sees, the dashboard and a client's page (the
// whole page), at phone and desktop size, light and dark. Like
// TestScreenshots it runs only with TANDEM_SCREENSHOTS=1.
func TestScreenshotsTherapist(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_SCREENSHOTS") != "1" {
		t.Skip("set TANDEM_SCREENSHOTS=1 (make screenshots) to write docs/screenshots")
	}
	srv := newServer(t)
	th, cl := srv.open(t), srv.open(t, withoutJS)
	th.visit("/signup")
	th.fill("#f-email", "robin@clinic.example")
	th.fill("#f-name", "Robin Ash")
	th.fill("#f-password", "lantern-orchard-7")
	th.clickAndLoad(`form[action="/signup"] button[type=submit]`)
	th.visit("/therapist/links/new")
	th.fill("#f-label", "A.B.")
	th.clickAndLoad(`form[action="/therapist/links"] button[type=submit]`)
	share := strings.TrimPrefix(th.attr(`[data-testid=share-url]`, "value"), srv.URL)
	for round := range 2 {
		cl.visit(share)
		cl.clickAndLoad(`[data-testid=agree]`)
		cl.takeByClicks(round)
	}
	th.visit("/therapist")
	client := th.attr(`[data-testid=client] a`, "href")
	require.NoError(t, os.MkdirAll(shotsDir, 0o755))
	for _, size := range shotSizes {
		for _, scheme := range []string{"light", "dark"} {
			for _, page := range []struct {
				tb         *tab
				name, path string
				full       bool
			}{
				{cl, "consent", share, true},
				{th, "dashboard", "/therapist", false},
				{th, "client", client, true},
			} {
				tb := page.tb.on(t)
				tb.scheme = scheme
				tb.setScheme(scheme)
				tb.viewport(size.width, size.height, size.scale)
				tb.visit(page.path)
				tb.screenshot(filepath.Join(shotsDir, page.name+"-"+size.name+"-"+scheme), page.full)
			}
		}
	}
}
