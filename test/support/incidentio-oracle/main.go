// Command incidentiooracle encodes incident.io messages and reads incident.io error bodies the
// way Alertmanager's incidentio notifier does. No Alertmanager release on this machine has
// incidentio, so the types and functions below are copied from prometheus/alertmanager at
// commit 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.34.0+20): notify/incidentio/incidentio.go
// (Message, truncateAlerts, encodeMessage, errDetails), notify/incidentio/config.go
// (IncidentioConfig, for the schema test) and template/template.go (Data, Alert, KV and the
// parts of Template.Data that fill them), Copyright The Prometheus Authors, Apache License
// 2.0, with types.Alert reduced to the fields the message carries and the logger reduced to
// naming the level it would log at. It reads a JSON object on stdin and prints the results.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
)

// From notify/incidentio/incidentio.go.
const (
	// MaxPayloadSize is the maximum size of the JSON payload incident.io accepts (512KB).
	maxPayloadSize = 512 * 1024
)

// From template/template.go.
type KV map[string]string

// From template/template.go.
type Data struct {
	Receiver string `json:"receiver"`
	Status   string `json:"status"`
	Alerts   Alerts `json:"alerts"`

	NotificationReason string `json:"notification_reason"`

	GroupLabels       KV `json:"groupLabels"`
	CommonLabels      KV `json:"commonLabels"`
	CommonAnnotations KV `json:"commonAnnotations"`
	RouteLabels       KV `json:"routeLabels"`

	ExternalURL string `json:"externalURL"`

	routeLabelsRendered bool
}

// From template/template.go.
type Alert struct {
	Status       string    `json:"status"`
	Labels       KV        `json:"labels"`
	Annotations  KV        `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

// Alerts is a list of Alert objects.
type Alerts []Alert

// From notify/incidentio/incidentio.go.
// Message defines the JSON object sent to incident.io endpoints.
type Message struct {
	*Data

	// The protocol version.
	Version         string `json:"version"`
	GroupKey        string `json:"groupKey"`
	TruncatedAlerts uint64 `json:"truncatedAlerts"`
}

// From notify/incidentio/config.go, with the embedded and pointer types reduced to what their
// YAML tags need; the schema test reads the field list from here.
type IncidentioConfig struct {
	NotifierConfig `yaml:",inline" json:",inline"`

	HTTPConfig *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`

	// URL to send POST request to.
	URL     *string `yaml:"url" json:"url"`
	URLFile string  `yaml:"url_file" json:"url_file"`

	// AlertSourceToken is the key used to authenticate with the alert source in incident.io.
	AlertSourceToken     string `yaml:"alert_source_token,omitempty" json:"alert_source_token,omitempty"`
	AlertSourceTokenFile string `yaml:"alert_source_token_file,omitempty" json:"alert_source_token_file,omitempty"`

	MaxAlerts uint64 `yaml:"max_alerts" json:"max_alerts"`

	Timeout time.Duration `yaml:"timeout" json:"timeout"`
}

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

// inAlert is the part of types.Alert the message is built from.
type inAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// resolvedAt is model.Alert.ResolvedAt.
func (a *inAlert) resolvedAt(ts time.Time) bool {
	if a.EndsAt.IsZero() {
		return false
	}
	return !a.EndsAt.After(ts)
}

type inMessage struct {
	Receiver           string            `json:"receiver"`
	GroupLabels        map[string]string `json:"groupLabels"`
	ExternalURL        string            `json:"externalURL"`
	NotificationReason string            `json:"notificationReason"`
	GroupKey           string            `json:"groupKey"`
	MaxAlerts          uint64            `json:"maxAlerts"`
	Now                time.Time         `json:"now"`
	Alerts             []*inAlert        `json:"alerts"`
}

type input struct {
	Messages []inMessage `json:"messages"`
	// Details are response bodies; null stands for a nil body.
	Details []*string `json:"details"`
}

type outMessage struct {
	Body string `json:"body"`
	// Log is the level encodeMessage logs at: "", "warn" or "error".
	Log string `json:"log"`
}

type output struct {
	Messages []outMessage `json:"messages"`
	Details  []string     `json:"details"`
}

// From notify/incidentio/incidentio.go.
func truncateAlerts(maxAlerts uint64, alerts []*inAlert) ([]*inAlert, uint64) {
	if maxAlerts != 0 && uint64(len(alerts)) > maxAlerts {
		return alerts[:maxAlerts], uint64(len(alerts)) - maxAlerts
	}

	return alerts, 0
}

