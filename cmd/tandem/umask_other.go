//go:build !unix

package main

// ownerOnly does nothing where there is no umask (Windows): files there
// take the access rules of their folder, so keep the data folder private.
func ownerOnly() {}
