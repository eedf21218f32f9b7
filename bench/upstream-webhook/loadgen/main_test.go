package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestQuantile(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		q    float64
		want float64
	}{{0.5, 6}, {0.99, 10}, {0, 1}, {1, 10}} {
		if got := quantile(sorted, tc.q); got != tc.want {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := quantile(nil, 0.5); got != 0 {
		t.Errorf("quantile of nothing = %v, want 0", got)
	}
}

func TestReadBodiesSkipsBlankLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bodies.jsonl")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n\n{\"b\":2}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bodies, err := readBodies(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || string(bodies[0]) != `{"a":1}` || string(bodies[1]) != `{"b":2}` {
		t.Fatalf("bodies = %q", bodies)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readBodies(empty); err == nil {
		t.Fatal("an empty file must be an error")
	}
}
