package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestContained: what is shown isolated keeps its text, and loses only
// what would undo the isolate around it.
func TestContained(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "Dr Ana Ruiz", "Dr Ana Ruiz"},
		{"RightToLeft", "ד״ר נועה", "ד״ר נועה"},
		{"OverrideKept", "\u202eAna", "\u202eAna"}, // the isolate ends it
		{"StrayPop", "Ana\u2069\u202e x", "Ana\u202e x"},
		{"MatchedIsolate", "\u2067Ana\u2069 Ruiz", "\u2067Ana\u2069 Ruiz"},
		{"OpenIsolate", "\u2067Ana", "\u2067Ana\u2069"},
		{"OpenIsolates", "\u2066a\u2068b", "\u2066a\u2068b\u2069\u2069"},
		{"PopThenOpen", "\u2069\u2067", "\u2067\u2069"},
		{"ParagraphSeparators", "a\nb\rc\u2029d\u0085e\x1cf", "a b c d e f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, contained(tt.in))
			assert.Equal(t, "\u2068"+tt.want+"\u2069", IsolateText(tt.in))
		})
	}
}
