// Command mattermostoracle answers, for alertmesh's tests, what Alertmanager's Mattermost
// notifier builds from a config. No Alertmanager release on this machine has mattermost, so the
// types and the code below are copied from prometheus/alertmanager at commit
// 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.34.0+20), notify/mattermost/config.go and
// notify/mattermost/mattermost.go (Copyright The Prometheus Authors, Apache License 2.0). Only
// the receivers changed: createRequest and sanitizeRequest take the notifier as an argument,
// sanitizeRequest the group key, and the logger records what it is given. It reads a JSON
// array of configs (the json tags of MattermostConfig) on stdin; each is rendered with a
// template function that returns its input, sanitised and encoded, and printed as the body
// and the warnings logged, in order.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Mattermost supports 16383 chars max.
// https://developers.mattermost.com/integrate/webhooks/incoming/#tips-and-best-practices
const maxTextLenRunes = 16383

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

// Notifier keeps what createRequest and sanitizeRequest use of the notifier.
type Notifier struct {
	conf   *MattermostConfig
	logger *recorder
}

// recorder stands for the slog.Logger: it keeps each warning with its key/value pairs.
type recorder struct {
	warnings [][]any
}

func (r *recorder) Warn(msg string, args ...any) {
	r.warnings = append(r.warnings, append([]any{msg}, args...))
}

// truncateInRunes is notify.TruncateInRunes (notify/util.go).
func truncateInRunes(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}

	if n <= 3 {
		return string(r[:n]), true
	}

	return string(r[:n-1]) + "…", true
}

type output struct {
	Body     string  `json:"body"`
	Warnings [][]any `json:"warnings"`
}

