package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/web/static"
)

// assets serves the embedded static files under names that carry a hash
// of their content, so browsers may cache them for a year: a changed file
// gets a new name.
type assets struct {
	urls  map[string]string // "tandem.css" -> "/static/tandem.3f2a1b0c9d8e.css"
	files map[string]asset  // "tandem.3f2a1b0c9d8e.css" -> content
}

type asset struct {
	data []byte
	etag string
}

func loadAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(static.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) == ".go" {
			return err
		}
		data, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		a.urls[name] = "/static/" + hashed
		a.files[hashed] = asset{data: data, etag: `"` + hash + `"`}
		return nil
	})
	return a, err
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "file")
	f, ok := a.files[name]
	if !ok {
		return errNotFound
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	return nil
}
