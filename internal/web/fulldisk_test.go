//go:build linux

package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/testdisk"
)

// fullDiskQuiz is a quiz whose item ids are long and unlike anything else
// in the files, so that finding one there finds a stored answer; it
// returns the ids too. The YAML writes each id with its first letter
// escaped (\x7a is z), so the quiz's own text, which the database keeps,
// never holds an id whole.
func fullDiskQuiz(t *testing.T) (*quiz.Quiz, [][]byte) {
	t.Helper()
	mark := make([]byte, 8)
	_, _ = rand.Read(mark)
	var items strings.Builder
	var ids [][]byte
	for i := range 4 {
		id := fmt.Sprintf("zq%s-item-%d", hex.EncodeToString(mark), i+1)
		ids = append(ids, []byte(id))
		fmt.Fprintf(&items, "      - {id: \"\\x7a%s\", text: Statement %d, keys: {one: 1}}\n", id[1:], i+1)
	}
	src := `id: full-disk
version: 1
title: Full disk
summary: Four statements.
scale: {min: 1, max: 5, labels: [Never, Rarely, Sometimes, Often, Always]}
scales:
  - {id: one, name: One}
sections:
  - id: s1
    title: Statements
    items:
` + items.String() + `results:
  - {id: any, title: Any, summary: Any result.}
`
	q, err := quiz.Parse("full-disk.yaml", []byte(src))
	require.NoError(t, err)
	for _, id := range ids {
		require.NotContains(t, string(q.Source), string(id))
	}
	return q, ids
}

// lockedBuffer is a log the store's background writes while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fullDiskFound returns those of secrets that the database file or its
// write-ahead log holds, by index.
func fullDiskFound(t *testing.T, path string, secrets [][]byte) []int {
	t.Helper()
	var found []int
	seen := map[int]bool{}
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			continue
		}
		require.NoError(t, err)
		for i, s := range secrets {
			if bytes.Contains(data, s) && !seen[i] {
				seen[i] = true
				found = append(found, i)
			}
		}
	}
	return found
}

// TestDeleteEverything_FullDisk: on a disk with room for the deletion but
// not for the checkpoint after it, "delete everything" still answers as
// done (303 to /deleted, not a page asking to try again), and once there
// is room again the store's background scrub leaves none of the person's
// answers (found by their item ids) or tokens in the files.
func TestDeleteEverything_FullDisk(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(testdisk.Small(t, "4m"), "tandem.db")
	logs := &lockedBuffer{}
	db, err := sqlite.Open(ctx, path, sqlite.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	q, ids := fullDiskQuiz(t)
	e := newEnvStore(t, db, db, q)
	e.dbPath = path

	var secrets [][]byte
	secrets = append(secrets, ids...)
	for range 2 {
		token := e.start(q.ID)
		done := e.answerAll(token, func(string) (int, bool) { return 4, true })
		result := strings.TrimPrefix(done.location, "/results/")
		secrets = append(secrets, tandem.HashToken(token), tandem.HashToken(result))
	}
	// The personal token is whichever cookie the store knows the hash of.
	var me string
	for _, c := range e.client.Jar.Cookies(mustURL(t, e.srv.URL)) {
		if e.count(`SELECT count(*) FROM people WHERE token_hash = ?`, tandem.HashToken(c.Value)) == 1 {
			me = c.Value
		}
	}
	require.NotEmpty(t, me, "the browser holds a personal page")
	secrets = append(secrets, tandem.HashToken(me))

	// Other people's unfinished answers, written in one go, so that they
	// are still only in the write-ahead log: the checkpoint after the
	// deletion must grow the database file by them. Like the store's own,
	// this connection zeroes what it moves or frees: without that, the
	// page splits these inserts cause would leave stale copies of the
	// person's rows where no deletion reaches.
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_secure_delete=on")
	require.NoError(t, err)
	defer raw.Close()
	_, err = raw.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
		INSERT INTO attempts (token_hash, quiz_id, quiz_version, quiz_hash, status, created_at, updated_at)
		SELECT randomblob(32), ?, ?, ?, 'in_progress', '2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z' FROM n`,
		q.ID, q.Version, q.Hash)
	require.NoError(t, err)
	_, err = raw.Exec(`INSERT INTO answers (attempt_id, item_id, value)
		SELECT a.id, 'other-' || k.value, 2 FROM attempts AS a, json_each('[1,2,3,4]') AS k WHERE a.status = 'in_progress'`)
	require.NoError(t, err)
	require.Len(t, fullDiskFound(t, path, secrets), len(secrets), "the search finds what is there")

	var pages, pageSize int64
	require.NoError(t, raw.QueryRow(`SELECT page_count, page_size FROM pragma_page_count, pragma_page_size`).Scan(&pages, &pageSize))
	info, err := os.Stat(path)
	require.NoError(t, err)
	const room = 96 << 10
	require.Greater(t, pages*pageSize-info.Size(), int64(3*room), "the checkpoint needs more room than is left")
	free := testdisk.Fill(t, filepath.Dir(path), room)

	r := e.post("/me/"+me+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, r.status, "deleted, on a nearly full disk: %s", r.body)
	assert.Equal(t, "/deleted", r.location)
	assert.Equal(t, http.StatusNotFound, e.get("/me/"+me).status, "the personal page is gone")
	assert.Equal(t, 1, e.count(`SELECT count(*) FROM scrubs`), "the scrub is due")
	require.NotEmpty(t, fullDiskFound(t, path, secrets),
		"the scrub failed for want of room, so the old copies are still in the files; if not, leave less room")
	assert.Contains(t, logs.String(), "deleted, but the scrub of the write-ahead log failed")

	free()
	deadline := time.Now().Add(20 * time.Second)
	for e.count(`SELECT count(*) FROM scrubs`) > 0 {
		require.False(t, time.Now().After(deadline), "still not scrubbed; log:\n%s", logs)
		time.Sleep(20 * time.Millisecond)
	}
	assert.Empty(t, fullDiskFound(t, path, secrets), "secrets left in the files")
	assert.Equal(t, 600, e.count(`SELECT count(*) FROM attempts WHERE status = 'in_progress'`), "other people's answers stay")
	for i, s := range secrets {
		assert.NotContains(t, logs.String(), hex.EncodeToString(s), "secret %d in the log", i)
	}
}
