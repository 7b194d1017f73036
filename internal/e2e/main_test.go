package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is the one Chromium every test of this binary shares; each test
// opens its own tabs in browser contexts of their own (fresh cookies).
// It is nil when no browser could be started; noBrowser then says why.
var (
	browser   context.Context
	noBrowser string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	path := findChromium()
	if path == "" {
		noBrowser = "no Chromium found (apt-get install chromium)"
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "tandem-e2e-profile-")
	if err != nil {
		noBrowser = "cannot make a browser profile folder: " + err.Error()
		return m.Run()
	}
	defer os.RemoveAll(profile)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-GB"),
		// Headless Chromium ignores --lang for what it asks of servers
		// (it sends en-US): this sets Accept-Language and
		// navigator.languages.
		chromedp.Flag("accept-lang", "en-GB,en"),
		chromedp.WindowSize(1280, 800),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first Do starts the browser and binds its life to ctx, so it
	// cannot take a context with a timeout: wait for it on the side.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = fmt.Errorf("no answer in 60s")
	}
	if err != nil {
		noBrowser = fmt.Sprintf("Chromium at %s did not start: %v", path, err)
		return m.Run()
	}
	browser = ctx
	code := m.Run()
	if testing.Verbose() {
		printBudgets(os.Stdout)
	}
	return code
}

// findChromium returns the path of a Chromium or Chrome to drive, or "":
// TANDEM_CHROMIUM when set, else the first of the usual names on PATH.
func findChromium() string {
	if p := os.Getenv("TANDEM_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser skips the test when there is no browser, or fails it when
// TANDEM_E2E=require.
func needBrowser(t *testing.T) {
	t.Helper()
	if browser != nil {
		return
	}
	if os.Getenv("TANDEM_E2E") == "require" {
		t.Fatal("TANDEM_E2E=require: " + noBrowser)
	}
	t.Skip(noBrowser + "; browser tests skipped (TANDEM_E2E=require fails instead)")
}
