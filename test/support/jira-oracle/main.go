// Command jiraoracle encodes the request bodies of Alertmanager's jira notifier. No Alertmanager
// release on this machine has jira (it arrived in 0.28), so the types and their encoding below
// are copied from prometheus/alertmanager at commit 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d
// (v0.34.0+20), notify/jira/types.go and notify/jira/config.go (Copyright The Prometheus
// Authors, Apache License 2.0), with only the imports those copies need (and maps.Copy spelled out for Go 1.19). It reads a JSON array
// of cases on stdin and prints, for each, the body json.NewEncoder writes (as
// doAPIRequestFullPath does) or the encoder's error.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// From notify/jira/types.go.
type issue struct {
	Key        string       `json:"key,omitempty"`
	Fields     *issueFields `json:"fields,omitempty"`
	Transition *idNameValue `json:"transition,omitempty"`
}

// From notify/jira/types.go.
type issueFields struct {
	Description *jiraDescription `json:"description,omitempty"`
	Issuetype   *idNameValue     `json:"issuetype,omitempty"`
	Labels      []string         `json:"labels,omitempty"`
	Priority    *idNameValue     `json:"priority,omitempty"`
	Project     *issueProject    `json:"project,omitempty"`
	Resolution  *idNameValue     `json:"resolution,omitempty"`
	Summary     *string          `json:"summary,omitempty"`
	Status      *issueStatus     `json:"status,omitempty"`

	Fields map[string]any `json:"-"`
}

// From notify/jira/types.go.
type idNameValue struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// From notify/jira/types.go.
type issueProject struct {
	Key string `json:"key"`
}

// From notify/jira/types.go.
type issueStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// From notify/jira/types.go.
type issueSearch struct {
	Fields     []string `json:"fields"`
	JQL        string   `json:"jql"`
	MaxResults int      `json:"maxResults"`
}

// From notify/jira/types.go.
func (i issueFields) MarshalJSON() ([]byte, error) {
	jsonFields := map[string]any{}

	if i.Summary != nil {
		jsonFields["summary"] = *i.Summary
	}

	// Only include description when it has content.
	if i.Description != nil && !i.Description.IsEmpty() {
		jsonFields["description"] = i.Description
	}

	if i.Issuetype != nil {
		jsonFields["issuetype"] = i.Issuetype
	}
	if i.Labels != nil {
		jsonFields["labels"] = i.Labels
	}
	if i.Priority != nil {
		jsonFields["priority"] = i.Priority
	}
	if i.Project != nil {
		jsonFields["project"] = i.Project
	}
	if i.Resolution != nil {
		jsonFields["resolution"] = i.Resolution
	}
	if i.Status != nil {
		jsonFields["status"] = i.Status
	}

	// copy custom/unknown fields into the outgoing map
	// (maps.Copy upstream; Go 1.19 here has no maps package, and this is its loop)
	if i.Fields != nil {
		for k, v := range i.Fields {
			jsonFields[k] = v
		}
	}

	return json.Marshal(jsonFields)
}

// From notify/jira/types.go.
type jiraDescription struct {
	StringDescription  *string         // non-nil if the description is a simple string
	RawJSONDescription json.RawMessage // non-empty if the description is structured JSON
}

// From notify/jira/types.go.
func (jd jiraDescription) MarshalJSON() ([]byte, error) {
	// If there's a structured JSON payload, return it as-is.
	if len(jd.RawJSONDescription) > 0 {
		out := make([]byte, len(jd.RawJSONDescription))
		copy(out, jd.RawJSONDescription)
		return out, nil
	}

	// If we have a string representation, let json.Marshal quote it properly.
	if jd.StringDescription != nil {
		return json.Marshal(*jd.StringDescription)
	}

	// No value: represent as JSON null.
	return []byte("null"), nil
}

// From notify/jira/types.go.
func (jd *jiraDescription) IsEmpty() bool {
	if jd == nil {
		return true
	}
	return jd.StringDescription == nil && len(jd.RawJSONDescription) == 0
}

// From notify/jira/config.go, with the embedded and pointer types reduced to what their YAML
// tags need; the schema test reads the field lists from here.
type JiraFieldConfig struct {
	// Template is the template string used to render the field.
	Template string `yaml:"template,omitempty" json:"template,omitempty"`
	// EnableUpdate indicates whether this field should be omitted when updating an existing issue.
	EnableUpdate *bool `yaml:"enable_update,omitempty" json:"enable_update,omitempty"`
}

