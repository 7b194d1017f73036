package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/sqlite"
)

// normsUsage is the synopsis of the norms command.
const normsUsage = "usage: tandem norms [-db PATH] [-quizzes DIR] [-simulate N] [-seed S] QUIZ-ID"

// minNormsSample is the number of attempts below which the figures are
// printed with a warning: with fewer, an SD or an alpha moves a lot from
// one attempt to the next. Published norms use hundreds.
const minNormsSample = 30

// normsCommand recomputes the norms of one quiz, tandem norms QUIZ-ID:
// the N, mean and SD of every scale's score and Cronbach's alpha, from the
// completed attempts of the quiz's current version in the database, or
// with -simulate N from N simulated respondents (scoring.Simulate). It
// prints a table, then the norms as YAML to paste into the quiz file. It
// never creates a database: one that does not exist is an error, so that
// a mistyped path is noticed rather than reported as "no attempts".
// docs/norms.md explains the figures and how to use them.
func normsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var (
		dbPath, dir string
		simulate    int
		seed        uint64
	)
	fset := flag.NewFlagSet("tandem norms", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, normsUsage)
		fset.PrintDefaults()
	}
	fset.StringVar(&dbPath, "db", env("TANDEM_DB", filepath.Join("data", "tandem.db")), "SQLite database file to read the completed attempts from; it must exist (TANDEM_DB)")
	fset.StringVar(&dir, "quizzes", env("TANDEM_QUIZZES", ""), "folder of quiz YAML files to read instead of the shipped ones (TANDEM_QUIZZES)")
	fset.IntVar(&simulate, "simulate", 0, "simulate this many respondents instead of reading the database (see docs/norms.md)")
	fset.Uint64Var(&seed, "seed", 1, "seed of the simulation; the same seed gives the same figures")
	// Flags may come before or after the quiz id.
	var ids []string
	for {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return errReported // the flag package has printed the problem and the usage
		}
		if fset.NArg() == 0 {
			break
		}
		ids = append(ids, fset.Arg(0))
		args = fset.Args()[1:]
	}
	if len(ids) != 1 {
		fmt.Fprintln(stderr, normsUsage)
		return errReported
	}
	if simulate < 0 {
		return fmt.Errorf("-simulate must be a number of respondents, not %d", simulate)
	}

	qs, err := loadQuizzes(dir)
	if err != nil {
		var ps quiz.Problems
		if errors.As(err, &ps) {
			fmt.Fprintf(stderr, "%s\ntandem: %d problem(s) in the quiz files; fix them and try again\n", ps, len(ps))
			return errReported
		}
		return err
	}
	q, err := findQuiz(qs, ids[0])
	if err != nil {
		return err
	}

	// The date goes into the source, so readers know how old the figures
	// are; a simulation is dated by its year only, since it gives the same
	// figures on any day.
	today := time.Now().Format(time.DateOnly)
	var (
		attempts []scoring.Answers
		from     string             // for the heading
		source   func(n int) string // the norms' source, for n scores
	)
	if simulate > 0 {
		attempts = scoring.Simulate(q, simulate, seed)
		from = fmt.Sprintf("%d simulated respondents (seed %d)", simulate, seed)
		source = func(n int) string {
			return fmt.Sprintf("Provisional: simulated respondents, n = %d, seed %d (%s); "+
				"replace with real data using `tandem norms %s`, see docs/norms.md", n, seed, today[:4], q.ID)
		}
	} else {
		if attempts, err = completedAnswers(ctx, dbPath, q); err != nil {
			return err
		}
		from = fmt.Sprintf("%d completed attempts of version %d in %s", len(attempts), q.Version, dbPath)
		source = func(n int) string {
			return fmt.Sprintf("Tandem database, n = %d completed attempts (%s)", n, today)
		}
	}

	usable := attempts[:0:0]
	for _, a := range attempts {
		if scoring.Check(q, a) == nil {
			usable = append(usable, a)
		}
	}
	if left := len(attempts) - len(usable); left > 0 {
		fmt.Fprintf(stderr, "tandem: %d of the %d attempts do not fit %s as it is now and are left out; "+
			"did its items change without a new version?\n", left, len(attempts), q.File)
	}
	if len(usable) < minNormsSample {
		fmt.Fprintf(stderr, "tandem: warning: only %d attempts; figures from fewer than %d are not yet meaningful, "+
			"and published norms use hundreds\n", len(usable), minNormsSample)
	}
	stats := scoring.Describe(q, usable)
	printNormsTable(stdout, q, from, stats)
	printNormsYAML(stdout, q, stats, source)
	return nil
}

