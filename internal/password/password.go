// Package password holds what therapist accounts need of passwords: the
// policy a new password must meet (Check) and argon2id hashing with a cap
// on how many hashes run at once (Hasher).
package password

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Length limits, counted in characters (runes), not bytes. The product
// promises no upper bound below 64; 256 only guards against abuse.
const (
	MinLength = 10
	MaxLength = 256
)

// Errors returned by Check. They wrap nothing, so the web layer can map
// each one to its own message with errors.Is or ==.
var (
	ErrTooShort = errors.New("password: too short")
	ErrTooLong  = errors.New("password: too long")
	ErrCommon   = errors.New("password: too common")
	ErrInvalid  = errors.New("password: not valid UTF-8")
)

// Check reports whether pw may be used as a new password. It returns
// ErrInvalid when pw is not valid UTF-8, ErrTooLong when it has more than
// MaxLength characters, ErrTooShort when it has fewer than MinLength once
// leading and trailing spaces are trimmed, and ErrCommon when, trimmed and
// with case ignored, it is in the shipped list of common breached passwords
// or is one character repeated. Every character is allowed, spaces
// included.
//
// Trimmed spaces do not count toward MinLength because the list holds only
// passwords of MinLength or more: otherwise "password1 " would pass as a
// 10-character password that is not on the list.
//
// The first call loads the list (see commonList); later calls only search
// it.
func Check(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrInvalid
	}
	trimmed := strings.TrimSpace(pw)
	switch {
	case utf8.RuneCountInString(pw) > MaxLength:
		return ErrTooLong
	case utf8.RuneCountInString(trimmed) < MinLength:
		return ErrTooShort
	}
	norm := strings.ToLower(trimmed)
	if repeated(norm) || isCommon(norm) {
		return ErrCommon
	}
	return nil
}

// repeated reports whether s is one character over and over, as in
// "aaaaaaaaaa" (or is empty).
func repeated(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}
