package main

// The fmttests mode: Go 1.19 fmt/fmt_test.go's fmtTests rows, read from the installed sources
// with go/ast. Each row's value expression is evaluated, when it is made of constants,
// conversions and composite literals of types a template can see, into a typed value
// (TypedJSON) that the TypeScript test rebuilds in its Go value model; the oracle rebuilds it
// too and formats it with the real fmt.Sprintf, so both the table's expected output and Go's
// output on the transported value are at hand. Other rows carry the reason they are skipped.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TypeJSON describes a Go type: Kind is a reflect.Kind name or "interface" (empty interface).
type TypeJSON struct {
	Kind string `json:"kind"`
	// Name is a defined type's name (fmt_test.renamedInt), empty for type literals.
	Name   string      `json:"name,omitempty"`
	Elem   *TypeJSON   `json:"elem,omitempty"`
	Key    *TypeJSON   `json:"key,omitempty"`
	Len    int         `json:"len,omitempty"`
	Fields []FieldJSON `json:"fields,omitempty"`
}

// FieldJSON is a struct field.
type FieldJSON struct {
	Name string    `json:"name"`
	Type *TypeJSON `json:"type"`
}

// TypedJSON is a value with its type. Value is: decimal text for integers, strconv 'g' text (or
// NaN, +Inf, -Inf) for floats, a string, a bool, an array for slices, arrays and structs, an
// array of [key, value] pairs for maps, the pointee for pointers, a TypedJSON for a non-nil
// interface, or null for nil.
type TypedJSON struct {
	Type  *TypeJSON `json:"type"`
	Value any       `json:"value"`
}

// FmtRow is one fmtTests row.
type FmtRow struct {
	Fmt string `json:"fmt"`
	Out string `json:"out"`
	// Arg is the value; absent with Nil for the untyped nil, and absent with Skip otherwise.
	Arg  *TypedJSON `json:"arg,omitempty"`
	Nil  bool       `json:"nil,omitempty"`
	Skip string     `json:"skip,omitempty"`
	// Go is fmt.Sprintf(Fmt, the value rebuilt from Arg), when Go can rebuild it (reflect
	// cannot make structs with unexported fields).
	Go      string `json:"go"`
	GoBuilt bool   `json:"goBuilt"`
}

type skipError string

func skipf(format string, a ...any) { panic(skipError(fmt.Sprintf(format, a...))) }

var basicKinds = map[string]string{
	"bool": "bool", "int": "int", "int8": "int8", "int16": "int16", "int32": "int32",
	"int64": "int64", "uint": "uint", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
	"uint64": "uint64", "uintptr": "uintptr", "float32": "float32", "float64": "float64",
	"string": "string", "byte": "uint8", "rune": "int32",
}

func typeFromExpr(e ast.Expr) *TypeJSON {
	switch x := e.(type) {
	case *ast.Ident:
		if k, ok := basicKinds[x.Name]; ok {
			return &TypeJSON{Kind: k}
		}
		if x.Name == "any" {
			return &TypeJSON{Kind: "interface"}
		}
		if u, ok := fmtEnv.types[x.Name]; ok && !strings.Contains(x.Name, "Complex") {
			// A method-less defined type of fmt_test.go (renamedInt ...): its underlying type
			// under its own name.
			t := *typeFromExpr(u)
			t.Name = "fmt_test." + x.Name
			return &t
		}
		skipf("named type %s: its methods or name are not mirrored", x.Name)
	case *ast.InterfaceType:
		if len(x.Methods.List) == 0 {
			return &TypeJSON{Kind: "interface"}
		}
	case *ast.ArrayType:
		elem := typeFromExpr(x.Elt)
		if x.Len == nil {
			return &TypeJSON{Kind: "slice", Elem: elem}
		}
		if _, ok := x.Len.(*ast.Ellipsis); ok {
			return &TypeJSON{Kind: "array", Elem: elem, Len: -1}
		}
		if lit, ok := x.Len.(*ast.BasicLit); ok {
			n, err := strconv.Atoi(lit.Value)
			must(err)
			return &TypeJSON{Kind: "array", Elem: elem, Len: n}
		}
	case *ast.MapType:
		return &TypeJSON{Kind: "map", Key: typeFromExpr(x.Key), Elem: typeFromExpr(x.Value)}
	case *ast.StarExpr:
		return &TypeJSON{Kind: "ptr", Elem: typeFromExpr(x.X)}
	case *ast.StructType:
		t := &TypeJSON{Kind: "struct", Fields: []FieldJSON{}}
		for _, f := range x.Fields.List {
			ft := typeFromExpr(f.Type)
			if len(f.Names) == 0 {
				skipf("embedded struct field")
			}
			for _, n := range f.Names {
				t.Fields = append(t.Fields, FieldJSON{n.Name, ft})
			}
		}
		return t
	}
	skipf("type %T", e)
	return nil
}

