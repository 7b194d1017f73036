package quiz

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"
	"golang.org/x/text/language"
)

// MaxFileSize bounds a quiz file: far above any real questionnaire, low
// enough that a wrong file (a log, a database) is refused at once.
const MaxFileSize = 1 << 20

// MaxWeight bounds the size of an item's weight on a scale.
const MaxWeight = 1000

// LoadFS loads every *.yaml and *.yml file at the top of fsys, in the
// order of their names without the extension (the order the home page
// lists them in: "sleep" before "sleep-short"). dir is the folder's name
// as the person knows it, used in messages. On any problem in any file it
// returns nil and a Problems error listing all of them, including quiz ids
// used by two files.
func LoadFS(fsys fs.FS, dir string) ([]*Quiz, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Problems{{File: dir, What: "cannot read the quiz folder: " + errText(err),
			Fix: "check that the folder exists and can be read"}}
	}
	stem := func(e fs.DirEntry) string { return strings.TrimSuffix(e.Name(), path.Ext(e.Name())) }
	sort.SliceStable(entries, func(i, j int) bool { return stem(entries[i]) < stem(entries[j]) })
	var (
		quizzes  []*Quiz
		problems Problems
		byID     = map[string]*Quiz{}
	)
	for _, e := range entries {
		ext := path.Ext(e.Name())
		// Hidden files are editors' backups and locks, not quizzes.
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := readFile(fsys, e.Name())
		if err != nil {
			problems = append(problems, Problem{File: name, What: errText(err)})
			continue
		}
		q, err := Parse(name, data)
		var ps Problems
		if errors.As(err, &ps) {
			problems = append(problems, ps...)
			continue
		}
		if first, dup := byID[q.ID]; dup {
			problems = append(problems, Problem{File: name, Line: 1, Column: 1,
				What: fmt.Sprintf("quiz id %q is already used by %s", q.ID, first.File),
				Fix:  "give each quiz its own id"})
			continue
		}
		byID[q.ID] = q
		quizzes = append(quizzes, q)
	}
	if len(problems) > 0 {
		problems.sort()
		return nil, problems
	}
	if len(quizzes) == 0 {
		return nil, Problems{{File: dir, What: "there are no quiz files (*.yaml) in this folder",
			Fix: "add one, or point -quizzes at the folder that has them"}}
	}
	return quizzes, nil
}

// LoadFile reads and parses one quiz file from disk. The error is always a
// Problems naming the file.
func LoadFile(path string) (*Quiz, error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	data, err := readFile(os.DirFS(dir), name)
	if err != nil {
		return nil, Problems{{File: path, What: errText(err)}}
	}
	return Parse(path, data)
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("this is a folder; name the quiz files in it, for example DIR/*.yaml")
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("the file is larger than %d KiB; a quiz file is much smaller", MaxFileSize>>10)
	}
	return fs.ReadFile(fsys, name)
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse reads one quiz from data. name is the file's name, used in
// messages. The error is always a Problems listing everything wrong.
func Parse(name string, data []byte) (*Quiz, error) {
	if len(data) > MaxFileSize {
		return nil, Problems{{File: name, What: fmt.Sprintf("the file is larger than %d KiB", MaxFileSize>>10),
			Fix: "a quiz file is much smaller: check that this is the right file"}}
	}
	var doc yaml.Node
	if err := yaml.Load(data, &doc); err != nil {
		return nil, Problems{syntaxProblem(name, err)}
	}
	if len(doc.Content) == 0 {
		return nil, Problems{{File: name, What: "the file is empty", Fix: "start from the example in docs/quiz-format.md"}}
	}
	d := &decoder{file: name, budget: aliasBudget(data)}
	q := d.quiz(doc.Content[0])
	if len(d.problems) > 0 {
		d.problems.sort()
		return nil, d.problems
	}
	q.File = name
	q.Source = data
	sum := sha256.Sum256(data)
	q.Hash = hex.EncodeToString(sum[:])
	return q, nil
}

