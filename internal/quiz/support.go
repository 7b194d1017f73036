package quiz

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// RegionInternational is the Region of a resource that serves every
// country.
const RegionInternational = "international"

// regionPattern is an ISO 3166-1 alpha-2 code as written: two capitals.
// Whether the code is assigned is not checked, except for UK, the one
// authors are likely to write for GB.
var regionPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// support reads the support flags. The items they list are recorded in st,
// to let those items go without keys and to be checked once every item is
// known.
func (d *decoder) support(n *yaml.Node, scale AnswerScale, st *quizState) []SupportFlag {
	var flags []SupportFlag
	flagAt := map[string]*yaml.Node{}
	d.list(n, "support", true, func(i int, v *yaml.Node) {
		var f SupportFlag
		what := name(v, "support flag", i)
		d.fields(v, what,
			field{"id", true, func(v *yaml.Node) {
				f.ID = d.slug(v, "support flag id")
				if first, dup := flagAt[f.ID]; dup && f.ID != "" {
					d.problem(v, "give each support flag its own id",
						"support flag id %q is used twice (first on line %d)", f.ID, first.Line)
				} else {
					flagAt[f.ID] = v
				}
			}},
			field{"title", true, func(v *yaml.Node) { f.Title = d.text(v, what+" title") }},
			field{"message", true, func(v *yaml.Node) { f.Message = d.text(v, what+" message") }},
			field{"resources", true, func(v *yaml.Node) {
				d.list(v, what+" resources", true, func(j int, r *yaml.Node) {
					f.Resources = append(f.Resources, d.resource(r, nameBy(r, "name", "resource", j)+" of "+what))
				})
			}},
			field{"items", true, func(v *yaml.Node) { f.Items = d.flagItems(v, what, st) }},
			field{"min", true, func(v *yaml.Node) {
				m, ok := d.integer(v, what+" min")
				if !ok {
					return
				}
				f.Min = m
				// Without a usable answer scale there is nothing to
				// compare with; its own problem is reported already.
				if st.scaleOK && !scale.Contains(m) {
					d.problem(v, fmt.Sprintf("give the lowest answer that calls for care, from %d to %d", scale.Min, scale.Max),
						"%s min is %d, outside the answer scale %d..%d", what, m, scale.Min, scale.Max)
				}
			}},
		)
		flags = append(flags, f)
	})
	return flags
}

// flagItems reads the items a support flag lists.
func (d *decoder) flagItems(n *yaml.Node, flag string, st *quizState) []string {
	var items []string
	at := map[string]*yaml.Node{}
	d.list(n, flag+" items", true, func(j int, v *yaml.Node) {
		id := d.text(v, fmt.Sprintf("item %d of %s", j+1, flag))
		if id == "" {
			return
		}
		if first, dup := at[id]; dup {
			d.problem(v, "keep one of them", "%s lists item %q twice (first on line %d)", flag, id, first.Line)
			return
		}
		at[id] = v
		st.flagged[id] = true
		st.itemRefs = append(st.itemRefs, itemRef{v, id, flag})
		items = append(items, id)
	})
	return items
}

// resource reads one resource of a support flag; what names it.
func (d *decoder) resource(n *yaml.Node, what string) Resource {
	var r Resource
	d.fields(n, what,
		field{"name", true, func(v *yaml.Node) { r.Name = d.text(v, what+" name") }},
		field{"url", true, func(v *yaml.Node) {
			if r.URL = d.text(v, what+" url"); r.URL != "" {
				d.checkURL(v, r.URL, what+" url")
			}
		}},
		field{"phone", false, func(v *yaml.Node) { r.Phone = d.text(v, what+" phone") }},
		field{"region", false, func(v *yaml.Node) {
			if r.Region = d.text(v, what+" region"); r.Region != "" {
				d.checkRegion(v, r.Region, what+" region")
			}
		}},
	)
	return r
}

// checkURL reports a url that is not a whole https address: a resource is
// a link a person in distress follows, so it must lead where it says.
func (d *decoder) checkURL(n *yaml.Node, s, what string) {
	u, err := url.Parse(s)
	switch {
	case err == nil && u.Scheme == "tel":
		d.problem(n, "give the number as `phone:`, and the https:// address of the helpline's page as url",
			"%s %q is a phone number, not a web address", what, s)
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		d.problem(n, "write the whole address, starting with https://, for example https://example.org/help",
			"%s %q is not a web address", what, s)
	case u.Scheme != "https":
		d.problem(n, "use the page's https:// address: Tandem links only to pages served securely",
			"%s %q is not https", what, s)
	}
}

// checkRegion reports a region that is neither an ISO 3166-1 alpha-2 code
// nor "international".
func (d *decoder) checkRegion(n *yaml.Node, s, what string) {
	if s == RegionInternational || (regionPattern.MatchString(s) && s != "UK") {
		return
	}
	fix := `use a two-letter country code in capitals (ISO 3166-1 alpha-2) such as GB or DE, or "international"`
	switch up := strings.ToUpper(s); {
	case up == "UK":
		// The one two-letter slip that capitals do not mend.
		fix = "write GB, the code ISO 3166-1 gives the United Kingdom"
	case regionPattern.MatchString(up):
		fix = fmt.Sprintf("write the country code in capitals: %s", up)
	case strings.EqualFold(s, RegionInternational):
		fix = `write it in lower case: "international"`
	}
	d.problem(n, fix, "%s %q is not a country code", what, s)
}

// checkItemRefs reports items that support flags list but the quiz does
// not have, once every item has been read.
func (d *decoder) checkItemRefs(st *quizState) {
	known := make([]string, 0, len(st.itemAt))
	for id := range st.itemAt {
		if id != "" {
			known = append(known, id)
		}
	}
	// Sorted, since a map's order would make ties vary.
	sort.Strings(known)
	fixes := map[string]string{} // unknown id -> its fix
	for _, r := range st.itemRefs {
		if _, ok := st.itemAt[r.id]; ok {
			continue
		}
		fix, ok := fixes[r.id]
		if !ok {
			fix = "use the id of one of the quiz's items, as written after `- id:` under `items`"
			if len(fixes) < maxSuggestions {
				if best := closest(r.id, known); best != "" {
					fix = fmt.Sprintf("did you mean %q?", best)
				}
			}
			fixes[r.id] = fix
		}
		d.problem(r.at, fix, "item %q in the items of %s is not in the quiz", r.id, r.what)
	}
}

// maxSuggestions bounds how many unknown items get a "did you mean": each
// is compared with every item, and a broken file can name thousands, which
// would take minutes to read.
const maxSuggestions = 20
