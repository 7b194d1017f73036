package main

import (
	"io"
	"sync"
	"time"
)

// logWriter keeps log lines for a moment and writes them out together: at
// most logFlushEvery after the first line it holds, or at once when it
// holds logBufferSize bytes. Under load that is one write for many lines
// instead of one each, which a busy server notices. Close writes out the
// rest; a process that is killed loses at most the last moment's lines.
type logWriter struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	timer *time.Timer // set while lines wait
	err   error       // the last write's error: lines that failed are dropped, not kept forever
}

const (
	logFlushEvery = 50 * time.Millisecond
	logBufferSize = 32 << 10
)

func newLogWriter(w io.Writer) *logWriter { return &logWriter{w: w} }

// Write keeps p, a whole log line (slog writes one line per call).
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	switch {
	case len(l.buf) >= logBufferSize:
		l.flushLocked()
	case l.timer == nil:
		l.timer = time.AfterFunc(logFlushEvery, l.Flush)
	}
	return len(p), nil
}

// Flush writes out the lines held now.
func (l *logWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *logWriter) flushLocked() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if len(l.buf) == 0 {
		return
	}
	_, l.err = l.w.Write(l.buf)
	l.buf = l.buf[:0]
}

// Close writes out the rest, and says whether the last write failed.
func (l *logWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
	return l.err
}
