package main

import "syscall"

// sysProcAttr makes the kernel stop the server if the load generator
// dies without stopping it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
