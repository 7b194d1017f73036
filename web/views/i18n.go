package views

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	yaml "go.yaml.in/yaml/v4"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Messages is the interface text of every language, read once when the
// server starts and resolved into plain text with placeholders, so that a
// page looks each message up instead of running a template for it. The
// files are go-i18n message files (one per language, named by its tag,
// with `one`, `other`... forms for messages that depend on a number);
// placeholders are written {{.Name}}, and nothing else of text/template is
// allowed.
type Messages struct {
	byTag    map[string]*Language
	tags     []language.Tag
	matcher  language.Matcher
	fallback *Language // the first language, English; its messages fill the others' gaps
}

// Language is one language's messages.
type Language struct {
	Tag      string // the catalogue's BCP 47 tag, such as "en"
	tag      language.Tag
	messages map[string]*message
	fallback *Language
}

// message is one message, by plural form; plain messages have only Other.
type message struct {
	forms [plural.Many + 1]text // indexed by plural.Form
}

// text is a message resolved: literal runs and placeholders in order.
type text []part

type part struct {
	literal string
	name    string // a placeholder's name when not empty
}

// LoadMessages reads every catalogue at the top of fsys. The catalogue
// named first is the fallback: a page asks for the language the person's
// browser prefers among those there are, and falls back to it.
func LoadMessages(fsys fs.FS, first string) (*Messages, error) {
	unmarshal := map[string]i18n.UnmarshalFunc{"yaml": func(data []byte, v any) error { return yaml.Load(data, v) }}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	names := []string{first}
	for _, e := range entries {
		if e.Name() != first && path.Ext(e.Name()) == ".yaml" {
			names = append(names, e.Name())
		}
	}
	m := &Messages{byTag: map[string]*Language{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("message catalogue %s: %w", name, err)
		}
		file, err := i18n.ParseMessageFileBytes(data, name, unmarshal)
		if err != nil {
			return nil, fmt.Errorf("message catalogue %s: %w", name, err)
		}
		lang := &Language{Tag: file.Tag.String(), tag: file.Tag, messages: map[string]*message{}, fallback: m.fallback}
		for _, msg := range file.Messages {
			c, err := compileMessage(msg)
			if err != nil {
				return nil, fmt.Errorf("message catalogue %s: %s: %w", name, msg.ID, err)
			}
			lang.messages[msg.ID] = c
		}
		if m.fallback == nil {
			m.fallback = lang
		}
		m.byTag[lang.Tag] = lang
		m.tags = append(m.tags, file.Tag)
	}
	m.matcher = language.NewMatcher(m.tags)
	return m, nil
}

// Match returns the language that suits an Accept-Language header best:
// the fallback for a header that names none of them, or does not parse.
func (m *Messages) Match(acceptLanguage string) *Language {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return m.fallback
	}
	_, i, confidence := m.matcher.Match(prefs...)
	if confidence == language.No {
		return m.fallback
	}
	return m.byTag[m.tags[i].String()]
}

// compileMessage resolves every form of a message.
func compileMessage(msg *i18n.Message) (*message, error) {
	c := &message{}
	forms := []struct {
		form plural.Form
		s    string
	}{
		{plural.Zero, msg.Zero}, {plural.One, msg.One}, {plural.Two, msg.Two},
		{plural.Few, msg.Few}, {plural.Many, msg.Many}, {plural.Other, msg.Other},
	}
	for _, f := range forms {
		if f.s == "" {
			continue
		}
		t, err := compileText(f.s)
		if err != nil {
			return nil, err
		}
		c.forms[f.form] = t
	}
	if c.forms[plural.Other] == nil {
		return nil, fmt.Errorf("the message has no `other` form")
	}
	return c, nil
}

// compileText splits s at its placeholders, {{.Name}}.
func compileText(s string) (text, error) {
	var t text
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			t = append(t, part{literal: s})
			break
		}
		if i > 0 {
			t = append(t, part{literal: s[:i]})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("%q has {{ without }}", s)
		}
		name := strings.TrimSpace(s[i+2 : i+j])
		if !strings.HasPrefix(name, ".") || !isPlaceholderName(name[1:]) {
			return nil, fmt.Errorf("%q: only placeholders such as {{.Name}} are allowed, not {{%s}}", s, name)
		}
		t = append(t, part{name: name[1:]})
		s = s[i+j+2:]
	}
	if t == nil {
		t = text{{literal: ""}}
	}
	return t, nil
}

