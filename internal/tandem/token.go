package tandem

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// tokenBytes is the entropy of a token: 256 bits, twice the 128 the web
// contract asks for, so guessing stays hopeless however many there are.
const tokenBytes = 32

// TokenLen is the length of a token as text: unpadded base64url.
var TokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns a fresh secret token from crypto/rand, safe in URLs,
// cookies and form fields.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails: it panics first if the OS cannot supply entropy
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidToken reports whether s has the shape of a token, so that anything
// else is refused before it reaches the database.
func ValidToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// DeriveToken makes a share link's token from a server key and the link's
// random nonce: the database keeps the nonce and the token's hash, so the
// server, which also holds the key, can show the link again, and a copy
// of the database alone opens nothing.
func DeriveToken(key, nonce []byte) string { return derive(key, "tandem share link", nonce) }

// DeriveResultToken makes the token of an attempt's result from a server
// key and the attempt's token. Whoever holds the attempt's link alone
// cannot work it out; the server can, for the browser that took the
// attempt, when the answer that first gave it the result was lost.
func DeriveResultToken(key []byte, attemptToken string) string {
	return derive(key, "tandem result", []byte(attemptToken))
}

// DerivePersonToken makes the token of the personal page that finishing
// the attempt with attemptToken starts, in a browser that holds none: the
// server can give that browser its page again when the answer that first
// did was lost. Like DeriveResultToken, it needs the server key.
func DerivePersonToken(key []byte, attemptToken string) string {
	return derive(key, "tandem person", []byte(attemptToken))
}

// derive is the HMAC-SHA256 under key of purpose and input, as a token.
func derive(key []byte, purpose string, input []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(input)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// NewNonce returns tokenBytes random bytes.
func NewNonce() []byte {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b)
	return b
}

// HashToken is what the database stores in place of a token: its SHA-256.
// A copy of the database therefore opens no one's results.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
