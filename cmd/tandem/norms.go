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

// provisionalBelow is the number of scores below which norms from the
// database are printed with provisional: true. Below a few hundred, an SD
// or an alpha still moves noticeably as attempts come in (the pilot plan
// in docs/instrument.md asks for 300), so the figures stand in for better
// ones, as a simulation's do.
const provisionalBelow = 300

// minReliability is the Cronbach's alpha below which a scale gets no norms:
// its scores are too noisy for a reliable-change verdict, and no claim is
// better than a wrong one. .70 is the usual floor for comparing groups; a
// verdict about one person's change deserves more, which the smallest
// reliable change printed beside it shows.
const minReliability = 0.70

// normsCommand recomputes the norms of one quiz, tandem norms QUIZ-ID:
// the N, mean and SD of every scale's score and Cronbach's alpha, from the
// completed attempts of the quiz's current version in the database, or
// with -simulate N from N simulated respondents (scoring.Simulate). It
// prints a table of the scales, with the smallest reliable change their
// norms imply and whether they are usable (alpha of .70 or more), a table
// of how often each result came out, and then the norms of the usable
// scales as YAML to paste into the quiz file. Norms from a simulation, or
// from fewer than provisionalBelow attempts, say provisional: true. It
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
		from     string // for the heading
		source   normsSource
	)
	if simulate > 0 {
		attempts = scoring.Simulate(q, simulate, seed)
		from = fmt.Sprintf("%d simulated respondents (seed %d)", simulate, seed)
		source = normsSource{
			text: func(n int) string {
				return fmt.Sprintf("Simulated respondents, n = %d, seed %d (%s); "+
					"replace with real data using `tandem norms %s`, see docs/norms.md", n, seed, today[:4], q.ID)
			},
			provisional: func(int) (bool, string) { return true, "" },
			note: "# Simulated respondents, not people: the norms are provisional until real attempts\n" +
				"# replace them, and docs/norms.md says what they cannot tell.",
		}
	} else {
		if attempts, err = completedAnswers(ctx, dbPath, q); err != nil {
			return err
		}
		from = fmt.Sprintf("%d completed attempts of version %d in %s", len(attempts), q.Version, dbPath)
		source = normsSource{
			text: func(n int) string {
				return fmt.Sprintf("Tandem database, n = %d completed attempts (%s)", n, today)
			},
			provisional: func(n int) (bool, string) {
				if n >= provisionalBelow {
					return false, ""
				}
				return true, fmt.Sprintf("Provisional: only %d scores. Below %d, the sd and the reliability can still\n"+
					"move as attempts come in: run this again later, and drop provisional: true\n"+
					"once the figures come from %d or more (docs/norms.md).", n, provisionalBelow, provisionalBelow)
			},
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
	printNormsTable(stdout, q, from, stats, source)
	printResultsTable(stdout, q, usable)
	printNormsYAML(stdout, q, stats, source)
	return nil
}

// normsSource says where a set of figures comes from, for the norms blocks.
type normsSource struct {
	// text is the source of norms made of n scores.
	text func(n int) string
	// provisional says whether norms made of n scores are provisional,
	// and why, as lines of a comment above the block ("" for none).
	provisional func(n int) (bool, string)
	// note is printed under the heading of the YAML: comment lines, or "".
	note string
}

// normsVerdict says whether a scale's figures can be its norms and, when
// they cannot, why, in a few words for the table. The table and the YAML
// both ask it, so that they never disagree.
func normsVerdict(s scoring.ScaleStats) (ok bool, why string) {
	switch {
	case s.N < 2 || round(s.SD, 1) <= 0:
		return false, "none: no sd"
	case !s.HasAlpha:
		return false, "none: no alpha"
	case round(s.Alpha, 2) >= 1:
		return false, "none: alpha rounds to 1"
	// Decided on the alpha as the table shows it, to three decimals, so
	// that a row never reads 0.700 and "below .70".
	case round(s.Alpha, 3) < minReliability:
		return false, "not usable: alpha below .70"
	}
	return true, ""
}

// smallestChange is the smallest difference between two scores that
// counts as a reliable change with these norms (quiz-format.md, Scoring,
// rule 6): 1.96 * sqrt(2) * sd * sqrt(1 - reliability). It is computed
// from sd and reliability as they are written in the file.
func smallestChange(sd, reliability float64) float64 {
	return scoring.ReliableThreshold * math.Sqrt2 * sd * math.Sqrt(1-reliability)
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

func printNormsTable(w io.Writer, q *quiz.Quiz, from string, stats []scoring.ScaleStats, source normsSource) {
	fmt.Fprintf(w, "%s version %d: %s\n\n", q.ID, q.Version, from)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scale\tn\tmean\tsd\talpha\talpha n\tchange\tnorms")
	for _, s := range stats {
		mean, sd, alpha, change := "-", "-", "-", "-"
		if s.N > 0 {
			mean = strconv.FormatFloat(s.Mean, 'f', 2, 64)
		}
		if s.N > 1 {
			sd = strconv.FormatFloat(s.SD, 'f', 2, 64)
		}
		if s.HasAlpha {
			alpha = strconv.FormatFloat(s.Alpha, 'f', 3, 64)
		}
		ok, verdict := normsVerdict(s)
		if ok {
			change = strconv.FormatFloat(smallestChange(round(s.SD, 1), round(s.Alpha, 2)), 'f', 1, 64)
			verdict = "yes"
			if p, _ := source.provisional(s.N); p {
				verdict = "yes, provisional"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\n", s.Scale, s.N, mean, sd, alpha, s.AlphaN, change, verdict)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "change: the smallest difference between two attempts that counts as reliable,")
	fmt.Fprintln(w, "1.96 * sqrt(2) * sd * sqrt(1 - reliability), with sd and reliability rounded as in the norms.")
	fmt.Fprintln(w, "norms: a scale whose alpha is below .70 is too noisy for reliable change and gets no norms.")
	fmt.Fprintln(w)
}

// printResultsTable prints how many of the attempts got each result, in
// the quiz's order: with real attempts, the spread that a cut or a
// threshold is judged by (docs/instrument.md); with simulated ones, what
// the model's assumptions imply.
func printResultsTable(w io.Writer, q *quiz.Quiz, attempts []scoring.Answers) {
	counts := make(map[string]int, len(q.Results))
	for _, a := range attempts {
		// attempts holds only answers that Check accepts, which Score
		// scores without error.
		if out, err := scoring.Score(q, a); err == nil {
			counts[out.Result]++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "result\tn\tshare")
	for _, r := range q.Results {
		share := "-"
		if len(attempts) > 0 {
			share = strconv.FormatFloat(100*float64(counts[r.ID])/float64(len(attempts)), 'f', 1, 64) + "%"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.ID, counts[r.ID], share)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// printNormsYAML prints a norms block per usable scale, indented as in a
// quiz file, so that each can be pasted under its scale; together they are
// one valid YAML list. A scale whose alpha is below minReliability gets a
// comment saying so instead of a block. A scale that cannot have norms for
// another reason (no SD, or no usable reliability, which the loader
// requires) gets its block commented out, with the reason, so that pasting
// everything never breaks the file. Provisional norms say provisional:
// true, with the reason in a comment when the source gives one.
func printNormsYAML(w io.Writer, q *quiz.Quiz, stats []scoring.ScaleStats, source normsSource) {
	fmt.Fprintf(w, "# Norms for %s: paste each norms block under its scale in %s.\n", q.ID, q.File)
	fmt.Fprintf(w, "# Keep version: %d, since the scoring does not change, and restart the server.\n", q.Version)
	if source.note != "" {
		fmt.Fprintln(w, source.note)
	}
	for _, s := range stats {
		fmt.Fprintf(w, "  - id: %s\n", s.Scale)
		sd := round(s.SD, 1)
		if s.N < 2 || sd <= 0 {
			fmt.Fprintf(w, "    # No norms: %d scores, and norms need an SD above 0.\n", s.N)
			continue
		}
		rel := round(s.Alpha, 2)
		if ok, _ := normsVerdict(s); !ok && s.HasAlpha && rel < 1 {
			fmt.Fprintf(w, "    # No norms: Cronbach's alpha is %.3f, below %.2f, too noisy for a verdict\n", s.Alpha, minReliability)
			fmt.Fprintf(w, "    # on reliable change; leave this scale without norms (docs/norms.md).\n")
			continue
		}
		provisional, why := source.provisional(s.N)
		lines := []string{
			"norms:",
			fmt.Sprintf("  mean: %.1f", round(s.Mean, 1)),
			fmt.Sprintf("  sd: %.1f", sd),
			fmt.Sprintf("  reliability: %.2f", rel),
		}
		if provisional {
			lines = append(lines, "  provisional: true")
		}
		lines = append(lines, "  source: "+yamlQuote(source.text(s.N)))
		var whyNot string
		switch {
		case !s.HasAlpha:
			whyNot = "Cronbach's alpha is undefined here (" + whyNoAlpha(s) + ")"
		case rel >= 1:
			whyNot = fmt.Sprintf("Cronbach's alpha is %.3f, outside 0..1 once rounded", s.Alpha)
		}
		prefix := "    "
		if whyNot != "" {
			fmt.Fprintf(w, "    # No norms: %s,\n", whyNot)
			fmt.Fprintf(w, "    # and norms need a reliability between 0 and 1. Without it, they would be:\n")
			lines[3] = "  reliability: none"
			prefix = "    # "
		} else if why != "" {
			for _, l := range strings.Split(why, "\n") {
				fmt.Fprintf(w, "    # %s\n", l)
			}
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
// "Simulated respondents, n = 2000, seed 1 (2026); ..." or one with a
// colon and a space is not a valid plain scalar.
func yamlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
