package views

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
}

// Client is one client's page for their therapist.
type Client struct {
	Name          string
	QuizTitle     string
	Since         string
	SharesAnswers bool
	Sharing       bool
	Stopped       string
	Attempts      []HistoryRow
	Quizzes       []QuizTrend
	Access        []AccessRow
}

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
