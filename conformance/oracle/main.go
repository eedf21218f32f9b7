// Command oracle runs the upstream Pod Security Admission module (k8s.io/pod-security-admission) as a
// differential oracle for the TypeScript implementation. It reads JSON lines on stdin and writes JSON lines on
// stdout; each mode lives in its own file.
package main

import (
	"fmt"
	"os"
)

var modes = map[string]func(args []string) error{}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle <mode> [flags]; modes:", modeNames())
		os.Exit(2)
	}
	run, ok := modes[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown mode %q; modes: %v\n", os.Args[1], modeNames())
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
}

func modeNames() []string {
	names := make([]string, 0, len(modes))
	for name := range modes {
		names = append(names, name)
	}
	return names
}
