package main

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
)

// funcs are the functions a case may install by name: Alertmanager 0.25's DefaultFuncs
// (template/template.go; `title` uses strings.Title in place of golang.org/x/text/cases,
// which is not in the standard library) and the `pred` of Go's TestEscapeSet.
var funcs = map[string]any{
	"toUpper": strings.ToUpper,
	"toLower": strings.ToLower,
	//lint:ignore SA1019 a stand-in for cases.Title(language.AmericanEnglish).String
	"title": strings.Title,
	"join": func(sep string, s []string) string {
		return strings.Join(s, sep)
	},
	"match": regexp.MatchString,
	"safeHtml": func(text string) template.HTML {
		return template.HTML(text)
	},
	"reReplaceAll": func(pattern, repl, text string) string {
		re := regexp.MustCompile(pattern)
		return re.ReplaceAllString(text, repl)
	},
	"stringSlice": func(s ...string) []string {
		return s
	},
	"pred": func(a ...any) (any, error) {
		if len(a) == 1 {
			if i, _ := a[0].(int); i > 0 {
				return i - 1, nil
			}
		}
		return nil, fmt.Errorf("undefined pred(%v)", a)
	},
}
