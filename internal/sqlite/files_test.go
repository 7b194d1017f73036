package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers for the tests that look at the store's files and its log.

// logBuffer collects a store's log lines; the background may write to it
// while the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// openLogged opens the database at path with its log in the buffer
// returned, and opts; Cleanup closes it (again).
func openLogged(tb testing.TB, path string, opts ...Option) (*DB, *logBuffer) {
	tb.Helper()
	logs := &logBuffer{}
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(logs, nil)))}, opts...)
	db, err := Open(context.Background(), path, opts...)
	require.NoError(tb, err)
	tb.Cleanup(func() { db.Close() })
	return db, logs
}

// holdSnapshot opens the file at path apart from the store and begins a
// read there, on the snapshot of now, which keeps a truncating checkpoint
// from finishing until release. The connection stays open until the test
// ends, so the store's Close is not the last one: the -wal and -shm
// files stay, and nothing is checkpointed when it closes.
func holdSnapshot(tb testing.TB, path string) (release func()) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	require.NoError(tb, err)
	tb.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	tx, err := raw.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	require.NoError(tb, err)
	var n int
	require.NoError(tb, tx.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&n))
	return func() { require.NoError(tb, tx.Rollback()) }
}
