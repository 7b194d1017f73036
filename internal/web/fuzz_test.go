package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
)

// fuzzQuiz has one page of three items, answers 1 to 5, a3 optional.
const fuzzQuiz = `id: fuzz
version: 1
title: Fuzz
scale:
  min: 1
  max: 5
  labels: [One, Two, Three, Four, Five]
scales:
  - id: close
    name: Closeness
sections:
  - id: only
    title: Only
    items:
      - id: a1
        text: First.
        keys: {close: 1}
      - id: a2
        text: Second.
        keys: {close: -1}
      - id: a3
        text: Third.
        keys: {close: 1}
        optional: true
results:
  - id: any
    title: Any
    summary: Anything.
`

// maxFuzzBody is the longest body the fuzzer tries; longer inputs are
// cut to it (see FuzzDecodeSectionForm).
const maxFuzzBody = 256

// fuzzSeeds are page bodies a browser sends and bodies it never does.
// More live in testdata/fuzz/FuzzDecodeSectionForm.
var fuzzSeeds = []string{
	"_section=only&_nav=next&a1=1&a2=5&a3=3",
	"_section=only&_nav=next&a1=1&a2=5",
	"_section=only&_nav=back&a2=4",
	"_section=only&a1=1&a2=2",
	"_section=only",
	"",
	"a1=1&a2=2&a3=3",
	"_section=other&a1=1",
	"_section=&a1=1",
	"_section=only&_section=only&a1=1",
	"_section=only&_nav=next&_nav=back",
	"_section=only&_nav=finish",
	"_section=only&a1=1&a1=2",
	"_section=only&a1=3&a1=3",
	"_section=only&a4=1",
	"_section=only&_other=1",
	"_section=only&a1=0&a2=6&a3=-1",
	"_section=only&a1=999999999999999999999",
	"_section=only&a1=3.0&a2=three&a3=%203",
	"_section=only&a1=&a2=0x3&a3=%2B3",
	"_section=only&a1=03&a2=-0&a3=+3",
	"_section=only&a1=3%00",
	"_section=only&a1%00=3",
	"_section=only&%ff=1",
	"_section=only&a1=%ff",
	"_section=only&a1=\xff",
	"_section=only%c0%80&a1=1",
	"_section=only&a1=%zz",
	"_section=only;a1=1",
	"_section=only&a1=%3Cscript%3E",
	"_section=only&=1",
	"_section=only&&&a1=1",
	"_section=only&a1",
	"_section=only&a1=1&a1=1&a1=1&a1=1&a1=1",
}

// TestDecodeSectionForm_BodyCap checks both sides of the size cap, which
// the fuzzer does not reach: it tries short bodies only (maxFuzzBody).
func TestDecodeSectionForm_BodyCap(t *testing.T) {
	q, err := quiz.Parse("fuzz.yaml", []byte(fuzzQuiz))
	require.NoError(t, err)
	prefix := "_section=only&_nav=next&a1=1&a2=2&pad="
	for _, n := range []int{maxBodyBytes - 1, maxBodyBytes, maxBodyBytes + 1, 2 * maxBodyBytes} {
		body := prefix + strings.Repeat("x", n-len(prefix))
		require.Len(t, body, n)
		checkDecode(t, q, q.Sections[0], body)
		checkDecode(t, q, q.Sections[0], strings.Replace(body, "&pad=", "&a3=", 1))
	}
}

// FuzzDecodeSectionForm checks that any body either decodes to a form that
// names only the page's items with possible answers, or is refused with a
// 400 or, past the size cap, a 413; and that it is refused exactly when
// no page of ours could have sent it.
func FuzzDecodeSectionForm(f *testing.F) {
	require.Equal(f, 64<<10, maxBodyBytes)
	q, err := quiz.Parse("fuzz.yaml", []byte(fuzzQuiz))
	require.NoError(f, err)
	require.Len(f, q.Sections, 1)
	sec := q.Sections[0]
	require.Len(f, sec.Items, 3)
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		// Long bodies are cut short, without a branch the fuzzer could
		// see: every path of the decoder is reachable in a few fields,
		// the size cap is TestDecodeSectionForm_BodyCap's, and a long
		// input that looks new sends the fuzzer into minimizing it,
		// which takes time quadratic in its length, instead of fuzzing.
		checkDecode(t, q, sec, body[:min(len(body), maxFuzzBody)])
	})
}

