package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/tandem"
)

// The scrub tests look for what was deleted in the files themselves, the
// database and its write-ahead log, byte for byte.

// withScrubBackoff makes the background retry quick, for tests.
func withScrubBackoff(first, longest time.Duration) Option {
	return func(db *DB) { db.scrubs.min, db.scrubs.max = first, longest }
}

// scrubOpen opens the database at path with a quick background retry and
// its log in the buffer returned; Cleanup closes it (again).
func scrubOpen(tb testing.TB, path string) (*DB, *logBuffer) {
	tb.Helper()
	return openLogged(tb, path, withScrubBackoff(5*time.Millisecond, 50*time.Millisecond))
}

// scrubQuiz returns a quiz whose item ids are long and unlike anything
// else in the files, so that finding one there finds a stored answer, and
// those ids. The YAML writes each id with its first letter escaped (\x7a
// is z), so the quiz's own text, which the database keeps, never holds an
// id whole.
func scrubQuiz(tb testing.TB) (*quiz.Quiz, [][]byte) {
	tb.Helper()
	mark := "zq" + hex.EncodeToString(randomBytes(8))
	var items strings.Builder
	var ids [][]byte
	for i := range 4 {
		id := fmt.Sprintf("%s-item-%d", mark, i+1)
		ids = append(ids, []byte(id))
		fmt.Fprintf(&items, "      - {id: \"\\x7a%s\", text: Statement %d, keys: {one: 1}}\n", id[1:], i+1)
	}
	src := `id: scrub
version: 1
title: Scrub
scale: {min: 1, max: 5, labels: [a, b, c, d, e]}
scales:
  - {id: one, name: One}
sections:
  - id: s1
    title: S1
    items:
` + items.String() + `results:
  - {id: any, title: Any, summary: Any}
`
	q, err := quiz.Parse("scrub.yaml", []byte(src))
	require.NoError(tb, err)
	for _, id := range ids {
		require.NotContains(tb, string(q.Source), string(id), "the quiz's text holds no id whole")
	}
	return q, ids
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// seedAttempts creates, in one transaction, n attempts at q with every
// item answered, completed for the person with personHash when it is not
// nil (unfinished otherwise), and returns the attempts' token hashes.
func seedAttempts(tb testing.TB, db *DB, q *quiz.Quiz, n int, personHash []byte) [][]byte {
	tb.Helper()
	ctx := context.Background()
	var hashes [][]byte
	require.NoError(tb, db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var person sql.NullInt64
		if personHash != nil {
			if err := tx.QueryRowContext(ctx, `INSERT INTO people (token_hash, created_at) VALUES (?, ?)
				ON CONFLICT (token_hash) DO UPDATE SET token_hash = excluded.token_hash RETURNING id`,
				personHash, now).Scan(&person); err != nil {
				return err
			}
		}
		status, completed, result := "in_progress", sql.NullString{}, sql.NullString{}
		if person.Valid {
			status, completed, result = "completed", sql.NullString{String: now, Valid: true}, sql.NullString{String: "any", Valid: true}
		}
		for range n {
			h := tandem.HashToken(tandem.NewToken())
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO attempts (token_hash, quiz_id, quiz_version, quiz_hash,
				status, created_at, updated_at, completed_at, result_id, person_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				h, q.ID, q.Version, q.Hash, status, now, now, completed, result, person).Scan(&id); err != nil {
				return err
			}
			for _, it := range q.Items() {
				if _, err := tx.ExecContext(ctx, `INSERT INTO answers (attempt_id, item_id, value) VALUES (?, ?, ?)`,
					id, it.ID, q.Scale.Min+1); err != nil {
					return err
				}
			}
			hashes = append(hashes, h)
		}
		return nil
	}))
	return hashes
}

// personID is the id of the person with the token hash given.
func personID(tb testing.TB, db *DB, hash []byte) int64 {
	tb.Helper()
	p, err := db.FindPersonByToken(context.Background(), hash)
	require.NoError(tb, err)
	return p.ID
}

// inFiles returns those of secrets that the database file or its
// write-ahead log holds, by index.
func inFiles(tb testing.TB, path string, secrets [][]byte) []int {
	tb.Helper()
	var found []int
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			continue
		}
		require.NoError(tb, err)
		for i, s := range secrets {
			if bytes.Contains(data, s) && !containsInt(found, i) {
				found = append(found, i)
			}
		}
	}
	return found
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// allIndexes is 0..n-1: what inFiles returns when every secret is there.
func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// scrubsDue counts the scrubs recorded and not yet done.
func scrubsDue(tb testing.TB, db *DB) int {
	tb.Helper()
	var n int
	require.NoError(tb, db.read.QueryRowContext(context.Background(), `SELECT count(*) FROM scrubs`).Scan(&n))
	return n
}

