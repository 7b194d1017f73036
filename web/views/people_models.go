package views

// History is a person's private page: every attempt and how it moved.
type History struct {
	URL      string // the personal link, absolute
	Attempts []HistoryRow
	Quizzes  []QuizTrend
	Deleted  bool // an attempt was just deleted
	// Kept says how this browser holds this page: not at all (then
	// AdoptURL is where the form that keeps it posts), for this visit
	// (then RememberURL offers to remember it), or remembered.
	Kept        Kept
	AdoptURL    string
	RememberURL string
	// AdoptOther: this browser holds someone else's page.
	AdoptOther bool
	// Remembered: this browser has just been asked to remember the page.
	Remembered bool
	// Where the page's forms and downloads go.
	ExportJSON, ExportCSV, DeleteURL, ForgetURL string
	// Sharing is what the person shares with therapists; nil when nothing.
	Sharing *Sharing
}

// Kept is how a browser holds a personal page.
type Kept int

const (
	KeptNot        Kept = iota // someone's page, opened from its link
	KeptForVisit               // this browser's, until it closes
	KeptRemembered             // this browser's, remembered
)

// HistoryRow is one attempt in the list, newest first.
type HistoryRow struct {
	Date        string
	QuizTitle   string
	Version     int
	ResultTitle string
	URL         string
	DeleteURL   string
	Flagged     bool // read with care
	Support     bool // a support flag was raised: its result shows where to find help
}

// QuizTrend is how one quiz's scores moved over a person's attempts.
type QuizTrend struct {
	ID         string
	Title      string
	Language   string
	Count      int    // attempts of this quiz
	RetakeURL  string // the quiz's intro page
	CompareURL string // empty with fewer than two attempts
	Client     bool   // seen by a therapist, about their client
	Scales     []Trend
	Pulls      *PullTrend // the spectrum's two pulls and zone over time; nil when the quiz has none
}

// PullTrend is the spectrum over time: both pulls on one chart, with the
// cut, and the zone of each attempt.
type PullTrend struct {
	ID          string  // unique on the page, for the chart's ids
	Left, Right string  // the poles' names
	Cut         float64 // the latest attempt's, named on the chart
	Points      []PullPoint
}

// PullPoint is one attempt on the spectrum.
type PullPoint struct {
	Date        string
	Left, Right *float64 // nil when the attempt has no score there
	Zone        string   // as scoring names it; "" without both scores
	// Cut is where a pull is strong in the file the attempt was scored
	// with: versions may differ, and the chart draws each one's.
	Cut float64
}

// Trend is one line: a scale's score, or the spectrum position, per attempt,
// oldest first.
type Trend struct {
	ID     string // unique on the page, for the chart's ids
	Name   string
	Points []TrendPoint
}

// TrendPoint is one attempt on a trend.
type TrendPoint struct {
	Date  string
	Value *float64 // nil when the attempt has no score here
}

// PersonalLink is the personal page's link, shown on a result to the
// browser that owns it.
type PersonalLink struct {
	URL     string // absolute
	PageURL string // relative, to open it
	// RememberURL is where the form that makes this browser remember the
	// page posts; empty when it already does.
	RememberURL string
}

// Confirm asks before something that cannot be undone.
type Confirm struct {
	Title, Message string
	Action         string // where the form posts
	Button         string
	CancelURL      string
}

// Compare is the compare page.
type Compare struct {
	QuizTitle        string
	Language         string
	Before           CompareSide
	After            CompareSide
	Options          []CompareOption // attempts to choose from, newest first
	SameVersion      bool
	Dropped          []string // names of scales only one side has
	Scales           []ScaleCompare
	Moves            []ItemCompare
	NoSharedItems    bool // the two versions have no statement in common
	ProvisionalNorms bool // some verdict rests on norms marked provisional
	HistoryURL       string
	BackLabel        string // the link to HistoryURL
	Answers          bool   // the answers that moved may be shown
	Therapist        bool   // a therapist's page, with their menu
	JSONURL          string
	Action           string // where the choice form goes (GET)
}

// CompareSide is one of the two attempts.
type CompareSide struct {
	ID          string
	Date        string
	Version     int
	ResultTitle string
	Flags       []string // read-with-care sentences
	// Support are the titles of the raised support flags. The person sees
	// a quiet "Support offered"; a therapist, the titles.
	Support []string
}

// CompareOption is an attempt in the pickers.
type CompareOption struct {
	ID    string
	Label string
	// Selected marks the attempt chosen on each side.
	Before, After bool
}

// ScaleCompare is one scale, side by side.
type ScaleCompare struct {
	Name          string
	Before, After *float64
	Difference    string // in words, e.g. "8 points less codependence"
	Verdict       string // "a real change", "within measurement noise", or no claim
	Reliable      bool
}

// ItemCompare is an item whose answer moved.
type ItemCompare struct {
	Text          string
	Before, After string // answer labels
}
