//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/testdisk"
)

// TestRun_OwnerOnlyFiles: started under umask 022, the server sets its
// own to 077 and creates its folders 0700 and the database, its -wal and
// -shm and the key file 0600; tandem backup writes a 0600 copy.
func TestRun_OwnerOnlyFiles(t *testing.T) {
	testdisk.WithUmask(t, 0o022)
	root := t.TempDir()
	key := filepath.Join(root, "keys", "links", "tandem.key")
	_, db := startServer(t, "-key-file", key)

	mask := syscall.Umask(0o077)
	syscall.Umask(mask)
	assert.Equal(t, 0o077, mask, "the server's umask")
	sub := filepath.Dir(filepath.Dir(db)) // startServer's sub/dir, made by the server
	for _, dir := range []string{sub, filepath.Dir(db), filepath.Join(root, "keys"), filepath.Dir(key)} {
		assert.Equal(t, os.FileMode(0o700), testdisk.Perm(t, dir), dir)
	}
	for _, name := range []string{db, db + "-wal", db + "-shm", key} {
		assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, name), name)
	}

	testdisk.WithUmask(t, 0o022)
	backup := filepath.Join(root, "backup.db")
	var out, errOut syncBuffer
	require.NoError(t, run(context.Background(), []string{"backup", "-db", db, backup}, env(nil), &out, &errOut), errOut.String())
	assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, backup))
}

// TestLoadKey_OwnerOnly: the key and the folders made for it are its
// owner's only, whatever the umask.
func TestLoadKey_OwnerOnly(t *testing.T) {
	testdisk.WithUmask(t, 0o022)
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "tandem.key")
	_, err := loadKey(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), testdisk.Perm(t, filepath.Join(root, "a")))
	assert.Equal(t, os.FileMode(0o700), testdisk.Perm(t, filepath.Dir(path)))
	assert.Equal(t, os.FileMode(0o600), testdisk.Perm(t, path))
}
