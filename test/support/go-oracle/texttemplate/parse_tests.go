package main

// Parse-only modes of the oracle: the tables of Go 1.19 text/template/parse's parse_test.go and
// lex_test.go, read from the installed sources with go/ast so that the rows are Go's own, and
// (for the parser) run through the real text/template/parse package. The lexer is unexported,
// so lex tables are only evaluated and printed: the TypeScript test compares its lexer's items
// with the expected items of the table, as lex_test.go's collect and equal do.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
)

// litEnv evaluates the constant expressions of a test file: string, rune and integer literals,
// string concatenation, package-level vars and consts, mkItem calls and item literals.
type litEnv struct {
	decls map[string]ast.Expr
}

// LexItem is an item of a lex table; Pos and Line are -1 when the table leaves them out.
type LexItem struct {
	Typ  string `json:"typ"`
	Pos  int    `json:"pos"`
	Val  string `json:"val"`
	Line int    `json:"line"`
}

func newLitEnv(f *ast.File) *litEnv {
	env := &litEnv{decls: map[string]ast.Expr{}}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.VAR && g.Tok != token.CONST) {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					env.decls[n.Name] = vs.Values[i]
				}
			}
		}
	}
	return env
}

func (env *litEnv) eval(e ast.Expr) any {
	switch x := e.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := strconv.Unquote(x.Value)
			must(err)
			return s
		case token.INT:
			n, err := strconv.ParseInt(x.Value, 0, 64)
			must(err)
			return int(n)
		case token.CHAR:
			r, _, _, err := strconv.UnquoteChar(x.Value[1:len(x.Value)-1], '\'')
			must(err)
			return int(r)
		}
	case *ast.BinaryExpr:
		a, b := env.eval(x.X), env.eval(x.Y)
		if x.Op == token.ADD {
			if as, ok := a.(string); ok {
				return as + b.(string)
			}
			return a.(int) + b.(int)
		}
	case *ast.ParenExpr:
		return env.eval(x.X)
	case *ast.Ident:
		switch x.Name {
		case "true":
			return true
		case "false":
			return false
		}
		if strings.HasPrefix(x.Name, "item") {
			return x.Name
		}
		if d, ok := env.decls[x.Name]; ok {
			return env.eval(d)
		}
	case *ast.CallExpr:
		if fn, ok := x.Fun.(*ast.Ident); ok && fn.Name == "zeroFill" {
			// fmt_test.go's zeroFill(prefix, width, suffix).
			suffix := env.eval(x.Args[2]).(string)
			return env.eval(x.Args[0]).(string) + strings.Repeat("0", env.eval(x.Args[1]).(int)-len(suffix)) + suffix
		}
		if fn, ok := x.Fun.(*ast.Ident); ok && fn.Name == "mkItem" {
			return LexItem{Typ: env.eval(x.Args[0]).(string), Pos: -1, Val: env.eval(x.Args[1]).(string), Line: -1}
		}
	case *ast.CompositeLit:
		// An item literal {itemX, pos, "val", line} inside []item{...}.
		if len(x.Elts) == 4 {
			return LexItem{
				Typ:  env.eval(x.Elts[0]).(string),
				Pos:  env.eval(x.Elts[1]).(int),
				Val:  env.eval(x.Elts[2]).(string),
				Line: env.eval(x.Elts[3]).(int),
			}
		}
	}
	panic(fmt.Sprintf("cannot evaluate %T %v", e, e))
}

// tableRows returns the row literals of the composite literal `name` (a package-level var, or a
// local `tests := [...]T{...}` inside func `name`).
func tableRows(f *ast.File, name string) []*ast.CompositeLit {
	var lit *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ValueSpec:
			if len(x.Names) == 1 && x.Names[0].Name == name && len(x.Values) == 1 {
				lit = x.Values[0].(*ast.CompositeLit)
			}
		case *ast.FuncDecl:
			if x.Name.Name == name {
				ast.Inspect(x.Body, func(m ast.Node) bool {
					if a, ok := m.(*ast.AssignStmt); ok && lit == nil {
						if c, ok := a.Rhs[0].(*ast.CompositeLit); ok {
							lit = c
						}
					}
					return lit == nil
				})
			}
		}
		return lit == nil
	})
	if lit == nil {
		panic("no table " + name)
	}
	rows := make([]*ast.CompositeLit, 0, len(lit.Elts))
	for _, e := range lit.Elts {
		rows = append(rows, e.(*ast.CompositeLit))
	}
	return rows
}

// ParseRow is one parse of a table row by Go: the table, the mode it was parsed in, Go's
// expected result from the table, and what text/template/parse did.
type ParseRow struct {
	Table string `json:"table"`
	Name  string `json:"name"`
	Input string `json:"input"`
	// Mode is builtins (printf and contains defined, as testParse), nofuncs (no functions, as
	// TestErrors), skipfunccheck or comments (parse.SkipFuncCheck, parse.ParseComments).
	Mode    string `json:"mode"`
	TableOK bool   `json:"tableOK"`
	Want    string `json:"want"`
	// Trees is every tree in the tree set after the parse, by name, as Root.String().
	Trees map[string]string `json:"trees"`
	// Root is the parsed tree's own Root.String(), whether or not it went into the set.
	Root    string `json:"root"`
	Err     string `json:"err"`
	IsEmpty bool   `json:"isEmpty"`
	// Number is the NumberNode of `{{TEXT}}` for numberTests rows.
	Number *NumberView `json:"number,omitempty"`
}

// NumberView is a NumberNode's exported fields, with the integers as decimal text.
type NumberView struct {
	IsInt, IsUint, IsFloat, IsComplex bool
	Int64, Uint64, Float64            string
}