// syntaxProblem turns a YAML parse error into a Problem at its position.
func syntaxProblem(name string, err error) Problem {
	p := Problem{File: name, What: "the file is not valid YAML: " + err.Error(),
		Fix: "check the indentation and quoting around this place"}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		p.What = "the file is not valid YAML: " + strings.TrimPrefix(le.Message, "yaml: ")
		p.Line, p.Column = le.Mark.Line, le.Mark.Column
		if strings.Contains(le.Message, "no documents") {
			p.What, p.Fix = "the file is empty", "start from the example in docs/quiz-format.md"
		}
		if strings.Contains(le.Message, "multiple") {
			p.Fix = "keep one quiz per file, without `---` separators"
		}
	}
	return p
}

// name names the i-th entry of a list for messages: by its id when it has
// one, otherwise by its position, for example `item "b1"` or `scale 3`.
func name(n *yaml.Node, kind string, i int) string { return nameBy(n, "id", kind, i) }

// nameBy is name for entries that are known by another key than id, such
// as a resource by its name.
func nameBy(n *yaml.Node, key, kind string, i int) string {
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			if k, v := n.Content[j], n.Content[j+1]; k.Value == key && v.Kind == yaml.ScalarNode && v.Value != "" {
				return fmt.Sprintf("%s %q", kind, v.Value)
			}
		}
	}
	return fmt.Sprintf("%s %d", kind, i+1)
}

// quizState carries what later checks need from the first pass: where
// things were declared and which references were made.
type quizState struct {
	scaleAt map[string]*yaml.Node // scale id -> its id node
	keyed   map[string]bool       // scales keyed by at least one item
	refs    []scaleRef
	scaleOK bool // the answer scale is usable: both bounds read, min below max

	itemAt   map[string]*yaml.Node // item id -> its id node
	flagged  map[string]bool       // items that some support flag lists
	itemRefs []itemRef             // the items support flags list
}

// itemRef is an item named by a support flag.
type itemRef struct {
	at   *yaml.Node
	id   string
	what string
}

type scaleRef struct {
	at   *yaml.Node
	id   string
	what string
}

func (d *decoder) quiz(root *yaml.Node) *Quiz {
	q := &Quiz{Language: "en"}
	st := &quizState{scaleAt: map[string]*yaml.Node{}, keyed: map[string]bool{},
		itemAt: map[string]*yaml.Node{}, flagged: map[string]bool{}}
	var sectionsNode, resultsNode, supportNode *yaml.Node
	d.fields(root, "the quiz",
		field{"id", true, func(v *yaml.Node) { q.ID = d.slug(v, "the quiz id") }},
		field{"version", true, func(v *yaml.Node) {
			if n, ok := d.integer(v, "version"); ok {
				if n < 1 {
					d.problem(v, "start at 1 and raise it when items or scoring change", "version must be 1 or more")
				}
				q.Version = n
			}
		}},
		field{"title", true, func(v *yaml.Node) { q.Title = d.text(v, "title") }},
		field{"summary", false, func(v *yaml.Node) { q.Summary = d.text(v, "summary") }},
		field{"language", false, func(v *yaml.Node) {
			s := d.text(v, "language")
			if s == "" {
				return
			}
			tag, err := language.Parse(s)
			if err != nil {
				d.problem(v, "use a BCP 47 tag such as en, de or pt-BR", "language %q is not a language tag", s)
				return
			}
			q.Language = tag.String()
		}},
		field{"minutes", false, func(v *yaml.Node) {
			if n, ok := d.integer(v, "minutes"); ok {
				if n < 1 {
					d.problem(v, "give the estimated time in whole minutes, at least 1", "minutes must be 1 or more")
				}
				q.Minutes = n
			}
		}},
		field{"disclaimer", false, func(v *yaml.Node) { q.Disclaimer = d.text(v, "disclaimer") }},
		field{"scale", true, func(v *yaml.Node) { q.Scale, st.scaleOK = d.answerScale(v) }},
		field{"scales", true, func(v *yaml.Node) { q.Scales = d.scales(v, st) }},
		// Sections and results refer to scales, which may come later in
		// the file: remember them and decode once the scales are known.
		field{"sections", true, func(v *yaml.Node) { sectionsNode = v }},
		field{"results", true, func(v *yaml.Node) { resultsNode = v }},
		field{"spectrum", false, func(v *yaml.Node) { q.Spectrum = d.spectrum(v, st) }},
		field{"map", false, func(v *yaml.Node) { q.Map = d.scaleMap(v, st) }},
		// Support flags name items, and items may go without keys only
		// when a flag names them: read the flags before the sections.
		field{"support", false, func(v *yaml.Node) { supportNode = v }},
	)
	if supportNode != nil {
		q.Support = d.support(supportNode, q.Scale, st)
	}
	if sectionsNode != nil {
		q.Sections = d.sections(sectionsNode, st)
	}
	if resultsNode != nil {
		q.Results = d.results(resultsNode, st)
	}
	d.checkRefs(q, st)
	d.checkItemRefs(st)
	return q
}

