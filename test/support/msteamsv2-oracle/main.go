// Command msteamsv2oracle encodes Microsoft Teams Adaptive Card messages the way Alertmanager's
// msteamsv2 notifier does. No Alertmanager release on this machine has msteamsv2 (it arrived in
// 0.28), so the types and the encoding below are copied from prometheus/alertmanager at commit
// 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.34.0+20), notify/msteamsv2/msteamsv2.go and
// notify/msteamsv2/config.go (Copyright The Prometheus Authors, Apache License 2.0), with only
// the imports those copies need. It reads a JSON array of cards on stdin and prints the body
// of each, as sent.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// From notify/msteamsv2/msteamsv2.go.
const (
	colorRed   = "Attention"
	colorGreen = "Good"
	colorGrey  = "Warning"
)

// From notify/msteamsv2/msteamsv2.go.
// https://learn.microsoft.com/en-us/connectors/teams/?tabs=text1#adaptivecarditemschema
type Content struct {
	Schema  string  `json:"$schema"`
	Type    string  `json:"type"`
	Version string  `json:"version"`
	Body    []Body  `json:"body"`
	Msteams Msteams `json:"msteams,omitempty"`
}

type Body struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Weight string `json:"weight,omitempty"`
	Size   string `json:"size,omitempty"`
	Wrap   bool   `json:"wrap,omitempty"`
	Style  string `json:"style,omitempty"`
	Color  string `json:"color,omitempty"`
}

type Msteams struct {
	Width string `json:"width"`
}

type Attachment struct {
	ContentType string  `json:"contentType"`
	ContentURL  *string `json:"contentUrl"` // Use a pointer to handle null values
	Content     Content `json:"content"`
}

type teamsMessage struct {
	Type        string       `json:"type"`
	Attachments []Attachment `json:"attachments"`
}

// From notify/msteamsv2/config.go, with the embedded and pointer types reduced to what their
// YAML tags need; the schema test reads the field list from here.
type MSTeamsV2Config struct {
	NotifierConfig `yaml:",inline" json:",inline"`
	HTTPConfig     *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`
	WebhookURL     *string   `yaml:"webhook_url,omitempty" json:"webhook_url,omitempty"`
	WebhookURLFile string    `yaml:"webhook_url_file,omitempty" json:"webhook_url_file,omitempty"`

	Title string `yaml:"title,omitempty" json:"title,omitempty"`
	Text  string `yaml:"text,omitempty" json:"text,omitempty"`
}

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

type input struct {
	Title string `json:"title"`
	Text  string `json:"text"`
	// Status is types.Alerts(as...).Status(): "firing" or "resolved".
	Status string `json:"status"`
}

func encode(in input) (string, error) {
	// As Notifier.Notify picks the colour and encodes the message.
	color := colorGrey
	switch in.Status {
	case "firing":
		color = colorRed
	case "resolved":
		color = colorGreen
	}
	title, text := in.Title, in.Text
	t := teamsMessage{
		Type: "message",
		Attachments: []Attachment{
			{
				ContentType: "application/vnd.microsoft.card.adaptive",
				ContentURL:  nil,
				Content: Content{
					Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
					Type:    "AdaptiveCard",
					Version: "1.2",
					Body: []Body{
						{
							Type:   "TextBlock",
							Text:   title,
							Weight: "Bolder",
							Size:   "Medium",
							Wrap:   true,
							Style:  "heading",
							Color:  color,
						},
						{
							Type: "TextBlock",
							Text: text,
							Wrap: true,
						},
					},
					Msteams: Msteams{
						Width: "full",
					},
				},
			},
		},
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
