package views

import (
	"context"
	"log/slog"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

type localizerKey struct{}

// WithLocalizer returns a context whose pages speak l's language.
func WithLocalizer(ctx context.Context, l *i18n.Localizer) context.Context {
	return context.WithValue(ctx, localizerKey{}, l)
}

// T returns the catalogue message id in the page's language, filled with
// the key/value pairs in kv, for example T(ctx, "section.progress",
// "Number", 2, "Total", 7). A missing message shows as ⟦id⟧ so tests and
// people notice it instead of seeing a blank.
func T(ctx context.Context, id string, kv ...any) string {
	return localize(ctx, &i18n.LocalizeConfig{MessageID: id, TemplateData: data(kv)})
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
	l, _ := ctx.Value(localizerKey{}).(*i18n.Localizer)
	if l == nil {
		return "⟦" + cfg.MessageID + "⟧"
	}
	s, err := l.Localize(cfg)
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