// answerScale reads the answer scale and reports whether it is usable:
// both bounds read, min below max.
func (d *decoder) answerScale(n *yaml.Node) (AnswerScale, bool) {
	var s AnswerScale
	var minOK, maxOK bool
	var labelsNode *yaml.Node
	d.fields(n, "scale",
		field{"min", true, func(v *yaml.Node) { s.Min, minOK = d.integer(v, "scale.min") }},
		field{"max", true, func(v *yaml.Node) { s.Max, maxOK = d.integer(v, "scale.max") }},
		field{"labels", true, func(v *yaml.Node) {
			labelsNode = v
			d.list(v, "scale.labels", true, func(i int, l *yaml.Node) {
				s.Labels = append(s.Labels, d.text(l, fmt.Sprintf("label %d", i+1)))
			})
		}},
	)
	if !minOK || !maxOK {
		return s, false
	}
	if s.Min >= s.Max {
		d.problem(n, "make min smaller than max, for example min: 1 and max: 5",
			"scale.min (%d) must be smaller than scale.max (%d)", s.Min, s.Max)
		return s, false
	}
	if want := s.Max - s.Min + 1; labelsNode != nil && len(s.Labels) > 0 && len(s.Labels) != want {
		d.problem(labelsNode, fmt.Sprintf("give exactly %d labels, one for each answer from %d to %d", want, s.Min, s.Max),
			"scale.labels has %d labels but the scale has %d answers", len(s.Labels), want)
	}
	return s, true
}

func (d *decoder) scales(n *yaml.Node, st *quizState) []Scale {
	var scales []Scale
	d.list(n, "scales", true, func(i int, v *yaml.Node) {
		var s Scale
		what := name(v, "scale", i)
		d.fields(v, what,
			field{"id", true, func(v *yaml.Node) {
				s.ID = d.slug(v, "scale id")
				if s.ID == "" {
					return
				}
				if first, dup := st.scaleAt[s.ID]; dup {
					d.problem(v, "give each scale its own id", "scale id %q is used twice (first on line %d)", s.ID, first.Line)
					return
				}
				st.scaleAt[s.ID] = v
			}},
			field{"name", true, func(v *yaml.Node) { s.Name = d.text(v, what+" name") }},
			field{"description", false, func(v *yaml.Node) { s.Description = d.text(v, what+" description") }},
			field{"norms", false, func(v *yaml.Node) { s.Norms = d.norms(v, what) }},
		)
		scales = append(scales, s)
	})
	return scales
}

