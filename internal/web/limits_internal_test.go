package web

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestLoginLimiter_UndoForgive: a try that was never checked takes back
// only its own failure, so abandoning a guess cannot wipe the count; a
// right password clears the account's count but not the address's.
func TestLoginLimiter_UndoForgive(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	l := newLoginLimiter(LoginLimits{Window: time.Hour, PerAccount: 10, PerAddress: 100},
		func() time.Time { now = now.Add(time.Second); return now })
	keys := []string{loginKeyAddress + "192.0.2.1", loginKeyAccount + "ana@example.com"}
	for range 9 {
		_, wait := l.begin(keys...)
		assert.Zero(t, wait)
	}
	try, wait := l.begin(keys...) // the tenth, never checked
	assert.Zero(t, wait)
	l.undo(try)
	try, wait = l.begin(keys...) // the tenth again: still allowed, and counted
	assert.Zero(t, wait)
	_, wait = l.begin(keys...)
	assert.Greater(t, wait, time.Duration(0), "the eleventh is refused: undo did not reset the account")

	l.forgive(try)
	assert.Empty(t, l.failures[keys[1]], "a right password clears the account")
	assert.Len(t, l.failures[keys[0]], 9, "the address keeps the other failures")
}
