package tandem

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDeriveToken pins the derivations: a share link made before a change
// must keep its token, and a result's must differ from a share link's made
// from the same bytes.
func TestDeriveToken(t *testing.T) {
	// HMAC-SHA256("key", "tandem share link\x00nonce"), as computed elsewhere.
	assert.Equal(t, "MaOSZZ2Uwt4ZrQ7SFowXy9r8A4sea6gkRFM1W0QRFEQ", DeriveToken([]byte("key"), []byte("nonce")))
	result := DeriveResultToken([]byte("key"), "attempt")
	assert.True(t, ValidToken(result))
	assert.Equal(t, result, DeriveResultToken([]byte("key"), "attempt"), "the same every time")
	assert.NotEqual(t, result, DeriveResultToken([]byte("other key"), "attempt"))
	assert.NotEqual(t, result, DeriveResultToken([]byte("key"), "attempt2"))
	assert.NotEqual(t, DeriveToken([]byte("key"), []byte("attempt")), result, "a purpose of its own")
}
