package password

import "github.com/alexedwards/argon2id"

// CommonList exposes the loaded common-password list to the tests.
var CommonList = commonList

// CommonPasswordsFile is the embedded list file as shipped.
var CommonPasswordsFile = commonPasswords

// NewCheapHasher is NewHasher with the smallest parameters argon2 allows,
// so tests that only count or wait on hashes stay fast under -race.
func NewCheapHasher(concurrent int) *Hasher {
	return newHasher(concurrent, argon2id.Params{
		Memory: 8, Iterations: 1, Parallelism: 1, SaltLength: SaltLength, KeyLength: KeyLength,
	})
}

// OnSlot makes h call f each time a hash takes a slot, before it runs.
// Set it before h is shared.
func (h *Hasher) OnSlot(f func()) { h.onSlot = f }
