// Command loadgen measures the real Tandem binary under load, beside a
// hello-world Go handler measured in the same run:
//
//	loadgen -server bin/tandem [-c 32] [-d 10s] [-warmup 1s] [-gzip=true]
//	        [-only SCENARIO,...] [-keep] [-strict]
//
// It starts the server on 127.0.0.1 with a temporary database, the
// shipped quizzes and no rate limits, and the hello-world handler twice:
// in this process, and in a process of its own (this program run again
// with -serve-hello). Then, for each scenario in turn, C workers send
// requests over keep-alive connections for the given duration:
// hello-world, hello-world (process), /healthz, the home page, a quiz page,
// complete attempts (start, every page posted, the result page), the
// result page, and a result page that offers support. It prints the rate, p50 and p99 latency, errors and CPU use
// of each, the server's CPU per request against the hello-world process's
// in the same run, the server's peak memory, and each target as PASS or
// MISS. It stops the server with
// SIGTERM at the end and checks that it exits 0.
//
// Traffic goes to 127.0.0.1 only. Workers ask for gzip as browsers do
// (-gzip=false to measure without compression) and discard the bodies
// without decompressing them, so the client spends no CPU the server's
// browsers would spend elsewhere. See docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/quizzes"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
		os.Exit(1)
	}
}

// errReported means the details were already printed.
var errReported = errors.New("reported")

// Config is what a run is started with.
type Config struct {
	Server   string        // path to the tandem binary
	Quiz     string        // id of the shipped quiz to take
	Clients  int           // concurrent workers
	Duration time.Duration // measured time of each scenario
	Warmup   time.Duration // unmeasured time before each scenario
	Gzip     bool          // send Accept-Encoding: gzip
	Strict   bool          // exit 1 when a target is missed
	Keep     bool          // keep the temporary folder (database and server log)
	Only     []string      // run only these scenarios; empty: all
	// ServeHello, when set, makes this process the hello-world server
	// on that address, and nothing else: the loader starts itself so.
	ServeHello string
}

func parseConfig(args []string, stderr io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Server, "server", "bin/tandem", "the tandem binary to start (build it with make build)")
	fs.StringVar(&cfg.Quiz, "quiz", "relationship-spectrum", "id of the shipped quiz the scenarios take")
	fs.IntVar(&cfg.Clients, "c", 32, "concurrent clients, each on its own keep-alive connection")
	fs.DurationVar(&cfg.Duration, "d", 10*time.Second, "measured duration of each scenario")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "unmeasured load before each scenario")
	fs.BoolVar(&cfg.Gzip, "gzip", true, "ask for gzip-compressed pages, as browsers do")
	fs.BoolVar(&cfg.Strict, "strict", false, "exit with status 1 when a target is missed")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary folder with the database and the server's log")
	fs.StringVar(&cfg.ServeHello, "serve-hello", "", "only serve the hello-world handler on this 127.0.0.1 address (used by loadgen itself)")
	only := fs.String("only", "", "comma-separated scenarios to run, such as 'hello-world,quiz page' (for profiling)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errReported // the flag package has printed the problem and the usage
	}
	if *only != "" {
		for name := range strings.SplitSeq(*only, ",") {
			if name = strings.TrimSpace(name); !slices.Contains(scenarioNames, name) {
				return cfg, fmt.Errorf("-only: no scenario is called %q; there are %s", name, strings.Join(scenarioNames, ", "))
			}
			cfg.Only = append(cfg.Only, name)
		}
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.Clients < 1 || cfg.Clients > 4096 {
		return cfg, fmt.Errorf("-c must be between 1 and 4096, not %d", cfg.Clients)
	}
	if cfg.Duration <= 0 || cfg.Duration > time.Hour {
		return cfg, fmt.Errorf("-d must be positive and at most an hour, not %s", cfg.Duration)
	}
	if cfg.Warmup < 0 || cfg.Warmup > time.Hour {
		return cfg, fmt.Errorf("-warmup must be between 0 and an hour, not %s", cfg.Warmup)
	}
	return cfg, nil
}

