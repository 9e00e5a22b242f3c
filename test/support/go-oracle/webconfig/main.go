// Command webconfigoracle answers, for each web config file named in a JSON array on stdin, the
// error exporter-toolkit's web.Validate gives it (Alertmanager 0.25's toolkit, from Debian's Go
// sources), as a JSON array of strings ("" when the file is valid).
package main

import (
	"encoding/json"
	"os"

	"github.com/prometheus/exporter-toolkit/web"
)

func main() {
	var paths []string
	if err := json.NewDecoder(os.Stdin).Decode(&paths); err != nil {
		panic(err)
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		if err := web.Validate(p); err != nil {
			out[i] = err.Error()
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
