// Command mimeoracle encodes strings as Alertmanager 0.25's email notifier does
// (notify/email/email.go), with Go 1.19's mime packages: each input's header Q-encoding, its
// quoted-printable body, and a multipart/alternative body with the text and html parts and a
// fixed boundary. Input on stdin: a JSON array of strings; output: a JSON object of arrays.
package main

import (
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"os"
)

type result struct {
	Q         []string `json:"q"`
	QP        []string `json:"qp"`
	Multipart []string `json:"multipart"`
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

func alternative(text, html string) string {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary("b0undary"); err != nil {
		panic(err)
	}
	for _, part := range []struct{ kind, body string }{{"text/plain", text}, {"text/html", html}} {
		if part.body == "" {
			continue
		}
		pw, err := w.CreatePart(textproto.MIMEHeader{
			"Content-Transfer-Encoding": {"quoted-printable"},
			"Content-Type":              {part.kind + "; charset=UTF-8"},
		})
		if err != nil {
			panic(err)
		}
		q := quotedprintable.NewWriter(pw)
		q.Write([]byte(part.body))
		q.Close()
	}
	w.Close()
	return b.String()
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		panic(err)
	}
	var r result
	for _, s := range inputs {
		r.Q = append(r.Q, mime.QEncoding.Encode("utf-8", s))
		r.QP = append(r.QP, qp(s))
		r.Multipart = append(r.Multipart, alternative(s, "<p>"+s+"</p>"))
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		panic(err)
	}
}
