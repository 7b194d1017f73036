package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPragmas checks the settings on several connections of each pool:
// set by Exec they would reach only one pooled connection.
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	defer db.Close()

	pragma := func(c *sql.Conn, name string) int {
		var v int
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v))
		return v
	}
	var readers []*sql.Conn
	for range 3 {
		c, err := db.read.Conn(ctx) // held, so the next one is a new connection
		require.NoError(t, err)
		readers = append(readers, c)
	}
	writer, err := db.write.Conn(ctx)
	require.NoError(t, err)
	for i, c := range append(readers, writer) {
		assert.Equal(t, 2, pragma(c, "synchronous"), "FULL on connection %d", i)
		assert.Equal(t, 1, pragma(c, "foreign_keys"), "connection %d", i)
		assert.Equal(t, 5000, pragma(c, "busy_timeout"), "connection %d", i)
		assert.Equal(t, 1, pragma(c, "secure_delete"), "connection %d", i)
	}
	for i, c := range readers {
		assert.Equal(t, 1, pragma(c, "query_only"), "reader %d cannot write", i)
	}
	assert.Equal(t, 0, pragma(writer, "query_only"))
	for _, c := range append(readers, writer) {
		require.NoError(t, c.Close())
	}
}