func (d *decoder) norms(n *yaml.Node, scale string) *Norms {
	var nm Norms
	said := false // whether the file says `provisional:`
	what := scale + " norms"
	d.fields(n, what,
		field{"mean", true, func(v *yaml.Node) {
			if f, ok := d.number(v, "norms.mean"); ok {
				if f < 0 || f > 100 {
					d.problem(v, "give the mean of the 0..100 score", "norms.mean %v is outside 0..100", f)
				}
				nm.Mean = f
			}
		}},
		field{"sd", true, func(v *yaml.Node) {
			if f, ok := d.number(v, "norms.sd"); ok {
				if f <= 0 {
					d.problem(v, "give the standard deviation of the 0..100 score, a number above 0", "norms.sd must be above 0")
				}
				nm.SD = f
			}
		}},
		field{"reliability", true, func(v *yaml.Node) {
			if f, ok := d.number(v, "norms.reliability"); ok {
				if f <= 0 || f >= 1 {
					d.problem(v, "give a reliability such as Cronbach's alpha, between 0 and 1 (for example 0.82)",
						"norms.reliability must be between 0 and 1, not %v", f)
				}
				nm.Reliability = f
			}
		}},
		field{"source", false, func(v *yaml.Node) { nm.Source = d.text(v, "norms.source") }},
		field{"provisional", false, func(v *yaml.Node) {
			nm.Provisional = d.boolean(v, "norms.provisional")
			said = true
		}},
	)
	if !said && len(nm.Source) >= len(legacyProvisional) && strings.EqualFold(nm.Source[:len(legacyProvisional)], legacyProvisional) {
		nm.Provisional = true
	}
	return &nm
}

// legacyProvisional begins the source of norms that files written before
// `provisional:` existed (the shipped quiz's version 1, whose copies
// results keep) give as provisional: without the key, such norms are
// provisional still.
const legacyProvisional = "Provisional"

func (d *decoder) sections(n *yaml.Node, st *quizState) []Section {
	var sections []Section
	sectionAt := map[string]*yaml.Node{}
	d.list(n, "sections", true, func(i int, v *yaml.Node) {
		var s Section
		what := name(v, "section", i)
		d.fields(v, what,
			field{"id", true, func(v *yaml.Node) {
				s.ID = d.slug(v, "section id")
				if first, dup := sectionAt[s.ID]; dup && s.ID != "" {
					d.problem(v, "give each section its own id", "section id %q is used twice (first on line %d)", s.ID, first.Line)
				} else {
					sectionAt[s.ID] = v
				}
			}},
			field{"title", true, func(v *yaml.Node) { s.Title = d.text(v, what+" title") }},
			field{"intro", false, func(v *yaml.Node) { s.Intro = d.text(v, what+" intro") }},
			field{"items", true, func(v *yaml.Node) {
				d.list(v, what+" items", true, func(j int, v *yaml.Node) {
					s.Items = append(s.Items, d.item(v, name(v, "item", j), st))
				})
			}},
		)
		sections = append(sections, s)
	})
	return sections
}

// Fix and message for an item without keys that no support flag lists.
const (
	fixNoKeys  = "key it to at least one scale, for example {codependence: 1}, or list it in the `items` of a support flag"
	whatNoKeys = "%s has no keys; only an item that a support flag lists may have none"
)

func (d *decoder) item(n *yaml.Node, what string, st *quizState) Item {
	var it Item
	var keysAt *yaml.Node
	keysEmpty := false
	d.fields(n, what,
		field{"id", true, func(v *yaml.Node) {
			it.ID = d.slug(v, "item id")
			if first, dup := st.itemAt[it.ID]; dup && it.ID != "" {
				d.problem(v, "give each item its own id across the whole quiz: answers are stored by it",
					"item id %q is used twice (first on line %d)", it.ID, first.Line)
			} else {
				st.itemAt[it.ID] = v
			}
		}},
		field{"text", true, func(v *yaml.Node) { it.Text = d.text(v, what+" text") }},
		field{"keys", false, func(v *yaml.Node) {
			keysAt = v
			seen := d.pairs(v, what+" keys", func(k, w *yaml.Node) {
				weight, ok := d.number(w, fmt.Sprintf("the weight of %q", k.Value))
				switch {
				case ok && weight == 0:
					d.problem(w, "use 1 (agreeing raises the scale) or -1 (agreeing lowers it), or remove the key",
						"the weight of %q is 0", k.Value)
				case ok && math.Abs(weight) > MaxWeight:
					// Weights only matter relative to each other; huge ones
					// would overflow the sums and lose the score.
					d.problem(w, fmt.Sprintf("weights are relative: use numbers such as 1, 2 or 0.5, at most %d", MaxWeight),
						"the weight of %q is %v", k.Value, weight)
				}
				st.refs = append(st.refs, scaleRef{k, k.Value, "the keys of " + what})
				st.keyed[k.Value] = true
				it.Keys = append(it.Keys, Key{Scale: k.Value, Weight: weight})
			})
			keysEmpty = seen != nil && len(seen) == 0
		}},
		field{"optional", false, func(v *yaml.Node) { it.Optional = d.boolean(v, what+" optional") }},
	)
	// Checked once the id is known, which may come after the keys. An
	// item that is not a mapping has had its problem reported already.
	if !st.flagged[it.ID] {
		switch {
		case keysEmpty:
			d.problem(keysAt, fixNoKeys, whatNoKeys, what)
		case keysAt == nil && resolve(n).Kind == yaml.MappingNode:
			d.problem(n, fixNoKeys, whatNoKeys, what)
		}
	}
	return it
}