var parseBuiltins = map[string]any{
	"printf":   fmt.Sprintf,
	"contains": strings.Contains,
}

func parseOne(table, name, input, mode string) ParseRow {
	r := ParseRow{Table: table, Name: name, Input: input, Mode: mode, Trees: map[string]string{}}
	tr := parse.New(name)
	var funcs []map[string]any
	switch mode {
	case "builtins":
		funcs = append(funcs, parseBuiltins)
	case "skipfunccheck":
		tr.Mode = parse.SkipFuncCheck
	case "comments":
		tr.Mode = parse.ParseComments
	}
	set := map[string]*parse.Tree{}
	t, err := tr.Parse(input, "", "", set, funcs...)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	for n, st := range set {
		r.Trees[n] = st.Root.String()
	}
	r.Root = t.Root.String()
	r.IsEmpty = parse.IsEmptyTree(t.Root)
	return r
}

func parseTestRows(path string) []ParseRow {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	must(err)
	env := newLitEnv(f)
	var out []ParseRow
	for _, table := range []string{"parseTests", "errorTests", "TestParseWithComments"} {
		for _, row := range tableRows(f, table) {
			name := env.eval(row.Elts[0]).(string)
			input := env.eval(row.Elts[1]).(string)
			ok := env.eval(row.Elts[2]).(bool)
			want := env.eval(row.Elts[3]).(string)
			modes := []string{"builtins", "nofuncs"}
			switch table {
			case "errorTests":
				modes = []string{"nofuncs", "builtins"}
			case "TestParseWithComments":
				modes = []string{"comments"}
			}
			for _, m := range modes {
				r := parseOne(table, name, input, m)
				r.TableOK, r.Want = ok, want
				out = append(out, r)
			}
		}
	}
	for _, row := range tableRows(f, "isEmptyTests") {
		name := env.eval(row.Elts[0]).(string)
		input := env.eval(row.Elts[1]).(string)
		r := parseOne("isEmptyTests", name, input, "nofuncs")
		r.TableOK = env.eval(row.Elts[2]).(bool)
		out = append(out, r)
	}
	for _, row := range tableRows(f, "numberTests") {
		var text string
		if kv, ok := row.Elts[0].(*ast.KeyValueExpr); ok {
			text = env.eval(kv.Value).(string)
		} else {
			text = env.eval(row.Elts[0]).(string)
		}
		r := parseOne("numberTests", text, "{{"+text+"}}", "nofuncs")
		r.TableOK = len(row.Elts) > 1
		if r.Err == "" {
			r.Number = numberView(text)
		}
		out = append(out, r)
	}
	// TestSkipFuncCheck's one case, and TestBlock's.
	out = append(out, parseOne("TestSkipFuncCheck", "skip func check", "{{fn 1 2}}", "skipfunccheck"))
	out = append(out, parseOne("TestBlock", "outer", `a{{block "inner" .}}bar{{.}}baz{{end}}b`, "nofuncs"))
	return out
}

// numberView parses `{{text}}` again to reach its NumberNode.
func numberView(text string) *NumberView {
	t, err := parse.New("n").Parse("{{"+text+"}}", "", "", map[string]*parse.Tree{})
	must(err)
	arg := t.Root.Nodes[0].(*parse.ActionNode).Pipe.Cmds[0].Args[0]
	n, ok := arg.(*parse.NumberNode)
	if !ok {
		return nil
	}
	return &NumberView{
		IsInt: n.IsInt, IsUint: n.IsUint, IsFloat: n.IsFloat, IsComplex: n.IsComplex,
		Int64:   strconv.FormatInt(n.Int64, 10),
		Uint64:  strconv.FormatUint(n.Uint64, 10),
		Float64: strconv.FormatFloat(n.Float64, 'g', -1, 64),
	}
}

// LexRow is one row of a lex table with its expected items.
type LexRow struct {
	Table string    `json:"table"`
	Name  string    `json:"name"`
	Input string    `json:"input"`
	Left  string    `json:"left"`
	Right string    `json:"right"`
	Items []LexItem `json:"items"`
}

func lexTestRows(path string) []LexRow {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	must(err)
	env := newLitEnv(f)
	var out []LexRow
	delims := map[string][2]string{
		"lexTests":               {"", ""},
		"lexDelimTests":          {"$$", "@@"},
		"lexPosTests":            {"", ""},
		"TestDelimsAlphaNumeric": {"{{hub", "hub}}"},
	}
	tables := make([]string, 0, len(delims))
	for t := range delims {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, table := range tables {
		var rows []*ast.CompositeLit
		if table == "TestDelimsAlphaNumeric" {
			// test := lexTest{...}: a single row, not a table.
			rows = []*ast.CompositeLit{singleRow(f, table)}
		} else {
			rows = tableRows(f, table)
		}
		for _, row := range rows {
			r := LexRow{
				Table: table,
				Name:  env.eval(row.Elts[0]).(string),
				Input: env.eval(row.Elts[1]).(string),
				Left:  delims[table][0],
				Right: delims[table][1],
			}
			for _, it := range row.Elts[2].(*ast.CompositeLit).Elts {
				r.Items = append(r.Items, env.eval(it).(LexItem))
			}
			out = append(out, r)
		}
	}
	return out
}

func singleRow(f *ast.File, fn string) *ast.CompositeLit {
	var lit *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if d, ok := n.(*ast.FuncDecl); ok && d.Name.Name == fn {
			ast.Inspect(d.Body, func(m ast.Node) bool {
				if a, ok := m.(*ast.AssignStmt); ok && lit == nil {
					lit, _ = a.Rhs[0].(*ast.CompositeLit)
				}
				return lit == nil
			})
		}
		return lit == nil
	})
	return lit
}
