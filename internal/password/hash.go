package password

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/alexedwards/argon2id"
)

// The argon2id parameters of every new hash: OWASP's first choice for
// argon2id (19 MiB, two passes, one lane), with a 16-byte random salt and a
// 32-byte key. Hashes keep their parameters, so older ones still verify
// if these change.
const (
	ArgonMemoryKiB   = 19 * 1024
	ArgonTime        = 2
	ArgonParallelism = 1
	SaltLength       = 16
	KeyLength        = 32
)

// Limits on the parameters of a stored hash that Verify accepts. They keep
// a corrupt or hostile hash from making one Verify allocate gigabytes or
// spin for minutes, and leave room to raise the parameters above.
const (
	maxMemoryKiB   = 256 * 1024
	maxTime        = 16
	maxParallelism = 16
	minSaltLength  = 8
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 64
)

// ErrMalformedHash is returned, wrapped, by Verify when the stored hash is
// not an argon2id PHC string this package can check.
var ErrMalformedHash = errors.New("password: malformed hash")

// Hasher hashes and verifies passwords with argon2id. Each hash holds
// ArgonMemoryKiB of memory and a core for tens of milliseconds, so a Hasher
// runs at most a fixed number at once and makes the rest wait their turn.
// It is safe for concurrent use; make one with NewHasher and share it.
type Hasher struct {
	params argon2id.Params
	slots  chan struct{} // a hash runs while it holds one
	// dummy is a hash in the current parameters that no password
	// matches, for VerifyNothing.
	dummy string
	// onSlot, when set by a test, runs right after a slot is taken.
	onSlot func()
}

// NewHasher returns a Hasher that runs at most concurrent hashes at once; a
// value below 1 counts as 1. Memory use peaks near concurrent times
// ArgonMemoryKiB.
func NewHasher(concurrent int) *Hasher {
	return newHasher(concurrent, argon2id.Params{
		Memory:      ArgonMemoryKiB,
		Iterations:  ArgonTime,
		Parallelism: ArgonParallelism,
		SaltLength:  SaltLength,
		KeyLength:   KeyLength,
	})
}

// newHasher is NewHasher with other parameters, so tests can hash cheaply.
func newHasher(concurrent int, p argon2id.Params) *Hasher {
	concurrent = max(concurrent, 1)
	// An all-zero key: comparing against it costs a full argon2id run,
	// like any Verify, and no password can be expected to produce it.
	b64 := base64.RawStdEncoding
	dummy := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
		p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(make([]byte, p.SaltLength)),
		b64.EncodeToString(make([]byte, p.KeyLength)))
	return &Hasher{params: p, slots: make(chan struct{}, concurrent), dummy: dummy}
}

// Hash returns the argon2id hash of pw with a fresh random salt, as a PHC
// string such as "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>". It waits
// for a free slot first and returns ctx.Err() if ctx ends before one frees
// up. Hash does not apply Check: call it first for a new password.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	encoded, err := argon2id.CreateHash(pw, &h.params)
	if err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	return encoded, nil
}

// Verify reports whether pw matches encoded, a hash made by Hash (or with
// other parameters within sane limits), comparing the keys in constant
// time. It returns an error wrapping ErrMalformedHash when encoded cannot
// be checked, and ctx.Err() if ctx ends while it waits for a slot.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (bool, error) {
	if err := checkEncoded(encoded); err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	ok, err := argon2id.ComparePasswordAndHash(pw, encoded)
	if err != nil { // checkEncoded let through what DecodeHash refuses
		return false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	return ok, nil
}

// VerifyNothing does the work of a Verify against a fixed hash that pw
// does not match, and discards the result. Call it when no account has the
// email given at sign-in, so that an unknown email takes as long as a
// wrong password and response times do not tell which emails have
// accounts. It returns ctx's error, having done nothing, if ctx ends while
// it waits for a slot.
func (h *Hasher) VerifyNothing(ctx context.Context, pw string) error {
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	_, _ = argon2id.ComparePasswordAndHash(pw, h.dummy)
	return nil
}

// acquire takes a slot, waiting until one is free or ctx ends. A ctx that
// has already ended never gets one.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if h.onSlot != nil {
		h.onSlot()
	}
	return nil
}

func (h *Hasher) release() { <-h.slots }

// checkEncoded returns an error wrapping ErrMalformedHash unless encoded
// parses as an argon2id hash whose parameters argon2 can run without
// panicking and within the limits above.
func checkEncoded(encoded string) error {
	p, _, _, err := argon2id.DecodeHash(encoded)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	switch {
	case p.Iterations < 1 || p.Iterations > maxTime:
		return fmt.Errorf("%w: t=%d", ErrMalformedHash, p.Iterations)
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Errorf("%w: p=%d", ErrMalformedHash, p.Parallelism)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("%w: m=%d", ErrMalformedHash, p.Memory)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("%w: %d-byte salt", ErrMalformedHash, p.SaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("%w: %d-byte key", ErrMalformedHash, p.KeyLength)
	}
	return nil
}
