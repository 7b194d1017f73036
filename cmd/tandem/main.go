// Command tandem serves the Tandem questionnaires, and checks quiz files
// for their authors:
//
//	tandem [-addr :8080] [-db data/tandem.db] [-quizzes DIR] [-log-format text|json] [-base-url URL]
//	tandem validate FILE...
//	tandem norms [-simulate N] QUIZ-ID
//	tandem backup [-db PATH] FILE
//
// Every flag has an environment variable of the same meaning (TANDEM_ADDR,
// TANDEM_DB, TANDEM_QUIZZES, TANDEM_LOG_FORMAT, ...); the flag wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/sqlite"
	"github.com/tandem-app/tandem/internal/web"
	"github.com/tandem-app/tandem/quizzes"
	"github.com/tandem-app/tandem/web/views"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal during the drain ends the process at once
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "tandem:", err)
		}
		os.Exit(1)
	}
}

// gcPercent is the garbage collector's target, unless GOGC says otherwise:
// the heap may grow to five times what is live before a collection.
const gcPercent = 400

// errReported means the details were already printed for the person.
var errReported = errors.New("reported")

// run is main without the process around it, so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ownerOnly() // files and folders made from here on are 0600 and 0700
	if len(args) > 0 {
		switch args[0] {
		case "validate":
			return validate(args[1:], stdout, stderr)
		case "norms":
			return normsCommand(ctx, args[1:], getenv, stdout, stderr)
		case "backup":
			return backupCommand(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if getenv("GOGC") == "" {
		// The live heap is a few megabytes: collecting it after every
		// few megabytes of garbage costs more CPU (a fifth of a page's)
		// than the memory saved is worth. GOGC, when set, decides.
		debug.SetGCPercent(gcPercent)
	}
	return serve(ctx, cfg, stderr)
}

// Config is everything the server is started with.
type Config struct {
	Addr      string
	DB        string
	Quizzes   string // folder of quiz files; empty for the shipped ones
	LogFormat string // text or json
	BaseURL   string // where people reach the server; empty: as each request says
	HSTS      bool
	// RateLimits turns the per-IP limits on writes on (the default).
	RateLimits     bool
	TrustedProxies []string
	// SecureCookies marks cookies Secure (https only); on unless the
	// server is reached on localhost.
	SecureCookies bool
	// ExitURL is the neutral site "Leave quickly" opens.
	ExitURL string
	// SupportResources is a file of helplines that replace the quizzes'
	// for the regions it names; empty for the quizzes' own.
	SupportResources string
	// KeyFile holds the key share links are derived from; beside the
	// database unless set.
	KeyFile   string
	DraftDays int
	// DrainDelay is how long /healthz answers 503 before the listener
	// closes, so a load balancer notices and sends no new requests.
	DrainDelay time.Duration
	ShutdownIn time.Duration
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var cfg Config
	env := environment{getenv: getenv}
	fs := flag.NewFlagSet("tandem", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env.string("TANDEM_ADDR", ":8080"), "address to listen on (TANDEM_ADDR)")
	fs.StringVar(&cfg.DB, "db", env.string("TANDEM_DB", filepath.Join("data", "tandem.db")), "SQLite database file, created with its folders when missing (TANDEM_DB)")
	fs.StringVar(&cfg.Quizzes, "quizzes", env.string("TANDEM_QUIZZES", ""), "folder of quiz YAML files to serve instead of the shipped ones (TANDEM_QUIZZES)")
	fs.StringVar(&cfg.LogFormat, "log-format", env.string("TANDEM_LOG_FORMAT", "text"), "log format: text or json (TANDEM_LOG_FORMAT)")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", env.duration("TANDEM_DRAIN_DELAY", time.Second),
		"on shutdown, how long /healthz answers 503 before the server stops accepting (TANDEM_DRAIN_DELAY)")
	fs.StringVar(&cfg.BaseURL, "base-url", env.string("TANDEM_BASE_URL", ""),
		"public address behind a reverse proxy, such as https://tandem.example: private links use it, and cookies are Secure when it is https (TANDEM_BASE_URL)")
	fs.BoolVar(&cfg.HSTS, "hsts", env.bool("TANDEM_HSTS", false),
		"send Strict-Transport-Security: only for servers reached over https alone (TANDEM_HSTS)")
	fs.BoolVar(&cfg.RateLimits, "rate-limits", env.bool("TANDEM_RATE_LIMITS", true),
		"limit, per client IP, attempts started and forms saved per minute; false for load tests (TANDEM_RATE_LIMITS)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", env.bool("TANDEM_SECURE_COOKIES", true),
		"mark cookies Secure, so browsers send them over https only; default on, except when -addr (or -base-url) is on localhost (TANDEM_SECURE_COOKIES)")
	fs.StringVar(&cfg.ExitURL, "exit-url", env.string("TANDEM_EXIT_URL", views.DefaultExitURL),
		"the neutral site every page's \"Leave quickly\" link opens, an https address (TANDEM_EXIT_URL)")
	fs.StringVar(&cfg.SupportResources, "support-resources", env.string("TANDEM_SUPPORT_RESOURCES", ""),
		"YAML file of helplines that replace the quizzes' own for the countries it names, see docs/operations.md (TANDEM_SUPPORT_RESOURCES)")
	fs.StringVar(&cfg.KeyFile, "key-file", env.string("TANDEM_KEY_FILE", ""),
		"file with the secret from which share links are made, created when missing; default: tandem.key beside the database (TANDEM_KEY_FILE)")
	trusted := fs.String("trusted-proxy", env.string("TANDEM_TRUSTED_PROXY", ""),
		"comma-separated address prefixes of reverse proxies whose X-Forwarded-For names the client, such as 127.0.0.1/32 (TANDEM_TRUSTED_PROXY)")
	if env.err != nil {
		return cfg, env.err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errReported // the flag package has printed the problem and the usage
	}
	if cfg.KeyFile == "" {
		cfg.KeyFile = filepath.Join(filepath.Dir(cfg.DB), "tandem.key")
	}
	explicit := env.set("TANDEM_SECURE_COOKIES")
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "secure-cookies" })
	if !explicit {
		cfg.SecureCookies = !onLocalhost(cfg.Addr, cfg.BaseURL)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (to check quiz files, run: tandem validate FILE...)", fs.Arg(0))
	}
	for _, p := range strings.Split(*trusted, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			return cfg, fmt.Errorf("-base-url must be a scheme and host such as https://tandem.example, not %q", cfg.BaseURL)
		}
	}
	if u, err := url.Parse(cfg.ExitURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return cfg, fmt.Errorf("-exit-url must be an https address such as %s, not %q", views.DefaultExitURL, cfg.ExitURL)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("-log-format must be text or json, not %q", cfg.LogFormat)
	}
	cfg.DraftDays = 7
	cfg.ShutdownIn = 10 * time.Second
	return cfg, nil
}