// constOf evaluates a constant expression, or returns nil.
func constOf(e ast.Expr) (constant.Value, *TypeJSON) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.IMAG {
			skipf("complex numbers: not in the template value model")
		}
		v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
		switch x.Kind {
		case token.INT:
			return v, &TypeJSON{Kind: "int"}
		case token.FLOAT:
			return v, &TypeJSON{Kind: "float64"}
		case token.CHAR:
			return v, &TypeJSON{Kind: "int32"}
		case token.STRING:
			return v, &TypeJSON{Kind: "string"}
		}
	case *ast.Ident:
		if x.Name == "true" || x.Name == "false" {
			return constant.MakeBool(x.Name == "true"), &TypeJSON{Kind: "bool"}
		}
	case *ast.ParenExpr:
		return constOf(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return nil, nil
		}
		v, t := constOf(x.X)
		if v == nil {
			return nil, nil
		}
		prec := uint(0)
		if x.Op == token.XOR && strings.HasPrefix(t.Kind, "uint") {
			prec = uint(bitSize(t.Kind))
		}
		return constant.UnaryOp(x.Op, v, prec), t
	case *ast.BinaryExpr:
		a, ta := constOf(x.X)
		b, tb := constOf(x.Y)
		if a == nil || b == nil {
			return nil, nil
		}
		t := ta
		if ta.Kind == "int" && tb.Kind != "int" {
			t = tb
		}
		if x.Op == token.SHL || x.Op == token.SHR {
			s, _ := constant.Uint64Val(b)
			return constant.Shift(a, x.Op, uint(s)), ta
		}
		if x.Op == token.QUO && a.Kind() == constant.Int && b.Kind() == constant.Int {
			return constant.BinaryOp(a, token.QUO_ASSIGN, b), t
		}
		return constant.BinaryOp(a, x.Op, b), t
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
			_, basic := basicKinds[id.Name]
			_, renamed := fmtEnv.types[id.Name]
			if basic || renamed {
				t := typeFromExpr(id)
				v, _ := constOf(x.Args[0])
				if v != nil && t.Kind != "slice" && (t.Kind == "string") == (v.Kind() == constant.String) {
					return v, t
				}
			}
		}
	}
	return nil, nil
}

func bitSize(kind string) int {
	switch kind {
	case "int8", "uint8":
		return 8
	case "int16", "uint16":
		return 16
	case "int32", "uint32", "float32":
		return 32
	}
	return 64
}

