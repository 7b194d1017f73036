package quiz

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// decoder turns a YAML node tree into a Quiz, collecting problems instead
// of stopping at the first one.
type decoder struct {
	file     string
	problems Problems
	// budget is how many more mapping entries and list elements may be
	// visited. Aliases let a small file name one large node many times,
	// and walking every copy could take hours.
	budget int
}

// aliasBudget bounds the entries decoding data may visit: without aliases
// each entry is visited once and takes at least a byte of the file.
func aliasBudget(data []byte) int { return 4*len(data) + 1024 }

// spend counts one visited entry at n. It reports false once the budget is
// spent, with a problem the first time.
func (d *decoder) spend(n *yaml.Node) bool {
	if d.budget <= 0 {
		if d.budget == 0 {
			d.budget--
			d.problem(n, "write the repeated parts out, or alias only small parts such as keys",
				"the file uses aliases (`*name`) so much that reading it would take too long")
		}
		return false
	}
	d.budget--
	return true
}

func (d *decoder) problem(n *yaml.Node, fix, format string, args ...any) {
	d.problems = append(d.problems, Problem{
		File: d.file, Line: n.Line, Column: n.Column,
		What: fmt.Sprintf(format, args...), Fix: fix,
	})
}

// field describes one key of a mapping.
type field struct {
	name     string
	required bool
	decode   func(v *yaml.Node)
}

// fields decodes the mapping n key by key. what names the mapping in
// messages, for example `item "b1"`.
func (d *decoder) fields(n *yaml.Node, what string, fs ...field) {
	names := make([]string, len(fs))
	byName := make(map[string]field, len(fs))
	for i, f := range fs {
		names[i] = f.name
		byName[f.name] = f
	}
	seen := d.pairs(n, what, func(k, v *yaml.Node) {
		f, ok := byName[k.Value]
		if !ok {
			d.problem(k, suggest(k.Value, names), "unknown key %q in %s", k.Value, what)
			return
		}
		f.decode(v)
	})
	if seen == nil {
		return
	}
	for _, f := range fs {
		if f.required && !seen[f.name] {
			d.problem(n, fmt.Sprintf("add `%s:` to it", f.name), "%s has no %q", what, f.name)
		}
	}
}

// pairs walks the mapping n, reporting keys that are not plain text or
// appear twice, and calls fn for every other key and value. It returns the
// keys seen, or nil when n is not a mapping.
func (d *decoder) pairs(n *yaml.Node, what string, fn func(k, v *yaml.Node)) map[string]bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.problem(n, "write it as `key: value` lines, indented under its name",
			"%s should be a set of `key: value` pairs, not %s", what, describe(n))
		return nil
	}
	seen := make(map[string]bool, len(n.Content)/2)
	firstLine := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !d.spend(n.Content[i]) {
			return nil
		}
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
			d.problem(k, "use a plain name as the key", "%s has a key that is not a plain name", what)
			continue
		}
		if seen[k.Value] {
			d.problem(k, "keep one of them", "%s has %q twice (first on line %d)", what, k.Value, firstLine[k.Value])
			continue
		}
		seen[k.Value] = true
		firstLine[k.Value] = k.Line
		fn(k, v)
	}
	return seen
}

// list walks the sequence n and calls fn for each element. It reports an
// empty list when nonEmpty is set.
func (d *decoder) list(n *yaml.Node, what string, nonEmpty bool, fn func(i int, v *yaml.Node)) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.problem(n, "write each entry on its own line starting with `- `",
			"%s should be a list, not %s", what, describe(n))
		return
	}
	if nonEmpty && len(n.Content) == 0 {
		d.problem(n, "add at least one entry", "%s is empty", what)
		return
	}
	for i, v := range n.Content {
		if !d.spend(v) {
			return
		}
		fn(i, resolve(v))
	}
}

// text returns the scalar n as text. Numbers and booleans are taken as
// written: authors write prose, and `summary: yes` means the word.
func (d *decoder) text(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.problem(n, "write the text after the colon, quoted if it contains `: ` or starts with a symbol",
			"%s should be text, not %s", what, describe(n))
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		d.problem(n, "write the text after the colon", "%s is empty", what)
	}
	return s
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// slug returns the scalar n as an id: lower-case letters and digits in
// groups joined by single hyphens, as it appears in URLs and form fields.
func (d *decoder) slug(n *yaml.Node, what string) string {
	s := d.text(n, what)
	if s != "" && !slugPattern.MatchString(s) {
		d.problem(n, "use lower-case letters, digits and single hyphens, for example "+slugExample(s),
			"%s %q is not a valid id", what, s)
	}
	return s
}

// slugExample turns s into the nearest valid id, to show in a fix.
func slugExample(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return `"my-quiz"`
	}
	return fmt.Sprintf("%q", b.String())
}

func (d *decoder) integer(n *yaml.Node, what string) (int, bool) {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		d.problem(n, "write a whole number such as 1, without quotes", "%s should be a whole number, not %s", what, describe(n))
		return 0, false
	}
	return i, true
}

func (d *decoder) number(n *yaml.Node, what string) (float64, bool) {
	var f float64
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil ||
		math.IsNaN(f) || math.IsInf(f, 0) {
		d.problem(n, "write a number such as 1 or 0.5, without quotes", "%s should be a number, not %s", what, describe(n))
		return 0, false
	}
	return f, true
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.problem(n, "write true or false", "%s should be true or false, not %s", what, describe(n))
	}
	return b
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe says what kind of value n is, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a set of `key: value` pairs"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return fmt.Sprintf("the text %q", v)
	}
	return "something else"
}
