package quiz_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/quizzes"
)

// BenchmarkParse parses one quiz file from bytes: the shipped quiz, and
// the weighted fixture, which exercises weights and a second layout.
func BenchmarkParse(b *testing.B) {
	shipped, err := fs.ReadFile(quizzes.FS, "relationship-spectrum.yaml")
	require.NoError(b, err)
	weighted, err := os.ReadFile(filepath.Join("..", "..", "testdata", "quizzes", "weighted-sleep.yaml"))
	require.NoError(b, err)
	benchmarks := []struct {
		name string
		data []byte
	}{
		{"shipped", shipped},
		{"weighted-sleep", weighted},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			_, err := quiz.Parse(bm.name, bm.data)
			require.NoError(b, err)
			b.SetBytes(int64(len(bm.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := quiz.Parse(bm.name, bm.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadFS loads the shipped quizzes as the server does at start.
func BenchmarkLoadFS(b *testing.B) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	require.NoError(b, err)
	require.NotEmpty(b, qs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := quiz.LoadFS(quizzes.FS, "quizzes"); err != nil {
			b.Fatal(err)
		}
	}
}
