//go:build linux

package sqlite

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/internal/testdisk"
)

func fileSize(t *testing.T, name string) int64 {
	t.Helper()
	info, err := os.Stat(name)
	require.NoError(t, err)
	return info.Size()
}

// TestScrub_FullDisk deletes everything of a person on a disk with room
// for the deletion but not for the checkpoint after it, which must grow
// the database file by the pages still only in the write-ahead log. The
// deletion succeeds all the same; the scrub is due, and done in the
// background once there is room again, or by the next Open when the
// store closes first. Then the person's answers (found by their item
// ids) and tokens are in neither file, and other people's are intact.
func TestScrub_FullDisk(t *testing.T) {
	for _, restart := range []bool{false, true} {
		name := "BackgroundRetry"
		if restart {
			name = "Restart"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(testdisk.Small(t, "4m"), "data", "t.db")
			db, logs := scrubOpen(t, path)
			q, ids := recordScrubQuiz(t, db)
			me := tandem.HashToken(tandem.NewToken())
			tokens := seedAttempts(t, db, q, 3, me)
			secrets := append(append(ids, me), tokens...)
			// Someone else's history, large enough that the checkpoint
			// needs far more room than the deletion.
			other, err := quiz.LoadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
			require.NoError(t, err)
			_, err = db.RecordQuizzes(ctx, other)
			require.NoError(t, err)
			them := tandem.HashToken(tandem.NewToken())
			seedAttempts(t, db, other, 600, them)
			require.Equal(t, allIndexes(len(secrets)), inFiles(t, path, secrets), "the search finds what is there")

			var pages, pageSize int64
			require.NoError(t, db.read.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count, pragma_page_size`).
				Scan(&pages, &pageSize))
			growth := pages*pageSize - fileSize(t, path)
			t.Logf("database %d bytes, of which %d only in the %d-byte log", pages*pageSize, growth, fileSize(t, path+"-wal"))
			const room = 96 << 10
			require.Greater(t, growth, int64(3*room), "the checkpoint needs more room than is left")
			free := testdisk.Fill(t, filepath.Dir(path), room)

			require.NoError(t, db.DeletePerson(ctx, personID(t, db, me)), "deleted, on a nearly full disk")
			_, err = db.FindPersonByToken(ctx, me)
			assert.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err), "the person is gone")
			assert.Equal(t, 1, scrubsDue(t, db), "the scrub is due")
			require.NotEmpty(t, inFiles(t, path, secrets),
				"the scrub failed for want of room, so the old copies are still in the files; if not, leave less room")
			time.Sleep(100 * time.Millisecond) // the background tries, and fails
			assert.Equal(t, 1, scrubsDue(t, db), "still due while the disk is full")
			failed := logs.String()
			assert.Contains(t, failed, "deleted, but the scrub of the write-ahead log failed")
			assert.Contains(t, failed, "scrub of the write-ahead log failed; trying again")
			assert.Contains(t, failed, "full")
			for i, s := range secrets {
				assert.NotContains(t, failed, string(s), "secret %d in the log", i)
				assert.NotContains(t, failed, hex.EncodeToString(s), "secret %d in the log", i)
			}

			if restart {
				require.NoError(t, db.Close())
				require.NotEmpty(t, inFiles(t, path, secrets), "Close could not checkpoint either")
				free()
				db, logs = scrubOpen(t, path)
				assert.Equal(t, 0, scrubsDue(t, db), "Open did the scrub due")
			} else {
				free()
				waitScrubbed(t, db, logs)
				assert.Contains(t, logs.String(), "scrubbed the write-ahead log")
			}
			assert.Empty(t, inFiles(t, path, secrets), "secrets left in the files")
			list, err := db.ListAttempts(ctx, personID(t, db, them))
			require.NoError(t, err)
			assert.Len(t, list, 600, "other people's results stay")
			for _, a := range list {
				require.Len(t, a.Answers, len(other.Items()))
			}
		})
	}
}
