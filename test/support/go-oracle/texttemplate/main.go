// Command texttemplate is the Go 1.19 oracle for alertmesh's port of text/template: it reads
// test cases as JSON on stdin, runs them with Go's own text/template and fmt, and prints the
// outputs and error messages as JSON. Standard library only, so it builds offline in GOPATH
// mode.
//
// The exec test data (T, tVal and the test functions) is copied from Go 1.19
// text/template/exec_test.go (BSD-style licence, The Go Authors) so that the rows of its
// execTests table, read from the installed Go sources, run on the same values here and in the
// TypeScript mirror.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

// Case is one test case.
type Case struct {
	Name      string          `json:"name"`
	Templates []NamedText     `json:"templates"`
	Exec      string          `json:"exec"`
	Data      json.RawMessage `json:"data"`
	Option    string          `json:"option"`
	Printf    *PrintfCase     `json:"printf"`
}

// NamedText is one template text to parse into the set.
type NamedText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// PrintfCase is a direct fmt.Sprintf call.
type PrintfCase struct {
	Format string            `json:"format"`
	Args   []json.RawMessage `json:"args"`
}

// Result is what Go did.
type Result struct {
	Name       string `json:"name"`
	Output     string `json:"output"`
	ParseError string `json:"parseError,omitempty"`
	ExecError  string `json:"execError,omitempty"`
}

// ExecRow is one row of exec_test.go's execTests.
type ExecRow struct {
	Name   string `json:"name"`
	Input  string `json:"input"`
	Output string `json:"output"`
	Data   string `json:"data"`
	OK     bool   `json:"ok"`
}

// KV and Pair mirror the shapes Alertmanager's template data uses, for typed-data cases.
type KV map[string]string

type Pair struct{ Name, Value string }

type Pairs []Pair

func (kv KV) SortedPairs() Pairs {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ps := Pairs{}
	for _, k := range keys {
		ps = append(ps, Pair{k, kv[k]})
	}
	return ps
}

func (kv KV) Names() []string {
	var ns []string
	for _, p := range kv.SortedPairs() {
		ns = append(ns, p.Name)
	}
	return ns
}

