// template-oracle answers template rendering cases with Alertmanager 0.25's own template
// package (Debian's sources, GOPATH mode): JSON cases on stdin, JSON results on stdout.
package main

import (
	"encoding/json"
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
		alerts := make([]*types.Alert, 0, len(c.Alerts))
		for _, a := range c.Alerts {
			alerts = append(alerts, &types.Alert{Alert: model.Alert{
				Labels:       labelSet(a.Labels),
				Annotations:  labelSet(a.Annotations),
				StartsAt:     a.StartsAt,
				EndsAt:       a.EndsAt,
				GeneratorURL: a.GeneratorURL,
			}})
		}
		data = tmpl.Data(c.Receiver, labelSet(c.GroupLabels), alerts...)
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

func main() {
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