// constValue renders a constant as the JSON value of type t.
func constValue(v constant.Value, t *TypeJSON) any {
	switch t.Kind {
	case "string":
		s := constant.StringVal(v)
		if !utf8.ValidString(s) {
			skipf("a string that is not valid UTF-8: JS strings hold UTF-16")
		}
		return s
	case "bool":
		return constant.BoolVal(v)
	case "float32", "float64":
		f, _ := constant.Float64Val(constant.ToFloat(v))
		if t.Kind == "float32" {
			f = float64(float32(f))
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case "interface":
		skipf("constant into interface")
	}
	i := constant.ToInt(v)
	if i.Kind() != constant.Int {
		skipf("non-integral constant %v for %s", v, t.Kind)
	}
	return i.ExactString()
}

// valueOf evaluates e as a value of type want (nil: e's own type).
func valueOf(e ast.Expr, want *TypeJSON) TypedJSON {
	if want != nil && want.Kind == "interface" {
		if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
			return TypedJSON{Type: want, Value: nil}
		}
		inner := valueOf(e, nil)
		return TypedJSON{Type: want, Value: inner}
	}
	if v, t := constOf(e); v != nil {
		if want != nil {
			t = want
		}
		return TypedJSON{Type: t, Value: constValue(v, t)}
	}
	switch x := e.(type) {
	case *ast.Ident:
		switch x.Name {
		case "true", "false":
			return TypedJSON{Type: &TypeJSON{Kind: "bool"}, Value: x.Name == "true"}
		case "NaN":
			return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "NaN"}
		case "posInf":
			return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "+Inf"}
		case "negInf":
			return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "-Inf"}
		case "nil":
			if want != nil {
				return TypedJSON{Type: want, Value: nil}
			}
		}
		if d, ok := fmtEnv.vars[x.Name]; ok && x.Name != "intVar" {
			return valueOf(d, want)
		}
		skipf("package variable %s: a named Go value not mirrored", x.Name)
	case *ast.SliceExpr:
		// array[:] of a package-level array.
		a := valueOf(x.X, nil)
		if a.Type.Kind == "array" && x.Low == nil && x.High == nil {
			return TypedJSON{Type: &TypeJSON{Kind: "slice", Elem: a.Type.Elem}, Value: a.Value}
		}
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			if p, ok := sel.X.(*ast.Ident); ok && p.Name == "math" {
				switch sel.Sel.Name {
				case "NaN":
					return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "NaN"}
				case "Inf":
					v, _ := constOf(x.Args[0])
					if constant.Sign(v) > 0 {
						return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "+Inf"}
					}
					return TypedJSON{Type: &TypeJSON{Kind: "float64"}, Value: "-Inf"}
				}
			}
		}
		if at, ok := x.Fun.(*ast.ArrayType); ok && len(x.Args) == 1 {
			// []byte("...") and the like.
			t := typeFromExpr(at)
			v, _ := constOf(x.Args[0])
			if t.Kind == "slice" && t.Elem.Kind == "uint8" && v != nil && v.Kind() == constant.String {
				s := constant.StringVal(v)
				out := []any{}
				for i := 0; i < len(s); i++ {
					out = append(out, strconv.Itoa(int(s[i])))
				}
				return TypedJSON{Type: t, Value: out}
			}
		}
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "string" && len(x.Args) == 1 {
			v, _ := constOf(x.Args[0])
			if v != nil && v.Kind() == constant.Int {
				r, _ := constant.Int64Val(v)
				return TypedJSON{Type: &TypeJSON{Kind: "string"}, Value: constValue(constant.MakeString(string(rune(r))), &TypeJSON{Kind: "string"})}
			}
		}
		skipf("call %s: not a value templates see", exprString(x.Fun))
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if lit, ok := x.X.(*ast.CompositeLit); ok {
				inner := valueOf(lit, nil)
				return TypedJSON{Type: &TypeJSON{Kind: "ptr", Elem: inner.Type}, Value: inner.Value}
			}
			skipf("address of a variable: printed addresses vary")
		}
	case *ast.CompositeLit:
		var t *TypeJSON
		if x.Type == nil {
			t = want
		} else {
			t = typeFromExpr(x.Type)
		}
		if t == nil {
			skipf("untyped composite literal")
		}
		switch t.Kind {
		case "slice", "array":
			out := []any{}
			for _, el := range x.Elts {
				if _, ok := el.(*ast.KeyValueExpr); ok {
					skipf("indexed array literal")
				}
				out = append(out, valueOf(el, t.Elem).Value)
			}
			if t.Kind == "array" {
				if t.Len < 0 {
					t.Len = len(out)
				}
				for len(out) < t.Len {
					skipf("array literal shorter than its type")
				}
			}
			return TypedJSON{Type: t, Value: out}
		case "map":
			out := []any{}
			for _, el := range x.Elts {
				kv := el.(*ast.KeyValueExpr)
				out = append(out, []any{valueOf(kv.Key, t.Key).Value, valueOf(kv.Value, t.Elem).Value})
			}
			return TypedJSON{Type: t, Value: out}
		case "struct":
			out := make([]any, len(t.Fields))
			for i, el := range x.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					name := kv.Key.(*ast.Ident).Name
					for j, f := range t.Fields {
						if f.Name == name {
							out[j] = valueOf(kv.Value, f.Type).Value
						}
					}
				} else {
					out[i] = valueOf(el, t.Fields[i].Type).Value
				}
			}
			for j, f := range t.Fields {
				if out[j] == nil && f.Type.Kind != "interface" && f.Type.Kind != "ptr" &&
					f.Type.Kind != "slice" && f.Type.Kind != "map" {
					skipf("struct literal with zero-valued fields left out")
				}
			}
			return TypedJSON{Type: t, Value: out}
		}
	}
	skipf("expression %s", exprString(e))
	return TypedJSON{}
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return fmt.Sprintf("%T", e)
}

