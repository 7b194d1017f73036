package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Backup writes a consistent copy of the database to path while the server
// keeps running: VACUUM INTO reads one snapshot, so writes that commit
// during the copy are either wholly in it or wholly not. The copy is a
// plain database file (no write-ahead log) that Open can use as it is,
// readable and writable by its owner only (0600). It refuses to overwrite
// an existing file.
func (db *DB) Backup(ctx context.Context, path string) error {
	// The file is made empty first, 0600 and only if the name is free;
	// VACUUM INTO fills an empty file, and would create a new one 0644
	// less the umask.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new name", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	// The read pool is query-only; VACUUM INTO writes only the new file,
	// but SQLite counts it as a write, so it runs on the writer.
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path) // empty or half written, and ours
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
