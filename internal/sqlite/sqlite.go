// Package sqlite stores attempts in a SQLite file. It keeps two pools, as
// SQLite wants: one connection that writes, with immediate transactions so
// writers queue instead of failing, and a pool of read-only connections.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/migrations"
)

// DB is the Tandem database.
type DB struct {
	write *sql.DB
	read  *sql.DB
	log   *slog.Logger
	// bg is the background scrub (see scrub.go), which runs until Close
	// cancels bgCtx with stop.
	bg     sync.WaitGroup
	bgCtx  context.Context
	stop   context.CancelFunc
	scrubs scrubber
	// Now is the clock; tests replace it to make times exact.
	Now func() time.Time
}

// An Option changes how Open opens the database.
type Option func(*DB)

// WithLogger sets where the store reports what it does on its own: a
// scrub of the write-ahead log that failed and is being retried, a file
// whose mode it tightened. It never logs what is stored. Without this
// option it logs to slog.Default().
func WithLogger(log *slog.Logger) Option {
	return func(db *DB) { db.log = log }
}

// Pragmas go in the DSN so that every pooled connection gets them: WAL so
// readers never block the writer, synchronous=FULL so an answer we said
// was saved survives a power cut, and secure_delete so deleted answers are
// overwritten rather than left readable in free pages.
const pragmas = "_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_foreign_keys=on&_secure_delete=on&_stmt_cache_size=64"

// Open opens the database at path, creating it and its folders when
// missing, and applies any migrations it has not seen yet. The folders it
// creates are 0700 and the files 0600, whatever the umask, and it
// tightens existing files that other users could read. It finishes any
// scrub of the write-ahead log left due (see inDeleteTx), or leaves it to
// retry in the background.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	db := &DB{Now: time.Now, log: slog.Default(), scrubs: newScrubber()}
	for _, opt := range opts {
		opt(db)
	}
	if err := db.ownerOnly(path); err != nil {
		return nil, err
	}
	file := "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	write, err := sql.Open("sqlite3", file+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite3", file+"?"+pragmas+"&_query_only=true")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db.write, db.read = write, read
	db.bgCtx, db.stop = context.WithCancel(context.Background())
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// SQLite has made the -wal and -shm by now, with the database's mode.
	if err := db.tighten(path); err != nil {
		db.Close()
		return nil, err
	}
	db.bg.Go(db.scrubInBackground)
	db.scrubOrRetry(ctx, "a scrub of the write-ahead log due from before failed; retrying in the background")
	return db, nil
}

// ownerOnly creates the database's folder (0700) and an empty database
// file (0600) before SQLite does: SQLite would create the file 0644 less
// the umask, and gives the -wal and -shm files it makes the database
// file's mode. An existing file that others may read is tightened.
func (db *DB) ownerOnly(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create database folder: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// An empty file is an empty database to SQLite.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			err = f.Close()
		}
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create database: %w", err)
		}
	}
	return db.tighten(path)
}

// tighten takes every permission but its owner's read and write from the
// database file, its -wal and its -shm, where they exist: a file made by
// an older version, or copied in, may be readable by others. Windows
// keeps access rules apart from these modes, so there it does nothing.
func (db *DB) tighten(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		was := info.Mode().Perm()
		if was&^0o600 == 0 {
			continue
		}
		if err := os.Chmod(name, was&0o600); err != nil {
			return fmt.Errorf("make %s readable by its owner only: %w", name, err)
		}
		db.log.Warn("database file was open to other users; made it its owner's only",
			"file", name, "mode_was", was.String())
	}
	return nil
}

// Close stops the background scrub, then closes both pools. The WAL is
// checkpointed when the last connection closes, so a cleanly closed
// database is one file again; a scrub still due is done at the next Open.
func (db *DB) Close() error {
	db.stop()
	db.bg.Wait()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		body, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, db.now())
		return err
	})
}

// inTx runs fn in one write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return storageError(err)
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(tx); err != nil {
		return storageError(err)
	}
	return storageError(tx.Commit())
}

// storageError marks the errors that mean "cannot write now" (a full disk,
// a read-only file) as EUNAVAILABLE, so the person is told to try again
// later instead of seeing a failure; the transaction was rolled back.
func storageError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrIoErr, sqlite3.ErrBusy:
			return errors.Join(tandem.Errorf(tandem.EUNAVAILABLE, "storage cannot take writes"), err)
		}
	}
	return err
}

// timeFormat is fixed-width, so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000Z"

func (db *DB) now() string { return formatTime(db.Now()) }

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }
