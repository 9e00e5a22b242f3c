// Command htmltemplate is the Go 1.19 html/template oracle of alertmesh's differential
// tests (test/unit/notify/template/html). Standard library only; built in GOPATH mode.
//
//	htmltemplate tables DIR   prints the rows of DIR/escape_test.go and DIR/content_test.go
//	htmltemplate run          reads JSON cases on stdin, prints one JSON result per case
//
// A case is a list of steps on one html/template set, as the Go tests and Alertmanager's
// template package do them: new, funcs, option, parse, clone, newAssociated, execute,
// executeTemplate. Data values use the typed JSON encoding of decode.go.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"strings"
)

type step struct {
	Op   string          `json:"op"`
	Name string          `json:"name,omitempty"`
	Text string          `json:"text,omitempty"`
	Args []string        `json:"args,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

type testCase struct {
	ID    string `json:"id"`
	Steps []step `json:"steps"`
}

type stepResult struct {
	Out *string `json:"out,omitempty"`
	Err *string `json:"err,omitempty"`
}

type caseResult struct {
	ID      string       `json:"id"`
	Results []stepResult `json:"results"`
}

func str(s string) *string { return &s }

// run executes the steps; a panic (Go's Must-style failures, template.Funcs with a bad
// name) ends the case with its message as an error.
func run(c testCase) (res []stepResult) {
	var t *template.Template
	defer func() {
		if r := recover(); r != nil {
			res = append(res, stepResult{Err: str(fmt.Sprintf("panic: %v", r))})
		}
	}()
	for _, s := range c.Steps {
		var r stepResult
		switch s.Op {
		case "new":
			t = template.New(s.Name)
		case "newAssociated":
			t = t.New(s.Name)
		case "funcs":
			fm := template.FuncMap{}
			for _, name := range s.Args {
				fm[name] = funcs[name]
			}
			t = t.Funcs(fm)
		case "option":
			t = t.Option(s.Args...)
		case "parse":
			nt, err := t.Parse(s.Text)
			if err != nil {
				r.Err = str(err.Error())
			} else {
				t = nt
			}
		case "clone":
			nt, err := t.Clone()
			if err != nil {
				r.Err = str(err.Error())
			} else {
				t = nt
			}
		case "lookup":
			t = t.Lookup(s.Name)
		case "execute", "executeTemplate":
			data, err := decode(s.Data)
			if err != nil {
				panic(err)
			}
			var b strings.Builder
			if s.Op == "execute" {
				err = t.Execute(&b, data)
			} else {
				err = t.ExecuteTemplate(&b, s.Name, data)
			}
			// Go writes output up to an execution error; the differential test compares
			// the error alone then, as the TypeScript port does not keep partial output.
			if err != nil {
				r.Err = str(err.Error())
			} else {
				r.Out = str(b.String())
			}
		default:
			panic("unknown op " + s.Op)
		}
		res = append(res, r)
	}
	return res
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "tables" {
		printTables(os.Args[2])
		return
	}
	in := bufio.NewReader(os.Stdin)
	var cases []testCase
	if err := json.NewDecoder(in).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := make([]caseResult, 0, len(cases))
	for _, c := range cases {
		out = append(out, caseResult{ID: c.ID, Results: run(c)})
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
