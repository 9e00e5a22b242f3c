// Command rocketchatoracle answers, for alertmesh's tests, what Alertmanager's Rocket.Chat
// notifier does with given inputs. No Alertmanager release on this machine has rocketchat (it
// arrived in 0.28), so the types and the code below are copied from prometheus/alertmanager at
// commit 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.34.0+20), notify/rocketchat/config.go and
// notify/rocketchat/rocketchat.go (Copyright The Prometheus Authors, Apache License 2.0), with
// only the imports those copies need. The first argument names the question:
//   - encode: a JSON array of rendered entries → the body of each, as sent;
//   - url: a JSON array of api_url texts → the chat.postMessage URL of each (or the error);
//   - response: a JSON array of response bodies → how each is judged ({retry, error}).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
)

type judged struct {
	Retry bool   `json:"retry"`
	Error string `json:"error"`
}

func run(mode string) (any, error) {
	switch mode {
	case "encode":
		var cases []Rendered
		if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(cases))
		for _, c := range cases {
			body, err := encode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, body)
		}
		return out, nil
	case "url":
		var cases []string
		if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(cases))
		for _, c := range cases {
			u, err := postMessageURL(c)
			if err != nil {
				u = "error: " + err.Error()
			}
			out = append(out, u)
		}
		return out, nil
	case "response":
		var cases []string
		if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
			return nil, err
		}
		out := make([]judged, 0, len(cases))
		for _, c := range cases {
			retry, err := checkJSONResponseError([]byte(c))
			j := judged{Retry: retry}
			if err != nil {
				// Alertmanager's copy lives in package rocketchat, this one in main.
				j.Error = strings.ReplaceAll(err.Error(), "main.response", "rocketchat.response")
			}
			out = append(out, j)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown mode %q", mode)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rocketchatoracle encode|url|response < cases.json")
		os.Exit(2)
	}
	out, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// From notify/rocketchat/config.go.
type RocketchatAttachmentField struct {
	Short *bool  `json:"short"`
	Title string `json:"title,omitempty"`
	Value string `json:"value,omitempty"`
}

// From notify/rocketchat/config.go.
type RocketchatAttachmentAction struct {
	Type               string `json:"type,omitempty"`
	Text               string `json:"text,omitempty"`
	URL                string `json:"url,omitempty"`
	ImageURL           string `json:"image_url,omitempty"`
	IsWebView          bool   `json:"is_webview"`
	WebviewHeightRatio string `json:"webview_height_ratio,omitempty"`
	Msg                string `json:"msg,omitempty"`
	MsgInChatWindow    bool   `json:"msg_in_chat_window"`
	MsgProcessingType  string `json:"msg_processing_type,omitempty"`
}