// rebuild makes the Go value of a TypedJSON, or reports that reflect cannot.
func rebuild(tj TypedJSON) (v reflect.Value, ok bool) {
	t, ok := reflectType(tj.Type)
	if !ok {
		return reflect.Value{}, false
	}
	return rebuildValue(t, tj.Type, tj.Value)
}

func reflectType(t *TypeJSON) (reflect.Type, bool) {
	if t.Name != "" {
		// reflect cannot define named types.
		return nil, false
	}
	switch t.Kind {
	case "bool":
		return reflect.TypeOf(false), true
	case "int":
		return reflect.TypeOf(0), true
	case "int8":
		return reflect.TypeOf(int8(0)), true
	case "int16":
		return reflect.TypeOf(int16(0)), true
	case "int32":
		return reflect.TypeOf(int32(0)), true
	case "int64":
		return reflect.TypeOf(int64(0)), true
	case "uint":
		return reflect.TypeOf(uint(0)), true
	case "uint8":
		return reflect.TypeOf(uint8(0)), true
	case "uint16":
		return reflect.TypeOf(uint16(0)), true
	case "uint32":
		return reflect.TypeOf(uint32(0)), true
	case "uint64":
		return reflect.TypeOf(uint64(0)), true
	case "uintptr":
		return reflect.TypeOf(uintptr(0)), true
	case "float32":
		return reflect.TypeOf(float32(0)), true
	case "float64":
		return reflect.TypeOf(float64(0)), true
	case "string":
		return reflect.TypeOf(""), true
	case "interface":
		return reflect.TypeOf((*any)(nil)).Elem(), true
	case "slice", "array", "ptr":
		e, ok := reflectType(t.Elem)
		if !ok {
			return nil, false
		}
		switch t.Kind {
		case "slice":
			return reflect.SliceOf(e), true
		case "array":
			return reflect.ArrayOf(t.Len, e), true
		}
		return reflect.PtrTo(e), true
	case "map":
		k, ok1 := reflectType(t.Key)
		e, ok2 := reflectType(t.Elem)
		if !ok1 || !ok2 {
			return nil, false
		}
		return reflect.MapOf(k, e), true
	case "struct":
		var fs []reflect.StructField
		for _, f := range t.Fields {
			ft, ok := reflectType(f.Type)
			if !ok || !token.IsExported(f.Name) {
				return nil, false
			}
			fs = append(fs, reflect.StructField{Name: f.Name, Type: ft})
		}
		return reflect.StructOf(fs), true
	}
	return nil, false
}

