package web

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/web/views"
)

// supportViews are the support flags an attempt's answers raise, each with
// its message and resources (the operator's in place of the quiz's, for
// the regions they name): those of the person's own region first (as
// their browser's language says, such as en-GB, or else the operator's
// region), then those for anywhere, each in the file's order; the other
// regions' come under them, folded.
func (s *Server) supportViews(r *http.Request, q *quiz.Quiz, answers scoring.Answers) []views.SupportView {
	raised := scoring.RaisedSupport(q, answers)
	if len(raised) == 0 {
		return nil
	}
	page := views.PageLanguage(r.Context())
	region := preferredRegion(r)
	if region == "" && s.resources != nil {
		region = s.resources.Region
	}
	var out []views.SupportView
	for _, id := range raised {
		f, _ := q.SupportByID(id)
		v := views.SupportView{ID: f.ID, Title: f.Title, Paragraphs: paragraphs(f.Message)}
		type ranked struct {
			rank int
			view views.ResourceView
		}
		all := s.resources.For(f)
		resources := make([]ranked, len(all))
		for i, res := range all {
			rv := views.ResourceView{Name: res.Name, URL: res.URL, Phone: res.Phone, TelURL: telURL(res.Phone)}
			rank := 2
			switch res.Region {
			case "":
				rank = 1 // a resource for no region in particular
			case region:
				rank = 0
				rv.Region = regionName(page, res.Region)
			case quiz.RegionInternational:
				rank = 1
				rv.Region = views.T(r.Context(), "support.anywhere")
			default:
				rv.Region = regionName(page, res.Region)
			}
			resources[i] = ranked{rank, rv}
		}
		slices.SortStableFunc(resources, func(a, b ranked) int { return a.rank - b.rank })
		for _, res := range resources {
			if res.rank < 2 {
				v.Resources = append(v.Resources, res.view)
			} else {
				v.Elsewhere = append(v.Elsewhere, res.view)
			}
		}
		out = append(out, v)
	}
	return out
}

// regionName is a country's name in a page language, or its code when it
// has none. Names are looked up once per language and country.
func regionName(lang, code string) string {
	key := lang + " " + code
	if name, ok := regionNames.Load(key); ok {
		return name.(string)
	}
	name := code
	if reg, err := language.ParseRegion(code); err == nil {
		if n := display.Regions(language.Make(lang)).Name(reg); n != "" {
			name = n
		}
	}
	regionNames.Store(key, name)
	return name
}

// regionNames holds the names looked up so far: languages times the
// regions the quiz files name.
var regionNames sync.Map // "lang code" -> name

// preferredRegion is the region the person's browser names in its first
// language, such as GB for en-GB; "" when it names none.
func preferredRegion(r *http.Request) string {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return ""
	}
	if reg, confidence := tags[0].Region(); confidence == language.Exact {
		return reg.String()
	}
	return ""
}

// telURL makes a phone number as written ("0808 2000 247", "1-800-799-7233")
// into a tel: link of its digits, with a leading + kept; "" for none.
func telURL(phone string) string {
	var b strings.Builder
	for i, c := range phone {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "tel:" + b.String()
}
