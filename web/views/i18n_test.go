package views

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/web/locales"
)

func testMessages(t *testing.T, files map[string]string) *Messages {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	m, err := LoadMessages(fsys, "en.yaml")
	require.NoError(t, err)
	return m
}

func TestMessages_Fill(t *testing.T) {
	m := testMessages(t, map[string]string{"en.yaml": `
plain: Hello
one.placeholder: "Page {{.Page}} · Tandem"
two.placeholders: "{{.Number}} of {{.Total}}"
spaced: "{{ .Name }}!"
count:
  one: "{{.Count}} statement"
  other: "{{.Count}} statements"
`})
	ctx := WithPage(context.Background(), PageSettings{Language: m.Match("en")})
	tests := []struct {
		name, got, want string
	}{
		{"Plain", T(ctx, "plain"), "Hello"},
		{"OnePlaceholder", T(ctx, "one.placeholder", "Page", "Home"), "Page Home · Tandem"},
		{"Ints", T(ctx, "two.placeholders", "Number", 2, "Total", 7), "2 of 7"},
		{"SpacesInBraces", T(ctx, "spaced", "Name", "Ana"), "Ana!"},
		{"MissingValue", T(ctx, "one.placeholder"), "Page <no value> · Tandem"},
		{"PluralOne", N(ctx, "count", 1), "1 statement"},
		{"PluralOther", N(ctx, "count", 5), "5 statements"},
		{"PluralZero", N(ctx, "count", 0), "0 statements"},
		{"Missing", T(ctx, "no.such"), "⟦no.such⟧"},
		{"NoPage", T(context.Background(), "plain"), "⟦plain⟧"},
		{"NoPagePlural", N(context.Background(), "count", 2), "⟦count⟧"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.got) })
	}
}

// TestMessages_PluralRules: forms follow each language's CLDR rules, not
// English's: Polish says "few" for 2 to 4 and "many" for 5.
func TestMessages_PluralRules(t *testing.T) {
	m := testMessages(t, map[string]string{
		"en.yaml": "count:\n  one: \"{{.Count}} page\"\n  other: \"{{.Count}} pages\"\n",
		"pl.yaml": "count:\n  one: \"{{.Count}} strona\"\n  few: \"{{.Count}} strony\"\n  many: \"{{.Count}} stron\"\n  other: \"{{.Count}} strony*\"\n",
	})
	ctx := WithPage(context.Background(), PageSettings{Language: m.Match("pl")})
	assert.Equal(t, "1 strona", N(ctx, "count", 1))
	assert.Equal(t, "3 strony", N(ctx, "count", 3))
	assert.Equal(t, "5 stron", N(ctx, "count", 5))
	assert.Equal(t, "22 strony", N(ctx, "count", 22))
}

func TestMessages_Match(t *testing.T) {
	m := testMessages(t, map[string]string{
		"en.yaml": "lang: en\nonly.en: English only\n",
		"de.yaml": "lang: de\n",
	})
	tests := []struct{ header, want string }{
		{"", "en"},
		{"de", "de"},
		{"de-AT,de;q=0.9,en;q=0.5", "de"},
		{"fr-FR,fr;q=0.9", "en"},
		{"fr, de;q=0.5", "de"},
		{"not a header ;;;", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) { assert.Equal(t, tt.want, m.Match(tt.header).Tag) })
	}
	// A message a language lacks comes from the first one.
	ctx := WithPage(context.Background(), PageSettings{Language: m.Match("de")})
	assert.Equal(t, "English only", T(ctx, "only.en"))
}

func TestMessages_Refused(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"Function", `a: '{{printf "%d" .N}}'`, "only placeholders such as {{.Name}} are allowed"},
		{"Unclosed", `a: "{{.Name"`, "has {{ without }}"},
		{"Field of field", `a: "{{.A.B}}"`, "only placeholders"},
		{"NoOther", "a:\n  one: \"x\"\n", "no `other` form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadMessages(fstest.MapFS{"en.yaml": {Data: []byte(tt.text)}}, "en.yaml")
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestMessages_Shipped: the shipped catalogues load.
func TestMessages_Shipped(t *testing.T) {
	m, err := LoadMessages(locales.FS, "en.yaml")
	require.NoError(t, err)
	assert.Equal(t, "en", m.Match("").Tag)
}
