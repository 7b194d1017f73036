package sqlite

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path while the server
// keeps running: VACUUM INTO reads one snapshot, so writes that commit
// during the copy are either wholly in it or wholly not. The copy is a
// plain database file (no write-ahead log) that Open can use as it is. It
// refuses to overwrite an existing file.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new name", path)
	}
	// The read pool is query-only; VACUUM INTO writes only the new file,
	// but SQLite counts it as a write, so it runs on the writer.
	_, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
