package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a child process serving HTTP on addr: the tandem server,
// or this program serving the hello-world handler in a process of its own.
type process struct {
	cmd     *exec.Cmd
	addr    string
	exited  chan struct{}
	waitErr error // set when exited is closed
}

// startProcess starts cmd and waits until GET ready on addr answers 200.
func startProcess(ctx context.Context, cmd *exec.Cmd, addr, ready string) (*process, error) {
	p := &process{cmd: cmd, addr: addr, exited: make(chan struct{})}
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx, ready, 15*time.Second); err != nil {
		_ = p.stop()
		return nil, err
	}
	return p, nil
}

func (p *process) waitReady(ctx context.Context, path string, within time.Duration) error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready: %v", filepath.Base(p.cmd.Path), p.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		res, err := c.Get("http://" + p.addr + path)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 within %s", path, within)
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// peakRSS returns the process's peak resident memory in bytes, read from
// VmHWM in /proc/PID/status.
func (p *process) peakRSS() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return 0, err
	}
	v, ok := procField(string(data), "VmHWM")
	if !ok {
		return 0, errors.New("no VmHWM in /proc/PID/status")
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("VmHWM %q: %w", v, err)
	}
	return kb << 10, nil
}

// stop sends SIGTERM and waits for the process to finish its requests
// and exit; it kills the process if that takes more than 15 s. It
// returns an error unless the process exited with status 0.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return fmt.Errorf("it had already exited: %v", p.waitErr)
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-p.exited:
		return p.waitErr
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("it did not exit within 15 s of SIGTERM; killed")
	}
}

// server is the tandem binary running as a subprocess.
type server struct {
	*process
	dir     string // temporary folder: database and log
	keep    bool
	logFile *os.File
}

// startServer starts bin on a free loopback port with a new database in
// a temporary folder, and waits until /healthz answers.
func startServer(ctx context.Context, bin string, keep bool) (*server, error) {
	path, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the server binary: %w (build it with make build)", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tandem-loadgen-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, keep: keep}
	s.logFile, err = os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// Every request comes from 127.0.0.1, so the per-IP rate limits,
	// which are for people, would answer 429 to nearly all the writes.
	cmd := exec.Command(path, "-addr", addr, "-db", filepath.Join(dir, "tandem.db"),
		"-drain-delay", "0s", "-log-format", "json", "-rate-limits=false")
	// The server's own settings come from these flags only: no TANDEM_*
	// variable from this shell (a -quizzes folder, HSTS) changes the run.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TANDEM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// The log goes straight to a file: reading it here would spend the
	// load generator's CPU, which the server shares.
	cmd.Stdout, cmd.Stderr = s.logFile, s.logFile
	s.process, err = startProcess(ctx, cmd, addr, "/healthz")
	if err != nil {
		err = fmt.Errorf("start the server: %w\n%s", err, s.logTail(20))
		s.cleanup(io.Discard)
		return nil, err
	}
	return s, nil
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// cleanup removes the temporary folder, or says where it is kept.
func (s *server) cleanup(w io.Writer) {
	s.logFile.Close()
	if s.keep {
		fmt.Fprintf(w, "loadgen: kept the database and the server's log in %s\n", s.dir)
		return
	}
	_ = os.RemoveAll(s.dir)
}

// logged is what the server logged above INFO.
type logged struct {
	warnings, errors int
	first            []string // the first few messages, for the report
}

// logSummary counts the server's warnings and errors, after the load.
func (s *server) logSummary() logged {
	var l logged
	f, err := os.Open(s.logFile.Name())
	if err != nil {
		return l
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
			Err   string `json:"err"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch line.Level {
		case "WARN":
			l.warnings++
		case "ERROR":
			l.errors++
		default:
			continue
		}
		if len(l.first) < 3 {
			l.first = append(l.first, strings.TrimSpace(line.Level+" "+line.Msg+" "+line.Err))
		}
	}
	return l
}

// logTail returns the last n lines of the server's log.
func (s *server) logTail(n int) string {
	data, err := os.ReadFile(s.logFile.Name())
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// procField returns the value of a "Name: value" line of a /proc file.
func procField(data, name string) (string, bool) {
	for line := range strings.SplitSeq(data, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// helloHandler is the baseline: the smallest useful Go handler.
func helloHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Hello, world!\n")
	})
}

// helloServer serves helloHandler in this process.
type helloServer struct {
	*http.Server
	addr string
}

func startHello() (*helloServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &helloServer{addr: ln.Addr().String(),
		Server: &http.Server{Handler: helloHandler(), ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = h.Serve(ln) }()
	return h, nil
}

// startHelloProcess runs this program again to serve helloHandler in a
// process of its own, as the tandem server runs in its own.
func startHelloProcess(ctx context.Context) (*process, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve-hello", addr)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return startProcess(ctx, cmd, addr, "/")
}

// serveHello serves helloHandler on addr until ctx ends: the whole of
// the hello-world process.
func serveHello(ctx context.Context, addr string) error {
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return fmt.Errorf("-serve-hello takes a 127.0.0.1 address, not %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: helloHandler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
