// Command webconfigoracle answers, for each file named in a JSON array on stdin, the error
// Alertmanager 0.25's code gives it (Debian's Go sources), as a JSON array of strings ("" when
// the file is valid):
//
//   - no argument: a web config file, checked by exporter-toolkit's web.Validate;
//   - `cluster`: a cluster TLS config file, read by cluster.GetTLSTransportConfig and both parts
//     built as NewTLSTransport builds them, with its wrapping; "panic" where 0.25 crashes.
package main

import (
	"encoding/json"
	"os"

	"github.com/prometheus/alertmanager/cluster"
	common "github.com/prometheus/common/config"
	"github.com/prometheus/exporter-toolkit/web"
)

func checkClusterTLS(path string) (msg string) {
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

func checkWebConfig(path string) string {
	if err := web.Validate(path); err != nil {
		return err.Error()
	}
	return ""
}

func main() {
	check := checkWebConfig
	if len(os.Args) > 1 && os.Args[1] == "cluster" {
		check = checkClusterTLS
	}
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