// environment reads the variables behind the flags, each the one way:
// a value that does not parse is an error, not a silent default.
type environment struct {
	getenv func(string) string
	err    error // the first variable that did not parse
}

func (e *environment) set(name string) bool { return e.getenv(name) != "" }

func (e *environment) string(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// bool takes what the flag package takes for a boolean flag: true,
// false, 1, 0, t, f, in any case.
func (e *environment) bool(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s must be true or false, not %q", name, v)
	}
	return b
}

func (e *environment) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s: %w", name, err)
	}
	return d
}

// onLocalhost reports whether people reach the server on this machine
// only: the base URL's host, or without one the listening address, is
// localhost or a loopback address. Browsers there speak plain http.
func onLocalhost(addr, baseURL string) bool {
	host, _, err := net.SplitHostPort(addr)
	if baseURL != "" {
		u, perr := url.Parse(baseURL)
		host, err = u.Hostname(), perr
	}
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// loadQuizzes reads the folder named in cfg, or the shipped quizzes.
func loadQuizzes(dir string) ([]*quiz.Quiz, error) {
	if dir == "" {
		return quiz.LoadFS(quizzes.FS, "quizzes")
	}
	return quiz.LoadFS(os.DirFS(dir), filepath.Clean(dir))
}

// loadResources reads the operator's support resources, nil when cfg
// names none, and checks they are for flags the quizzes have.
func loadResources(file string, qs []*quiz.Quiz) (*quiz.Resources, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("-support-resources: %w", err)
	}
	rs, err := quiz.ParseResources(file, data)
	if err != nil {
		return nil, err
	}
	return rs, rs.Check(qs)
}

