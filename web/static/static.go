// Package static embeds the stylesheet and icons the pages use.
package static

import "embed"

// FS holds the static files at its top level.
//
//go:embed *.css *.svg *.js
var FS embed.FS
