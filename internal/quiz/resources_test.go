package quiz_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/quizzes"
)

// nzResources is an operator's file for New Zealand: a line of its own
// and one in place of the quiz's international directory.
const nzResources = `region: NZ
support:
  safety:
    - name: Women's Refuge
      url: https://womensrefuge.org.nz
      phone: "0800 733 843"
      region: NZ
    - name: A directory we trust
      url: https://example.org/directory
      region: international
`

func TestParseResources(t *testing.T) {
	rs, err := quiz.ParseResources("nz.yaml", []byte(nzResources))
	require.NoError(t, err)
	assert.Equal(t, "NZ", rs.Region)
	require.Len(t, rs.ByFlag["safety"], 2)
	assert.Equal(t, quiz.Resource{Name: "Women's Refuge", URL: "https://womensrefuge.org.nz",
		Phone: "0800 733 843", Region: "NZ"}, rs.ByFlag["safety"][0])

	flag := quiz.SupportFlag{ID: "safety", Resources: []quiz.Resource{
		{Name: "Directory", URL: "https://findahelpline.com", Region: "international"},
		{Name: "UK line", URL: "https://example.org/gb", Region: "GB"},
		{Name: "NZ line", URL: "https://example.org/nz", Region: "NZ"},
		{Name: "Anyone", URL: "https://example.org/any"},
	}}
	var names []string
	for _, r := range rs.For(flag) {
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"UK line", "Anyone", "Women's Refuge", "A directory we trust"}, names,
		"the regions the file names are replaced; the others stay, in order")

	other := quiz.SupportFlag{ID: "self-harm", Resources: flag.Resources}
	assert.Equal(t, flag.Resources, rs.For(other), "a flag the file does not name keeps its own")
	var none *quiz.Resources
	assert.Equal(t, flag.Resources, none.For(flag), "without a file, the quiz's own")
}

func TestParseResources_Problems(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		want       []string
	}{
		{"NoRegion", "support:\n  safety:\n    - {name: Line, url: \"https://example.org\"}\n",
			[]string{`r.yaml:3:7: resource "Line" of support flag "safety" has no region — add ` + "`region:`" +
				`, the country it serves (or "international"): it replaces the quiz's resources for that region`}},
		{"NotHTTPS", "support:\n  safety:\n    - {name: Line, url: \"http://example.org\", region: NZ}\n",
			[]string{`r.yaml:3:25: resource "Line" of support flag "safety" url "http://example.org" is not https — ` +
				`use the page's https:// address: Tandem links only to pages served securely`}},
		{"ServerRegionInternational", "region: international\nsupport:\n  safety:\n    - {name: L, url: \"https://e.org\", region: NZ}\n",
			[]string{`r.yaml:1:9: region is "international", not a country — name the country the server mostly serves, such as NZ, or leave ` +
				"`region:`" + ` out`}},
		{"UK", "region: UK\nsupport:\n  safety:\n    - {name: L, url: \"https://e.org\", region: uk}\n",
			[]string{
				`r.yaml:1:9: region "UK" is not a country code — write GB, the code ISO 3166-1 gives the United Kingdom`,
				`r.yaml:4:47: resource "L" of support flag "safety" region "uk" is not a country code — write GB, the code ISO 3166-1 gives the United Kingdom`,
			}},
		{"NoSupport", "region: NZ\n", []string{"r.yaml:1:1: the resources file has no \"support\" — add `support:` to it"}},
		{"EmptyList", "support:\n  safety: []\n", []string{`r.yaml:2:11: support flag "safety" resources is empty — add at least one entry`}},
		{"UnknownKey", "support:\n  safety:\n    - {name: L, url: \"https://e.org\", region: NZ, tel: \"1\"}\n",
			[]string{`r.yaml:3:51: unknown key "tel" in resource "L" of support flag "safety" — did you mean "url"?`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := quiz.ParseResources("r.yaml", []byte(tt.file))
			assert.Nil(t, rs)
			var ps quiz.Problems
			require.ErrorAs(t, err, &ps)
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResources_Check(t *testing.T) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(t, err)

	rs, err := quiz.ParseResources("nz.yaml", []byte(nzResources))
	require.NoError(t, err)
	assert.NoError(t, rs.Check(qs), "the shipped quizzes have a safety flag")

	typo, err := quiz.ParseResources("nz.yaml", []byte("support:\n  self-ham:\n    - {name: L, url: \"https://e.org\", region: NZ}\n"))
	require.NoError(t, err)
	err = typo.Check(qs)
	var ps quiz.Problems
	require.ErrorAs(t, err, &ps)
	assert.Equal(t, `nz.yaml:2:3: no quiz has a support flag "self-ham" — did you mean "self-harm"?`, err.Error())
}
