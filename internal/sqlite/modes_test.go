//go:build unix

package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/testdisk"
)

// TestOpen_OwnerOnly: under the usual umask 022, with which SQLite would
// make its files 0644, the store makes its folders 0700 and its database,
// -wal, -shm and backups 0600, and tightens files left looser.
func TestOpen_OwnerOnly(t *testing.T) {
	testdisk.WithUmask(t, 0o022)
	ctx := context.Background()

	t.Run("NewFiles", func(t *testing.T) {
		root := t.TempDir()
		path := filepath.Join(root, "var", "tandem", "t.db")
		db, logs := openLogged(t, path)
		for _, dir := range []string{filepath.Join(root, "var"), filepath.Dir(path)} {
			assert.Equal(t, os.FileMode(0o700), testdisk.Perm(t, dir), dir)
		}
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, name), name)
		}
		assert.Empty(t, logs.String(), "nothing to tighten in files the store made")

		backup := filepath.Join(root, "backup.db")
		require.NoError(t, db.Backup(ctx, backup))
		assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, backup))
		copied, err := Open(ctx, backup)
		require.NoError(t, err, "the backup is a database")
		require.NoError(t, copied.Close())

		err = db.Backup(ctx, backup)
		assert.ErrorContains(t, err, "already exists")
		_, err = os.Stat(backup)
		assert.NoError(t, err, "a refused backup leaves the file there alone")
	})

	t.Run("LooseFilesTightened", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "t.db")
		db, _ := openLogged(t, path)
		holdSnapshot(t, path)() // its connection keeps the -wal and -shm after Close
		require.NoError(t, db.Close())
		names := []string{path, path + "-wal", path + "-shm"}
		for _, name := range names {
			require.NoError(t, os.Chmod(name, 0o644))
		}

		_, logs := openLogged(t, path)
		for _, name := range names {
			assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, name), name)
			assert.Contains(t, logs.String(), "file="+name+" mode_was=-rw-r--r--")
		}
	})
}
