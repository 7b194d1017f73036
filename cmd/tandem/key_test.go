package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadKey(t *testing.T) {
	t.Run("MadeOnceThenKept", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "data", "tandem.key")
		key, err := loadKey(path)
		require.NoError(t, err)
		assert.Len(t, key, keyBytes)
		info, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "readable by the server's user only")
		again, err := loadKey(path)
		require.NoError(t, err)
		assert.Equal(t, key, again, "the same key on the next start")
		other, err := loadKey(filepath.Join(t.TempDir(), "tandem.key"))
		require.NoError(t, err)
		assert.NotEqual(t, key, other, "each server makes its own")
	})
	t.Run("Malformed", func(t *testing.T) {
		for name, body := range map[string]string{"short": "abcd\n", "not hex": "zz" + string(make([]byte, 62)), "empty": ""} {
			path := filepath.Join(t.TempDir(), "tandem.key")
			require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
			_, err := loadKey(path)
			require.Error(t, err, name)
			assert.Contains(t, err.Error(), "64 hex digits", name)
		}
	})
}

// TestRun_KeyFile: the server makes its link key beside the database, or
// where -key-file says.
func TestRun_KeyFile(t *testing.T) {
	_, db := startServer(t)
	_, err := os.Stat(filepath.Join(filepath.Dir(db), "tandem.key"))
	assert.NoError(t, err, "beside the database")
	elsewhere := filepath.Join(t.TempDir(), "keys", "links.key")
	startServer(t, "-key-file", elsewhere)
	_, err = os.Stat(elsewhere)
	assert.NoError(t, err, "where -key-file says")
}

// TestLoadKey_Concurrent: servers starting at once agree on one key, and
// none sees a half-written file.
func TestLoadKey_Concurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tandem.key")
	keys := make(chan []byte, 8)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			k, err := loadKey(path)
			keys <- k
			errs <- err
		}()
	}
	var first []byte
	for range 8 {
		require.NoError(t, <-errs)
		k := <-keys
		if first == nil {
			first = k
		}
		assert.Equal(t, first, k)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left")
}
