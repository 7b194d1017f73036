package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v4"
)

// TestCatalogue checks the English catalogue against the code: every
// message the code asks for exists, and every message is used. (Missing
// messages on rendered pages are also caught by every handler test, which
// fails on the ⟦id⟧ marker.)
func TestCatalogue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "web", "locales", "en.yaml"))
	require.NoError(t, err)
	var catalogue map[string]any
	require.NoError(t, yaml.Load(data, &catalogue))

	var sources []string
	for _, pattern := range []string{"../../web/views/*.templ", "../../web/views/*.go", "*.go"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			sources = append(sources, string(b))
		}
	}
	code := strings.Join(sources, "\n")

	// Message ids look like "area.name" in double quotes.
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`"([a-z]+(?:\.[a-z]+)+)"`).FindAllStringSubmatch(code, -1) {
		used[m[1]] = true
	}
	var missing, unused []string
	for id := range used {
		if _, ok := catalogue[id]; !ok && looksLikeMessage(id) {
			missing = append(missing, id)
		}
	}
	for id := range catalogue {
		if !used[id] && id != "lang" {
			unused = append(unused, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	assert.Empty(t, missing, "messages the code uses that en.yaml lacks")
	assert.Empty(t, unused, "messages in en.yaml that no code uses")
}

// looksLikeMessage tells message ids from other dotted strings in code,
// such as file names.
func looksLikeMessage(id string) bool {
	for _, ext := range []string{".css", ".svg", ".js", ".json", ".csv", ".yaml", ".go", ".db"} {
		if strings.HasSuffix(id, ext) {
			return false
		}
	}
	return true
}
