package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/tandem"
)

// TestBackup_UnderLoad takes a backup while clients complete attempts, then
// restores it (opens the copy) and finds every attempt whose result had
// been acknowledged before the backup started.
func TestBackup_UnderLoad(t *testing.T) {
	s, dbPath := startServer(t, "-quizzes", filepath.Join("..", "..", "testdata", "quizzes"), "-rate-limits=false")
	complete := func() (string, error) {
		// Each attempt is taken in a browser of its own, whose draft
		// cookie opens its pages.
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.PostForm(s.URL+"/quizzes/weighted-sleep/attempts", nil)
		if err != nil {
			return "", err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return "", fmt.Errorf("start: %d", res.StatusCode)
		}
		loc := res.Header.Get("Location")
		token := strings.Split(loc, "/")[2]
		pages := []url.Values{
			{"_section": {"nights"}, "n1": {"1"}, "n2": {"2"}, "n3": {"3"}},
			{"_section": {"days"}, "d1": {"1"}, "d3": {"2"}},
		}
		for i, form := range pages {
			res, err := client.PostForm(fmt.Sprintf("%s/attempts/%s/%d", s.URL, token, i+1), form)
			if err != nil {
				return "", err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				return "", fmt.Errorf("page %d: %d", i+1, res.StatusCode)
			}
		}
		return token, nil
	}

	var (
		mu    sync.Mutex
		acked []string
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				token, err := complete()
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, token)
				mu.Unlock()
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "backup.db")
	var out, errOut syncBuffer
	require.NoError(t, run(context.Background(), []string{"backup", "-db", dbPath, backup}, env(nil), &out, &errOut), errOut.String())
	stop.Store(true)
	wg.Wait()
	assert.Contains(t, out.String(), "backed up")
	require.NotEmpty(t, before, "attempts were completed before the backup")

	restored, err := sqlite.Open(context.Background(), backup)
	require.NoError(t, err)
	defer restored.Close()
	for _, token := range before {
		a, err := restored.FindAttemptByToken(context.Background(), tandem.HashToken(token))
		require.NoError(t, err, "acknowledged attempt missing from the backup")
		assert.True(t, a.Completed())
		assert.Len(t, a.Answers, 5)
	}

	// A second backup to the same file is refused rather than overwriting.
	err = run(context.Background(), []string{"backup", "-db", dbPath, backup}, env(nil), &out, &errOut)
	assert.ErrorContains(t, err, "already exists")
}
