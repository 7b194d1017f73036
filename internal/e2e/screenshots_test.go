package e2e_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/stretchr/testify/require"
)

// shotsDir is where the README's screenshots live.
const shotsDir = "../../docs/screenshots"

// TestScreenshots writes the screenshots in docs/screenshots: home, a page
// of questions, the same page sent with questions unanswered (422), the
// result and the personal page (both the full page), at phone and desktop
// size, light and dark. Every page is checked on the way, as everywhere. It runs
// only with TANDEM_SCREENSHOTS=1 (make screenshots), so that ordinary runs
// leave the tree as it is.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_SCREENSHOTS") != "1" {
		t.Skip("set TANDEM_SCREENSHOTS=1 (make screenshots) to write docs/screenshots")
	}
	srv := newServer(t)
	me, results := srv.seed(t, 2)
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
