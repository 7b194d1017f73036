package password_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/password"
)

func TestCheck(t *testing.T) {
	// "kx7#pq2mzw" is on no list; cut or repeat it for a given length.
	base := strings.Repeat("kx7#pq2mzw", 26) // 260 characters
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"Empty", "", password.ErrTooShort},
		{"9Chars", base[:9], password.ErrTooShort},
		{"10Chars", base[:10], nil},
		{"64Chars", base[:64], nil},
		{"256Chars", base[:256], nil},
		{"257Chars", base[:257], password.ErrTooLong},
		{"InnerSpacesCount", "kx7 pq 2mz", nil},
		{"OuterSpacesDoNotCount", "  kx7#pq2mz  ", password.ErrTooShort},
		{"9CommonPlusSpace", "password1 ", password.ErrTooShort},
		// 9 characters in 18 bytes: runes are counted, not bytes.
		{"Multibyte9Runes", "añoçüßøéí", password.ErrTooShort},
		{"Multibyte10Runes", "añoçüßøéíß", nil},
		{"Multibyte256Runes", strings.Repeat("éa", 128), nil},
		{"Multibyte257Runes", strings.Repeat("éa", 128) + "é", password.ErrTooLong},
		{"Emoji10Runes", "🔒🔑🌿🌊🍀☕📚🎧🧩🪴", nil},
		{"InvalidUTF8", "kx7#pq2mzw\xff", password.ErrInvalid},
		{"TruncatedRune", "kx7#pq2mzw\xc3", password.ErrInvalid},
		{"Common", "password123", password.ErrCommon},
		{"CommonUpper", "PASSWORD123", password.ErrCommon},
		{"CommonMixedCase", "PassWord123", password.ErrCommon},
		{"CommonSpaced", "  password123\t", password.ErrCommon},
		{"CommonKeyboardRow", "QwertyUiop", password.ErrCommon},
		{"CommonDigits", "1234567890", password.ErrCommon},
		{"CommonWord", "basketball", password.ErrCommon},
		{"CommonPlusChar", "password1234!", nil},
		{"Repeated", "aaaaaaaaaa", password.ErrCommon},
		{"RepeatedMixedCase", "AaAaAaAaAaAa", password.ErrCommon},
		{"RepeatedDigit", "1111111111", password.ErrCommon},
		{"RepeatedMultibyte", strings.Repeat("é", 12), password.ErrCommon},
		{"RepeatedLongest", strings.Repeat("z", 256), password.ErrCommon},
		{"OnlySpaces", strings.Repeat(" ", 12), password.ErrTooShort},
		{"AlmostRepeated", "aaaaaaaaab", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := password.Check(tt.pw)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			// The sentinels are returned as they are, wrapping nothing.
			assert.Equal(t, tt.want, err)
		})
	}
}

// TestCommonList checks the shipped file is in the form the loader and
// SOURCE.md promise, and holds the passwords the Check table relies on.
func TestCommonList(t *testing.T) {
	file := password.CommonPasswordsFile
	require.True(t, strings.HasSuffix(file, "\n"), "file ends with a newline")
	lines := strings.Split(strings.TrimSuffix(file, "\n"), "\n")
	assert.True(t, slices.IsSorted(lines), "file sorted bytewise (LC_ALL=C)")
	assert.Equal(t, len(slices.Compact(slices.Clone(lines))), len(lines), "no duplicates")
	for _, l := range lines {
		assert.Equal(t, strings.ToLower(strings.TrimSpace(l)), l, "entry normalised")
		assert.GreaterOrEqual(t, utf8.RuneCountInString(l), password.MinLength, "entry %q", l)
	}

	list := password.CommonList()
	assert.Equal(t, lines, list, "loaded list is the file")
	assert.Len(t, list, 1557, "update SOURCE.md when the list changes")
	for _, pw := range []string{"password123", "qwertyuiop", "1234567890", "basketball"} {
		_, found := slices.BinarySearch(list, pw)
		assert.True(t, found, "%q is on the list", pw)
	}
}

// TestCheck_EveryCommonPasswordRefused runs the whole list through Check,
// upper-cased, so the loader and Check agree on normalisation.
func TestCheck_EveryCommonPasswordRefused(t *testing.T) {
	for _, pw := range password.CommonList() {
		require.Equal(t, password.ErrCommon, password.Check(strings.ToUpper(pw)), pw)
	}
}

func BenchmarkCheck(b *testing.B) {
	password.CommonList() // load outside the timing
	b.ReportAllocs()
	for b.Loop() {
		if err := password.Check("Correct Horse Battery"); err != nil {
			b.Fatal(err)
		}
	}
}
