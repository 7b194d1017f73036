package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// formType is how a browser sends a plain HTML form.
const formType = "application/x-www-form-urlencoded"

// pageOneRest is every answer of the shipped quiz's first page, section
// boundaries, but the first (b01): each is 3.
const pageOneRest = "b02=3&b03=3&b04=3&b05=3&b06=3&b07=3&b08=3"

// pageOne is the first page of the shipped quiz, filled in by a browser:
// the answer to b01 is v, every other answer is 3.
func pageOne(v string) string {
	return "_section=boundaries&_nav=next&b01=" + v + "&" + pageOneRest
}

// goErrorText is text that only leaks into a page when an error, a stack
// or a driver message is shown to the person instead of a calm page.
var goErrorText = []string{
	"panic", "sql", "goroutine", "runtime error", "runtime/", ".go:",
	"strconv", "invalid syntax", "invalid URL escape", "invalid semicolon",
	"request body too large", "mime:", "http:", "<nil>", "%!",
	"Something went wrong on our side",
}

// hostileCase is one request no page of ours sends. In path, {live} is the
// token of an unfinished attempt whose first page is already saved, and
// {done} the token of a completed one.
type hostileCase struct {
	name   string
	method string
	path   string
	ctype  string // Content-Type; empty sends none
	body   string
	header map[string]string
	// streamed sends the body chunked, with no Content-Length up front.
	streamed bool
	want     int
	// location is where a 303 leads, with the same placeholders as path.
	location string
	// problem is the item a 422 page must name next to its question.
	problem string
}

