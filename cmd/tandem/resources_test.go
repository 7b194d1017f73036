package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_SupportResources(t *testing.T) {
	write := func(t *testing.T, text string) string {
		file := filepath.Join(t.TempDir(), "helplines.yaml")
		require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
		return file
	}

	t.Run("Serves", func(t *testing.T) {
		file := write(t, "region: NZ\nsupport:\n  safety:\n    - {name: Refuge, url: \"https://womensrefuge.org.nz\", region: NZ}\n")
		srv, _ := startServer(t, "-support-resources", file)
		resp, _ := get(t, srv.URL, "/healthz")
		assert.Equal(t, 200, resp.StatusCode)
	})

	for _, tt := range []struct {
		name, file string
		want       []string
	}{
		{"Malformed", "support:\n  safety:\n    - {name: Refuge, url: \"http://womensrefuge.org.nz\"}\n", []string{
			`:3:7: resource "Refuge" of support flag "safety" has no region`,
			`:3:27: resource "Refuge" of support flag "safety" url "http://womensrefuge.org.nz" is not https`,
		}},
		{"UnknownFlag", "support:\n  saftey:\n    - {name: Refuge, url: \"https://womensrefuge.org.nz\", region: NZ}\n", []string{
			`:2:3: no quiz has a support flag "saftey" — did you mean "safety"?`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := write(t, tt.file)
			db := filepath.Join(t.TempDir(), "t.db")
			_, stderr, err := runOnce(t, []string{"-addr", "127.0.0.1:0", "-db", db, "-support-resources", file}, env(nil))
			require.Error(t, err)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			require.Len(t, lines, len(tt.want)+1, "stderr:\n%s", stderr)
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(lines[i], file+w), "line %d is %q, want prefix %q", i+1, lines[i], file+w)
			}
			assert.Contains(t, lines[len(lines)-1], fmt.Sprintf("refusing to start: %d problem(s) in the support resources file", len(tt.want)))
			assert.NoFileExists(t, db, "the database is not touched")
		})
	}

	t.Run("MissingFile", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "t.db")
		missing := filepath.Join(t.TempDir(), "nope.yaml")
		_, _, err := runOnce(t, []string{"-addr", "127.0.0.1:0", "-db", db, "-support-resources", missing}, env(nil))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "-support-resources: open "+missing+": no such file or directory")
		assert.NoFileExists(t, db)
	})
}

// TestReadme_EveryFlag keeps the README's configuration table in step with
// the flags: each one, with its environment variable, has a row.
func TestReadme_EveryFlag(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, help, err := runOnce(t, []string{"-h"}, env(nil))
	require.NoError(t, err)
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help, -1)
	require.GreaterOrEqual(t, len(flags), 10, "help:\n%s", help)
	for _, f := range flags {
		envName := "TANDEM_" + strings.ToUpper(strings.ReplaceAll(f[1], "-", "_"))
		row := "| `-" + f[1] + "` | `" + envName + "` |"
		assert.Contains(t, string(readme), row, "the README's table has no row for -%s", f[1])
	}
}