// templateData is Template.Data (template/template.go) for these alerts.
func templateData(recv string, groupLabels map[string]string, externalURL, notificationReason string, now time.Time, alerts ...*inAlert) *Data {
	status := "resolved"
	for _, a := range alerts {
		if !a.resolvedAt(now) {
			status = "firing"
		}
	}
	data := &Data{
		Receiver:           regexp.QuoteMeta(recv),
		Status:             status,
		Alerts:             make(Alerts, 0, len(alerts)),
		NotificationReason: notificationReason,
		GroupLabels:        KV{},
		CommonLabels:       KV{},
		CommonAnnotations:  KV{},
		RouteLabels:        KV{},
		ExternalURL:        externalURL,
	}
	for _, a := range alerts {
		st := "firing"
		if a.resolvedAt(now) {
			st = "resolved"
		}
		alert := Alert{
			Status:       st,
			Labels:       make(KV, len(a.Labels)),
			Annotations:  make(KV, len(a.Annotations)),
			StartsAt:     a.StartsAt,
			EndsAt:       a.EndsAt,
			GeneratorURL: a.GeneratorURL,
			Fingerprint:  a.Fingerprint,
		}
		for k, v := range a.Labels {
			alert.Labels[k] = v
		}
		for k, v := range a.Annotations {
			alert.Annotations[k] = v
		}
		data.Alerts = append(data.Alerts, alert)
	}
	for k, v := range groupLabels {
		data.GroupLabels[k] = v
	}
	if len(alerts) >= 1 {
		commonLabels := map[string]string{}
		for k, v := range alerts[0].Labels {
			commonLabels[k] = v
		}
		commonAnnotations := map[string]string{}
		for k, v := range alerts[0].Annotations {
			commonAnnotations[k] = v
		}
		for _, a := range alerts[1:] {
			if len(commonLabels) == 0 && len(commonAnnotations) == 0 {
				break
			}
			for ln, lv := range commonLabels {
				if a.Labels[ln] != lv {
					delete(commonLabels, ln)
				}
			}
			for an, av := range commonAnnotations {
				if a.Annotations[an] != av {
					delete(commonAnnotations, an)
				}
			}
		}
		for k, v := range commonLabels {
			data.CommonLabels[k] = v
		}
		for k, v := range commonAnnotations {
			data.CommonAnnotations[k] = v
		}
	}
	return data
}

// From notify/incidentio/incidentio.go, the logger reduced to the level.
func encodeMessage(msg *Message) (bytes.Buffer, string, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(msg); err != nil {
		return buf, "", fmt.Errorf("failed to encode incident.io message: %w", err)
	}

	if buf.Len() <= maxPayloadSize {
		return buf, "", nil
	}

	// Drop all but the first alert in the message. For most use cases, a single
	// alert will be created in incident.io for the group, so including more than
	// one alert in that group is useful but non-essential.
	msg.Alerts = msg.Alerts[:1]

	// Re-encode after annotation truncation
	buf.Reset()
	if err := json.NewEncoder(&buf).Encode(msg); err != nil {
		return buf, "", fmt.Errorf("failed to encode incident.io message after annotation truncation: %w", err)
	}

	if buf.Len() <= maxPayloadSize {
		return buf, "warn", nil
	}

	return buf, "error", nil
}

// From notify/incidentio/incidentio.go.
// errDetails extracts error details from the response for better error messages.
func errDetails(_ int, body io.Reader) string {
	if body == nil {
		return ""
	}

	// Try to decode the error message from JSON response
	var errorResponse struct {
		Message string   `json:"message"`
		Errors  []string `json:"errors"`
		Error   string   `json:"error"`
	}

	if err := json.NewDecoder(body).Decode(&errorResponse); err != nil {
		return ""
	}

	var parts []string
	if errorResponse.Message != "" {
		parts = append(parts, errorResponse.Message)
	}
	if errorResponse.Error != "" {
		parts = append(parts, errorResponse.Error)
	}
	if len(errorResponse.Errors) > 0 {
		parts = append(parts, strings.Join(errorResponse.Errors, ", "))
	}

	return strings.Join(parts, ": ")
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := output{Messages: []outMessage{}, Details: []string{}}
	for _, m := range in.Messages {
		// As Notifier.Notify builds the message.
		alerts, numTruncated := truncateAlerts(m.MaxAlerts, m.Alerts)
		data := templateData(m.Receiver, m.GroupLabels, m.ExternalURL, m.NotificationReason, m.Now, alerts...)
		msg := &Message{
			Version:         "1",
			Data:            data,
			GroupKey:        m.GroupKey,
			TruncatedAlerts: numTruncated,
		}
		buf, level, err := encodeMessage(msg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out.Messages = append(out.Messages, outMessage{Body: buf.String(), Log: level})
	}
	for _, d := range in.Details {
		if d == nil {
			out.Details = append(out.Details, errDetails(400, nil))
		} else {
			out.Details = append(out.Details, errDetails(400, strings.NewReader(*d)))
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