func (kv KV) Values() []string {
	var vs []string
	for _, p := range kv.SortedPairs() {
		vs = append(vs, p.Value)
	}
	return vs
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

// Alert and Alerts are a small struct and slice type with methods.
type Alert struct {
	Status string
	Labels KV
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

// decode turns typed JSON into a Go value: {"int":3}, {"float":1.5}, {"string":"x"},
// {"bool":true}, {"nil":true}, {"uint":3}, {"int64":3}, {"slice":[...]} ([]interface{}),
// {"strings":[...]}, {"ints":[...]}, {"map":{...}} (map[string]interface{}), {"kv":{...}},
// {"alerts":[{"status":..,"labels":{..}}]}, {"pair":[name,value]}, {"tval":true}.
func decode(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	for k, v := range m {
		switch k {
		case "int":
			var n int
			must(json.Unmarshal(v, &n))
			return n
		case "int64":
			var n int64
			must(json.Unmarshal(v, &n))
			return n
		case "uint":
			var n uint
			must(json.Unmarshal(v, &n))
			return n
		case "float":
			var f float64
			must(json.Unmarshal(v, &f))
			return f
		case "string":
			var s string
			must(json.Unmarshal(v, &s))
			return s
		case "bool":
			var b bool
			must(json.Unmarshal(v, &b))
			return b
		case "nil":
			return nil
		case "slice":
			var xs []json.RawMessage
			must(json.Unmarshal(v, &xs))
			out := []any{}
			for _, x := range xs {
				out = append(out, decode(x))
			}
			return out
		case "strings":
			var xs []string
			must(json.Unmarshal(v, &xs))
			return xs
		case "ints":
			var xs []int
			must(json.Unmarshal(v, &xs))
			return xs
		case "map":
			var xs map[string]json.RawMessage
			must(json.Unmarshal(v, &xs))
			out := map[string]any{}
			for k, x := range xs {
				out[k] = decode(x)
			}
			return out
		case "kv":
			var xs map[string]string
			must(json.Unmarshal(v, &xs))
			return KV(xs)
		case "pair":
			var xs []string
			must(json.Unmarshal(v, &xs))
			return Pair{xs[0], xs[1]}
		case "alerts":
			var xs []struct {
				Status string            `json:"status"`
				Labels map[string]string `json:"labels"`
			}
			must(json.Unmarshal(v, &xs))
			out := Alerts{}
			for _, x := range xs {
				out = append(out, Alert{x.Status, KV(x.Labels)})
			}
			return out
		case "tval":
			return tVal
		}
	}
	panic("unknown typed value: " + string(raw))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func run(c Case) Result {
	r := Result{Name: c.Name}
	if c.Printf != nil {
		args := []any{}
		for _, a := range c.Printf.Args {
			args = append(args, decode(a))
		}
		r.Output = fmt.Sprintf(c.Printf.Format, args...)
		return r
	}
	first := c.Templates[0]
	t := template.New(first.Name).Funcs(execFuncs)
	if c.Option != "" {
		t.Option(c.Option)
	}
	for i, nt := range c.Templates {
		var err error
		if i == 0 {
			_, err = t.Parse(nt.Text)
		} else {
			_, err = t.New(nt.Name).Parse(nt.Text)
		}
		if err != nil {
			r.ParseError = err.Error()
			return r
		}
	}
	var b bytes.Buffer
	name := c.Exec
	if name == "" {
		name = first.Name
	}
	err := t.ExecuteTemplate(&b, name, decode(c.Data))
	r.Output = b.String()
	if err != nil {
		r.ExecError = err.Error()
	}
	return r
}

// execRows reads execTests from the installed exec_test.go, so the table is Go's own.
func execRows(path string) []ExecRow {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	must(err)
	var rows []ExecRow
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "execTests" {
			return true
		}
		lit := vs.Values[0].(*ast.CompositeLit)
		for _, e := range lit.Elts {
			row := e.(*ast.CompositeLit)
			if len(row.Elts) != 5 {
				continue
			}
			var buf bytes.Buffer
			must(printer.Fprint(&buf, fset, row.Elts[3]))
			name, ok1 := str(row.Elts[0])
			input, ok2 := str(row.Elts[1])
			output, ok3 := str(row.Elts[2])
			data := buf.String()
			if !ok1 || !ok2 || !ok3 {
				data = "<non-literal>"
			}
			rows = append(rows, ExecRow{
				Name:   name,
				Input:  input,
				Output: output,
				Data:   data,
				OK:     row.Elts[4].(*ast.Ident).Name == "true",
			})
		}
		return false
	})
	return rows
}

// str evaluates a string literal expression; ok is false for anything else (such as a
// named constant), and such rows are reported with data "<non-literal>".
func str(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		a, ok1 := str(x.X)
		b, ok2 := str(x.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return str(x.X)
	}
	return "", false
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "parsetests" {
		must(json.NewEncoder(os.Stdout).Encode(parseTestRows(os.Args[2])))
		return
	}
	if len(os.Args) == 2 && os.Args[1] == "bench" {
		runBench()
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "fmttests" {
		must(json.NewEncoder(os.Stdout).Encode(fmtTestRows(os.Args[2])))
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "lextests" {
		must(json.NewEncoder(os.Stdout).Encode(lexTestRows(os.Args[2])))
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "exectests" {
		rows := execRows(os.Args[2])
		type out struct {
			ExecRow
			Go         string `json:"go"`
			GoErr      string `json:"goErr"`
			ParseError string `json:"parseError"`
		}
		var res []out
		for _, row := range rows {
			o := out{ExecRow: row}
			var data any
			switch row.Data {
			case "tVal":
				data = tVal
			case "nil":
				data = nil
			default:
				// Simple literal data: ints, floats, bools, strings.
				if n, err := strconv.Atoi(row.Data); err == nil {
					data = n
				} else if f, err := strconv.ParseFloat(row.Data, 64); err == nil {
					data = f
				} else if s, err := strconv.Unquote(row.Data); err == nil {
					data = s
				} else if row.Data == "true" {
					data = true
				} else {
					res = append(res, o)
					continue
				}
			}
			t, err := template.New(row.Name).Funcs(execFuncs).Parse(row.Input)
			if err != nil {
				o.ParseError = err.Error()
			} else {
				var b bytes.Buffer
				err = t.Execute(&b, data)
				o.Go = b.String()
				if err != nil {
					o.GoErr = err.Error()
				}
			}
			res = append(res, o)
		}
		must(json.NewEncoder(os.Stdout).Encode(res))
		return
	}
	var cases []Case
	must(json.NewDecoder(os.Stdin).Decode(&cases))
	results := make([]Result, 0, len(cases))
	for _, c := range cases {
		results = append(results, run(c))
	}
	must(json.NewEncoder(os.Stdout).Encode(results))
}

var _ = errors.New
var _ = strings.Join
