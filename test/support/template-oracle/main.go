// template-oracle answers template rendering cases with Alertmanager 0.25's own template
// package (Debian's sources, GOPATH mode): JSON cases on stdin, JSON results on stdout.
// With the argument `bench` it times FromGlobs and renders instead (see benchMain).
package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/prometheus/alertmanager/template"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/common/model"
)

type alertIn struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
}

type caseIn struct {
	Globs       []string          `json:"globs"`
	Text        string            `json:"text"`
	Receiver    string            `json:"receiver"`
	GroupLabels map[string]string `json:"groupLabels"`
	Alerts      []alertIn         `json:"alerts"`
	ExternalURL string            `json:"externalURL"`
	// RawData, when set, is decoded into template.Data instead (as amtool does).
	RawData json.RawMessage `json:"rawData"`
	// HTML renders with ExecuteHTMLString (html/template) instead of ExecuteTextString.
	HTML bool `json:"html"`
}

type result struct {
	Out *string `json:"out,omitempty"`
	Err *string `json:"err,omitempty"`
}

func labelSet(m map[string]string) model.LabelSet {
	ls := model.LabelSet{}
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}

func buildAlerts(in []alertIn) []*types.Alert {
	alerts := make([]*types.Alert, 0, len(in))
	for _, a := range in {
		alerts = append(alerts, &types.Alert{Alert: model.Alert{
			Labels:       labelSet(a.Labels),
			Annotations:  labelSet(a.Annotations),
			StartsAt:     a.StartsAt,
			EndsAt:       a.EndsAt,
			GeneratorURL: a.GeneratorURL,
		}})
	}
	return alerts
}

func run(c caseIn) result {
	tmpl, err := template.FromGlobs("/usr/share/prometheus/alertmanager", c.Globs...)
	if err != nil {
		s := err.Error()
		return result{Err: &s}
	}
	var data interface{}
	if len(c.RawData) > 0 {
		var d template.Data
		if err := json.Unmarshal(c.RawData, &d); err != nil {
			s := "json: " + err.Error()
			return result{Err: &s}
		}
		data = d
	} else {
		u, err := url.Parse(c.ExternalURL)
		if err != nil {
			s := err.Error()
			return result{Err: &s}
		}
		tmpl.ExternalURL = u
		data = tmpl.Data(c.Receiver, labelSet(c.GroupLabels), buildAlerts(c.Alerts)...)
	}
	execute := tmpl.ExecuteTextString
	if c.HTML {
		execute = tmpl.ExecuteHTMLString
	}
	out, err := execute(c.Text, data)
	if err != nil {
		s := err.Error()
		return result{Err: &s}
	}
	return result{Out: &out}
}

type benchRender struct {
	Name string `json:"name"`
	// HTML selects ExecuteHTMLString, otherwise ExecuteTextString.
	HTML bool   `json:"html"`
	Text string `json:"text"`
}

type benchIn struct {
	Globs           []string          `json:"globs"`
	Receiver        string            `json:"receiver"`
	GroupLabels     map[string]string `json:"groupLabels"`
	Alerts          []alertIn         `json:"alerts"`
	ExternalURL     string            `json:"externalURL"`
	Iterations      int               `json:"iterations"`
	ParseIterations int               `json:"parseIterations"`
	Renders         []benchRender     `json:"renders"`
}

type benchRenderOut struct {
	Name    string  `json:"name"`
	NsPerOp float64 `json:"nsPerOp"`
	Out     string  `json:"out"`
}

type benchOut struct {
	// ParseColdNs is the first FromGlobs of the process, before anything else ran.
	ParseColdNs  float64          `json:"parseColdNs"`
	ParseNsPerOp float64          `json:"parseNsPerOp"`
	Renders      []benchRenderOut `json:"renders"`
}

// timeNs runs f n/10+1 times untimed (so the timed loop starts with a grown heap, as a
// long-running Alertmanager has), then n times timed, and returns the mean in ns.
func timeNs(n int, f func()) float64 {
	for i := 0; i < n/10+1; i++ {
		f()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// benchMain times what a notification costs Alertmanager: FromGlobs (the default templates
// into the text and the html set, at config load) and ExecuteTextString/ExecuteHTMLString
// (clone of the set, parse of the field, execution) on data built once by Template.Data.
func benchMain() {
	var in benchIn
	must(json.NewDecoder(os.Stdin).Decode(&in))
	const defaults = "/usr/share/prometheus/alertmanager"
	start := time.Now()
	tmpl, err := template.FromGlobs(defaults, in.Globs...)
	must(err)
	out := benchOut{ParseColdNs: float64(time.Since(start).Nanoseconds())}
	out.ParseNsPerOp = timeNs(in.ParseIterations, func() {
		_, err := template.FromGlobs(defaults, in.Globs...)
		must(err)
	})
	u, err := url.Parse(in.ExternalURL)
	must(err)
	tmpl.ExternalURL = u
	data := tmpl.Data(in.Receiver, labelSet(in.GroupLabels), buildAlerts(in.Alerts)...)
	for _, r := range in.Renders {
		exec := tmpl.ExecuteTextString
		if r.HTML {
			exec = tmpl.ExecuteHTMLString
		}
		res, err := exec(r.Text, data)
		must(err)
		ns := timeNs(in.Iterations, func() {
			_, err := exec(r.Text, data)
			must(err)
		})
		out.Renders = append(out.Renders, benchRenderOut{Name: r.Name, NsPerOp: ns, Out: res})
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		benchMain()
		return
	}
	var cases []caseIn
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		results = append(results, run(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		panic(err)
	}
}
