package quiz

import (
	"fmt"
	"slices"

	yaml "go.yaml.in/yaml/v4"
)

// Resources are an operator's own helplines, read from a file of their own
// (tandem -support-resources): for the regions they name they take the
// place of a quiz's resources, so a server can serve its country well
// without anyone editing the quiz files. The format is in
// docs/operations.md.
type Resources struct {
	// Region is the country the server mostly serves: its resources come
	// first for a browser that names no country (en rather than en-NZ).
	// Empty when the file does not say.
	Region string
	// ByFlag holds each support flag's resources, by flag id, in the
	// file's order. Every one names its region.
	ByFlag map[string][]Resource

	file string
	at   map[string]*yaml.Node // where each flag id is written
}

// For is the resources to show for f: f's own, except that those of a
// region these resources name give way to these, which come after f's
// remaining ones. A nil Resources leaves f's own.
func (rs *Resources) For(f SupportFlag) []Resource {
	if rs == nil || len(rs.ByFlag[f.ID]) == 0 {
		return f.Resources
	}
	mine := rs.ByFlag[f.ID]
	replaced := func(r Resource) bool {
		return slices.ContainsFunc(mine, func(m Resource) bool { return m.Region == r.Region })
	}
	out := make([]Resource, 0, len(f.Resources)+len(mine))
	for _, r := range f.Resources {
		if !replaced(r) {
			out = append(out, r)
		}
	}
	return append(out, mine...)
}

// Check reports the flags these resources are for that none of the quizzes
// has: most likely a misspelt id, which would leave the quiz's resources
// in place unnoticed.
func (rs *Resources) Check(qs []*Quiz) error {
	if rs == nil {
		return nil
	}
	var known []string
	for _, q := range qs {
		for _, f := range q.Support {
			if !slices.Contains(known, f.ID) {
				known = append(known, f.ID)
			}
		}
	}
	d := &decoder{file: rs.file}
	for id := range rs.ByFlag {
		if slices.Contains(known, id) {
			continue
		}
		fix := "use the id of a support flag in the quiz files, as written after `- id:` under `support`"
		if best := closest(id, known); best != "" {
			fix = fmt.Sprintf("did you mean %q?", best)
		}
		d.problem(rs.at[id], fix, "no quiz has a support flag %q", id)
	}
	if len(d.problems) > 0 {
		d.problems.sort()
		return d.problems
	}
	return nil
}

// ParseResources reads an operator's resources file; name is used in
// messages. Like a quiz file, every problem is reported with its line.
func ParseResources(name string, data []byte) (*Resources, error) {
	if len(data) > MaxFileSize {
		return nil, Problems{{File: name, What: fmt.Sprintf("the file is larger than %d KiB", MaxFileSize>>10),
			Fix: "a resources file is much smaller: check that this is the right file"}}
	}
	var doc yaml.Node
	if err := yaml.Load(data, &doc); err != nil {
		return nil, Problems{syntaxProblem(name, err)}
	}
	if len(doc.Content) == 0 {
		return nil, Problems{{File: name, What: "the file is empty", Fix: "start from the example in docs/operations.md"}}
	}
	d := &decoder{file: name, budget: aliasBudget(data)}
	rs := &Resources{ByFlag: map[string][]Resource{}, file: name, at: map[string]*yaml.Node{}}
	d.fields(doc.Content[0], "the resources file",
		field{"region", false, func(v *yaml.Node) {
			rs.Region = d.text(v, "region")
			if rs.Region == RegionInternational {
				d.problem(v, "name the country the server mostly serves, such as NZ, or leave `region:` out",
					"region is %q, not a country", rs.Region)
			} else if rs.Region != "" {
				d.checkRegion(v, rs.Region, "region")
			}
		}},
		field{"support", true, func(v *yaml.Node) {
			d.pairs(v, "support", func(k, v *yaml.Node) {
				id := d.slug(k, "support flag id")
				rs.at[id] = k
				what := fmt.Sprintf("support flag %q", id)
				d.list(v, what+" resources", true, func(j int, n *yaml.Node) {
					r := d.resource(n, nameBy(n, "name", "resource", j)+" of "+what)
					if r.Region == "" && n.Kind == yaml.MappingNode {
						d.problem(n, "add `region:`, the country it serves (or \"international\"): it replaces the quiz's resources for that region",
							"%s of %s has no region", nameBy(n, "name", "resource", j), what)
					}
					rs.ByFlag[id] = append(rs.ByFlag[id], r)
				})
			})
		}},
	)
	if len(d.problems) > 0 {
		d.problems.sort()
		return nil, d.problems
	}
	return rs, nil
}
