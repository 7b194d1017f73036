//go:build unix

package main

import "syscall"

// ownerOnly makes every file and folder the process creates from now on
// its user's alone: whatever mode the code asks for (SQLite 0644, a
// MkdirAll 0750), the group's and others' bits are dropped. The database,
// its -wal and -shm, backups and the key file hold answers and secrets;
// the store and the key make sure of their own files as well, and this
// covers whatever else gets created.
func ownerOnly() { syscall.Umask(0o077) }
