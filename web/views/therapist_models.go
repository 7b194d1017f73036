package views

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// AuthForm is the sign-up or log-in form, as sent, with what is wrong.
type AuthForm struct {
	Email, Name string
	// Problems are messages by field name ("email", "name", "password").
	Problems map[string]string
	// Error is a message about the whole form (a wrong password).
	Error     string
	LoggedOut bool // the therapist has just logged out
}

// Account is the therapist's settings page.
type Account struct {
	Email, Name, Since string
	PasswordChanged    bool
	// Problems are the password form's, by field ("current", "password").
	Problems map[string]string
}

// AccountDelete asks for the password before deleting an account.
type AccountDelete struct {
	Problem string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// LinkForm is the form that creates a share link.
type LinkForm struct {
	Quizzes  []Option
	Expiries []Option
	Label    string
	Answers  bool
	Problems map[string]string // by field: "quiz", "label", "expires"
}

// LinkCreated shows a new link, ready to copy.
type LinkCreated struct {
	Link LinkRow
}

// LinkRow is a share link as its therapist sees it.
type LinkRow struct {
	ID            string
	Label         string
	QuizTitle     string
	Created       string
	State         string // in words: active, active until, expired, revoked
	RevokeURL     string // set while the link can be revoked
	URL           string // the link to copy, absolute; set while active and the server can show it
	SharesAnswers bool
	Clients       int
	LastUsed      string // empty when no one used it yet
}

// Dashboard is the therapist's home: links, each with its clients.
type Dashboard struct {
	Name    string
	Quizzes []Option // the filter's choices
	Quiz    string   // the quiz filtered on, or ""
	Groups  []LinkGroup
	Revoked bool // a link was just revoked
}

// LinkGroup is a link with the clients who share through it.
type LinkGroup struct {
	Link    LinkRow
	Clients []ClientRow
}

// ClientRow is one client in the dashboard.
type ClientRow struct {
	Name         string
	URL          string
	Since        string
	LastActivity string
	Attempts     int
	Sharing      bool
	Stopped      string // when the client stopped sharing
	Latest       string // the latest result's title, if any
	// Support are the titles of the support flags the latest result
	// raised, whatever the link shares: that one was raised, never the
	// answers that raised it.
	Support []string
}

// Client is one client's page for their therapist.
type Client struct {
	Name          string
	QuizTitle     string
	Since         string
	SharesAnswers bool
	Sharing       bool
	Stopped       string
	Attempts      []ClientAttempt
	Quizzes       []QuizTrend
	Access        []AccessRow
}

// ClientAttempt is one shared attempt on a client's page, newest first.
type ClientAttempt struct {
	Date        string
	QuizTitle   string
	Version     int
	ResultTitle string
	URL         string
	Flagged     bool     // read with care; only when the link shares answers
	Support     []string // the titles of the support flags it raised
}

// titles lists support flags' titles in a sentence.
func titles(ts []string) string { return strings.Join(ts, "; ") }

// AccessRow is one look at a client's results.
type AccessRow struct {
	When, What string
	Who        string // the therapist (for the client) or the client (for the therapist)
	URL        string // the client's page, for the therapist
	Count      int    // looks of this kind in a row, the newest at When
}

// AccessLog is the therapist's log of looks at clients' results.
type AccessLog struct {
	Rows []AccessRow
}

// Consent asks a client to agree to share.
type Consent struct {
	Therapist     string
	QuizTitle     string
	Language      string
	SharesAnswers bool
	Spectrum      bool   // the quiz places people on a spectrum
	Wording       string // version of the consent text, sent back with the form
	Action        string // where the consent form posts
	PrivateURL    string // where the start-privately form posts
	AboutURL      string // the quiz's intro
	Changed       bool   // the text changed since the page was shown
	// Support are the titles of the quiz's support flags, what the
	// therapist sees when answers raise one; none for a quiz without.
	Support []string
	// HeldPage: this browser holds a private page, which agreeing puts
	// the sharing on; ForgetURL is where the form posts that forgets it
	// first, for someone whose page it is not.
	HeldPage  bool
	ForgetURL string
}

// Sharing is what a person shares with therapists, on their own page.
type Sharing struct {
	Shares  []ShareRow
	Access  []AccessRow
	Stopped bool // sharing was just stopped
}

// ShareRow is one consent, as the client sees it.
type ShareRow struct {
	Therapist     string
	QuizTitle     string
	Since         string
	SharesAnswers bool
	Stopped       string // when sharing stopped; empty while sharing
	StopURL       string // where the stop form posts, while sharing
	RetakeURL     string // where the form that takes it again, to share, posts
}

// Crumb is a link back to where a page was reached from.
type Crumb struct {
	URL, Label string
}

// AnswerRow is one question and the answer given, on a shared result.
type AnswerRow struct {
	Text, Answer string
}

// Names and labels are typed by people: a therapist's display name, a
// link's label (and so a client's name). New ones cannot hold characters
// that reorder text, but one stored earlier may, such as a right-to-left
// override that would turn "Dr Ana · Couple" around the name. Wherever
// one is shown it is isolated, so that it cannot move the text around
// it: in <bdi> inside an element (TC with a Typed value, or typed), and
// between U+2068 and U+2069 in text that cannot hold elements (a page's
// title, a message filled on the server: IsolateText).

// Typed marks a value of TC's as text someone typed, to be shown
// isolated.
type Typed string

// TC is T as a component: the message id filled with kv, where each value
// of type Typed is shown in its own <bdi>.
func TC(ctx context.Context, id string, kv ...any) templ.Component {
	marked := make([]any, len(kv))
	copy(marked, kv)
	var typed []string
	for i := 1; i < len(kv); i += 2 {
		switch v := kv[i].(type) {
		case Typed:
			// NUL occurs in no message and no other value, so the
			// markers are found again exactly.
			marked[i] = "\x00" + strconv.Itoa(len(typed)) + "\x00"
			typed = append(typed, string(v))
		case string:
			marked[i] = strings.ReplaceAll(v, "\x00", "")
		}
	}
	msg := T(ctx, id, marked...)
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, part := range strings.Split(msg, "\x00") {
			if i%2 == 0 {
				if _, err := io.WriteString(w, templ.EscapeString(part)); err != nil {
					return err
				}
				continue
			}
			n, err := strconv.Atoi(part)
			if err != nil || n >= len(typed) {
				continue // cannot happen: see the markers above
			}
			if _, err := io.WriteString(w, "<bdi>"+templ.EscapeString(contained(typed[n]))+"</bdi>"); err != nil {
				return err
			}
		}
		return nil
	})
}

// IsolateText isolates s in plain text, as <bdi> does in an element.
func IsolateText(s string) string {
	return "\u2068" + contained(s) + "\u2069"
}

// contained is s made safe to isolate. Isolating is undone by a pop
// directional isolate (U+2069) that closes the isolate early, by an
// isolate opened in s and never closed, which takes the closing one for
// its own, and by a paragraph separator, which ends every isolate: stray
// closings are dropped, open isolates closed, and separators made spaces.
// Everything else in s is kept; the isolate around it ends whatever
// embeddings and overrides s starts.
func contained(s string) string {
	if !strings.ContainsAny(s, "\u2066\u2067\u2068\u2069\n\r\x1c\x1d\x1e\u0085\u2029") {
		return s
	}
	var b strings.Builder
	open := 0
	for _, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068': // LRI, RLI, FSI
			open++
		case '\u2069': // PDI
			if open == 0 {
				continue
			}
			open--
		case '\n', '\r', '\x1c', '\x1d', '\x1e', '\u0085', '\u2029':
			r = ' '
		}
		b.WriteRune(r)
	}
	b.WriteString(strings.Repeat("\u2069", open))
	return b.String()
}