func main() {
	var cases []MattermostConfig
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]output, 0, len(cases))
	for i := range cases {
		n := &Notifier{conf: &cases[i], logger: &recorder{warnings: [][]any{}}}
		req := createRequest(n, func(s string) string { return s })
		if err := sanitizeRequest(n, "groupkey", req); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(req); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out = append(out, output{Body: buf.String(), Warnings: n.logger.warnings})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// From notify/mattermost/config.go.
// MattermostPriority defines the priority for a mattermost notification.
type MattermostPriority struct {
	Priority                string `yaml:"priority,omitempty" json:"priority,omitempty"`
	RequestedAck            bool   `yaml:"requested_ack,omitempty" json:"requested_ack,omitempty"`
	PersistentNotifications bool   `yaml:"persistent_notifications,omitempty" json:"persistent_notifications,omitempty"`
}

// MattermostProps defines additional properties for a mattermost notification.
// Only 'card' property takes effect now.
type MattermostProps struct {
	Card string `yaml:"card,omitempty" json:"card,omitempty"`
}

// MattermostField configures a single Mattermost field for Slack compatibility.
// See https://developers.mattermost.com/integrate/reference/message-attachments/#fields for more information.
type MattermostField struct {
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	Short *bool  `yaml:"short,omitempty" json:"short,omitempty"`
}

// MattermostAttachment defines an attachment for a Mattermost notification.
// See https://developers.mattermost.com/integrate/reference/message-attachments/#fields for more information.
type MattermostAttachment struct {
	Fallback   string             `yaml:"fallback,omitempty" json:"fallback,omitempty"`
	Color      string             `yaml:"color,omitempty" json:"color,omitempty"`
	Pretext    string             `yaml:"pretext,omitempty" json:"pretext,omitempty"`
	Text       string             `yaml:"text,omitempty" json:"text,omitempty"`
	AuthorName string             `yaml:"author_name,omitempty" json:"author_name,omitempty"`
	AuthorLink string             `yaml:"author_link,omitempty" json:"author_link,omitempty"`
	AuthorIcon string             `yaml:"author_icon,omitempty" json:"author_icon,omitempty"`
	Title      string             `yaml:"title,omitempty" json:"title,omitempty"`
	TitleLink  string             `yaml:"title_link,omitempty" json:"title_link,omitempty"`
	Fields     []*MattermostField `yaml:"fields,omitempty" json:"fields,omitempty"`
	ThumbURL   string             `yaml:"thumb_url,omitempty" json:"thumb_url,omitempty"`
	Footer     string             `yaml:"footer,omitempty" json:"footer,omitempty"`
	FooterIcon string             `yaml:"footer_icon,omitempty" json:"footer_icon,omitempty"`
	ImageURL   string             `yaml:"image_url,omitempty" json:"image_url,omitempty"`
}

// MattermostConfig configures notifications via Mattermost.
// See https://developers.mattermost.com/integrate/webhooks/incoming/ for more information.
type MattermostConfig struct {
	NotifierConfig `yaml:",inline" json:",inline"`

	HTTPConfig     *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`
	WebhookURL     *string   `yaml:"webhook_url,omitempty" json:"webhook_url,omitempty"`
	WebhookURLFile string    `yaml:"webhook_url_file,omitempty" json:"webhook_url_file,omitempty"`

	Channel  string `yaml:"channel,omitempty" json:"channel,omitempty"`
	Username string `yaml:"username,omitempty" json:"username,omitempty"`

	Text        string                  `yaml:"text,omitempty" json:"text,omitempty"`
	Fallback    string                  `yaml:"fallback,omitempty" json:"fallback,omitempty"`
	Color       string                  `yaml:"color,omitempty" json:"color,omitempty"`
	Pretext     string                  `yaml:"pretext,omitempty" json:"pretext,omitempty"`
	AuthorName  string                  `yaml:"author_name,omitempty" json:"author_name,omitempty"`
	AuthorLink  string                  `yaml:"author_link,omitempty" json:"author_link,omitempty"`
	AuthorIcon  string                  `yaml:"author_icon,omitempty" json:"author_icon,omitempty"`
	Title       string                  `yaml:"title,omitempty" json:"title,omitempty"`
	TitleLink   string                  `yaml:"title_link,omitempty" json:"title_link,omitempty"`
	Fields      []*MattermostField      `yaml:"fields,omitempty" json:"fields,omitempty"`
	ThumbURL    string                  `yaml:"thumb_url,omitempty" json:"thumb_url,omitempty"`
	Footer      string                  `yaml:"footer,omitempty" json:"footer,omitempty"`
	FooterIcon  string                  `yaml:"footer_icon,omitempty" json:"footer_icon,omitempty"`
	ImageURL    string                  `yaml:"image_url,omitempty" json:"image_url,omitempty"`
	IconURL     string                  `yaml:"icon_url,omitempty" json:"icon_url,omitempty"`
	IconEmoji   string                  `yaml:"icon_emoji,omitempty" json:"icon_emoji,omitempty"`
	Attachments []*MattermostAttachment `yaml:"attachments,omitempty" json:"attachments,omitempty"`
	Type        string                  `yaml:"type,omitempty" json:"type,omitempty"`
	Props       *MattermostProps        `yaml:"props,omitempty" json:"props,omitempty"`
	Priority    *MattermostPriority     `yaml:"priority,omitempty" json:"priority,omitempty"`
}

// From notify/mattermost/mattermost.go.
// request is the request for sending a Mattermost notification.
// https://developers.mattermost.com/integrate/webhooks/incoming/#parameters
type request struct {
	Text        string              `json:"text,omitempty"`
	Channel     string              `json:"channel,omitempty"`
	Username    string              `json:"username,omitempty"`
	IconURL     string              `json:"icon_url,omitempty"`
	IconEmoji   string              `json:"icon_emoji,omitempty"`
	Attachments []attachment        `json:"attachments,omitempty"`
	Type        string              `json:"type,omitempty"`
	Props       *MattermostProps    `json:"props,omitempty"`
	Priority    *MattermostPriority `json:"priority,omitempty"`
}

// attachment is used to display a richly-formatted message block for compatibility with Slack.
// https://developers.mattermost.com/integrate/reference/message-attachments/
type attachment struct {
	Fallback   string            `json:"fallback,omitempty"`
	Color      string            `json:"color,omitempty"`
	Pretext    string            `json:"pretext,omitempty"`
	Text       string            `json:"text,omitempty"`
	AuthorName string            `json:"author_name,omitempty"`
	AuthorLink string            `json:"author_link,omitempty"`
	AuthorIcon string            `json:"author_icon,omitempty"`
	Title      string            `json:"title,omitempty"`
	TitleLink  string            `json:"title_link,omitempty"`
	Fields     []MattermostField `json:"fields,omitempty"`
	ThumbURL   string            `json:"thumb_url,omitempty"`
	Footer     string            `json:"footer,omitempty"`
	FooterIcon string            `json:"footer_icon,omitempty"`
	ImageURL   string            `json:"image_url,omitempty"`
}

// From notify/mattermost/mattermost.go.
func createRequest(n *Notifier, tmpl func(string) string) *request {
	text := tmpl(n.conf.Text)
	req := &request{
		Channel:   tmpl(n.conf.Channel),
		Username:  tmpl(n.conf.Username),
		IconURL:   tmpl(n.conf.IconURL),
		IconEmoji: tmpl(n.conf.IconEmoji),
		Type:      tmpl(n.conf.Type),
	}

	if n.conf.Priority != nil && n.conf.Priority.Priority != "" {
		req.Priority = &MattermostPriority{
			Priority:                tmpl(n.conf.Priority.Priority),
			RequestedAck:            n.conf.Priority.RequestedAck,
			PersistentNotifications: n.conf.Priority.PersistentNotifications,
		}
	}

	if n.conf.Props != nil && n.conf.Props.Card != "" {
		req.Props = &MattermostProps{
			Card: tmpl(n.conf.Props.Card),
		}
	}

	lenAtt := len(n.conf.Attachments)
	if lenAtt > 0 {
		req.Attachments = make([]attachment, lenAtt)
		for idxAtt, cfgAtt := range n.conf.Attachments {
			att := attachment{
				Fallback:   tmpl(cfgAtt.Fallback),
				Color:      tmpl(cfgAtt.Color),
				Pretext:    tmpl(cfgAtt.Pretext),
				Text:       tmpl(cfgAtt.Text),
				AuthorName: tmpl(cfgAtt.AuthorName),
				AuthorLink: tmpl(cfgAtt.AuthorLink),
				AuthorIcon: tmpl(cfgAtt.AuthorIcon),
				Title:      tmpl(cfgAtt.Title),
				TitleLink:  tmpl(cfgAtt.TitleLink),
				ThumbURL:   tmpl(cfgAtt.ThumbURL),
				Footer:     tmpl(cfgAtt.Footer),
				FooterIcon: tmpl(cfgAtt.FooterIcon),
				ImageURL:   tmpl(cfgAtt.ImageURL),
			}

			lenFields := len(cfgAtt.Fields)
			if lenFields > 0 {
				att.Fields = make([]MattermostField, lenFields)
				for idxField, field := range cfgAtt.Fields {
					att.Fields[idxField] = MattermostField{
						Title: tmpl(field.Title),
						Value: tmpl(field.Value),
						Short: field.Short,
					}
				}
			}

			req.Attachments[idxAtt] = att
			req.Text = text
		}
	} else {
		req.Attachments = make([]attachment, 1)
		att := attachment{
			Text:       text,
			Fallback:   tmpl(n.conf.Fallback),
			Color:      tmpl(n.conf.Color),
			Pretext:    tmpl(n.conf.Pretext),
			AuthorName: tmpl(n.conf.AuthorName),
			AuthorLink: tmpl(n.conf.AuthorLink),
			AuthorIcon: tmpl(n.conf.AuthorIcon),
			Title:      tmpl(n.conf.Title),
			TitleLink:  tmpl(n.conf.TitleLink),
			ThumbURL:   tmpl(n.conf.ThumbURL),
			Footer:     tmpl(n.conf.Footer),
			FooterIcon: tmpl(n.conf.FooterIcon),
			ImageURL:   tmpl(n.conf.ImageURL),
		}

		lenFields := len(n.conf.Fields)
		if lenFields > 0 {
			att.Fields = make([]MattermostField, lenFields)
			for idxField, field := range n.conf.Fields {
				att.Fields[idxField] = MattermostField{
					Title: tmpl(field.Title),
					Value: tmpl(field.Value),
					Short: field.Short,
				}
			}
		}

		req.Attachments[0] = att

	}

	return req
}

// From notify/mattermost/mattermost.go.
func sanitizeRequest(n *Notifier, key string, r *request) error {

	// Truncate the text if it's too long.
	text, truncated := truncateInRunes(r.Text, maxTextLenRunes)
	if truncated {
		n.logger.Warn("Truncated text",
			"key", key,
			"max_runes", maxTextLenRunes)
		r.Text = text
	}

	if r.Priority == nil {
		return nil
	}

	// Check priority
	const (
		priorityUrgent    = "urgent"
		priorityImportant = "important"
		priorityStandard  = "standard"
	)

	switch strings.ToLower(r.Priority.Priority) {
	case priorityUrgent, priorityImportant, priorityStandard:
		r.Priority.Priority = strings.ToLower(r.Priority.Priority)
	default:
		n.logger.Warn("Priority is set to standard due to invalid value",
			"key", key,
			"priority", r.Priority.Priority)
		r.Priority.Priority = priorityStandard
	}

	// Check RequestedAck flag
	if r.Priority.RequestedAck && r.Priority.Priority == priorityStandard {
		n.logger.Warn("RequestedAck is set to false due to priority is standard",
			"key", key,
		)
		r.Priority.RequestedAck = false
	}

	// Check PersistentNotifications flag
	if r.Priority.PersistentNotifications && r.Priority.Priority != priorityUrgent {
		n.logger.Warn("PersistentNotifications is set to false due to priority is not urgent",
			"key", key,
		)
		r.Priority.PersistentNotifications = false
	}

	return nil
}
