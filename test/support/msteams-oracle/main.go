// Command msteamsoracle encodes Microsoft Teams MessageCards the way Alertmanager's msteams
// notifier does. No Alertmanager release on this machine has msteams (it arrived in 0.26), so
// the types and the encoding below are copied from prometheus/alertmanager at commit
// 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.34.0+20), notify/msteams/msteams.go and
// notify/msteams/config.go (Copyright The Prometheus Authors, Apache License 2.0), with only
// the imports those copies need. It reads a JSON array of cards on stdin and prints the body
// of each, as sent.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// From notify/msteams/msteams.go.
const (
	colorRed   = "8C1A1A"
	colorGreen = "2DC72D"
	colorGrey  = "808080"
)

// From notify/msteams/msteams.go.
// Message card reference can be found at https://learn.microsoft.com/en-us/outlook/actionable-messages/message-card-reference.
type teamsMessage struct {
	Context    string `json:"@context"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Summary    string `json:"summary"`
	Text       string `json:"text"`
	ThemeColor string `json:"themeColor"`
}

// From notify/msteams/config.go, with the embedded and pointer types reduced to what their
// YAML tags need; the schema test reads the field list from here.
type MSTeamsConfig struct {
	NotifierConfig `yaml:",inline" json:",inline"`
	HTTPConfig     *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`
	WebhookURL     *string   `yaml:"webhook_url,omitempty" json:"webhook_url,omitempty"`
	WebhookURLFile string    `yaml:"webhook_url_file,omitempty" json:"webhook_url_file,omitempty"`

	Title   string `yaml:"title,omitempty" json:"title,omitempty"`
	Summary string `yaml:"summary,omitempty" json:"summary,omitempty"`
	Text    string `yaml:"text,omitempty" json:"text,omitempty"`
}

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

type input struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Text    string `json:"text"`
	// Status is types.Alerts(as...).Status(): "firing" or "resolved".
	Status string `json:"status"`
}

func encode(in input) (string, error) {
	// As Notifier.Notify picks the colour and encodes the card.
	color := colorGrey
	switch in.Status {
	case "firing":
		color = colorRed
	case "resolved":
		color = colorGreen
	}
	t := teamsMessage{
		Context:    "http://schema.org/extensions",
		Type:       "MessageCard",
		Title:      in.Title,
		Summary:    in.Summary,
		Text:       in.Text,
		ThemeColor: color,
	}
	var payload bytes.Buffer
	if err := json.NewEncoder(&payload).Encode(t); err != nil {
		return "", err
	}
	return payload.String(), nil
}

func main() {
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]string, 0, len(cases))
	for _, c := range cases {
		body, err := encode(c)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out = append(out, body)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
