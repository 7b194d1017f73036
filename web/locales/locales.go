// Package locales embeds the message catalogues: every text of the
// interface, one file per language (en.yaml, ...), so that translating
// Tandem means adding a file.
package locales

import "embed"

// FS holds one catalogue per language, named by its BCP 47 tag.
//
//go:embed *.yaml
var FS embed.FS
