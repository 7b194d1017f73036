//go:build unix

package testdisk

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// WithUmask runs the rest of the test under mask, as a server started by
// hand or by a service manager would be, then puts the old one back.
func WithUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// Perm is the permission bits of the file name.
func Perm(t *testing.T, name string) os.FileMode {
	t.Helper()
	info, err := os.Stat(name)
	require.NoError(t, err)
	return info.Mode().Perm()
}