// waitScrubbed waits until the background has done every scrub due.
func waitScrubbed(tb testing.TB, db *DB, logs *logBuffer) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for scrubsDue(tb, db) > 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("scrubs still due after 10 s; log:\n%s", logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scrubCase is one way of removing something, with what it removes.
type scrubCase struct {
	name string
	// setUp stores what op removes, and returns it as it is in the files.
	setUp func(t *testing.T, db *DB) (secrets [][]byte, op func() error)
}

var scrubCases = []scrubCase{
	{"DeletePerson", func(t *testing.T, db *DB) ([][]byte, func() error) {
		q, ids := recordScrubQuiz(t, db)
		me := tandem.HashToken(tandem.NewToken())
		tokens := seedAttempts(t, db, q, 3, me)
		id := personID(t, db, me)
		secrets := append(append(ids, me), tokens...)
		return secrets, func() error { return db.DeletePerson(context.Background(), id) }
	}},
	{"DeleteAttempt", func(t *testing.T, db *DB) ([][]byte, func() error) {
		q, ids := recordScrubQuiz(t, db)
		me := tandem.HashToken(tandem.NewToken())
		tokens := seedAttempts(t, db, q, 1, me)
		person := personID(t, db, me)
		a, err := db.FindAttemptByToken(context.Background(), tokens[0])
		require.NoError(t, err)
		return append(ids, tokens[0]), func() error { return db.DeleteAttempt(context.Background(), person, a.ID) }
	}},
	{"DeleteResultByToken", func(t *testing.T, db *DB) ([][]byte, func() error) {
		q, ids := recordScrubQuiz(t, db)
		tokens := seedAttempts(t, db, q, 1, tandem.HashToken(tandem.NewToken()))
		// Seeded results have no token of their own: the attempt's leads there.
		return append(ids, tokens[0]), func() error { return db.DeleteResultByToken(context.Background(), tokens[0]) }
	}},
	{"DeleteStaleAttempts", func(t *testing.T, db *DB) ([][]byte, func() error) {
		q, ids := recordScrubQuiz(t, db)
		tokens := seedAttempts(t, db, q, 2, nil)
		return append(ids, tokens...), func() error {
			n, err := db.DeleteStaleAttempts(context.Background(), db.Now().Add(time.Hour))
			if err == nil && n != 2 {
				return fmt.Errorf("deleted %d drafts, want 2", n)
			}
			return err
		}
	}},
	{"DeleteTherapist", func(t *testing.T, db *DB) ([][]byte, func() error) {
		mark := hex.EncodeToString(randomBytes(8))
		email, hash := "zq"+mark+"@example.org", "$argon2id$zq"+mark+"$old"
		th, err := db.CreateTherapist(context.Background(), email, "Dr Zq "+mark, hash)
		require.NoError(t, err)
		secrets := [][]byte{[]byte(email), []byte("Dr Zq " + mark), []byte(hash)}
		return secrets, func() error { return db.DeleteTherapist(context.Background(), th.ID) }
	}},
	{"SetTherapistPassword", func(t *testing.T, db *DB) ([][]byte, func() error) {
		mark := hex.EncodeToString(randomBytes(8))
		old := "$argon2id$zq" + mark + "$old"
		th, err := db.CreateTherapist(context.Background(), "someone@example.org", "Someone", old)
		require.NoError(t, err)
		return [][]byte{[]byte(old)}, func() error {
			_, err := db.SetTherapistPassword(context.Background(), th.ID, "$argon2id$new")
			return err
		}
	}},
}

func recordScrubQuiz(tb testing.TB, db *DB) (*quiz.Quiz, [][]byte) {
	tb.Helper()
	q, ids := scrubQuiz(tb)
	_, err := db.RecordQuizzes(context.Background(), q)
	require.NoError(tb, err)
	return q, ids
}

// TestScrub: every way of removing something records a scrub in its
// transaction and does it after: at once when it can, in the background
// when a reader holds it up. Either way the removed data ends up in
// neither the database file nor its write-ahead log.
func TestScrub(t *testing.T) {
	for _, tc := range scrubCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("AtOnce", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "t.db")
				db, logs := scrubOpen(t, path)
				secrets, op := tc.setUp(t, db)
				require.Equal(t, allIndexes(len(secrets)), inFiles(t, path, secrets), "the search finds what is there")

				require.NoError(t, op())
				assert.Equal(t, 0, scrubsDue(t, db), "scrubbed before returning")
				assert.Empty(t, inFiles(t, path, secrets), "secrets left in the files")
				assert.Empty(t, logs.String())
			})
			t.Run("WhileAReaderHoldsIt", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "t.db")
				db, logs := scrubOpen(t, path)
				secrets, op := tc.setUp(t, db)
				release := holdSnapshot(t, path)

				require.NoError(t, op(), "the removal stands, scrubbed or not")
				assert.Equal(t, 1, scrubsDue(t, db), "the scrub waits")
				assert.NotEmpty(t, inFiles(t, path, secrets), "the old copies are still in the files")
				release()
				waitScrubbed(t, db, logs)
				assert.Empty(t, inFiles(t, path, secrets), "secrets left in the files")
				assert.Empty(t, logs.String(), "a busy reader is no failure")
			})
		})
	}

	t.Run("NothingRemovedNothingDue", func(t *testing.T) {
		db, _ := scrubOpen(t, filepath.Join(t.TempDir(), "t.db"))
		ctx := context.Background()
		n, err := db.DeleteStaleAttempts(ctx, db.Now())
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(db.DeletePerson(ctx, 12345)))
		_, err = db.SetTherapistPassword(ctx, 12345, "$argon2id$x")
		assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
		assert.Equal(t, 0, scrubsDue(t, db))
	})
}

// TestScrub_AtOpen: a scrub still due when the store closed (a reader
// kept it from finishing, and kept Close from checkpointing) is done by
// the next Open.
func TestScrub_AtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, logs := scrubOpen(t, path)
	secrets, op := scrubCases[0].setUp(t, db)
	release := holdSnapshot(t, path)
	require.NoError(t, op())
	require.NoError(t, db.Close())
	release() // its connection stays open, so nothing checkpoints on its own
	require.NotEmpty(t, inFiles(t, path, secrets), "the old copies outlived Close")
	require.Empty(t, logs.String())

	again, logs := scrubOpen(t, path)
	assert.Equal(t, 0, scrubsDue(t, again), "Open did the scrub due")
	assert.Empty(t, inFiles(t, path, secrets), "secrets left in the files")
	assert.Empty(t, logs.String())
}
