package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingWriter counts the writes that reach it.
type countingWriter struct {
	syncBuffer
	writes int
	fail   error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	if c.fail != nil {
		return 0, c.fail
	}
	return c.syncBuffer.Write(p)
}

func (c *countingWriter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

func TestLogWriter(t *testing.T) {
	t.Run("LinesGoOutTogether", func(t *testing.T) {
		out := &countingWriter{}
		l := newLogWriter(out)
		for range 100 {
			_, err := l.Write([]byte("a line\n"))
			require.NoError(t, err)
		}
		assert.Equal(t, 0, out.count(), "nothing is written at once")
		assert.Eventually(t, func() bool { return out.count() == 1 }, 2*time.Second, 5*time.Millisecond,
			"the lines go out in one write within a moment")
		assert.Equal(t, strings.Repeat("a line\n", 100), out.String())
	})
	t.Run("FullBufferGoesOutAtOnce", func(t *testing.T) {
		out := &countingWriter{}
		l := newLogWriter(out)
		line := []byte(strings.Repeat("x", 1023) + "\n")
		for range logBufferSize / len(line) {
			_, err := l.Write(line)
			require.NoError(t, err)
		}
		assert.Equal(t, 1, out.count())
		assert.Len(t, out.String(), logBufferSize)
	})
	t.Run("CloseWritesTheRest", func(t *testing.T) {
		out := &countingWriter{}
		l := newLogWriter(out)
		_, err := l.Write([]byte("last words\n"))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		assert.Equal(t, "last words\n", out.String())
		time.Sleep(2 * logFlushEvery)
		assert.Equal(t, 1, out.count(), "the timer was stopped: nothing is written twice")
	})
	t.Run("AFailedWriteIsNotTheEnd", func(t *testing.T) {
		broken := errors.New("disk full")
		out := &countingWriter{fail: broken}
		l := newLogWriter(out)
		_, err := l.Write([]byte("lost\n"))
		require.NoError(t, err)
		l.Flush()
		out.fail = nil // the disk has room again
		_, err = l.Write([]byte("kept\n"))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		assert.Equal(t, "kept\n", out.String(), "the failed lines were dropped, later ones written")
	})
}
