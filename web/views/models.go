// Package views renders Tandem's pages with templ. Components take view
// models, never database rows, and take every interface text from the
// message catalogue through T, so a second language is a file, not a
// rewrite.
package views

import "time"

// Page is what every page's frame needs.
type Page struct {
	Title string // the page's own title; " · Tandem" is added
	// JSONTwin, when set, is linked as the page's machine-readable form.
	JSONTwin string
	// Description, for the public pages, tells search engines what the
	// page is; private pages have none (and are not indexed).
	Description string
}

// HomePage is the start page.
type HomePage struct {
	Quizzes   []QuizCard
	MeURL     string // this browser's personal page, when it has one
	Forgotten bool   // this browser has just forgotten its personal page
}

// QuizCard describes a quiz on the home page.
type QuizCard struct {
	ID, Title, Summary string
	Language           string
	Minutes, Items     int
	URL                string
	ResumeURL          string // set when this browser has an unfinished attempt
	ResumeSharedWith   string // the therapist that attempt is taken for, if any
}

// Intro is the quiz intro page.
type Intro struct {
	Quiz       QuizCard
	Scales     []ScaleView // what it measures; Score unused
	Sections   []string    // section titles, in order
	Disclaimer string      // the quiz's, or empty for the default
	StartURL   string      // where the start form posts
	KeepDays   int         // how long unfinished answers are kept
}

// SectionPage is one page of questions.
type SectionPage struct {
	QuizTitle string
	Language  string
	Action    string // where the form posts
	SectionID string
	Title     string
	Intro     string
	Number    int // 1-based
	Total     int
	Items     []ItemView
	Problems  []ItemView // items with a problem, in page order
	Last      bool
	// SharedWith names the therapist who will see the result, when the
	// attempt is taken for one.
	SharedWith string
}

// ItemView is one question with its choices.
type ItemView struct {
	ID       string
	Number   int // across the whole quiz, 1-based
	Text     string
	Optional bool
	Choices  []Choice
	Problem  string // empty when the answer is fine
}

// Choice is one answer of an item.
type Choice struct {
	Value   string
	Label   string
	Checked bool
}

// Result is the result page.
type Result struct {
	QuizTitle   string
	Language    string
	Title       string
	Summary     string
	Paragraphs  []string
	NextSteps   []string
	Scales      []ScaleView
	Spectrum    *SpectrumView
	Map         *MapView
	Disclaimer  string // the quiz's, or empty for the default
	CompletedAt time.Time
	URL         string // the private address of this page, absolute
	JSONURL     string
	// Personal is set when this browser owns the personal page the
	// attempt belongs to.
	Personal *PersonalLink
	Flags    []string // read-with-care sentences
	// Support are the raised support flags, in the quiz's order.
	Support []SupportView
	// SafetyFirst: a support flag is raised, so the result's NextSteps give
	// way to a note pointing to the support shown first.
	SafetyFirst bool
	// KeepURL, when set, is where the form posts that keeps this result,
	// which is no one's yet, on the private page the browser holds.
	KeepURL string
	// DeleteURL is set when the result is shown from the personal page.
	DeleteURL string
	// Back, when set, leads to the page the result was opened from (a
	// therapist's client page); such a result has no private link (URL).
	Back *Crumb
	// Answers lists every question with the answer given, for a therapist
	// the client shares answers with.
	Answers []AnswerRow
}

// ScaleView is one scale's score on the result page.
type ScaleView struct {
	ID, Name, Description string
	Score                 *float64 // nil when there were too few answers
}

// SpectrumView is the one-line picture between two poles: how strong
// each pull is, from the middle outwards, and the zone that makes.
type SpectrumView struct {
	Left, Right, Middle string
	// LeftScore and RightScore are the poles' scores, nil without one.
	LeftScore, RightScore *float64
	Cut                   float64 // a pull is strong from here
	Zone                  string  // "middle", "left", "right", "both", or "" without scores
}

// MapView is the two-dimensional picture, shaded where neither of its
// scales reaches the cut.
type MapView struct {
	XName, YName string
	X, Y         *float64
	// Cut is the spectrum's cut, drawn on both axes; 0 when the map's
	// scales are not the spectrum's poles, and the cut says nothing of them.
	Cut float64
}

// SupportView is a raised support flag: its message and where to find
// help, shown before anything else on a result.
type SupportView struct {
	ID         string
	Title      string
	Paragraphs []string
	// Resources are shown: those of the person's region and those for
	// anywhere. Elsewhere are those for other regions, one tap away.
	Resources, Elsewhere []ResourceView
}

// ResourceView is one place that helps.
type ResourceView struct {
	Name, URL string
	Phone     string // as written, empty when there is none
	TelURL    string // tel: link for the phone, empty when there is none
	Region    string // a country's name, "Anywhere", or empty
}

// ErrorPage is a calm page for anything that went wrong.
type ErrorPage struct {
	Title   string
	Message string
	// Action, when set, is a next step to offer instead of going home.
	ActionURL, ActionLabel string
}
