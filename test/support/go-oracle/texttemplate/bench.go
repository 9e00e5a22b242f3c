package main

// The bench mode: times Go 1.19's text/template on one case, for bench/template.ts to compare
// with the TypeScript port in the same run. It parses the case's templates into a fresh set N
// times, then executes the named template N times, and reports nanoseconds per operation.

import (
	"bytes"
	"encoding/json"
	"os"
	"text/template"
	"time"
)

// BenchCase is the case to time.
type BenchCase struct {
	Case
	Iterations int `json:"iterations"`
}

// BenchResult is what one op cost in Go, with the rendered output to check against.
type BenchResult struct {
	ParseNsPerOp  float64 `json:"parseNsPerOp"`
	RenderNsPerOp float64 `json:"renderNsPerOp"`
	Output        string  `json:"output"`
}

func parseSet(c Case) *template.Template {
	t := template.New(c.Templates[0].Name).Funcs(execFuncs)
	for i, nt := range c.Templates {
		if i == 0 {
			template.Must(t.Parse(nt.Text))
		} else {
			template.Must(t.New(nt.Name).Parse(nt.Text))
		}
	}
	return t
}

func runBench() {
	var c BenchCase
	must(json.NewDecoder(os.Stdin).Decode(&c))
	n := c.Iterations
	// Warm up, as the TypeScript side does.
	for i := 0; i < n/10+1; i++ {
		parseSet(c.Case)
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		parseSet(c.Case)
	}
	parseNs := float64(time.Since(start).Nanoseconds()) / float64(n)
	t := parseSet(c.Case)
	data := decode(c.Data)
	var b bytes.Buffer
	for i := 0; i < n/10+1; i++ {
		b.Reset()
		must(t.ExecuteTemplate(&b, c.Exec, data))
	}
	start = time.Now()
	for i := 0; i < n; i++ {
		b.Reset()
		must(t.ExecuteTemplate(&b, c.Exec, data))
	}
	renderNs := float64(time.Since(start).Nanoseconds()) / float64(n)
	must(json.NewEncoder(os.Stdout).Encode(BenchResult{parseNs, renderNs, b.String()}))
}
