// Package quizzes embeds the questionnaires shipped with Tandem. The server
// serves these unless -quizzes names a folder to read instead.
package quizzes

import "embed"

// FS holds the shipped quiz files at its top level.
//
//go:embed *.yaml
var FS embed.FS