// refuseProblems reports the problems err lists in the files it names,
// line by line, and returns errReported; any other error is returned.
func refuseProblems(stderr io.Writer, err error, files string) error {
	var ps quiz.Problems
	if !errors.As(err, &ps) {
		return err
	}
	fmt.Fprintf(stderr, "%s\ntandem: refusing to start: %d problem(s) in %s; fix them and start again\n", ps, len(ps), files)
	return errReported
}

func serve(ctx context.Context, cfg Config, stderr io.Writer) error {
	logs := newLogWriter(stderr)
	defer logs.Close()
	log := newLogger(cfg.LogFormat, logs)
	qs, err := loadQuizzes(cfg.Quizzes)
	if err != nil {
		return refuseProblems(stderr, err, "the quiz files")
	}
	resources, err := loadResources(cfg.SupportResources, qs)
	if err != nil {
		return refuseProblems(stderr, err, "the support resources file")
	}
	db, err := sqlite.Open(ctx, cfg.DB, sqlite.WithLogger(log))
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()
	key, err := loadKey(cfg.KeyFile)
	if err != nil {
		return err
	}
	catalogue, err := web.LoadCatalogue(ctx, db, qs, log)
	if err != nil {
		return err
	}
	draftAge := time.Duration(cfg.DraftDays) * 24 * time.Hour
	webCfg := web.Config{
		Quizzes: catalogue, Store: db, Logger: log, DraftLifetime: draftAge, Now: db.Now,
		BaseURL: cfg.BaseURL, HSTS: cfg.HSTS, TrustedProxies: cfg.TrustedProxies,
		Sessions: db.Sessions(), SecureCookies: cfg.SecureCookies, LinkKey: key, ExitURL: cfg.ExitURL,
		SupportResources: resources,
	}
	if cfg.RateLimits {
		webCfg.RateLimits = web.DefaultRateLimits
	}
	srv, err := web.New(webCfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// The clean-up stops before the database closes, whatever ends serve.
	cleanupCtx, stopCleanup := context.WithCancel(ctx)
	cleanupDone := make(chan struct{})
	go func() {
		defer close(cleanupDone)
		cleanUp(cleanupCtx, db, draftAge, log)
	}()
	defer func() { stopCleanup(); <-cleanupDone }()

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", cfg.DB, "quizzes", ids)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	srv.Drain()
	// The drain delay counts towards the shutdown budget, so that even a
	// request that never ends cannot keep the process past ShutdownIn.
	deadline := time.Now().Add(cfg.ShutdownIn)
	time.Sleep(min(cfg.DrainDelay, cfg.ShutdownIn/2))
	shutdownCtx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running after the grace period are cut off
		// before the database closes under them.
		_ = hs.Close()
		<-served
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// cleanUp removes unfinished attempts nobody came back to, and expired
// login sessions, now and every hour, until ctx ends.
func cleanUp(ctx context.Context, db *sqlite.DB, age time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		n, err := db.DeleteStaleAttempts(ctx, db.Now().Add(-age))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("delete unfinished attempts", "err", err)
		case n > 0:
			log.Info("deleted unfinished attempts", "count", n)
		}
		if _, err := db.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			log.Error("delete expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// validate checks quiz files for their authors: every problem of every
// file, then a summary; it fails when any file has a problem.
func validate(files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: tandem validate FILE...")
		return errReported
	}
	var problems quiz.Problems
	seen := map[string]string{}
	for _, name := range files {
		q, err := quiz.LoadFile(name)
		var ps quiz.Problems
		if errors.As(err, &ps) {
			problems = append(problems, ps...)
			continue
		}
		if first, dup := seen[q.ID]; dup && first != name {
			problems = append(problems, quiz.Problem{File: name, Line: 1, Column: 1,
				What: fmt.Sprintf("quiz id %q is already used by %s", q.ID, first), Fix: "give each quiz its own id"})
			continue
		}
		seen[q.ID] = name
		fmt.Fprintf(stdout, "%s: ok (%s, version %d: %d items in %d sections, %d scales, %d results)\n",
			name, q.ID, q.Version, q.ItemCount(), len(q.Sections), len(q.Scales), len(q.Results))
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%s\n%d problem(s) found\n", problems, len(problems))
		return errReported
	}
	return nil
}
