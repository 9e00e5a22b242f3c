// Command clustertlsoracle answers, for each cluster TLS config file named in a JSON array on
// stdin, the error Alertmanager 0.25 gives it at start (Debian's Go sources): the file read by
// cluster.GetTLSTransportConfig, then both parts built as NewTLSTransport builds them, with its
// wrapping; "panic" when 0.25 crashes on the file. It prints a JSON array of strings ("" when
// the file is accepted).
package main

import (
	"encoding/json"
	"os"

	"github.com/prometheus/alertmanager/cluster"
	common "github.com/prometheus/common/config"
	"github.com/prometheus/exporter-toolkit/web"
)

func check(path string) (msg string) {
	defer func() {
		if recover() != nil {
			msg = "panic"
		}
	}()
	cfg, err := cluster.GetTLSTransportConfig(path)
	if err != nil {
		return err.Error()
	}
	if _, err := web.ConfigToTLSConfig(cfg.TLSServerConfig); err != nil {
		return "invalid TLS server config: " + err.Error()
	}
	if _, err := common.NewTLSConfig(cfg.TLSClientConfig); err != nil {
		return "invalid TLS client config: " + err.Error()
	}
	return ""
}

func main() {
	var paths []string
	if err := json.NewDecoder(os.Stdin).Decode(&paths); err != nil {
		panic(err)
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = check(p)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