// From notify/jira/config.go (reduced as above).
type JiraConfig struct {
	NotifierConfig `yaml:",inline" json:",inline"`
	HTTPConfig     *struct{} `yaml:"http_config,omitempty" json:"http_config,omitempty"`

	APIURL  *string `yaml:"api_url,omitempty" json:"api_url,omitempty"`
	APIType string  `yaml:"api_type,omitempty" json:"api_type,omitempty"`

	Project     string          `yaml:"project,omitempty" json:"project,omitempty"`
	Summary     JiraFieldConfig `yaml:"summary,omitempty" json:"summary,omitempty"`
	Description JiraFieldConfig `yaml:"description,omitempty" json:"description,omitempty"`
	Labels      []string        `yaml:"labels,omitempty" json:"labels,omitempty"`
	Priority    string          `yaml:"priority,omitempty" json:"priority,omitempty"`
	IssueType   string          `yaml:"issue_type,omitempty" json:"issue_type,omitempty"`

	ReopenTransition  string `yaml:"reopen_transition,omitempty" json:"reopen_transition,omitempty"`
	ResolveTransition string `yaml:"resolve_transition,omitempty" json:"resolve_transition,omitempty"`
	WontFixResolution string `yaml:"wont_fix_resolution,omitempty" json:"wont_fix_resolution,omitempty"`
	ReopenDuration    string `yaml:"reopen_duration,omitempty" json:"reopen_duration,omitempty"`

	Fields map[string]any `yaml:"fields,omitempty" json:"custom_fields,omitempty"`
}

// NotifierConfig stands for config/common's NotifierConfig.
type NotifierConfig struct {
	VSendResolved bool `yaml:"send_resolved" json:"send_resolved"`
}

// description is a jiraDescription as the notifier fills it: text for API v2, ADF for v3.
type description struct {
	Text *string `json:"text"`
	ADF  *string `json:"adf"`
}

// fieldsInput are the issueFields prepareIssueRequestBody fills (absent ones stay nil).
type fieldsInput struct {
	Summary     *string        `json:"summary"`
	Description *description   `json:"description"`
	Issuetype   *string        `json:"issuetype"`
	Labels      []string       `json:"labels"`
	Priority    *string        `json:"priority"`
	Project     *string        `json:"project"`
	Custom      map[string]any `json:"custom"`
}

// input is one case: an issue (create/update), a search, or a transition.
type input struct {
	Kind       string      `json:"kind"`
	Fields     fieldsInput `json:"fields"`
	JQL        string      `json:"jql"`
	Transition string      `json:"transition"`
}

type output struct {
	Body  string `json:"body"`
	Error string `json:"error,omitempty"`
}

// special turns {"$float": "NaN"|"+Inf"|"-Inf"} back into the float yaml.v2 decodes.
func special(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if s, ok := t["$float"].(string); ok && len(t) == 1 {
			switch s {
			case "NaN":
				return math.NaN()
			case "+Inf":
				return math.Inf(1)
			case "-Inf":
				return math.Inf(-1)
			}
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = special(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = special(x)
		}
		return out
	default:
		return v
	}
}

func request(in input) any {
	switch in.Kind {
	case "search":
		return issueSearch{JQL: in.JQL, MaxResults: 2, Fields: []string{"status"}}
	case "transition":
		return issue{Transition: &idNameValue{ID: in.Transition}}
	}
	f := in.Fields
	fields := &issueFields{Summary: f.Summary, Labels: f.Labels, Fields: map[string]any{}}
	if f.Description != nil {
		if f.Description.ADF != nil {
			fields.Description = &jiraDescription{RawJSONDescription: json.RawMessage(*f.Description.ADF)}
		} else {
			fields.Description = &jiraDescription{StringDescription: f.Description.Text}
		}
	}
	if f.Issuetype != nil {
		fields.Issuetype = &idNameValue{Name: *f.Issuetype}
	}
	if f.Priority != nil {
		fields.Priority = &idNameValue{Name: *f.Priority}
	}
	if f.Project != nil {
		fields.Project = &issueProject{Key: *f.Project}
	}
	for k, v := range f.Custom {
		fields.Fields[k] = special(v)
	}
	return issue{Fields: fields}
}

func main() {
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]output, 0, len(cases))
	for _, c := range cases {
		// As doAPIRequestFullPath encodes the request body.
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(request(c)); err != nil {
			out = append(out, output{Error: err.Error()})
			continue
		}
		out = append(out, output{Body: buf.String()})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