// findQuiz returns the quiz with the given id, or an error listing the ids
// there are.
func findQuiz(qs []*quiz.Quiz, id string) (*quiz.Quiz, error) {
	ids := make([]string, len(qs))
	for i, q := range qs {
		if q.ID == id {
			return q, nil
		}
		ids[i] = q.ID
	}
	return nil, fmt.Errorf("there is no quiz with the id %q; the quizzes are: %s", id, strings.Join(ids, ", "))
}

// completedAnswers reads the completed attempts of q's current version
// from the database at path, which must exist.
func completedAnswers(ctx context.Context, path string, q *quiz.Quiz) ([]scoring.Answers, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the database %s does not exist; name the server's database with -db or TANDEM_DB, "+
				"or simulate respondents with -simulate N", path)
		}
		return nil, err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.CompletedAnswers(ctx, q.ID, q.Version)
}

func printNormsTable(w io.Writer, q *quiz.Quiz, from string, stats []scoring.ScaleStats) {
	fmt.Fprintf(w, "%s version %d: %s\n\n", q.ID, q.Version, from)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scale\tn\tmean\tsd\talpha\talpha n")
	for _, s := range stats {
		mean, sd, alpha := "-", "-", "-"
		if s.N > 0 {
			mean = strconv.FormatFloat(s.Mean, 'f', 2, 64)
		}
		if s.N > 1 {
			sd = strconv.FormatFloat(s.SD, 'f', 2, 64)
		}
		if s.HasAlpha {
			alpha = strconv.FormatFloat(s.Alpha, 'f', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\n", s.Scale, s.N, mean, sd, alpha, s.AlphaN)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// printNormsYAML prints a norms block per scale, indented as in a quiz
// file, so that each can be pasted under its scale; together they are one
// valid YAML list. A scale that cannot have norms (no SD, or no usable
// reliability, which the loader requires) gets its block commented out,
// with the reason, so that pasting everything never breaks the file.
func printNormsYAML(w io.Writer, q *quiz.Quiz, stats []scoring.ScaleStats, source func(n int) string) {
	fmt.Fprintf(w, "# Norms for %s: paste each norms block under its scale in %s.\n", q.ID, q.File)
	fmt.Fprintf(w, "# Keep version: %d, since the scoring does not change, and restart the server.\n", q.Version)
	for _, s := range stats {
		fmt.Fprintf(w, "  - id: %s\n", s.Scale)
		sd := round(s.SD, 1)
		if s.N < 2 || sd <= 0 {
			fmt.Fprintf(w, "    # No norms: %d scores, and norms need an SD above 0.\n", s.N)
			continue
		}
		rel := round(s.Alpha, 2)
		lines := []string{
			"norms:",
			fmt.Sprintf("  mean: %.1f", round(s.Mean, 1)),
			fmt.Sprintf("  sd: %.1f", sd),
			fmt.Sprintf("  reliability: %.2f", rel),
			"  source: " + yamlQuote(source(s.N)),
		}
		var why string
		switch {
		case !s.HasAlpha:
			why = "Cronbach's alpha is undefined here (" + whyNoAlpha(s) + ")"
		case rel <= 0 || rel >= 1:
			why = fmt.Sprintf("Cronbach's alpha is %.3f, outside 0..1 once rounded", s.Alpha)
		}
		prefix := "    "
		if why != "" {
			fmt.Fprintf(w, "    # No norms: %s,\n", why)
			fmt.Fprintf(w, "    # and norms need a reliability between 0 and 1. Without it, they would be:\n")
			lines[3] = "  reliability: none"
			prefix = "    # "
		}
		for _, l := range lines {
			fmt.Fprintln(w, prefix+l)
		}
	}
}

// whyNoAlpha says in a few words why a scale has no alpha.
func whyNoAlpha(s scoring.ScaleStats) string {
	switch {
	case s.Items < 2:
		return "the scale has only one item"
	case s.AlphaN < 2:
		return fmt.Sprintf("only %d of the attempts answered all %d of its items; it needs 2", s.AlphaN, s.Items)
	}
	return "the total of its items is the same in every attempt"
}

func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

// yamlQuote quotes s as a single-quoted YAML scalar, in which only the
// single quote itself needs escaping (doubled). A source such as
// "Provisional: simulated ..." is not a valid plain scalar.
func yamlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
