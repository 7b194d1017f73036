package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets for a 2-core machine. CPU per request is measured against
// the hello-world handler in a process of its own, in the same run: a
// ratio of two processes on one machine, which holds from run to run
// where request rates, shared with the load generator, do not.
const (
	targetP99Ms      = 50.0  // page scenarios, at 32 clients
	targetP99Clients = 32    // the client count the p99 target is set at
	targetAttempts   = 150.0 // complete attempts per second
	targetRSSBytes   = 150e6 // server peak RSS

	// otherCoresWarning is how much CPU other processes may use before
	// the report says the run was disturbed.
	otherCoresWarning = 0.10
)

// targetCPURatios are the most CPU per request each scenario may cost,
// as a multiple of the hello-world process's.
var targetCPURatios = []struct {
	scenario string
	ratio    float64
}{
	{scHealth, 1.5},
	{scHome, 2.5},
	{scQuizPage, 4},
	{scResult, 8},
}

// report is the end of a run: the table and the targets.
type report struct {
	cfg     Config
	results []result
	peakRSS int64
	rssErr  error
	stopErr error
	logged  logged
	// attemptRequests is how many requests one complete attempt sends.
	attemptRequests int
}

// print writes the table and the targets, and reports whether any
// target was missed.
func (r report) print(w io.Writer) (missed bool) {
	hello, helloProc := r.find(scHello), r.find(scHelloProc)
	fmt.Fprintf(w, "\nLoad: %d clients, %s per scenario, gzip %t\n\n", r.cfg.Clients, r.cfg.Duration, r.cfg.Gzip)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trate\tunit\tvs hello-world\tvs hello (process)\tp50\tp99\terrors\tserver CPU\tCPU/request\tvs hello CPU\tother CPU\t")
	for _, res := range r.results {
		other, perReq, ratio := "-", "-", "-"
		if res.cpu.ok {
			other = fmt.Sprintf("%.2f", res.cpu.other)
		}
		if d, ok := res.cpuPerRequest(); ok {
			perReq = fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
			if x, ok := r.cpuRatio(res.name); ok {
				ratio = fmt.Sprintf("%.2fx", x)
			}
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", res.name, res.rate(), res.unit,
			percentOf(res.rate(), hello.rate()), percentOf(res.rate(), helloProc.rate()),
			ms(res.p50), ms(res.p99), res.errors, res.serverCPU(), perReq, ratio, other)
	}
	tw.Flush()
	fmt.Fprintf(w, "(hello-world runs inside loadgen; hello-world (process) is the same handler in a process of its\n"+
		" own, as tandem runs. CPU: processors kept busy on average, of %d; CPU/request is the serving\n"+
		" process's CPU time per request it answered, and \"vs hello CPU\" that as a multiple of the\n"+
		" hello-world process's; \"other\" is every process but the server and loadgen)\n", runtime.NumCPU())
	if a := r.find(scComplete); a.ops > 0 {
		fmt.Fprintf(w, "(a complete attempt is %d requests: %.0f req/s, %s of hello-world; its latency is the whole attempt's)\n",
			r.attemptRequests, a.reqRate(), percentOf(a.reqRate(), hello.rate()))
	}

	busiest := 0.0
	for _, res := range r.results {
		busiest = max(busiest, res.cpu.other)
	}
	if busiest > otherCoresWarning {
		fmt.Fprintf(w, "WARNING: other processes kept up to %.2f of %d CPUs busy during a scenario: "+
			"these numbers are lower than an idle machine gives\n", busiest, runtime.NumCPU())
	}

	fmt.Fprintln(w)
	if r.rssErr != nil {
		fmt.Fprintf(w, "server peak RSS: unknown: %v\n", r.rssErr)
	} else {
		fmt.Fprintf(w, "server peak RSS (VmHWM): %.1f MB\n", float64(r.peakRSS)/1e6)
	}
	if r.stopErr != nil {
		fmt.Fprintf(w, "server stop on SIGTERM: %v\n", r.stopErr)
	} else {
		fmt.Fprintln(w, "server stop on SIGTERM: exit status 0")
	}
	fmt.Fprintf(w, "server log: %d errors, %d warnings\n", r.logged.errors, r.logged.warnings)
	for _, l := range r.logged.first {
		fmt.Fprintln(w, "    "+l)
	}

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tmeasured\tresult")
	check := func(name, measured string, ok bool) {
		verdict := "PASS"
		if !ok {
			verdict, missed = "MISS", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, measured, verdict)
	}
	for _, t := range targetCPURatios {
		if _, ran := r.ran(t.scenario); !ran {
			continue
		}
		name := fmt.Sprintf("CPU per request <= %gx hello-world: %s", t.ratio, t.scenario)
		x, ok := r.cpuRatio(t.scenario)
		if !ok {
			check(name, "unknown (no /proc, or hello-world (process) did not run)", false)
			continue
		}
		res, _ := r.ran(t.scenario)
		d, _ := res.cpuPerRequest()
		hd, _ := r.find(scHelloProc).cpuPerRequest()
		check(name, fmt.Sprintf("%.2fx (%.1fµs of %.1fµs)", x, float64(d)/float64(time.Microsecond),
			float64(hd)/float64(time.Microsecond)), x <= t.ratio)
	}
	for _, res := range r.results {
		if !res.page {
			continue
		}
		name := fmt.Sprintf("p99 < %.0f ms at %d clients: %s", targetP99Ms, targetP99Clients, res.name)
		if r.cfg.Clients != targetP99Clients {
			fmt.Fprintf(tw, "%s\t%s at %d clients\tSKIP\n", name, ms(res.p99), r.cfg.Clients)
			continue
		}
		check(name, ms(res.p99), float64(res.p99)/float64(time.Millisecond) < targetP99Ms && res.ops > 0)
	}
	if a, ran := r.ran(scComplete); ran {
		check(fmt.Sprintf("complete attempts >= %.0f per second", targetAttempts), fmt.Sprintf("%.1f/s", a.rate()), a.rate() >= targetAttempts)
	}
	if r.rssErr == nil {
		check(fmt.Sprintf("server peak RSS < %.0f MB", targetRSSBytes/1e6), fmt.Sprintf("%.1f MB", float64(r.peakRSS)/1e6),
			float64(r.peakRSS) < targetRSSBytes)
	} else {
		check(fmt.Sprintf("server peak RSS < %.0f MB", targetRSSBytes/1e6), "unknown", false)
	}
	failed := 0
	for _, res := range r.results {
		failed += res.errors
	}
	check("no failed request", fmt.Sprint(failed), failed == 0)
	check("server exits 0 on SIGTERM", strings.TrimSpace(fmt.Sprint(errText(r.stopErr))), r.stopErr == nil)
	tw.Flush()
	return missed
}

// cpuRatio is the server's CPU per request in the scenario called name as
// a multiple of the hello-world process's, when both are known.
func (r report) cpuRatio(name string) (float64, bool) {
	res, ran := r.ran(name)
	hello, helloRan := r.ran(scHelloProc)
	if !ran || !helloRan {
		return 0, false
	}
	d, ok := res.cpuPerRequest()
	hd, hok := hello.cpuPerRequest()
	if !ok || !hok || hd <= 0 {
		return 0, false
	}
	return float64(d) / float64(hd), true
}

// find returns the result of the scenario called name, or a zero
// result when it did not run.
func (r report) find(name string) result {
	res, _ := r.ran(name)
	return res
}

func (r report) ran(name string) (result, bool) {
	for _, res := range r.results {
		if res.name == name {
			return res, true
		}
	}
	return result{}, false
}

// percentOf is rate as a percentage of base, or "-" without a base.
func percentOf(rate, base float64) string {
	if base <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*rate/base)
}

func errText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
