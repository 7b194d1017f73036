package password

import (
	_ "embed" // for the common-password list
	"slices"
	"strings"
	"sync"
)

// commonPasswords is the breached-password list: one password a line,
// lowercased, deduplicated and sorted bytewise. Only passwords of at least
// MinLength characters are kept, since shorter ones fail Check anyway.
// SOURCE.md says where it comes from and how to regenerate it.
//
//go:embed common-passwords.txt
var commonPasswords string

// commonList is the list as a sorted slice for binary search, built on the
// first call. Its entries are substrings of the embedded file, so they
// share its read-only bytes (about 18 KB, in the binary either way): the
// only heap cost is the slice itself, 16 bytes an entry, 27 KB measured for
// the 1,557 entries shipped. A map of them measured 109 KB. A search is 11
// string comparisons.
var commonList = sync.OnceValue(func() []string {
	list := strings.Split(commonPasswords, "\n")
	for i, s := range list {
		// A no-op on the shipped file, which is already in this form; it
		// keeps a hand-edited file from silently never matching.
		list[i] = strings.ToLower(strings.TrimSpace(s))
	}
	list = slices.DeleteFunc(list, func(s string) bool { return s == "" })
	slices.Sort(list)
	return slices.Compact(list)
})

// isCommon reports whether norm, already trimmed and lowercased, is in the
// common-password list.
func isCommon(norm string) bool {
	_, found := slices.BinarySearch(commonList(), norm)
	return found
}
