//go:build linux

// Package testdisk gives tests a small disk to fill, and files' modes to
// check: a tmpfs of a few megabytes, mounted for one test. It is for
// tests only.
package testdisk

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// Small mounts a tmpfs of size (such as "4m") on a new folder and returns
// the folder; Cleanup unmounts it, after whatever the test registers
// later (a server, a store) has closed. Mounting needs root: without it
// the test is skipped, saying so.
func Small(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("deletion on a full disk is tested on a small tmpfs, which only root may mount: run the tests as root (for example in a container) to include it")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs on %s (%v), so deletion on a full disk is not tested", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
			_ = syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// Fill writes a file in dir until the disk is full, then gives back room
// bytes of it, and returns a function that removes the file.
func Fill(t *testing.T, dir string, room int64) (free func()) {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.Create(name)
	require.NoError(t, err)
	buf := bytes.Repeat([]byte{0xA5}, 64<<10)
	var size int64
	for {
		n, err := f.Write(buf)
		size += int64(n)
		if err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC)
			break
		}
	}
	require.NoError(t, f.Truncate(size-room)) // tmpfs frees the pages at once
	require.NoError(t, f.Close())
	t.Logf("disk full but %d bytes (filler %d bytes)", FreeBytes(t, dir), size-room)
	return func() { require.NoError(t, os.Remove(name)) }
}

// FreeBytes is the room left on the disk that holds dir.
func FreeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &st))
	return int64(st.Bavail) * st.Bsize
}
