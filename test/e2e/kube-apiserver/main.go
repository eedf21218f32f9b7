// Command kube-apiserver-e2e runs the real kube-apiserver (k8s.io/kubernetes, the version go.mod pins) on an etcd
// embedded in the same process, so psa's end-to-end test can put a real API server in front of the webhook without
// downloading binaries. Usage: kube-apiserver-e2e ETCD_DIR ETCD_CLIENT_PORT ETCD_PEER_PORT [kube-apiserver flags...].
package main

import (
	"fmt"
	"net/url"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: kube-apiserver-e2e ETCD_DIR ETCD_CLIENT_PORT ETCD_PEER_PORT [kube-apiserver flags...]")
		os.Exit(2)
	}
	client, err := url.Parse("http://127.0.0.1:" + os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd client port:", err)
		os.Exit(2)
	}
	peer, err := url.Parse("http://127.0.0.1:" + os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd peer port:", err)
		os.Exit(2)
	}
	cfg := embed.NewConfig()
	cfg.Dir = os.Args[1]
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.LogLevel = "error"
	etcd, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
	select {
	case <-etcd.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "etcd did not become ready within 60 s")
		os.Exit(1)
	}
	os.Args = append([]string{"kube-apiserver"}, os.Args[4:]...)
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
