package main

import (
	"sort"
	"time"
)

// The notification data of Alertmanager 0.25 template/template.go, copied with the methods
// its templates call (KV.SortedPairs, Remove, Names, Values; Alerts.Firing, Resolved).

type Pair struct {
	Name, Value string
}

type Pairs []Pair

func (ps Pairs) Names() []string {
	ns := make([]string, 0, len(ps))
	for _, p := range ps {
		ns = append(ns, p.Name)
	}
	return ns
}

func (ps Pairs) Values() []string {
	vs := make([]string, 0, len(ps))
	for _, p := range ps {
		vs = append(vs, p.Value)
	}
	return vs
}

type KV map[string]string

func (kv KV) SortedPairs() Pairs {
	var (
		pairs     = make([]Pair, 0, len(kv))
		keys      = make([]string, 0, len(kv))
		sortStart = 0
	)
	for k := range kv {
		if k == "alertname" {
			keys = append([]string{k}, keys...)
			sortStart = 1
		} else {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys[sortStart:])
	for _, k := range keys {
		pairs = append(pairs, Pair{k, kv[k]})
	}
	return pairs
}

func (kv KV) Remove(keys []string) KV {
	keySet := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		keySet[k] = struct{}{}
	}
	res := KV{}
	for k, v := range kv {
		if _, ok := keySet[k]; !ok {
			res[k] = v
		}
	}
	return res
}

func (kv KV) Names() []string {
	return kv.SortedPairs().Names()
}

func (kv KV) Values() []string {
	return kv.SortedPairs().Values()
}

type Data struct {
	Receiver string
	Status   string
	Alerts   Alerts

	GroupLabels       KV
	CommonLabels      KV
	CommonAnnotations KV

	ExternalURL string
}

type Alert struct {
	Status       string
	Labels       KV
	Annotations  KV
	StartsAt     time.Time
	EndsAt       time.Time
	GeneratorURL string
	Fingerprint  string
}

type Alerts []Alert

func (as Alerts) Firing() []Alert {
	res := []Alert{}
	for _, a := range as {
		if a.Status == "firing" {
			res = append(res, a)
		}
	}
	return res
}

func (as Alerts) Resolved() []Alert {
	res := []Alert{}
	for _, a := range as {
		if a.Status == "resolved" {
			res = append(res, a)
		}
	}
	return res
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

type amData struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	Alerts            []amAlert         `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (d *amData) toData() *Data {
	out := &Data{
		Receiver:          d.Receiver,
		Status:            d.Status,
		Alerts:            Alerts{},
		GroupLabels:       KV(d.GroupLabels),
		CommonLabels:      KV(d.CommonLabels),
		CommonAnnotations: KV(d.CommonAnnotations),
		ExternalURL:       d.ExternalURL,
	}
	for _, a := range d.Alerts {
		out.Alerts = append(out.Alerts, Alert{
			Status:       a.Status,
			Labels:       KV(a.Labels),
			Annotations:  KV(a.Annotations),
			StartsAt:     parseTime(a.StartsAt),
			EndsAt:       parseTime(a.EndsAt),
			GeneratorURL: a.GeneratorURL,
			Fingerprint:  a.Fingerprint,
		})
	}
	return out
}
