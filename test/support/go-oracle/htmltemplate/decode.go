package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"reflect"
)

// value is the typed JSON encoding of a Go value; exactly one field is set.
//
//	{"s":"x"} string, {"i":1} int, {"f":1.5} float64, {"b":true} bool, {"nil":true} untyped nil
//	{"content":"HTML","s":"x"} html/template.HTML (CSS, HTMLAttr, JS, JSStr, URL, Srcset)
//	{"slice":"string"|"any","items":[...]} []string / []interface{}
//	{"map":"string"|"any","entries":{...}} map[string]string / map[string]interface{}
//	{"struct":[{"name":"F","type":"bool","v":{...}}]} an unnamed struct (reflect.StructOf)
//	{"ptr":{...}} a pointer to the value; {"nilptr":"int"} a typed nil *int
//	{"item":{...}} TestEscapeSet's dataItem tree; {"am":{...}} Alertmanager's template.Data
type value struct {
	S       *string           `json:"s"`
	I       *int              `json:"i"`
	F       *float64          `json:"f"`
	B       *bool             `json:"b"`
	Nil     bool              `json:"nil"`
	Content string            `json:"content"`
	Slice   string            `json:"slice"`
	Items   []json.RawMessage `json:"items"`
	Map     string            `json:"map"`
	Entries map[string]json.RawMessage
	Struct  []field         `json:"struct"`
	Ptr     json.RawMessage `json:"ptr"`
	NilPtr  string          `json:"nilptr"`
	Item    *dataItemJSON   `json:"item"`
	AM      *amData         `json:"am"`
}

type field struct {
	Name string          `json:"name"`
	Type string          `json:"type"`
	V    json.RawMessage `json:"v"`
}

func contentOf(kind, s string) (any, error) {
	switch kind {
	case "CSS":
		return template.CSS(s), nil
	case "HTML":
		return template.HTML(s), nil
	case "HTMLAttr":
		return template.HTMLAttr(s), nil
	case "JS":
		return template.JS(s), nil
	case "JSStr":
		return template.JSStr(s), nil
	case "URL":
		return template.URL(s), nil
	case "Srcset":
		return template.Srcset(s), nil
	}
	return nil, fmt.Errorf("unknown content type %q", kind)
}

var fieldTypes = map[string]reflect.Type{
	"bool":     reflect.TypeOf(false),
	"string":   reflect.TypeOf(""),
	"int":      reflect.TypeOf(0),
	"float64":  reflect.TypeOf(0.0),
	"any":      reflect.TypeOf((*any)(nil)).Elem(),
	"error":    reflect.TypeOf((*error)(nil)).Elem(),
	"[]string": reflect.TypeOf([]string{}),
	"*int":     reflect.TypeOf((*int)(nil)),
	"HTML":     reflect.TypeOf(template.HTML("")),
	"map":      reflect.TypeOf(map[string]string{}),
}

func decode(raw json.RawMessage) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v value
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch {
	case v.Content != "":
		return contentOf(v.Content, *v.S)
	case v.S != nil:
		return *v.S, nil
	case v.I != nil:
		return *v.I, nil
	case v.F != nil:
		return *v.F, nil
	case v.B != nil:
		return *v.B, nil
	case v.Nil:
		return nil, nil
	case v.Slice != "":
		if v.Slice == "string" {
			out := []string{}
			for _, it := range v.Items {
				x, err := decode(it)
				if err != nil {
					return nil, err
				}
				out = append(out, x.(string))
			}
			return out, nil
		}
		out := []any{}
		for _, it := range v.Items {
			x, err := decode(it)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case v.Map != "":
		if v.Map == "string" {
			out := map[string]string{}
			for k, it := range v.Entries {
				x, err := decode(it)
				if err != nil {
					return nil, err
				}
				out[k] = x.(string)
			}
			return out, nil
		}
		out := map[string]any{}
		for k, it := range v.Entries {
			x, err := decode(it)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case v.Struct != nil:
		fields := make([]reflect.StructField, len(v.Struct))
		for i, f := range v.Struct {
			ft, ok := fieldTypes[f.Type]
			if !ok {
				return nil, fmt.Errorf("unknown field type %q", f.Type)
			}
			fields[i] = reflect.StructField{Name: f.Name, Type: ft}
		}
		sv := reflect.New(reflect.StructOf(fields)).Elem()
		for i, f := range v.Struct {
			x, err := decode(f.V)
			if err != nil {
				return nil, err
			}
			if x != nil {
				sv.Field(i).Set(reflect.ValueOf(x).Convert(fields[i].Type))
			}
		}
		return sv.Interface(), nil
	case v.Ptr != nil:
		x, err := decode(v.Ptr)
		if err != nil {
			return nil, err
		}
		p := reflect.New(reflect.TypeOf(x))
		p.Elem().Set(reflect.ValueOf(x))
		return p.Interface(), nil
	case v.NilPtr != "":
		return (*int)(nil), nil
	case v.Item != nil:
		return v.Item.toItem(), nil
	case v.AM != nil:
		return v.AM.toData(), nil
	}
	return nil, fmt.Errorf("cannot decode %s", raw)
}

// dataItem is TestEscapeSet's recursive data type.
type dataItem struct {
	Children []*dataItem
	X        string
}

type dataItemJSON struct {
	Children []*dataItemJSON `json:"children"`
	X        string          `json:"x"`
}

func (d *dataItemJSON) toItem() dataItem {
	out := dataItem{X: d.X}
	for _, c := range d.Children {
		ci := c.toItem()
		out.Children = append(out.Children, &ci)
	}
	return out
}