// run is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.ServeHello != "" {
		return serveHello(ctx, cfg.ServeHello)
	}
	q, err := shippedQuiz(cfg.Quiz)
	if err != nil {
		return err
	}

	srv, err := startServer(ctx, cfg.Server, cfg.Keep)
	if err != nil {
		return err
	}
	defer srv.cleanup(stderr)
	stopped := false
	defer func() {
		if !stopped {
			_ = srv.stop()
		}
	}()
	hello, err := startHello()
	if err != nil {
		return err
	}
	defer hello.Close()
	helloProc, err := startHelloProcess(ctx)
	if err != nil {
		return fmt.Errorf("start the hello-world process: %w", err)
	}
	defer func() { _ = helloProc.stop() }()

	fmt.Fprintf(stdout, "loadgen: %s on %s; hello-world on %s, in this process, and on %s, in its own\n",
		cfg.Server, srv.addr, hello.addr, helloProc.addr)
	fmt.Fprintf(stdout, "machine: %s, %d CPUs (GOMAXPROCS %d), %s; %d clients, %s per scenario after %s warm-up, gzip %t\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(),
		cfg.Clients, cfg.Duration, cfg.Warmup, cfg.Gzip)

	tandem := newClient("http://"+srv.addr, cfg.Clients, cfg.Gzip)
	helloClient := newClient("http://"+hello.addr, cfg.Clients, cfg.Gzip)
	helloProcClient := newClient("http://"+helloProc.addr, cfg.Clients, cfg.Gzip)
	flow := newFlow(tandem, q, false)
	// The quiz page and result page scenarios read attempts made here.
	pageToken, err := flow.start(ctx)
	if err != nil {
		return fmt.Errorf("start an attempt for the quiz page scenario: %w", err)
	}
	resultToken, _, err := flow.complete(ctx)
	if err != nil {
		return fmt.Errorf("complete an attempt for the result page scenario: %w", err)
	}
	supportToken, _, err := newFlow(tandem, q, true).complete(ctx)
	if err != nil {
		return fmt.Errorf("complete an attempt for the result page with support scenario: %w", err)
	}
	fmt.Fprintf(stdout, "quiz %s: %d pages, %d items; a complete attempt is %d requests\n\n",
		q.ID, len(q.Sections), q.ItemCount(), len(q.Sections)+2)

	scenarios := []scenario{
		{name: scHello, unit: "req/s", client: helloClient, op: getOp(helloClient, "/", "")},
		{name: scHelloProc, unit: "req/s", client: helloProcClient, pid: helloProc.pid(), op: getOp(helloProcClient, "/", "")},
		{name: scHealth, unit: "req/s", client: tandem, pid: srv.pid(), op: getOp(tandem, "/healthz", "")},
		{name: scHome, unit: "req/s", page: true, client: tandem, pid: srv.pid(), op: getOp(tandem, "/", "")},
		{name: scQuizPage, unit: "req/s", page: true, client: tandem, pid: srv.pid(),
			op: getOp(tandem, "/attempts/"+pageToken+"/1", flow.cookie(pageToken))},
		{name: scComplete, unit: "att/s", client: tandem, pid: srv.pid(), op: func(ctx context.Context) (int, error) {
			_, n, err := flow.complete(ctx)
			return n, err
		}},
		{name: scResult, unit: "req/s", page: true, client: tandem, pid: srv.pid(),
			op: getOp(tandem, "/results/"+resultToken, "")},
		{name: scResultSupport, unit: "req/s", page: true, client: tandem, pid: srv.pid(),
			op: getOp(tandem, "/results/"+supportToken, "")},
	}
	var results []result
	for _, sc := range scenarios {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, sc.name) {
			continue
		}
		dials := sc.client.dials.Load()
		if cfg.Warmup > 0 {
			measure(ctx, sc, cfg.Clients, cfg.Warmup)
		}
		res := measure(ctx, sc, cfg.Clients, cfg.Duration)
		res.conns = sc.client.dials.Load() - dials
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		fmt.Fprintln(stdout, res.line())
		results = append(results, res)
	}

	peak, rssErr := srv.peakRSS()
	stopped = true
	stopErr := srv.stop()
	logged := srv.logSummary()

	r := report{cfg: cfg, results: results, peakRSS: peak, rssErr: rssErr, stopErr: stopErr, logged: logged,
		attemptRequests: len(q.Sections) + 2}
	missed := r.print(stdout)
	if missed && cfg.Strict {
		return errReported
	}
	return nil
}

// The scenarios, in the order they run.
const (
	scHello     = "hello-world"
	scHelloProc = "hello-world (process)"
	scHealth    = "healthz"
	scHome      = "home"
	scQuizPage  = "quiz page"
	scComplete  = "complete attempt"
	scResult    = "result page"
	// scResultSupport is a result whose answers raise both support flags:
	// their messages and helplines come first. Rare, and not a target.
	scResultSupport = "result page, support"
)

var scenarioNames = []string{scHello, scHelloProc, scHealth, scHome, scQuizPage, scComplete, scResult, scResultSupport}

// shippedQuiz returns the shipped quiz with the given id, as the server
// built from this tree serves it.
func shippedQuiz(id string) (*quiz.Quiz, error) {
	qs, err := quiz.LoadFS(quizzes.FS, "quizzes")
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.ID == id {
			return q, nil
		}
	}
	return nil, fmt.Errorf("no shipped quiz has the id %q", id)
}

// cpuModel names the processor, as Linux reports it.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	if v, ok := procField(string(data), "model name"); ok {
		return v
	}
	return runtime.GOARCH
}
