// Command bare is Go's floor for `webhook.bench.ts --only bare`: a net/http TLS server that reads each body and answers
// 200 with a JSON body of about the size a webhook sends (the request echoed plus a response), doing no admission work.
// It mirrors bench/lib/bare-https-server.ts, so the two floors compare Go's HTTP and TLS stack with Node's.
// Usage: bare CERT KEY PORT
package main

import (
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
)

const responseTail = `,"response":{"uid":"00000000-0000-0000-0000-000000000000","allowed":true,"warnings":["would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)"]}}` + "\n"

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: bare CERT KEY PORT")
	}
	port, err := strconv.Atoi(os.Args[3])
	if err != nil {
		log.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || len(body) == 0 {
			http.Error(w, "unable to read the body", http.StatusBadRequest)
			return
		}
		out := make([]byte, 0, len(body)+len(responseTail))
		out = append(out, body[:len(body)-1]...)
		out = append(out, responseTail...)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		_, _ = w.Write(out)
	})
	server := &http.Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Handler: handler}
	log.Fatal(server.ListenAndServeTLS(os.Args[1], os.Args[2]))
}
