package views

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

type localizerKey struct{}

// language is a localizer with the catalogue language it resolves to.
type language struct {
	l   *i18n.Localizer
	tag string
}

// WithLocalizer returns a context whose pages speak l's language, tag
// being the catalogue language l picked (say "en").
func WithLocalizer(ctx context.Context, l *i18n.Localizer, tag string) context.Context {
	return context.WithValue(ctx, localizerKey{}, language{l, tag})
}

// T returns the catalogue message id in the page's language, filled with
// the key/value pairs in kv, for example T(ctx, "section.progress",
// "Number", 2, "Total", 7). A missing message shows as ⟦id⟧ so tests and
// people notice it instead of seeing a blank.
func T(ctx context.Context, id string, kv ...any) string {
	if len(kv) == 0 {
		return fixed(ctx, id)
	}
	return localize(ctx, &i18n.LocalizeConfig{MessageID: id, TemplateData: data(kv)})
}

// fixedMessages caches messages without data per catalogue language: most
// of a page's text, the same on every page. Its size is bounded by the
// catalogues: languages times messages.
var fixedMessages sync.Map // fixedKey -> string

type fixedKey struct{ tag, id string }

func fixed(ctx context.Context, id string) string {
	lang, _ := ctx.Value(localizerKey{}).(language)
	key := fixedKey{lang.tag, id}
	if s, ok := fixedMessages.Load(key); ok {
		return s.(string)
	}
	s := localize(ctx, &i18n.LocalizeConfig{MessageID: id})
	if lang.l != nil && !strings.HasPrefix(s, "⟦") {
		fixedMessages.Store(key, s)
	}
	return s
}

// N is T for messages whose wording depends on a count, which the message
// sees as .Count.
func N(ctx context.Context, id string, count int, kv ...any) string {
	d := data(kv)
	d["Count"] = count
	return localize(ctx, &i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

func data(kv []any) map[string]any {
	d := make(map[string]any, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			d[k] = kv[i+1]
		}
	}
	return d
}

func localize(ctx context.Context, cfg *i18n.LocalizeConfig) string {
	lang, _ := ctx.Value(localizerKey{}).(language)
	if lang.l == nil {
		return "⟦" + cfg.MessageID + "⟧"
	}
	s, err := lang.l.Localize(cfg)
	if err != nil {
		slog.WarnContext(ctx, "message missing from the catalogue", "id", cfg.MessageID, "err", err)
		return "⟦" + cfg.MessageID + "⟧"
	}
	return s
}

type assetsKey struct{}

// WithAssets returns a context in which Asset resolves static file names
// through urls (name -> URL under its content hash).
func WithAssets(ctx context.Context, urls map[string]string) context.Context {
	return context.WithValue(ctx, assetsKey{}, urls)
}

// Asset returns the URL of the static file name.
func Asset(ctx context.Context, name string) string {
	urls, _ := ctx.Value(assetsKey{}).(map[string]string)
	if u, ok := urls[name]; ok {
		return u
	}
	return "/static/" + name
}
