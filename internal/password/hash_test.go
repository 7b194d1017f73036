package password_test

import (
	"context"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/password"
)

const testPassword = "Correct Horse Battery"

// realHash is one hash with the production parameters, shared by the tests
// that only read it: each costs tens of milliseconds, more under -race.
var realHash = sync.OnceValues(func() (string, error) {
	return password.NewHasher(1).Hash(context.Background(), testPassword)
})

func mustRealHash(tb testing.TB) string {
	tb.Helper()
	encoded, err := realHash()
	require.NoError(tb, err)
	return encoded
}

func TestHasher_Hash(t *testing.T) {
	t.Run("Format", func(t *testing.T) {
		encoded := mustRealHash(t)
		// 16 bytes of salt and 32 of key in unpadded standard base64.
		assert.Regexp(t, regexp.MustCompile(
			`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`), encoded)

		p, salt, key, err := argon2id.DecodeHash(encoded)
		require.NoError(t, err)
		assert.Equal(t, argon2id.Params{
			Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32,
		}, *p)
		assert.Len(t, salt, 16)
		assert.Len(t, key, 32)
	})

	t.Run("Constants", func(t *testing.T) {
		assert.EqualValues(t, 19456, password.ArgonMemoryKiB)
		assert.EqualValues(t, 2, password.ArgonTime)
		assert.EqualValues(t, 1, password.ArgonParallelism)
		assert.EqualValues(t, 16, password.SaltLength)
		assert.EqualValues(t, 32, password.KeyLength)
	})

	t.Run("SaltDiffers", func(t *testing.T) {
		other, err := password.NewHasher(1).Hash(context.Background(), testPassword)
		require.NoError(t, err)
		assert.NotEqual(t, mustRealHash(t), other)
	})
}

func TestHasher_Verify(t *testing.T) {
	ctx := context.Background()
	h := password.NewHasher(2)
	encoded := mustRealHash(t)

	t.Run("OK", func(t *testing.T) {
		ok, err := h.Verify(ctx, testPassword, encoded)
		require.NoError(t, err)
		assert.True(t, ok)
	})

	t.Run("WrongPassword", func(t *testing.T) {
		ok, err := h.Verify(ctx, "correct horse battery", encoded)
		require.NoError(t, err)
		assert.False(t, ok)
	})

	t.Run("OtherParameters", func(t *testing.T) {
		// A hash made with other parameters still verifies: they are read
		// from the hash.
		cheap, err := password.NewCheapHasher(1).Hash(ctx, testPassword)
		require.NoError(t, err)
		ok, err := h.Verify(ctx, testPassword, cheap)
		require.NoError(t, err)
		assert.True(t, ok)
	})

	t.Run("ErrMalformedHash", func(t *testing.T) {
		const salt = "c29tZXNhbHRzb21lc2FsdA" // 16 bytes
		const key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		tests := []struct {
			name    string
			encoded string
		}{
			{"Empty", ""},
			{"Garbage", "not a hash"},
			{"Bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
			{"Argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
			{"OldVersion", "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key},
			{"NoParams", "$argon2id$v=19$$" + salt + "$" + key},
			{"ZeroTime", "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
			{"ZeroLanes", "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
			{"LanesOverflow", "$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + key},
			{"ZeroMemory", "$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key},
			{"HugeMemory", "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key},
			{"HugeTime", "$argon2id$v=19$m=19456,t=4000000000,p=1$" + salt + "$" + key},
			{"NegativeMemory", "$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + key},
			{"EmptySalt", "$argon2id$v=19$m=19456,t=2,p=1$$" + key},
			{"EmptyKey", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$"},
			{"ShortKey", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAA"},
			{"PaddedBase64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key},
			{"NotBase64", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + key},
			{"ExtraField", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$x"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ok, err := h.Verify(ctx, testPassword, tt.encoded)
				assert.ErrorIs(t, err, password.ErrMalformedHash)
				assert.False(t, ok)
			})
		}
	})
}

func TestHasher_VerifyNothing(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		// It runs a full-cost verify inside a slot, like Verify.
		h := password.NewHasher(1)
		var slots atomic.Int32
		h.OnSlot(func() { slots.Add(1) })
		h.VerifyNothing(context.Background(), testPassword)
		assert.EqualValues(t, 1, slots.Load())
	})

	t.Run("Cancelled", func(t *testing.T) {
		h := password.NewCheapHasher(1)
		var slots atomic.Int32
		h.OnSlot(func() { slots.Add(1) })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		h.VerifyNothing(ctx, testPassword)
		assert.Zero(t, slots.Load())
	})
}

// blockingHasher returns a cheap Hasher with concurrent slots whose hashes,
// once they hold a slot, announce themselves on entered and wait for
// release. It records the most that ever held a slot at once.
func blockingHasher(concurrent int) (h *password.Hasher, entered <-chan struct{}, release chan<- struct{}, most *atomic.Int32) {
	h = password.NewCheapHasher(concurrent)
	in := make(chan struct{})
	out := make(chan struct{})
	var running atomic.Int32
	most = new(atomic.Int32)
	h.OnSlot(func() {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		in <- struct{}{}
		<-out
		running.Add(-1)
	})
	return h, in, out, most
}

func TestHasher_Concurrency(t *testing.T) {
	const calls = 6
	h, entered, release, most := blockingHasher(2)

	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			_, err := h.Hash(context.Background(), testPassword)
			errs <- err
		})
	}

	// Two hashes get slots and stay in them; the others wait. From then
	// on, each hash let go makes room for exactly one more.
	<-entered
	<-entered
	for range calls - 2 {
		release <- struct{}{}
		<-entered
	}
	release <- struct{}{}
	release <- struct{}{}
	wg.Wait()
	close(errs)

	for err := range errs {
		assert.NoError(t, err)
	}
	assert.EqualValues(t, 2, most.Load(), "at most 2 hashes at once")
}

func TestHasher_Cancel(t *testing.T) {
	// One slot, held by a hash that waits on release: every call after it
	// has to wait, and cancelling its context must end the wait.
	h, entered, release, _ := blockingHasher(1)
	held := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), testPassword)
		held <- err
	}()
	<-entered

	encoded, err := password.NewCheapHasher(1).Hash(context.Background(), testPassword)
	require.NoError(t, err)
	calls := map[string]func(context.Context) error{
		"Hash": func(ctx context.Context) error {
			_, err := h.Hash(ctx, testPassword)
			return err
		},
		"Verify": func(ctx context.Context) error {
			_, err := h.Verify(ctx, testPassword, encoded)
			return err
		},
		"VerifyNothing": func(ctx context.Context) error {
			h.VerifyNothing(ctx, testPassword)
			return ctx.Err()
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- call(ctx) }()
			cancel()
			assert.ErrorIs(t, <-done, context.Canceled)
		})
	}

	release <- struct{}{}
	require.NoError(t, <-held)
}

func TestHasher_CancelledBeforeWaiting(t *testing.T) {
	// A free slot is not taken for a context that has already ended.
	h := password.NewCheapHasher(1)
	var slots atomic.Int32
	h.OnSlot(func() { slots.Add(1) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Hash(ctx, testPassword)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, slots.Load())
}

// BenchmarkHash measures one hash with the production parameters: the
// cost of a sign-up, a password change or a sign-in (Verify costs the
// same).
func BenchmarkHash(b *testing.B) {
	h := password.NewHasher(1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, testPassword); err != nil {
			b.Fatal(err)
		}
	}
}