func (d *decoder) results(n *yaml.Node, st *quizState) []Result {
	var results []Result
	resultAt := map[string]*yaml.Node{}
	n = resolve(n)
	last := len(n.Content) - 1
	d.list(n, "results", true, func(i int, v *yaml.Node) {
		var r Result
		what := name(v, "result", i)
		hasWhen := false
		d.fields(v, what,
			field{"id", true, func(v *yaml.Node) {
				r.ID = d.slug(v, "result id")
				if first, dup := resultAt[r.ID]; dup && r.ID != "" {
					d.problem(v, "give each result its own id", "result id %q is used twice (first on line %d)", r.ID, first.Line)
				} else {
					resultAt[r.ID] = v
				}
			}},
			field{"title", true, func(v *yaml.Node) { r.Title = d.text(v, what+" title") }},
			field{"summary", true, func(v *yaml.Node) { r.Summary = d.text(v, what+" summary") }},
			field{"body", false, func(v *yaml.Node) { r.Body = d.text(v, what+" body") }},
			field{"next_steps", false, func(v *yaml.Node) {
				d.list(v, what+" next_steps", false, func(j int, s *yaml.Node) {
					r.NextSteps = append(r.NextSteps, d.text(s, fmt.Sprintf("next step %d of %s", j+1, what)))
				})
			}},
			field{"when", false, func(v *yaml.Node) {
				hasWhen = true
				r.When = d.when(v, what, st)
			}},
		)
		switch {
		case i == last && hasWhen:
			d.problem(v, "add a last result without `when`, or remove `when` from this one",
				"the last result must have no `when`: it is the fallback that every attempt can reach")
		case i < last && !hasWhen:
			d.problem(v, "give it a `when`, or move it to the end of the list",
				"only the last result may leave out `when`: the results after %s could never be reached", what)
		}
		results = append(results, r)
	})
	return results
}

func (d *decoder) when(n *yaml.Node, result string, st *quizState) []Condition {
	var conds []Condition
	what := "the `when` of " + result
	seen := d.pairs(n, what, func(k, v *yaml.Node) {
		c := Condition{Scale: k.Value, Max: 100}
		st.refs = append(st.refs, scaleRef{k, k.Value, what})
		cwhat := fmt.Sprintf("the condition on %q", k.Value)
		var minAt *yaml.Node
		d.fields(v, cwhat,
			field{"min", false, func(v *yaml.Node) { c.Min, _ = d.bound(v, cwhat+" min"); minAt = v }},
			field{"max", false, func(v *yaml.Node) {
				var ok bool
				if c.Max, ok = d.bound(v, cwhat+" max"); ok {
					c.MaxGiven = true
				}
			}},
		)
		if minAt != nil && c.MaxGiven && c.Min >= c.Max {
			d.problem(minAt, "make min smaller than max", "%s has min %v, which is not below max %v", cwhat, c.Min, c.Max)
		}
		conds = append(conds, c)
	})
	if seen != nil && len(seen) == 0 {
		d.problem(n, "add a condition such as {codependence: {min: 50}}, or remove `when` from the last result",
			"%s is empty", what)
	}
	return conds
}

