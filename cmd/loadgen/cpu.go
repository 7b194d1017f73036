package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of the CPU times in /proc: 100
// on every common architecture.
const clockTick = 10 * time.Millisecond

// cpuSample is the CPU time used so far by the server, by this process
// (the workers, and the in-process hello-world server) and by the whole
// machine.
type cpuSample struct {
	server, self, machine time.Duration
	ok                    bool
}

// sampleCPU reads the CPU times from /proc; ok is false where there is
// no /proc. pid is the server's; 0 when it runs in this process.
func sampleCPU(pid int) cpuSample {
	var server time.Duration
	var err1 error
	if pid != 0 {
		server, err1 = procCPU(fmt.Sprintf("/proc/%d/stat", pid))
	}
	self, err2 := procCPU("/proc/self/stat")
	machine, err3 := machineBusy()
	return cpuSample{server: server, self: self, machine: machine, ok: err1 == nil && err2 == nil && err3 == nil}
}

// procCPU returns a process's user and system time from /proc/PID/stat.
func procCPU(path string) (time.Duration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields
	// from after it. utime and stime are fields 14 and 15 of the line.
	i := strings.LastIndexByte(string(data), ')')
	fields := strings.Fields(string(data)[i+1:])
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("%s: unexpected format", path)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// machineBusy returns the CPU time all processors spent not idle, from
// the first line of /proc/stat: user, nice, system, irq and softirq.
func machineBusy() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected format")
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7} {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// cpuUse is how many processors each party kept busy, on average, over
// a scenario.
type cpuUse struct {
	server, self, other float64 // processors
	ok                  bool
}

func cpuBetween(before, after cpuSample, elapsed time.Duration) cpuUse {
	if !before.ok || !after.ok || elapsed <= 0 {
		return cpuUse{}
	}
	cores := func(d time.Duration) float64 { return float64(d) / float64(elapsed) }
	server := cores(after.server - before.server)
	self := cores(after.self - before.self)
	return cpuUse{server: server, self: self, other: max(cores(after.machine-before.machine)-server-self, 0), ok: true}
}
