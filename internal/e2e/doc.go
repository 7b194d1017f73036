// Package e2e holds Tandem's browser tests: the real server on a temporary
// database, driven by headless Chromium through chromedp.
//
// Every page a test visits is checked (tab.check): axe-core finds no WCAG
// 2.2 A or AA violation in light or dark, the page has the structure every
// page promises, keeps to its budget (30 KB of HTML, CSS and JavaScript,
// compressed), asks nothing of another origin, loads no font and does not
// shift as it loads. TestMeters shows that each of these checks fails when
// it should.
//
// The tests skip when no Chromium is installed, and fail instead when
// TANDEM_E2E=require. TANDEM_SCREENSHOTS=1 makes TestScreenshots rewrite
// docs/screenshots.
package e2e
