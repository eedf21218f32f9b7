// Command loadgen is the webhook benchmark's load generator in Go: `webhook.bench.ts --loadgen go` runs it against each
// server in turn. Go's HTTP client needs about half the CPU per request of Node's, so on a small machine the load
// generator takes less of the CPU the servers compete for, and with `--pin` it keeps to its own cores.
//
// Usage: loadgen -port P -ca FILE -bodies FILE -seconds S -concurrency C
//
// The bodies file holds one AdmissionReview per line; the workers post them in turn, HTTP/1.1 with keep-alive (the
// protocol both servers are compared on). The result is one JSON object on stdout: requests, errors, seconds and the
// latency quantiles in milliseconds.
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	P50      float64 `json:"p50"`
	P99      float64 `json:"p99"`
	P999     float64 `json:"p999"`
}

func main() {
	port := flag.Int("port", 0, "server port on 127.0.0.1")
	caFile := flag.String("ca", "", "CA certificate (PEM) the server's certificate chains to")
	bodiesFile := flag.String("bodies", "", "file with one request body per line")
	seconds := flag.Float64("seconds", 5, "how long to send")
	concurrency := flag.Int("concurrency", 32, "requests in flight")
	flag.Parse()
	if *port == 0 || *caFile == "" || *bodiesFile == "" {
		log.Fatal("loadgen: -port, -ca and -bodies are required")
	}
	bodies, err := readBodies(*bodiesFile)
	if err != nil {
		log.Fatalf("loadgen: %v", err)
	}
	ca, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatalf("loadgen: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		log.Fatalf("loadgen: no certificate in %s", *caFile)
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: *concurrency,
		MaxConnsPerHost:     *concurrency,
		// A custom TLS config already keeps Go's client on HTTP/1.1; say so, since psa serves only HTTP/1.1.
		ForceAttemptHTTP2: false,
	}
	client := &http.Client{Transport: transport}
	url := "https://127.0.0.1:" + strconv.Itoa(*port) + "/?timeout=10s"

	var next atomic.Uint64
	var errors atomic.Int64
	latencies := make([][]float64, *concurrency)
	start := time.Now()
	end := start.Add(time.Duration(*seconds * float64(time.Second)))
	var wg sync.WaitGroup
	for w := range *concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]float64, 0, 1<<14)
			for time.Now().Before(end) {
				body := bodies[next.Add(1)%uint64(len(bodies))]
				t0 := time.Now()
				if !post(client, url, body) {
					errors.Add(1)
				}
				mine = append(mine, float64(time.Since(t0).Microseconds())/1000)
			}
			latencies[w] = mine
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	transport.CloseIdleConnections()
	all := slices.Concat(latencies...)
	slices.Sort(all)
	out := result{
		Requests: len(all),
		Errors:   int(errors.Load()),
		Seconds:  elapsed,
		P50:      quantile(all, 0.5),
		P99:      quantile(all, 0.99),
		P999:     quantile(all, 0.999),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		log.Fatalf("loadgen: %v", err)
	}
}

func post(client *http.Client, url string, body []byte) bool {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	_, copyErr := io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return copyErr == nil && res.StatusCode == http.StatusOK
}

func readBodies(path string) ([][]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var bodies [][]byte
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 0, 1<<16), 8<<20)
	for scanner.Scan() {
		if len(scanner.Bytes()) > 0 {
			bodies = append(bodies, slices.Clone(scanner.Bytes()))
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, err
	}
	if len(bodies) == 0 {
		return nil, fmt.Errorf("no bodies in %s", path)
	}
	return bodies, nil
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)))
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}
