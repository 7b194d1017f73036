package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// keyBytes is the size of the server's link key: 256 bits.
const keyBytes = 32

// loadKey reads the key from which share links (and results' tokens, see
// tandem.DeriveResultToken) are derived, or, when the
// file does not exist yet, makes one (readable by this user only). It is
// kept out of the database so that a copy of the database, or a backup of
// it, shows no link: links still work without the key, only showing them
// again needs it.
func loadKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read link key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != keyBytes {
		return nil, fmt.Errorf("link key %s must hold %d hex digits; delete it to make a new one (links made with it can then no longer be shown, but they still work)", path, 2*keyBytes)
	}
	return key, nil
}

// newKey makes the key file whole or not at all: written to a temporary
// file, synced, then linked into place, which fails if another server
// made one meanwhile (then that one is read). A crash leaves no half key.
func newKey(path string) ([]byte, error) {
	key := make([]byte, keyBytes)
	_, _ = rand.Read(key)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create link key folder: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tandem-key-*")
	if err != nil {
		return nil, fmt.Errorf("create link key: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err = errors.Join(err, f.Chmod(0o600), f.Sync(), f.Close()); err != nil {
		return nil, fmt.Errorf("write link key: %w", err)
	}
	err = os.Link(f.Name(), path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return loadKey(path)
	case err != nil:
		// A file system without hard links: create it in place instead.
		return key, writeKey(path, key)
	}
	return key, syncDir(dir)
}

// writeKey creates the key file in place, failing if it exists.
func writeKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create link key: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("write link key: %w", err)
	}
	return nil
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