// RocketchatConfig is from notify/rocketchat/config.go, with the embedded and pointer types
// reduced to what their YAML tags need; the schema test reads the field list from here.
type RocketchatConfig struct {
	NotifierConfig `yaml:",inline" json:",inline"`

	HTTPConfig *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`

	APIURL      *string `yaml:"api_url,omitempty" json:"api_url,omitempty"`
	TokenID     *string `yaml:"token_id,omitempty" json:"token_id,omitempty"`
	TokenIDFile string  `yaml:"token_id_file,omitempty" json:"token_id_file,omitempty"`
	Token       *string `yaml:"token,omitempty" json:"token,omitempty"`
	TokenFile   string  `yaml:"token_file,omitempty" json:"token_file,omitempty"`

	// RocketChat channel override, (like #other-channel or @username).
	Channel string `yaml:"channel,omitempty" json:"channel,omitempty"`

	Color       string                        `yaml:"color,omitempty" json:"color,omitempty"`
	Title       string                        `yaml:"title,omitempty" json:"title,omitempty"`
	TitleLink   string                        `yaml:"title_link,omitempty" json:"title_link,omitempty"`
	Text        string                        `yaml:"text,omitempty" json:"text,omitempty"`
	Fields      []*RocketchatAttachmentField  `yaml:"fields,omitempty" json:"fields,omitempty"`
	ShortFields bool                          `yaml:"short_fields" json:"short_fields,omitempty"`
	Emoji       string                        `yaml:"emoji,omitempty" json:"emoji,omitempty"`
	IconURL     string                        `yaml:"icon_url,omitempty" json:"icon_url,omitempty"`
	ImageURL    string                        `yaml:"image_url,omitempty" json:"image_url,omitempty"`
	ThumbURL    string                        `yaml:"thumb_url,omitempty" json:"thumb_url,omitempty"`
	LinkNames   bool                          `yaml:"link_names" json:"link_names,omitempty"`
	Actions     []*RocketchatAttachmentAction `yaml:"actions,omitempty" json:"actions,omitempty"`
}

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

// From notify/rocketchat/rocketchat.go.
type Attachment struct {
	Title     string                       `json:"title,omitempty"`
	TitleLink string                       `json:"title_link,omitempty"`
	Text      string                       `json:"text,omitempty"`
	ImageURL  string                       `json:"image_url,omitempty"`
	ThumbURL  string                       `json:"thumb_url,omitempty"`
	Color     string                       `json:"color,omitempty"`
	Fields    []RocketchatAttachmentField  `json:"fields,omitempty"`
	Actions   []RocketchatAttachmentAction `json:"actions,omitempty"`
}

// From notify/rocketchat/rocketchat.go.
type PostMessage struct {
	Channel     string                       `json:"channel,omitempty"`
	Text        string                       `json:"text,omitempty"`
	ParseUrls   bool                         `json:"parseUrls,omitempty"`
	Alias       string                       `json:"alias,omitempty"`
	Emoji       string                       `json:"emoji,omitempty"`
	Avatar      string                       `json:"avatar,omitempty"`
	Attachments []Attachment                 `json:"attachments,omitempty"`
	Actions     []RocketchatAttachmentAction `json:"actions,omitempty"`
}

// Field is one configured field, already rendered; Short is nil when the entry leaves it unset.
type Field struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short *bool  `json:"short"`
}

// Action is one configured action, already rendered.
type Action struct {
	Text string `json:"text"`
	URL  string `json:"url"`
	Msg  string `json:"msg"`
}

// Rendered is what Notifier.Notify has rendered from one entry's templates.
type Rendered struct {
	Channel     string   `json:"channel"`
	Emoji       string   `json:"emoji"`
	IconURL     string   `json:"icon_url"`
	Title       string   `json:"title"`
	TitleLink   string   `json:"title_link"`
	Text        string   `json:"text"`
	ImageURL    string   `json:"image_url"`
	ThumbURL    string   `json:"thumb_url"`
	Color       string   `json:"color"`
	Fields      []Field  `json:"fields"`
	ShortFields bool     `json:"short_fields"`
	Actions     []Action `json:"actions"`
}

// encode builds and encodes the body as Notifier.Notify does (the templating replaced by
// the rendered values, the title already truncated).
func encode(in Rendered) (string, error) {
	att := &Attachment{
		Title:     in.Title,
		TitleLink: in.TitleLink,
		Text:      in.Text,
		ImageURL:  in.ImageURL,
		ThumbURL:  in.ThumbURL,
		Color:     in.Color,
	}
	numFields := len(in.Fields)
	if numFields > 0 {
		fields := make([]RocketchatAttachmentField, numFields)
		for index, field := range in.Fields {
			var short bool
			if field.Short != nil {
				short = *field.Short
			} else {
				short = in.ShortFields
			}
			fields[index] = RocketchatAttachmentField{
				Title: field.Title,
				Value: field.Value,
				Short: &short,
			}
		}
		att.Fields = fields
	}
	numActions := len(in.Actions)
	if numActions > 0 {
		actions := make([]RocketchatAttachmentAction, numActions)
		for index, action := range in.Actions {
			actions[index] = RocketchatAttachmentAction{
				Type: "button", // Only button type is supported
				Text: action.Text,
				URL:  action.URL,
				Msg:  action.Msg,
			}
		}
		att.Actions = actions
	}
	body := &PostMessage{
		Channel:     in.Channel,
		Emoji:       in.Emoji,
		Avatar:      in.IconURL,
		Attachments: []Attachment{*att},
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(body); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// postMessageURL is `n.conf.APIURL.JoinPath("api/v1/chat.postMessage").String()`.
func postMessageURL(apiURL string) (string, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return "", err
	}
	return u.JoinPath("api/v1/chat.postMessage").String(), nil
}

// checkJSONResponseError is checkJSONResponseError from notify/rocketchat/rocketchat.go.
func checkJSONResponseError(body []byte) (bool, error) {
	// response is for parsing out errors from the JSON response.
	type response struct {
		Success bool   `json:"success"`
		Error   string `json:"error"`
	}

	var data response
	if err := json.Unmarshal(body, &data); err != nil {
		return true, fmt.Errorf("could not unmarshal JSON response %q: %w", string(body), err)
	}
	if !data.Success {
		return false, fmt.Errorf("error response from Rocketchat: %s", data.Error)
	}
	return false, nil
}
