package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// choiceList writes an item's answers, each a radio button in its label:
//
//	<div class="choices choices-5" lang="LANG"><label class="choice"
//	for="q-ID-N"><input type="radio" id="q-ID-N" name="ID" value="V"
//	[ checked]> <span>LABEL</span></label>...</div>
//
// The class names the number of answers, so the stylesheet can lay them
// out in that many columns from the first paint on: a page drawn while it
// is still arriving then keeps each answer where it will stay.
//
// It is Go rather than templ because it is the inner loop of every page of
// questions (items times answers), where templ's handling of each
// attribute and text costs an allocation or two; it writes what the templ
// markup did, escaped the same way.
func choiceList(it ItemView, lang string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		sw, ok := w.(io.StringWriter)
		if !ok {
			sw = stringWriter{w}
		}
		e := &errWriter{w: sw}
		id := templ.EscapeString(it.ID)
		e.write(`<div class="choices choices-`, strconv.Itoa(len(it.Choices)), `" lang="`, templ.EscapeString(lang), `">`)
		for i, c := range it.Choices {
			n := strconv.Itoa(i)
			e.write(`<label class="choice" for="q-`, id, "-", n, `"><input type="radio" id="q-`, id, "-", n,
				`" name="`, id, `" value="`, templ.EscapeString(c.Value), `"`)
			if c.Checked {
				e.write(" checked")
			}
			e.write(`> <span>`, templ.EscapeString(c.Label), `</span></label>`)
		}
		e.write(`</div>`)
		return e.err
	})
}

// errWriter writes strings until one write fails, and keeps that error.
type errWriter struct {
	w   io.StringWriter
	err error
}

func (e *errWriter) write(parts ...string) {
	for _, s := range parts {
		if e.err == nil {
			_, e.err = e.w.WriteString(s)
		}
	}
}

type stringWriter struct{ io.Writer }

func (w stringWriter) WriteString(s string) (int, error) { return io.WriteString(w.Writer, s) }
