package web

import (
	"bytes"
	"compress/gzip"
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
	gz   []byte // compressed once at start, not on every request
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
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(data)
		if err := zw.Close(); err != nil {
			return err
		}
		a.urls[name] = "/static/" + hashed
		a.files[hashed] = asset{data: data, gz: gz.Bytes(), etag: `"` + hash + `"`}
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
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := f.data
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip") // the compression middleware leaves it be
		h.Set("ETag", `W/`+f.etag)
		body = f.gz
	} else {
		h.Set("ETag", f.etag)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	return nil
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// without refusing it (q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			return strings.ReplaceAll(q, " ", "") != "q=0"
		}
	}
	return false
}