func (d *decoder) bound(n *yaml.Node, what string) (float64, bool) {
	f, ok := d.number(n, what)
	if ok && (f < 0 || f > 100) {
		d.problem(n, "scores run from 0 to 100", "%s is %v, outside 0..100", what, f)
		return 0, false
	}
	return f, ok
}

func (d *decoder) spectrum(n *yaml.Node, st *quizState) *Spectrum {
	s := Spectrum{Cut: DefaultCut}
	var leftAt, rightAt *yaml.Node
	d.fields(n, "spectrum",
		field{"left", true, func(v *yaml.Node) { s.Left, leftAt = d.text(v, "spectrum.left"), v }},
		field{"right", true, func(v *yaml.Node) { s.Right, rightAt = d.text(v, "spectrum.right"), v }},
		field{"middle", false, func(v *yaml.Node) { s.Middle = d.text(v, "spectrum.middle") }},
		field{"cut", false, func(v *yaml.Node) {
			if f, ok := d.number(v, "spectrum.cut"); ok {
				// 0 and 100 would make a pull always or never strong.
				if f <= 0 || f >= 100 {
					d.problem(v, "give the score from which a pull counts as strong, above 0 and below 100,"+
						" or leave `cut` out for 50", "spectrum.cut must be above 0 and below 100, not %v", f)
				}
				s.Cut = f
			}
		}},
	)
	d.twoScales(leftAt, rightAt, s.Left, s.Right, "spectrum.left", "spectrum.right", st)
	return &s
}

func (d *decoder) scaleMap(n *yaml.Node, st *quizState) *Map {
	var m Map
	var xAt, yAt *yaml.Node
	d.fields(n, "map",
		field{"x", true, func(v *yaml.Node) { m.X, xAt = d.text(v, "map.x"), v }},
		field{"y", true, func(v *yaml.Node) { m.Y, yAt = d.text(v, "map.y"), v }},
	)
	d.twoScales(xAt, yAt, m.X, m.Y, "map.x", "map.y", st)
	return &m
}

// twoScales records both references and reports when they name one scale.
func (d *decoder) twoScales(aAt, bAt *yaml.Node, a, b, aName, bName string, st *quizState) {
	if aAt != nil && a != "" {
		st.refs = append(st.refs, scaleRef{aAt, a, aName})
	}
	if bAt != nil && b != "" {
		st.refs = append(st.refs, scaleRef{bAt, b, bName})
	}
	if aAt != nil && bAt != nil && a != "" && a == b {
		d.problem(bAt, fmt.Sprintf("name two different scales in %s and %s", aName, bName),
			"%s and %s both name %q", aName, bName, a)
	}
}

// checkRefs reports references to undeclared scales and scales no item
// keys, once the whole file has been read.
func (d *decoder) checkRefs(q *Quiz, st *quizState) {
	declared := make([]string, 0, len(st.scaleAt))
	for id := range st.scaleAt {
		declared = append(declared, id)
	}
	sort.Strings(declared)
	for _, r := range st.refs {
		if _, ok := st.scaleAt[r.id]; !ok {
			fix := suggest(r.id, declared)
			if fix == "" {
				fix = "declare it under `scales`"
			} else {
				fix += " (or declare it under `scales`)"
			}
			d.problem(r.at, fix, "scale %q in %s is not declared", r.id, r.what)
		}
	}
	unkeyed := make([]string, 0)
	for id := range st.scaleAt {
		if !st.keyed[id] {
			unkeyed = append(unkeyed, id)
		}
	}
	sort.Strings(unkeyed)
	for _, id := range unkeyed {
		d.problem(st.scaleAt[id], "key at least one item to it, or remove the scale",
			"no item is keyed to scale %q, so it could never have a score", id)
	}
}
