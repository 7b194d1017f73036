package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSafeCell: no cell of an export runs in a spreadsheet or hides what
// it holds.
func TestSafeCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "Holding on", "Holding on"},
		{"Empty", "", ""},
		{"Equals", "=1+2", "'=1+2"},
		{"Plus", "+1", "'+1"},
		{"Minus", "-1", "'-1"},
		{"At", "@SUM(A1)", "'@SUM(A1)"},
		{"SpacesThenFormula", "  =1+2", "'  =1+2"},
		{"NoBreakSpaceThenFormula", "\u00a0=1+2", "'\u00a0=1+2"},
		{"TabThenFormula", "\t=1+2", "' =1+2"},
		{"CarriageReturnThenFormula", "\r=1+2", "' =1+2"},
		{"NewlinesInside", "a\nb\r\nc", "a b  c"},
		{"FormulaLater", "a=1+2", "a=1+2"},
		{"OnlySpaces", "   ", "   "},
		{"Override", "\u202eAB", "AB"},
		{"HiddenBeforeFormula", "\u200b=1+2", "'=1+2"},
		{"Controls", "a\x00b\x07c\x7fd\u009be", "abcde"},
		{"FormatCharacters", "a\u200eb\u2066c\u2069d\ufeffe\u00adf", "abcdef"},
		{"Separators", "a\u2028b\u2029c", "a b c"},
		{"RightToLeftText", "ד״ר נועה", "ד״ר נועה"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, safeCell(tt.in)) })
	}
}
