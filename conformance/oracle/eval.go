package main

// Modes `eval` and `bench`: run pods through the upstream policy evaluator.
//
// Both read JSON lines {"id": ..., "level": "restricted", "version": "v1.25", "pod": {...}} on stdin and answer one
// JSON line per input, in input order. The pod is decoded the way the API server decodes a request body (field names
// match case-sensitively, unknown fields are ignored, numbers must fit their Go types), then handed to the evaluator
// built from upstream's default checks with no emulation version (what the standalone webhook does).

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	kjson "sigs.k8s.io/json"
)

func init() {
	modes["eval"] = runEval
	modes["bench"] = runBench
}

// request is one input line. The id is echoed back untouched, so callers may use numbers or strings.
type request struct {
	ID      json.RawMessage `json:"id"`
	Level   string          `json:"level"`
	Version string          `json:"version"`
	Pod     json.RawMessage `json:"pod"`
}

type evalResponse struct {
	ID              json.RawMessage `json:"id"`
	Allowed         bool            `json:"allowed"`
	Reasons         []string        `json:"reasons"`
	Details         []string        `json:"details"`
	ForbiddenReason string          `json:"forbiddenReason"`
	ForbiddenDetail string          `json:"forbiddenDetail"`
}

type errorResponse struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

type benchResponse struct {
	ID         json.RawMessage `json:"id"`
	Iterations int             `json:"iterations"`
	NsPerOp    float64         `json:"nsPerOp"`
	OpsPerSec  float64         `json:"opsPerSec"`
	// CPU time of the whole process (every thread, GC included) per op, over the same run: on a machine with more
	// runnable work than cores, wall time measures the scheduler as much as the code.
	CPUNsPerOp float64 `json:"cpuNsPerOp"`
}

// prepared is a request whose level, version and pod decoded cleanly.
type prepared struct {
	lv  api.LevelVersion
	pod corev1.Pod
}

func newEvaluator() (policy.Evaluator, error) {
	return policy.NewEvaluator(policy.DefaultChecks(), nil)
}

// prepare decodes one line. The error text names the part that failed; it is reported to the caller, not fatal.
func prepare(line []byte, req *request) (*prepared, error) {
	if err := json.Unmarshal(line, req); err != nil {
		return nil, fmt.Errorf("request: %v", err)
	}
	level, err := api.ParseLevel(req.Level)
	if err != nil {
		return nil, fmt.Errorf("level %q: %v", req.Level, err)
	}
	version, err := api.ParseVersion(req.Version)
	if err != nil {
		return nil, fmt.Errorf("version %q: %v", req.Version, err)
	}
	if len(req.Pod) == 0 {
		return nil, errors.New("pod: missing")
	}
	p := &prepared{lv: api.LevelVersion{Level: level, Version: version}}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(req.Pod, &p.pod); err != nil {
		return nil, fmt.Errorf("pod: %v", err)
	}
	return p, nil
}

// evaluate runs the checks and aggregates them exactly as the admission layer does.
func evaluate(ev policy.Evaluator, p *prepared) policy.AggregateCheckResult {
	return policy.AggregateCheckResults(ev.EvaluatePod(p.lv, &p.pod.ObjectMeta, &p.pod.Spec))
}

// lines calls fn for each non-empty input line and flushes the output whenever the input has nothing buffered, so a
// client that waits for answers before sending more never deadlocks, while a large batch is still written in bulk.
func lines(in io.Reader, out *bufio.Writer, fn func(line []byte) error) error {
	reader := bufio.NewReaderSize(in, 1<<20)
	for {
		if reader.Buffered() == 0 {
			if err := out.Flush(); err != nil {
				return err
			}
		}
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			trimmed := trimSpace(line)
			if len(trimmed) > 0 {
				if ferr := fn(trimmed); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return out.Flush()
		}
		if err != nil {
			return err
		}
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func writeJSON(out *bufio.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	_, err = out.Write(data)
	return err
}

func idOrNull(id json.RawMessage) json.RawMessage {
	if len(id) == 0 {
		return json.RawMessage("null")
	}
	return id
}

func runEval(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ev, err := newEvaluator()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	return lines(os.Stdin, out, func(line []byte) error {
		var req request
		p, err := prepare(line, &req)
		if err != nil {
			return writeJSON(out, errorResponse{ID: idOrNull(req.ID), Error: err.Error()})
		}
		agg := evaluate(ev, p)
		resp := evalResponse{
			ID:              idOrNull(req.ID),
			Allowed:         agg.Allowed,
			Reasons:         agg.ForbiddenReasons,
			Details:         agg.ForbiddenDetails,
			ForbiddenReason: agg.ForbiddenReason(),
			ForbiddenDetail: agg.ForbiddenDetail(),
		}
		if resp.Reasons == nil {
			resp.Reasons = []string{}
		}
		if resp.Details == nil {
			resp.Details = []string{}
		}
		return writeJSON(out, resp)
	})
}

// sink keeps the compiler from discarding benchmarked work.
var sink int

func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	benchtime := fs.Duration("benchtime", time.Second, "measured time per pod")
	warmup := fs.Duration("warmup", 200*time.Millisecond, "unmeasured warm-up time per pod")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ev, err := newEvaluator()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	return lines(os.Stdin, out, func(line []byte) error {
		var req request
		p, err := prepare(line, &req)
		if err != nil {
			return writeJSON(out, errorResponse{ID: idOrNull(req.ID), Error: err.Error()})
		}
		// One unit of work: evaluate, aggregate, and render both strings (what our engine returns per call).
		op := func(n int) {
			for i := 0; i < n; i++ {
				agg := evaluate(ev, p)
				sink += len(agg.ForbiddenReason()) + len(agg.ForbiddenDetail())
			}
		}
		timed(op, *warmup)
		n, elapsed, cpu := timed(op, *benchtime)
		ns := float64(elapsed.Nanoseconds()) / float64(n)
		return writeJSON(out, benchResponse{
			ID: idOrNull(req.ID), Iterations: n, NsPerOp: ns, OpsPerSec: 1e9 / ns,
			CPUNsPerOp: float64(cpu.Nanoseconds()) / float64(n),
		})
	})
}

// timed grows the iteration count the way `go test -bench` does until one run lasts at least d, and returns that
// run's count, wall duration and process CPU time.
func timed(op func(n int), d time.Duration) (int, time.Duration, time.Duration) {
	n := 1
	for {
		startCPU := processCPU()
		start := time.Now()
		op(n)
		elapsed := time.Since(start)
		if elapsed >= d || n >= 1e9 {
			return n, elapsed, processCPU() - startCPU
		}
		next := n * 100
		if elapsed > 0 {
			// Aim 20% past the target from the observed rate, growing at least by one and at most 100x.
			next = int(float64(n) * 1.2 * float64(d) / float64(elapsed))
		}
		if next > n*100 {
			next = n * 100
		}
		if next <= n {
			next = n + 1
		}
		n = next
	}
}

// processCPU is the user+system CPU time of the whole process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