// checkDecode decodes body as the page sec of q and checks the answer.
func checkDecode(t *testing.T, q *quiz.Quiz, sec quiz.Section, body string) {
	req := httptest.NewRequest(http.MethodPost, "/attempts/x/1", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, maxBodyBytes)

	form, err := decodeSectionForm(req, q, sec)

	items := map[string]quiz.Item{}
	for _, it := range sec.Items {
		items[it.ID] = it
	}
	if len(body) > maxBodyBytes {
		require.Error(t, err, "a body over the cap is refused")
		status, _ := errorPage(err)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status, "413 for %d bytes", len(body))
		return
	}
	sent, wantOK := reference(body, sec.ID, items)
	if err != nil {
		assert.Nil(t, form)
		status, _ := errorPage(err)
		assert.Equal(t, http.StatusBadRequest, status, "400, not %v", err)
		assert.False(t, wantOK, "a body a page could send was refused: %q", body)
		return
	}
	require.NotNil(t, form)
	require.True(t, wantOK, "a body no page sends was accepted: %q", body)

	assert.Contains(t, []string{navNext, navBack}, form.nav)
	if nav, ok := sent[fieldNav]; ok {
		assert.Equal(t, nav, form.nav)
	} else {
		assert.Equal(t, navNext, form.nav, "pressing Enter means next")
	}
	for id, v := range form.answers {
		require.Contains(t, items, id, "answer to an item not on the page")
		assert.True(t, v >= 1 && v <= 5, "answer %s=%d out of range", id, v)
		assert.False(t, form.invalid[id], "%s both answered and invalid", id)
		n, err := strconv.Atoi(sent[id])
		assert.NoError(t, err)
		assert.Equal(t, n, v, "%s kept as sent", id)
		assert.Equal(t, strconv.Itoa(v), sent[id], "%s sent as the exact text of a choice", id)
	}
	for id := range form.invalid {
		require.Contains(t, items, id, "invalid mark on an item not on the page")
		_, ok := sent[id]
		assert.True(t, ok, "%s marked invalid but not sent", id)
	}
	for id := range items {
		if _, ok := sent[id]; ok {
			_, answered := form.answers[id]
			assert.True(t, answered != form.invalid[id], "%s sent: either answered or invalid", id)
		}
	}

	problems := form.problems(sec)
	for id, msg := range problems {
		it, ok := items[id]
		require.True(t, ok, "problem on an item not on the page: %q", id)
		switch msg {
		case "problem.invalid":
			assert.True(t, form.invalid[id])
		case "problem.required":
			_, answered := form.answers[id]
			assert.False(t, answered || it.Optional || form.nav != navNext, "%s required wrongly", id)
		default:
			t.Errorf("unknown problem %q for %s", msg, id)
		}
	}
	for id := range form.invalid {
		assert.Equal(t, "problem.invalid", problems[id], "invalid %s is shown", id)
	}
}

// reference decides independently of the code under test whether a body
// is one a page of ours could send: every field once, in UTF-8, the page
// marker right, the button next or back, and nothing but the page's items
// besides. It returns the fields sent.
func reference(body, section string, items map[string]quiz.Item) (map[string]string, bool) {
	vs, err := url.ParseQuery(body)
	if err != nil {
		return nil, false
	}
	sent := map[string]string{}
	for k, v := range vs {
		if len(v) != 1 || !utf8.ValidString(k) || !utf8.ValidString(v[0]) {
			return nil, false
		}
		sent[k] = v[0]
	}
	if sent[fieldSection] != section {
		return nil, false
	}
	for k, v := range sent {
		_, isItem := items[k]
		switch {
		case k == fieldSection || isItem:
		case k == fieldNav && (v == navNext || v == navBack):
		default:
			return nil, false
		}
	}
	return sent, true
}
