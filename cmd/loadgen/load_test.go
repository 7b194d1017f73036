package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"Empty", nil, 0.99, 0},
		{"One", ms(7), 0.5, 7 * time.Millisecond},
		{"MedianOfFour", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"P99OfHundred", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"P50OfHundred", ms(hundred...), 0.50, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, percentile(tt.sorted, tt.p))
		})
	}
}

func TestProcField(t *testing.T) {
	status := "Name:\ttandem\nVmPeak:\t  812345 kB\nVmHWM:\t   42180 kB\nThreads:\t9\n"
	v, ok := procField(status, "VmHWM")
	assert.True(t, ok)
	assert.Equal(t, "42180 kB", v)
	_, ok = procField(status, "VmSwap")
	assert.False(t, ok)
}
