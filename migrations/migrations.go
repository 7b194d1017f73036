// Package migrations embeds the numbered SQL files that build the database.
// They are applied in name order, each once, each in its own transaction;
// they only ever move forward.
package migrations

import "embed"

// FS holds the migration files at its top level.
//
//go:embed *.sql
var FS embed.FS
