package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
)

// tables reads the test tables of Go's html/template tests from their source, so the
// differential test ports them row for row without copying them.

// str evaluates a constant string expression: literals and their concatenations.
func strOf(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := strOf(e.X)
		b, ok2 := strOf(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return strOf(e.X)
	}
	return "", false
}

// rowsOf finds `tests := []struct{...}{rows}` (or `data := ...`) in the named function.
func litOf(f *ast.File, fn, varName string) *ast.CompositeLit {
	var found *ast.CompositeLit
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || found != nil || len(as.Lhs) != 1 {
				return true
			}
			if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == varName {
				if cl, ok := as.Rhs[0].(*ast.CompositeLit); ok {
					found = cl
				}
			}
			return true
		})
	}
	return found
}

type escapeRow struct {
	Name   string `json:"name"`
	Input  string `json:"input"`
	Output string `json:"output"`
}

type setRow struct {
	Inputs map[string]string `json:"inputs"`
	Want   string            `json:"want"`
}

type errorRow struct {
	Input string `json:"input"`
	Err   string `json:"err"`
}

type contentValue struct {
	Content string `json:"content,omitempty"`
	S       string `json:"s"`
}

type typedContentRow struct {
	Input string   `json:"input"`
	Want  []string `json:"want"`
}

type tablesOut struct {
	Escape           []escapeRow       `json:"escape"`
	EscapeSet        []setRow          `json:"escapeSet"`
	Errors           []errorRow        `json:"errors"`
	EscapeText       []string          `json:"escapeText"`
	EscapeMap        []escapeRow       `json:"escapeMap"`
	Malformed        []string          `json:"malformed"`
	TypedContent     []typedContentRow `json:"typedContent"`
	TypedContentData []contentValue    `json:"typedContentData"`
	Unparsed         []string          `json:"unparsed"`
}

func must(ok bool, what string, out *tablesOut) bool {
	if !ok {
		out.Unparsed = append(out.Unparsed, what)
	}
	return ok
}

func printTables(dir string) {
	fset := token.NewFileSet()
	esc, err := parser.ParseFile(fset, filepath.Join(dir, "escape_test.go"), nil, 0)
	if err != nil {
		panic(err)
	}
	content, err := parser.ParseFile(fset, filepath.Join(dir, "content_test.go"), nil, 0)
	if err != nil {
		panic(err)
	}
	var out tablesOut
	for i, e := range litOf(esc, "TestEscape", "tests").Elts {
		el := e.(*ast.CompositeLit).Elts
		name, ok1 := strOf(el[0])
		in, ok2 := strOf(el[1])
		o, ok3 := strOf(el[2])
		if must(ok1 && ok2 && ok3, fmt.Sprintf("TestEscape row %d", i), &out) {
			out.Escape = append(out.Escape, escapeRow{name, in, o})
		}
	}
	for i, e := range litOf(esc, "TestEscapeSet", "tests").Elts {
		el := e.(*ast.CompositeLit).Elts
		m := map[string]string{}
		ok := true
		for _, kv := range el[0].(*ast.CompositeLit).Elts {
			k, ok1 := strOf(kv.(*ast.KeyValueExpr).Key)
			v, ok2 := strOf(kv.(*ast.KeyValueExpr).Value)
			ok = ok && ok1 && ok2
			m[k] = v
		}
		want, ok2 := strOf(el[1])
		if must(ok && ok2, fmt.Sprintf("TestEscapeSet row %d", i), &out) {
			out.EscapeSet = append(out.EscapeSet, setRow{m, want})
		}
	}
	for i, e := range litOf(esc, "TestErrors", "tests").Elts {
		el := e.(*ast.CompositeLit).Elts
		in, ok1 := strOf(el[0])
		msg, ok2 := strOf(el[1])
		if must(ok1 && ok2, fmt.Sprintf("TestErrors row %d", i), &out) {
			out.Errors = append(out.Errors, errorRow{in, msg})
		}
	}
	for i, e := range litOf(esc, "TestEscapeText", "tests").Elts {
		el := e.(*ast.CompositeLit).Elts
		in, ok := strOf(el[0])
		if must(ok, fmt.Sprintf("TestEscapeText row %d", i), &out) {
			out.EscapeText = append(out.EscapeText, in)
		}
	}
	for _, d := range esc.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		switch fd.Name.Name {
		case "TestEscapeMap":
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if cl, ok := n.(*ast.CompositeLit); ok {
					if _, isArr := cl.Type.(*ast.ArrayType); isArr && len(cl.Elts) > 0 {
						if _, isRow := cl.Elts[0].(*ast.CompositeLit); isRow {
							for _, e := range cl.Elts {
								el := e.(*ast.CompositeLit).Elts
								a, _ := strOf(el[0])
								b, _ := strOf(el[1])
								c, _ := strOf(el[2])
								out.EscapeMap = append(out.EscapeMap, escapeRow{a, b, c})
							}
							return false
						}
					}
				}
				return true
			})
		case "TestEscapeMalformedPipelines":
			for _, e := range litOf(esc, fd.Name.Name, "tests").Elts {
				s, _ := strOf(e)
				out.Malformed = append(out.Malformed, s)
			}
		}
	}
	for i, e := range litOf(content, "TestTypedContent", "data").Elts {
		switch e := e.(type) {
		case *ast.CallExpr:
			s, ok := strOf(e.Args[0])
			if must(ok, fmt.Sprintf("TestTypedContent data %d", i), &out) {
				out.TypedContentData = append(out.TypedContentData, contentValue{e.Fun.(*ast.Ident).Name, s})
			}
		default:
			s, ok := strOf(e)
			if must(ok, fmt.Sprintf("TestTypedContent data %d", i), &out) {
				out.TypedContentData = append(out.TypedContentData, contentValue{"", s})
			}
		}
	}
	for i, e := range litOf(content, "TestTypedContent", "tests").Elts {
		el := e.(*ast.CompositeLit).Elts
		in, ok := strOf(el[0])
		var want []string
		for _, w := range el[1].(*ast.CompositeLit).Elts {
			s, ok2 := strOf(w)
			ok = ok && ok2
			want = append(want, s)
		}
		if must(ok, fmt.Sprintf("TestTypedContent row %d", i), &out) {
			out.TypedContent = append(out.TypedContent, typedContentRow{in, want})
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