func isPlaceholderName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// plain is the text of a message without placeholders, and whether it is
// one.
func (t text) plain() (string, bool) {
	if len(t) == 1 && t[0].name == "" {
		return t[0].literal, true
	}
	return "", false
}

// fill writes t with the placeholders taken from kv, name and value in
// turn.
func (t text) fill(kv []any) string {
	if s, ok := t.plain(); ok {
		return s
	}
	var b strings.Builder
	for _, p := range t {
		if p.name == "" {
			b.WriteString(p.literal)
			continue
		}
		b.WriteString(value(p.name, kv))
	}
	return b.String()
}

// value formats the value named name in kv as text/template would print
// it; a name kv lacks prints as text/template prints a missing key.
func value(name string, kv []any) string {
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); !ok || k != name {
			continue
		}
		switch v := kv[i+1].(type) {
		case string:
			return v
		case int:
			return strconv.Itoa(v)
		case int64:
			return strconv.FormatInt(v, 10)
		default:
			return fmt.Sprint(v)
		}
	}
	return "<no value>"
}

// find returns the message id in l, or in the languages it falls back on.
func (l *Language) find(id string) *message {
	for ; l != nil; l = l.fallback {
		if m, ok := l.messages[id]; ok {
			return m
		}
	}
	return nil
}

// pageKey is the context key of what every page needs: its language and
// the static files' URLs.
type pageKey struct{}

type page struct {
	lang    *Language
	assets  map[string]string
	exitURL string
	holds   bool
}

// PageSettings is what every page of a request needs besides its own view
// model.
type PageSettings struct {
	Language *Language
	Assets   map[string]string // static file name -> URL under its content hash
	ExitURL  string            // where "leave quickly" goes
	// HoldsSomething: the browser holds something "Forget this device"
	// clears (a person's page, an unfinished attempt, a result just
	// finished), so every page offers it.
	HoldsSomething bool
}

// WithPage returns a context whose pages use the settings.
func WithPage(ctx context.Context, ps PageSettings) context.Context {
	return context.WithValue(ctx, pageKey{}, &page{lang: ps.Language, assets: ps.Assets, exitURL: ps.ExitURL, holds: ps.HoldsSomething})
}

// ExitURL is where the page's "leave quickly" link goes.
func ExitURL(ctx context.Context) string {
	if u := pageOf(ctx).exitURL; u != "" {
		return u
	}
	return DefaultExitURL
}

// DefaultExitURL is a neutral site that "leave quickly" opens when the
// server is not told another.
const DefaultExitURL = "https://www.wikipedia.org/"

// HoldsSomething reports whether the browser holds something to forget.
func HoldsSomething(ctx context.Context) bool { return pageOf(ctx).holds }

func pageOf(ctx context.Context) *page {
	p, _ := ctx.Value(pageKey{}).(*page)
	if p == nil {
		return &page{}
	}
	return p
}

// T returns the catalogue message id in the page's language, filled with
// the key/value pairs in kv, for example T(ctx, "section.progress",
// "Number", 2, "Total", 7). A missing message shows as ⟦id⟧ so tests and
// people notice it instead of seeing a blank.
func T(ctx context.Context, id string, kv ...any) string {
	m := pageOf(ctx).lang.find(id)
	if m == nil {
		return missing(ctx, id)
	}
	return m.forms[plural.Other].fill(kv)
}

// N is T for messages whose wording depends on a count, which the message
// sees as .Count; the form is chosen by the language's plural rules.
func N(ctx context.Context, id string, count int, kv ...any) string {
	lang := pageOf(ctx).lang
	m := lang.find(id)
	if m == nil { // also when there is no language at all
		return missing(ctx, id)
	}
	t := m.forms[plural.Cardinal.MatchPlural(lang.tag, count, 0, 0, 0, 0)]
	if t == nil {
		t = m.forms[plural.Other]
	}
	return t.fill(append(kv, "Count", count))
}

func missing(ctx context.Context, id string) string {
	slog.WarnContext(ctx, "message missing from the catalogue", "id", id)
	return "⟦" + id + "⟧"
}

// PageLanguage is the tag of the page's language, such as "en"; "" when
// there is none.
func PageLanguage(ctx context.Context) string {
	if l := pageOf(ctx).lang; l != nil {
		return l.Tag
	}
	return ""
}

// Asset returns the URL of the static file name.
func Asset(ctx context.Context, name string) string {
	if u, ok := pageOf(ctx).assets[name]; ok {
		return u
	}
	return "/static/" + name
}