// TestHostileInput sends requests no browser on our pages sends and checks
// that each one gets a calm 4xx page (or a redirect where the attempt is
// already complete) and writes nothing to the database.
func TestHostileInput(t *testing.T) {
	e := newEnv(t)

	// This browser finished one attempt and then started another, as a
	// browser holds at most one unfinished attempt at a quiz.
	done := e.start(spectrumQuiz)
	result := resultOf(t, e.answerAll(done, func(string) (int, bool) { return 4, true }))
	require.Equal(t, http.StatusOK, e.get("/results/"+result).status)

	live := e.start(spectrumQuiz)
	first := e.get("/attempts/" + live + "/1")
	saved := map[string]int{}
	for _, id := range itemIDsOf(first) {
		saved[id] = 2
	}
	require.Equal(t, http.StatusSeeOther, e.post("/attempts/"+live+"/1", pageForm(t, first, "next", saved)).status)

	// A token of the right shape that names no attempt.
	unknown := []byte(live)
	unknown[5] = map[bool]byte{true: 'B', false: 'A'}[unknown[5] == 'A']
	long8k := strings.Repeat("a", 8<<10)
	huge := strings.Repeat("x", 70<<10)

	tests := []hostileCase{
		// Forms no page of ours sends: 400, nothing saved.
		{name: "UnknownField", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&foo=1", want: 400},
		{name: "ItemOfAnotherPage", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&w01=3", want: 400},
		{name: "FieldRepeated", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=next&b01=1&b01=2&" + pageOneRest, want: 400},
		{name: "FieldRepeatedSameValue", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&b01=3", want: 400},
		{name: "SectionRepeated", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&_section=boundaries", want: 400},
		{name: "SectionMissing", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "SectionEmpty", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=&_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "SectionOfAnotherPage", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=self-worth&_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "SectionOtherCase", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=Boundaries&_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "SectionInQueryOnly", method: "POST", path: "/attempts/{live}/1?_section=boundaries", ctype: formType, body: "_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "NavUnknown", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=finish&b01=3&" + pageOneRest, want: 400},
		{name: "NavOtherCase", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=NEXT&b01=3&" + pageOneRest, want: 400},
		{name: "NavEmpty", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=&b01=3&" + pageOneRest, want: 400},
		{name: "NavRepeated", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&_nav=back", want: 400},
		{name: "EmptyBody", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "", want: 400},
		{name: "KeyNotUTF8", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&%ff=3", want: 400},
		{name: "ItemKeyNotUTF8", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=next&b01%ff=3&" + pageOneRest, want: 400},
		{name: "ValueNotUTF8", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("%ff"), want: 400},
		{name: "RawValueNotUTF8", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3\xff"), want: 400},
		{name: "SectionNotUTF8", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries%c0%80&_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "NULInKey", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries&_nav=next&b01%00=3&" + pageOneRest, want: 400},
		{name: "NULInSection", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries%00&_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "BadPercentEscape", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("%zz"), want: 400},
		{name: "SemicolonSeparator", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: "_section=boundaries;_nav=next&b01=3&" + pageOneRest, want: 400},
		{name: "ScriptAsKey", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&%3Cscript%3Ealert(1)%3C%2Fscript%3E=3", want: 400},
		{name: "Multipart", method: "POST", path: "/attempts/{live}/1", ctype: "multipart/form-data; boundary=XyZ",
			body: "--XyZ\r\nContent-Disposition: form-data; name=\"_section\"\r\n\r\nboundaries\r\n" +
				"--XyZ\r\nContent-Disposition: form-data; name=\"_nav\"\r\n\r\nnext\r\n" +
				"--XyZ\r\nContent-Disposition: form-data; name=\"b01\"\r\n\r\n3\r\n--XyZ--\r\n", want: 400},
		{name: "JSON", method: "POST", path: "/attempts/{live}/1", ctype: "application/json",
			body: `{"_section":"boundaries","_nav":"next","b01":3,"b02":3,"b03":3,"b04":3,"b05":3,"b06":3,"b07":3,"b08":3}`, want: 400},
		{name: "NoContentType", method: "POST", path: "/attempts/{live}/1", body: pageOne("3"), want: 400},
		{name: "TextPlain", method: "POST", path: "/attempts/{live}/1", ctype: "text/plain", body: pageOne("3"), want: 400},
		{name: "MalformedContentType", method: "POST", path: "/attempts/{live}/1", ctype: formType + "; charset", body: pageOne("3"), want: 400},

		// Answers that are not a possible answer: the page comes back with
		// the problem next to the question, 422, nothing saved.
		{name: "ManyFields", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + strings.Repeat("&a", 20000), want: 400},
		{name: "ManyRepeats", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + strings.Repeat("&b01=3", 5000), want: 400},
		{name: "GzipBody", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: gzipped(t, pageOne("3")),
			header: map[string]string{"Content-Encoding": "gzip"}, want: 400},

		{name: "AnswerZero", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("0"), want: 422, problem: "b01"},
		{name: "AnswerSix", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("6"), want: 422, problem: "b01"},
		{name: "AnswerNegative", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("-1"), want: 422, problem: "b01"},
		{name: "AnswerOverflowsInt", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("999999999999999999999"), want: 422, problem: "b01"},
		{name: "AnswerDecimal", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3.0"), want: 422, problem: "b01"},
		{name: "AnswerWord", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("three"), want: 422, problem: "b01"},
		{name: "AnswerLeadingSpace", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("%203"), want: 422, problem: "b01"},
		{name: "AnswerPlusIsSpace", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("+3"), want: 422, problem: "b01"},
		{name: "AnswerEmpty", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne(""), want: 422, problem: "b01"},
		{name: "AnswerHex", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("0x3"), want: 422, problem: "b01"},
		{name: "AnswerNUL", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3%00"), want: 422, problem: "b01"},
		{name: "AnswerRawNUL", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3\x00"), want: 422, problem: "b01"},
		{name: "AnswerFullwidthDigit", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("%EF%BC%93"), want: 422, problem: "b01"},
		{name: "AnswerScript", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("<script>alert(1)</script>"), want: 422, problem: "b01"},
		{name: "AnswerScriptEncoded", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"), want: 422, problem: "b01"},

		// Bodies over the cap: 413 whether or not the size is announced.
		{name: "BodyAtCap", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: padTo(pageOne("3")+"&pad=", 64<<10), want: 400},
		{name: "BodyOneOverCap", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: padTo(pageOne("3")+"&pad=", 64<<10+1), want: 413},
		{name: "BodyTooLarge", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&pad=" + huge, want: 413},
		{name: "BodyTooLargeStreamed", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3") + "&pad=" + huge, streamed: true, want: 413},

		// Page numbers that name no page.
		{name: "PageZero", method: "GET", path: "/attempts/{live}/0", want: 404},
		{name: "PageNine", method: "GET", path: "/attempts/{live}/9", want: 404},
		{name: "PageNegative", method: "GET", path: "/attempts/{live}/-1", want: 404},
		{name: "PageLeadingZero", method: "GET", path: "/attempts/{live}/01", want: 404},
		{name: "PagePlus", method: "GET", path: "/attempts/{live}/+1", want: 404},
		{name: "PageDecimal", method: "GET", path: "/attempts/{live}/1.0", want: 404},
		{name: "PageWord", method: "GET", path: "/attempts/{live}/abc", want: 404},
		{name: "PageHuge", method: "GET", path: "/attempts/{live}/99999999999999999999999", want: 404},
		{name: "PageScript", method: "GET", path: "/attempts/{live}/%3Cscript%3E", want: 404},
		{name: "PostPageZero", method: "POST", path: "/attempts/{live}/0", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageNine", method: "POST", path: "/attempts/{live}/9", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageNegative", method: "POST", path: "/attempts/{live}/-1", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageLeadingZero", method: "POST", path: "/attempts/{live}/01", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageDecimal", method: "POST", path: "/attempts/{live}/1.0", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageWord", method: "POST", path: "/attempts/{live}/abc", ctype: formType, body: pageOne("3"), want: 404},
		{name: "PostPageHuge", method: "POST", path: "/attempts/{live}/99999999999999999999999", ctype: formType, body: pageOne("3"), want: 404},

		// A completed attempt, in the browser that finished it: whatever
		// is sent, the result is where it leads, and nothing changes.
		{name: "DoneGarbageForm", method: "POST", path: "/attempts/{done}/1", ctype: formType, body: "b01=1&b01=2&%ff=%zz", want: 303, location: "/results/{result}"},
		{name: "DonePageNine", method: "POST", path: "/attempts/{done}/9", ctype: formType, body: pageOne("3"), want: 303, location: "/results/{result}"},
		{name: "DoneGetPageWord", method: "GET", path: "/attempts/{done}/abc", want: 303, location: "/results/{result}"},
		{name: "DoneBodyTooLarge", method: "POST", path: "/attempts/{done}/8", ctype: formType, body: huge, want: 413},
		// The attempt's token opens no result, even there, and deletes none.
		{name: "ResultByAttemptToken", method: "GET", path: "/results/{done}", want: 404},
		{name: "ResultJSONByAttemptToken", method: "GET", path: "/results/{done}.json", want: 404},
		{name: "ResultDeleteConfirmByAttemptToken", method: "GET", path: "/results/{done}/delete", want: 404},
		{name: "ResultDeleteByAttemptToken", method: "POST", path: "/results/{done}/delete", ctype: formType, want: 404},
		{name: "ResultByLiveAttemptToken", method: "GET", path: "/results/{live}", want: 404},

		// Wrong methods. A path that matches a route answers 405; one that
		// matches none answers 404 (routes.go).
		{name: "PutQuiz", method: "PUT", path: "/quizzes/" + spectrumQuiz, ctype: formType, body: "x=1", want: 405},
		{name: "DeleteQuiz", method: "DELETE", path: "/quizzes/" + spectrumQuiz, want: 405},
		{name: "PatchUnknownQuiz", method: "PATCH", path: "/quizzes/nope", want: 405},
		{name: "GetStart", method: "GET", path: "/quizzes/" + spectrumQuiz + "/attempts", want: 405},
		{name: "PutStart", method: "PUT", path: "/quizzes/" + spectrumQuiz + "/attempts", want: 405},
		{name: "DeleteStart", method: "DELETE", path: "/quizzes/" + spectrumQuiz + "/attempts", want: 405},
		{name: "PutAttemptPage", method: "PUT", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3"), want: 405},
		{name: "PatchAttemptPage", method: "PATCH", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3"), want: 405},
		{name: "DeleteAttemptPage", method: "DELETE", path: "/attempts/{live}/1", want: 405},
		{name: "DeleteAttempt", method: "DELETE", path: "/attempts/{live}", want: 405},
		{name: "PostAttempt", method: "POST", path: "/attempts/{live}", ctype: formType, body: pageOne("3"), want: 405},
		{name: "PutDoneAttemptPage", method: "PUT", path: "/attempts/{done}/1", ctype: formType, body: pageOne("3"), want: 405},
		{name: "PostResult", method: "POST", path: "/results/{result}", ctype: formType, body: pageOne("3"), want: 405},
		{name: "PostResultJSON", method: "POST", path: "/results/{result}.json", ctype: "application/json", body: "{}", want: 405},
		{name: "DeleteResult", method: "DELETE", path: "/results/{result}", want: 405},
		{name: "PutResultJSON", method: "PUT", path: "/results/{result}.json", ctype: "application/json", body: "{}", want: 405},
		{name: "PatchResult", method: "PATCH", path: "/results/{result}", want: 405},
		{name: "PostHome", method: "POST", path: "/", ctype: formType, body: "x=1", want: 405},
		{name: "DeleteHome", method: "DELETE", path: "/", want: 405},
		{name: "OptionsHome", method: "OPTIONS", path: "/", want: 405},
		{name: "PostHealth", method: "POST", path: "/healthz", want: 405},
		{name: "PostNowhere", method: "POST", path: "/nowhere", ctype: formType, body: "x=1", want: 404},
		{name: "PutNowhere", method: "PUT", path: "/attempts/{live}/1/2", ctype: formType, body: pageOne("3"), want: 404},

		// Forms sent from another site: 403 before anything is read.
		{name: "CrossSiteStart", method: "POST", path: "/quizzes/" + spectrumQuiz + "/attempts",
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "SameSiteStart", method: "POST", path: "/quizzes/" + spectrumQuiz + "/attempts",
			header: map[string]string{"Sec-Fetch-Site": "same-site"}, want: 403},
		{name: "ForeignOriginStart", method: "POST", path: "/quizzes/" + spectrumQuiz + "/attempts",
			header: map[string]string{"Origin": "https://evil.example"}, want: 403},
		{name: "NullOriginStart", method: "POST", path: "/quizzes/" + spectrumQuiz + "/attempts",
			header: map[string]string{"Origin": "null"}, want: 403},
		{name: "CrossSiteSave", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3"),
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "ForeignOriginSave", method: "POST", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3"),
			header: map[string]string{"Origin": "https://evil.example"}, want: 403},
		{name: "ForeignOriginSaveLastPage", method: "POST", path: "/attempts/{live}/8", ctype: formType, body: pageOne("3"),
			header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "CrossSitePut", method: "PUT", path: "/attempts/{live}/1", ctype: formType, body: pageOne("3"),
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},

		// Odd quiz ids and very long paths.
		{name: "QuizScript", method: "GET", path: "/quizzes/%3Cscript%3Ealert(1)%3C%2Fscript%3E", want: 404},
		{name: "StartQuizScript", method: "POST", path: "/quizzes/%3Cscript%3E/attempts", want: 404},
		{name: "StartUnknownQuiz", method: "POST", path: "/quizzes/nope/attempts", want: 404},
		{name: "QuizDotDot", method: "GET", path: "/quizzes/..", want: 404},
		{name: "LongQuizPath", method: "GET", path: "/quizzes/" + long8k, want: 404},
		{name: "LongAttemptPath", method: "POST", path: "/attempts/" + long8k + "/1", ctype: formType, body: pageOne("3"), want: 404},
		{name: "LongResultPath", method: "GET", path: "/results/" + long8k + ".json", want: 404},
		{name: "LongUnroutedPath", method: "GET", path: "/" + long8k, want: 404},
		{name: "LongPageNumber", method: "GET", path: "/attempts/{live}/" + strings.Repeat("9", 8<<10), want: 404},
	}

	// Malformed and unknown tokens answer 404 on every route that takes one.
	tokens := []struct{ name, token string }{
		{"TooShort", live[:20]},
		{"TooLong", live + "A"},
		{"Slash", live[:20] + "/" + live[21:]},
		{"EncodedSlash", live[:20] + "%2F" + live[23:]},
		{"DotDot", ".."},
		{"DotDotInside", live[:20] + ".." + live[22:]},
		{"NotBase64URL", live[:20] + "+" + live[21:]},
		{"Padded", live[:42] + "="},
		{"Unknown", string(unknown)},
	}
	for _, tok := range tokens {
		tests = append(tests,
			hostileCase{name: "TokenGetPage" + tok.name, method: "GET", path: "/attempts/" + tok.token + "/1", want: 404},
			hostileCase{name: "TokenPostPage" + tok.name, method: "POST", path: "/attempts/" + tok.token + "/1", ctype: formType, body: pageOne("3"), want: 404},
			hostileCase{name: "TokenResume" + tok.name, method: "GET", path: "/attempts/" + tok.token, want: 404},
			hostileCase{name: "TokenResult" + tok.name, method: "GET", path: "/results/" + tok.token, want: 404},
			hostileCase{name: "TokenResultJSON" + tok.name, method: "GET", path: "/results/" + tok.token + ".json", want: 404},
		)
	}
	require.GreaterOrEqual(t, len(tests), 40)

	fill := func(s string) string {
		return strings.NewReplacer("{live}", live, "{done}", done, "{result}", result).Replace(s)
	}
	// No case may write anything: the database must look after each case
	// as it did before it.
	before := e.snapshot()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = http.NoBody
			if tc.body != "" {
				body = strings.NewReader(tc.body)
				if tc.streamed {
					body = io.MultiReader(body) // hides the length: sent chunked
				}
			}
			req, err := http.NewRequest(tc.method, e.srv.URL+fill(tc.path), body)
			require.NoError(t, err)
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			r := e.do(e.client, req)

			require.Equal(t, tc.want, r.status, "body: %s", r.body)
			after := e.snapshot()
			assert.Equal(t, before, after, "a refused request wrote nothing")
			before = after // so that only the case that wrote fails

			if tc.want == http.StatusSeeOther {
				assert.Equal(t, fill(tc.location), r.location)
				return
			}
			assertCalmPage(t, r)
			if tc.want == http.StatusUnprocessableEntity {
				assertProblemShown(t, r, tc.problem)
			}
		})
	}
}

// padTo pads s with x to n bytes.
func padTo(s string, n int) string { return s + strings.Repeat("x", n-len(s)) }

// gzipped is s compressed, as a client that compresses bodies sends it.
func gzipped(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(tb, err)
	require.NoError(tb, w.Close())
	return b.String()
}

// dbState is everything a request could write, summed up.
type dbState struct {
	attempts, answers, scaleScores int
	// liveAnswers lists the unfinished attempt's answers as id=value.
	liveAnswers string
	liveStatus  string
}

// snapshot reads what the database holds now.
func (e *env) snapshot() dbState {
	e.t.Helper()
	s := dbState{
		attempts:    e.count(`SELECT count(*) FROM attempts`),
		answers:     e.count(`SELECT count(*) FROM answers`),
		scaleScores: e.count(`SELECT count(*) FROM scale_scores`),
	}
	db := e.raw()
	// The live attempt is the last one created.
	require.NoError(e.t, db.QueryRow(`SELECT status || ' ' || updated_at FROM attempts ORDER BY id DESC LIMIT 1`).Scan(&s.liveStatus))
	require.NoError(e.t, db.QueryRow(`SELECT coalesce(group_concat(item_id || '=' || value, ','), '')
		FROM (SELECT item_id, value FROM answers WHERE attempt_id = (SELECT max(id) FROM attempts) ORDER BY item_id)`).Scan(&s.liveAnswers))
	require.NotEmpty(e.t, s.liveAnswers, "the live attempt has answers to lose")
	return s
}

// assertCalmPage checks that a refusal is one of our pages: HTML with a
// heading, headers that keep it private, and no error text or markup
// from the request.
func assertCalmPage(t *testing.T, r *response) {
	t.Helper()
	if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		// The JSON twin's errors are JSON, for the scripts that read it.
		var body struct{ Error string }
		require.NoError(t, json.Unmarshal([]byte(r.body), &body), r.body)
		assert.NotEmpty(t, body.Error)
		assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
		return
	}
	assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/html"), "Content-Type %q", r.header.Get("Content-Type"))
	require.NotNil(t, r.doc, "an HTML page")
	assert.NotEmpty(t, text(find(t, r.doc, byTag("h1"))))
	assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
	assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	lower := strings.ToLower(r.body)
	for _, s := range goErrorText {
		assert.False(t, strings.Contains(lower, strings.ToLower(s)), "%q in the page", s)
	}
	assertInert(t, r)
}

// assertInert checks that nothing in a response could run: no script but
// our own static ones, no image, no event handler, no javascript: URL. No
// page of ours has any other, so any there came from the request.
func assertInert(t *testing.T, r *response) {
	t.Helper()
	lower := ownScript.ReplaceAllString(strings.ToLower(r.body), "")
	for _, s := range []string{"<script", "<img", "<iframe", "<object", "<embed"} {
		assert.False(t, strings.Contains(lower, s), "%q in the page", s)
	}
	if r.doc == nil {
		return
	}
	bad := findAll(r.doc, func(n *html.Node) bool {
		switch n.Data {
		case "script":
			return !ownScript.MatchString(`<script src="`+attr(n, "src")+`" defer></script>`) || n.FirstChild != nil
		case "img", "iframe", "object", "embed":
			return true
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") ||
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				return true
			}
		}
		return false
	})
	var names []string
	for _, n := range bad {
		names = append(names, n.Data)
	}
	assert.Empty(t, names, "active markup in the page")
}

// ownScript is a script tag our pages carry: one of our two static files
// (copying a link, leaving quickly) under its content hash, with no
// inline code.
var ownScript = regexp.MustCompile(`<script src="/static/(copy|exit)\.[0-9a-f]{12}\.js" defer></script>`)

// assertProblemShown checks a 422: the page is the form again, with the
// problem in the summary and next to item id, and the other answers given
// still selected.
func assertProblemShown(t *testing.T, r *response, id string) {
	t.Helper()
	summary := find(t, r.doc, byTestID("problems"))
	assert.Len(t, findAll(summary, byTag("li")), 1, "only the bad answer is a problem")
	fs := find(t, r.doc, byAttr("id", "q-"+id))
	assert.Equal(t, "e-"+id, attr(fs, "aria-describedby"))
	assert.Contains(t, text(find(t, fs, byAttr("id", "e-"+id))), "Please choose one of the answers shown.")
	assert.Equal(t, map[string]string{"b02": "3", "b03": "3", "b04": "3", "b05": "3", "b06": "3", "b07": "3", "b08": "3"}, checked(r),
		"the good answers are kept, the bad one is not echoed")
	assert.Equal(t, "boundaries", attr(find(t, r.doc, byAttr("name", "_section")), "value"))
}

// xss is markup that would run if a page printed it as it came.
const xss = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`

// TestXSS_Rendering sends markup in every part of a request a person
// controls (path, query, form keys and values, headers, cookies) and
// checks that no page prints it as markup.
func TestXSS_Rendering(t *testing.T) {
	e := newEnv(t)
	result := resultOf(t, e.answerAll(e.start(spectrumQuiz), func(string) (int, bool) { return 2, true }))
	live := e.start(spectrumQuiz)
	enc := url.PathEscape(xss)
	q := url.QueryEscape(xss)

	tests := []struct {
		name   string
		method string
		path   string
		body   string // sent as a form
		header map[string]string
		want   int
	}{
		{name: "QuizID", method: "GET", path: "/quizzes/" + enc, want: 404},
		{name: "StartQuizID", method: "POST", path: "/quizzes/" + enc + "/attempts", want: 404},
		{name: "Token", method: "GET", path: "/attempts/" + enc + "/1", want: 404},
		{name: "TokenPost", method: "POST", path: "/attempts/" + enc + "/1", body: pageOne("3"), want: 404},
		{name: "PageNumber", method: "GET", path: "/attempts/" + live + "/" + enc, want: 404},
		{name: "ResultToken", method: "GET", path: "/results/" + enc, want: 404},
		{name: "ResultTokenJSON", method: "GET", path: "/results/" + enc + ".json", want: 404},
		{name: "StaticFile", method: "GET", path: "/static/" + enc, want: 404},
		{name: "UnroutedPath", method: "GET", path: "/" + enc, want: 404},
		{name: "WrongMethod", method: "DELETE", path: "/" + enc, want: 404},
		{name: "HomeQuery", method: "GET", path: "/?q=" + q + "&" + q + "=1", want: 200},
		{name: "QuizQuery", method: "GET", path: "/quizzes/" + spectrumQuiz + "?q=" + q, want: 200},
		{name: "PageQuery", method: "GET", path: "/attempts/" + live + "/1?_section=" + q + "&b01=" + q, want: 200},
		{name: "ResultQuery", method: "GET", path: "/results/" + result + "?q=" + q, want: 200},
		{name: "AnswerValue", method: "POST", path: "/attempts/" + live + "/1", body: pageOne(q), want: 422},
		{name: "AnswerValueBack", method: "POST", path: "/attempts/" + live + "/2",
			body: "_section=self-worth&_nav=back&w01=" + q, want: 422},
		{name: "FieldName", method: "POST", path: "/attempts/" + live + "/1", body: pageOne("3") + "&" + q + "=3", want: 400},
		{name: "SectionValue", method: "POST", path: "/attempts/" + live + "/1", body: "_section=" + q + "&_nav=next&b01=3", want: 400},
		{name: "NavValue", method: "POST", path: "/attempts/" + live + "/1", body: "_section=boundaries&_nav=" + q, want: 400},
		{name: "AcceptLanguage", method: "GET", path: "/", header: map[string]string{"Accept-Language": xss}, want: 200},
		{name: "AcceptLanguageOnError", method: "GET", path: "/nowhere", header: map[string]string{"Accept-Language": "en;q=" + xss}, want: 404},
		{name: "DraftCookie", method: "GET", path: "/", header: map[string]string{"Cookie": "tandem_draft_" + spectrumQuiz + "=" + xss}, want: 200},
		{name: "DraftCookieIntro", method: "GET", path: "/quizzes/" + spectrumQuiz,
			header: map[string]string{"Cookie": "tandem_draft_" + spectrumQuiz + "=" + url.QueryEscape(xss)}, want: 200},
		{name: "RefererAndUserAgent", method: "GET", path: "/attempts/" + live + "/1",
			header: map[string]string{"Referer": "https://evil.example/" + xss, "User-Agent": xss}, want: 200},
		{name: "ForeignOrigin", method: "POST", path: "/attempts/" + live + "/1", body: pageOne("3"),
			header: map[string]string{"Origin": "https://evil.example/" + q, "Sec-Fetch-Site": "cross-site"}, want: 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = http.NoBody
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, e.srv.URL+tc.path, body)
			require.NoError(t, err)
			if tc.body != "" {
				req.Header.Set("Content-Type", formType)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			r := e.do(e.client, req)
			require.Equal(t, tc.want, r.status, r.body)
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				require.NotNil(t, r.doc, "an HTML page")
			}
			assert.False(t, strings.Contains(r.body, xss), "printed as it came")
			assert.False(t, strings.Contains(r.body, "alert("), "the payload is in the page")
			assertInert(t, r)
		})
	}

	t.Run("ResultJSON", func(t *testing.T) {
		r := e.get("/results/" + result + ".json?q=" + q)
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
		assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), "never sniffed as HTML")
		assert.NotContains(t, r.body, "alert(")
	})

	// The result page shows its own address, built from the Host header,
	// which the person sends. Host allows quotes, parentheses, = and &:
	// enough to break out of an attribute if it were not escaped.
	t.Run("HostHeader", func(t *testing.T) {
		for _, host := range []string{
			"evil.example'onfocus='alert(1)'autofocus='",
			"evil.example&quot;onfocus=alert(1)&amp;",
		} {
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/results/"+result, nil)
			require.NoError(t, err)
			req.Host = host
			r := e.do(e.client, req)
			require.Equal(t, http.StatusOK, r.status, host)
			assertInert(t, r)
			assert.False(t, strings.Contains(r.body, host), "printed as it came")
			in := find(t, r.doc, byTestID("result-url"))
			assert.Equal(t, "http://"+host+"/results/"+result, attr(in, "value"), "escaped exactly once")
			var keys []string
			for _, a := range in.Attr {
				keys = append(keys, a.Key)
			}
			assert.ElementsMatch(t, []string{"id", "type", "readonly", "value", "data-testid"}, keys, host)
		}
	})
}