func rebuildValue(rt reflect.Type, t *TypeJSON, v any) (reflect.Value, bool) {
	out := reflect.New(rt).Elem()
	if v == nil {
		return out, true
	}
	switch t.Kind {
	case "bool":
		out.SetBool(v.(bool))
	case "int", "int8", "int16", "int32", "int64":
		n, err := strconv.ParseInt(v.(string), 10, 64)
		must(err)
		out.SetInt(n)
	case "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
		n, err := strconv.ParseUint(v.(string), 10, 64)
		must(err)
		out.SetUint(n)
	case "float32", "float64":
		f, err := strconv.ParseFloat(v.(string), 64)
		if err != nil {
			f = map[string]float64{"NaN": math.NaN(), "+Inf": math.Inf(1), "-Inf": math.Inf(-1)}[v.(string)]
		}
		out.SetFloat(f)
	case "string":
		out.SetString(v.(string))
	case "interface":
		inner := v.(TypedJSON)
		iv, ok := rebuild(inner)
		if !ok {
			return out, false
		}
		out.Set(iv)
	case "slice", "array":
		xs := v.([]any)
		if t.Kind == "slice" {
			out = reflect.MakeSlice(rt, len(xs), len(xs))
		}
		for i, x := range xs {
			ev, ok := rebuildValue(rt.Elem(), t.Elem, x)
			if !ok {
				return out, false
			}
			out.Index(i).Set(ev)
		}
	case "map":
		out = reflect.MakeMap(rt)
		for _, kv := range v.([]any) {
			pair := kv.([]any)
			k, ok1 := rebuildValue(rt.Key(), t.Key, pair[0])
			e, ok2 := rebuildValue(rt.Elem(), t.Elem, pair[1])
			if !ok1 || !ok2 {
				return out, false
			}
			out.SetMapIndex(k, e)
		}
	case "ptr":
		e, ok := rebuildValue(rt.Elem(), t.Elem, v)
		if !ok {
			return out, false
		}
		p := reflect.New(rt.Elem())
		p.Elem().Set(e)
		out = p
	case "struct":
		for i, x := range v.([]any) {
			fv, ok := rebuildValue(rt.Field(i).Type, t.Fields[i].Type, x)
			if !ok {
				return out, false
			}
			out.Field(i).Set(fv)
		}
	}
	return out, true
}

// fmtEnv holds fmt_test.go's package-level type and var declarations.
var fmtEnv = struct {
	types map[string]ast.Expr
	vars  map[string]ast.Expr
}{map[string]ast.Expr{}, map[string]ast.Expr{}}

func fmtTestRows(path string) []FmtRow {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	must(err)
	env := newLitEnv(f)
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, sp := range g.Specs {
			switch x := sp.(type) {
			case *ast.TypeSpec:
				if id, ok := x.Type.(*ast.Ident); ok && strings.HasPrefix(x.Name.Name, "renamed") {
					fmtEnv.types[x.Name.Name] = id
				} else if at, ok := x.Type.(*ast.ArrayType); ok && x.Name.Name == "renamedBytes" {
					fmtEnv.types[x.Name.Name] = at
				}
			case *ast.ValueSpec:
				for i, n := range x.Names {
					if i < len(x.Values) && g.Tok == token.VAR {
						fmtEnv.vars[n.Name] = x.Values[i]
					}
				}
			}
		}
	}
	var out []FmtRow
	for _, row := range tableRows(f, "fmtTests") {
		r := FmtRow{Fmt: env.eval(row.Elts[0]).(string), Out: env.eval(row.Elts[2]).(string)}
		func() {
			defer func() {
				if e := recover(); e != nil {
					s, ok := e.(skipError)
					if !ok {
						panic(e)
					}
					r.Skip = string(s)
					r.Arg = nil
				}
			}()
			if id, ok := row.Elts[1].(*ast.Ident); ok && id.Name == "nil" {
				r.Nil = true
				r.Go, r.GoBuilt = fmt.Sprintf(r.Fmt, nil), true
				return
			}
			tj := valueOf(row.Elts[1], nil)
			r.Arg = &tj
			if v, ok := rebuild(tj); ok {
				r.Go, r.GoBuilt = fmt.Sprintf(r.Fmt, v.Interface()), true
			}
		}()
		out = append(out, r)
	}
	return out
}
