// Package quiz defines questionnaires and loads them from YAML files written
// by hand, as described in the quiz format specification (quiz-format.md).
//
// The loader is strict: unknown keys, duplicate ids and dangling references
// are errors, and every problem of every file is reported at once, each with
// the file, line and column and a way to fix it.
package quiz

// Quiz is one questionnaire, as loaded from one file.
type Quiz struct {
	ID         string
	Version    int
	Title      string
	Summary    string
	Language   string // BCP 47; "en" when the file does not say
	Minutes    int    // estimated time; 0 when the file does not say
	Disclaimer string // empty when the file does not say
	Scale      AnswerScale
	Scales     []Scale
	Sections   []Section
	Results    []Result
	Spectrum   *Spectrum // nil when the file has none
	Map        *Map      // nil when the file has none
	// Support lists the support flags in file order; nil when the file
	// has none.
	Support []SupportFlag

	// File is the name the quiz was loaded from, for messages.
	File string
	// Source is the file's exact bytes and Hash their hex SHA-256: together
	// they let a past attempt be shown with the very text it was scored on.
	Source []byte
	Hash   string
}

// AnswerScale is the range of answers shared by every item.
type AnswerScale struct {
	Min, Max int
	Labels   []string // Max-Min+1 labels, for Min..Max
}

// Values lists the possible answers from Min to Max.
func (s AnswerScale) Values() []int {
	vs := make([]int, 0, s.Max-s.Min+1)
	for v := s.Min; v <= s.Max; v++ {
		vs = append(vs, v)
	}
	return vs
}

// Label returns the label of answer v, which must be in range.
func (s AnswerScale) Label(v int) string { return s.Labels[v-s.Min] }

// Contains reports whether v is a possible answer.
func (s AnswerScale) Contains(v int) bool { return v >= s.Min && v <= s.Max }

// Scale is something the quiz scores, from 0 to 100.
type Scale struct {
	ID          string
	Name        string
	Description string
	Norms       *Norms // nil without norms: then no reliability claim is made
}

// Norms describe a scale's score in a reference sample.
type Norms struct {
	Mean        float64
	SD          float64
	Reliability float64 // 0 < r < 1, for example Cronbach's alpha
	Source      string
	// Provisional marks figures that are a stand-in until real data
	// replaces them, such as those of a simulation: the file says so with
	// `provisional: true`. False when the file does not say.
	Provisional bool
}

// Section is one page of the quiz.
type Section struct {
	ID    string
	Title string
	Intro string
	Items []Item
}

// Item is one statement the person answers.
type Item struct {
	ID   string
	Text string
	// Keys in file order. Empty only for an item that a support flag
	// lists: such an item counts in no scale.
	Keys     []Key
	Optional bool
}

// Key says that an item counts towards a scale with a weight; a negative
// weight reverses the item for that scale.
type Key struct {
	Scale  string
	Weight float64
}

// Result is one possible outcome. The first result whose conditions all
// hold is the person's result; the last result has none and always holds.
type Result struct {
	ID        string
	Title     string
	Summary   string
	Body      string
	NextSteps []string
	When      []Condition // empty only for the last result (the fallback)
}

// Condition holds when a scale has a score in [Min, Max), or [Min, 100]
// when the file gives no max.
type Condition struct {
	Scale string
	Min   float64
	Max   float64
	// MaxGiven is false when the file leaves max out: then 100 itself
	// satisfies the condition.
	MaxGiven bool
}

// DefaultCut is the spectrum's cut when the file gives none.
const DefaultCut = 50

// Spectrum is the one-line picture of a result between two poles.
type Spectrum struct {
	Left, Right string // scale ids
	Middle      string // label of the balanced middle
	// Cut is the score from which a pole's pull counts as strong, for the
	// spectrum's zones: 0 < Cut < 100, DefaultCut when the file gives none.
	Cut float64
}

// StrongFrom is the score from which a pole's pull is strong: Cut, or
// DefaultCut for a Spectrum built in code without one (the loader always
// gives one). Every picture and zone reads the cut here.
func (s Spectrum) StrongFrom() float64 {
	if s.Cut > 0 {
		return s.Cut
	}
	return DefaultCut
}

// SupportFlag is a set of answers that call for care rather than a score.
// It is raised when any of its items has an answer of at least Min; then
// its message and resources come first on the result.
type SupportFlag struct {
	ID        string
	Title     string
	Message   string     // paragraphs of plain text, separated by blank lines
	Resources []Resource // at least one
	Items     []string   // ids of the items that raise it; at least one
	Min       int        // on the raw answer scale, within Scale.Min..Scale.Max
}

// Resource is somewhere a person can turn to for help.
type Resource struct {
	Name  string
	URL   string // always https
	Phone string // empty when the file gives none
	// Region is an ISO 3166-1 alpha-2 code such as GB, or "international";
	// empty when the file does not say.
	Region string
}

// Map is the two-dimensional picture of a result.
type Map struct {
	X, Y string // scale ids
}

// Items returns every item in quiz order, in a new slice.
func (q *Quiz) Items() []Item {
	items := make([]Item, 0, q.ItemCount())
	for _, s := range q.Sections {
		items = append(items, s.Items...)
	}
	return items
}

// ItemCount is how many items the quiz has, without copying them.
func (q *Quiz) ItemCount() int {
	n := 0
	for _, s := range q.Sections {
		n += len(s.Items)
	}
	return n
}

// ScaleByID returns the scale with the given id.
func (q *Quiz) ScaleByID(id string) (Scale, bool) {
	for _, s := range q.Scales {
		if s.ID == id {
			return s, true
		}
	}
	return Scale{}, false
}

// ResultByID returns the result with the given id.
func (q *Quiz) ResultByID(id string) (Result, bool) {
	for _, r := range q.Results {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// SupportByID returns the support flag with the given id.
func (q *Quiz) SupportByID(id string) (SupportFlag, bool) {
	for _, f := range q.Support {
		if f.ID == id {
			return f, true
		}
	}
	return SupportFlag{}, false
}
