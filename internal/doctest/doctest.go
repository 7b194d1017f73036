// Package doctest reads the tables of the markdown documents in docs/,
// for tests that hold a document's figures to what the code computes. It
// is for tests only.
package doctest

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Read returns the text of the file at path.
func Read(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	return string(data)
}

// Table returns the body rows of the markdown table in doc whose header
// row starts with header, each as its cells, trimmed of spaces and of the
// backquotes around code. It fails the test when there is no such table
// or it has no rows.
func Table(tb testing.TB, doc, header string) [][]string {
	tb.Helper()
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, header) {
			continue
		}
		require.Less(tb, i+1, len(lines))
		require.True(tb, strings.HasPrefix(lines[i+1], "| ---"), "no separator under %q", header)
		var rows [][]string
		for _, r := range lines[i+2:] {
			if !strings.HasPrefix(r, "|") {
				break
			}
			cells := strings.Split(strings.Trim(strings.TrimSpace(r), "|"), "|")
			for j := range cells {
				cells[j] = strings.Trim(strings.TrimSpace(cells[j]), "`")
			}
			rows = append(rows, cells)
		}
		require.NotEmpty(tb, rows, "table %q has no rows", header)
		return rows
	}
	tb.Fatalf("no table whose header starts %q", header)
	return nil
}
